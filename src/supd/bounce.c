/*
 * Graceful restarts, driven by state changes. A bounce goes through three
 * phases: DOWN (the stop signal was sent; wait for a stopped state), UP
 * (spawned; wait for RUNNING and the process to be ready and not failing
 * its health check, or for a sign that it will not come back: any state
 * but STARTING and RUNNING, as startProcess(wait=True) judges), and DONE.
 *
 * The observer runs inside process_set_state(), where the process is
 * half way through a change (the reaper still holds its pid when STOPPED
 * is announced), so it decides only; spawning and the done callback run
 * from the bounce's own event, on the next turn of the loop.
 */
#include <event2/event.h>
#include <stdlib.h>

#include "bounce.h"
#include "log.h"
#include "procinfo.h"
#include "process.h"
#include "process-check.h"
#include "server.h"
#include "xmalloc.h"

enum bounce_phase {
	BOUNCE_DOWN,
	BOUNCE_SPAWN,	/* down; the spawn is due on the next turn */
	BOUNCE_UP,
	BOUNCE_DONE,
};

struct bounce {
	struct process		*proc;		/* referenced */
	enum bounce_phase	 phase;
	int			 ok;
	bounce_done_fn		 done;		/* NULL once cancelled */
	void			*arg;
	struct event		*ev;		/* the deferred step */
	struct bounce		*next;
};

static struct bounce	*bounce_list;

static void	bounce_step_cb(evutil_socket_t, short, void *);

/* Whether a process that came up counts as back. */
static int
bounce_is_back(const struct process *p)
{
	return (p->state == PROCESS_RUNNING && procinfo_ready(p) &&
	    procinfo_health(p) != PROCINFO_HEALTH_UNKNOWN &&
	    procinfo_health(p) != PROCINFO_HEALTH_FAILING);
}

static void
bounce_defer(struct bounce *b, enum bounce_phase phase)
{
	b->phase = phase;
	event_active(b->ev, EV_TIMEOUT, 0);
}

static void
bounce_finish(struct bounce *b, int ok)
{
	b->ok = ok;
	bounce_defer(b, BOUNCE_DONE);
}

/* Decide what p's current state means for b; see the file's comment. */
static void
bounce_check(struct bounce *b)
{
	struct process	*p = b->proc;

	if (p->dead) {
		if (b->phase != BOUNCE_DONE)
			bounce_finish(b, 0);
		return;
	}
	switch (b->phase) {
	case BOUNCE_DOWN:
		if (process_is_stopped_state(p->state))
			bounce_defer(b, BOUNCE_SPAWN);
		break;
	case BOUNCE_UP:
		if (bounce_is_back(p))
			bounce_finish(b, 1);
		else if (p->state != PROCESS_STARTING &&
		    p->state != PROCESS_RUNNING)
			bounce_finish(b, 0);
		break;
	default:
		break;
	}
}

static void
bounce_observer(struct process *p, enum process_state old, void *arg)
{
	struct bounce	*b;

	for (b = bounce_list; b != NULL; b = b->next) {
		if (b->proc == p)
			bounce_check(b);
	}
}

/* A health result may be what a bounce waits for. */
static void
bounce_health_cb(struct process *p, int healthy, int turned,
    const char *result)
{
	bounce_poke(p);
}

void
bounce_init(void)
{
	process_add_observer(bounce_observer, NULL);
	process_check_add_health_observer(bounce_health_cb);
}

void
bounce_poke(struct process *p)
{
	bounce_observer(p, p->state, NULL);
}

int
bounce_busy(const struct process *p)
{
	struct bounce	*b;

	/*
	 * A bounce that has decided and has nobody to tell is over: a
	 * sibling's recycle waiting for this process to come back is tried
	 * when it enters RUNNING, and must not find it busy. One whose
	 * callback is still to run is not: a rolling restart is about to
	 * take the next member down, and a recycle let in between would
	 * make two members down at once (the roll restarts the waiting
	 * member anyway, which ends its recycle).
	 */
	for (b = bounce_list; b != NULL; b = b->next) {
		if (b->proc == p && (b->phase != BOUNCE_DONE || b->done != NULL))
			return (1);
	}
	return (0);
}

static void
bounce_free(struct bounce *b)
{
	struct bounce	**pp;

	for (pp = &bounce_list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	event_free(b->ev);
	process_unref(b->proc);
	free(b);
}

/*
 * Start p again once it is down. Someone else may have started it in
 * between (then wait for that start), or the daemon may be shutting down.
 */
static void
bounce_spawn(struct bounce *b)
{
	struct process	*p = b->proc;

	b->phase = BOUNCE_UP;
	if (!process_is_stopped_state(p->state)) {
		bounce_check(b);
		return;
	}
	if (!server_accepts_starts()) {
		bounce_finish(b, 0);
		return;
	}
	process_spawn(p);
	bounce_check(b);
}

static void
bounce_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bounce	*b = arg;
	bounce_done_fn	 done;

	switch (b->phase) {
	case BOUNCE_SPAWN:
		bounce_spawn(b);
		break;
	case BOUNCE_DONE:
		/* Told, it is over: the callback may ask bounce_busy. */
		if ((done = b->done) != NULL) {
			b->done = NULL;
			done(b->proc, b->ok, b->arg);
		}
		bounce_free(b);
		break;
	default:
		break;
	}
}

struct bounce *
bounce_start(struct process *p, bounce_done_fn done, void *arg)
{
	struct bounce	*b;
	const char	*msg;

	b = xcalloc(1, sizeof *b);
	b->proc = p;
	process_ref(p);
	b->done = done;
	b->arg = arg;
	b->ev = event_new(server_base, -1, 0, bounce_step_cb, b);
	b->next = bounce_list;
	bounce_list = b;
	b->phase = BOUNCE_DOWN;
	if (process_is_stopped_state(p->state) || p->state == PROCESS_STOPPING)
		bounce_check(b);
	else if ((msg = process_stop(p)) != NULL) {
		log_warn("cannot restart %s: %s", p->namespec, msg);
		bounce_finish(b, 0);
	}
	return (b);
}

void
bounce_cancel(struct bounce *b)
{
	b->done = NULL;
}

void
bounce_done(void)
{
	struct bounce	*b;

	process_remove_observer(bounce_observer, NULL);
	while ((b = bounce_list) != NULL) {
		if (b->done != NULL)
			b->done(b->proc, b->phase == BOUNCE_DONE && b->ok,
			    b->arg);
		bounce_free(b);
	}
}
