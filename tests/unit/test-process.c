/*
 * Unit tests for the process state machine (process.c) with a fake spawn:
 * spawning hands out a made-up pid, kill() is caught and recorded, the
 * reaper is the test calling process_reaped() with a wait status, and a
 * deadline "passes" when the test makes its timer active. So every
 * transition runs on a real event_base without waiting for one.
 */
#include <sys/types.h>
#include <sys/time.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "capture.h"
#include "config.h"
#include "config-value.h"
#include "event.h"
#include "group.h"
#include "process.h"
#include "spawn.h"

#include "fake-process.h"

static struct event_base *base;
static int		 accepts = 1;

/* Every state the observer saw, in order. */
static enum process_state seen[64];
static int		 nseen;

static int
test_accepts_starts(void)
{
	return (accepts);
}

static const struct process_hooks test_hooks = {
	.accepts_starts = test_accepts_starts,
};

static void
test_observer(struct process *p, enum process_state old, void *arg)
{
	if (nseen < (int)(sizeof seen / sizeof seen[0]))
		seen[nseen++] = p->state;
}

/* One program in its own group. */
struct fake {
	struct group_config	 gc;
	struct group		 g;
	struct process_config	 pc;
	int			 exitcodes[2];
	struct process		*p;
};

static struct fake	 fake;

static int
setup(void **state)
{
	memset(&fake, 0, sizeof fake);
	fake.gc.name = "prog";
	fake.g.config = &fake.gc;
	fake.g.fcgi_fd = -1;
	fake.pc.name = "prog";
	fake.pc.group = &fake.gc;
	fake.pc.command = "/bin/true";
	fake.pc.autostart = 1;
	fake.pc.autorestart = AUTORESTART_UNEXPECTED;
	/* Long, so a slow test never outlives it by accident. */
	fake.pc.startsecs = 10;
	fake.pc.startretries = 3;
	fake.pc.stopsignal = SIGTERM;
	fake.pc.stopwaitsecs = 10;
	fake.exitcodes[0] = 0;
	fake.pc.exitcodes = fake.exitcodes;
	fake.pc.nexitcodes = 1;
	fake.p = process_create(&fake.pc, &fake.g);

	base = event_base_new();
	process_init(base, &test_hooks);
	process_add_observer(test_observer, NULL);
	accepts = 1;
	fake_process_reset();
	nseen = 0;
	return (0);
}

static int
teardown(void **state)
{
	process_remove_observer(test_observer, NULL);
	process_unref(fake.p);
	event_base_free(base);
	return (0);
}

/* The process's deadline is armed about secs from now. */
static void
assert_armed(struct process *p, int secs)
{
	struct timeval	 tv, now;
	double		 left;

	assert_non_null(p->timer);
	assert_true(evtimer_pending(p->timer, &tv));
	gettimeofday(&now, NULL);
	left = (tv.tv_sec - now.tv_sec) + (tv.tv_usec - now.tv_usec) / 1e6;
	/* Loose below: the test may be slow, never early or late by much. */
	assert_true(left <= secs + 0.5);
	assert_true(left > secs - 5);
}

