/*
 * The deployment profile (dev, stag, prod, ...) behind %(profile)s: from
 * -P, else the environment, as supd and supctl both need to agree on it.
 */
#ifndef PROFILE_H
#define PROFILE_H

/* Where a value comes from when it is not the process environment. */
typedef const char *(*profile_getenv_fn)(const char *name);

/*
 * The profile and where it came from. The first that is set and not empty
 * wins: opt (from -P), SUPD_PROFILE, BKPAAS_ENVIRONMENT, BK_ENV (its
 * development, testing and production become dev, stag and prod; other
 * values are taken as they are), else "default". getenv_fn may be NULL
 * for getenv(3). Returns 0 with *name (caller frees) and *source
 * (static: "-P", "SUPD_PROFILE", ..., "default"), or -1 with *cause
 * (caller frees) when the chosen value is not a plausible name: it goes
 * into paths, so only letters, digits, '.', '_' and '-' are allowed.
 */
int	profile_resolve(const char *opt, profile_getenv_fn getenv_fn,
	    char **name, const char **source, char **cause);

#endif
