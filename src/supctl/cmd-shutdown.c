/* shutdown: stop the daemon (asks first in the shell). */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"

static int	cmd_shutdown_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_shutdown_entry = {
	.name = "shutdown",
	.usage = "shutdown",
	.help = "shutdown \tStop the daemon and the processes it runs\n",
	.flags = CMD_ARGS_HELP,
	.args = { 0, 0, "Error: shutdown accepts no arguments", CMD_GENERIC },
	.exec = cmd_shutdown_exec,
};

static int
cmd_shutdown_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	*url = client_serverurl(ctx->client);
	int		 rc;

	if (!cmd_confirm(ctx,
	    "Really shut the remote supervisord process down y/N? "))
		return (CMD_SUCCESS);
	rc = client_call(ctx->client, NULL, "supervisor.shutdown", "");
	if (rc == 0) {
		puts("Shut down");
		return (CMD_SUCCESS);
	}
	if (rc == 1) {
		if (client_fault_code(ctx->client) != FAULT_SHUTDOWN_STATE)
			return (CMD_FAILED);
		puts("ERROR: already shutting down");
		return (CMD_SUCCESS);
	}
	switch (client_error(ctx->client)) {
	case CLIENT_ERR_REFUSED:
		printf("ERROR: %s refused connection (already shut down?)\n",
		    url);
		return (CMD_GENERIC);
	case CLIENT_ERR_NOENT:
		printf("ERROR: %s no such file (already shut down?)\n", url);
		return (CMD_GENERIC);
	default:
		return (CMD_FAILED);
	}
}
