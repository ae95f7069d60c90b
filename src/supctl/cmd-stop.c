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

/*
 * Run a stop or signal on each name: method_all for "all", method_group
 * for g:*, method for a process. sig is the extra signal argument or NULL.
 * Shared with signal, which has its own rules for the exit status.
 */
int
cmd_stop_run(struct cmd_ctx *ctx, int argc, char **argv, const char *sig,
    const char *success, int ignored)
{
	const char	*m_all, *m_group, *m_one;
	struct xr_value	*res;
	char		*group, *name, *line;
	int		 i, rc, st, code, status = CMD_SUCCESS;

	m_all = sig ? "supervisor.signalAllProcesses" :
	    "supervisor.stopAllProcesses";
	m_group = sig ? "supervisor.signalProcessGroup" :
	    "supervisor.stopProcessGroup";
	m_one = sig ? "supervisor.signalProcess" : "supervisor.stopProcess";
	if (cmd_has_arg(argc, argv, "all")) {
		rc = sig ? client_call(ctx->client, &res, m_all, "s", sig) :
		    client_call(ctx->client, &res, m_all, "");
		if (rc != 0)
			return (CMD_FAILED);
		status = cmd_stop_results(res, success, ignored);
		xr_free(res);
		return (status);
	}
	for (i = 0; i < argc; i++) {
		cmd_split_namespec(argv[i], &group, &name);
		if (name == NULL) {
			rc = sig ? client_call(ctx->client, &res, m_group, "ss",
			    group, sig) : client_call(ctx->client, &res,
			    m_group, "s", group);
			if (rc == 0) {
				st = cmd_stop_results(res, success, ignored);
				if (st != CMD_SUCCESS)
					status = st;
				xr_free(res);
			} else if (rc == 1 && client_fault_code(ctx->client) ==
			    FAULT_BAD_NAME) {
				printf("%s: ERROR (no such group)\n", group);
				status = CMD_GENERIC;
				rc = 0;
			}
		} else {
			rc = sig ? client_call(ctx->client, NULL, m_one, "ss",
			    argv[i], sig) : client_call(ctx->client, NULL,
			    m_one, "s", argv[i]);
			code = rc == 0 ? FAULT_SUCCESS :
			    client_fault_code(ctx->client);
			if (rc >= 0) {
				line = cmd_signal_result(group, name, code,
				    client_fault_string(ctx->client), success);
				if (line == NULL) {
					printf("error: <class 'ValueError'>, "
					    "Unknown result code %d for %s\n",
					    code, name);
					line = xstrdup("");
					status = CMD_GENERIC;
				} else if ((st = cmd_exitstatus_from_fault(
				    code, ignored)) != 0)
					status = st;
				if (*line != '\0')
					puts(line);
				free(line);
				rc = 0;
			}
		}
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
