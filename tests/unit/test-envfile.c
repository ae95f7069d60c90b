/* Unit tests for envfile_parse() and envfile_load(), one rule at a time. */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "envfile.h"

/* The "environment" of every test: E=env, HOME=/home/u, EMPTY="". */
static const char *
test_lookup(const char *name, void *arg)
{
	if (strcmp(name, "E") == 0)
		return ("env");
	if (strcmp(name, "HOME") == 0)
		return ("/home/u");
	if (strcmp(name, "EMPTY") == 0)
		return ("");
	return (NULL);
}

/* Parse text; want is NAME, VALUE, ..., NULL: every variable, in order. */
static void
check(const char *text, const char **want)
{
	struct envfile_var	*vars = NULL;
	char			*cause = NULL;
	int			 nvars = 0, i;

	if (envfile_parse("t.env", text, strlen(text), test_lookup, NULL,
	    &vars, &nvars, &cause) != 0)
		fail_msg("%s: unexpected error %s", text, cause);
	for (i = 0; want[2 * i] != NULL; i++) {
		if (i >= nvars)
			fail_msg("%s: only %d variables", text, nvars);
		assert_string_equal(vars[i].name, want[2 * i]);
		assert_string_equal(vars[i].value, want[2 * i + 1]);
	}
	assert_int_equal(nvars, i);
	envfile_free(vars, nvars);
}

/* Parse text and expect exactly the error want. */
static void
check_error(const char *text, const char *want)
{
	struct envfile_var	*vars = NULL;
	char			*cause = NULL;
	int			 nvars = 0;

	if (envfile_parse("t.env", text, strlen(text), test_lookup, NULL,
	    &vars, &nvars, &cause) == 0)
		fail_msg("%s: no error, wanted %s", text, want);
	assert_string_equal(cause, want);
	assert_int_equal(nvars, 0);
	free(cause);
	free(vars);
}

#define OK(text, ...) do {					\
	const char *want_[] = { __VA_ARGS__, NULL };		\
	check(text, want_);					\
} while (0)

static void
test_assignments(void **state)
{
	OK("", NULL);
	OK("\n\n  \n# comment\n   # indented comment\n", NULL);
	OK("A=1", "A", "1");
	OK("A=1\nB=2\n", "A", "1", "B", "2");
	OK("export A=1\n", "A", "1");
	OK("export\tA=1 B=2\n", "A", "1", "B", "2");
	OK("  A=1\n", "A", "1");
	OK("A=\n", "A", "");
	OK("_a9=x", "_a9", "x");
	OK("A=1\nA=2\nB=3\nA=4\n", "A", "4", "B", "3");
	OK("A=1 # note\n", "A", "1");
	OK("A=1#x\n", "A", "1#x");
	OK("A=a#b", "A", "a#b");
	OK("A=#x", "A", "#x");
	OK("A=x=y", "A", "x=y");
	OK("A=1 B=$A", "A", "1", "B", "1");
	OK("export=1", "export", "1");
	OK("A=1\nexport A\n", "A", "1");
	OK("export E\n", NULL);
	OK("A=*?[x]!%@+,.:/", "A", "*?[x]!%@+,.:/");
	OK("A=\xc3\xa9t\xc3\xa9", "A", "\xc3\xa9t\xc3\xa9");
}

static void
test_quotes(void **state)
{
	OK("A='a b'", "A", "a b");
	OK("A=\"a b\"", "A", "a b");
	OK("A=\"x\"'y'z", "A", "xyz");
	OK("A=''", "A", "");
	OK("A='$E `x` $(y) \\n \"'", "A", "$E `x` $(y) \\n \"");
	OK("A=\"it's\"", "A", "it's");
	OK("A='a\nb'\nB=1", "A", "a\nb", "B", "1");
	OK("A=\"a\n# not a comment\nb\"\nB=$A", "A", "a\n# not a comment\nb",
	    "B", "a\n# not a comment\nb");
	OK("A=\"a;b|c&d<e>f(g)h{i}\"", "A", "a;b|c&d<e>f(g)h{i}");
	OK("A=\"x\r\"", "A", "x\r");
}

static void
test_backslashes(void **state)
{
	OK("A=a\\ b", "A", "a b");
	OK("A=\\$E\\\"\\'\\\\\\a", "A", "$E\"'\\a");
	OK("A=a\\\nb", "A", "ab");
	OK("A=a\\", "A", "a\\");
	OK("A=\"\\$ \\` \\\" \\\\ \\a \\n\"", "A", "$ ` \" \\ \\a \\n");
	OK("A=\"a\\\nb\"", "A", "ab");
	OK("A='\\'", "A", "\\");
	OK("export \\\n A=1", "A", "1");
}

