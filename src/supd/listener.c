/*
 * Event-listener pools: Supervisor's EventListenerPool and
 * PEventListenerDispatcher, driven by the event loop instead of a poll.
 *
 * Every emitted event gets the next global serial; each pool that
 * subscribed appends it to its buffer with the next pool serial (dropping
 * the oldest when the buffer is full). A pool sends the oldest buffered
 * event to the first RUNNING listener that said READY, which is then BUSY
 * until it answers RESULT. A rejected answer, a bad RESULT line or the
 * listener's death puts the event back at the head of the buffer. Sending
 * is one non-blocking write into the listener's stdin buffer, so a stuck
 * listener only holds up its own pool.
 *
 * Dispatching is deferred to an active event (Supervisor dispatches on its
 * next loop pass), so a burst of events is buffered before any is sent.
 *
 * TICK_n events come from timers aligned to multiples of n seconds of wall
 * time, armed only while some pool subscribes to them.
 */
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "config.h"
#include "event.h"
#include "group.h"
#include "listener.h"
#include "log.h"
#include "process.h"
#include "server.h"
#include "xmalloc.h"

/* Values are Supervisor's (states.EventListenerStates). */
enum listener_state {
	LISTENER_READY = 10,
	LISTENER_BUSY = 20,
	LISTENER_ACKNOWLEDGED = 30,
	LISTENER_UNKNOWN = 40,
};

static const char listener_ready_token[] = "READY\n";
#define LISTENER_READY_LEN	(sizeof listener_ready_token - 1)
/* Carries the global serial across a restart's exec. */
#define LISTENER_SERIAL_ENV	"SUPD_EVENT_SERIAL"
/* Only the length of "RESULT " is skipped; Supervisor never checks it. */
#define LISTENER_RESULT_SKIP	7

/* One emitted event, shared by every pool that buffers it. */
struct listener_event {
	int		 refs;
	enum event_type	 type;
	long long	 serial;
	char		*payload;
	size_t		 len;
};

/* An event in one pool's buffer, or held by the BUSY listener it went to. */
struct listener_entry {
	struct listener_event		*event;
	long long			 poolserial;
	TAILQ_ENTRY(listener_entry)	 entry;
};
TAILQ_HEAD(listener_entries, listener_entry);

struct listener_pool {
	struct group			*group;
	long long			 serial;
	struct listener_entries		 buffer;
	int				 nbuffer;
	uint64_t			 mask;
	/* How many of the pool's event names cover each concrete type. */
	int				 ncover[EVENT_NTYPES];
	struct event			*dispatch_ev;
	int				 dispatching;
	TAILQ_ENTRY(listener_pool)	 entry;
};

/* Protocol state of one listener process (p->listener). */
struct listener {
	struct process		*proc;
	struct listener_pool	*pool;
	enum listener_state	 state;
	struct listener_entry	*held;		/* sent, awaiting RESULT */
	struct evbuffer		*input;		/* stdout not yet understood */
	long long		 resultlen;	/* -1: RESULT line not read */
	struct evbuffer		*result;
};

static TAILQ_HEAD(, listener_pool) listener_pools =
    TAILQ_HEAD_INITIALIZER(listener_pools);
static long long	listener_serial = -1;

/* The TICK types; a new period is one line. */
static struct {
	enum event_type	 type;
	int		 period;
	struct event	*ev;
	long long	 last;	/* the time slice last reported */
} listener_ticks[] = {
	{ EVENT_TICK_5, 5, NULL, 0 },
	{ EVENT_TICK_60, 60, NULL, 0 },
	{ EVENT_TICK_3600, 3600, NULL, 0 },
};
#define LISTENER_NTICKS	(sizeof listener_ticks / sizeof listener_ticks[0])

static void	listener_dispatch_cb(evutil_socket_t, short, void *);

static const char *
listener_state_name(enum listener_state state)
{
	switch (state) {
	case LISTENER_READY:
		return ("READY");
	case LISTENER_BUSY:
		return ("BUSY");
	case LISTENER_ACKNOWLEDGED:
		return ("ACKNOWLEDGED");
	case LISTENER_UNKNOWN:
		return ("UNKNOWN");
	}
	return ("?");
}

