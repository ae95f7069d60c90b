/*
 * depends_on applied to the running set. deps.c knows the graph; this
 * file knows the processes, and keeps two short lists:
 *
 * - starts held back: processes to spawn once every group they depend on
 *   is up (each process RUNNING and ready). A process is on this list
 *   exactly when p->waitfor is set, which is also what its description
 *   shows ("waiting for api, redis").
 * - stops held back: processes to send their stop signal once every
 *   process of every group depending on theirs has stopped.
 *
 * A process observer looks at the lists when something that can move
 * them happens: a group coming up or going down, a process going FATAL,
 * a process stopping. The graph is built again from the running groups
 * after they change (addProcessGroup, removeProcessGroup), leniently: a
 * name whose group is not running (yet) is left out, so a partial update
 * never blocks a start on something that does not exist.
 *
 * Crashes are not followed: a dependency that exits and is restarted
 * leaves its dependents alone. Only a FATAL dependency cancels the starts
 * waiting for it.
 */
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-deps.h"
#include "deps.h"
#include "deps-run.h"
#include "group.h"
#include "hmap.h"
#include "log.h"
#include "process.h"
#include "supervisor.h"
#include "xmalloc.h"

static struct event_base	 *deps_run_base;
static struct event		 *deps_run_recheck;

/* The graph of the running set, built when first asked after a change. */
static struct deps		 *deps_run_graph;
static int			  deps_run_dirty = 1;
static struct group		**deps_run_nodes;	/* graph index -> group */
static int			  deps_run_nnodes;
static struct hmap		  deps_run_index;	/* group -> index + 1 */
static int			  deps_run_nwith;	/* groups with depends_on */
static int			  deps_run_nfatal;	/* FATAL processes */

static struct process		**deps_run_starts;
static int			  deps_run_nstarts;
static struct process		**deps_run_stops;
static int			  deps_run_nstops;

static deps_run_cancel_fn	  deps_run_cancel_cb;
static void			 *deps_run_cancel_arg;

static int64_t
deps_run_key(const struct group *g)
{
	return ((int64_t)(intptr_t)g);
}

static void
deps_run_rebuild(void)
{
	struct group		**all;
	struct group_config	**gcs;
	char			 *cause = NULL;
	int			  n, i;

	deps_free(deps_run_graph);
	hmap_free(&deps_run_index);
	hmap_init(&deps_run_index);
	all = group_all(&n);
	free(deps_run_nodes);
	deps_run_nodes = xcalloc(n + 1, sizeof *deps_run_nodes);
	deps_run_nnodes = n;
	gcs = xcalloc(n + 1, sizeof *gcs);
	for (i = 0; i < n; i++) {
		deps_run_nodes[i] = all[i];
		gcs[i] = all[i]->config;
		hmap_put_int(&deps_run_index, deps_run_key(all[i]),
		    (void *)(intptr_t)(i + 1));
	}
	/*
	 * Each config was checked when loaded, but groups from two configs
	 * (update applied to some groups only) can still make a cycle.
	 */
	if ((deps_run_graph = config_deps(gcs, n, 1, &cause)) == NULL) {
		log_error("depends_on of the running groups ignored until the "
		    "next update: %s", cause);
		free(cause);
	}
	free(gcs);
	deps_run_dirty = 0;
}

/* The graph, or NULL when there is nothing to order. */
static struct deps *
deps_run_get(void)
{
	if (deps_run_nwith == 0)
		return (NULL);
	if (deps_run_dirty)
		deps_run_rebuild();
	return (deps_run_graph);
}

/* The graph and g's index in it; NULL if there is nothing to do for g. */
static struct deps *
deps_run_lookup(const struct group *g, int *gi)
{
	struct deps	*d;
	void		*v;

	if ((d = deps_run_get()) == NULL)
		return (NULL);
	if ((v = hmap_get_int(&deps_run_index, deps_run_key(g))) == NULL)
		return (NULL);
	*gi = (int)(intptr_t)v - 1;
	return (d);
}

