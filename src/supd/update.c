/*
 * supd.update and supd.scale in the daemon. Supervisor's update (done by
 * supervisorctl) stops and re-adds every group whose config changed;
 * here a group whose own settings are the same is changed member by
 * member (Supervisor #591): only members whose settings changed restart,
 * and only added or removed members start or stop. Stops go one process
 * after another, driven by state changes; once every one is stopped the
 * groups change at once and what is new or was running starts.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "group.h"
#include "log.h"
#include "process.h"
#include "server.h"
#include "update.h"
#include "xmalloc.h"

enum update_how {
	UPDATE_REMOVE,		/* the group went */
	UPDATE_REPLACE,		/* removed and added whole */
	UPDATE_MEMBERS,		/* member by member */
	UPDATE_ADD,		/* a new group */
};

struct update_step {
	enum update_how		 how;
	char			*name;
	struct group_config	*gc;		/* referenced; NULL: REMOVE */
	struct process		**restart;	/* referenced */
	int			  nrestart;
	struct update_line	*lines;		/* MEMBERS, planned */
	int			  nlines;
};

struct update_job {
	struct update_step	 *steps;
	int			  nsteps;
	struct process		**stops;	/* referenced, in order */
	int			 *together;	/* stop with the next one */
	int			  nstops;
	int			  next;
	struct update_line	 *lines;
	int			  nlines;
	update_done_fn		  done;
	void			 *arg;
};

static struct update_job	*update_job;	/* one at a time */
static struct event		*update_kick;

static void
update_line_add(struct update_line **lines, int *n, const char *name,
    const char *action)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[*n].name = xstrdup(name);
	(*lines)[*n].action = action;
	(*n)++;
}

static struct update_step *
update_step_add(struct update_job *job, enum update_how how,
    const char *name, struct group_config *gc)
{
	struct update_step	*s;

	job->steps = xreallocarray(job->steps, job->nsteps + 1,
	    sizeof *job->steps);
	s = &job->steps[job->nsteps++];
	memset(s, 0, sizeof *s);
	s->how = how;
	s->name = xstrdup(name);
	if ((s->gc = gc) != NULL)
		config_group_ref(gc);
	return (s);
}

static void
update_stop_add(struct update_job *job, struct process *p, int together)
{
	job->stops = xreallocarray(job->stops, job->nstops + 1,
	    sizeof *job->stops);
	job->together = xreallocarray(job->together, job->nstops + 1,
	    sizeof *job->together);
	process_ref(p);
	job->together[job->nstops] = together;
	job->stops[job->nstops++] = p;
}

/* Stop order: highest priority first, then highest process_num. */
static int
update_stop_cmp(const void *a, const void *b)
{
	const struct process	*x = *(struct process *const *)a;
	const struct process	*y = *(struct process *const *)b;

	if (x->config->priority != y->config->priority)
		return (x->config->priority > y->config->priority ? -1 : 1);
	if (x->config->process_num != y->config->process_num)
		return (x->config->process_num > y->config->process_num ?
		    -1 : 1);
	return (strcmp(y->config->name, x->config->name));
}

/*
 * Members stop one after another; a group that goes whole stops all at
 * once (together), as stopProcessGroup does.
 */
static void
update_stop_sorted(struct update_job *job, struct process **procs, int n,
    int together)
{
	int	i;

	qsort(procs, n, sizeof *procs, update_stop_cmp);
	for (i = 0; i < n; i++)
		update_stop_add(job, procs[i], together && i < n - 1);
}

static struct process_config *
update_find_config(const struct group_config *gc, const char *name)
{
	int	i;

	for (i = 0; i < gc->nprocs; i++) {
		if (strcmp(gc->procs[i]->name, name) == 0)
			return (gc->procs[i]);
	}
	return (NULL);
}

static char *
update_namespec(const struct group_config *gc, const char *name)
{
	char	*s;

	if (strcmp(gc->name, name) == 0)
		return (xstrdup(name));
	xasprintf(&s, "%s:%s", gc->name, name);
	return (s);
}

/* The whole group stops (REMOVE and REPLACE). */
static void
update_plan_whole(struct update_job *job, struct group *g,
    enum update_how how, struct group_config *gc)
{
	struct process	**procs;
	int		  i;

	update_step_add(job, how, g->config->name, gc);
	procs = xcalloc(g->nprocs + 1, sizeof *procs);
	for (i = 0; i < g->nprocs; i++)
		procs[i] = g->procs[i];
	update_stop_sorted(job, procs, g->nprocs, 1);
	free(procs);
}

/*
 * Member by member: removed members stop (highest process_num first),
 * then changed ones, which start again if they were running. When
 * whole is set and every member changed, the group is replaced instead,
 * which is what Supervisor would have done and what it would print.
 */
static void
update_plan_members(struct update_job *job, struct group *g,
    struct group_config *gc, int whole)
{
	struct update_step	 *s;
	struct process		**gone, **changed, *p;
	struct process_config	 *pc;
	char			 *name;
	int			  i, ngone = 0, nchanged = 0, nkept = 0, nnew = 0;

