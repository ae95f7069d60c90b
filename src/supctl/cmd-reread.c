/* reread: have the daemon read its config again and list what changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_reread_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_reread_entry = {
	.name = "reread",
	.usage = "reread",
	.help = "reread \t\t\tRead the daemon's config files again and show "
	    "what changed, without applying it\n",
	.flags = CMD_ARGS_HELP,
	.args = { 0, 0, "Error: reread accepts no arguments", CMD_GENERIC },
	.exec = cmd_reread_exec,
};

struct cmd_reread_change {
	const char	*name;
	const char	*what;
};

static int
cmd_reread_cmp(const void *a, const void *b)
{
	const struct cmd_reread_change	*ca = a, *cb = b;

	return (strcmp(ca->name, cb->name));
}

/* Record the names of one list as what; a later list wins for a name. */
static void
cmd_reread_collect(const struct xr_value *list, const char *what,
    struct cmd_reread_change **changes, size_t *n)
{
	const struct xr_value	*v;
	size_t			 i, k;

	for (i = 0; list != NULL && list->type == XR_ARRAY &&
	    i < list->u.a.n; i++) {
		v = list->u.a.items[i];
		if (v->type != XR_STRING)
			continue;
		for (k = 0; k < *n; k++) {
			if (strcmp((*changes)[k].name, v->u.s.ptr) == 0)
				break;
		}
		if (k == *n) {
			*changes = xreallocarray(*changes, *n + 1,
			    sizeof **changes);
			(*n)++;
		}
		(*changes)[k].name = v->u.s.ptr;
		(*changes)[k].what = what;
	}
}

/* _formatChanges: names sorted, each "available", "changed", "disappeared". */
static void
cmd_reread_print(const struct xr_value *result)
{
	const struct xr_value		*lists = NULL;
	struct cmd_reread_change	*changes = NULL;
	size_t				 n = 0, i;

	if (result->type == XR_ARRAY && result->u.a.n > 0)
		lists = result->u.a.items[0];
	if (lists != NULL && lists->type == XR_ARRAY && lists->u.a.n == 3) {
		cmd_reread_collect(lists->u.a.items[0], "available", &changes,
		    &n);
		cmd_reread_collect(lists->u.a.items[1], "changed", &changes,
		    &n);
		cmd_reread_collect(lists->u.a.items[2], "disappeared",
		    &changes, &n);
	}
	if (n == 0)
		puts("No config updates to processes");
	if (n > 0)
		qsort(changes, n, sizeof *changes, cmd_reread_cmp);
	for (i = 0; i < n; i++)
		printf("%s: %s\n", changes[i].name, changes[i].what);
	free(changes);
}

static int
cmd_reread_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*result;
	int		 rc;

	rc = client_call(ctx->client, &result, "supervisor.reloadConfig", "");
	if (rc == 1) {
		switch (client_fault_code(ctx->client)) {
		case FAULT_SHUTDOWN_STATE:
			puts("ERROR: supervisor shutting down");
			return (CMD_GENERIC);
		case FAULT_CANT_REREAD:
			printf("ERROR: %s\n", client_fault_string(ctx->client));
			return (CMD_GENERIC);
		}
	}
	if (rc != 0)
		return (CMD_FAILED);
	cmd_reread_print(result);
	xr_free(result);
	return (CMD_SUCCESS);
}
