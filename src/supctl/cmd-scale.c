/* scale: change a program's numprocs while it runs (supd.scale). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmlrpc.h"

static int	cmd_scale_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_scale_entry = {
	.name = "scale",
	.usage = "scale <name> <n>",
	.help = "scale <name> <n>\tRun n processes of program <name>: new ones "
	    "start,\n\t\t\tremoved ones stop, highest process_num first\n"
	    "\t\t\t(until the next update, which reads numprocs again)\n",
	/* Hidden: "help" lists what supervisorctl lists. */
	.flags = CMD_UPCHECK | CMD_HIDDEN,
	.args = { 2, 2, "Error: scale requires a program name and a number", 1 },
	.exec = cmd_scale_exec,
};

static int
cmd_scale_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*res, *item;
	long long	 n;
	size_t		 i;
	int		 rc;

	if (cmd_parse_int(argv[1], &n) != 0 || n < 1 || n > 100000) {
		printf("Error: bad number of processes: %s\n", argv[1]);
		return (CMD_GENERIC);
	}
	rc = client_call(ctx->client, &res, "supd.scale", "si", argv[0],
	    (int)n);
	if (rc == 1) {
		switch (client_fault_code(ctx->client)) {
		case FAULT_UNKNOWN_METHOD:
			puts("ERROR: the daemon cannot scale (not supd)");
			break;
		case FAULT_BAD_NAME:
			printf("ERROR: no such program: %s\n", argv[0]);
			break;
		default:
			printf("ERROR: %s\n", client_fault_string(ctx->client));
			break;
		}
		return (CMD_GENERIC);
	}
	if (rc != 0)
		return (CMD_FAILED);
	for (i = 0; res->type == XR_ARRAY && i < res->u.a.n; i++) {
		item = res->u.a.items[i];
		printf("%s: %s\n", cmd_get_string(item, "name"),
		    cmd_get_string(item, "action"));
	}
	if (res->type == XR_ARRAY && res->u.a.n == 0)
		printf("%s: already %lld\n", argv[0], n);
	xr_free(res);
	return (CMD_SUCCESS);
}
