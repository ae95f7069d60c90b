/* start: start processes by name, by group (g:*) or all of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_start_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_start_entry = {
	.name = "start",
	.usage = "start <name>|<gname>:*|all ...",
	.help = "start <name>\t\tStart one process\n"
	    "start <gname>:*\t\tStart the processes of a group\n"
	    "start <name> <name>\tStart several processes or groups\n"
	    "start all\t\tStart every process\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "Error: start requires a process name",
	    CMD_INVALID_ARGS },
	.exec = cmd_start_exec,
};

/* The line for one start result (_startresult); NULL for an odd code. */
char *
cmd_start_result(const char *group, const char *name, int code)
{
	static const struct {
		int		 code;
		const char	*text;
	} errors[] = {
		{ FAULT_BAD_NAME, "no such process" },
		{ FAULT_NO_FILE, "no such file" },
		{ FAULT_NOT_EXECUTABLE, "file is not executable" },
		{ FAULT_ALREADY_STARTED, "already started" },
		{ FAULT_SPAWN_ERROR, "spawn error" },
		{ FAULT_ABNORMAL_TERMINATION, "abnormal termination" },
	};
	char	*spec, *line = NULL;
	size_t	 i;

	spec = cmd_namespec(group, name);
	if (code == FAULT_SUCCESS)
		xasprintf(&line, "%s: started", spec);
	for (i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		if (errors[i].code == code)
			xasprintf(&line, "%s: ERROR (%s)", spec, errors[i].text);
	}
	free(spec);
	return (line);
}

/*
 * Print the results of startAllProcesses or startProcessGroup. Returns
 * the status they set, or CMD_GENERIC after an unknown code.
 */
static int
cmd_start_results(const struct xr_value *results)
{
	const struct xr_value	*r;
	char			*line;
	int			 status = CMD_SUCCESS, st;
	size_t			 i;

	for (i = 0; results->type == XR_ARRAY && i < results->u.a.n; i++) {
		r = results->u.a.items[i];
		line = cmd_start_result(cmd_get_string(r, "group"),
		    cmd_get_string(r, "name"), (int)cmd_get_int(r, "status"));
		if (line == NULL) {
			printf("error: <class 'ValueError'>, Unknown result "
			    "code %lld for %s\n", cmd_get_int(r, "status"),
			    cmd_get_string(r, "name"));
			return (CMD_GENERIC);
		}
		puts(line);
		free(line);
		st = cmd_exitstatus_from_fault((int)cmd_get_int(r, "status"),
		    FAULT_ALREADY_STARTED);
		if (st != CMD_SUCCESS)
			status = st;
	}
	return (status);
}

/* One name: a group (g:*) or a process. */
static int
cmd_start_one(struct cmd_ctx *ctx, const char *spec, int *status)
{
	struct xr_value	*results;
	char		*group, *name, *line;
	int		 rc, st, code;

	cmd_split_namespec(spec, &group, &name);
	if (name == NULL) {
		rc = client_call(ctx->client, &results,
		    "supervisor.startProcessGroup", "s", group);
		if (rc == 0) {
			if ((st = cmd_start_results(results)) != CMD_SUCCESS)
				*status = st;
			xr_free(results);
		} else if (rc == 1 &&
		    client_fault_code(ctx->client) == FAULT_BAD_NAME) {
			printf("%s: ERROR (no such group)\n", group);
			*status = CMD_INVALID_ARGS;
			rc = 0;
		}
	} else {
		rc = client_call(ctx->client, NULL, "supervisor.startProcess",
		    "s", spec);
		code = rc == 0 ? FAULT_SUCCESS : client_fault_code(ctx->client);
		if (rc >= 0 && (line = cmd_start_result(group, name,
		    code)) != NULL) {
			puts(line);
			free(line);
			st = cmd_exitstatus_from_fault(code,
			    FAULT_ALREADY_STARTED);
			if (st != CMD_SUCCESS)
				*status = st;
			rc = 0;
		} else if (rc >= 0) {
			printf("error: <class 'ValueError'>, Unknown result "
			    "code %d for %s\n", code, name);
			*status = CMD_GENERIC;
			rc = 0;
		}
	}
	free(group);
	free(name);
	return (rc == 0 ? 0 : -1);
}

static int
cmd_start_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*results;
	int		 i, status = CMD_SUCCESS;

	if (cmd_has_arg(argc, argv, "all")) {
		if (client_call(ctx->client, &results,
		    "supervisor.startAllProcesses", "") != 0)
			return (CMD_FAILED);
		status = cmd_start_results(results);
		xr_free(results);
		return (status);
	}
	for (i = 0; i < argc; i++) {
		if (cmd_start_one(ctx, argv[i], &status) != 0)
			return (CMD_FAILED);
	}
	return (status);
}