static int
deps_run_group_up(const struct group *g)
{
	int	i;

	for (i = 0; i < g->nprocs; i++) {
		if (g->procs[i]->state != PROCESS_RUNNING || !g->procs[i]->ready)
			return (0);
	}
	return (1);
}

static int
deps_run_up_cb(int h, void *arg)
{
	return (deps_run_group_up(deps_run_nodes[h]));
}

/* "waiting for api, redis", or NULL when everything gi needs is up. */
static char *
deps_run_waiting(const struct deps *d, int gi)
{
	char	*names, *text;

	if ((names = deps_waiting(d, gi, deps_run_up_cb, NULL)) == NULL)
		return (NULL);
	xasprintf(&text, "waiting for %s", names);
	free(names);
	return (text);
}

/* A FATAL process among all gi needs, directly or not; NULL if none. */
static struct process *
deps_run_fatal(const struct deps *d, int gi)
{
	struct process	*found = NULL;
	struct group	*h;
	int		*req, n, i, j;

	if (deps_run_nfatal == 0)
		return (NULL);
	req = deps_requires(d, gi, 1, &n);
	for (i = 0; i < n && found == NULL; i++) {
		h = deps_run_nodes[req[i]];
		for (j = 0; j < h->nprocs && found == NULL; j++) {
			if (h->procs[j]->state == PROCESS_FATAL)
				found = h->procs[j];
		}
	}
	free(req);
	return (found);
}

/* Whether every process of every group depending on gi has stopped. */
static int
deps_run_dependents_down(const struct deps *d, int gi)
{
	struct group	*h;
	int		*rby, n, i, j, down = 1;

	rby = deps_required_by(d, gi, 1, &n);
	for (i = 0; i < n && down; i++) {
		h = deps_run_nodes[rby[i]];
		for (j = 0; j < h->nprocs && down; j++) {
			if (!process_is_stopped_state(h->procs[j]->state) ||
			    h->procs[j]->waitfor != NULL)
				down = 0;
		}
	}
	free(rby);
	return (down);
}

static void
deps_run_set_waitfor(struct process *p, char *text)
{
	free(p->waitfor);
	p->waitfor = text;
}

/* Hold p's start until its dependencies are up; text is taken. */
static void
deps_run_queue(struct process *p, char *text)
{
	if (p->waitfor == NULL) {
		deps_run_starts = xreallocarray(deps_run_starts,
		    deps_run_nstarts + 1, sizeof *deps_run_starts);
		deps_run_starts[deps_run_nstarts++] = p;
		process_ref(p);
	}
	if (text == NULL)
		text = xstrdup("waiting for dependencies");
	deps_run_set_waitfor(p, text);
}

/* Take p off the starts list; the caller drops the list's reference. */
static void
deps_run_unqueue(struct process *p)
{
	int	i;

	for (i = 0; i < deps_run_nstarts; i++) {
		if (deps_run_starts[i] == p)
			break;
	}
	if (i == deps_run_nstarts)
		fatalx("%s: %s is not waiting", __func__, p->namespec);
	memmove(&deps_run_starts[i], &deps_run_starts[i + 1],
	    (deps_run_nstarts - i - 1) * sizeof *deps_run_starts);
	deps_run_nstarts--;
	deps_run_set_waitfor(p, NULL);
}

/* A held start will not happen: say so to whoever waits for it. */
static void
deps_run_forget(struct process *p, int code, const char *cause)
{
	deps_run_unqueue(p);
	if (deps_run_cancel_cb != NULL)
		deps_run_cancel_cb(p, code, cause, deps_run_cancel_arg);
	process_unref(p);
}

/*
 * Look at one held start: spawn it if what it needs is up, give up if
 * some of it is FATAL, else refresh what it waits for. Returns 1 if p
 * left the list.
 */
