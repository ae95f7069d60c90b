/* Unit tests for expand_format(): Python's "format % dict" for Supervisor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "expand.h"

static struct expand_vars vars;

static int
setup(void **state)
{
	expand_vars_init(&vars);
	expand_vars_set_str(&vars, "here", "/etc/supervisor");
	expand_vars_set_str(&vars, "program_name", "cat");
	expand_vars_set_int(&vars, "process_num", 3);
	expand_vars_set_int(&vars, "n", -31);
	expand_vars_set_str(&vars, "s", "xy");
	expand_vars_set_str(&vars, "u", "\xc3\xa9\xe2\x80\xa8'\"");
	expand_vars_set_int(&vars, "zero", 0);
	expand_vars_set_int(&vars, "big", 0x110000);
	expand_vars_set_str(&vars, "empty", "");
	return (0);
}

static int
teardown(void **state)
{
	expand_vars_free(&vars);
	return (0);
}

static void
check(const char *format, const char *want)
{
	char	*got, *cause = NULL;

	got = expand_format(format, &vars, "program:x.command", &cause);
	if (got == NULL)
		fail_msg("%s: unexpected error: %s", format, cause);
	assert_string_equal(got, want);
	free(got);
}

/* Expect Supervisor's "badly formatted" error with this reason. */
static void
check_bad(const char *format, const char *reason)
{
	char	*got, *cause = NULL, *want;

	got = expand_format(format, &vars, "w", &cause);
	if (got != NULL)
		fail_msg("%s: expected error, got %s", format, got);
	want = NULL;
	assert_true(asprintf(&want, "is badly formatted: %s", reason) > 0);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: got %s, want %s", format, cause, want);
	free(want);
	free(cause);
}

static void
test_names(void **state)
{
	check("%(here)s/%(program_name)s.log", "/etc/supervisor/cat.log");
	check("%(process_num)02d", "03");
	check("%(process_num)s-%(process_num)d", "3-3");
	check("100%% of %(s)s", "100% of xy");
	check("plain", "plain");
	check("", "");
	check("%(s)5s|%(s)-5s|%(s).1s|%(s)5.1s", "   xy|xy   |x|    x");
	check("%(u)3s", "\xc3\xa9\xe2\x80\xa8'\"");
	check("%(u)6s", "  \xc3\xa9\xe2\x80\xa8'\"");
	check("%(s)05s", "   xy");
	check("%(empty)5.2s|%(empty)s|", "     ||");
}

static void
test_ints(void **state)
{
	check("%(n)d %(n)i %(n)u", "-31 -31 -31");
	check("%(n)x %(n)X %(n)o", "-1f -1F -37");
	check("%(n)#x %(n)#X %(n)#o", "-0x1f -0X1F -0o37");
	check("%(n)+#010x", "-0x000001f");
	check("%(process_num)+d|%(process_num) d|%(n) d", "+3| 3|-31");
	check("%(n)10.5d|%(n)-10.5d|", "    -00031|-00031    |");
	check("%(process_num)#5x|%(process_num)#05x", "  0x3|0x003");
	check("%(process_num)-05d|", "3    |");
	check("%(zero).0d|%(zero)#.0x", "0|0x0");
	check("%(process_num)hd%(process_num)ld%(process_num)Ld", "333");
}

static void
test_floats(void **state)
{
	check("%(process_num)e", "3.000000e+00");
	check("%(process_num)#.0e|%(process_num)#g|%(process_num)g",
	    "3.e+00|3.00000|3");
	check("%(n)020.10e", "-0003.1000000000e+01");
	check("%(n)+.2f|%(process_num)+.2F", "-31.00|+3.00");
}

static void
test_repr(void **state)
{
	check("%(s)r %(process_num)r %(process_num)a", "'xy' 3 3");
	check("%(u)r", "'\xc3\xa9\\u2028\\'\"'");
	check("%(u)a", "'\\xe9\\u2028\\'\"'");
	check("%(u)5.2r|", "   '\xc3\xa9|");
}