/* Supervisor's new_serial(): counts from 0, wraps to 0 after maxint. */
static long long
listener_next_serial(long long *serial)
{
	if (*serial == LLONG_MAX)
		*serial = -1;
	return (++*serial);
}

static void
listener_event_unref(struct listener_event *ev)
{
	if (--ev->refs > 0)
		return;
	free(ev->payload);
	free(ev);
}

static struct listener_entry *
listener_entry_new(struct listener_event *ev, long long poolserial)
{
	struct listener_entry	*e;

	e = xcalloc(1, sizeof *e);
	e->event = ev;
	ev->refs++;
	e->poolserial = poolserial;
	return (e);
}

static void
listener_entry_free(struct listener_entry *e)
{
	if (e == NULL)
		return;
	listener_event_unref(e->event);
	free(e);
}

static const char *
listener_pool_name(const struct listener_pool *pool)
{
	return (pool->group->config->name);
}

/* Run the pool's dispatch once the current callbacks are done. */
static void
listener_schedule(struct listener_pool *pool)
{
	if (!pool->dispatching)
		event_active(pool->dispatch_ev, EV_TIMEOUT, 1);
}

/*
 * Supervisor's _acceptEvent() once the pool serial is known: make room by
 * discarding the oldest event, then append (or, for an event coming back,
 * put it first).
 */
static void
listener_buffer(struct listener_pool *pool, struct listener_entry *e,
    int head)
{
	struct listener_entry	*old;

	if (pool->nbuffer >= pool->group->config->buffer_size &&
	    (old = TAILQ_FIRST(&pool->buffer)) != NULL) {
		TAILQ_REMOVE(&pool->buffer, old, entry);
		pool->nbuffer--;
		log_error("pool %s event buffer overflowed, discarding event "
		    "%lld", listener_pool_name(pool), old->event->serial);
		listener_entry_free(old);
	}
	if (head)
		TAILQ_INSERT_HEAD(&pool->buffer, e, entry);
	else
		TAILQ_INSERT_TAIL(&pool->buffer, e, entry);
	pool->nbuffer++;
	listener_schedule(pool);
}

/* An event this pool already numbered goes back in, at the head. */
static void
listener_rebuffer(struct listener_pool *pool, struct listener_entry *e,
    int head)
{
	log_debug("rebuffering event %lld for pool %s (buf size=%d, max=%d)",
	    e->event->serial, listener_pool_name(pool), pool->nbuffer,
	    pool->group->config->buffer_size);
	listener_buffer(pool, e, head);
}

/*
 * The event sink. Supervisor subscribes a pool once per event name, so a
 * pool whose names overlap (PROCESS_STATE and PROCESS_STATE_EXITED) is
 * handed the event once per name: the first time numbers it, the others
 * append copies with the same serials. Listeners written for Supervisor
 * see those copies there, so they see them here too.
 */
static void
listener_sink(enum event_type type, const char *payload, size_t len,
    void *arg)
{
	struct listener_event	*ev;
	struct listener_pool	*pool;
	struct listener_entry	*e;
	long long		 poolserial;
	int			 i;

	ev = xcalloc(1, sizeof *ev);
	ev->refs = 1;
	ev->type = type;
	ev->serial = listener_next_serial(&listener_serial);
	ev->payload = xmalloc(len + 1);
	memcpy(ev->payload, payload, len);
	ev->payload[len] = '\0';
	ev->len = len;
	TAILQ_FOREACH(pool, &listener_pools, entry) {
		if (pool->ncover[type] == 0)
			continue;
		poolserial = listener_next_serial(&pool->serial);
		for (i = 0; i < pool->ncover[type]; i++) {
			e = listener_entry_new(ev, poolserial);
			if (i == 0)
				listener_buffer(pool, e, 0);
			else
				listener_rebuffer(pool, e, 0);
		}
	}
	listener_event_unref(ev);
}

