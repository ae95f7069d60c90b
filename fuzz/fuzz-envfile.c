/*
 * libFuzzer target for environment files: the input is parsed as a file
 * on top of variables from an earlier one, with an environment that has
 * a few names set. A failure must leave the earlier variables as they
 * were and say file:line; a success must give valid names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *
fuzz_envfile_lookup(const char *name, void *arg)
{
	if (strcmp(name, "HOME") == 0)
		return ("/home/u");
	if (strcmp(name, "E") == 0)
		return ("env");
	if (strcmp(name, "EMPTY") == 0)
		return ("");
	return (NULL);
}

static int
fuzz_envfile_name_ok(const char *s)
{
	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return (0);
	return (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_") == strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 first[] = "A=1\nB=\"two\"\n";
	struct envfile_var	*vars = NULL;
	char			*cause = NULL, *copy;
	int			 nvars = 0, i;

	if (envfile_parse("first", first, sizeof first - 1, NULL, NULL, &vars,
	    &nvars, &cause) != 0 || nvars != 2)
		abort();
	/* A copy of exactly size bytes, so reads past the end are caught. */
	copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	if (envfile_parse("f", copy, size, fuzz_envfile_lookup, NULL, &vars,
	    &nvars, &cause) != 0) {
		if (cause == NULL || strncmp(cause, "f:", 2) != 0 ||
		    nvars != 2 || strcmp(vars[0].value, "1") != 0 ||
		    strcmp(vars[1].value, "two") != 0)
			abort();
		free(cause);
	} else {
		for (i = 0; i < nvars; i++) {
			if (!fuzz_envfile_name_ok(vars[i].name) ||
			    vars[i].value == NULL)
				abort();
		}
	}
	envfile_free(vars, nvars);
	free(copy);
	return (0);
}
