/* Unit tests for shlex_split() and shlex_parse_pairs() (Python's shlex). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shlex.h"

/* Split s and compare with want, a NULL-terminated list. */
static void
check_split(const char *s, const char **want)
{
	char	**argv, *cause = NULL;
	int	  argc, i;

	argv = shlex_split(s, &argc, &cause);
	if (argv == NULL)
		fail_msg("%s: unexpected error %s", s, cause);
	for (i = 0; want[i] != NULL; i++) {
		if (i >= argc)
			fail_msg("%s: only %d words", s, argc);
		assert_string_equal(argv[i], want[i]);
	}
	assert_int_equal(argc, i);
	assert_null(argv[argc]);
	shlex_free_argv(argv);
}

static void
check_split_error(const char *s, const char *want)
{
	char	*cause = NULL;
	int	 argc;

	assert_null(shlex_split(s, &argc, &cause));
	assert_string_equal(cause, want);
	free(cause);
}

#define SPLIT(s, ...) do {					\
	const char *want_[] = { __VA_ARGS__, NULL };		\
	check_split(s, want_);					\
} while (0)

static void
test_split(void **state)
{
	const char	*none[] = { NULL };

	SPLIT("/bin/cat", "/bin/cat");
	SPLIT("  a \t b\r\nc  ", "a", "b", "c");
	SPLIT("a 'b c' \"d e\"", "a", "b c", "d e");
	SPLIT("a'b'\"c\"d", "abcd");
	SPLIT("'' \"\"", "", "");
	SPLIT("a '' b", "a", "", "b");
	SPLIT("a\\ b \\'c\\\\", "a b", "'c\\");
	SPLIT("\"a\\\"b\\\\c\\$d\\n\"", "a\"b\\c\\$d\\n");
	SPLIT("'a\\b'", "a\\b");
	SPLIT("x\\\ny", "x\ny");
	/* No comments: shlex.split() leaves comments=False. */
	SPLIT("echo # not a comment", "echo", "#", "not", "a", "comment");
	/* Only ASCII whitespace splits. */
	SPLIT("a\xc2\xa0" "b\xe3\x80\x80" "c\x0b" "d",
	    "a\xc2\xa0" "b\xe3\x80\x80" "c\x0b" "d");
	SPLIT("sh -c 'echo $HOME; exit 1'", "sh", "-c", "echo $HOME; exit 1");
	check_split("", none);
	check_split("   ", none);
}

static void
test_split_errors(void **state)
{
	check_split_error("a 'b", "No closing quotation");
	check_split_error("\"a\\\"", "No closing quotation");
	check_split_error("a\\", "No escaped character");
	check_split_error("\"a\\", "No escaped character");
}

/* Parse s and compare with want, alternating keys and values. */
static void
check_pairs(const char *s, const char **want)
{
	struct shlex_pair	*pairs;
	char			*cause = NULL;
	int			 n, i;

	n = shlex_parse_pairs(s, &pairs, &cause);
	if (n == -1)
		fail_msg("%s: unexpected error %s", s, cause);
	for (i = 0; want[2 * i] != NULL; i++) {
		if (i >= n)
			fail_msg("%s: only %d pairs", s, n);
		assert_string_equal(pairs[i].key, want[2 * i]);
		assert_string_equal(pairs[i].value, want[2 * i + 1]);
	}
	assert_int_equal(n, i);
	shlex_free_pairs(pairs, n);
}

static void
check_pairs_error(const char *s, const char *want)
{
	struct shlex_pair	*pairs;
	char			*cause = NULL;

	assert_int_equal(shlex_parse_pairs(s, &pairs, &cause), -1);
	assert_null(pairs);
	assert_string_equal(cause, want);
	free(cause);
}

#define PAIRS(s, ...) do {					\
	const char *want_[] = { __VA_ARGS__, NULL };		\
	check_pairs(s, want_);					\
} while (0)

static void
test_pairs(void **state)
{
	const char	*none[] = { NULL };

	PAIRS("A=1,B=2", "A", "1", "B", "2");
	PAIRS("A=\"x, y\",B='z'", "A", "x, y", "B", "z");
	PAIRS("A = 1 , B = 2", "A", "1", "B", "2");
	PAIRS("PATH=/usr/bin:/bin,X=a.b+c-d(e)", "PATH", "/usr/bin:/bin", "X",
	    "a.b+c-d(e)");
	/* 'it' and 's' are two tokens; the second is the separator. */
	PAIRS("A='it''s'", "A", "it");
	/* Any one token separates: ';' or even a word. */
	PAIRS("A=1;B=2", "A", "1", "B", "2");
	PAIRS("A=1 x B=2", "A", "1", "B", "2");
	/* Later duplicates win but keep the first place. */
	PAIRS("A=1,B=2,A=3", "A", "3", "B", "2");
	/* Quotes inside a word stay; strip('\'"') takes the outer ones. */
	PAIRS("A=x\"y", "A", "x\"y");
	PAIRS("A=\"'x'\"", "A", "x");
	PAIRS("\"A\"=1", "\"A\"", "1");
	/* A comment does not end a word: "ab#c\nd" is the word "abd". */
	PAIRS("A=ab#c\nd", "A", "abd");
	PAIRS("A=1 # c", "A", "1");
	/* Each character outside the word set is a token of its own. */
	PAIRS("A=\xc3\xa9", "A", "\xc3\xa9");
	PAIRS("A=\xc3\xa9\xc3\xa9", "A", "\xc3\xa9");
	PAIRS(",=1", ",", "1");
	/* A trailing separator is skipped like any other. */
	PAIRS("A=1,B=2,", "A", "1", "B", "2");
	check_pairs("", none);
	check_pairs("#", none);
	check_pairs("  # A=1", none);
}

static void
test_pairs_errors(void **state)
{
	check_pairs_error("A=1 B=2", "Unexpected end of key/value pairs in "
	    "value 'A=1 B=2'");
	check_pairs_error("A=", "Unexpected end of key/value pairs in value "
	    "'A='");
	check_pairs_error("A", "Unexpected end of key/value pairs in value "
	    "'A'");
	check_pairs_error("A:1", "Unexpected end of key/value pairs in value "
	    "'A:1'");
	check_pairs_error("A='x", "No closing quotation");
}

/* Inputs the fuzzer once found troublesome. */
static void
test_fuzz_regressions(void **state)
{
	static const char *inputs[] = {
		"\\", "'", "\"\\", "a#", "#\n", "a\xff", "\xe2\x82", "\xf0",
		"A=b,", "=\xc3", "'\xc3\xa9", "a#\xc3\xa9\n=",
	};
	struct shlex_pair	*pairs;
	char			**argv, *cause;
	int			  argc, n;
	size_t			  i;

	for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		cause = NULL;
		argv = shlex_split(inputs[i], &argc, &cause);
		shlex_free_argv(argv);
		free(cause);
		cause = NULL;
		if ((n = shlex_parse_pairs(inputs[i], &pairs, &cause)) >= 0)
			shlex_free_pairs(pairs, n);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_pairs_errors),
		cmocka_unit_test(test_fuzz_regressions),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
