/* signal: send a signal to processes by name, by group or all of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"

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

/*
 * The line for one signal or stop result (_signalresult); a failure shows
 * the daemon's description alone. NULL for an odd code.
 */
char *
cmd_signal_result(const char *group, const char *name, int code,
    const char *description, const char *success)
{
	char		*spec, *line = NULL;
	const char	*error = NULL;

	spec = cmd_namespec(group, name);
	switch (code) {
	case FAULT_BAD_NAME:
		error = "no such process";
		break;
	case FAULT_BAD_SIGNAL:
		error = "bad signal name";
		break;
	case FAULT_NOT_RUNNING:
		error = "not running";
		break;
	case FAULT_SUCCESS:
		xasprintf(&line, "%s: %s", spec, success);
		break;
	case FAULT_FAILED:
		line = xstrdup(description);
		break;
	}
	if (error != NULL)
		xasprintf(&line, "%s: ERROR (%s)", spec, error);
	free(spec);
	return (line);
}

/* No fault code is ignored for signal: not running counts too. */
static int
cmd_signal_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (cmd_stop_run(ctx, argc - 1, argv + 1, argv[0], "signalled",
	    FAULT_SUCCESS));
}
