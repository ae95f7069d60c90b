/*
 * What stop and signal share: the calls that stop or signal processes by
 * name, by group (g:*) or all of them, and the line printed for each
 * result (supervisorctl's _signalresult and friends).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "stop.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/*
 * The line for one signal or stop result (_signalresult); a failure shows
 * the daemon's description alone. NULL for an odd code.
 */
char *
stop_result(const char *group, const char *name, int code,
    const char *description, const char *success)
{
	char		*spec, *line = NULL;
	const char	*error = NULL;

	spec = cmd_namespec(group, name);
	switch (code) {
	case FAULT_BAD_NAME:
		error = "no such process";
		break;
	case FAULT_BAD_SIGNAL:
		error = "bad signal name";
		break;
	case FAULT_NOT_RUNNING:
		error = "not running";
		break;
	case FAULT_SUCCESS:
		xasprintf(&line, "%s: %s", spec, success);
		break;
	case FAULT_FAILED:
		line = xstrdup(description);
		break;
	}
	if (error != NULL)
		xasprintf(&line, "%s: ERROR (%s)", spec, error);
	free(spec);
	return (line);
}

/*
 * Print the results of a call on many processes (stopAllProcesses,
 * signalProcessGroup, ...) with success as the word for code 80. Returns
 * the status they set; ignored is the fault code that does not count.
 */
static int
stop_results(const struct xr_value *results, const char *success,
    int ignored)
{
	const struct xr_value	*r;
	char			*line;
	int			 status = CMD_SUCCESS, st, code;
	size_t			 i;

	for (i = 0; results->type == XR_ARRAY && i < results->u.a.n; i++) {
		r = results->u.a.items[i];
		code = (int)cmd_get_int(r, "status");
		line = stop_result(cmd_get_string(r, "group"),
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
struct stop_methods {
	const char	*all, *group, *one;
};

static const struct stop_methods stop_stop = {
	"supervisor.stopAllProcesses", "supervisor.stopProcessGroup",
	"supervisor.stopProcess"
};
static const struct stop_methods stop_signal = {
	"supervisor.signalAllProcesses", "supervisor.signalProcessGroup",
	"supervisor.signalProcess"
};

/* Call method with a name and, for signal, the signal after it. */
static int
stop_call(struct cmd_ctx *ctx, struct xr_value **res, const char *method,
    const char *name, const char *sig)
{
	if (sig != NULL)
		return (client_call(ctx->client, res, method, "ss", name, sig));
	return (client_call(ctx->client, res, method, "s", name));
}

/* A group (g:*): its results, or "no such group". 0, or -1 to fail. */
static int
stop_group(struct cmd_ctx *ctx, const char *method, const char *group,
    const char *sig, const char *success, int ignored, int *status)
{
	struct xr_value	*res;
	int		 rc, st;

	rc = stop_call(ctx, &res, method, group, sig);
	if (rc == 0) {
		if ((st = stop_results(res, success, ignored)) != 0)
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
stop_process(struct cmd_ctx *ctx, const char *method, const char *spec,
    const char *sig, const char *success, int ignored, int *status)
{
	char	*group, *name, *line;
	int	 rc, code, st;

	if ((rc = stop_call(ctx, NULL, method, spec, sig)) == -1)
		return (-1);
	code = rc == 0 ? FAULT_SUCCESS : client_fault_code(ctx->client);
	cmd_split_namespec(spec, &group, &name);
	line = stop_result(group, name, code,
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
stop_run(struct cmd_ctx *ctx, int argc, char **argv, const char *sig,
    const char *success, int ignored)
{
	const struct stop_methods	*m;
	struct xr_value			*res;
	char				*group, *name;
	int				 i, rc, status = CMD_SUCCESS;

	m = sig != NULL ? &stop_signal : &stop_stop;
	if (cmd_has_arg(argc, argv, "all")) {
		rc = sig != NULL ? client_call(ctx->client, &res, m->all, "s",
		    sig) : client_call(ctx->client, &res, m->all, "");
		if (rc != 0)
			return (CMD_FAILED);
		status = stop_results(res, success, ignored);
		xr_free(res);
		return (status);
	}
	for (i = 0; i < argc; i++) {
		cmd_split_namespec(argv[i], &group, &name);
		if (name == NULL)
			rc = stop_group(ctx, m->group, group, sig, success,
			    ignored, &status);
		else
			rc = stop_process(ctx, m->one, argv[i], sig,
			    success, ignored, &status);
		free(group);
		free(name);
		if (rc != 0)
			return (CMD_FAILED);
	}
	return (status);
}
