/*
 * Choosing the deployment profile. BK-LOG's applications choose their
 * settings by BKPAAS_ENVIRONMENT (dev, stag, prod) or the older BK_ENV
 * (development, testing, production); supd follows the same variables so
 * that one config serves all three, with -P and SUPD_PROFILE to override.
 */
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "xmalloc.h"

static const struct {
	const char	*from;
	const char	*to;
} profile_bk_env[] = {
	{ "development", "dev" },
	{ "testing", "stag" },
	{ "production", "prod" },
};

/* The variables looked at, in order, after -P. */
static const char *profile_vars[] = {
	"SUPD_PROFILE", "BKPAAS_ENVIRONMENT", "BK_ENV",
};

static const char *
profile_getenv(const char *name)
{
	return (getenv(name));
}

/* BK_ENV's long names as the short ones BKPAAS_ENVIRONMENT uses. */
static const char *
profile_map_bk_env(const char *value)
{
	size_t	i;

	for (i = 0; i < sizeof profile_bk_env / sizeof profile_bk_env[0];
	    i++) {
		if (strcmp(value, profile_bk_env[i].from) == 0)
			return (profile_bk_env[i].to);
	}
	return (value);
}

static int
profile_valid(const char *s)
{
	if (*s == '\0' || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return (0);
	return (s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] == '\0');
}

/* Choose the profile; see profile.h. */
int
profile_resolve(const char *opt, profile_getenv_fn getenv_fn, char **name,
    const char **source, char **cause)
{
	const char	*value = NULL, *src = "default";
	size_t		 i;

	if (getenv_fn == NULL)
		getenv_fn = profile_getenv;
	if (opt != NULL) {
		value = opt;
		src = "-P";
	}
	for (i = 0; value == NULL &&
	    i < sizeof profile_vars / sizeof profile_vars[0]; i++) {
		value = getenv_fn(profile_vars[i]);
		if (value != NULL && *value == '\0')
			value = NULL;
		src = profile_vars[i];
	}
	if (value == NULL) {
		value = "default";
		src = "default";
	} else if (strcmp(src, "BK_ENV") == 0)
		value = profile_map_bk_env(value);
	*name = NULL;
	*source = src;
	if (!profile_valid(value)) {
		xasprintf(cause, "profile '%s' (from %s) is not a valid name "
		    "(expected letters, digits, '.', '_' or '-', e.g. dev, "
		    "stag or prod)", value, src);
		return (-1);
	}
	*name = xstrdup(value);
	return (0);
}
