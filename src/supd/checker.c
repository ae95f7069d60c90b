/*
 * One process's checks over time. While the process starts, its
 * ready_check is polled, first after 50 ms and then backing off to once a
 * second, until it passes or ready_timeout runs out; log: and notify
 * checks wait for a line or a READY=1 instead. Once the process runs, its
 * health_check runs every health_interval, one probe at a time, each cut
 * at health_timeout; health_retries failures in a row make it unhealthy.
 * A notify health check is a watchdog: WATCHDOG=1 must come every
 * health_interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "checker.h"
#include "xmalloc.h"

#define CHECKER_POLL_FIRST	0.05	/* s, first ready poll */
#define CHECKER_POLL_MAX	1.0	/* s, slowest ready poll */
#define CHECKER_PROBE_MAX	10.0	/* s, longest ready probe */

enum checker_phase {
	CHECKER_IDLE,
	CHECKER_READY,		/* waiting for the ready_check */
	CHECKER_HEALTH,		/* running: health checks */
};

struct checker {
	struct event_base	*base;
	struct checker_config	 cf;
	const struct checker_ops *ops;
	void			*arg;

	enum checker_phase	 phase;
	int			 ready;
	enum checker_health	 health;
	int			 failures;
	char			*last_result;
	char			*status_text;

	struct check_probe	*probe;		/* at most one in flight */
	struct event		*timer;		/* next poll, check, watchdog */
	struct event		*deadline;	/* ready_timeout */
	double			 poll_delay;
	struct timespec		 ready_begun;
	int			 log_seen;	/* log: health, this interval */
	struct check_notify	*notify;
};

static void	checker_timer_cb(evutil_socket_t, short, void *);
static void	checker_deadline_cb(evutil_socket_t, short, void *);

static void
checker_arm(struct event *ev, double secs)
{
	struct timeval	tv;

	if (secs < 0)
		secs = 0;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	evtimer_add(ev, &tv);
}

static double
checker_elapsed(const struct timespec *since)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((double)(now.tv_sec - since->tv_sec) +
	    (double)(now.tv_nsec - since->tv_nsec) / 1e9);
}

static void
checker_set_result(struct checker *cr, const char *result)
{
	free(cr->last_result);
	cr->last_result = xstrdup(result);
}

struct checker *
checker_create(struct event_base *base, const struct checker_config *cf,
    const struct checker_ops *ops, void *arg)
{
	struct checker	*cr;

	cr = xcalloc(1, sizeof *cr);
	cr->base = base;
	cr->cf = *cf;
	cr->ops = ops;
	cr->arg = arg;
	cr->health = cf->health != NULL ? CHECKER_HEALTH_UNKNOWN :
	    CHECKER_HEALTH_NONE;
	cr->timer = evtimer_new(base, checker_timer_cb, cr);
	cr->deadline = evtimer_new(base, checker_deadline_cb, cr);
	return (cr);
}

void
checker_free(struct checker *cr)
{
	if (cr == NULL)
		return;
	checker_stopped(cr);
	event_free(cr->timer);
	event_free(cr->deadline);
	check_notify_close(cr->notify);
	free(cr->last_result);
	free(cr->status_text);
	free(cr);
}

static int
checker_is_notify(const struct check_spec *spec)
{
	return (spec != NULL && spec->kind == CHECK_NOTIFY);
}

static int
checker_is_passive(const struct check_spec *spec)
{
	return (spec->kind == CHECK_LOG || spec->kind == CHECK_NOTIFY);
}

static void
checker_notify_cb(pid_t sender, const char *key, const char *value,
    void *arg)
{
	checker_notify(arg, sender, key, value);
}

const char *
checker_notify_socket(struct checker *cr, char **cause)
{
	if (!checker_is_notify(cr->cf.ready) &&
	    !checker_is_notify(cr->cf.health))
		return (NULL);
	if (cr->notify == NULL)
		cr->notify = check_notify_open(cr->base, checker_notify_cb, cr,
		    cause);
	return (cr->notify != NULL ? check_notify_address(cr->notify) : NULL);
}

/* Cancel whatever is in flight; the phase's state stays. */
static void
checker_cancel(struct checker *cr)
{
	check_probe_cancel(cr->probe);
	cr->probe = NULL;
	evtimer_del(cr->timer);
	evtimer_del(cr->deadline);
}

