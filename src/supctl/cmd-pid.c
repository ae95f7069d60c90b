/* pid: the daemon's pid, or those of processes. */
#include <stdio.h>

#include "client.h"
#include "cmd.h"
#include "xmlrpc.h"

static int	cmd_pid_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_pid_entry = {
	.name = "pid",
	.usage = "pid [<name>...|all]",
	.help = "pid\t\t\tPrint the daemon's pid\n"
	    "pid <name>\t\tPrint the pid of one process (0 if not running)\n"
	    "pid all\t\t\tPrint the pid of every process, one a line\n",
	.flags = CMD_UPCHECK,
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_pid_exec,
};

static int
cmd_pid_value(const struct xr_value *v)
{
	return (v->type == XR_INT ? (int)v->u.i : 0);
}

static int
cmd_pid_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*v;
	int		 i, rc, status = CMD_SUCCESS;
	long long	 pid;
	size_t		 k;

	if (argc == 0) {
		if (client_call(ctx->client, &v, "supervisor.getPID", "") != 0)
			return (CMD_FAILED);
		printf("%d\n", cmd_pid_value(v));
		xr_free(v);
		return (status);
	}
	if (cmd_has_arg(argc, argv, "all")) {
		if (client_call(ctx->client, &v, "supervisor.getAllProcessInfo",
		    "") != 0)
			return (CMD_FAILED);
		for (k = 0; v->type == XR_ARRAY && k < v->u.a.n; k++)
			printf("%lld\n", cmd_get_int(v->u.a.items[k], "pid"));
		xr_free(v);
		return (status);
	}
	for (i = 0; i < argc; i++) {
		rc = client_call(ctx->client, &v, "supervisor.getProcessInfo",
		    "s", argv[i]);
		if (rc == 1 && client_fault_code(ctx->client) == FAULT_BAD_NAME) {
			printf("No such process %s\n", argv[i]);
			status = CMD_GENERIC;
			continue;
		}
		if (rc != 0)
			return (CMD_FAILED);
		pid = cmd_get_int(v, "pid");
		printf("%lld\n", pid);
		if (pid == 0)
			status = CMD_NOT_RUNNING;
		xr_free(v);
	}
	return (status);
}
