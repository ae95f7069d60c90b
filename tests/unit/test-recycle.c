/*
 * Unit tests for recycling (recycle.c) on the real state machine and
 * bounces, with the fake spawn of fake-process.h. recycle.c is included
 * whole so a test can fire one record's max_uptime timer when it chooses:
 * the orders that starve a member depend on which timer fires when, and
 * real seconds would make that a matter of luck.
 */
#include <sys/types.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "../../src/supd/recycle.c"

#include "process-check.h"

#include "fake-process.h"

#define NMEMBERS	3

/* One program, numprocs=3, max_uptime=1, startsecs=1. */
static struct group_config	 gc;
static struct group		 g;
static struct process_ext	 ext;
static struct process_config	 pcs[NMEMBERS];
static char			 names[NMEMBERS][8];
static int			 exitcodes[1];
static struct process		*members[NMEMBERS];

/* What bounce.c and recycle.c link against, faked. */
struct event_base	*server_base;
static int		 accepts;

int
server_accepts_starts(void)
{
	return (accepts);
}

/* Run what is due now: deferred bounce steps and their callbacks. */
static void
turn(void)
{
	event_base_loop(server_base, EVLOOP_NONBLOCK);
}

/* Each member's health, as the check engine would say it. */
static enum procinfo_health	 health[NMEMBERS];
static process_check_health_fn	 health_observers[4];
static int			 nhealth_observers;

int
procinfo_ready(const struct process *p)
{
	return (p->state == PROCESS_RUNNING);
}

enum procinfo_health
procinfo_health(const struct process *p)
{
	return (health[p->config - pcs]);
}

void
process_check_add_health_observer(process_check_health_fn fn)
{
	health_observers[nhealth_observers++] = fn;
}

/* A health check of p passed. */
static void
healthy(struct process *p)
{
	int	i;

	health[p->config - pcs] = PROCINFO_HEALTH_OK;
	for (i = 0; i < nhealth_observers; i++)
		health_observers[i](p, 1, 0, "HTTP 200");
	turn();
}

int
usage_refresh(const pid_t *roots, size_t n, double max_age)
{
	return (0);
}

int
usage_get(pid_t pid, struct proctree_sample *out)
{
	return (-1);
}

double
usage_last_cost(void)
{
	return (0);
}

void
usage_free(void)
{
}

static const struct process_hooks hooks = {
	.accepts_starts = server_accepts_starts,
};

static int
setup(void **state)
{
	int	i;

	memset(&gc, 0, sizeof gc);
	memset(&g, 0, sizeof g);
	memset(&ext, 0, sizeof ext);
	gc.name = "w";
	g.config = &gc;
	g.fcgi_fd = -1;
	ext.refs = 1;
	ext.max_uptime = 1;
	for (i = 0; i < NMEMBERS; i++) {
		memset(&pcs[i], 0, sizeof pcs[i]);
		snprintf(names[i], sizeof names[i], "w_%d", i);
		pcs[i].name = names[i];
		pcs[i].program = "w";
		pcs[i].group = &gc;
		pcs[i].ext = &ext;
		pcs[i].command = "/bin/true";
		pcs[i].autorestart = AUTORESTART_UNEXPECTED;
		pcs[i].startsecs = 1;
		pcs[i].startretries = 3;
		pcs[i].stopsignal = SIGTERM;
		pcs[i].stopwaitsecs = 10;
		pcs[i].exitcodes = exitcodes;
		pcs[i].nexitcodes = 1;
		members[i] = process_create(&pcs[i], &g);
	}
	g.procs = members;
	g.nprocs = NMEMBERS;

	memset(health, 0, sizeof health);
	nhealth_observers = 0;
	server_base = event_base_new();
	process_init(server_base, &hooks);
	bounce_init();
	recycle_init();
	accepts = 1;
	fake_process_reset();
	return (0);
}

static int
teardown(void **state)
{
	int	i;

	accepts = 0;
	recycle_done();
	bounce_done();
	for (i = 0; i < NMEMBERS; i++)
		process_unref(members[i]);
	event_base_free(server_base);
	return (0);
}

/* startsecs pass for p: STARTING -> RUNNING. */
static void
started(struct process *p)
{
	assert_int_equal(p->state, PROCESS_STARTING);
	evtimer_del(p->timer);
	event_active(p->timer, EV_TIMEOUT, 1);
	turn();
	assert_int_equal(p->state, PROCESS_RUNNING);
}

/* p's max_uptime timer fires. */
static void
uptime_passes(struct process *p)
{
	struct recycle_proc	*r;

	r = hmap_get_int(&recycle_procs, recycle_key(p));
	assert_non_null(r);
	assert_non_null(r->uptime);
	evtimer_del(r->uptime);
	event_active(r->uptime, EV_TIMEOUT, 1);
	turn();
}

/* p was sent its stopsignal by a recycle: it dies, and is spawned again. */
static void
respawned(struct process *p)
{
	int	before = spawns;

	assert_int_equal(p->state, PROCESS_STOPPING);
	assert_int_equal(killed_pid, p->pid);
	process_reaped(p, KILLED_BY(SIGTERM));
	turn();
	assert_int_equal(spawns, before + 1);
	assert_int_equal(p->state, PROCESS_STARTING);
}

