/*
 * update: reread the config, then stop and remove the groups that went,
 * restart those that changed and add the new ones; all, or only the named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_update_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_update_entry = {
	.name = "update",
	.usage = "update [all|<gname> ...]",
	.help = "update\t\t\tRead the config again and apply it: add, remove "
	    "and restart groups as needed\n"
	    "update all\t\tThe same\n"
	    "update <gname> [...]\tApply it to the named groups only\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_update_exec,
};

/* The names the user asked for; none means all. */
struct cmd_update_want {
	int	  argc;
	char	**argv;
};

static int
cmd_update_wanted(const struct cmd_update_want *w, const char *gname)
{
	return (w->argc == 0 || cmd_has_arg(w->argc, w->argv, gname));
}

static int
cmd_update_in(const struct xr_value *list, const char *name)
{
	size_t	i;

	for (i = 0; list->type == XR_ARRAY && i < list->u.a.n; i++) {
		if (list->u.a.items[i]->type == XR_STRING &&
		    strcmp(list->u.a.items[i]->u.s.ptr, name) == 0)
			return (1);
	}
	return (0);
}

/* Complain about names that are neither running groups nor new ones. */
static int
cmd_update_check(struct cmd_ctx *ctx, const struct cmd_update_want *w,
    const struct xr_value *added, int *status)
{
	struct xr_value	*all;
	int		 i, j, known;
	size_t		 k;

	if (client_call(ctx->client, &all, "supervisor.getAllProcessInfo",
	    "") != 0)
		return (-1);
	for (i = 0; i < w->argc; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(w->argv[j], w->argv[i]) == 0)
				break;
		}
		if (j < i)
			continue;	/* a set: each name once */
		known = cmd_update_in(added, w->argv[i]);
		for (k = 0; !known && all->type == XR_ARRAY &&
		    k < all->u.a.n; k++) {
			if (strcmp(cmd_get_string(all->u.a.items[k], "group"),
			    w->argv[i]) == 0)
				known = 1;
		}
		if (!known) {
			printf("ERROR: no such group: %s\n", w->argv[i]);
			*status = CMD_GENERIC;
		}
	}
	xr_free(all);
	return (0);
}

/* Stop a removed group and take it out, unless stopping failed. */
static int
cmd_update_removed(struct cmd_ctx *ctx, const char *gname, int *status)
{
	struct xr_value	*res;
	size_t		 i;
	int		 failed = 0;

	if (client_call(ctx->client, &res, "supervisor.stopProcessGroup", "s",
	    gname) != 0)
		return (-1);
	printf("%s: stopped\n", gname);
	for (i = 0; res->type == XR_ARRAY && i < res->u.a.n; i++) {
		if (cmd_get_int(res->u.a.items[i], "status") == FAULT_FAILED)
			failed = 1;
	}
	xr_free(res);
	if (failed) {
		printf("%s: has problems; not removing\n", gname);
		*status = CMD_GENERIC;
		return (0);
	}
	if (client_call(ctx->client, NULL, "supervisor.removeProcessGroup",
	    "s", gname) != 0)
		return (-1);
	printf("%s: removed process group\n", gname);
	return (0);
}

static int
cmd_update_changed(struct cmd_ctx *ctx, const char *gname)
{
	if (client_call(ctx->client, NULL, "supervisor.stopProcessGroup", "s",
	    gname) != 0)
		return (-1);
	printf("%s: stopped\n", gname);
	if (client_call(ctx->client, NULL, "supervisor.removeProcessGroup",
	    "s", gname) != 0 ||
	    client_call(ctx->client, NULL, "supervisor.addProcessGroup", "s",
	    gname) != 0)
		return (-1);
	printf("%s: updated process group\n", gname);
	return (0);
}

/* Walk one of the three lists, applying fn to the wanted names. */
static int
cmd_update_apply(struct cmd_ctx *ctx, const struct cmd_update_want *w,
    const struct xr_value *list, int which, int *status)
{
	const char	*gname;
	size_t		 i;
	int		 rc;

	for (i = 0; list->type == XR_ARRAY && i < list->u.a.n; i++) {
		if (list->u.a.items[i]->type != XR_STRING)
			continue;
		gname = list->u.a.items[i]->u.s.ptr;
		if (!cmd_update_wanted(w, gname))
			continue;
		if (which == 0) {
			rc = client_call(ctx->client, NULL,
			    "supervisor.addProcessGroup", "s", gname);
			if (rc == 0)
				printf("%s: added process group\n", gname);
		} else if (which == 1)
			rc = cmd_update_changed(ctx, gname);
		else
			rc = cmd_update_removed(ctx, gname, status);
		if (rc != 0)
			return (-1);
	}
	return (0);
}

/*
 * supd applies the update itself (supd.update): a changed group restarts
 * only its changed members. 1 when the daemon has no such method
 * (supervisord), so the caller does it Supervisor's way.
 */
static int
cmd_update_supd(struct cmd_ctx *ctx, const struct cmd_update_want *w,
    int *status)
{
	struct xr_value	*res, *item;
	size_t		 i;
	int		 rc;

	rc = client_call(ctx->client, &res, "supd.update", "a", w->argc,
	    w->argv);
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_UNKNOWN_METHOD)
		return (1);
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_SHUTDOWN_STATE) {
		puts("ERROR: already shutting down");
		*status = CMD_GENERIC;
		return (0);
	}
	if (rc == 1) {
		printf("ERROR: %s\n", client_fault_string(ctx->client));
		*status = CMD_GENERIC;
		return (0);
	}
	if (rc != 0)
		return (-1);
	for (i = 0; res->type == XR_ARRAY && i < res->u.a.n; i++) {
		item = res->u.a.items[i];
		printf("%s: %s\n", cmd_get_string(item, "name"),
		    cmd_get_string(item, "action"));
		if (strncmp(cmd_get_string(item, "action"), "ERROR", 5) == 0)
			*status = CMD_GENERIC;
	}
	xr_free(res);
	return (0);
}

static int
cmd_update_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_update_want	 w = { argc, argv };
	struct xr_value		*result, *lists;
	int			 rc, status = CMD_SUCCESS;

	rc = client_call(ctx->client, &result, "supervisor.reloadConfig", "");
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_SHUTDOWN_STATE) {
		puts("ERROR: already shutting down");
		return (CMD_GENERIC);
	}
	if (rc != 0)
		return (CMD_FAILED);
	lists = result->type == XR_ARRAY && result->u.a.n > 0 ?
	    result->u.a.items[0] : NULL;
	if (lists == NULL || lists->type != XR_ARRAY || lists->u.a.n != 3) {
		xr_free(result);
		printf("error: unexpected reply to reloadConfig\n");
		return (CMD_GENERIC);
	}
	if (cmd_has_arg(argc, argv, "all"))
		w.argc = 0;
	rc = 0;
	if (w.argc != 0)
		rc = cmd_update_check(ctx, &w, lists->u.a.items[0], &status);
	if (rc == 0 && (rc = cmd_update_supd(ctx, &w, &status)) != 1) {
		xr_free(result);
		return (rc == 0 ? status : CMD_FAILED);
	}
	rc = 0;
	/* Removed first, then changed, then added, as supervisorctl. */
	if (rc == 0)
		rc = cmd_update_apply(ctx, &w, lists->u.a.items[2], 2, &status);
	if (rc == 0)
		rc = cmd_update_apply(ctx, &w, lists->u.a.items[1], 1, &status);
	if (rc == 0)
		rc = cmd_update_apply(ctx, &w, lists->u.a.items[0], 0, &status);
	xr_free(result);
	return (rc == 0 ? status : CMD_FAILED);
}
