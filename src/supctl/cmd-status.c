/* status: the state of all, some or one process(es), as a table or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_status_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "status [--json] [<name>|<gname>:*|all ...]",
	.help = "status\t\t\tShow every process and its state\n"
	    "status <name>\t\tShow one process\n"
	    "status <gname>:*\tShow the processes of a group\n"
	    "status <name> <name>\tShow several processes\n"
	    "status --json [...]\tThe same as a JSON array (supctl only)\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_status_exec,
};

/* A collection of borrowed process infos, in output order. */
struct cmd_status_list {
	const struct xr_value	**items;
	size_t			  n;
};

static void
cmd_status_add(struct cmd_status_list *l, const struct xr_value *info)
{
	l->items = xreallocarray(l->items, l->n + 1, sizeof *l->items);
	l->items[l->n++] = info;
}

/*
 * Select the infos the names ask for, as supervisorctl does: a name may
 * match several (a group) and the same process may come twice. Unknown
 * names are reported and make the status 4.
 */
static int
cmd_status_select(const struct xr_value *all, int argc, char **argv,
    int json, struct cmd_status_list *l)
{
	const struct xr_value	*info;
	char			*group, *name;
	int			 i, found, status = CMD_SUCCESS;
	size_t			 k;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			continue;
		cmd_split_namespec(argv[i], &group, &name);
		for (found = 0, k = 0; k < all->u.a.n; k++) {
			info = all->u.a.items[k];
			if (strcmp(cmd_get_string(info, "group"), group) != 0)
				continue;
			if (name != NULL &&
			    strcmp(cmd_get_string(info, "name"), name) != 0)
				continue;
			found = 1;
			cmd_status_add(l, info);
		}
		if (!found) {
			fprintf(json ? stderr : stdout, "%s: ERROR (%s)\n",
			    name == NULL ? group : argv[i],
			    name == NULL ? "no such group" : "no such process");
			status = CMD_STATUS_UNKNOWN;
		}
		free(group);
		free(name);
	}
	return (status);
}

/* The table: namespec padded to the longest (at least 30) plus 3. */
static void
cmd_status_print(const struct cmd_status_list *l)
{
	char	**specs;
	size_t	  i, width = 30, w;

	specs = xreallocarray(NULL, l->n + 1, sizeof *specs);
	for (i = 0; i < l->n; i++) {
		specs[i] = cmd_namespec(cmd_get_string(l->items[i], "group"),
		    cmd_get_string(l->items[i], "name"));
		if ((w = cmd_utf8_width(specs[i])) > width)
			width = w;
	}
	for (i = 0; i < l->n; i++) {
		cmd_print_padded(specs[i], width + 3);
		cmd_print_padded(cmd_get_string(l->items[i], "statename"), 10);
		puts(cmd_get_string(l->items[i], "description"));
		free(specs[i]);
	}
	free(specs);
}

/* A value as JSON, for --json. New reference. */
static json_t *
cmd_status_json_value(const struct xr_value *v)
{
	json_t	*j;
	size_t	 i;

	switch (v->type) {
	case XR_BOOL:
		return (json_boolean(v->u.b));
	case XR_INT:
		return (json_integer(v->u.i));
	case XR_DOUBLE:
		return (json_real(v->u.d));
	case XR_STRING:
	case XR_DATETIME:
		return (json_stringn(v->u.s.ptr, v->u.s.len));
	case XR_ARRAY:
		j = json_array();
		for (i = 0; i < v->u.a.n; i++)
			json_array_append_new(j,
			    cmd_status_json_value(v->u.a.items[i]));
		return (j);
	case XR_STRUCT:
		j = json_object();
		for (i = 0; i < v->u.st.n; i++)
			json_object_set_new(j, v->u.st.members[i].name,
			    cmd_status_json_value(v->u.st.members[i].value));
		return (j);
	default:
		return (json_null());
	}
}

/*
 * Print infos as a JSON array of objects: every field the daemon sent,
 * plus "namespec". Shared with avail --json.
 */
void
cmd_status_json(const struct xr_value **items, size_t n)
{
	json_t	*arr, *obj;
	char	*spec, *out;
	size_t	 i;

	arr = json_array();
	for (i = 0; i < n; i++) {
		obj = cmd_status_json_value(items[i]);
		spec = cmd_namespec(cmd_get_string(items[i], "group"),
		    cmd_get_string(items[i], "name"));
		json_object_set_new(obj, "namespec", json_string(spec));
		free(spec);
		json_array_append_new(arr, obj);
	}
	out = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(out);
	free(out);
	json_decref(arr);
}

static int
cmd_status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_status_list	 l = { NULL, 0 };
	struct xr_value		*all;
	int			 rc, json, status = CMD_SUCCESS;
	int			 named;
	size_t			 i;
	long long		 state;

	/* If upcheck fails, status says 4 whatever upcheck said. */
	if ((rc = cmd_upcheck(ctx)) != 0)
		return (rc == CMD_FAILED ? rc : CMD_STATUS_UNKNOWN);
	if (client_call(ctx->client, &all, "supervisor.getAllProcessInfo",
	    "") != 0)
		return (CMD_FAILED);
	json = cmd_has_arg(argc, argv, "--json");
	named = argc - json;
	if (all->type != XR_ARRAY)
		named = 0, argc = 0;
	if (named == 0 || cmd_has_arg(argc, argv, "all")) {
		for (i = 0; all->type == XR_ARRAY && i < all->u.a.n; i++)
			cmd_status_add(&l, all->u.a.items[i]);
	} else
		status = cmd_status_select(all, argc, argv, json, &l);
	if (json)
		cmd_status_json(l.items, l.n);
	else
		cmd_status_print(&l);
	for (i = 0; i < l.n; i++) {
		state = cmd_get_int(l.items[i], "state");
		if (state == CMD_STATE_STOPPED || state == CMD_STATE_EXITED ||
		    state == CMD_STATE_FATAL || state == CMD_STATE_UNKNOWN)
			status = CMD_STATUS_NOT_RUNNING;
	}
	free(l.items);
	xr_free(all);
	return (status);
}
