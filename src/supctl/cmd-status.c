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
	.usage = "status [-v] [--json] [<name>|<gname>:*|all ...]",
	.help = "status\t\t\tShow every process and its state\n"
	    "status <name>\t\tShow one process\n"
	    "status <gname>:*\tShow the processes of a group\n"
	    "status <name> <name>\tShow several processes\n"
	    "status --json [...]\tThe same as a JSON array (supctl only)\n"
	    "status -v [...]\t\tAlso READY, HEALTH, RESTARTS and RSS "
	    "(supd only)\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_status_exec,
};

/*
 * A process as status shows it, borrowed from the reply: a struct of
 * getAllProcessInfo, or an entry of supd.getAllProcessStatus.
 */
struct cmd_status_row {
	const char		*group;
	const char		*name;
	const char		*description;
	long long		 state;
	const struct xr_value	*info;	/* the struct, or NULL */
};

struct cmd_status_list {
	struct cmd_status_row	*rows;
	size_t			 n;
};

/* Supervisor's state names (supervisor/states.py). */
static const char *
cmd_status_state_name(long long state)
{
	switch (state) {
	case 0:		return ("STOPPED");
	case 10:	return ("STARTING");
	case 20:	return ("RUNNING");
	case 30:	return ("BACKOFF");
	case 40:	return ("STOPPING");
	case 100:	return ("EXITED");
	case 200:	return ("FATAL");
	default:	return ("UNKNOWN");
	}
}

/*
 * All processes of the reply as rows; 0, or -1 if it is not what the
 * method returns.
 */
static int
cmd_status_rows(const struct xr_value *all, int compact,
    struct cmd_status_list *l)
{
	const struct xr_value	*v, *f;
	struct cmd_status_row	*r;
	size_t			 i;

	if (all->type != XR_ARRAY)
		return (-1);
	l->rows = xreallocarray(NULL, all->u.a.n + 1, sizeof *l->rows);
	for (i = 0; i < all->u.a.n; i++) {
		v = all->u.a.items[i];
		r = &l->rows[l->n];
		if (!compact) {
			if (v->type != XR_STRUCT)
				return (-1);
			r->group = cmd_get_string(v, "group");
			r->name = cmd_get_string(v, "name");
			r->description = cmd_get_string(v, "description");
			r->state = cmd_get_int(v, "state");
			r->info = v;
		} else {
			if (v->type != XR_ARRAY || v->u.a.n != 4)
				return (-1);
			f = v->u.a.items[0];
			if (f->type != XR_STRING ||
			    v->u.a.items[1]->type != XR_STRING ||
			    v->u.a.items[2]->type != XR_INT ||
			    v->u.a.items[3]->type != XR_STRING)
				return (-1);
			r->group = f->u.s.ptr;
			r->name = v->u.a.items[1]->u.s.ptr;
			r->state = v->u.a.items[2]->u.i;
			r->description = v->u.a.items[3]->u.s.ptr;
			r->info = NULL;
		}
		l->n++;
	}
	return (0);
}

/*
 * Select the rows the names ask for, as supervisorctl does: a name may
 * match several (a group) and the same process may come twice. Unknown
 * names are reported and make the status 4.
 */
static int
cmd_status_select(const struct cmd_status_list *all, int argc, char **argv,
    int json, struct cmd_status_list *l)
{
	char	*group, *name;
	int	 i, found, status = CMD_SUCCESS;
	size_t	 k;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			continue;
		cmd_split_namespec(argv[i], &group, &name);
		for (found = 0, k = 0; k < all->n; k++) {
			if (strcmp(all->rows[k].group, group) != 0)
				continue;
			if (name != NULL &&
			    strcmp(all->rows[k].name, name) != 0)
				continue;
			found = 1;
			l->rows = xreallocarray(l->rows, l->n + 1,
			    sizeof *l->rows);
			l->rows[l->n++] = all->rows[k];
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
		specs[i] = cmd_namespec(l->rows[i].group, l->rows[i].name);
		if ((w = cmd_utf8_width(specs[i])) > width)
			width = w;
	}
	for (i = 0; i < l->n; i++) {
		cmd_print_padded(specs[i], width + 3);
		cmd_print_padded(l->rows[i].info != NULL ?
		    cmd_get_string(l->rows[i].info, "statename") :
		    cmd_status_state_name(l->rows[i].state), 10);
		puts(l->rows[i].description);
		free(specs[i]);
	}
	free(specs);
}

/* Bytes as ps(1) would: 812K, 12.3M, 1.2G. */
static void
cmd_status_bytes(char *buf, size_t len, long long v)
{
	if (v < 1024 * 1024)
		snprintf(buf, len, "%lldK", v / 1024);
	else if (v < 1024LL * 1024 * 1024)
		snprintf(buf, len, "%.1fM", v / 1048576.0);
	else
		snprintf(buf, len, "%.1fG", v / 1073741824.0);
}

/*
 * status -v: a header and supd's columns between the state and the
 * description. Plain status stays as supervisorctl prints it, for the
 * scripts that parse it.
 */
