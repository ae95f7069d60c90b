/*
 * libFuzzer target for the INI reader: parse the input twice into one ini
 * (the second time as an include would merge), then look every option up
 * and set it again, so that parsing, merging and lookups all run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ini.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_ini_lookups(struct ini *ini)
{
	struct ini_section	*sec;
	size_t			 i, j;

	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		if (ini_find_section(ini, sec->name) != sec)
			abort();
		for (j = 0; j < sec->noptions; j++) {
			if (ini_find_option(ini, sec, sec->options[j].name) ==
			    NULL)
				abort();
			ini_set_value(sec, sec->options[j].name, "x");
		}
	}
	for (j = 0; j < ini->defaults.noptions; j++) {
		if (ini_find_option(ini, NULL, ini->defaults.options[j].name) ==
		    NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini	*ini;
	char		*cause = NULL;
	size_t		 before;

	ini = ini_create();
	if (ini_read_buffer(ini, "a.conf", (const char *)data, size,
	    &cause) == 0) {
		before = ini->nsections;
		if (ini_read_buffer(ini, "b.conf", (const char *)data, size,
		    &cause) != 0 || ini->nsections != before)
			abort();
		fuzz_ini_lookups(ini);
	} else {
		/* A failed read must leave the ini as it was. */
		if (cause == NULL || ini->nsections != 0 || ini->nfiles != 0)
			abort();
		free(cause);
	}
	ini_free(ini);
	return (0);
}
