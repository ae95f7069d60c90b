/*
 * Starting, stopping and signalling processes over XML-RPC, with
 * Supervisor's checks, result lists and waits.
 *
 * Supervisor answers a waiting call by polling a callback every 50 ms
 * until the process has settled. Here a call that must wait becomes a
 * batch: the processes it waits for are indexed by process, and one
 * process observer decides each outcome at the state change that settles
 * it (RUNNING, a spawn error or an abnormal end for a start; a stopped
 * state for a stop). When nothing is left pending, the batch answers.
 *
 * Result lists keep Supervisor's order: the processes settled at once, in
 * start order, then those that were waited for. Supervisor appends the
 * latter as its polls find them done, and a poll usually finds several;
 * they are given in start order too, so replies do not depend on which
 * child the kernel reaped first.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "deps-run.h"
#include "group.h"
#include "hmap.h"
#include "log.h"
#include "process.h"
#include "rpc.h"
#include "rpc-out.h"
#include "rpc-process.h"
#include "server.h"
#include "spawn.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* Seconds between "waiting for x to stop" lines, as Supervisor. */
#define RPC_STOP_REPORT_SECS	2

enum rpc_wait_kind {
	RPC_WAIT_START,
	RPC_WAIT_STOP,
};

/* One entry of a result list. */
struct rpc_status {
	char	*name;
	char	*group;
	int	 code;		/* FAULT_SUCCESS or a fault */
	char	*extra;		/* the fault's text after "NAME: " */
	int	 late;		/* settled after waiting */
	int	 index;		/* start order */
};

struct rpc_batch;

/* A process a batch waits for; chained with other batches' waits on it. */
struct rpc_wait {
	struct rpc_batch	*batch;
	struct process		*proc;
	char			*namespec;	/* as faults name it */
	int			 index;
	struct rpc_wait		*next;
};

struct rpc_batch {
	struct rpc_call		 *call;
	enum rpc_wait_kind	  kind;
	int			  single;	/* answer True or a fault */
	struct rpc_status	 *st;
	int			  nst;
	struct rpc_wait		**waits;
	int			  nwaits;
	int			  npending;
	int			  settled;	/* the handler is done */
	struct event		 *report;
};

/* Process (as an integer key) to the first wait on it. */
static struct hmap	rpc_process_waits;
static int		rpc_process_nwaits;

static int
rpc_process_is_running(enum process_state s)
{
	return (process_is_running_state(s));
}

static int
rpc_process_is_signallable(enum process_state s)
{
	return (s == PROCESS_RUNNING || s == PROCESS_STARTING ||
	    s == PROCESS_STOPPING);
}

static int64_t
rpc_process_key(const struct process *p)
{
	return ((int64_t)(intptr_t)p);
}

/* -------------------------------------------------------------------- */
/* Batches.                                                              */

static struct rpc_batch *
rpc_process_batch_new(struct rpc_call *c, enum rpc_wait_kind kind,
    int single)
{
	struct rpc_batch	*b;

	b = xcalloc(1, sizeof *b);
	b->call = c;
	b->kind = kind;
	b->single = single;
	return (b);
}

static void
rpc_process_batch_free(struct rpc_batch *b)
{
	int	i;

	for (i = 0; i < b->nst; i++) {
		free(b->st[i].name);
		free(b->st[i].group);
		free(b->st[i].extra);
	}
	free(b->st);
	for (i = 0; i < b->nwaits; i++) {
		process_unref(b->waits[i]->proc);
		free(b->waits[i]->namespec);
		free(b->waits[i]);
	}
	free(b->waits);
	if (b->report != NULL)
		event_free(b->report);
	free(b);
}

/* Record an outcome; extra is copied (NULL for none). */
static void
rpc_process_batch_status(struct rpc_batch *b, const struct process *p,
    const char *group, int code, const char *extra, int late, int index)
{
	struct rpc_status	*st;

	b->st = xreallocarray(b->st, b->nst + 1, sizeof *b->st);
	st = &b->st[b->nst++];
	st->name = xstrdup(p->config->name);
	st->group = xstrdup(group);
	st->code = code;
	st->extra = extra != NULL ? xstrdup(extra) : NULL;
	st->late = late;
	st->index = index;
}