void
checker_started(struct checker *cr)
{
	checker_cancel(cr);
	cr->ready = 0;
	cr->failures = 0;
	cr->log_seen = 0;
	cr->health = cr->cf.health != NULL ? CHECKER_HEALTH_UNKNOWN :
	    CHECKER_HEALTH_NONE;
	free(cr->status_text);
	cr->status_text = NULL;
	if (cr->cf.ready == NULL) {
		cr->phase = CHECKER_IDLE;
		return;
	}
	cr->phase = CHECKER_READY;
	checker_set_result(cr, "");
	clock_gettime(CLOCK_MONOTONIC, &cr->ready_begun);
	checker_arm(cr->deadline, cr->cf.ready_timeout);
	if (!checker_is_passive(cr->cf.ready)) {
		cr->poll_delay = CHECKER_POLL_FIRST;
		checker_arm(cr->timer, cr->poll_delay);
	}
}

/* Readiness reached: stop polling and tell the process. */
static void
checker_become_ready(struct checker *cr)
{
	checker_cancel(cr);
	cr->phase = CHECKER_IDLE;
	cr->ready = 1;
	if (cr->ops->ready != NULL)
		cr->ops->ready(cr->arg);
}

static void
checker_ready_done_cb(int ok, const char *result, void *arg)
{
	struct checker	*cr = arg;

	cr->probe = NULL;
	checker_set_result(cr, result);
	if (ok) {
		checker_become_ready(cr);
		return;
	}
	checker_arm(cr->timer, cr->poll_delay);
	cr->poll_delay *= 2;
	if (cr->poll_delay > CHECKER_POLL_MAX)
		cr->poll_delay = CHECKER_POLL_MAX;
}

static void
checker_deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	struct checker	*cr = arg;
	const char	*last = cr->last_result;
	char		*reason;

	if (last == NULL || *last == '\0') {
		if (cr->cf.ready->kind == CHECK_NOTIFY)
			last = "no READY=1 received";
		else if (cr->cf.ready->kind == CHECK_LOG)
			last = "no line matched";
		else
			last = "no answer";
	}
	xasprintf(&reason, "not ready after %g s: %s", cr->cf.ready_timeout,
	    last);
	checker_cancel(cr);
	cr->phase = CHECKER_IDLE;
	checker_set_result(cr, reason);
	if (cr->ops->not_ready != NULL)
		cr->ops->not_ready(cr->arg, reason);
	free(reason);
}

/* One health result: count it, report it, maybe declare the process sick. */
static void
checker_health_result(struct checker *cr, int ok, const char *result)
{
	checker_set_result(cr, result);
	if (ok) {
		cr->failures = 0;
		cr->health = CHECKER_HEALTH_OK;
	} else {
		cr->failures++;
		cr->health = CHECKER_HEALTH_FAILING;
	}
	if (cr->ops->health != NULL)
		cr->ops->health(cr->arg, ok, cr->failures, result);
	if (!ok && cr->failures >= cr->cf.health_retries &&
	    cr->phase == CHECKER_HEALTH && cr->ops->unhealthy != NULL)
		cr->ops->unhealthy(cr->arg, cr->failures, result);
}

static void
checker_health_done_cb(int ok, const char *result, void *arg)
{
	struct checker	*cr = arg;

	cr->probe = NULL;
	/* The next check is an interval after this one ended: no overlap. */
	checker_arm(cr->timer, cr->cf.health_interval);
	checker_health_result(cr, ok, result);
}

static void
checker_health_tick(struct checker *cr)
{
	const struct check_spec	*spec = cr->cf.health;
	char			 text[128];
	int			 seen;

	switch (spec->kind) {
	case CHECK_NOTIFY:
		snprintf(text, sizeof text, "no WATCHDOG=1 in %g s",
		    cr->cf.health_interval);
		checker_arm(cr->timer, cr->cf.health_interval);
		checker_health_result(cr, 0, text);
		break;
	case CHECK_LOG:
		seen = cr->log_seen;
		cr->log_seen = 0;
		if (seen)
			snprintf(text, sizeof text, "a line matched");
		else
			snprintf(text, sizeof text, "no line matched in %g s",
			    cr->cf.health_interval);
		checker_arm(cr->timer, cr->cf.health_interval);
		checker_health_result(cr, seen, text);
		break;
	default:
		cr->probe = check_probe_start(cr->base, spec,
		    cr->cf.health_timeout, cr->ops->spawn, cr->ops->spawn_arg,
		    checker_health_done_cb, cr);
		break;
	}
}

