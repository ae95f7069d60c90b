/* signal: send a signal to processes by name, by group or all of them. */

#include "client.h"
#include "cmd.h"
#include "stop.h"

static int	cmd_signal_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_signal_entry = {
	.name = "signal",
	.usage = "signal <signal> <name>|<gname>:*|all ...",
	.help = "signal <signal> <name>\t\tSend a signal to one process\n"
	    "signal <signal> <gname>:*\tSend it to the processes of a group\n"
	    "signal <signal> <name> <name>\tSend it to several processes "
	    "or groups\n"
	    "signal <signal> all\t\tSend it to every process\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 2, -1,
	    "Error: signal requires a signal name and a process name",
	    CMD_GENERIC },
	.exec = cmd_signal_exec,
};

/* No fault code is ignored for signal: not running counts too. */
static int
cmd_signal_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (stop_run(ctx, argc - 1, argv + 1, argv[0], "signalled",
	    FAULT_SUCCESS));
}
