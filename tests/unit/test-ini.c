/* Unit tests for the INI reader: configparser as Supervisor uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ini.h"

/* Parse text as file "t.conf" into ini; returns the cause on error. */
static char *
parse(struct ini *ini, const char *text)
{
	char	*cause = NULL;

	if (ini_read_buffer(ini, "t.conf", text, strlen(text), &cause) == 0)
		return (NULL);
	assert_non_null(cause);
	return (cause);
}

static const char *
get(struct ini *ini, const char *section, const char *name)
{
	const struct ini_option	*o;
	struct ini_section	*sec;

	sec = ini_find_section(ini, section);
	if ((o = ini_find_option(ini, sec, name)) == NULL)
		return (NULL);
	return (o->value);
}

/* Parse, expect success and the value of one option. */
static void
check_value(const char *text, const char *section, const char *name,
    const char *want)
{
	struct ini	*ini = ini_create();
	char		*cause;

	cause = parse(ini, text);
	if (cause != NULL)
		fail_msg("unexpected error: %s", cause);
	if (want == NULL)
		assert_null(get(ini, section, name));
	else {
		assert_non_null(get(ini, section, name));
		assert_string_equal(get(ini, section, name), want);
	}
	ini_free(ini);
}

/* Parse, expect failure with exactly this cause. */
static void
check_error(const char *text, const char *want)
{
	struct ini	*ini = ini_create();
	char		*cause;

	cause = parse(ini, text);
	if (cause == NULL)
		fail_msg("expected error: %s", want);
	assert_string_equal(cause, want);
	assert_int_equal(ini->nsections, 0);
	free(cause);
	ini_free(ini);
}

static void
test_basic(void **state)
{
	struct ini	*ini = ini_create();
	const struct ini_option *o;

	assert_null(parse(ini, "[supervisord]\nlogfile = /tmp/x.log\n"
	    "[program:cat]\ncommand=/bin/cat\nAutoStart : true\n"));
	assert_int_equal(ini->nsections, 2);
	assert_string_equal(ini->sections[0].name, "supervisord");
	assert_string_equal(ini->sections[1].name, "program:cat");
	assert_int_equal(ini->sections[1].line, 3);
	assert_string_equal(get(ini, "supervisord", "logfile"), "/tmp/x.log");
	o = ini_find_option(ini, &ini->sections[1], "autostart");
	assert_non_null(o);
	assert_string_equal(o->name, "autostart");
	assert_string_equal(o->value, "true");
	assert_string_equal(o->file, "t.conf");
	assert_int_equal(o->line, 5);
	/* Lookups lower-case the name, like configparser's get(). */
	assert_string_equal(get(ini, "program:cat", "AUTOSTART"), "true");
	assert_null(ini_find_section(ini, "Program:cat"));
	ini_free(ini);
}

static void
test_delimiters(void **state)
{
	check_value("[s]\na=b:c\n", "s", "a", "b:c");
	check_value("[s]\na:b=c\n", "s", "a", "b=c");
	check_value("[s]\na  =  \n", "s", "a", "");
	check_value("[s]\na b = c d \n", "s", "a b", "c d");
	check_value("[s]\na==b\n", "s", "a", "=b");
	check_value("[s]\nx\t:\tv\n", "s", "x", "v");
}

static void
test_comments(void **state)
{
	/* Inline comments need whitespace (or line start) before them. */
	check_value("[s]\na = b;c\n", "s", "a", "b;c");
	check_value("[s]\na = b ;c\n", "s", "a", "b");
	check_value("[s]\na = b#c\n", "s", "a", "b#c");
	check_value("[s]\na = b\t# c\n", "s", "a", "b");
	check_value("[s]\na = http://x/#frag\n", "s", "a", "http://x/#frag");
	check_value("[s]\n  ; full\n\t# full\na=1\n", "s", "a", "1");
	/*
	 * configparser searches ';' and '#' in rounds and stops at the first
	 * round with a valid one, so " ;c" loses to the first '#' here.
	 */
	check_value("[s]\na=x;y ;z #w\n", "s", "a", "x;y ;z");
	check_value("[s]\na=x;y #z ;w\n", "s", "a", "x;y");
	/* Any Unicode space counts before a prefix. */
	check_value("[s]\na=x\xe3\x80\x80;y\n", "s", "a", "x");
	check_value("[s]\n[t] ; c\na=1\n", "t", "a", "1");
}

static void
test_continuation(void **state)
{
	check_value("[s]\na = 1\n  2\n\t3\nb=4\n", "s", "a", "1\n2\n3");
	/* Blank lines stay inside; trailing ones go; comment lines vanish. */
	check_value("[s]\na = 1\n\n  2\n\n\n", "s", "a", "1\n\n2");
	check_value("[s]\na = 1\n  # c\n  2\n", "s", "a", "1\n2");
	check_value("[s]\na =\n  x\n", "s", "a", "\nx");
	/* Deeper than the option line, not than column 0. */
	check_value("[s]\n  a = 1\n  b = 2\n", "s", "a", "1");
	check_value("[s]\n  a = 1\n   b = 2\n", "s", "a", "1\nb = 2");
	/* An indented header continues a value. */
	check_value("[s]\na = 1\n [t]\n", "s", "a", "1\n[t]");
	/* Indent counts code points: U+3000 is one. */
	check_value("[s]\n\xe3\x80\x80" "a = 1\n  b\n", "s", "a", "1\nb");
	/* A header ends the value; a new option starts its own. */
	check_value("[s]\na = 1\n[t]\nb = 2\n", "s", "a", "1");
}

