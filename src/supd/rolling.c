/*
 * Rolling restarts. A roll walks its members a batch at a time: each
 * member of a batch is bounced (bounce.c: stopped, started, waited for
 * until RUNNING, ready and not unhealthy), and the next batch begins when
 * the whole batch has come back. The first member that does not come
 * back ends the roll once the rest of its batch has settled, so the reply
 * names it and nothing more is taken down. A batch also waits while a
 * member is being restarted by something else (a recycle), until that
 * restart has decided. Everything is driven by the bounces' callbacks and
 * state changes; there is no timer.
 */
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "config.h"
#include "group.h"
#include "log.h"
#include "process.h"
#include "rolling.h"
#include "xmalloc.h"

struct rolling_member {
	struct rolling	*roll;
	struct process	*proc;		/* referenced */
	struct bounce	*bounce;	/* while in flight */
	int		 order;		/* in the group, for ties */
};

struct rolling {
	struct group		*group;		/* of the first member */
	int			 waiting;	/* for a sibling's recycle */
	struct rolling		*next_waiting;
	struct rolling_member	*members;
	int			 n;
	int			 next;		/* first member not begun */
	int			 batch;
	int			 inflight;
	struct process		*failed;	/* referenced */
	int			 cancelled;
	rolling_member_fn	 back;
	rolling_done_fn		 done;
	void			*arg;
};

static int
rolling_member_cmp(const void *a, const void *b)
{
	const struct rolling_member	*x = a, *y = b;
	int				 nx, ny;

	nx = x->proc->config->process_num;
	ny = y->proc->config->process_num;
	if (nx != ny)
		return (nx < ny ? -1 : 1);
	return (x->order - y->order);
}

struct process **
rolling_members(const struct group *g, int *n)
{
	struct rolling_member	*m;
	struct process		**out;
	int			  i;

	m = xreallocarray(NULL, g->nprocs + 1, sizeof *m);
	for (i = 0; i < g->nprocs; i++) {
		m[i].proc = g->procs[i];
		m[i].order = i;
	}
	qsort(m, g->nprocs, sizeof *m, rolling_member_cmp);
	out = xreallocarray(NULL, g->nprocs + 1, sizeof *out);
	for (i = 0; i < g->nprocs; i++)
		out[i] = m[i].proc;
	free(m);
	*n = g->nprocs;
	return (out);
}

/* Rolls waiting for a member that something else is restarting. */
static struct rolling	*rolling_waiting;
static int		 rolling_observing;

static void
rolling_unwait(struct rolling *r)
{
	struct rolling	**pp;

	for (pp = &rolling_waiting; *pp != NULL; pp = &(*pp)->next_waiting) {
		if (*pp == r) {
			*pp = r->next_waiting;
			break;
		}
	}
	r->waiting = 0;
}

static void
rolling_free(struct rolling *r)
{
	int	i;

	if (r->waiting)
		rolling_unwait(r);

	for (i = 0; i < r->n; i++)
		process_unref(r->members[i].proc);
	if (r->failed != NULL)
		process_unref(r->failed);
	free(r->members);
	free(r);
}

static void	rolling_member_cb(struct process *, int, void *);

/*
 * Whether a member of the group is being restarted by something else (a
 * recycle): the next batch waits for it to come back, or the group
 * would have more than a batch down.
 */
static int
rolling_sibling_busy(const struct rolling *r)
{
	const struct group	*g = r->group;
	int			 i;

	for (i = 0; i < g->nprocs; i++) {
		if (!g->procs[i]->dead && bounce_busy(g->procs[i]))
			return (1);
	}
	return (0);
}

static void	rolling_advance(struct rolling *);

/*
 * A waiting roll goes on once no member of its group is busy, looked at
 * whenever one changes state (bounce.c's observer, registered first, has
 * decided by then: back, or not coming back).
 */
static void
rolling_observer(struct process *p, enum process_state old, void *arg)
{
	struct rolling	*r, *next;

	for (r = rolling_waiting; r != NULL; r = next) {
		next = r->next_waiting;
		if (p->group == r->group && !rolling_sibling_busy(r)) {
			rolling_unwait(r);
			rolling_advance(r);
		}
	}
}

/* Begin the next batch, or end the roll. Called with nothing in flight. */
static void
rolling_advance(struct rolling *r)
{
	struct rolling_member	*m;
	int			 i, end;

	if (r->cancelled) {
		rolling_free(r);
		return;
	}
	if (r->failed != NULL || r->next >= r->n) {
		r->done(r->failed, r->arg);
		rolling_free(r);
		return;
	}
	if (r->group != NULL && rolling_sibling_busy(r)) {
		if (!rolling_observing) {
			process_add_observer(rolling_observer, NULL);
			rolling_observing = 1;
		}
		r->waiting = 1;
		r->next_waiting = rolling_waiting;
		rolling_waiting = r;
		return;
	}
	end = r->next + r->batch < r->n ? r->next + r->batch : r->n;
	for (i = r->next; i < end; i++) {
		m = &r->members[i];
		log_info("rolling restart: restarting %s (%d of %d)",
		    m->proc->namespec, i + 1, r->n);
		r->inflight++;
		m->bounce = bounce_start(m->proc, rolling_member_cb, m);
	}
	r->next = end;
}

static void
rolling_member_cb(struct process *p, int ok, void *arg)
{
	struct rolling_member	*m = arg;
	struct rolling		*r = m->roll;

	m->bounce = NULL;
	r->inflight--;
	if (ok) {
		log_info("rolling restart: %s is back", p->namespec);
		if (!r->cancelled && r->back != NULL)
			r->back(p, r->arg);
	} else {
		log_warn("rolling restart: %s did not come back; stopping the "
		    "roll", p->namespec);
		if (r->failed == NULL) {
			r->failed = p;
			process_ref(p);
		}
	}
	if (r->inflight == 0)
		rolling_advance(r);
}

struct rolling *
rolling_start(struct process **members, int n, int batch,
    rolling_member_fn back, rolling_done_fn done, void *arg)
{
	struct rolling	*r;
	int		 i;

	r = xcalloc(1, sizeof *r);
	r->members = xcalloc(n + 1, sizeof *r->members);
	for (i = 0; i < n; i++) {
		r->members[i].roll = r;
		r->members[i].proc = members[i];
		r->members[i].order = i;
		process_ref(members[i]);
	}
	r->n = n;
	r->group = members[0]->dead ? NULL : members[0]->group;
	r->batch = batch > 0 ? batch : 1;
	r->back = back;
	r->done = done;
	r->arg = arg;
	rolling_advance(r);
	return (r);
}

void
rolling_cancel(struct rolling *r)
{
	r->cancelled = 1;
	r->back = NULL;
	r->done = NULL;
	if (r->inflight == 0)
		rolling_free(r);	/* waiting, or not begun */
}