/* Make the current deadline pass now and run its callback. */
static void
expire(struct process *p)
{
	assert_non_null(p->timer);
	assert_true(evtimer_pending(p->timer, NULL));
	evtimer_del(p->timer);
	event_active(p->timer, EV_TIMEOUT, 1);
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void
assert_seen(int n, ...)
{
	va_list	ap;
	int	i;

	va_start(ap, n);
	assert_int_equal(nseen, n);
	for (i = 0; i < n; i++)
		assert_int_equal(seen[i], va_arg(ap, int));
	va_end(ap);
	nseen = 0;
}

static void
test_start_to_running(void **state)
{
	struct process	*p = fake.p;
	pid_t		 pid;

	assert_int_equal(p->state, PROCESS_STOPPED);
	pid = process_spawn(p);
	assert_int_equal(pid, FAKE_PID + 1);
	assert_int_equal(p->pid, pid);
	assert_ptr_equal(process_find_by_pid(pid), p);
	assert_int_equal(p->state, PROCESS_STARTING);
	assert_armed(p, 10);
	expire(p);
	assert_int_equal(p->state, PROCESS_RUNNING);
	assert_seen(2, PROCESS_STARTING, PROCESS_RUNNING);
}

static void
test_startsecs_zero_is_running_at_once(void **state)
{
	struct process	*p = fake.p;

	fake.pc.startsecs = 0;
	process_spawn(p);
	assert_int_equal(p->state, PROCESS_RUNNING);
	assert_seen(2, PROCESS_STARTING, PROCESS_RUNNING);
}

static void
test_backoff_to_fatal(void **state)
{
	struct process	*p = fake.p;
	int		 i;

	fake.pc.startretries = 2;
	process_spawn(p);
	for (i = 1; i <= 2; i++) {
		/* Dies before startsecs: BACKOFF, retried after i seconds. */
		process_reaped(p, EXITED_WITH(1));
		assert_int_equal(p->state, PROCESS_BACKOFF);
		assert_int_equal(p->backoff, i);
		assert_string_equal(p->spawnerr,
		    "Exited too quickly (process log may have details)");
		assert_armed(p, i);
		expire(p);
		assert_int_equal(p->state, PROCESS_STARTING);
	}
	process_reaped(p, EXITED_WITH(1));
	assert_int_equal(p->state, PROCESS_BACKOFF);
	assert_int_equal(p->backoff, 3);
	/* Past startretries: FATAL at once, no further spawn. */
	assert_armed(p, 0);
	expire(p);
	assert_int_equal(p->state, PROCESS_FATAL);
	assert_int_equal(spawns, 3);
	assert_int_equal(p->pid, 0);
	assert_seen(7, PROCESS_STARTING, PROCESS_BACKOFF, PROCESS_STARTING,
	    PROCESS_BACKOFF, PROCESS_STARTING, PROCESS_BACKOFF, PROCESS_FATAL);
}

static void
test_spawn_failure_is_backoff(void **state)
{
	struct process	*p = fake.p;

	spawn_fails = 1;
	assert_int_equal(process_spawn(p), 0);
	assert_int_equal(p->state, PROCESS_BACKOFF);
	assert_string_equal(p->spawnerr, "fake failure");
	spawn_fails = 0;
	expire(p);
	assert_int_equal(p->state, PROCESS_STARTING);
	assert_int_equal(p->backoff, 1);
	expire(p);
	/* RUNNING clears the count of failed attempts. */
	assert_int_equal(p->state, PROCESS_RUNNING);
	assert_int_equal(p->backoff, 0);
}

/* RUNNING, then the child exits with code. */
static void
run_and_exit(int code)
{
	fake.pc.startsecs = 0;
	process_spawn(fake.p);
	assert_int_equal(fake.p->state, PROCESS_RUNNING);
	nseen = 0;
	process_reaped(fake.p, EXITED_WITH(code));
}

static void
test_expected_exit_is_not_restarted(void **state)
{
	fake.exitcodes[1] = 2;
	fake.pc.nexitcodes = 2;
	run_and_exit(2);
	assert_int_equal(fake.p->state, PROCESS_EXITED);
	assert_int_equal(fake.p->exitstatus, 2);
	assert_int_equal(spawns, 1);
	assert_seen(1, PROCESS_EXITED);
}

static void
test_unexpected_exit_is_restarted(void **state)
{
	run_and_exit(3);
	assert_int_equal(spawns, 2);
	assert_int_equal(fake.p->state, PROCESS_RUNNING);
	assert_seen(3, PROCESS_EXITED, PROCESS_STARTING, PROCESS_RUNNING);
}

static void
test_autorestart_true_restarts_any_exit(void **state)
{
	fake.pc.autorestart = AUTORESTART_TRUE;
	run_and_exit(0);
	assert_int_equal(spawns, 2);
	assert_int_equal(fake.p->state, PROCESS_RUNNING);
}

static void
test_autorestart_false_never_restarts(void **state)
{
	fake.pc.autorestart = AUTORESTART_FALSE;
	run_and_exit(3);
	assert_int_equal(spawns, 1);
	assert_int_equal(fake.p->state, PROCESS_EXITED);
	assert_string_equal(fake.p->spawnerr, "Bad exit code 3");
}

static void
test_no_restart_while_the_daemon_stops(void **state)
{
	fake.pc.autorestart = AUTORESTART_TRUE;
	accepts = 0;
	run_and_exit(3);
	assert_int_equal(spawns, 1);
	assert_int_equal(fake.p->state, PROCESS_EXITED);
}

static void
test_stop_to_stopped(void **state)
{
	struct process	*p = fake.p;
	pid_t		 pid;

	fake.pc.startsecs = 0;
	pid = process_spawn(p);
	nseen = 0;
	assert_null(process_stop(p));
	assert_int_equal(p->state, PROCESS_STOPPING);
	assert_int_equal(nkills, 1);
	assert_int_equal(killed_pid, pid);
	assert_int_equal(killed_sig, SIGTERM);
	assert_armed(p, 10);
	process_reaped(p, KILLED_BY(SIGTERM));
	assert_int_equal(p->state, PROCESS_STOPPED);
	assert_int_equal(p->pid, 0);
	assert_null(process_find_by_pid(pid));
	/* An administrative stop is not restarted, whatever autorestart says. */
	assert_int_equal(spawns, 1);
	assert_seen(2, PROCESS_STOPPING, PROCESS_STOPPED);
}

static void
test_sigkill_after_stopwaitsecs(void **state)
{
	struct process	*p = fake.p;
	pid_t		 pid;

	fake.pc.startsecs = 0;
	fake.pc.stopwaitsecs = 3;
	fake.pc.stopasgroup = 1;
	fake.pc.killasgroup = 1;
	pid = process_spawn(p);
	process_stop(p);
	assert_int_equal(killed_pid, -pid);
	assert_int_equal(killed_sig, SIGTERM);
	assert_armed(p, 3);
	expire(p);
	assert_int_equal(nkills, 2);
	assert_int_equal(killed_pid, -pid);
	assert_int_equal(killed_sig, SIGKILL);
	/* Still STOPPING, and the next deadline is armed again. */
	assert_int_equal(p->state, PROCESS_STOPPING);
	assert_armed(p, 3);
	process_reaped(p, KILLED_BY(SIGKILL));
	assert_int_equal(p->state, PROCESS_STOPPED);
}

static void
test_stop_in_backoff_is_stopped_without_a_signal(void **state)
{
	struct process	*p = fake.p;

	process_spawn(p);
	process_reaped(p, EXITED_WITH(1));
	assert_int_equal(p->state, PROCESS_BACKOFF);
	assert_null(process_stop(p));
	assert_int_equal(p->state, PROCESS_STOPPED);
	assert_int_equal(nkills, 0);
}

static void
test_give_up_turns_backoff_fatal(void **state)
{
	struct process	*p = fake.p;

	process_spawn(p);
	process_reaped(p, EXITED_WITH(1));
	process_give_up(p);
	assert_int_equal(p->state, PROCESS_FATAL);
	assert_int_equal(p->backoff, 0);
}

static void
test_autostart_only_once(void **state)
{
	fake.pc.startsecs = 0;
	process_autostart(fake.p);
	assert_int_equal(spawns, 1);
	process_stop(fake.p);
	process_reaped(fake.p, KILLED_BY(SIGTERM));
	process_autostart(fake.p);
	assert_int_equal(spawns, 1);
}

/* The check hooks as process-check.c would hand them down, faked. */
static int	 check_wait;	/* spawning's answer */
static int	 check_frees;

static int
test_check_spawning(struct process *p, struct spawn_args *sa, char **cause)
{
	if (check_wait < 0)
		*cause = strdup("cannot make a notify socket: fake");
	return (check_wait);
}

static void
test_check_free(struct process *p)
{
	check_frees++;
	p->check = NULL;
}

static const struct process_check_hooks test_check_hooks = {
	.spawning = test_check_spawning,
	.free = test_check_free,
};

static void
test_ready_check_holds_starting(void **state)
{
	struct process	*p = fake.p;

	process_set_check_hooks(&test_check_hooks);
	check_wait = 1;
	fake.pc.startsecs = 0;
	process_spawn(p);
	assert_int_equal(p->state, PROCESS_STARTING);
	assert_false(p->ready);
	process_set_ready(p);
	assert_int_equal(p->state, PROCESS_RUNNING);
	assert_seen(2, PROCESS_STARTING, PROCESS_RUNNING);
	process_set_check_hooks(NULL);
}

static void
test_not_ready_is_a_failed_start(void **state)
{
	struct process	*p = fake.p;
	const char	*why = "not ready after 1 s: no answer";
	int		 i;

	process_set_check_hooks(&test_check_hooks);
	check_wait = 1;
	fake.pc.startretries = 1;
	process_spawn(p);
	for (i = 1; i <= 2; i++) {
		process_not_ready(p, why);
		assert_int_equal(p->state, PROCESS_STOPPING);
		assert_int_equal(killed_sig, SIGTERM);
		assert_string_equal(p->spawnerr, why);
		process_reaped(p, KILLED_BY(SIGTERM));
		assert_int_equal(p->state, PROCESS_BACKOFF);
		assert_int_equal(p->backoff, i);
		expire(p);
	}
	/* Past startretries: FATAL, the reason kept for the description. */
	assert_int_equal(p->state, PROCESS_FATAL);
	assert_string_equal(p->spawnerr, why);
	assert_int_equal(spawns, 2);
	assert_seen(7, PROCESS_STARTING, PROCESS_STOPPING, PROCESS_BACKOFF,
	    PROCESS_STARTING, PROCESS_STOPPING, PROCESS_BACKOFF, PROCESS_FATAL);
	process_set_check_hooks(NULL);
}

static void
test_not_ready_while_the_daemon_stops_is_stopped(void **state)
{
	struct process	*p = fake.p;

	process_set_check_hooks(&test_check_hooks);
	check_wait = 1;
	process_spawn(p);
	process_not_ready(p, "not ready after 1 s: no answer");
	accepts = 0;
	process_reaped(p, KILLED_BY(SIGTERM));
	assert_int_equal(p->state, PROCESS_STOPPED);
	process_set_check_hooks(NULL);
}

static void
test_exit_before_ready_is_a_failed_start(void **state)
{
	struct process	*p = fake.p;

	process_set_check_hooks(&test_check_hooks);
	check_wait = 1;
	fake.pc.startsecs = 0;
	process_spawn(p);
	process_reaped(p, EXITED_WITH(0));
	assert_int_equal(p->state, PROCESS_BACKOFF);
	process_set_check_hooks(NULL);
}

static void
test_spawning_hook_failure_is_backoff(void **state)
{
	struct process	*p = fake.p;

	process_set_check_hooks(&test_check_hooks);
	check_wait = -1;
	assert_int_equal(process_spawn(p), 0);
	assert_int_equal(p->state, PROCESS_BACKOFF);
	assert_string_equal(p->spawnerr, "cannot make a notify socket: fake");
	assert_int_equal(spawns, 0);
	process_set_check_hooks(NULL);
}

static void
test_restart_stops_then_starts(void **state)
{
	struct process	*p = fake.p;

	fake.pc.startsecs = 0;
	process_spawn(p);
	assert_null(process_restart(p));
	assert_int_equal(killed_sig, SIGTERM);
	assert_int_equal(p->state, PROCESS_STOPPING);
	process_reaped(p, KILLED_BY(SIGTERM));
	assert_int_equal(p->state, PROCESS_RUNNING);
	assert_int_equal(spawns, 2);
	assert_seen(6, PROCESS_STARTING, PROCESS_RUNNING, PROCESS_STOPPING,
	    PROCESS_STOPPED, PROCESS_STARTING, PROCESS_RUNNING);
	/* Not running: nothing to restart. */
	process_stop(p);
	process_reaped(p, KILLED_BY(SIGTERM));
	assert_non_null(process_restart(p));
}

static void
test_status_text_is_the_starting_description(void **state)
{
	struct process	*p = fake.p;
	char		*desc;

	process_spawn(p);
	process_set_status_text(p, "warming up");
	desc = process_description(p, process_now());
	assert_string_equal(desc, "warming up");
	free(desc);
	/* Gone at the next spawn. */
	process_reaped(p, EXITED_WITH(1));
	expire(p);
	desc = process_description(p, process_now());
	assert_string_equal(desc, "");
	free(desc);
}

static void
test_check_freed_with_the_process(void **state)
{
	struct process	*p;

	process_set_check_hooks(&test_check_hooks);
	check_frees = 0;
	p = process_create(&fake.pc, &fake.g);
	p->check = (struct process_check *)&check_frees;
	process_unref(p);
	assert_int_equal(check_frees, 1);
	process_set_check_hooks(NULL);
}

static int	held_stops;

static int
test_hold_stop(struct process *p)
{
	held_stops++;
	return (1);
}

static const struct process_hooks hold_hooks = {
	.accepts_starts = test_accepts_starts,
	.before_stop = test_hold_stop,
};

static void
test_before_stop_holds_the_signal(void **state)
{
	struct process	*p = fake.p;
	pid_t		 pid;

	process_init(base, &hold_hooks);
	held_stops = 0;
	fake.pc.startsecs = 0;
	pid = process_spawn(p);
	assert_null(process_stop(p));
	/* Held: no signal, the state stays, a second stop asks nothing. */
	assert_int_equal(nkills, 0);
	assert_int_equal(p->state, PROCESS_RUNNING);
	assert_null(process_stop(p));
	assert_int_equal(held_stops, 1);
	process_stop_continue(p);
	assert_int_equal(nkills, 1);
	assert_int_equal(killed_pid, pid);
	assert_int_equal(killed_sig, SIGTERM);
	assert_int_equal(p->state, PROCESS_STOPPING);
	process_stop_continue(p);	/* once only */
	assert_int_equal(nkills, 1);
	process_reaped(p, KILLED_BY(SIGTERM));
	assert_int_equal(p->state, PROCESS_STOPPED);
}

static void
test_exit_while_stop_is_held_is_a_stop(void **state)
{
	struct process	*p = fake.p;

	process_init(base, &hold_hooks);
	fake.pc.startsecs = 0;
	fake.pc.autorestart = AUTORESTART_TRUE;
	process_spawn(p);
	process_stop(p);
	process_reaped(p, EXITED_WITH(1));
	assert_int_equal(p->state, PROCESS_STOPPED);
	assert_int_equal(spawns, 1);
	process_stop_continue(p);
	assert_int_equal(nkills, 0);
}

static void
test_spawns_are_counted(void **state)
{
	struct process	*p = fake.p;

	fake.pc.startsecs = 0;
	assert_int_equal(p->nspawns, 0);
	process_spawn(p);
	process_stop(p);
	process_reaped(p, KILLED_BY(SIGTERM));
	process_spawn(p);
	assert_int_equal(p->nspawns, 2);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_start_to_running),
		T(test_startsecs_zero_is_running_at_once),
		T(test_backoff_to_fatal),
		T(test_spawn_failure_is_backoff),
		T(test_expected_exit_is_not_restarted),
		T(test_unexpected_exit_is_restarted),
		T(test_autorestart_true_restarts_any_exit),
		T(test_autorestart_false_never_restarts),
		T(test_no_restart_while_the_daemon_stops),
		T(test_stop_to_stopped),
		T(test_before_stop_holds_the_signal),
		T(test_exit_while_stop_is_held_is_a_stop),
		T(test_spawns_are_counted),
		T(test_sigkill_after_stopwaitsecs),
		T(test_stop_in_backoff_is_stopped_without_a_signal),
		T(test_give_up_turns_backoff_fatal),
		T(test_autostart_only_once),
		T(test_ready_check_holds_starting),
		T(test_not_ready_is_a_failed_start),
		T(test_not_ready_while_the_daemon_stops_is_stopped),
		T(test_exit_before_ready_is_a_failed_start),
		T(test_spawning_hook_failure_is_backoff),
		T(test_restart_stops_then_starts),
		T(test_status_text_is_the_starting_description),
		T(test_check_freed_with_the_process),
	};
#undef T

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