static void
test_expansion(void **state)
{
	OK("A=$E", "A", "env");
	OK("A=${E}x", "A", "envx");
	OK("A=$Ex", "A", "");
	OK("A=$E/x:$E", "A", "env/x:env");
	OK("A=\"$E $E\"", "A", "env env");
	OK("A=$UNSET.", "A", ".");
	OK("E=file\nA=$E", "E", "file", "A", "file");
	OK("A=1\nA=${A}2", "A", "12");
	OK("A=$", "A", "$");
	OK("A=$/ B=\"$\" C=a$", "A", "$/", "B", "$", "C", "a$");
	OK("A=\"$'\"", "A", "$'");
	OK("A='$E'", "A", "$E");
}

static void
test_defaults(void **state)
{
	OK("A=${UNSET:-d}", "A", "d");
	OK("A=${UNSET-d}", "A", "d");
	OK("A=${EMPTY:-d}", "A", "d");
	OK("A=${EMPTY-d}", "A", "");
	OK("A=${E:-d}", "A", "env");
	OK("A=${E:+alt}${UNSET:+x}${EMPTY:+y}${EMPTY+z}", "A", "altz");
	OK("A=${UNSET:-a b}", "A", "a b");
	OK("A=${UNSET:-'a b'}", "A", "a b");
	OK("A=\"${UNSET:-'a b'}\"", "A", "'a b'");
	OK("A=${UNSET:-$E/x}", "A", "env/x");
	OK("A=${UNSET:-${E}}", "A", "env");
	OK("A=${UNSET:-a}b", "A", "ab");
	OK("A=${UNSET:-~/x}", "A", "/home/u/x");
}

static void
test_tilde(void **state)
{
	OK("A=~", "A", "/home/u");
	OK("A=~/x:~/y:a~b", "A", "/home/u/x:/home/u/y:a~b");
	OK("A='~' B=\"~\" C=\\~", "A", "~", "B", "~", "C", "~");
	check_error("A=~root", "t.env:1: ~r... is not supported in an "
	    "environment file; quote the ~ or write $HOME");
}

static void
test_refused(void **state)
{
	check_error("A=$(id)", "t.env:1: command substitution $(...) is not "
	    "allowed in an environment file");
	check_error("A=1\nB=\"x$(id)\"", "t.env:2: command substitution "
	    "$(...) is not allowed in an environment file");
	check_error("A=`id`", "t.env:1: command substitution `...` is not "
	    "allowed in an environment file");
	check_error("A=\"`id`\"", "t.env:1: command substitution `...` is not "
	    "allowed in an environment file");
	check_error("A=$((1+2))", "t.env:1: arithmetic expansion $((...)) is "
	    "not allowed in an environment file");
	check_error("A=$[1+2]", "t.env:1: arithmetic expansion $[...] is not "
	    "allowed in an environment file");
	check_error("A=${UNSET:-$(id)}", "t.env:1: command substitution "
	    "$(...) is not allowed in an environment file");
	check_error("A=$1", "t.env:1: special parameter $1 is not supported "
	    "in an environment file");
	check_error("A=\"$$\"", "t.env:1: special parameter $$ is not "
	    "supported in an environment file");
	check_error("A=$'\\t'", "t.env:1: bash quoting $'...' is not "
	    "supported in an environment file");
	check_error("A=$\"x\"", "t.env:1: bash quoting $\"...\" is not "
	    "supported in an environment file");
	check_error("A=1; B=2", "t.env:1: unquoted ';' (a shell would read it "
	    "as syntax); quote the value");
	check_error("A=a|b", "t.env:1: unquoted '|' (a shell would read it "
	    "as syntax); quote the value");
	check_error("A=(1 2)", "t.env:1: unquoted '(' (a shell would read it "
	    "as syntax); quote the value");
	check_error("A={a,b}", "t.env:1: unquoted '{' (a shell would read it "
	    "as syntax); quote the value");
	check_error("A=1\r\n", "t.env:1: carriage return outside quotes (a "
	    "file with CRLF line ends?)");
}