static void
rpc_process_batch_wait(struct rpc_batch *b, struct process *p,
    const char *namespec, int index)
{
	struct rpc_wait	*w;

	w = xcalloc(1, sizeof *w);
	w->batch = b;
	w->proc = p;
	process_ref(p);
	w->namespec = xstrdup(namespec);
	w->index = index;
	w->next = hmap_get_int(&rpc_process_waits, rpc_process_key(p));
	hmap_put_int(&rpc_process_waits, rpc_process_key(p), w);
	b->waits = xreallocarray(b->waits, b->nwaits + 1, sizeof *b->waits);
	b->waits[b->nwaits++] = w;
	b->npending++;
	rpc_process_nwaits++;
}

/* Take w off its process's chain. */
static void
rpc_process_batch_unchain(struct rpc_wait *w)
{
	struct rpc_wait	*head, **pp;
	int64_t		 key = rpc_process_key(w->proc);

	head = hmap_get_int(&rpc_process_waits, key);
	for (pp = &head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	if (head == NULL)
		hmap_del_int(&rpc_process_waits, key);
	else
		hmap_put_int(&rpc_process_waits, key, head);
	w->next = NULL;
	rpc_process_nwaits--;
}

static int
rpc_process_status_cmp(const void *a, const void *b)
{
	const struct rpc_status	*x = a, *y = b;

	if (x->late != y->late)
		return (x->late - y->late);
	return (x->index - y->index);
}

/* Answer: True or the fault of the only process, or the result list. */
static void
rpc_process_batch_reply(struct rpc_batch *b)
{
	struct evbuffer	*buf;
	int		 i;

	if (b->single) {
		if (b->nst == 1 && b->st[0].code != FAULT_SUCCESS)
			rpc_fault(b->call, b->st[0].code, b->st[0].extra);
		else
			rpc_return_bool(b->call, 1);
		return;
	}
	if (b->nst > 1)
		qsort(b->st, b->nst, sizeof *b->st, rpc_process_status_cmp);
	buf = rpc_result(b->call);
	xr_encode_array_begin(buf);
	for (i = 0; i < b->nst; i++)
		rpc_out_status(buf, b->st[i].name, b->st[i].group,
		    b->st[i].code, b->st[i].extra);
	xr_encode_array_end(buf);
	rpc_done(b->call);
}

static void
rpc_process_batch_complete(struct rpc_batch *b)
{
	struct rpc_call	*c = b->call;

	rpc_process_batch_reply(b);
	rpc_call_set_cancel(c, NULL, NULL);
	rpc_process_batch_free(b);
	rpc_call_unref(c);
}

/* The client left: forget the waits, answer nothing. */
static void
rpc_process_batch_cancel(struct rpc_call *c, void *arg)
{
	struct rpc_batch	*b = arg;
	int			 i;

	for (i = 0; i < b->nwaits; i++) {
		if (b->waits[i]->batch != NULL)
			rpc_process_batch_unchain(b->waits[i]);
	}
	rpc_process_batch_free(b);
	rpc_call_unref(c);
}

/* Supervisor's stop_report(), for the processes a stop still waits for. */
static void
rpc_process_batch_report(struct rpc_batch *b)
{
	struct timeval	tv = { RPC_STOP_REPORT_SECS, 0 };
	int		i;

	for (i = 0; i < b->nwaits; i++) {
		if (b->waits[i]->batch != NULL &&
		    b->waits[i]->proc->state == PROCESS_STOPPING)
			log_info("waiting for %s to stop",
			    b->waits[i]->proc->config->name);
	}
	evtimer_add(b->report, &tv);
}

static void
rpc_process_batch_report_cb(evutil_socket_t fd, short what, void *arg)
{
	rpc_process_batch_report(arg);
}

/* Answer now if nothing is pending; otherwise keep the call. */
static void
rpc_process_batch_settle(struct rpc_batch *b)
{
	b->settled = 1;
	if (b->npending == 0) {
		rpc_process_batch_reply(b);
		rpc_process_batch_free(b);
		return;
	}
	rpc_call_ref(b->call);
	rpc_call_set_cancel(b->call, rpc_process_batch_cancel, b);
	if (b->kind == RPC_WAIT_STOP) {
		b->report = evtimer_new(server_base, rpc_process_batch_report_cb, b);
		rpc_process_batch_report(b);
	}
}

/*
 * Whether a waited-for process has settled, and how: Supervisor's onwait
 * callbacks of startProcess and stopProcess.
 */
static int
rpc_process_wait_outcome(const struct rpc_wait *w, int *code)
{
	const struct process	*p = w->proc;

	if (w->batch->kind == RPC_WAIT_STOP) {
		*code = FAULT_SUCCESS;
		return (process_is_stopped_state(p->state));
	}
	if (p->spawnerr != NULL) {
		*code = FAULT_SPAWN_ERROR;
		return (1);
	}
	if (p->state != PROCESS_STARTING && p->state != PROCESS_RUNNING) {
		*code = FAULT_ABNORMAL_TERMINATION;
		return (1);
	}
	*code = FAULT_SUCCESS;
	return (p->state == PROCESS_RUNNING);
}

static void
rpc_process_observer(struct process *p, enum process_state old, void *arg)
{
	struct rpc_wait		*w, *next;
	struct rpc_batch	*b;
	int			 code;

	if (rpc_process_nwaits == 0)
		return;
	w = hmap_get_int(&rpc_process_waits, rpc_process_key(p));
	for (; w != NULL; w = next) {
		next = w->next;
		if (!rpc_process_wait_outcome(w, &code))
			continue;
		b = w->batch;
		rpc_process_batch_unchain(w);
		w->batch = NULL;
		rpc_process_batch_status(b, p, p->dead ? "" : p->group->config->name,
		    code, code == FAULT_SUCCESS ? NULL : w->namespec, 1, w->index);
		if (--b->npending == 0 && b->settled)
			rpc_process_batch_complete(b);
	}
}

/*
 * A start held back by depends_on will not happen (a dependency went
 * FATAL or was stopped, the group was removed): the process stays as it
 * was, so no state change answers the calls waiting for it; this does.
 */
static void
rpc_process_deps_cancel(struct process *p, int code, const char *cause,
    void *arg)
{
	struct rpc_wait		*w, *next;
	struct rpc_batch	*b;
	char			*extra;

	if (rpc_process_nwaits == 0)
		return;
	w = hmap_get_int(&rpc_process_waits, rpc_process_key(p));
	for (; w != NULL; w = next) {
		next = w->next;
		if (w->batch->kind != RPC_WAIT_START)
			continue;
		b = w->batch;
		rpc_process_batch_unchain(w);
		w->batch = NULL;
		xasprintf(&extra, "%s: %s", w->namespec, cause);
		rpc_process_batch_status(b, p, p->dead ? "" :
		    p->group->config->name, code, extra, 1, w->index);
		free(extra);
		if (--b->npending == 0 && b->settled)
			rpc_process_batch_complete(b);
	}
}

/* Index waits by process and watch every state change. */
void
rpc_process_init(void)
{
	hmap_init(&rpc_process_waits);
	process_add_observer(rpc_process_observer, NULL);
	deps_run_set_cancel(rpc_process_deps_cancel, NULL);
}

/* The process a namespec names; BAD_NAME for none or a whole group. */
struct process *
rpc_process_find(struct rpc_call *c, const struct xr_value *v)
{
	struct group	*g;
	struct process	*p;
	const char	*name;

	if (rpc_arg_string(c, v, &name) != 0)
		return (NULL);
	if (group_lookup(name, &g, &p) != 0 || p == NULL) {
		rpc_fault(c, FAULT_BAD_NAME, name);
		return (NULL);
	}
	return (p);
}

/* -------------------------------------------------------------------- */
/* One process.                                                          */

/*
 * Supervisor's startProcess for one process: check the command first (a
 * spawn that is sure to fail is not tried), then spawn. Returns 1 if the
 * caller must wait, else 0 with *code and *extra (caller frees).
 *
 * With depends_on, what the process needs is started first and the
 * process itself once that is up: the call returns at once without
 * wait, or, with wait, when the process is RUNNING, as any start. A
 * dependency that is (or goes) FATAL fails it with SPAWN_ERROR.
 */
static int
rpc_process_start_one(struct process *p, const char *namespec, int wait,
    int *code, char **extra)
{
	char			*cause = NULL;

	*code = FAULT_SUCCESS;
	*extra = NULL;
	if (spawn_check_command(p->config, &cause) != 0) {
		*code = strncmp(cause, "can't find command", 18) == 0 ?
		    FAULT_NO_FILE : FAULT_NOT_EXECUTABLE;
		*extra = cause;
		return (0);
	}
	if (process_is_running_state(p->state)) {
		*code = FAULT_ALREADY_STARTED;
		*extra = xstrdup(namespec);
		return (0);
	}
	if (p->state == PROCESS_UNKNOWN) {
		*code = FAULT_FAILED;
		xasprintf(extra, "%s is in an unknown process state", namespec);
		return (0);
	}
	switch (deps_run_start(p, &cause)) {
	case DEPS_RUN_FAILED:
		*code = FAULT_SPAWN_ERROR;
		xasprintf(extra, "%s: %s", namespec, cause);
		free(cause);
		return (0);
	case DEPS_RUN_QUEUED:
		return (wait);
	case DEPS_RUN_NOW:
		break;
	}
	process_spawn(p);
	if (p->spawnerr != NULL) {
		*code = FAULT_SPAWN_ERROR;
		*extra = xstrdup(namespec);
		return (0);
	}
	if (!wait || p->state == PROCESS_RUNNING)
		return (0);
	/*
	 * Not spawned because it is still STOPPING: Supervisor's first poll
	 * finds it neither starting nor running.
	 */
	if (p->state != PROCESS_STARTING) {
		*code = FAULT_ABNORMAL_TERMINATION;
		*extra = xstrdup(namespec);
		return (0);
	}
	return (1);
}

/*
 * Supervisor's stopProcess for one process. A start waiting for its
 * dependencies is forgotten (and the stop succeeds); a process others
 * depend on gets its stop signal once they have stopped, which this
 * stop sets going.
 */
static int
rpc_process_stop_one(struct process *p, const char *namespec, int wait,
    int alone, int *code, char **extra)
{
	const char	*msg;

	*code = FAULT_SUCCESS;
	*extra = NULL;
	if (!process_is_running_state(p->state)) {
		if (deps_run_cancel(p))
			return (0);
		*code = FAULT_NOT_RUNNING;
		*extra = xstrdup(namespec);
		return (0);
	}
	if (deps_run_stop(p, alone))
		return (wait && !process_is_stopped_state(p->state));
	if ((msg = process_stop(p)) != NULL) {
		*code = FAULT_FAILED;
		*extra = xstrdup(msg);
		return (0);
	}
	return (wait && !process_is_stopped_state(p->state));
}

/*
 * datatypes.signal_number(): int() of the value if it has one, else a
 * name with or without "SIG". -1 if neither names a signal.
 */
static int
rpc_process_signal_number(const struct xr_value *v)
{
	char	buf[32];

	switch (v->type) {
	case XR_INT:
		snprintf(buf, sizeof buf, "%lld", v->u.i);
		return (config_signal_number(buf));
	case XR_BOOL:
		return (config_signal_number(v->u.b ? "1" : "0"));
	case XR_DOUBLE:
		if (v->u.d > -1e9 && v->u.d < 1e9) {
			snprintf(buf, sizeof buf, "%lld", (long long)v->u.d);
			return (config_signal_number(buf));
		}
		return (-1);
	case XR_STRING:
	case XR_BASE64:
		return (config_signal_number(v->u.s.ptr));
	default:
		return (-1);
	}
}

/* Supervisor's signalProcess for one process; never waits. */
static void
rpc_process_signal_one(struct process *p, const char *namespec, int sig,
    const char *sigtext, int *code, char **extra)
{
	const char	*msg;

	*code = FAULT_SUCCESS;
	*extra = NULL;
	if (sig == -1) {
		*code = FAULT_BAD_SIGNAL;
		*extra = xstrdup(sigtext);
	} else if (!rpc_process_is_signallable(p->state)) {
		*code = FAULT_NOT_RUNNING;
		*extra = xstrdup(namespec);
	} else if ((msg = process_signal(p, sig)) != NULL) {
		*code = FAULT_FAILED;
		*extra = xstrdup(msg);
	}
}

/* -------------------------------------------------------------------- */
/* Lists of processes (Supervisor's make_allfunc).                       */

enum rpc_action {
	RPC_START,
	RPC_STOP,
	RPC_SIGNAL,
};

struct rpc_list {
	enum rpc_action	 action;
	int		 wait;
	int		 sig;
	char		*sigtext;
	struct rpc_batch *batch;
	int		 index;
};

/* Act on one process of a list if its state calls for it. */
static void
rpc_process_list_one(struct rpc_list *l, struct group *g, struct process *p)
{
	char	*namespec, *extra;
	int	 code, waits = 0;

	switch (l->action) {
	case RPC_START:
		if (rpc_process_is_running(p->state))
			return;
		break;
	case RPC_STOP:
		if (!rpc_process_is_running(p->state)) {
			deps_run_cancel(p);
			return;
		}
		break;
	case RPC_SIGNAL:
		if (!rpc_process_is_signallable(p->state))
			return;
		break;
	}
	namespec = rpc_namespec(g->config->name, p->config->name);
	if (l->action == RPC_START)
		waits = rpc_process_start_one(p, namespec, l->wait, &code,
		    &extra);
	else if (l->action == RPC_STOP)
		waits = rpc_process_stop_one(p, namespec, l->wait, 0, &code,
		    &extra);
	else
		rpc_process_signal_one(p, namespec, l->sig, l->sigtext, &code,
		    &extra);
	if (waits)
		rpc_process_batch_wait(l->batch, p, namespec, l->index);
	else
		rpc_process_batch_status(l->batch, p, g->config->name, code, extra, 0,
		    l->index);
	l->index++;
	free(extra);
	free(namespec);
}

static void
rpc_process_list_group(struct rpc_list *l, struct group *g)
{
	struct process	**procs;
	int		  i;

	procs = group_by_priority(g);
	for (i = 0; i < g->nprocs; i++)
		rpc_process_list_one(l, g, procs[i]);
	free(procs);
}

/* Run the action over one group (g) or all of them (g NULL). */
static void
rpc_process_list(struct rpc_call *c, struct group *g, enum rpc_action action,
    int wait, const struct xr_value *sigv)
{
	struct rpc_list	  l;
	struct group	**all;
	int		  n, i;

	memset(&l, 0, sizeof l);
	l.action = action;
	l.wait = wait;
	if (sigv != NULL) {
		l.sig = rpc_process_signal_number(sigv);
		l.sigtext = rpc_str(sigv);
	}
	l.batch = rpc_process_batch_new(c, action == RPC_STOP ? RPC_WAIT_STOP :
	    RPC_WAIT_START, 0);
	if (g != NULL)
		rpc_process_list_group(&l, g);
	else if (action != RPC_SIGNAL &&
	    (all = deps_run_order(action == RPC_STOP, &n)) != NULL) {
		/* Dependencies first to start, dependents first to stop. */
		for (i = 0; i < n; i++)
			rpc_process_list_group(&l, all[i]);
		free(all);
	} else {
		all = group_all(&n);
		for (i = 0; i < n; i++)
			rpc_process_list_group(&l, all[i]);
	}
	free(l.sigtext);
	rpc_process_batch_settle(l.batch);
}

/* The group named by a group-name argument, or BAD_NAME. */
static struct group *
rpc_process_group_arg(struct rpc_call *c, const struct xr_value *v)
{
	const char	*name;
	struct group	*g;

	if (rpc_arg_string(c, v, &name) != 0)
		return (NULL);
	if ((g = group_find(name)) == NULL)
		rpc_fault(c, FAULT_BAD_NAME, name);
	return (g);
}

/*
 * The group or process a namespec names: 0 and *p (NULL for a whole
 * group), or -1 after BAD_NAME.
 */
static int
rpc_process_lookup(struct rpc_call *c, const struct xr_value *v,
    struct group **g, struct process **p)
{
	const char	*name;

	if (rpc_arg_string(c, v, &name) != 0)
		return (-1);
	if (group_lookup(name, g, p) != 0) {
		rpc_fault(c, FAULT_BAD_NAME, name);
		return (-1);
	}
	return (0);
}

/* -------------------------------------------------------------------- */
/* Handlers.                                                             */

/* startProcess(name, wait=True); "group:*" starts the group. */
static void
rpc_process_start(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct rpc_batch	*b;
	struct group		*g;
	struct process		*p;
	char			*extra;
	int			 wait, code;

	wait = argc < 2 || rpc_truth(argv[1]);
	if (rpc_process_lookup(c, argv[0], &g, &p) != 0)
		return;
	if (p == NULL) {
		rpc_process_list(c, g, RPC_START, wait, NULL);
		return;
	}
	b = rpc_process_batch_new(c, RPC_WAIT_START, 1);
	if (rpc_process_start_one(p, argv[0]->u.s.ptr, wait, &code, &extra))
		rpc_process_batch_wait(b, p, argv[0]->u.s.ptr, 0);
	else
		rpc_process_batch_status(b, p, g->config->name, code, extra, 0, 0);
	free(extra);
	rpc_process_batch_settle(b);
}

/* startProcessGroup(name, wait=True). */
static void
rpc_process_start_group(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct group	*g;

	if ((g = rpc_process_group_arg(c, argv[0])) != NULL)
		rpc_process_list(c, g, RPC_START, argc < 2 ||
		    rpc_truth(argv[1]), NULL);
}

/* startAllProcesses(wait=True), in priority order. */
static void
rpc_process_start_all(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_process_list(c, NULL, RPC_START, argc < 1 || rpc_truth(argv[0]),
	    NULL);
}

/* stopProcess(name, wait=True); "group:*" stops the group. */
static void
rpc_process_stop(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct rpc_batch	*b;
	struct group		*g;
	struct process		*p;
	char			*extra;
	int			 wait, code;

	wait = argc < 2 || rpc_truth(argv[1]);
	if (rpc_process_lookup(c, argv[0], &g, &p) != 0)
		return;
	if (p == NULL) {
		rpc_process_list(c, g, RPC_STOP, wait, NULL);
		return;
	}
	b = rpc_process_batch_new(c, RPC_WAIT_STOP, 1);
	if (rpc_process_stop_one(p, argv[0]->u.s.ptr, wait, 1, &code, &extra))
		rpc_process_batch_wait(b, p, argv[0]->u.s.ptr, 0);
	else
		rpc_process_batch_status(b, p, g->config->name, code, extra, 0, 0);
	free(extra);
	rpc_process_batch_settle(b);
}

/* stopProcessGroup(name, wait=True). */
static void
rpc_process_stop_group(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct group	*g;

	if ((g = rpc_process_group_arg(c, argv[0])) != NULL)
		rpc_process_list(c, g, RPC_STOP, argc < 2 ||
		    rpc_truth(argv[1]), NULL);
}

/* stopAllProcesses(wait=True), in priority order as Supervisor. */
static void
rpc_process_stop_all(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_process_list(c, NULL, RPC_STOP, argc < 1 || rpc_truth(argv[0]),
	    NULL);
}

/* signalProcess(name, signal): the signal is checked before the state. */
static void
rpc_process_signal(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct group	*g;
	struct process	*p;
	char		*extra, *sigtext;
	int		 code;

	if (rpc_process_lookup(c, argv[0], &g, &p) != 0)
		return;
	if (p == NULL) {
		rpc_process_list(c, g, RPC_SIGNAL, 0, argv[1]);
		return;
	}
	sigtext = rpc_str(argv[1]);
	rpc_process_signal_one(p, argv[0]->u.s.ptr,
	    rpc_process_signal_number(argv[1]), sigtext, &code, &extra);
	if (code == FAULT_SUCCESS)
		rpc_return_bool(c, 1);
	else
		rpc_fault(c, code, extra);
	free(extra);
	free(sigtext);
}

/* signalProcessGroup(name, signal): bad signals per process. */
static void
rpc_process_signal_group(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct group	*g;

	if ((g = rpc_process_group_arg(c, argv[0])) != NULL)
		rpc_process_list(c, g, RPC_SIGNAL, 0, argv[1]);
}

/* Supervisor signals first and checks the daemon's state afterwards. */
static void
rpc_process_signal_all(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct rpc_call	*tmp;

	if (rpc_check_state(c))
		rpc_process_list(c, NULL, RPC_SIGNAL, 0, argv[0]);
	else {
		tmp = rpc_call_new(NULL, NULL, NULL);
		rpc_process_list(tmp, NULL, RPC_SIGNAL, 0, argv[0]);
		rpc_call_unref(tmp);
	}
}

#define S	RPC_CHECK_STATE

/* The process control methods of the supervisor namespace. */
const struct rpc_method rpc_process_methods[] = {
	{ "supervisor.startProcess", rpc_process_start, 1, 2, S,
	  "boolean string boolean",
	  "Start a process, or a whole group with 'group:*'.\n\n"
	  "@param string name  The process (or 'group:name', 'group:*').\n"
	  "@param boolean wait  Wait until it is RUNNING (default true).\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.startProcessGroup", rpc_process_start_group, 1, 2, S,
	  "array string boolean",
	  "Start the processes of a group that are not running.\n\n"
	  "@param string name  The group.\n"
	  "@param boolean wait  Wait until each is RUNNING (default true).\n"
	  "@return array result  One status struct per process." },
	{ "supervisor.startAllProcesses", rpc_process_start_all, 0, 1, S,
	  "array boolean",
	  "Start every process that is not running, in priority order.\n\n"
	  "@param boolean wait  Wait until each is RUNNING (default true).\n"
	  "@return array result  One status struct per process." },
	{ "supervisor.stopProcess", rpc_process_stop, 1, 2, S,
	  "boolean string boolean",
	  "Stop a process, or a whole group with 'group:*'.\n\n"
	  "@param string name  The process (or 'group:name', 'group:*').\n"
	  "@param boolean wait  Wait until it has stopped (default true).\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.stopProcessGroup", rpc_process_stop_group, 1, 2, S,
	  "array string boolean",
	  "Stop the running processes of a group.\n\n"
	  "@param string name  The group.\n"
	  "@param boolean wait  Wait until each has stopped (default true).\n"
	  "@return array result  One status struct per process." },
	{ "supervisor.stopAllProcesses", rpc_process_stop_all, 0, 1, S,
	  "array boolean",
	  "Stop every running process.\n\n"
	  "@param boolean wait  Wait until each has stopped (default true).\n"
	  "@return array result  One status struct per process." },
	{ "supervisor.signalProcess", rpc_process_signal, 2, 2, S,
	  "boolean string string",
	  "Send a signal to a process, or a whole group with 'group:*'.\n\n"
	  "@param string name  The process (or 'group:name', 'group:*').\n"
	  "@param string signal  A name ('HUP', 'SIGHUP') or a number.\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.signalProcessGroup", rpc_process_signal_group, 2, 2, S,
	  "array string string",
	  "Send a signal to the running processes of a group.\n\n"
	  "@param string name  The group.\n"
	  "@param string signal  A name ('HUP', 'SIGHUP') or a number.\n"
	  "@return array result  One status struct per process." },
	{ "supervisor.signalAllProcesses", rpc_process_signal_all, 1, 1, 0,
	  "array string",
	  "Send a signal to every running process.\n\n"
	  "@param string signal  A name ('HUP', 'SIGHUP') or a number.\n"
	  "@return array result  One status struct per process." },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};
