/* quit, exit and EOF: leave the shell. */
#include <stdio.h>

#include "cmd.h"

static int	cmd_quit_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.usage = "quit",
	.help = "quit\tLeave the supctl shell.\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_quit_exec,
};

const struct cmd_entry cmd_exit_entry = {
	.name = "exit",
	.usage = "exit",
	.help = "exit\tLeave the supctl shell.\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_quit_exec,
};

/* What Ctrl-D at the prompt runs; not listed, like supervisorctl's. */
const struct cmd_entry cmd_eof_entry = {
	.name = "EOF",
	.flags = CMD_HIDDEN,
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_quit_exec,
};

/* Arguments are ignored; an empty line ends the prompt's line. */
static int
cmd_quit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	putchar('\n');
	return (CMD_STOP);
}