	for (i = 0; i < gc->nprocs; i++) {
		if (group_find_process(g, gc->procs[i]->name) == NULL)
			nnew++;
	}
	gone = xcalloc(g->nprocs + 1, sizeof *gone);
	changed = xcalloc(g->nprocs + 1, sizeof *changed);
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		if ((pc = update_find_config(gc, p->config->name)) == NULL)
			gone[ngone++] = p;
		else if (!config_process_equal(p->config, pc))
			changed[nchanged++] = p;
		else
			nkept++;
	}
	if (whole && nkept == 0 && ngone == 0 && nnew == 0) {
		update_plan_whole(job, g, UPDATE_REPLACE, gc);
		goto out;
	}
	s = update_step_add(job, UPDATE_MEMBERS, gc->name, gc);
	update_stop_sorted(job, gone, ngone, 0);
	update_stop_sorted(job, changed, nchanged, 0);
	for (i = 0; i < ngone; i++)
		update_line_add(&s->lines, &s->nlines, gone[i]->namespec,
		    "removed");
	s->restart = xcalloc(nchanged + 1, sizeof *s->restart);
	for (i = 0; i < nchanged; i++) {
		p = changed[i];
		if (!process_is_stopped_state(p->state)) {
			process_ref(p);
			s->restart[s->nrestart++] = p;
		}
		update_line_add(&s->lines, &s->nlines, p->namespec,
		    process_is_stopped_state(p->state) ? "updated" :
		    "restarted");
	}
	for (i = 0; i < gc->nprocs; i++) {
		if (group_find_process(g, gc->procs[i]->name) != NULL)
			continue;
		name = update_namespec(gc, gc->procs[i]->name);
		update_line_add(&s->lines, &s->nlines, name, "added");
		free(name);
	}
out:
	free(gone);
	free(changed);
}

static int
update_wanted(const char *name, char **names, int nnames)
{
	int	i;

	if (names == NULL)
		return (1);
	for (i = 0; i < nnames; i++) {
		if (strcmp(names[i], name) == 0)
			return (1);
	}
	return (0);
}

static void
update_free(struct update_job *job)
{
	struct update_step	*s;
	int			 i, j;

	for (i = 0; i < job->nsteps; i++) {
		s = &job->steps[i];
		free(s->name);
		if (s->gc != NULL)
			config_group_unref(s->gc);
		for (j = 0; j < s->nrestart; j++)
			process_unref(s->restart[j]);
		free(s->restart);
		for (j = 0; j < s->nlines; j++)
			free(s->lines[j].name);
		free(s->lines);
	}
	free(job->steps);
	for (i = 0; i < job->nstops; i++)
		process_unref(job->stops[i]);
	free(job->stops);
	free(job->together);
	for (i = 0; i < job->nlines; i++)
		free(job->lines[i].name);
	free(job->lines);
	free(job);
}

static void
update_finish(struct update_job *job, int fault)
{
	update_job = NULL;
	if (job->done != NULL)
		job->done(fault, job->lines, job->nlines, job->arg);
	update_free(job);
}

/* Add a group and start it, as addProcessGroup does. */
static void
update_add_group(struct update_job *job, struct update_step *s,
    const char *action)
{
	struct group	*g;
	char		*cause = NULL;

	if ((g = group_add(server_config, s->gc, &cause)) == NULL) {
		log_error("update: %s: %s", s->name, cause);
		update_line_add(&job->lines, &job->nlines, s->name,
		    "ERROR (could not add the group)");
		free(cause);
		return;
	}
	update_line_add(&job->lines, &job->nlines, s->name, action);
	group_autostart(g);
}

static void
update_members(struct update_job *job, struct update_step *s)
{
	struct group	*g;
	char		*cause = NULL;
	int		 i;

	if ((g = group_find(s->name)) == NULL)
		return;
	if (group_update(g, server_config, s->gc, &cause) != 0) {
		log_error("update: %s: %s", s->name, cause);
		update_line_add(&job->lines, &job->nlines, s->name,
		    "ERROR (could not update the group)");
		free(cause);
		return;
	}
	for (i = 0; i < s->nlines; i++)
		update_line_add(&job->lines, &job->nlines, s->lines[i].name,
		    s->lines[i].action);
	for (i = 0; i < s->nrestart; i++) {
		if (!s->restart[i]->dead &&
		    process_is_stopped_state(s->restart[i]->state))
			process_spawn(s->restart[i]);
	}
	/* Members never started: the new ones, if autostart. */
	group_autostart(g);
}