static void
checker_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct checker	*cr = arg;
	double		 left;

	if (cr->phase == CHECKER_HEALTH) {
		checker_health_tick(cr);
		return;
	}
	if (cr->phase != CHECKER_READY)
		return;
	left = cr->cf.ready_timeout - checker_elapsed(&cr->ready_begun);
	if (left > CHECKER_PROBE_MAX)
		left = CHECKER_PROBE_MAX;
	if (left < 0.01)
		left = 0.01;
	cr->probe = check_probe_start(cr->base, cr->cf.ready, left,
	    cr->ops->spawn, cr->ops->spawn_arg, checker_ready_done_cb, cr);
}

void
checker_running(struct checker *cr)
{
	if (cr->cf.ready == NULL)
		cr->ready = 1;
	if (cr->cf.health == NULL || cr->phase == CHECKER_HEALTH)
		return;
	checker_cancel(cr);
	cr->phase = CHECKER_HEALTH;
	cr->log_seen = 0;
	checker_arm(cr->timer, cr->cf.health_interval);
}

void
checker_stopped(struct checker *cr)
{
	checker_cancel(cr);
	cr->phase = CHECKER_IDLE;
	cr->ready = 0;
}

void
checker_line(struct checker *cr, const char *line, size_t len)
{
	if (cr->phase == CHECKER_READY && cr->cf.ready->kind == CHECK_LOG &&
	    check_log_match(cr->cf.ready, line, len)) {
		checker_set_result(cr, "a line matched");
		checker_become_ready(cr);
		return;
	}
	if (cr->phase == CHECKER_HEALTH && cr->cf.health->kind == CHECK_LOG &&
	    check_log_match(cr->cf.health, line, len))
		cr->log_seen = 1;
}

void
checker_notify(struct checker *cr, pid_t sender, const char *key,
    const char *value)
{
	if (cr->ops->sender_ok != NULL && !cr->ops->sender_ok(cr->arg, sender))
		return;
	if (strcmp(key, "STATUS") == 0) {
		free(cr->status_text);
		cr->status_text = xstrdup(value);
		if (cr->ops->status != NULL)
			cr->ops->status(cr->arg, cr->status_text);
		return;
	}
	if (strcmp(key, "READY") == 0 && strcmp(value, "1") == 0) {
		if (cr->phase == CHECKER_READY &&
		    cr->cf.ready->kind == CHECK_NOTIFY) {
			checker_set_result(cr, "READY=1");
			checker_become_ready(cr);
		}
		return;
	}
	if (strcmp(key, "WATCHDOG") != 0 || cr->phase != CHECKER_HEALTH ||
	    cr->cf.health->kind != CHECK_NOTIFY)
		return;
	if (strcmp(value, "1") == 0) {
		checker_arm(cr->timer, cr->cf.health_interval);
		checker_health_result(cr, 1, "WATCHDOG=1");
	} else if (strcmp(value, "trigger") == 0) {
		checker_arm(cr->timer, cr->cf.health_interval);
		checker_health_result(cr, 0, "WATCHDOG=trigger");
	}
}

int
checker_is_ready(const struct checker *cr)
{
	return (cr->ready);
}

enum checker_health
checker_health(const struct checker *cr)
{
	return (cr->health);
}

const char *
checker_health_name(enum checker_health h)
{
	static const char *names[] = { "none", "unknown", "ok", "failing" };

	return (names[h]);
}

int
checker_failures(const struct checker *cr)
{
	return (cr->failures);
}

const char *
checker_last_result(const struct checker *cr)
{
	return (cr->last_result != NULL ? cr->last_result : "");
}

const char *
checker_status_text(const struct checker *cr)
{
	return (cr->status_text);
}

int
checker_wants_lines(const struct checker *cr)
{
	return ((cr->cf.ready != NULL && cr->cf.ready->kind == CHECK_LOG) ||
	    (cr->cf.health != NULL && cr->cf.health->kind == CHECK_LOG));
}
