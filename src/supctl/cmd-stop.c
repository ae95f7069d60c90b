/* stop: stop processes by name, by group (g:*) or all of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_stop_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_stop_entry = {
	.name = "stop",
	.usage = "stop <name>|<gname>:*|all ...",
	.help = "stop <name>\t\tStop one process\n"
	    "stop <gname>:*\t\tStop the processes of a group\n"
	    "stop <name> <name>\tStop several processes or groups\n"
	    "stop all\t\tStop every process\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "Error: stop requires a process name", CMD_GENERIC },
	.exec = cmd_stop_exec,
};

/*
 * Print the results of a call on many processes (stopAllProcesses,
 * signalProcessGroup, ...) with success as the word for code 80. Returns
 * the status they set; ignored is the fault code that does not count.
 */
static int
cmd_stop_results(const struct xr_value *results, const char *success,
    int ignored)
{
	const struct xr_value	*r;
	char			*line;
	int			 status = CMD_SUCCESS, st, code;
	size_t			 i;

	for (i = 0; results->type == XR_ARRAY && i < results->u.a.n; i++) {
		r = results->u.a.items[i];
		code = (int)cmd_get_int(r, "status");
		line = cmd_signal_result(cmd_get_string(r, "group"),
		    cmd_get_string(r, "name"), code,
		    cmd_get_string(r, "description"), success);
		if (line == NULL) {
			printf("error: <class 'ValueError'>, Unknown result "
			    "code %d for %s\n", code, cmd_get_string(r, "name"));
			return (CMD_GENERIC);
		}
		puts(line);
		free(line);
		if ((st = cmd_exitstatus_from_fault(code, ignored)) != 0)
			status = st;
	}
	return (status);
}

/* The methods for stop, or for signal when there is a signal. */
struct cmd_stop_methods {
	const char	*all, *group, *one;
};

static const struct cmd_stop_methods cmd_stop_stop = {
	"supervisor.stopAllProcesses", "supervisor.stopProcessGroup",
	"supervisor.stopProcess"
};
static const struct cmd_stop_methods cmd_stop_signal = {
	"supervisor.signalAllProcesses", "supervisor.signalProcessGroup",
	"supervisor.signalProcess"
};

/* Call method with a name and, for signal, the signal after it. */
static int
cmd_stop_call(struct cmd_ctx *ctx, struct xr_value **res, const char *method,
    const char *name, const char *sig)
{
	if (sig != NULL)
		return (client_call(ctx->client, res, method, "ss", name, sig));
	return (client_call(ctx->client, res, method, "s", name));
}

/* A group (g:*): its results, or "no such group". 0, or -1 to fail. */
static int
cmd_stop_group(struct cmd_ctx *ctx, const char *method, const char *group,
    const char *sig, const char *success, int ignored, int *status)
{
	struct xr_value	*res;
	int		 rc, st;

	rc = cmd_stop_call(ctx, &res, method, group, sig);
	if (rc == 0) {
		if ((st = cmd_stop_results(res, success, ignored)) != 0)
			*status = st;
		xr_free(res);
		return (0);
	}
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_BAD_NAME) {
		printf("%s: ERROR (no such group)\n", group);
		*status = CMD_GENERIC;
		return (0);
	}
	return (-1);
}

/* One process: success or the fault as a result line. 0, or -1. */
static int
cmd_stop_process(struct cmd_ctx *ctx, const char *method, const char *spec,
    const char *sig, const char *success, int ignored, int *status)
{
	char	*group, *name, *line;
	int	 rc, code, st;

	if ((rc = cmd_stop_call(ctx, NULL, method, spec, sig)) == -1)
		return (-1);
	code = rc == 0 ? FAULT_SUCCESS : client_fault_code(ctx->client);
	cmd_split_namespec(spec, &group, &name);
	line = cmd_signal_result(group, name, code,
	    client_fault_string(ctx->client), success);
	if (line == NULL) {
		printf("error: <class 'ValueError'>, Unknown result code %d "
		    "for %s\n", code, name);
		*status = CMD_GENERIC;
	} else {
		puts(line);
		if ((st = cmd_exitstatus_from_fault(code, ignored)) != 0)
			*status = st;
	}
	free(line);
	free(group);
	free(name);
	return (0);
}

/*
 * Stop or signal each name: all, a group (g:*) or a process. sig is the
 * signal for signal, NULL for stop; success the word for a done result;
 * ignored the fault code that leaves the exit status alone.
 */
int
cmd_stop_run(struct cmd_ctx *ctx, int argc, char **argv, const char *sig,
    const char *success, int ignored)
{
	const struct cmd_stop_methods	*m;
	struct xr_value			*res;
	char				*group, *name;
	int				 i, rc, status = CMD_SUCCESS;

	m = sig != NULL ? &cmd_stop_signal : &cmd_stop_stop;
	if (cmd_has_arg(argc, argv, "all")) {
		rc = sig != NULL ? client_call(ctx->client, &res, m->all, "s",
		    sig) : client_call(ctx->client, &res, m->all, "");
		if (rc != 0)
			return (CMD_FAILED);
		status = cmd_stop_results(res, success, ignored);
		xr_free(res);
		return (status);
	}
	for (i = 0; i < argc; i++) {
		cmd_split_namespec(argv[i], &group, &name);
		if (name == NULL)
			rc = cmd_stop_group(ctx, m->group, group, sig, success,
			    ignored, &status);
		else
			rc = cmd_stop_process(ctx, m->one, argv[i], sig,
			    success, ignored, &status);
		free(group);
		free(name);
		if (rc != 0)
			return (CMD_FAILED);
	}
	return (status);
}

static int
cmd_stop_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (cmd_stop_run(ctx, argc, argv, NULL, "stopped",
	    FAULT_NOT_RUNNING));
}
