/* stop: stop processes by name, by group (g:*) or all of them. */

#include "client.h"
#include "cmd.h"
#include "stop.h"

static int	cmd_stop_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_stop_entry = {
	.name = "stop",
	.usage = "stop <name>|<gname>:*|all ...",
	.help = "stop <name>\t\tStop one process\n"
	    "stop <gname>:*\t\tStop the processes of a group\n"
	    "stop <name> <name>\tStop several processes or groups\n"
	    "stop all\t\tStop every process\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "Error: stop requires a process name", CMD_GENERIC },
	.exec = cmd_stop_exec,
};

static int
cmd_stop_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (stop_run(ctx, argc, argv, NULL, "stopped",
	    FAULT_NOT_RUNNING));
}