/* Code points in UTF-8 text: what Python's len() says of the payload. */
static size_t
listener_chars(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

void
listener_envelope(struct evbuffer *b, const char *server, long long serial,
    const char *pool, long long poolserial, const char *eventname,
    const char *payload, size_t len)
{
	evbuffer_add_printf(b, "ver:3.0 server:%s serial:%lld pool:%s "
	    "poolserial:%lld eventname:%s len:%zu\n", server, serial, pool,
	    poolserial, eventname, listener_chars(payload, len));
	evbuffer_add(b, payload, len);
}

static const char *
listener_identifier(void)
{
	if (server_config == NULL || server_config->identifier == NULL)
		return ("supervisor");
	return (server_config->identifier);
}

/*
 * Supervisor's _dispatchEvent(): give the event to the first RUNNING
 * listener that is READY. A listener whose stdin is gone is passed over
 * and keeps its state. Returns 1 if the event went out.
 */
static int
listener_send(struct listener_pool *pool, struct listener_entry *e)
{
	struct group	*g = pool->group;
	struct process	*p;
	struct listener	*l;
	struct evbuffer	*b;
	int		 i, rc;

	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		l = p->listener;
		if (p->state != PROCESS_RUNNING || l == NULL ||
		    l->state != LISTENER_READY)
			continue;
		b = evbuffer_new();
		listener_envelope(b, listener_identifier(), e->event->serial,
		    listener_pool_name(pool), e->poolserial,
		    event_type_name(e->event->type), e->event->payload,
		    e->event->len);
		rc = process_write_stdin(p, evbuffer_pullup(b, -1),
		    evbuffer_get_length(b));
		evbuffer_free(b);
		if (rc != 0) {
			log_debug("epipe occurred while sending event %lld to "
			    "listener %s, listener state unchanged",
			    e->event->serial, p->config->name);
			continue;
		}
		l->state = LISTENER_BUSY;
		l->held = e;
		log_debug("event %lld sent to listener %s", e->event->serial,
		    p->config->name);
		return (1);
	}
	return (0);
}

/* Whether some listener of the pool could take an event now. */
static int
listener_pool_capable(const struct listener_pool *pool)
{
	struct process	*p;
	struct listener	*l;
	int		 i;

	for (i = 0; i < pool->group->nprocs; i++) {
		p = pool->group->procs[i];
		l = p->listener;
		if (p->state == PROCESS_RUNNING && l != NULL &&
		    l->state == LISTENER_READY)
			return (1);
	}
	return (0);
}

/*
 * Supervisor's dispatch(): send the oldest events while listeners take
 * them; the first that cannot go out goes back and ends the pass.
 */
static void
listener_dispatch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener_pool	*pool = arg;
	struct listener_entry	*e;

	if (!listener_pool_capable(pool))
		return;
	pool->dispatching = 1;
	while ((e = TAILQ_FIRST(&pool->buffer)) != NULL) {
		TAILQ_REMOVE(&pool->buffer, e, entry);
		pool->nbuffer--;
		if (!listener_send(pool, e)) {
			listener_rebuffer(pool, e, 1);
			break;
		}
	}
	pool->dispatching = 0;
}

static void
listener_set_state(struct listener *l, enum listener_state state)
{
	const char	*name = l->proc->config->name;

	log_debug("%s: %s -> %s", name, listener_state_name(l->state),
	    listener_state_name(state));
	l->state = state;
	if (state == LISTENER_UNKNOWN)
		log_warn("%s: has entered the UNKNOWN state and will no longer "
		    "receive events, this usually indicates the process "
		    "violated the eventlistener protocol", name);
	if (state == LISTENER_READY && l->pool != NULL)
		listener_schedule(l->pool);
}

/* Supervisor's EventRejectedEvent: the held event goes back first. */
static void
listener_reject(struct listener *l)
{
	struct listener_entry	*e = l->held;

	l->held = NULL;
	if (e == NULL)
		return;
	if (l->pool == NULL) {
		listener_entry_free(e);
		return;
	}
	listener_rebuffer(l->pool, e, 1);
}

/* The listener broke the protocol: it gets nothing more until respawned. */
static void
listener_violated(struct listener *l)
{
	listener_set_state(l, LISTENER_UNKNOWN);
	evbuffer_drain(l->input, evbuffer_get_length(l->input));
}