static int
deps_run_try(struct process *p)
{
	struct deps	*d;
	struct process	*f;
	char		*text = NULL, *cause;
	int		 gi;

	/* Still stopping from before: it is started once stopped. */
	if (p->state == PROCESS_STOPPING)
		return (0);
	if ((d = deps_run_lookup(p->group, &gi)) != NULL) {
		if ((f = deps_run_fatal(d, gi)) != NULL) {
			xasprintf(&cause, "dependency %s is FATAL", f->namespec);
			log_warn("not starting %s: %s", p->namespec, cause);
			deps_run_forget(p, FAULT_SPAWN_ERROR, cause);
			free(cause);
			return (1);
		}
		text = deps_run_waiting(d, gi);
	}
	if (text != NULL) {
		deps_run_set_waitfor(p, text);
		return (0);
	}
	deps_run_unqueue(p);
	if (process_is_stopped_state(p->state) && p->pid == 0 && !p->dead) {
		log_info("starting %s: its dependencies are up", p->namespec);
		process_spawn(p);
	}
	process_unref(p);
	return (1);
}

/* Look again at every held start. */
static void
deps_run_wake(void)
{
	int	i;

	for (i = 0; i < deps_run_nstarts;) {
		if (!deps_run_try(deps_run_starts[i]))
			i++;
	}
}

/* Send held stops whose dependents have all stopped. */
static void
deps_run_release(void)
{
	struct process	*p;
	struct deps	*d;
	int		 i, gi;

	for (i = 0; i < deps_run_nstops;) {
		p = deps_run_stops[i];
		if ((d = deps_run_lookup(p->group, &gi)) != NULL &&
		    !deps_run_dependents_down(d, gi)) {
			i++;
			continue;
		}
		memmove(&deps_run_stops[i], &deps_run_stops[i + 1],
		    (deps_run_nstops - i - 1) * sizeof *deps_run_stops);
		deps_run_nstops--;
		if (process_is_running_state(p->state) && !p->dead)
			process_stop(p);
		process_unref(p);
	}
}

static int
deps_run_stopping(const struct process *p)
{
	int	i;

	for (i = 0; i < deps_run_nstops; i++) {
		if (deps_run_stops[i] == p)
			return (1);
	}
	return (0);
}

static void
deps_run_hold_stop(struct process *p)
{
	if (deps_run_stopping(p))
		return;
	deps_run_stops = xreallocarray(deps_run_stops, deps_run_nstops + 1,
	    sizeof *deps_run_stops);
	deps_run_stops[deps_run_nstops++] = p;
	process_ref(p);
}

/* Look at held starts and stops once the current callback is done. */
static void
deps_run_soon(void)
{
	struct timeval	tv = { 0, 0 };

	if (!evtimer_pending(deps_run_recheck, NULL))
		evtimer_add(deps_run_recheck, &tv);
}

static void
deps_run_recheck_cb(evutil_socket_t fd, short what, void *arg)
{
	deps_run_wake();
	deps_run_release();
}

/*
 * What can move a held start: a group coming up or going down, or
 * something going FATAL. What can move a held stop: a process stopping.
 * Either is looked at from a timer due at once, not here: the process
 * that changed has its "success:" or "stopped:" line logged after its
 * observers ran, and the other observers should hear of it before they
 * hear of what it set going.
 *
 * FATAL processes are counted all the time: while there are none, a
 * held start need not look for one among all it depends on.
 */
static void
deps_run_observer(struct process *p, enum process_state old, void *arg)
{
	if (p->state == PROCESS_FATAL)
		deps_run_nfatal++;
	if (old == PROCESS_FATAL)
		deps_run_nfatal--;
	if (deps_run_nwith == 0 || p->dead)
		return;
	/* Held, but started some other way: no longer held. */
	if (p->waitfor != NULL && !process_is_stopped_state(p->state)) {
		deps_run_unqueue(p);
		process_unref(p);
	}
	if (deps_run_nstops > 0 && process_is_stopped_state(p->state))
		deps_run_soon();
	if (deps_run_nstarts > 0 && (p->state == PROCESS_RUNNING ||
	    p->state == PROCESS_FATAL || old == PROCESS_RUNNING ||
	    old == PROCESS_STOPPING))
		deps_run_soon();
}

/*
 * The running set changed: the graph is built again when next needed,
 * and held starts and stops are looked at again once the change is done
 * (a group is announced before it leaves the list).
 */