static void
test_headers(void **state)
{
	check_value("[program: x ]\na=1\n", "program: x ", "a", "1");
	check_value("[a]x\nk=v\n", "a", "k", "v");
	check_value("[a]b]\nk=v\n", "a]b", "k", "v");
	check_value("[]]\nk=v\n", "]", "k", "v");
	check_value("[[x]]\nk=v\n", "[x]", "k", "v");
	check_value("  [s]  \nk=v\n", "s", "k", "v");
	check_error("[]\nk=v\n", "t.conf:1: '[]' before any [section] header "
	    "(expected a [section] header first)");
}

static void
test_defaults(void **state)
{
	struct ini	*ini = ini_create();

	assert_null(parse(ini, "[DEFAULT]\nd = 1\nx = 2\n[s]\nx = 3\n"));
	assert_int_equal(ini->nsections, 1);
	assert_null(ini_find_section(ini, "DEFAULT"));
	assert_string_equal(get(ini, "s", "d"), "1");
	assert_string_equal(get(ini, "s", "x"), "3");
	assert_string_equal(ini->defaults.options[1].value, "2");
	assert_string_equal(ini_find_option(ini, NULL, "x")->value, "2");
	ini_free(ini);
}

static void
test_merge(void **state)
{
	struct ini	*ini = ini_create();
	char		*cause = NULL;
	const char	*b = "[s]\na = 3\n[t]\nc=1\n";

	assert_null(parse(ini, "[s]\na = 1\nb = 2\n[s]\na = 2\n"));
	assert_int_equal(ini->nsections, 1);
	assert_int_equal(ini->sections[0].noptions, 2);
	assert_string_equal(ini->sections[0].options[0].name, "a");
	assert_string_equal(ini->sections[0].options[0].value, "2");
	assert_int_equal(ini->sections[0].options[0].line, 5);

	assert_int_equal(ini_read_buffer(ini, "u.conf", b, strlen(b), &cause),
	    0);
	assert_int_equal(ini->nsections, 2);
	assert_string_equal(ini->sections[0].options[0].value, "3");
	assert_string_equal(ini->sections[0].options[0].file, "u.conf");
	assert_string_equal(ini->sections[0].file, "t.conf");
	assert_string_equal(ini->sections[1].file, "u.conf");
	ini_free(ini);
}

static void
test_errors(void **state)
{
	check_error("a=1\n", "t.conf:1: option 'a=1' before any [section] "
	    "header");
	check_error("# c\n\n  junk  \n[s]\n", "t.conf:3: 'junk' before any "
	    "[section] header (expected a [section] header first)");
	check_error("[s]\nfoo bar\nok=1\n= x\n:y\n", "t.conf:2: cannot parse "
	    "'foo bar': expected 'name = value', a [section] header, or a "
	    "comment\n"
	    "t.conf:4: option without a name in '= x' (expected 'name = "
	    "value')\n"
	    "t.conf:5: option without a name in ':y' (expected 'name = "
	    "value')");
	/* After a bad line the previous option still takes continuations. */
	check_error("[s]\na=1\nbad\n  more\n", "t.conf:3: cannot parse 'bad': "
	    "expected 'name = value', a [section] header, or a comment");
	/* After a nameless option nothing does. */
	check_error("[s]\n=1\n  more\n", "t.conf:2: option without a name in "
	    "'=1' (expected 'name = value')\n"
	    "t.conf:3: cannot parse 'more': expected 'name = value', a "
	    "[section] header, or a comment");
	check_error("[s]\na=\xff\n", "t.conf:2: invalid UTF-8 byte 0xff "
	    "(expected UTF-8 text)");
	check_error("[s]\r\n\r\na=\xed\xa0\x80\n", "t.conf:3: invalid UTF-8 "
	    "byte 0xed (expected UTF-8 text)");
	check_error("[s]\na=\xc0\xaf\n", "t.conf:2: invalid UTF-8 byte 0xc0 "
	    "(expected UTF-8 text)");
	check_error("[s]\na=\xf4\x90\x80\x80\n", "t.conf:2: invalid UTF-8 "
	    "byte 0xf4 (expected UTF-8 text)");
}

/* A NUL cannot live in our strings, so a file with one is refused. */
static void
test_nul(void **state)
{
	struct ini	*ini = ini_create();
	char		*cause = NULL;

	assert_int_equal(ini_read_buffer(ini, "t.conf", "[s]\na=x\0y\n", 10,
	    &cause), -1);
	assert_string_equal(cause, "t.conf:2: NUL byte in the file "
	    "(expected UTF-8 text)");
	free(cause);
	ini_free(ini);
}

