/*
 * envfile-dump: load environment files (envfile_load, $NAME from the
 * environment) and print the variables as NAME=VALUE, each followed by a
 * NUL, as `env -0` does, for tests/func/test_envfile_vs_bash.py. On an
 * error, prints it on stderr and exits 2.
 * Usage: envfile-dump FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "envfile.h"

int
main(int argc, char **argv)
{
	struct envfile_var	*vars = NULL;
	char			*cause;
	int			 nvars = 0, i;

	for (i = 1; i < argc; i++) {
		if (envfile_load(argv[i], envfile_getenv, NULL, &vars, &nvars,
		    &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			envfile_free(vars, nvars);
			return (2);
		}
	}
	for (i = 0; i < nvars; i++)
		printf("%s=%s%c", vars[i].name, vars[i].value, '\0');
	envfile_free(vars, nvars);
	return (0);
}