/* default_handler: "OK" accepts the event; anything else rejects it. */
static void
listener_result(struct listener *l)
{
	const char	*name = l->proc->config->name;
	size_t		 len = evbuffer_get_length(l->result);

	if (len == 2 && memcmp(evbuffer_pullup(l->result, -1), "OK", 2) == 0) {
		log_debug("%s: event was processed", name);
		listener_set_state(l, LISTENER_ACKNOWLEDGED);
		listener_entry_free(l->held);
		l->held = NULL;
	} else {
		log_warn("%s: event was rejected", name);
		listener_set_state(l, LISTENER_ACKNOWLEDGED);
		listener_reject(l);
	}
	evbuffer_drain(l->result, len);
	l->resultlen = -1;
}

int
listener_parse_len(const char *s, size_t len, long long *out)
{
	const char	*end = s + len;
	long long	 v = 0;
	int		 neg = 0, digits = 0;

	while (s < end && strchr(" \t\n\v\f\r", *s) != NULL && *s != '\0')
		s++;
	while (end > s && strchr(" \t\n\v\f\r", end[-1]) != NULL &&
	    end[-1] != '\0')
		end--;
	if (s < end && (*s == '+' || *s == '-'))
		neg = *s++ == '-';
	for (; s < end; s++) {
		/* One underscore between digits, as int() allows. */
		if (*s == '_' && digits > 0 && s + 1 < end && s[1] >= '0' &&
		    s[1] <= '9')
			continue;
		if (*s < '0' || *s > '9')
			return (-1);
		digits++;
		v = v > (LLONG_MAX - 9) / 10 ? LLONG_MAX : v * 10 + (*s - '0');
	}
	if (digits == 0)
		return (-1);
	*out = neg ? -v : v;
	return (0);
}

/* BUSY, no length yet: wait for the whole RESULT line and parse it. */
static int
listener_read_result_line(struct listener *l)
{
	struct evbuffer_ptr	 pos;
	struct evbuffer		*cause;
	const char		*line;
	size_t			 n;
	long long		 v;

	pos = evbuffer_search(l->input, "\n", 1, NULL);
	if (pos.pos == -1)
		return (0);
	n = pos.pos;
	line = (const char *)evbuffer_pullup(l->input, n + 1);
	if (n >= LISTENER_RESULT_SKIP && listener_parse_len(line +
	    LISTENER_RESULT_SKIP, n - LISTENER_RESULT_SKIP, &v) == 0 &&
	    v >= 0) {
		l->resultlen = v;
		evbuffer_drain(l->input, n + 1);
		return (1);
	}
	/*
	 * Supervisor would wedge on a negative length; supd treats it as the
	 * bad line it is.
	 */
	cause = evbuffer_new();
	event_add_text(cause, line, n);
	log_warn("%s: bad result line: '%.*s'", l->proc->config->name,
	    (int)evbuffer_get_length(cause), evbuffer_pullup(cause, -1));
	evbuffer_free(cause);
	listener_violated(l);
	listener_reject(l);
	return (0);
}

/* BUSY with a length: collect that many bytes, then judge them. */
static int
listener_read_result_body(struct listener *l)
{
	size_t	have = evbuffer_get_length(l->result);
	size_t	want;

	if ((long long)have < l->resultlen) {
		want = (size_t)(l->resultlen - (long long)have);
		evbuffer_remove_buffer(l->input, l->result, want);
		have = evbuffer_get_length(l->result);
	}
	if ((long long)have == l->resultlen)
		listener_result(l);
	return (1);
}

/*
 * Supervisor's handle_listener_state_change(), as a loop: consume what the
 * state allows, and go on while bytes are left. Like Supervisor, a length
 * is only acted on when more bytes follow it ("RESULT 0\n" alone waits).
 */
static void
listener_parse(struct listener *l)
{
	size_t	len;
	int	more = 1;

	while (more && (len = evbuffer_get_length(l->input)) > 0) {
		switch (l->state) {
		case LISTENER_UNKNOWN:
			evbuffer_drain(l->input, len);
			return;
		case LISTENER_ACKNOWLEDGED:
			if (len < LISTENER_READY_LEN)
				return;
			if (memcmp(evbuffer_pullup(l->input, LISTENER_READY_LEN),
			    listener_ready_token, LISTENER_READY_LEN) != 0) {
				listener_violated(l);
				return;
			}
			evbuffer_drain(l->input, LISTENER_READY_LEN);
			listener_set_state(l, LISTENER_READY);
			break;
		case LISTENER_READY:
			/* Nothing may come before an event is sent. */
			listener_violated(l);
			return;
		case LISTENER_BUSY:
			if (l->resultlen < 0)
				more = listener_read_result_line(l);
			else
				more = listener_read_result_body(l);
			break;
		}
	}
}

