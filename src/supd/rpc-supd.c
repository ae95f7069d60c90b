/*
 * supd's own process calls, for what Supervisor has no word for:
 * getProcessInfo with readiness, health, restarts and resource use, and
 * rolling restarts. The supervisor namespace keeps Supervisor's keys
 * exactly; these add theirs after them.
 *
 * Resource figures come from the shared sample (usage.c): a call takes
 * the latest one when it is younger than RPC_SUPD_USAGE_AGE and holds the
 * pids asked for, and otherwise makes one scan for all of them.
 */
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "group.h"
#include "procinfo.h"
#include "process.h"
#include "rolling.h"
#include "rpc.h"
#include "rpc-out.h"
#include "rpc-process.h"
#include "rpc-supervisor.h"
#include "usage.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* Seconds a resource sample may be old when an info call reuses it. */
#define RPC_SUPD_USAGE_AGE	1.0

/* A rolling restart a call waits for. */
struct rpc_supd_roll {
	struct rpc_call	 *call;
	struct rolling	 *roll;
	int		  step;		/* answer the names of one batch */
	char		**names;	/* the members, in roll order */
	int		  nnames;
};

#define RPC_SUPD_MEMBER(o, name) rpc_out_member_begin(o, name)

static void
rpc_supd_double(struct rpc_out *o, double v)
{
	char	buf[64];
	int	n;

	n = snprintf(buf, sizeof buf, "<value><double>%.6f</double></value>\n",
	    v);
	rpc_out_raw(o, buf, n);
}

/* supd's keys after Supervisor's, for a process whose tree was sampled. */
static void
rpc_supd_info(struct rpc_out *o, const struct process *p, double now)
{
	struct proctree_sample	  s;
	const char		**deps;
	int			  ndeps, i;

	if (p->pid == 0 || usage_get(p->pid, &s) != 0)
		memset(&s, 0, sizeof s);
	rpc_out_struct_begin(o);
	rpc_supervisor_info_members(o, p, now);
	RPC_SUPD_MEMBER(o, "ready");
	rpc_out_bool(o, procinfo_ready(p));
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "health");
	rpc_out_cstring(o, procinfo_health_name(procinfo_health(p)));
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "health_failures");
	rpc_out_int(o, procinfo_health_failures(p));
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "last_check");
	rpc_out_cstring(o, procinfo_last_check(p));
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "restarts");
	rpc_out_int(o, procinfo_restarts(p));
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "rss");
	rpc_out_int(o, (long long)s.rss_bytes);
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "cpu");
	rpc_supd_double(o, s.cpu_seconds);
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "depends_on");
	rpc_out_lit(o, "<value><array><data>\n");
	deps = procinfo_depends_on(p, &ndeps);
	for (i = 0; i < ndeps; i++)
		rpc_out_cstring(o, deps[i]);
	free(deps);
	rpc_out_lit(o, "</data></array></value>\n");
	rpc_out_member_end(o);
	RPC_SUPD_MEMBER(o, "status_text");
	rpc_out_cstring(o, procinfo_status_text(p));
	rpc_out_member_end(o);
	rpc_out_struct_end(o);
}

static void
rpc_supd_process_info(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct process	*p;
	struct rpc_out	 o;

	if ((p = rpc_process_find(c, argv[0])) == NULL)
		return;
	if (p->pid != 0)
		usage_refresh(&p->pid, 1, RPC_SUPD_USAGE_AGE);
	rpc_out_init(&o, 2048);
	rpc_supd_info(&o, p, process_now());
	rpc_out_flush(&o, rpc_result(c));
	rpc_done(c);
}

/* One scan for every live process, unless the latest sample will do. */
static void
rpc_supd_sample_all(void)
{
	struct group	**groups;
	pid_t		 *pids = NULL;
	int		  n, i, j, np = 0;

	groups = group_all(&n);
	for (i = 0; i < n; i++) {
		pids = xreallocarray(pids, np + groups[i]->nprocs + 1,
		    sizeof *pids);
		for (j = 0; j < groups[i]->nprocs; j++) {
			if (groups[i]->procs[j]->pid != 0)
				pids[np++] = groups[i]->procs[j]->pid;
		}
	}
	if (np > 0)
		usage_refresh(pids, np, RPC_SUPD_USAGE_AGE);
	free(pids);
}

static void
rpc_supd_all_process_info(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	rpc_supd_sample_all();
	rpc_supervisor_each_process(c, 1792, rpc_supd_info);
}

/* -------------------------------------------------------------------- */
/* Rolling restarts.                                                     */

static void
rpc_supd_roll_free(struct rpc_supd_roll *w)
{
	int	i;

	for (i = 0; i < w->nnames; i++)
		free(w->names[i]);
	free(w->names);
	free(w);
}