static void
deps_run_group_cb(struct group *g, enum group_change change, void *arg)
{
	int	i;

	if (config_deps_any(&g->config, 1))
		deps_run_nwith += change == GROUP_CHANGE_ADDED ? 1 : -1;
	deps_run_dirty = 1;
	if (change == GROUP_CHANGE_REMOVED) {
		for (i = 0; i < g->nprocs; i++) {
			if (g->procs[i]->state == PROCESS_FATAL)
				deps_run_nfatal--;
		}
		for (i = 0; i < g->nprocs; i++) {
			if (g->procs[i]->waitfor != NULL)
				deps_run_forget(g->procs[i],
				    FAULT_ABNORMAL_TERMINATION, "removed");
		}
		for (i = 0; i < deps_run_nstops;) {
			if (deps_run_stops[i]->group != g) {
				i++;
				continue;
			}
			process_unref(deps_run_stops[i]);
			memmove(&deps_run_stops[i], &deps_run_stops[i + 1],
			    (deps_run_nstops - i - 1) * sizeof *deps_run_stops);
			deps_run_nstops--;
		}
	}
	if (deps_run_nstarts > 0 || deps_run_nstops > 0)
		deps_run_soon();
}

void
deps_run_init(struct event_base *base)
{
	deps_run_base = base;
	deps_run_recheck = evtimer_new(base, deps_run_recheck_cb, NULL);
	hmap_init(&deps_run_index);
	process_add_observer(deps_run_observer, NULL);
	group_add_observer(deps_run_group_cb, NULL);
}

void
deps_run_done(void)
{
	deps_run_cancel_cb = NULL;
	deps_run_cancel_all();
	process_remove_observer(deps_run_observer, NULL);
	group_remove_observer(deps_run_group_cb, NULL);
	if (deps_run_recheck != NULL)
		event_free(deps_run_recheck);
	deps_run_recheck = NULL;
	deps_free(deps_run_graph);
	deps_run_graph = NULL;
	hmap_free(&deps_run_index);
	free(deps_run_nodes);
	deps_run_nodes = NULL;
	free(deps_run_starts);
	deps_run_starts = NULL;
	free(deps_run_stops);
	deps_run_stops = NULL;
}

void
deps_run_set_cancel(deps_run_cancel_fn fn, void *arg)
{
	deps_run_cancel_cb = fn;
	deps_run_cancel_arg = arg;
}

struct group **
deps_run_order(int stop, int *n)
{
	struct group	**out;
	struct deps	 *d;
	const int	 *order;
	int		  i;

	if ((d = deps_run_get()) == NULL || !deps_has_any(d))
		return (NULL);
	order = stop ? deps_stop_order(d, n) : deps_start_order(d, n);
	out = xcalloc(*n + 1, sizeof *out);
	for (i = 0; i < *n; i++)
		out[i] = deps_run_nodes[order[i]];
	return (out);
}

void
deps_run_autostart(struct group *g)
{
	struct process	*p, *f;
	struct deps	*d;
	char		*text;
	int		 i, gi;

	if ((d = deps_run_lookup(g, &gi)) == NULL) {
		group_autostart(g);
		return;
	}
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		if (p->state != PROCESS_STOPPED || p->laststart != 0 ||
		    !p->config->autostart)
			continue;
		if ((f = deps_run_fatal(d, gi)) != NULL) {
			log_warn("not starting %s: dependency %s is FATAL",
			    p->namespec, f->namespec);
			continue;
		}
		if ((text = deps_run_waiting(d, gi)) == NULL) {
			process_autostart(p);
			continue;
		}
		log_info("%s: %s before starting", p->namespec, text);
		deps_run_queue(p, text);
	}
}

/*
 * Start what a start of another process needs from group h: processes
 * not running are spawned when h's own dependencies are up, else held.
 */
static void
deps_run_pull(const struct deps *d, int h, const struct process *for_p)
{
	struct group	*g = deps_run_nodes[h];
	struct process	*r;
	char		*text;
	int		 i;

	for (i = 0; i < g->nprocs; i++) {
		r = g->procs[i];
		if (r->waitfor != NULL || r->state == PROCESS_UNKNOWN ||
		    process_is_running_state(r->state))
			continue;
		text = r->state == PROCESS_STOPPING ?
		    xstrdup("waiting to stop") : deps_run_waiting(d, h);
		if (text != NULL) {
			deps_run_queue(r, text);
			continue;
		}
		log_info("starting %s: %s depends on it", r->namespec,
		    for_p->namespec);
		process_spawn(r);
	}
}