static int
ndown(void)
{
	int	i, n = 0;

	for (i = 0; i < NMEMBERS; i++)
		n += members[i]->state != PROCESS_RUNNING;
	return (n);
}

static void
all_running(void)
{
	int	i;

	for (i = 0; i < NMEMBERS; i++) {
		process_spawn(members[i]);
		started(members[i]);
	}
	assert_int_equal(recycle_n, NMEMBERS);
}

static void
test_uptime_recycles_a_lone_member(void **state)
{
	struct process	*w0 = members[0];
	pid_t		 pid;

	all_running();
	pid = w0->pid;
	uptime_passes(w0);
	assert_int_equal(nkills, 1);
	respawned(w0);
	assert_int_not_equal(w0->pid, pid);
	started(w0);
	assert_int_equal(ndown(), 0);
}

/* A recycle due while a sibling is down waits until it is back. */
static void
test_waits_for_siblings(void **state)
{
	struct process	*w0 = members[0], *w1 = members[1];

	all_running();
	uptime_passes(w0);
	respawned(w0);
	uptime_passes(w1);
	assert_int_equal(w1->state, PROCESS_RUNNING);	/* pending */
	assert_int_equal(nkills, 1);
	started(w0);
	/* w0's bounce is over, so w1 goes now, and alone. */
	assert_int_equal(w1->state, PROCESS_STOPPING);
	assert_int_equal(nkills, 2);
	assert_int_equal(ndown(), 1);
	respawned(w1);
	started(w1);
	assert_int_equal(ndown(), 0);
}

/*
 * Two members that recycle each other in turn, in step, must not starve
 * a third that asked first: waiting recycles go oldest first. (Seen in
 * the black-box suite: w_1 kept its first pid for three minutes while
 * w_0 and w_2 were recycled ninety times each.)
 */
static void
test_waiting_recycles_go_in_order(void **state)
{
	struct process	*w0 = members[0], *w1 = members[1], *w2 = members[2];
	int		 round;

	all_running();
	uptime_passes(w0);
	respawned(w0);
	uptime_passes(w1);		/* asks first */
	for (round = 0; round < 3; round++) {
		/* w2 asks later; then w0 comes back. */
		uptime_passes(w2);
		assert_int_equal(ndown(), 1);
		started(w0);
		assert_int_equal(ndown(), 1);
		if (w1->state == PROCESS_STOPPING)
			break;
		/* The starving order: w2 went, and w0 will ask next. */
		assert_int_equal(w2->state, PROCESS_STOPPING);
		respawned(w2);
		uptime_passes(w0);
		started(w2);
	}
	assert_int_equal(round, 0);
	assert_int_equal(w1->state, PROCESS_STOPPING);
	assert_int_equal(w2->state, PROCESS_RUNNING);	/* still waiting */
	respawned(w1);
	started(w1);
	/* Then w2, which asked next. */
	assert_int_equal(w2->state, PROCESS_STOPPING);
	respawned(w2);
	started(w2);
	assert_int_equal(ndown(), 0);
	assert_null(TAILQ_FIRST(&recycle_pending));
}

/*
 * With a health_check, a member is back at its first passing check, after
 * RUNNING: a recycle waiting for it goes then, not at the next start.
 */
static void
test_waits_for_a_siblings_health(void **state)
{
	struct process	*w0 = members[0], *w1 = members[1];
	int		 i;

	for (i = 0; i < NMEMBERS; i++)
		health[i] = PROCINFO_HEALTH_OK;
	all_running();
	uptime_passes(w0);
	respawned(w0);
	health[0] = PROCINFO_HEALTH_UNKNOWN;	/* no result since the start */
	uptime_passes(w1);
	started(w0);
	assert_int_equal(w1->state, PROCESS_RUNNING);	/* still waiting */
	assert_int_equal(nkills, 1);
	healthy(w0);
	assert_int_equal(w1->state, PROCESS_STOPPING);
	assert_int_equal(ndown(), 1);
}

/* A pending recycle is forgotten with its record, when p leaves RUNNING. */
static void
test_pending_dropped_when_stopped(void **state)
{
	struct process	*w0 = members[0], *w1 = members[1];

	all_running();
	uptime_passes(w0);
	respawned(w0);
	uptime_passes(w1);
	assert_non_null(TAILQ_FIRST(&recycle_pending));
	assert_null(process_stop(w1));
	assert_null(TAILQ_FIRST(&recycle_pending));
	assert_int_equal(recycle_n, NMEMBERS - 2);
	process_reaped(w1, KILLED_BY(SIGTERM));
	started(w0);
	assert_int_equal(w1->state, PROCESS_STOPPED);
}

/* No recycle while the daemon is shutting down. */
static void
test_no_recycle_while_shutting_down(void **state)
{
	struct process	*w0 = members[0];

	all_running();
	accepts = 0;
	uptime_passes(w0);
	assert_int_equal(w0->state, PROCESS_RUNNING);
	assert_int_equal(nkills, 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_uptime_recycles_a_lone_member),
		T(test_waits_for_siblings),
		T(test_waiting_recycles_go_in_order),
		T(test_waits_for_a_siblings_health),
		T(test_pending_dropped_when_stopped),
		T(test_no_recycle_while_shutting_down),
	};
#undef T

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
