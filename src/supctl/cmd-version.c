/* version: the daemon's version. */
#include <stdio.h>

#include "client.h"
#include "cmd.h"
#include "xmlrpc.h"

static int	cmd_version_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "version",
	.help = "version\t\t\tPrint the version of the daemon\n",
	.flags = CMD_ARGS_HELP,
	.args = { 0, 0, "Error: version accepts no arguments", CMD_GENERIC },
	.exec = cmd_version_exec,
};

/* Arguments are checked before the server, unlike most commands. */
static int
cmd_version_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*v;
	int		 rc;

	if ((rc = cmd_upcheck(ctx)) != 0)
		return (rc);
	if (client_call(ctx->client, &v, "supervisor.getSupervisorVersion",
	    "") != 0)
		return (CMD_FAILED);
	puts(v->type == XR_STRING ? v->u.s.ptr : "");
	xr_free(v);
	return (CMD_SUCCESS);
}