/* Everything is stopped: change the groups, in the planned order. */
static void
update_apply(struct update_job *job)
{
	struct update_step	*s;
	struct group		*g;
	int			 i;

	for (i = 0; i < job->nsteps; i++) {
		s = &job->steps[i];
		g = group_find(s->name);
		switch (s->how) {
		case UPDATE_REMOVE:
			if (g == NULL || group_remove(g) != 0)
				break;
			update_line_add(&job->lines, &job->nlines, s->name,
			    "stopped");
			update_line_add(&job->lines, &job->nlines, s->name,
			    "removed process group");
			break;
		case UPDATE_REPLACE:
			if (g != NULL && group_remove(g) != 0)
				break;
			update_line_add(&job->lines, &job->nlines, s->name,
			    "stopped");
			update_add_group(job, s, "updated process group");
			break;
		case UPDATE_MEMBERS:
			update_members(job, s);
			break;
		case UPDATE_ADD:
			if (g == NULL)
				update_add_group(job, s, "added process group");
			break;
		}
	}
	update_finish(job, 0);
}

/*
 * Stop the next process of the list, or, when all are stopped, apply.
 * Runs from its own event: never inside a state change.
 */
static void
update_next(evutil_socket_t fd, short what, void *arg)
{
	struct update_job	*job = update_job;
	struct process		*p;

	if (job == NULL)
		return;
	if (server_state() != SERVER_RUNNING) {
		update_finish(job, FAULT_SHUTDOWN_STATE);
		return;
	}
	while (job->next < job->nstops) {
		p = job->stops[job->next];
		if (p->dead || process_is_stopped_state(p->state)) {
			job->next++;
			continue;
		}
		if (p->state == PROCESS_BACKOFF) {
			process_give_up(p);
			continue;
		}
		if (p->state != PROCESS_STOPPING)
			process_stop(p);
		if (process_is_stopped_state(p->state))
			continue;
		if (!job->together[job->next])
			return;
		job->next++;
	}
	/*
	 * Wait for those stopped together; and something may have started
	 * one again meanwhile: stop it once more. A process still stopping
	 * kicks us from the observer when it is done.
	 */
	for (job->next = 0; job->next < job->nstops; job->next++) {
		p = job->stops[job->next];
		if (p->dead || process_is_stopped_state(p->state))
			continue;
		if (p->state != PROCESS_STOPPING)
			event_active(update_kick, EV_TIMEOUT, 0);
		return;
	}
	update_apply(job);
}

static void
update_observer(struct process *p, enum process_state old, void *arg)
{
	struct update_job	*job = update_job;

	if (job != NULL && job->next < job->nstops &&
	    job->stops[job->next] == p && process_is_stopped_state(p->state))
		event_active(update_kick, EV_TIMEOUT, 0);
}

static struct update_job *
update_begin(update_done_fn done, void *arg)
{
	struct update_job	*job;

	if (update_job != NULL)
		return (NULL);
	if (update_kick == NULL) {
		update_kick = evtimer_new(server_base, update_next, NULL);
		process_add_observer(update_observer, NULL);
	}
	job = xcalloc(1, sizeof *job);
	job->done = done;
	job->arg = arg;
	return (job);
}

static void
update_go(struct update_job *job)
{
	update_job = job;
	event_active(update_kick, EV_TIMEOUT, 0);
}

int
update_config(const struct config *cf, char **names, int nnames,
    update_done_fn done, void *arg)
{
	struct update_job	 *job;
	struct group		**groups, *g;
	struct group_config	 *gc;
	int			  n, i;

	if ((job = update_begin(done, arg)) == NULL)
		return (-1);
	/* Removed first, then changed, then added, as supervisorctl. */
	groups = group_all(&n);
	for (i = 0; i < n; i++) {
		g = groups[i];
		if (update_wanted(g->config->name, names, nnames) &&
		    config_find_group(cf, g->config->name) == NULL)
			update_plan_whole(job, g, UPDATE_REMOVE, NULL);
	}
	for (i = 0; i < cf->ngroups; i++) {
		gc = cf->groups[i];
		if (!update_wanted(gc->name, names, nnames) ||
		    (g = group_find(gc->name)) == NULL ||
		    config_group_equal(gc, g->config))
			continue;
		if (config_group_members_only(g->config, gc))
			update_plan_members(job, g, gc, 1);
		else
			update_plan_whole(job, g, UPDATE_REPLACE, gc);
	}
	for (i = 0; i < cf->ngroups; i++) {
		gc = cf->groups[i];
		if (update_wanted(gc->name, names, nnames) &&
		    group_find(gc->name) == NULL)
			update_step_add(job, UPDATE_ADD, gc->name, gc);
	}
	update_go(job);
	return (0);
}

int
update_group(const struct config *cf, struct group_config *gc,
    update_done_fn done, void *arg)
{
	struct update_job	*job;
	struct group		*g;

	if ((g = group_find(gc->name)) == NULL)
		return (-1);
	if ((job = update_begin(done, arg)) == NULL)
		return (-1);
	update_plan_members(job, g, gc, 0);
	update_go(job);
	return (0);
}

void
update_forget(void *arg)
{
	if (update_job != NULL && update_job->arg == arg)
		update_job->done = NULL;
}
