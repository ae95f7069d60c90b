/* remove: take stopped process groups out of use. */
#include <stdio.h>

#include "client.h"
#include "cmd.h"

static int	cmd_remove_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_remove_entry = {
	.name = "remove",
	.usage = "remove <gname> ...",
	.help = "remove <name> [...]\tTake stopped groups out of use\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_remove_exec,
};

static int
cmd_remove_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	i, rc, status = CMD_SUCCESS;

	for (i = 0; i < argc; i++) {
		rc = client_call(ctx->client, NULL,
		    "supervisor.removeProcessGroup", "s", argv[i]);
		if (rc == 0) {
			printf("%s: removed process group\n", argv[i]);
			continue;
		}
		if (rc == -1)
			return (CMD_FAILED);
		status = CMD_GENERIC;
		switch (client_fault_code(ctx->client)) {
		case FAULT_STILL_RUNNING:
			printf("ERROR: process/group still running: %s\n",
			    argv[i]);
			break;
		case FAULT_BAD_NAME:
			printf("ERROR: no such process/group: %s\n", argv[i]);
			break;
		default:
			return (CMD_FAILED);
		}
	}
	return (status);
}