enum deps_run_verdict
deps_run_start(struct process *p, char **cause)
{
	struct deps	*d;
	struct process	*f;
	char		*text;
	int		*req, n, i, gi;

	if ((d = deps_run_lookup(p->group, &gi)) == NULL)
		return (DEPS_RUN_NOW);
	if ((f = deps_run_fatal(d, gi)) != NULL) {
		xasprintf(cause, "dependency %s is FATAL", f->namespec);
		return (DEPS_RUN_FAILED);
	}
	if ((text = deps_run_waiting(d, gi)) == NULL)
		return (DEPS_RUN_NOW);
	free(text);
	req = deps_requires(d, gi, 1, &n);
	for (i = 0; i < n; i++)
		deps_run_pull(d, req[i], p);
	free(req);
	/* What it needs may have come up at once (startsecs=0). */
	if ((text = deps_run_waiting(d, gi)) == NULL) {
		if (p->waitfor != NULL) {
			deps_run_unqueue(p);
			process_unref(p);
		}
		return (DEPS_RUN_NOW);
	}
	log_info("%s: %s before starting", p->namespec, text);
	deps_run_queue(p, text);
	return (DEPS_RUN_QUEUED);
}

/*
 * Whether a member of p's group other than p serves and stays: RUNNING
 * (not STARTING or BACKOFF, which serve nothing yet) and not stopping.
 */
static int
deps_run_sibling_up(const struct process *p)
{
	const struct group	*g = p->group;
	const struct process	*r;
	int			 i;

	for (i = 0; i < g->nprocs; i++) {
		r = g->procs[i];
		if (r != p && r->state == PROCESS_RUNNING &&
		    !deps_run_stopping(r))
			return (1);
	}
	return (0);
}

int
deps_run_stop(struct process *p, int alone)
{
	struct deps	*d;
	struct group	*h;
	struct process	*r;
	char		*cause;
	int		*rby, n, i, j, gi, held = 0;

	if ((d = deps_run_lookup(p->group, &gi)) == NULL)
		return (0);
	if (alone && deps_run_sibling_up(p))
		return (0);
	rby = deps_required_by(d, gi, 1, &n);
	/* Last in start order first: what depends on the most goes first. */
	for (i = n - 1; i >= 0; i--) {
		h = deps_run_nodes[rby[i]];
		for (j = 0; j < h->nprocs; j++) {
			r = h->procs[j];
			if (r->waitfor != NULL) {
				xasprintf(&cause, "dependency %s was stopped",
				    p->namespec);
				log_info("not starting %s: %s", r->namespec,
				    cause);
				deps_run_forget(r, FAULT_ABNORMAL_TERMINATION,
				    cause);
				free(cause);
			}
			if (r->state == PROCESS_STOPPING)
				held = 1;
			if (!process_is_running_state(r->state))
				continue;
			held = 1;
			if (!deps_run_stopping(r)) {
				log_info("stopping %s first: it depends on %s",
				    r->namespec, p->namespec);
				deps_run_hold_stop(r);
			}
		}
	}
	free(rby);
	if (!held)
		return (0);
	deps_run_hold_stop(p);
	deps_run_release();
	return (1);
}

int
deps_run_cancel(struct process *p)
{
	if (p->waitfor == NULL)
		return (0);
	log_info("not starting %s: stopped while waiting", p->namespec);
	deps_run_forget(p, FAULT_ABNORMAL_TERMINATION, "stopped while "
	    "waiting for its dependencies");
	return (1);
}

void
deps_run_cancel_all(void)
{
	while (deps_run_nstarts > 0) {
		deps_run_forget(deps_run_starts[0], FAULT_ABNORMAL_TERMINATION,
		    "shutting down");
	}
	while (deps_run_nstops > 0)
		process_unref(deps_run_stops[--deps_run_nstops]);
}