void
listener_input(struct process *p, const char *data, size_t len)
{
	struct listener	*l = p->listener;

	/* Output read after the reaper is done belongs to no protocol. */
	if (l == NULL || p->pid == 0)
		return;
	evbuffer_add(l->input, data, len);
	listener_parse(l);
}

/* A fresh process starts ACKNOWLEDGED: it must say READY first. */
static void
listener_reset(struct listener *l)
{
	listener_reject(l);
	l->state = LISTENER_ACKNOWLEDGED;
	evbuffer_drain(l->input, evbuffer_get_length(l->input));
	evbuffer_drain(l->result, evbuffer_get_length(l->result));
	l->resultlen = -1;
}

/*
 * Listener processes' state changes: a spawn resets the protocol, RUNNING
 * lets the pool send, and the reaper's verdict (STOPPED, EXITED, BACKOFF)
 * puts an unanswered event back in the pool, as Supervisor's finish()
 * does.
 */
static void
listener_observer(struct process *p, enum process_state old, void *arg)
{
	struct listener	*l = p->listener;

	if (l == NULL)
		return;
	switch (p->state) {
	case PROCESS_STARTING:
		listener_reset(l);
		break;
	case PROCESS_RUNNING:
		if (l->pool != NULL)
			listener_schedule(l->pool);
		break;
	case PROCESS_STOPPED:
	case PROCESS_EXITED:
	case PROCESS_BACKOFF:
		listener_reject(l);
		break;
	default:
		break;
	}
}

/* Supervisor's timeslice(): the start of the period holding t. */
static long long
listener_timeslice(int period, double t)
{
	long long	s = (long long)t;

	return (s - s % period);
}

static double
listener_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Wake just after the next multiple of the period. */
static void
listener_tick_arm(size_t i, double now)
{
	struct timeval	tv;
	double		wait;

	wait = listener_ticks[i].last + listener_ticks[i].period - now;
	if (wait < 0)
		wait = 0;
	wait += 0.001;
	tv.tv_sec = (time_t)wait;
	tv.tv_usec = (suseconds_t)((wait - tv.tv_sec) * 1e6);
	evtimer_add(listener_ticks[i].ev, &tv);
}

/*
 * Supervisor's tick(): when the wall clock has entered a new slice, emit
 * TICK_n with the slice's start. A timer that fires early (the loop's
 * clock is monotonic) just waits again.
 */
static void
listener_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	size_t		 i = (size_t)(uintptr_t)arg;
	double		 now = listener_now();
	long long	 slice;
	char		 buf[64];
	int		 n;

	slice = listener_timeslice(listener_ticks[i].period, now);
	if (slice != listener_ticks[i].last) {
		listener_ticks[i].last = slice;
		n = snprintf(buf, sizeof buf, "when:%lld", slice);
		event_emit(listener_ticks[i].type, buf, n);
	}
	if (event_wanted(listener_ticks[i].type))
		listener_tick_arm(i, now);
}

/* Timers run only while some pool wants their TICK type. */
static void
listener_tick_update(void)
{
	double	now;
	size_t	i;

	for (i = 0; i < LISTENER_NTICKS; i++) {
		if (listener_ticks[i].ev == NULL)
			continue;
		if (!event_wanted(listener_ticks[i].type)) {
			evtimer_del(listener_ticks[i].ev);
			continue;
		}
		if (evtimer_pending(listener_ticks[i].ev, NULL))
			continue;
		now = listener_now();
		listener_ticks[i].last = listener_timeslice(
		    listener_ticks[i].period, now);
		listener_tick_arm(i, now);
	}
}

/* event_subscribed is the union of the pools' masks. */
static void
listener_subscribe(void)
{
	struct listener_pool	*pool;
	uint64_t		 mask = 0;

	TAILQ_FOREACH(pool, &listener_pools, entry)
		mask |= pool->mask;
	event_subscribed = mask;
	listener_tick_update();
}

