/* restart: stop, then start, the named processes or groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmlrpc.h"

static int	cmd_restart_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_restart_entry = {
	.name = "restart",
	.usage = "restart [--rolling [--batch N]] <name>|<gname>:*|all ...",
	.help = "restart <name>\t\tStop and start one process\n"
	    "restart <gname>:*\tStop and start the processes of a group\n"
	    "restart <name> <name>\tStop and start several processes or "
	    "groups\n"
	    "restart all\t\tStop and start every process\n"
	    "restart --rolling [--batch N] <gname>\n"
	    "\t\t\tRestart a group's members N at a time (default 1),\n"
	    "\t\t\teach batch only once the last is back and ready\n"
	    "\t\t\t(supd only)\n"
	    "restart reads no config files again: use reread and update "
	    "for that.\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "Error: restart requires a process name",
	    CMD_GENERIC },
	.exec = cmd_restart_exec,
};

/*
 * Roll one group. The daemon is asked one batch at a time
 * (supd.rollingRestart with first), so each member is printed as it comes
 * back; the daemon still decides the order and when a member is back.
 */
static int
cmd_restart_roll(struct cmd_ctx *ctx, const char *name, int batch)
{
	struct xr_value	*v;
	size_t		 i, n;
	int		 first = 0, rc;

	for (;;) {
		rc = client_call(ctx->client, &v, "supd.rollingRestart", "sii",
		    name, batch, first);
		if (rc == 1) {
			printf("%s: ERROR (%s)\n", name,
			    client_fault_string(ctx->client));
			return (client_fault_code(ctx->client) == FAULT_BAD_NAME ?
			    CMD_GENERIC : CMD_NOT_RUNNING);
		}
		if (rc != 0)
			return (CMD_FAILED);
		n = v->type == XR_ARRAY ? v->u.a.n : 0;
		for (i = 0; i < n; i++) {
			if (v->u.a.items[i]->type == XR_STRING)
				printf("%s: restarted (%d)\n",
				    v->u.a.items[i]->u.s.ptr, first + (int)i + 1);
		}
		fflush(stdout);
		xr_free(v);
		if (n == 0)
			break;
		first += (int)n;
	}
	printf("%s: rolling restart done\n", name);
	return (CMD_SUCCESS);
}

/* restart --rolling [--batch N] NAME...: each named group in turn. */
static int
cmd_restart_rolling(struct cmd_ctx *ctx, int argc, char **argv)
{
	long long	 batch = 1;
	const char	*value;
	int		 i, rc, status = CMD_SUCCESS, names = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--rolling") == 0)
			continue;
		if (strncmp(argv[i], "--batch", 7) == 0) {
			if (argv[i][7] == '=')
				value = argv[i] + 8;
			else if (argv[i][7] == '\0' && i + 1 < argc)
				value = argv[++i];
			else
				value = "";
			if (cmd_parse_int(value, &batch) != 0 || batch < 1 ||
			    batch > 1000000) {
				printf("Error: --batch needs a number of "
				    "members, at least 1\n");
				return (CMD_INVALID_ARGS);
			}
			continue;
		}
		names++;
		if ((rc = cmd_restart_roll(ctx, argv[i], (int)batch)) ==
		    CMD_FAILED)
			return (CMD_FAILED);
		if (rc != CMD_SUCCESS)
			status = rc;
	}
	if (names == 0) {
		printf("Error: restart --rolling requires a group name\n");
		return (CMD_INVALID_ARGS);
	}
	return (status);
}

/* The status is the last one either half set, as in supervisorctl. */
static int
cmd_restart_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	stop, start;

	if (cmd_has_arg(argc, argv, "--rolling"))
		return (cmd_restart_rolling(ctx, argc, argv));
	if ((stop = cmd_stop_entry.exec(ctx, argc, argv)) == CMD_FAILED)
		return (CMD_FAILED);
	if ((start = cmd_start_entry.exec(ctx, argc, argv)) == CMD_FAILED)
		return (CMD_FAILED);
	return (start != CMD_SUCCESS ? start : stop);
}
