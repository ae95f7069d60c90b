/* restart: stop, then start, the named processes or groups. */
#include "cmd.h"

static int	cmd_restart_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_restart_entry = {
	.name = "restart",
	.usage = "restart <name>|<gname>:*|all ...",
	.help = "restart <name>\t\tStop and start one process\n"
	    "restart <gname>:*\tStop and start the processes of a group\n"
	    "restart <name> <name>\tStop and start several processes or "
	    "groups\n"
	    "restart all\t\tStop and start every process\n"
	    "restart reads no config files again: use reread and update "
	    "for that.\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "Error: restart requires a process name",
	    CMD_GENERIC },
	.exec = cmd_restart_exec,
};

/* The status is the last one either half set, as in supervisorctl. */
static int
cmd_restart_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	stop, start;

	if ((stop = cmd_stop_entry.exec(ctx, argc, argv)) == CMD_FAILED)
		return (CMD_FAILED);
	if ((start = cmd_start_entry.exec(ctx, argc, argv)) == CMD_FAILED)
		return (CMD_FAILED);
	return (start != CMD_SUCCESS ? start : stop);
}
