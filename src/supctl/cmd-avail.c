/* avail: every configured process, whether in use, auto-started, priority. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_avail_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_avail_entry = {
	.name = "avail",
	.usage = "avail [--json]",
	.help = "avail\t\t\tList every configured process\n"
	    "avail --json\t\tThe same as a JSON array (supctl only)\n",
	.flags = CMD_ARGS_HELP,
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_avail_exec,
};

/* One line: name, "in use"/"avail", "auto"/"manual", group:process prio. */
static void
cmd_avail_print(const struct xr_value *info)
{
	char	*spec;

	spec = cmd_namespec(cmd_get_string(info, "group"),
	    cmd_get_string(info, "name"));
	cmd_print_padded(spec, 32);
	putchar(' ');
	cmd_print_padded(cmd_get_int(info, "inuse") ? "in use" : "avail", 9);
	putchar(' ');
	cmd_print_padded(cmd_get_int(info, "autostart") ? "auto" : "manual", 9);
	printf(" %lld:%lld\n", cmd_get_int(info, "group_prio"),
	    cmd_get_int(info, "process_prio"));
	free(spec);
}

static int
cmd_avail_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*all;
	int		 json, rc;
	size_t		 i;

	json = cmd_has_arg(argc, argv, "--json");
	if (argc > json) {
		puts("Error: avail accepts no arguments");
		cmd_print_help(&cmd_avail_entry);
		return (CMD_GENERIC);
	}
	rc = client_call(ctx->client, &all, "supervisor.getAllConfigInfo", "");
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_SHUTDOWN_STATE) {
		puts("ERROR: supervisor shutting down");
		return (CMD_GENERIC);
	}
	if (rc != 0)
		return (CMD_FAILED);
	if (all->type == XR_ARRAY && json)
		cmd_status_json((const struct xr_value **)all->u.a.items,
		    all->u.a.n);
	else if (json)
		cmd_status_json(NULL, 0);
	for (i = 0; !json && all->type == XR_ARRAY && i < all->u.a.n; i++)
		cmd_avail_print(all->u.a.items[i]);
	xr_free(all);
	return (CMD_SUCCESS);
}