static void
test_char(void **state)
{
	struct expand_vars	 v;
	char			*got, *cause = NULL;

	expand_vars_init(&v);
	expand_vars_set_int(&v, "e", 0xe9);
	expand_vars_set_str(&v, "c", "\xf0\x9f\x98\x80");
	got = expand_format("%(e)c%(c)c%(e)3c", &v, "w", &cause);
	assert_string_equal(got, "\xc3\xa9\xf0\x9f\x98\x80  \xc3\xa9");
	free(got);
	expand_vars_free(&v);
	check_bad("%(s)c", "%c requires int or char");
	check_bad("%(big)c", "%c arg not in range(0x110000)");
	check_bad("%(n)c", "%c arg not in range(0x110000)");
	check_bad("%c", "%c requires int or char");
	/* Python would give a NUL; we refuse it. */
	check_bad("%(zero)c", "%c of 0 is a NUL character, which cannot be "
	    "in a value");
}

static void
test_bare_specs(void **state)
{
	struct expand_vars	 v;
	char			*got, *cause = NULL;

	/* Without a name, the conversion applies to the dict itself. */
	expand_vars_init(&v);
	got = expand_format("%s", &v, "w", &cause);
	assert_string_equal(got, "{}");
	free(got);
	expand_vars_set_str(&v, "a", "x");
	expand_vars_set_int(&v, "b", 1);
	got = expand_format("%s|%(a)s", &v, "w", &cause);
	assert_string_equal(got, "{'a': 'x', 'b': 1}|x");
	free(got);
	expand_vars_free(&v);
	check_bad("%d", "%d format: a real number is required, not dict");
	check_bad("%x", "%x format: an integer is required, not dict");
	check_bad("%e", "must be real number, not dict");
	check_bad("%s %s", "not enough arguments for format string");
	check_bad("%(s)s %s", "not enough arguments for format string");
	check_bad("%*d", "* wants int");
	check_bad("%(process_num)*d", "not enough arguments for format string");
	check_bad("%(s)*d", "* wants int");
	check_bad("%(process_num).*d", "not enough arguments for format "
	    "string");
}

static void
test_bad_formats(void **state)
{
	check_bad("%", "incomplete format");
	check_bad("x%(s)", "incomplete format");
	check_bad("%(s)5", "incomplete format");
	check_bad("%(s).", "incomplete format");
	check_bad("%(s)-", "incomplete format");
	check_bad("%(s)l", "incomplete format");
	check_bad("%(s", "incomplete format key");
	check_bad("%((s)", "incomplete format key");
	check_bad("%(", "incomplete format key");
	check_bad("%(s)z", "unsupported format character 'z' (0x7a) at "
	    "index 4");
	check_bad("\xc3\xa9%(s)\xc3\xa9", "unsupported format character '?' "
	    "(0xe9) at index 5");
	check_bad("%(s)%", "unsupported format character '%' (0x25) at "
	    "index 4");
	check_bad("%(s)lld", "unsupported format character 'l' (0x6c) at "
	    "index 5");
	check_bad("%(s)d", "%d format: a real number is required, not str");
	check_bad("%(s)X", "%X format: an integer is required, not str");
	check_bad("%(s)g", "must be real number, not str");
	check_bad("%(s)65536s", "width too big");
	check_bad("%(s).99999999999s", "precision too big");
	check_bad("%(n).65536d", "precision too big");
	check_bad("%(n).2147483647d", "precision too large");
}

static void
test_messages(void **state)
{
	struct expand_vars	 v;
	char			*cause = NULL;

	expand_vars_init(&v);
	expand_vars_set_str(&v, "b", "1");
	expand_vars_set_str(&v, "a", "1");
	expand_vars_set_str(&v, "\xc3\xa9", "1");
	expand_vars_set_str(&v, "B", "1");
	assert_null(expand_format("%(nope)s %(a)s", &v, "program:x.command",
	    &cause));
	assert_string_equal(cause, "Format string '%(nope)s %(a)s' for "
	    "'program:x.command' contains names ('nope') which cannot be "
	    "expanded. Available names: B, a, b, \xc3\xa9");
	free(cause);
	assert_null(expand_format("it's %(\xe2\x80\xa8)s", &v, "x", &cause));
	assert_string_equal(cause, "Format string \"it's %(\\u2028)s\" for "
	    "'x' contains names ('\\u2028') which cannot be expanded. "
	    "Available names: B, a, b, \xc3\xa9");
	free(cause);
	assert_null(expand_format("%()s", &v, "x", &cause));
	assert_non_null(strstr(cause, "contains names ('')"));
	free(cause);
	/* A missing name is found before the format is seen to be short. */
	assert_null(expand_format("%(nope)", &v, "x", &cause));
	assert_non_null(strstr(cause, "contains names ('nope')"));
	free(cause);
	expand_vars_free(&v);
}