static void
test_braces(void **state)
{
	check_error("A=${E:=x}", "t.env:1: ${E:=...} is not supported in an "
	    "environment file (only ${NAME}, ${NAME:-word}, ${NAME-word}, "
	    "${NAME:+word} and ${NAME+word})");
	check_error("A=${E#x}", "t.env:1: ${E#...} is not supported in an "
	    "environment file (only ${NAME}, ${NAME:-word}, ${NAME-word}, "
	    "${NAME:+word} and ${NAME+word})");
	check_error("A=${E:0:2}", "t.env:1: ${E:0...} is not supported in an "
	    "environment file (only ${NAME}, ${NAME:-word}, ${NAME-word}, "
	    "${NAME:+word} and ${NAME+word})");
	check_error("A=${#E}", "t.env:1: ${#...} is not supported in an "
	    "environment file");
	check_error("A=${!E}", "t.env:1: ${!...} is not supported in an "
	    "environment file");
	check_error("A=${}", "t.env:1: bad substitution: ${ must be followed "
	    "by a variable name");
	check_error("A=${E", "t.env:1: unterminated ${E");
	check_error("A=${E:-x\n", "t.env:1: unterminated ${E");
	check_error("A=\"${E:-x\"", "t.env:1: quotes inside a quoted ${...} "
	    "are not supported in an environment file");
}

static void
test_not_assignments(void **state)
{
	check_error("A=1\nsource other.sh\n", "t.env:2: expected NAME=VALUE "
	    "or export NAME=VALUE, found \"source other.sh\" (an environment "
	    "file is never run)");
	check_error("if [ -x a ]; then\n", "t.env:1: expected NAME=VALUE or "
	    "export NAME=VALUE, found \"if [ -x a ]; then\" (an environment "
	    "file is never run)");
	check_error("A=1 cmd\n", "t.env:1: expected NAME=VALUE or export "
	    "NAME=VALUE, found \"cmd\" (an environment file is never run)");
	check_error("A = 1\n", "t.env:1: blank before '=' (a shell would run "
	    "A as a command); write NAME=VALUE");
	check_error("A =1\n", "t.env:1: blank before '=' (a shell would run "
	    "A as a command); write NAME=VALUE");
	check_error("A+=1\n", "t.env:1: '+=' is not supported in an "
	    "environment file");
	check_error("1A=1\n", "t.env:1: expected NAME=VALUE or export "
	    "NAME=VALUE, found \"1A=1\" (an environment file is never run)");
	check_error("export -n A\n", "t.env:1: export options are not "
	    "supported in an environment file");
	check_error("export \n", "t.env:1: export without a variable");
	check_error("A=1\n\n\n  . ./x\n", "t.env:4: expected NAME=VALUE or "
	    "export NAME=VALUE, found \". ./x\" (an environment file is never "
	    "run)");
}

static void
test_unterminated(void **state)
{
	check_error("A=1\nB='x\n\n", "t.env:2: unterminated single quote");
	check_error("A=\"x\n\n", "t.env:1: unterminated double quote");
	check_error("A=\"x\\\"", "t.env:1: unterminated double quote");
}

/* A NUL byte is an error, not the end of the file. */
static void
test_nul(void **state)
{
	struct envfile_var	*vars = NULL;
	char			*cause = NULL;
	int			 nvars = 0;

	assert_int_equal(envfile_parse("t.env", "A=1\nB=\0x", 8, NULL, NULL,
	    &vars, &nvars, &cause), -1);
	assert_string_equal(cause, "t.env:2: NUL byte in an environment file");
	free(cause);
	free(vars);
}

/* Text need not end in a NUL: len is the end. */
static void
test_length(void **state)
{
	struct envfile_var	*vars = NULL;
	char			*cause = NULL;
	int			 nvars = 0;

	assert_int_equal(envfile_parse("t.env", "A=12345", 4, NULL, NULL,
	    &vars, &nvars, &cause), 0);
	assert_int_equal(nvars, 1);
	assert_string_equal(vars[0].value, "12");
	envfile_free(vars, nvars);
}

/* A second file sees the first, overrides it in place, or fails cleanly. */
static void
test_files_in_turn(void **state)
{
	struct envfile_var	*vars = NULL;
	char			*cause = NULL;
	const char		*a = "A=1\nB=2\n", *b = "C=$A\nA=3\n";
	const char		*bad = "A=4\nB=5\nD=6\nx\n";
	int			 nvars = 0;

	assert_int_equal(envfile_parse("a", a, strlen(a), NULL, NULL, &vars,
	    &nvars, &cause), 0);
	assert_int_equal(envfile_parse("b", b, strlen(b), NULL, NULL, &vars,
	    &nvars, &cause), 0);
	assert_int_equal(nvars, 3);
	assert_string_equal(vars[0].name, "A");
	assert_string_equal(vars[0].value, "3");
	assert_string_equal(vars[1].value, "2");
	assert_string_equal(vars[2].name, "C");
	assert_string_equal(vars[2].value, "1");
	assert_string_equal(envfile_find(vars, nvars, "B"), "2");
	assert_null(envfile_find(vars, nvars, "D"));

	assert_int_equal(envfile_parse("bad", bad, strlen(bad), NULL, NULL,
	    &vars, &nvars, &cause), -1);
	assert_string_equal(cause, "bad:4: expected NAME=VALUE or export "
	    "NAME=VALUE, found \"x\" (an environment file is never run)");
	free(cause);
	assert_int_equal(nvars, 3);
	assert_string_equal(vars[0].value, "3");
	assert_string_equal(vars[1].value, "2");
	envfile_free(vars, nvars);
}

