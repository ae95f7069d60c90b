/* Unit tests for option value conversions (Supervisor's datatypes.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config-value.h"

static void
test_int_python_rules(void **state)
{
	long long	 v;
	char		*why = NULL;

	assert_int_equal(cv_int(" 42 ", &v, &why), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cv_int("-7", &v, &why), 0);
	assert_int_equal(v, -7);
	assert_int_equal(cv_int("+1_000", &v, &why), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(cv_int("007", &v, &why), 0);
	assert_int_equal(v, 7);
	assert_int_equal(cv_int("1__0", &v, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(cv_int("_1", &v, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(cv_int("1.5", &v, &why), -1);
	assert_string_equal(why,
	    "'1.5' is not an integer (expected a whole number)");
	free(why);
	why = NULL;
	assert_int_equal(cv_int("", &v, &why), -1);
	free(why);
}

static void
test_bool_words(void **state)
{
	static const char *yes[] = { "yes", "TRUE", "On", "1" };
	static const char *no[] = { "no", "false", "OFF", "0" };
	char	*why = NULL;
	int	 b;
	size_t	 i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(cv_bool(yes[i], &b, &why), 0);
		assert_int_equal(b, 1);
		assert_int_equal(cv_bool(no[i], &b, &why), 0);
		assert_int_equal(b, 0);
	}
	assert_int_equal(cv_bool("maybe", &b, &why), -1);
	assert_non_null(strstr(why, "true/false"));
	free(why);
	why = NULL;
	assert_int_equal(cv_bool(" true", &b, &why), -1);
	free(why);
}

static void
test_byte_size_suffixes(void **state)
{
	int64_t	 v;
	char	*why = NULL;

	assert_int_equal(cv_byte_size("50MB", &v, &why), 0);
	assert_int_equal(v, 50 * 1024 * 1024);
	assert_int_equal(cv_byte_size("1kb", &v, &why), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(cv_byte_size("2GB", &v, &why), 0);
	assert_true(v == 2LL * 1024 * 1024 * 1024);
	assert_int_equal(cv_byte_size("123", &v, &why), 0);
	assert_int_equal(v, 123);
	assert_int_equal(cv_byte_size("10 MB", &v, &why), 0);
	assert_int_equal(v, 10 * 1024 * 1024);
	assert_int_equal(cv_byte_size("10B", &v, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(cv_byte_size("MB", &v, &why), -1);
	free(why);
}

static void
test_octal(void **state)
{
	int	 v;
	char	*why = NULL;

	assert_int_equal(cv_octal("022", &v, &why), 0);
	assert_int_equal(v, 022);
	assert_int_equal(cv_octal("0o777", &v, &why), 0);
	assert_int_equal(v, 0777);
	assert_int_equal(cv_octal("8", &v, &why), -1);
	free(why);
}

static void
test_signals(void **state)
{
	int	 v;
	char	*why = NULL;

	assert_int_equal(cv_signal("TERM", &v, &why), 0);
	assert_int_equal(v, 15);
	assert_int_equal(cv_signal("sigkill", &v, &why), 0);
	assert_int_equal(v, 9);
	assert_int_equal(cv_signal(" hup ", &v, &why), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cv_signal("12", &v, &why), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cv_signal("RTMIN", &v, &why), 0);
	assert_int_equal(v, 34);
	assert_int_equal(cv_signal("35", &v, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(cv_signal("BOGUS", &v, &why), -1);
	assert_non_null(strstr(why, "not a valid signal name"));
	free(why);
	assert_string_equal(cv_signame(15), "SIGTERM");
	assert_string_equal(cv_signame(29), "SIGPOLL");
	assert_string_equal(cv_signame(35), "signal 35");
}

static void
test_exitcodes(void **state)
{
	int	*codes, n;
	char	*why = NULL;

	assert_int_equal(cv_exitcodes("0,2, 255", &codes, &n, &why), 0);
	assert_int_equal(n, 3);
	assert_int_equal(codes[2], 255);
	free(codes);
	assert_int_equal(cv_exitcodes("", &codes, &n, &why), 0);
	assert_int_equal(n, 0);
	assert_int_equal(cv_exitcodes("256", &codes, &n, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(cv_exitcodes("0,,1", &codes, &n, &why), -1);
	free(why);
}

static void
test_autorestart(void **state)
{
	int	 v;
	char	*why = NULL;

	assert_int_equal(cv_autorestart("unexpected", &v, &why), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cv_autorestart("TRUE", &v, &why), 0);
	assert_int_equal(v, 2);
	assert_int_equal(cv_autorestart("off", &v, &why), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cv_autorestart("sometimes", &v, &why), -1);
	free(why);
}

static void
test_names(void **state)
{
	char	*name, *why = NULL;

	assert_int_equal(cv_name(" api ", &name, &why), 0);
	assert_string_equal(name, "api");
	free(name);
	assert_int_equal(cv_name("a:b", &name, &why), -1);
	assert_non_null(strstr(why, "':'"));
	free(why);
	why = NULL;
	assert_int_equal(cv_name("a b", &name, &why), -1);
	free(why);
}

static void
test_inet_address(void **state)
{
	char	*host, *why = NULL;
	int	 port;

	assert_int_equal(cv_inet_address("127.0.0.1:9001", &host, &port,
	    &why), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 9001);
	free(host);
	assert_int_equal(cv_inet_address("*:80", &host, &port, &why), 0);
	assert_string_equal(host, "");
	free(host);
	assert_int_equal(cv_inet_address("9001", &host, &port, &why), 0);
	assert_string_equal(host, "");
	free(host);
	assert_int_equal(cv_inet_address("host:", &host, &port, &why), -1);
	free(why);
	why = NULL;
	assert_int_equal(cv_inet_address("host:70000", &host, &port, &why),
	    -1);
	free(why);
}

static void
test_paths(void **state)
{
	char	*p;

	p = cv_normalize_path("/a/./b/../c//d/");
	assert_string_equal(p, "/a/c/d");
	free(p);
	p = cv_normalize_path("//x/../y");
	assert_string_equal(p, "//y");
	free(p);
	p = cv_normalize_path("/../..");
	assert_string_equal(p, "/");
	free(p);
	p = cv_dirname("/a/b/c.log");
	assert_string_equal(p, "/a/b");
	free(p);
	p = cv_dirname("c.log");
	assert_string_equal(p, "");
	free(p);
	p = cv_dirname("/c.log");
	assert_string_equal(p, "/");
	free(p);
	setenv("HOME", "/home/t", 1);
	p = cv_expanduser("~/x");
	assert_string_equal(p, "/home/t/x");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_python_rules),
		cmocka_unit_test(test_bool_words),
		cmocka_unit_test(test_byte_size_suffixes),
		cmocka_unit_test(test_octal),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_exitcodes),
		cmocka_unit_test(test_autorestart),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_inet_address),
		cmocka_unit_test(test_paths),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