/* Count, per concrete type, the distinct event names that cover it. */
static void
listener_pool_cover(struct listener_pool *pool, const struct group_config *gc)
{
	uint64_t	mask;
	int		i, j, t;

	for (i = 0; i < gc->nevent_names; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(gc->event_names[i], gc->event_names[j]) == 0)
				break;
		}
		if (j < i)
			continue;
		mask = event_type_mask(event_type_from_name(
		    gc->event_names[i]));
		for (t = 0; t < EVENT_NTYPES; t++) {
			if (mask & ((uint64_t)1 << t))
				pool->ncover[t]++;
		}
		pool->mask |= mask;
	}
}

void
listener_pool_create(struct group *g)
{
	struct listener_pool	*pool;
	struct listener		*l;
	int			 i;

	pool = xcalloc(1, sizeof *pool);
	pool->group = g;
	pool->serial = -1;
	TAILQ_INIT(&pool->buffer);
	listener_pool_cover(pool, g->config);
	pool->dispatch_ev = event_new(server_base, -1, 0, listener_dispatch_cb,
	    pool);
	for (i = 0; i < g->nprocs; i++) {
		l = xcalloc(1, sizeof *l);
		l->proc = g->procs[i];
		l->pool = pool;
		l->state = LISTENER_ACKNOWLEDGED;
		l->input = evbuffer_new();
		l->result = evbuffer_new();
		l->resultlen = -1;
		g->procs[i]->listener = l;
	}
	g->pool = pool;
	TAILQ_INSERT_TAIL(&listener_pools, pool, entry);
	listener_subscribe();
}

void
listener_pool_free(struct group *g)
{
	struct listener_pool	*pool = g->pool;
	struct listener_entry	*e;
	struct listener		*l;
	int			 i;

	if (pool == NULL)
		return;
	TAILQ_REMOVE(&listener_pools, pool, entry);
	listener_subscribe();
	for (i = 0; i < g->nprocs; i++) {
		if ((l = g->procs[i]->listener) == NULL)
			continue;
		g->procs[i]->listener = NULL;
		listener_entry_free(l->held);
		evbuffer_free(l->input);
		evbuffer_free(l->result);
		free(l);
	}
	while ((e = TAILQ_FIRST(&pool->buffer)) != NULL) {
		TAILQ_REMOVE(&pool->buffer, e, entry);
		listener_entry_free(e);
	}
	event_free(pool->dispatch_ev);
	free(pool);
	g->pool = NULL;
}

/* Pools come and go with their groups. */
static void
listener_group_cb(struct group *g, enum group_change change, void *arg)
{
	if (change == GROUP_CHANGE_ADDED && g->config->kind == GROUP_LISTENER)
		listener_pool_create(g);
	else if (change == GROUP_CHANGE_REMOVED)
		listener_pool_free(g);
}

void
listener_init(void)
{
	const char	*kept;
	size_t		 i;

	listener_serial = -1;
	if ((kept = getenv(LISTENER_SERIAL_ENV)) != NULL) {
		listener_serial = strtoll(kept, NULL, 10);
		unsetenv(LISTENER_SERIAL_ENV);
	}
	for (i = 0; i < LISTENER_NTICKS; i++)
		listener_ticks[i].ev = evtimer_new(server_base,
		    listener_tick_cb, (void *)(uintptr_t)i);
	event_set_sink(listener_sink, NULL);
	process_add_observer(listener_observer, NULL);
	group_add_observer(listener_group_cb, NULL);
	capture_listener_input = listener_input;
}

void
listener_keep_serial(void)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%lld", listener_serial);
	setenv(LISTENER_SERIAL_ENV, buf, 1);
}

void
listener_done(void)
{
	size_t	i;

	for (i = 0; i < LISTENER_NTICKS; i++) {
		if (listener_ticks[i].ev != NULL)
			event_free(listener_ticks[i].ev);
		listener_ticks[i].ev = NULL;
	}
	event_set_sink(NULL, NULL);
	process_remove_observer(listener_observer, NULL);
	group_remove_observer(listener_group_cb, NULL);
	capture_listener_input = NULL;
}

/* Events waiting in a listener group's pool, for /metrics. */
int
listener_pool_queued(const struct group *g)
{
	const struct listener_pool	*pool = g->pool;

	return (pool != NULL ? pool->nbuffer : 0);
}