static void
cmd_status_print_verbose(const struct cmd_status_list *l)
{
	const struct xr_value	*info;
	char			**specs, rss[32];
	size_t			  i, width = 30, w;

	specs = xreallocarray(NULL, l->n + 1, sizeof *specs);
	for (i = 0; i < l->n; i++) {
		specs[i] = cmd_namespec(l->rows[i].group, l->rows[i].name);
		if ((w = cmd_utf8_width(specs[i])) > width)
			width = w;
	}
	cmd_print_padded("NAME", width + 3);
	printf("%-10s %-5s %-8s %-8s %-8s %s\n", "STATE", "READY", "HEALTH",
	    "RESTARTS", "RSS", "DESCRIPTION");
	for (i = 0; i < l->n; i++) {
		info = l->rows[i].info;
		cmd_print_padded(specs[i], width + 3);
		cmd_status_bytes(rss, sizeof rss, cmd_get_int(info, "rss"));
		printf("%-10s %-5s %-8s %-8lld %-8s %s\n",
		    cmd_get_string(info, "statename"),
		    cmd_get_int(info, "ready") ? "yes" : "no",
		    *cmd_get_string(info, "health") != '\0' ?
		    cmd_get_string(info, "health") : "-",
		    cmd_get_int(info, "restarts"), rss,
		    l->rows[i].description);
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

/*
 * Every process: from supd, the compact supd.getAllProcessStatus; from
 * Supervisor (which has no such method), or for --json, which shows
 * every field, getAllProcessInfo.
 */
static int
cmd_status_fetch(struct cmd_ctx *ctx, int json, int verbose,
    struct xr_value **all, int *compact)
{
	int	rc;

	*compact = 0;
	if (verbose) {
		if (client_call(ctx->client, all, "supd.getAllProcessInfo", "")
		    == 0)
			return (0);
		if (client_fault_code(ctx->client) == FAULT_UNKNOWN_METHOD)
			fprintf(stderr, "error: status -v needs supd: the "
			    "server has no supd.getAllProcessInfo\n");
		return (-1);
	}
	if (!json) {
		rc = client_call(ctx->client, all, "supd.getAllProcessStatus",
		    "");
		if (rc == 0) {
			*compact = 1;
			return (0);
		}
		if (rc != 1 ||
		    client_fault_code(ctx->client) != FAULT_UNKNOWN_METHOD)
			return (-1);
	}
	return (client_call(ctx->client, all, "supervisor.getAllProcessInfo",
	    "") == 0 ? 0 : -1);
}

static int
cmd_status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_status_list	 all = { NULL, 0 }, l = { NULL, 0 };
	struct xr_value		*reply;
	char			**args;
	int			 rc, json, verbose = 0, compact, nargs = 0;
	int			 status = CMD_SUCCESS;
	size_t			 i;
	long long		 state;

	/* If upcheck fails, status says 4 whatever upcheck said. */
	if ((rc = cmd_upcheck(ctx)) != 0)
		return (rc == CMD_FAILED ? rc : CMD_STATUS_UNKNOWN);
	/* -v is taken out here; --json is skipped where names are read. */
	args = xreallocarray(NULL, argc + 1, sizeof *args);
	for (rc = 0; rc < argc; rc++) {
		if (strcmp(argv[rc], "-v") == 0 ||
		    strcmp(argv[rc], "--verbose") == 0)
			verbose = 1;
		else
			args[nargs++] = argv[rc];
	}
	argc = nargs;
	argv = args;
	json = cmd_has_arg(argc, argv, "--json");
	if (cmd_status_fetch(ctx, json, verbose, &reply, &compact) != 0) {
		free(args);
		return (CMD_FAILED);
	}
	if (cmd_status_rows(reply, compact, &all) != 0) {
		fprintf(stderr, "error: the server's process list is not an "
		    "array of processes\n");
		free(args);
		free(all.rows);
		xr_free(reply);
		return (CMD_FAILED);
	}
	if (argc - json == 0 || cmd_has_arg(argc, argv, "all"))
		l = all, all.rows = NULL;
	else
		status = cmd_status_select(&all, argc, argv, json, &l);
	if (json) {
		const struct xr_value	**items;

		items = xreallocarray(NULL, l.n + 1, sizeof *items);
		for (i = 0; i < l.n; i++)
			items[i] = l.rows[i].info;
		cmd_status_json(items, l.n);
		free(items);
	} else if (verbose)
		cmd_status_print_verbose(&l);
	else
		cmd_status_print(&l);
	for (i = 0; i < l.n; i++) {
		state = l.rows[i].state;
		if (state == PROCESS_STOPPED || state == PROCESS_EXITED ||
		    state == PROCESS_FATAL || state == PROCESS_UNKNOWN)
			status = CMD_STATUS_NOT_RUNNING;
	}
	free(args);
	free(all.rows);
	free(l.rows);
	xr_free(reply);
	return (status);
}