static void
test_vars(void **state)
{
	struct expand_vars	 v;
	char			*env[] = { "HOME=/root", "X", "A=1=2",
	    "HOME=/x", "=y", NULL };
	char			*got, *cause = NULL;

	expand_vars_init(&v);
	expand_vars_set_str(&v, "ENV_HOME", "old");
	expand_vars_set_int(&v, "a", 1);
	expand_vars_set_str(&v, "a", "s");
	expand_vars_add_environ(&v, env);
	assert_int_equal(v.nvars, 4);
	assert_string_equal(expand_vars_find(&v, "ENV_HOME")->str, "/root");
	assert_string_equal(expand_vars_find(&v, "ENV_A")->str, "1=2");
	assert_string_equal(expand_vars_find(&v, "ENV_")->str, "y");
	assert_int_equal(expand_vars_find(&v, "a")->type, EXPAND_STR);
	assert_null(expand_vars_find(&v, "ENV_X"));
	got = expand_format("%s", &v, "w", &cause);
	assert_string_equal(got, "{'ENV_HOME': '/root', 'a': 's', "
	    "'ENV_A': '1=2', 'ENV_': 'y'}");
	free(got);
	expand_vars_free(&v);
}

/* A hidden variable expands but is neither listed nor in the dict. */
static void
test_hidden(void **state)
{
	struct expand_vars	 parent, child;
	char			*got, *cause = NULL;

	expand_vars_init(&parent);
	expand_vars_set_str(&parent, "here", "/etc");
	expand_vars_set_str(&parent, "profile", "prod");
	expand_vars_hide(&parent, "profile");
	expand_vars_hide(&parent, "nosuch");
	expand_vars_init_child(&child, &parent);
	expand_vars_set_str(&child, "program_name", "x");
	got = expand_format("%(here)s/%(profile)s", &child, "w", &cause);
	assert_string_equal(got, "/etc/prod");
	free(got);
	got = expand_format("%s", &child, "w", &cause);
	assert_string_equal(got, "{'here': '/etc', 'program_name': 'x'}");
	free(got);
	assert_null(expand_format("%(nope)s", &child, "w", &cause));
	assert_string_equal(cause, "Format string '%(nope)s' for 'w' contains "
	    "names ('nope') which cannot be expanded. Available names: here, "
	    "program_name");
	free(cause);
	expand_vars_free(&child);
	expand_vars_free(&parent);
}

/* Bytes that are not UTF-8 pass through, as surrogateescape would. */
static void
test_raw_bytes(void **state)
{
	struct expand_vars	 v;
	char			*got, *cause = NULL;

	expand_vars_init(&v);
	expand_vars_set_str(&v, "x", "a\xff" "b");
	got = expand_format("%(x)s|%(x)r|%(x)4s", &v, "w", &cause);
	assert_string_equal(got, "a\xff" "b|'a\\udcffb'| a\xff" "b");
	free(got);
	got = expand_format("\xc3(%(x)s", &v, "w", &cause);
	assert_string_equal(got, "\xc3(a\xff" "b");
	free(got);
	expand_vars_free(&v);
}

/* Inputs the fuzzer once found troublesome. */
static void
test_fuzz_regressions(void **state)
{
	static const char *inputs[] = {
		"%(", "%((", "%(n)#", "%(n)#o", "%(n)#-x", "%(n)+#x",
		"%(n).0x", "%(n)#.0o", "%(s).0r", "%(u).1a", "%.*s",
		"%(n)0", "%\xf0", "%(\xff)s", "%(s)\xe2\x82",
		"%(empty)5.2s|",	/* NULL + 0 for an empty string */
	};
	char	*got, *cause;
	size_t	 i;

	for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		cause = NULL;
		got = expand_format(inputs[i], &vars, "w", &cause);
		assert_true((got == NULL) != (cause == NULL));
		free(got);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_floats),
		cmocka_unit_test(test_repr),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_bare_specs),
		cmocka_unit_test(test_bad_formats),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_raw_bytes),
		cmocka_unit_test(test_fuzz_regressions),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
