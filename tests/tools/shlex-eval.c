/*
 * shlex-eval: run shlex_split() or shlex_parse_pairs() over cases read as
 * JSON from stdin, for tests/func/test_parsers_vs_python.py. Input is an
 * array of {"mode": "split" or "pairs", "s": "..."}; output an array of
 * {"argv": [...]}, {"pairs": [[key, value], ...]} or {"error": "..."}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shlex.h"

static json_t *
shlex_eval_split(const char *s)
{
	json_t	*a;
	char	**argv, *cause;
	int	  argc, i;

	if ((argv = shlex_split(s, &argc, &cause)) == NULL) {
		a = json_pack("{ss}", "error", cause);
		free(cause);
		return (a);
	}
	a = json_array();
	for (i = 0; i < argc; i++)
		json_array_append_new(a, json_string(argv[i]));
	shlex_free_argv(argv);
	return (json_pack("{so}", "argv", a));
}

static json_t *
shlex_eval_pairs(const char *s)
{
	struct shlex_pair	*pairs;
	json_t			*a;
	char			*cause;
	int			 n, i;

	if ((n = shlex_parse_pairs(s, &pairs, &cause)) == -1) {
		a = json_pack("{ss}", "error", cause);
		free(cause);
		return (a);
	}
	a = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(a, json_pack("[ss]", pairs[i].key,
		    pairs[i].value));
	}
	shlex_free_pairs(pairs, n);
	return (json_pack("{so}", "pairs", a));
}

int
main(void)
{
	json_error_t	 err;
	json_t		*in, *out, *c, *r;
	const char	*mode, *s;
	size_t		 i;

	if ((in = json_loadf(stdin, 0, &err)) == NULL) {
		fprintf(stderr, "shlex-eval: %s\n", err.text);
		return (1);
	}
	out = json_array();
	json_array_foreach(in, i, c) {
		mode = json_string_value(json_object_get(c, "mode"));
		s = json_string_value(json_object_get(c, "s"));
		if (mode == NULL || s == NULL) {
			fprintf(stderr, "shlex-eval: bad case %zu\n", i);
			return (1);
		}
		if (strcmp(mode, "split") == 0)
			r = shlex_eval_split(s);
		else
			r = shlex_eval_pairs(s);
		json_array_append_new(out, r);
	}
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(in);
	json_decref(out);
	return (0);
}
