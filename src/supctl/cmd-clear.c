/* clear: empty the log files of processes. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_clear_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_clear_entry = {
	.name = "clear",
	.usage = "clear <name>|all ...",
	.help = "clear <name>\t\tEmpty the log files of one process\n"
	    "clear <name> <name>\tEmpty those of several processes\n"
	    "clear all\t\tEmpty those of every process\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "Error: clear requires a process name", CMD_GENERIC },
	.exec = cmd_clear_exec,
};

/* One result line (_clearresult); returns the status it sets, or -1. */
static int
cmd_clear_print(const char *group, const char *name, int code)
{
	char	*spec;
	int	 status;

	spec = cmd_namespec(group, name);
	status = cmd_exitstatus_from_fault(code, -1);
	if (code == FAULT_BAD_NAME)
		printf("%s: ERROR (no such process)\n", spec);
	else if (code == FAULT_FAILED)
		printf("%s: ERROR (failed)\n", spec);
	else if (code == FAULT_SUCCESS)
		printf("%s: cleared\n", spec);
	else {
		printf("error: <class 'ValueError'>, Unknown result code %d "
		    "for %s\n", code, spec);
		status = -1;
	}
	free(spec);
	return (status);
}

static int
cmd_clear_all(struct cmd_ctx *ctx)
{
	struct xr_value		*res;
	const struct xr_value	*r;
	int			 status = CMD_SUCCESS, st;
	size_t			 i;

	if (client_call(ctx->client, &res, "supervisor.clearAllProcessLogs",
	    "") != 0)
		return (CMD_FAILED);
	for (i = 0; res->type == XR_ARRAY && i < res->u.a.n; i++) {
		r = res->u.a.items[i];
		st = cmd_clear_print(cmd_get_string(r, "group"),
		    cmd_get_string(r, "name"), (int)cmd_get_int(r, "status"));
		if (st == -1) {
			status = CMD_GENERIC;
			break;
		}
		if (st != CMD_SUCCESS)
			status = st;
	}
	xr_free(res);
	return (status);
}

static int
cmd_clear_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	char	*group, *name;
	int	 i, rc, st, status = CMD_SUCCESS;

	if (cmd_has_arg(argc, argv, "all"))
		return (cmd_clear_all(ctx));
	for (i = 0; i < argc; i++) {
		rc = client_call(ctx->client, NULL,
		    "supervisor.clearProcessLogs", "s", argv[i]);
		if (rc == -1)
			return (CMD_FAILED);
		cmd_split_namespec(argv[i], &group, &name);
		st = cmd_clear_print(group, name, rc == 0 ? FAULT_SUCCESS :
		    client_fault_code(ctx->client));
		free(group);
		free(name);
		if (st == -1)
			return (CMD_GENERIC);
		if (st != CMD_SUCCESS)
			status = st;
	}
	return (status);
}
