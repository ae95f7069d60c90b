/*
 * libFuzzer target for expand_format(). The input's first line is the
 * format; each further line "name=value" adds a variable, an int if the
 * value is a number, on top of the names Supervisor always provides.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_expand_add(struct expand_vars *vars, char *line)
{
	char		*eq, *end;
	long long	 n;

	if ((eq = strchr(line, '=')) == NULL)
		return;
	*eq++ = '\0';
	n = strtoll(eq, &end, 10);
	if (*eq != '\0' && *end == '\0')
		expand_vars_set_int(vars, line, n);
	else
		expand_vars_set_str(vars, line, eq);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expand_vars	 vars;
	char			*text, *format, *line, *next, *out, *cause;
	char			*env[] = { "HOME=/root", "PATH=/bin",
				    NULL };

	text = xstrndup((const char *)data, size);
	expand_vars_init(&vars);
	expand_vars_set_str(&vars, "here", "/etc/supervisor");
	expand_vars_set_str(&vars, "program_name", "cat");
	expand_vars_set_int(&vars, "process_num", 7);
	expand_vars_set_int(&vars, "numprocs", -2);
	expand_vars_add_environ(&vars, env);

	format = text;
	if ((next = strchr(text, '\n')) != NULL)
		*next++ = '\0';
	for (line = next; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fuzz_expand_add(&vars, line);
	}

	cause = NULL;
	out = expand_format(format, &vars, "program:x.command", &cause);
	if ((out == NULL) == (cause == NULL))
		abort();
	free(out);
	free(cause);
	expand_vars_free(&vars);
	free(text);
	return (0);
}
