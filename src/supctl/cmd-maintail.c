/* maintail: the end of the daemon's own log, or (-f) the log as it grows. */
#include <stdio.h>

#include "client.h"
#include "cmd.h"
#include "xmlrpc.h"

static int	cmd_maintail_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_maintail_entry = {
	.name = "maintail",
	.usage = "maintail [-f|-<bytes>]",
	.help = "maintail -f \tFollow the daemon's main log as it grows "
	    "(Ctrl-C stops)\n"
	    "maintail -100\tThe last 100 bytes of the daemon's main log\n"
	    "maintail\tThe last 1600 bytes of the daemon's main log\n\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { -1, 1, "Error: too many arguments", CMD_GENERIC },
	.exec = cmd_maintail_exec,
};

static int
cmd_maintail_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*v;
	long long	 bytes = 1600;
	int		 rc;

	if (argc == 1) {
		if (argv[0][0] == '-' && argv[0][1] == 'f' &&
		    argv[0][2] == '\0')
			return (cmd_tail_follow(ctx, "/mainlogtail"));
		if (argv[0][0] != '-' || cmd_parse_int(argv[0] + 1,
		    &bytes) != 0) {
			printf("Error: bad argument %s\n", argv[0]);
			return (CMD_GENERIC);
		}
	}
	rc = client_call(ctx->client, &v, "supervisor.readLog", "ii",
	    (int)-bytes, 0);
	if (rc == 0) {
		puts(v->type == XR_STRING ? v->u.s.ptr : "");
		xr_free(v);
		return (CMD_SUCCESS);
	}
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_NO_FILE) {
		puts("supervisord: ERROR (no log file)");
		return (CMD_GENERIC);
	}
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_FAILED) {
		puts("supervisord: ERROR (unknown error reading log)");
		return (CMD_GENERIC);
	}
	return (CMD_FAILED);
}
