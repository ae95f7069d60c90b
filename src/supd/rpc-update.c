/*
 * supd.update and supd.scale: the config applied in the daemon, member by
 * member (update.c), answered once everything stopped has stopped and
 * what starts was started. Supervisor has neither; its own update stays
 * what supervisorctl does with reloadConfig and the group calls.
 */
#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "group.h"
#include "process.h"
#include "rpc.h"
#include "server.h"
#include "update.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* The reply: [{name, action}] in the order things were done. */
static void
rpc_update_done(int fault, const struct update_line *lines, int n, void *arg)
{
	struct rpc_call	*c = arg;
	struct evbuffer	*b;
	int		 i;

	rpc_call_set_cancel(c, NULL, NULL);
	if (fault != 0)
		rpc_fault(c, fault, NULL);
	else {
		b = rpc_result(c);
		xr_encode_array_begin(b);
		for (i = 0; i < n; i++) {
			xr_encode_struct_begin(b);
			xr_encode_member_begin(b, "name");
			xr_encode_string(b, lines[i].name);
			xr_encode_member_end(b);
			xr_encode_member_begin(b, "action");
			xr_encode_string(b, lines[i].action);
			xr_encode_member_end(b);
			xr_encode_struct_end(b);
		}
		xr_encode_array_end(b);
		rpc_done(c);
	}
	rpc_call_unref(c);
}

/* The client left: the update goes on, nobody hears of it. */
static void
rpc_update_cancel(struct rpc_call *c, void *arg)
{
	update_forget(c);
	rpc_call_unref(c);
}

static void
rpc_update_wait(struct rpc_call *c)
{
	rpc_call_ref(c);
	rpc_call_set_cancel(c, rpc_update_cancel, c);
}

/* The group names of an optional array argument; NULL (all) if none. */
static char **
rpc_update_names(struct rpc_call *c, struct xr_value **argv, int argc,
    int *n)
{
	const struct xr_value	 *a;
	char			**names;
	const char		 *s;
	size_t			  i;

	*n = 0;
	if (argc == 0 || (argv[0]->type == XR_ARRAY && argv[0]->u.a.n == 0))
		return (NULL);
	a = argv[0];
	if (a->type != XR_ARRAY) {
		rpc_fault(c, FAULT_INCORRECT_PARAMETERS, "expected an array "
		    "of group names");
		return ((char **)-1);
	}
	names = xcalloc(a->u.a.n + 1, sizeof *names);
	for (i = 0; i < a->u.a.n; i++) {
		if (rpc_arg_string(c, a->u.a.items[i], &s) != 0) {
			free(names);
			return ((char **)-1);
		}
		names[(*n)++] = (char *)s;
	}
	return (names);
}

static void
rpc_update_update(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct config	 *cf;
	char		**errors, **names;
	int		  nerrors, n;

	if ((names = rpc_update_names(c, argv, argc, &n)) == (char **)-1)
		return;
	if ((cf = rpc_load_config(&errors, &nerrors)) == NULL) {
		rpc_fault(c, FAULT_CANT_REREAD, nerrors > 0 ? errors[0] :
		    "unknown error");
		config_free_errors(errors, nerrors);
		free(names);
		return;
	}
	server_set_config(cf);
	if (update_config(cf, names, n, rpc_update_done, c) != 0)
		rpc_fault(c, FAULT_FAILED, "another update is under way");
	else
		rpc_update_wait(c);
	free(names);
}

/* A group of one program's processes, named after it. */
static int
rpc_update_scalable(const struct group *g)
{
	int	i;

	if (g->config->kind == GROUP_LISTENER)
		return (0);
	for (i = 0; i < g->nprocs; i++) {
		if (strcmp(g->procs[i]->config->program, g->config->name) != 0)
			return (0);
	}
	return (1);
}

/* Members the scaled config keeps must be as they run now. */
static int
rpc_update_same_members(const struct group *g, const struct group_config *gc)
{
	struct process	*p;
	int		 i;

	if (!config_group_members_only(g->config, gc))
		return (0);
	for (i = 0; i < gc->nprocs; i++) {
		p = group_find_process(g, gc->procs[i]->name);
		if (p != NULL && !config_process_equal(p->config, gc->procs[i]))
			return (0);
	}
	return (1);
}

/*
 * The program's section read again with numprocs n; a fault and NULL
 * when it cannot be. Caller frees.
 */
static struct config *
rpc_update_scaled_config(struct rpc_call *c, const char *name, int n)
{
	struct config	 *cf;
	char		**errors;
	int		  nerrors;

	config_override_numprocs(name, n);
	cf = rpc_load_config(&errors, &nerrors);
	config_override_numprocs(NULL, 0);
	if (cf != NULL)
		return (cf);
	if (nerrors > 0 && strstr(errors[0], "%(process_num)") != NULL)
		rpc_fault(c, FAULT_BAD_ARGUMENTS, errors[0]);
	else
		rpc_fault(c, FAULT_CANT_REREAD, nerrors > 0 ? errors[0] :
		    "unknown error");
	config_free_errors(errors, nerrors);
	return (NULL);
}

static void
rpc_update_scale(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct group		*g;
	struct group_config	*gc;
	struct config		*cf;
	const char		*name;
	long long		 n;

	if (rpc_arg_string(c, argv[0], &name) != 0 ||
	    rpc_arg_int(c, argv[1], &n) != 0)
		return;
	if ((g = group_find(name)) == NULL || !rpc_update_scalable(g)) {
		rpc_fault(c, FAULT_BAD_NAME, name);
		return;
	}
	if (n < 1 || n > 100000) {
		rpc_faultf(c, FAULT_BAD_ARGUMENTS, "numprocs must be between "
		    "1 and 100000, not %lld", n);
		return;
	}
	if ((cf = rpc_update_scaled_config(c, name, (int)n)) == NULL)
		return;
	if ((gc = config_find_group(cf, name)) == NULL) {
		rpc_faultf(c, FAULT_BAD_NAME, "%s (no longer in the "
		    "configuration file)", name);
	} else if (!rpc_update_same_members(g, gc)) {
		rpc_fault(c, FAULT_FAILED, "the program's settings in the "
		    "configuration file changed; run update first");
	} else if (update_group(cf, gc, rpc_update_done, c) != 0)
		rpc_fault(c, FAULT_FAILED, "another update is under way");
	else
		rpc_update_wait(c);
	config_free(cf);
}

const struct rpc_method rpc_update_methods[] = {
	{ "supd.update", rpc_update_update, 0, 1, RPC_CHECK_STATE,
	  "array array",
	  "Read the configuration file again and apply it: groups added and\n"
	  "removed whole; in a changed group only the processes whose settings\n"
	  "changed restart, and only added or removed ones start or stop.\n"
	  "Answers when it is done. Supervisor has no such method.\n\n"
	  "@param array names  Only these groups (optional; empty or absent:\n"
	  "    all).\n"
	  "@return array result  [{string name, string action}] in order." },
	{ "supd.scale", rpc_update_scale, 2, 2, RPC_CHECK_STATE,
	  "array string int",
	  "Change a program's numprocs while it runs: new processes start,\n"
	  "removed ones stop one after another, highest process_num first,\n"
	  "and leave. The next update sets numprocs back to the file's.\n\n"
	  "@param string name  The program (its group).\n"
	  "@param int n  The number of processes.\n"
	  "@return array result  [{string name, string action}] in order." },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};
