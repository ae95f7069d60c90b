/* help: the list of commands, or what one command does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xmalloc.h"

static int	cmd_help_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "help [<action>]",
	.flags = CMD_HIDDEN,
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_help_exec,
};

/*
 * Python's cmd.Cmd.columnize: the fewest rows whose columns, two spaces
 * apart, fit in width; then each row with its cells padded.
 */
static void
cmd_help_columnize(const char **list, size_t size, size_t width)
{
	size_t	 nrows, ncols, col, row, i, total, w, colw[64], last;

	for (nrows = 1; nrows < size; nrows++) {
		ncols = (size + nrows - 1) / nrows;
		total = 0;
		for (col = 0; col < ncols && col < 64; col++) {
			colw[col] = 0;
			for (row = 0; row < nrows; row++) {
				if ((i = row + nrows * col) >= size)
					break;
				if ((w = strlen(list[i])) > colw[col])
					colw[col] = w;
			}
			total += colw[col] + (col > 0 ? 2 : 0);
			if (total > width)
				break;
		}
		if (total <= width)
			break;
	}
	if (nrows >= size) {
		nrows = size;
		ncols = 1;
		colw[0] = 0;
	}
	for (row = 0; row < nrows; row++) {
		for (last = ncols; last > 0 && row + nrows * (last - 1) >= size;
		    last--)
			;
		for (col = 0; col < last; col++) {
			i = row + nrows * col;
			if (col > 0)
				fputs("  ", stdout);
			cmd_print_padded(list[i], colw[col]);
		}
		putchar('\n');
	}
}

/* "help" alone: the documented commands in columns under a ruled header. */
static void
cmd_help_list(void)
{
	static const char	 header[] =
	    "default commands (type help <topic>):";
	const char		*names[64];
	const struct cmd_entry	**e;
	size_t			 n = 0, i;

	for (e = cmd_table; *e != NULL && n < 64; e++) {
		if (((*e)->flags & CMD_HIDDEN) == 0)
			names[n++] = (*e)->name;
	}
	printf("\n%s\n", header);
	for (i = 0; i < sizeof header - 1; i++)
		putchar('=');
	putchar('\n');
	cmd_help_columnize(names, n, 79);
	putchar('\n');
}

static int
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e;

	if (strcmp(ctx->arg, "help") == 0) {
		puts("help\t\tList the actions");
		puts("help <action>\tShow what <action> does");
	} else if (*ctx->arg == '\0')
		cmd_help_list();
	else if ((e = cmd_find(ctx->arg)) != NULL && e->help != NULL)
		cmd_print_help(e);
	else
		printf("*** No help on %s\n", ctx->arg);
	return (CMD_SUCCESS);
}
