/*
 * expand-eval: run expand_format() over cases read as JSON from stdin, for
 * tests/func/test_parsers_vs_python.py. Input is an array of
 *   {"format": "...", "what": "...", "vars": [[name, "str" or int], ...]}
 * and output an array of {"result": "..."} or {"error": "..."}.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "expand.h"

static json_t *
expand_eval_one(json_t *c)
{
	struct expand_vars	 vars;
	json_t			*v, *pair, *out;
	const char		*format, *what;
	char			*result, *cause;
	size_t			 i;

	format = json_string_value(json_object_get(c, "format"));
	what = json_string_value(json_object_get(c, "what"));
	if (format == NULL || what == NULL)
		return (NULL);
	expand_vars_init(&vars);
	json_array_foreach(json_object_get(c, "vars"), i, pair) {
		v = json_array_get(pair, 1);
		if (json_is_integer(v)) {
			expand_vars_set_int(&vars, json_string_value(
			    json_array_get(pair, 0)), json_integer_value(v));
		} else {
			expand_vars_set_str(&vars, json_string_value(
			    json_array_get(pair, 0)), json_string_value(v));
		}
	}
	if ((result = expand_format(format, &vars, what, &cause)) != NULL) {
		out = json_pack("{ss}", "result", result);
		free(result);
	} else {
		out = json_pack("{ss}", "error", cause);
		free(cause);
	}
	expand_vars_free(&vars);
	return (out);
}

int
main(void)
{
	json_error_t	 err;
	json_t		*in, *out, *c, *r;
	size_t		 i;

	if ((in = json_loadf(stdin, 0, &err)) == NULL) {
		fprintf(stderr, "expand-eval: %s\n", err.text);
		return (1);
	}
	out = json_array();
	json_array_foreach(in, i, c) {
		if ((r = expand_eval_one(c)) == NULL) {
			fprintf(stderr, "expand-eval: bad case %zu\n", i);
			return (1);
		}
		json_array_append_new(out, r);
	}
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(in);
	json_decref(out);
	return (0);
}