static void
test_error_leaves_ini(void **state)
{
	struct ini	*ini = ini_create();
	char		*cause;

	assert_null(parse(ini, "[s]\na = 1\n"));
	cause = parse(ini, "[s]\na = 2\n[t]\nb = 1\nbad\n");
	assert_non_null(cause);
	free(cause);
	assert_int_equal(ini->nsections, 1);
	assert_string_equal(get(ini, "s", "a"), "1");
	assert_int_equal(ini->nfiles, 1);
	ini_free(ini);
}

static void
test_newlines(void **state)
{
	struct ini	*ini = ini_create();

	assert_null(parse(ini, "[s]\r\na = 1\r  2\r\nb = 3\rc=4"));
	assert_string_equal(get(ini, "s", "a"), "1\n2");
	assert_string_equal(get(ini, "s", "b"), "3");
	assert_string_equal(get(ini, "s", "c"), "4");
	assert_int_equal(ini->sections[0].options[2].line, 5);
	ini_free(ini);
	/* Form feed, VT and U+2028 are spaces but do not end lines. */
	check_value("[s]\na = 1\x0c 2\n", "s", "a", "1\x0c 2");
	check_value("[s]\na = 1\xe2\x80\xa8 2\n", "s", "a",
	    "1\xe2\x80\xa8 2");
	check_value("[s]\na = \x0b" "1\x0b\n", "s", "a", "1");
	check_value("", "s", "a", NULL);
}

static void
test_unicode_names(void **state)
{
	/* Python's str.lower(), Final_Sigma and U+0130 included. */
	check_value("[s]\n\xce\xa3\xce\x91\xce\xa3 = 1\n", "s",
	    "\xcf\x83\xce\xb1\xcf\x82", "1");
	check_value("[s]\n\xc4\xb0 = 1\n", "s", "i\xcc\x87", "1");
	check_value("[s]\n\xe2\x84\xaaILLASGROUP = 1\n", "s", "killasgroup",
	    "1");
	check_value("[s]\n\xc3\x84 = 1\n", "s", "\xc3\xa4", "1");
	/* A BOM is not whitespace: it is part of the first line. */
	check_error("\xef\xbb\xbf[s]\n", "t.conf:1: '\xef\xbb\xbf[s]' before "
	    "any [section] header (expected a [section] header first)");
	/* U+00A0 and U+3000 are stripped from names and values. */
	check_value("[s]\n\xc2\xa0k\xc2\xa0=\xe3\x80\x80v\xe3\x80\x80\n", "s",
	    "k", "v");
}

static void
test_set_value(void **state)
{
	struct ini		*ini = ini_create();
	struct ini_section	*sec;
	const struct ini_option	*o;

	assert_null(parse(ini, "[s]\na = 1\n"));
	sec = ini_find_section(ini, "s");
	ini_set_value(sec, "A", "2");
	ini_set_value(sec, "b", "3");
	o = ini_find_option(ini, sec, "a");
	assert_string_equal(o->value, "2");
	assert_int_equal(o->line, 2);
	o = ini_find_option(ini, sec, "b");
	assert_string_equal(o->value, "3");
	assert_null(o->file);
	assert_int_equal(sec->noptions, 2);
	ini_free(ini);
}

static void
test_read_file(void **state)
{
	struct ini	*ini = ini_create();
	char		 path[] = "/tmp/test-ini-XXXXXX", *cause = NULL;
	const char	*text = "[s]\na = 1\n";
	int		 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(ini_read_file(ini, path, &cause), 0);
	assert_string_equal(get(ini, "s", "a"), "1");
	assert_string_equal(ini->sections[0].file, path);
	unlink(path);
	assert_int_equal(ini_read_file(ini, path, &cause), -1);
	assert_non_null(strstr(cause, ": cannot open: "));
	free(cause);
	assert_int_equal(ini_read_file(ini, "/", &cause), -1);
	assert_non_null(strstr(cause, "/: cannot read: "));
	free(cause);
	ini_free(ini);
}

/* Inputs the fuzzer once found troublesome. */
static void
test_fuzz_regressions(void **state)
{
	static const char *inputs[] = {
		"[",
		"[]",
		"\r",
		"\r\r\n\n",
		"[s]\n=",
		"[s]\n \n\n a",
		"[s]\na=\n\n\n",
		"[s]\n#;",
		"[s]\n;#\xce\xa3",
		"[s]\n\xce\xa3",
		"[s]\n\xce\xa3=",
		"[s]\n'\xce\xa3=",
		"[s]\na=1\n[s]\n[DEFAULT]\na=\n[s]\n a",
		"key = before any section\n[s]\n",	/* leaked the text */
	};
	struct ini	*ini;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		ini = ini_create();
		cause = parse(ini, inputs[i]);
		free(cause);
		ini_free(ini);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_delimiters),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_error_leaves_ini),
		cmocka_unit_test(test_newlines),
		cmocka_unit_test(test_unicode_names),
		cmocka_unit_test(test_set_value),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_fuzz_regressions),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
