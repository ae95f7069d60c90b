/* add: activate process groups that reread found in the config. */
#include <stdio.h>

#include "client.h"
#include "cmd.h"

static int	cmd_add_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_add_entry = {
	.name = "add",
	.usage = "add <gname> ...",
	.help = "add <name> [...]\tBring groups added to the config into "
	    "use\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_add_exec,
};

static int
cmd_add_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	i, rc, status = CMD_SUCCESS;

	for (i = 0; i < argc; i++) {
		rc = client_call(ctx->client, NULL,
		    "supervisor.addProcessGroup", "s", argv[i]);
		if (rc == 0) {
			printf("%s: added process group\n", argv[i]);
			continue;
		}
		if (rc == -1)
			return (CMD_FAILED);
		switch (client_fault_code(ctx->client)) {
		case FAULT_SHUTDOWN_STATE:
			puts("ERROR: shutting down");
			status = CMD_GENERIC;
			break;
		case FAULT_ALREADY_ADDED:
			puts("ERROR: process group already active");
			break;
		case FAULT_BAD_NAME:
			printf("ERROR: no such process/group: %s\n", argv[i]);
			status = CMD_GENERIC;
			break;
		default:
			return (CMD_FAILED);
		}
	}
	return (status);
}
