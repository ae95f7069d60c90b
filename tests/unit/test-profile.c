/* Unit tests for profile_resolve(): the order of sources and BK_ENV. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "profile.h"

/* The fake environment: NAME=VALUE strings, NULL-terminated. */
static const char **test_env;

static const char *
test_getenv(const char *name)
{
	const char	**e;
	size_t		  len = strlen(name);

	for (e = test_env; e != NULL && *e != NULL; e++) {
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return (*e + len + 1);
	}
	return (NULL);
}

/* Resolve with opt and env; expect the profile and its source. */
static void
check(const char *opt, const char **env, const char *want,
    const char *want_source)
{
	const char	*source = NULL;
	char		*name = NULL, *cause = NULL;

	test_env = env;
	if (profile_resolve(opt, test_getenv, &name, &source, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	assert_string_equal(name, want);
	assert_string_equal(source, want_source);
	free(name);
}

static void
test_default(void **state)
{
	const char	*env[] = { "PATH=/bin", NULL };

	check(NULL, env, "default", "default");
	check(NULL, NULL, "default", "default");
}

static void
test_option_wins(void **state)
{
	const char	*env[] = { "SUPD_PROFILE=a", "BKPAAS_ENVIRONMENT=b",
	    "BK_ENV=production", NULL };

	check("prod", env, "prod", "-P");
}

static void
test_order(void **state)
{
	const char	*all[] = { "BK_ENV=testing", "BKPAAS_ENVIRONMENT=dev",
	    "SUPD_PROFILE=mine", NULL };
	const char	*two[] = { "BK_ENV=testing", "BKPAAS_ENVIRONMENT=dev",
	    NULL };
	const char	*one[] = { "BK_ENV=testing", NULL };

	check(NULL, all, "mine", "SUPD_PROFILE");
	check(NULL, two, "dev", "BKPAAS_ENVIRONMENT");
	check(NULL, one, "stag", "BK_ENV");
}

static void
test_empty_is_unset(void **state)
{
	const char	*env[] = { "SUPD_PROFILE=", "BKPAAS_ENVIRONMENT=",
	    "BK_ENV=development", NULL };

	check(NULL, env, "dev", "BK_ENV");
}

static void
test_bk_env_mapping(void **state)
{
	const char	*dev[] = { "BK_ENV=development", NULL };
	const char	*prod[] = { "BK_ENV=production", NULL };
	const char	*other[] = { "BK_ENV=qa", NULL };

	check(NULL, dev, "dev", "BK_ENV");
	check(NULL, prod, "prod", "BK_ENV");
	check(NULL, other, "qa", "BK_ENV");
}

static void
test_bkpaas_not_mapped(void **state)
{
	const char	*env[] = { "BKPAAS_ENVIRONMENT=production", NULL };

	check(NULL, env, "production", "BKPAAS_ENVIRONMENT");
}

static void
test_bad_names(void **state)
{
	const char	*bad[] = { "../etc", "a b", "..", "x/y", "$(id)", NULL };
	const char	*env[] = { "BKPAAS_ENVIRONMENT=a/b", NULL };
	const char	**b, *source;
	char		*name, *cause;

	test_env = NULL;
	for (b = bad; *b != NULL; b++) {
		cause = NULL;
		assert_int_equal(profile_resolve(*b, test_getenv, &name,
		    &source, &cause), -1);
		assert_null(name);
		assert_non_null(strstr(cause, "from -P"));
		free(cause);
	}
	test_env = env;
	cause = NULL;
	assert_int_equal(profile_resolve(NULL, test_getenv, &name, &source,
	    &cause), -1);
	assert_non_null(strstr(cause, "'a/b' (from BKPAAS_ENVIRONMENT)"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_option_wins),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_empty_is_unset),
		cmocka_unit_test(test_bk_env_mapping),
		cmocka_unit_test(test_bkpaas_not_mapped),
		cmocka_unit_test(test_bad_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