/* envfile_load: a file, a missing optional one, a missing required one. */
static void
test_load(void **state)
{
	struct envfile_var	*vars = NULL;
	char			 dir[] = "/tmp/test-envfile.XXXXXX", *path, *opt;
	char			*cause = NULL;
	FILE			*f;
	int			 nvars = 0;

	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/a.env", dir) > 0);
	assert_true(asprintf(&opt, "-%s/missing.env", dir) > 0);
	assert_non_null(f = fopen(path, "w"));
	fputs("export A=\"x\"\nB=$(id)\n", f);
	fclose(f);

	assert_int_equal(envfile_load(path, NULL, NULL, &vars, &nvars,
	    &cause), -1);
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	assert_string_equal(cause + strlen(path), ":2: command substitution "
	    "$(...) is not allowed in an environment file");
	free(cause);

	assert_non_null(f = fopen(path, "w"));
	fputs("export A=\"x\"\n", f);
	fclose(f);
	assert_int_equal(envfile_load(opt, NULL, NULL, &vars, &nvars,
	    &cause), 0);
	assert_int_equal(nvars, 0);
	assert_int_equal(envfile_load(opt + 1, NULL, NULL, &vars, &nvars,
	    &cause), -1);
	assert_true(strstr(cause, "No such file or directory") != NULL);
	free(cause);
	path[0] = '/';
	assert_int_equal(envfile_load(path, NULL, NULL, &vars, &nvars,
	    &cause), 0);
	assert_int_equal(nvars, 1);
	assert_string_equal(vars[0].value, "x");
	envfile_free(vars, nvars);
	unlink(path);
	rmdir(dir);
	free(path);
	free(opt);
}

/* The BK-LOG environ.sh style, as rendered. */
static void
test_bklog_style(void **state)
{
	OK("#!/bin/sh\n"
	    "# Environment of the BK-LOG API.\n"
	    "export LAN_IP=\"10.0.0.5\"\n"
	    "export PATH=/data/bkce/.envs/bklog-api/bin:$PATH\n"
	    "export BK_LOG_DIR=\"/data/bkce/logs/bklog\"\n"
	    "export BKAPP_GRAFANA_URL=\"http://10.0.0.6:3000\"\n"
	    "export BK_BKLOG_REDIS_PASSWORD=s3cr3t\n",
	    "LAN_IP", "10.0.0.5",
	    "PATH", "/data/bkce/.envs/bklog-api/bin:",
	    "BK_LOG_DIR", "/data/bkce/logs/bklog",
	    "BKAPP_GRAFANA_URL", "http://10.0.0.6:3000",
	    "BK_BKLOG_REDIS_PASSWORD", "s3cr3t");
}

/* Inputs the fuzzer once found troublesome, or that end mid-construct. */
static void
test_fuzz_regressions(void **state)
{
	static const char *inputs[] = {
		"A=\\", "A=$", "A=${", "A=${E", "A=${E:", "A=${E:-", "A=\"${E:-",
		"A=\"$", "A=\"\\", "A='", "export", "export ", "A=~", "A=$(",
		"A=${E:-${E:-${", "A=\"${E:-\\}\"", "=", "A", "A=\"${E+$}\"",
	};
	struct envfile_var	*vars;
	char			*cause;
	int			 nvars;
	size_t			 i;

	for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		vars = NULL;
		nvars = 0;
		cause = NULL;
		if (envfile_parse("f", inputs[i], strlen(inputs[i]),
		    test_lookup, NULL, &vars, &nvars, &cause) != 0)
			free(cause);
		envfile_free(vars, nvars);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assignments),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_backslashes),
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_tilde),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_braces),
		cmocka_unit_test(test_not_assignments),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_files_in_turn),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_bklog_style),
		cmocka_unit_test(test_fuzz_regressions),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