static void
rpc_supd_roll_reply(struct rpc_supd_roll *w, struct process *failed)
{
	struct evbuffer	*b;
	int		 i;

	if (failed != NULL) {
		rpc_faultf(w->call, FAULT_FAILED, "%s did not come back (%s)",
		    failed->namespec, process_state_name(failed->state));
		return;
	}
	if (!w->step) {
		rpc_return_bool(w->call, 1);
		return;
	}
	b = rpc_result(w->call);
	xr_encode_array_begin(b);
	for (i = 0; i < w->nnames; i++)
		xr_encode_string(b, w->names[i]);
	xr_encode_array_end(b);
	rpc_done(w->call);
}

static void
rpc_supd_roll_done(struct process *failed, void *arg)
{
	struct rpc_supd_roll	*w = arg;
	struct rpc_call		*c = w->call;

	rpc_supd_roll_reply(w, failed);
	rpc_call_set_cancel(c, NULL, NULL);
	rpc_supd_roll_free(w);
	rpc_call_unref(c);
}

/* The client left: the members taken down still come back; no more go. */
static void
rpc_supd_roll_cancel(struct rpc_call *c, void *arg)
{
	struct rpc_supd_roll	*w = arg;

	rolling_cancel(w->roll);
	rpc_supd_roll_free(w);
	rpc_call_unref(c);
}

/*
 * The group a roll names: "g", "g:*" or "g:". NULL after a BAD_NAME
 * fault.
 */
static struct group *
rpc_supd_roll_group(struct rpc_call *c, const char *name)
{
	struct group	*g;
	struct process	*p;

	if (strchr(name, ':') == NULL && (g = group_find(name)) != NULL)
		return (g);
	if (group_lookup(name, &g, &p) != 0 || p != NULL) {
		rpc_fault(c, FAULT_BAD_NAME, name);
		return (NULL);
	}
	return (g);
}

/*
 * supd.rollingRestart(name, batch=1[, first]): restart the group's
 * members batch at a time and answer true when all are back, or FAILED
 * naming the first that was not. With first, only the batch that starts
 * at member first (0-based, in roll order) is restarted and the answer is
 * the list of members restarted, empty past the end: supctl rolls that
 * way to show each step as it happens.
 */
static void
rpc_supd_rolling_restart(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	struct rpc_supd_roll	 *w;
	struct process		**members;
	struct group		 *g;
	const char		 *name;
	long long		  batch = 1, first = 0;
	int			  n, i, step = argc > 2;

	if (rpc_arg_string(c, argv[0], &name) != 0 ||
	    (argc > 1 && rpc_arg_int(c, argv[1], &batch) != 0) ||
	    (step && rpc_arg_int(c, argv[2], &first) != 0))
		return;
	if (batch < 1 || first < 0) {
		rpc_fault(c, FAULT_BAD_ARGUMENTS, "batch must be at least 1 "
		    "and first at least 0");
		return;
	}
	if ((g = rpc_supd_roll_group(c, name)) == NULL)
		return;
	members = rolling_members(g, &n);
	if (step) {
		if (first > n)
			first = n;
		n = first + batch < n ? (int)(first + batch) - (int)first :
		    n - (int)first;
	}
	if (n == 0) {
		free(members);
		if (step) {
			xr_encode_array_begin(rpc_result(c));
			xr_encode_array_end(rpc_result(c));
			rpc_done(c);
		} else
			rpc_return_bool(c, 1);
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->call = c;
	w->step = step;
	/* A step's answer lists its members in roll order, all back. */
	w->names = xcalloc(n, sizeof *w->names);
	for (i = 0; i < n; i++)
		w->names[i] = xstrdup(members[first + i]->namespec);
	w->nnames = n;
	rpc_call_ref(c);
	rpc_call_set_cancel(c, rpc_supd_roll_cancel, w);
	w->roll = rolling_start(members + first, n, (int)batch, NULL,
	    rpc_supd_roll_done, w);
	free(members);
}

#define S RPC_CHECK_STATE
const struct rpc_method rpc_supd_process_methods[] = {
	{ "supd.getProcessInfo", rpc_supd_process_info, 1, 1, S,
	  "struct string",
	  "Supervisor's getProcessInfo plus supd's keys: ready, health,\n"
	  "health_failures, last_check, restarts, rss, cpu, depends_on,\n"
	  "status_text.\n\n"
	  "@param string name  The process (or 'group:name').\n"
	  "@return struct result  A structure of process information." },
	{ "supd.getAllProcessInfo", rpc_supd_all_process_info, 0, 0, S,
	  "array",
	  "supd.getProcessInfo for every process, in getAllProcessInfo's\n"
	  "order.\n\n"
	  "@return array result  An array of process structures." },
	{ "supd.rollingRestart", rpc_supd_rolling_restart, 1, 3, S,
	  "boolean string int",
	  "Restart a group's members batch at a time, in process_num order;\n"
	  "each batch must be back (RUNNING, ready, not unhealthy) before\n"
	  "the next goes down. Fails with FAILED naming a member that did\n"
	  "not come back; the members after it are left running.\n\n"
	  "@param string name  The group ('g' or 'g:*').\n"
	  "@param int batch  Members restarted at once (default 1).\n"
	  "@param int first  Optional: restart only the batch that starts\n"
	  "    at this member and answer its members' names instead.\n"
	  "@return boolean result  True when every member is back." },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};
#undef S
