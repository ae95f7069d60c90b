/*
 * ini-dump: read the files named on the command line into one ini, in
 * order, and print the result as JSON for tests/func/test_parsers_vs_python.py:
 *   {"sections": [[name, [[option, value], ...]], ...],
 *    "defaults": [[option, value], ...]}
 * or {"error": cause} if a file does not parse.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "ini.h"

static json_t *
ini_dump_options(const struct ini_section *sec)
{
	json_t	*a;
	size_t	 i;

	a = json_array();
	for (i = 0; i < sec->noptions; i++) {
		json_array_append_new(a, json_pack("[ss]",
		    sec->options[i].name, sec->options[i].value));
	}
	return (a);
}

static json_t *
ini_dump(const struct ini *ini)
{
	json_t	*sections;
	size_t	 i;

	sections = json_array();
	for (i = 0; i < ini->nsections; i++) {
		json_array_append_new(sections, json_pack("[so]",
		    ini->sections[i].name,
		    ini_dump_options(&ini->sections[i])));
	}
	return (json_pack("{soso}", "sections", sections, "defaults",
	    ini_dump_options(&ini->defaults)));
}

int
main(int argc, char **argv)
{
	struct ini	*ini;
	json_t		*out;
	char		*cause;
	int		 i;

	ini = ini_create();
	out = NULL;
	for (i = 1; i < argc; i++) {
		if (ini_read_file(ini, argv[i], &cause) != 0) {
			out = json_pack("{ss}", "error", cause);
			free(cause);
			break;
		}
	}
	if (out == NULL)
		out = ini_dump(ini);
	if (out == NULL) {
		fprintf(stderr, "ini-dump: cannot make JSON\n");
		return (1);
	}
	json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	ini_free(ini);
	return (0);
}
