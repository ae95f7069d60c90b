/* reload: restart the daemon in place (asks first in the shell). */
#include <stdio.h>

#include "client.h"
#include "cmd.h"

static int	cmd_reload_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_reload_entry = {
	.name = "reload",
	.usage = "reload",
	.help = "reload \t\tRestart the daemon, which reads its config "
	    "again\n",
	.flags = CMD_ARGS_HELP,
	.args = { 0, 0, "Error: reload accepts no arguments", CMD_GENERIC },
	.exec = cmd_reload_exec,
};

static int
cmd_reload_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	rc;

	if (!cmd_confirm(ctx,
	    "Really restart the remote supervisord process y/N? "))
		return (CMD_SUCCESS);
	rc = client_call(ctx->client, NULL, "supervisor.restart", "");
	if (rc == 0) {
		puts("Restarted supervisord");
		return (CMD_SUCCESS);
	}
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_SHUTDOWN_STATE) {
		puts("ERROR: already shutting down");
		return (CMD_GENERIC);
	}
	return (CMD_FAILED);
}
