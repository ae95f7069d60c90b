/*
 * An active probe's life: its deadline, the single call of done, and its
 * end. Each kind (check-tcp.c, check-http.c, check-exec.c) calls
 * check_probe_finish() once; check-start.c picks the kind. This file knows
 * no kind: a probe carries its kind's stop function.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "check-probe.h"
#include "xmalloc.h"

static void	check_probe_stop_kind(struct check_probe *);

static void
check_probe_timeout_cb(evutil_socket_t fd, short events, void *arg)
{
	struct check_probe	*cp = arg;

	check_probe_finish(cp, 0, "timed out after %g s", cp->timeout);
}

struct check_probe *
check_probe_new(struct event_base *base, const struct check_spec *spec,
    double timeout, void (*stop)(struct check_probe *))
{
	struct check_probe	*cp;
	struct timeval		 tv;

	cp = xcalloc(1, sizeof *cp);
	cp->base = base;
	cp->spec = spec;
	cp->timeout = timeout;
	cp->stop = stop;
	cp->fd = -1;
	cp->pid = -1;
	cp->timer = evtimer_new(base, check_probe_timeout_cb, cp);
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
	evtimer_add(cp->timer, &tv);
	return (cp);
}

/*
 * A kind may finish synchronously from its start function (a refused
 * unix connect, a failed fork): done still runs from the loop, so the
 * caller of check_probe_start never sees its callback before the call
 * returns.
 */
static void
check_probe_deliver_cb(evutil_socket_t fd, short events, void *arg)
{
	struct check_probe	*cp = arg;
	check_done_fn		 done = cp->done;
	void			*done_arg = cp->arg;
	int			 ok = cp->ok;
	char			*result = cp->result;

	cp->result = NULL;
	check_probe_free(cp);
	done(ok, result, done_arg);
	free(result);
}

void
check_probe_finish(struct check_probe *cp, int ok, const char *fmt, ...)
{
	va_list	ap;

	if (cp->finished)
		return;
	cp->finished = 1;
	cp->ok = ok;
	va_start(ap, fmt);
	xvasprintf(&cp->result, fmt, ap);
	va_end(ap);
	check_probe_stop_kind(cp);
	evtimer_del(cp->timer);
	event_base_once(cp->base, -1, EV_TIMEOUT, check_probe_deliver_cb, cp,
	    NULL);
}

/* Release what the kind holds: connection, descriptor, child. */
static void
check_probe_stop_kind(struct check_probe *cp)
{
	if (cp->stop != NULL)
		cp->stop(cp);
}

void
check_probe_free(struct check_probe *cp)
{
	check_probe_stop_kind(cp);
	if (cp->timer != NULL)
		event_free(cp->timer);
	free(cp->result);
	free(cp);
}

void
check_probe_cancel(struct check_probe *cp)
{
	if (cp == NULL)
		return;
	/* Already finished: the delivery is queued and owns cp. */
	if (cp->finished) {
		cp->done = check_probe_ignore;
		return;
	}
	check_probe_free(cp);
}

void
check_probe_ignore(int ok, const char *result, void *arg)
{
}

