/*
 * libFuzzer target for both shlex dialects: the input, up to any NUL, is
 * split as command= and parsed as environment=.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "shlex.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shlex_pair	*pairs;
	char			*s, **argv, *cause = NULL;
	int			 argc, n, i;

	s = xstrndup((const char *)data, size);
	if ((argv = shlex_split(s, &argc, &cause)) != NULL) {
		for (i = 0; i < argc; i++) {
			if (argv[i] == NULL)
				abort();
		}
		if (argv[argc] != NULL)
			abort();
		shlex_free_argv(argv);
	} else
		free(cause);

	cause = NULL;
	if ((n = shlex_parse_pairs(s, &pairs, &cause)) >= 0)
		shlex_free_pairs(pairs, n);
	else if (cause == NULL || pairs != NULL)
		abort();
	free(cause);
	free(s);
	return (0);
}
