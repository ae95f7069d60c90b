/*
 * Registrations of processes in a service registry. Each registration has a
 * desired state, set by the daemon, and the state the registry last
 * confirmed; a backend (registry-consul.c, registry-etcd.c) names the one
 * request that brings them closer, and this file sends it, one at a time per
 * registration, cuts it after the timeout and retries failures with
 * exponential back-off. Nothing here blocks and nothing reaches up into the
 * daemon: it only hears of states and reports through callbacks.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "log.h"
#include "registry-backend.h"
#include "registry-http.h"
#include "registry-tls.h"
#include "xmalloc.h"

#ifndef nitems
#define nitems(a) (sizeof (a) / sizeof (a)[0])
#endif

static void	registry_kick(struct registry_reg *);
static void	registry_pump(struct registry *);

static const char *registry_state_names[] = {
	"absent", "passing", "failing", "unknown"
};

/* The name of a state, for logs and the test driver. */
const char *
registry_state_name(enum registry_state state)
{
	if ((unsigned)state >= nitems(registry_state_names))
		return ("?");
	return (registry_state_names[state]);
}

/* Make the common part of a client; the backend fills in the rest. */
struct registry *
registry_create(struct event_base *base, const struct registry_backend *be)
{
	struct registry	*r;

	r = xcalloc(1, sizeof *r);
	r->backend = be;
	r->base = base;
	r->timeout_ms = REGISTRY_TIMEOUT_MS;
	r->backoff_min_ms = REGISTRY_BACKOFF_MIN_MS;
	r->backoff_max_ms = REGISTRY_BACKOFF_MAX_MS;
	r->max_inflight = REGISTRY_INFLIGHT_MAX;
	TAILQ_INIT(&r->regs);
	TAILQ_INIT(&r->queue);
	return (r);
}

static void
registry_reg_free(struct registry_reg *reg)
{
	struct registry_service	*s = &reg->svc;
	size_t			 i;

	TAILQ_REMOVE(&reg->registry->regs, reg, entry);
	if (reg->queued)
		TAILQ_REMOVE(&reg->registry->queue, reg, qentry);
	if (reg->registry->backend->reg_free != NULL)
		reg->registry->backend->reg_free(reg);
	if (reg->http != NULL) {
		registry_http_cancel(reg->http);
		reg->registry->inflight--;
	}
	free(reg->call.path);
	free(reg->call.body);
	event_free(reg->timer);
	if (reg->done_timer != NULL)
		event_free(reg->done_timer);
	free(reg->why);
	free((char *)s->name);
	free((char *)s->id);
	free((char *)s->address);
	for (i = 0; i < s->ntags; i++)
		free((char *)s->tags[i]);
	free(s->tags);
	for (i = 0; i < s->nmeta; i++) {
		free((char *)s->meta[i].key);
		free((char *)s->meta[i].value);
	}
	free((struct registry_meta *)s->meta);
	free((char *)s->check_target);
	free((char *)s->etcd_key);
	free((char *)s->etcd_value);
	free(reg);
}

/*
 * Free the client at once. A pending deregistration callback is not called:
 * the daemon frees the client only on its way out.
 */
void
registry_free(struct registry *r)
{
	struct registry_reg	*reg;
	size_t			 i;

	while ((reg = TAILQ_FIRST(&r->regs)) != NULL)
		registry_reg_free(reg);
	if (r->backend->free != NULL)
		r->backend->free(r);
	for (i = 0; i < r->nendpoints; i++)
		free(r->endpoints[i].host);
	free(r->endpoints);
	if (r->dns != NULL)
		evdns_base_free(r->dns, 0);
	if (r->tls != NULL)
		registry_tls_free(r->tls);
	free(r);
}

/* The backend's name. */
const char *
registry_name(struct registry *r)
{
	return (r->backend->name);
}

/* Set the request timeout. */
void
registry_set_timeout(struct registry *r, int ms)
{
	r->timeout_ms = ms > 0 ? ms : REGISTRY_TIMEOUT_MS;
}

/* Set how many requests may be open at once. */
void
registry_set_max_inflight(struct registry *r, int n)
{
	r->max_inflight = n > 0 ? n : REGISTRY_INFLIGHT_MAX;
}

/* Set the back-off range. */
void
registry_set_backoff(struct registry *r, int min_ms, int max_ms)
{
	r->backoff_min_ms = min_ms > 0 ? min_ms : 1;
	r->backoff_max_ms = max_ms >= r->backoff_min_ms ? max_ms :
	    r->backoff_min_ms;
}

/* Set who hears of confirmed states and failures. */
void
registry_set_event_cb(struct registry *r, registry_event_cb cb, void *arg)
{
	r->event_cb = cb;
	r->event_arg = arg;
}

/*
 * The delay before retry number attempt (1 for the first): min_ms doubled
 * for each failure before, up to max_ms, then drawn from its upper half with
 * rnd so that registrations that failed together do not retry together.
 */
int
registry_backoff_ms(int attempt, int min_ms, int max_ms, unsigned int rnd)
{
	long	base = min_ms;
	int	half;

	while (--attempt > 0 && base < max_ms)
		base *= 2;
	if (base > max_ms)
		base = max_ms;
	half = base / 2;
	return (base - half + (int)(rnd % (unsigned)(half + 1)));
}

/*
 * Split "[scheme://]host[:port][/]" (host may be [v6]). *scheme is NULL
 * when not given. Caller frees *scheme and *host.
 */
int
registry_endpoint_parse(const char *s, int default_port, char **scheme,
    char **host, int *port, char **cause)
{
	const char	*p, *h, *end;
	char		*ep;
	long		 n;
	size_t		 hlen;

	*scheme = NULL;
	*host = NULL;
	while (isspace((unsigned char)*s))
		s++;
	if ((p = strstr(s, "://")) != NULL) {
		*scheme = xstrndup(s, p - s);
		s = p + 3;
	}
	end = s + strcspn(s, "/ \t");
	if (*s == '[') {
		h = s + 1;
		if ((p = memchr(s, ']', end - s)) == NULL)
			goto bad;
		hlen = p - h;
		p++;
	} else {
		h = s;
		p = memchr(s, ':', end - s);
		if (p == NULL)
			p = end;
		hlen = p - h;
	}
	if (hlen == 0)
		goto bad;
	*port = default_port;
	if (p < end) {
		if (*p != ':')
			goto bad;
		n = strtol(p + 1, &ep, 10);
		if (ep != end || ep == p + 1 || n < 1 || n > 65535)
			goto bad;
		*port = n;
	}
	*host = xstrndup(h, hlen);
	return (0);

bad:
	free(*scheme);
	*scheme = NULL;
	xasprintf(cause, "bad address: %s", s);
	return (-1);
}

/*
 * Read a comma-separated list of endpoints into the client; a scheme given
 * in an endpoint must be the client's.
 */
int
registry_endpoints_parse(struct registry *r, const char *list,
    int default_port, const char *want, char **cause)
{
	char	*copy, *next, *item, *scheme, *host;
	int	 port;

	copy = next = xstrdup(list);
	while ((item = strsep(&next, ",")) != NULL) {
		if (item[strspn(item, " \t")] == '\0')
			continue;
		if (registry_endpoint_parse(item, default_port, &scheme, &host,
		    &port, cause) != 0)
			goto fail;
		if (scheme != NULL && strcmp(scheme, want) != 0) {
			xasprintf(cause, "%s: scheme %s is not supported, "
			    "only %s", item, scheme, want);
			free(scheme);
			free(host);
			goto fail;
		}
		free(scheme);
		r->endpoints = xreallocarray(r->endpoints, r->nendpoints + 1,
		    sizeof *r->endpoints);
		r->endpoints[r->nendpoints].host = host;
		r->endpoints[r->nendpoints++].port = port;
	}
	free(copy);
	if (r->nendpoints == 0) {
		*cause = xstrdup("no endpoint");
		return (-1);
	}
	return (0);

fail:
	free(copy);
	return (-1);
}

static void
registry_copy_service(struct registry_service *to,
    const struct registry_service *from)
{
	struct registry_meta	*meta;
	const char		**tags;
	size_t			 i;

#define DUP(s) ((s) == NULL ? NULL : xstrdup(s))
	*to = *from;
	to->name = DUP(from->name);
	to->id = DUP(from->id != NULL ? from->id : from->name);
	to->address = DUP(from->address);
	tags = xcalloc(from->ntags + 1, sizeof *tags);
	for (i = 0; i < from->ntags; i++)
		tags[i] = xstrdup(from->tags[i]);
	to->tags = tags;
	meta = xcalloc(from->nmeta + 1, sizeof *meta);
	for (i = 0; i < from->nmeta; i++) {
		meta[i].key = xstrdup(from->meta[i].key);
		meta[i].value = xstrdup(from->meta[i].value);
	}
	to->meta = meta;
	to->check_target = DUP(from->check_target);
	to->etcd_key = DUP(from->etcd_key);
	to->etcd_value = DUP(from->etcd_value);
	if (to->etcd_ttl <= 0)
		to->etcd_ttl = 10;
#undef DUP
}

static void
registry_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct registry_reg	*reg = arg;

	if (reg->freeing) {
		registry_reg_free(reg);
		return;
	}
	if (!reg->backing_off)
		reg->stale = 1;
	reg->backing_off = 0;
	registry_kick(reg);
}

/* Add a process, ABSENT. */
struct registry_reg *
registry_add(struct registry *r, const struct registry_service *svc)
{
	struct registry_reg	*reg;

	reg = xcalloc(1, sizeof *reg);
	reg->registry = r;
	registry_copy_service(&reg->svc, svc);
	reg->desired = reg->confirmed = REGISTRY_ABSENT;
	reg->timer = evtimer_new(r->base, registry_timer_cb, reg);
	TAILQ_INSERT_TAIL(&r->regs, reg, entry);
	return (reg);
}

/* Tell the event callback of a new confirmed state. */
void
registry_confirm(struct registry_reg *reg, enum registry_state state)
{
	struct registry	*r = reg->registry;

	if (reg->confirmed == state)
		return;
	reg->confirmed = state;
	log_debug("%s: %s is %s", r->backend->name, reg->svc.id,
	    registry_state_name(state));
	if (r->event_cb != NULL)
		r->event_cb(reg, state, NULL, r->event_arg);
}

/* Call and forget the deregistration callback. */
static void
registry_done(struct registry_reg *reg, int status)
{
	registry_done_cb	 cb = reg->done_cb;

	if (cb == NULL)
		return;
	reg->done_cb = NULL;
	evtimer_del(reg->done_timer);
	cb(reg, status, reg->done_arg);
}

static void
registry_done_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct registry_reg	*reg = arg;

	registry_done(reg, reg->confirmed == REGISTRY_ABSENT &&
	    reg->http == NULL ? 0 : -1);
}

static void
registry_schedule(struct registry_reg *reg, int ms, int backing_off)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	reg->backing_off = backing_off;
	evtimer_add(reg->timer, &tv);
}

/*
 * After a success following failures, the registry is back: retry at once
 * everything that waits in back-off, so it catches up without waiting for
 * up to the longest back-off.
 */
static void
registry_catch_up(struct registry *r)
{
	struct registry_reg	*reg;

	log_info("%s: registry answers again", r->backend->name);
	r->down = 0;
	TAILQ_FOREACH(reg, &r->regs, entry) {
		if (reg->backing_off && reg->http == NULL)
			registry_schedule(reg, 0, 1);
	}
}

static void
registry_failed(struct registry_reg *reg, const char *error)
{
	struct registry		*r = reg->registry;
	int			 ms;

	if (!r->down) {
		log_warn("%s: %s: %s; retrying with back-off",
		    r->backend->name, reg->svc.id, error);
		r->down = 1;
	} else
		log_debug("%s: %s: %s", r->backend->name, reg->svc.id, error);
	/* Try the next endpoint next time. */
	r->current = (r->current + 1) % r->nendpoints;
	if (r->backend->failed != NULL)
		r->backend->failed(reg);
	registry_confirm(reg, REGISTRY_UNKNOWN);
	if (r->event_cb != NULL)
		r->event_cb(reg, reg->confirmed, error, r->event_arg);
	reg->attempt++;
	ms = registry_backoff_ms(reg->attempt, r->backoff_min_ms,
	    r->backoff_max_ms, (unsigned int)random());
	registry_schedule(reg, ms, 1);
	if (reg->desired == REGISTRY_ABSENT)
		registry_done(reg, -1);
}

/*
 * Give the free request slots to the registrations that wait for one, in
 * order; one that has nothing left to send just leaves the queue.
 */
static void
registry_pump(struct registry *r)
{
	struct registry_reg	*reg;

	while (r->inflight < r->max_inflight &&
	    (reg = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, reg, qentry);
		reg->queued = 0;
		registry_kick(reg);
	}
}

/*
 * The answer, or the failure, of a registration's request. Callbacks to the
 * daemon run from here with busy set: what they ask of this registration
 * is held (rekick) and done once the answer is read.
 */
static void
registry_answer_cb(int code, const char *body, size_t len, const char *error,
    void *arg)
{
	struct registry_reg	*reg = arg;
	struct registry		*r = reg->registry;
	char			*cause = NULL, *msg;

	reg->http = NULL;
	r->inflight--;
	reg->busy = 1;
	if (code == 0)
		registry_failed(reg, error);
	else if (r->backend->answer(reg, &reg->call, code, body, len,
	    &cause) != 0) {
		msg = xprintf("%s %s: %s", reg->call.method == EVHTTP_REQ_PUT ?
		    "PUT" : "POST", reg->call.path, cause);
		free(cause);
		registry_failed(reg, msg);
		free(msg);
	} else {
		reg->attempt = 0;
		reg->rekick = 1;
		if (r->down)
			registry_catch_up(r);
	}
	reg->busy = 0;
	if (reg->rekick)
		registry_kick(reg);
	registry_pump(r);
}

static void
registry_send(struct registry_reg *reg)
{
	struct registry			*r = reg->registry;
	struct registry_endpoint	*ep = &r->endpoints[r->current];
	struct evkeyvalq		 headers;
	struct in6_addr			 a6;

	if (r->dns == NULL && inet_pton(AF_INET, ep->host, &a6) != 1 &&
	    inet_pton(AF_INET6, ep->host, &a6) != 1) {
		/* A name: resolve it without blocking the loop. */
		r->dns = evdns_base_new(r->base,
		    EVDNS_BASE_INITIALIZE_NAMESERVERS);
	}
	TAILQ_INIT(&headers);
	if (r->backend->headers != NULL)
		r->backend->headers(r, &headers);
	reg->http = registry_http_send(r->base, r->dns, r->tls, ep->host,
	    ep->port, reg->call.method, reg->call.path, &headers,
	    reg->call.body, r->timeout_ms, registry_answer_cb, reg);
	r->inflight++;
	evhttp_clear_headers(&headers);
}

/*
 * Send what the registration needs next, unless a request is in flight (its
 * answer kicks again) or it waits in back-off. Once converged, a removed
 * registration is freed and a waiting deregistration is told.
 */
static void
registry_kick(struct registry_reg *reg)
{
	struct registry	*r = reg->registry;
	int		 refresh_ms, send;

	if (reg->busy) {
		reg->rekick = 1;
		return;
	}
	do {
		reg->rekick = 0;
		if (reg->http != NULL || reg->backing_off || reg->freeing)
			return;
		free(reg->call.path);
		free(reg->call.body);
		memset(&reg->call, 0, sizeof reg->call);
		reg->call.target = reg->desired;
		refresh_ms = 0;
		/* A backend may confirm a state, which calls the daemon. */
		reg->busy = 1;
		send = r->backend->step(reg, &reg->call, &refresh_ms);
		reg->busy = 0;
	} while (!send && reg->rekick);
	if (send && r->inflight >= r->max_inflight) {
		/*
		 * registry_pump kicks it again when a request ends. A stop
		 * waits for a deregistration, so those go first.
		 */
		if (reg->queued && reg->call.target == REGISTRY_ABSENT)
			TAILQ_REMOVE(&r->queue, reg, qentry);
		else if (reg->queued)
			return;
		if (reg->call.target == REGISTRY_ABSENT)
			TAILQ_INSERT_HEAD(&r->queue, reg, qentry);
		else
			TAILQ_INSERT_TAIL(&r->queue, reg, qentry);
		reg->queued = 1;
		return;
	}
	if (send) {
		if (reg->queued) {
			TAILQ_REMOVE(&r->queue, reg, qentry);
			reg->queued = 0;
		}
		evtimer_del(reg->timer);
		registry_send(reg);
		return;
	}
	if (reg->desired == REGISTRY_ABSENT) {
		reg->busy = 1;
		registry_done(reg, 0);
		reg->busy = 0;
		if (reg->removed && !reg->freeing) {
			/* Callers up the stack may still hold it. */
			reg->freeing = 1;
			registry_schedule(reg, 0, 0);
		}
		if (reg->rekick)
			registry_kick(reg);
		return;
	}
	if (refresh_ms > 0 && !evtimer_pending(reg->timer, NULL))
		registry_schedule(reg, refresh_ms, 0);
}

/* Set the desired state; a change is sent at once, even in back-off. */
void
registry_set(struct registry_reg *reg, enum registry_state state,
    const char *why)
{
	if (state == REGISTRY_UNKNOWN)
		fatalx("%s: state %d", __func__, state);
	free(reg->why);
	reg->why = why == NULL ? NULL : xstrdup(why);
	if (state == REGISTRY_PASSING)
		reg->ever_passing = 1;
	if (state != REGISTRY_ABSENT && reg->done_cb != NULL)
		registry_done(reg, -1);
	if (reg->desired == state)
		return;
	reg->desired = state;
	evtimer_del(reg->timer);
	reg->backing_off = 0;
	registry_kick(reg);
}

/* Deregister and call cb when that is done, failed or timed out. */
void
registry_deregister(struct registry_reg *reg, registry_done_cb cb, void *arg)
{
	struct timeval	tv;
	int		ms;

	registry_done(reg, -1);
	reg->done_cb = cb;
	reg->done_arg = arg;
	if (reg->done_timer == NULL) {
		reg->done_timer = evtimer_new(reg->registry->base,
		    registry_done_timer_cb, reg);
	}
	/* Already absent: answer from the loop at once. */
	ms = reg->desired == REGISTRY_ABSENT &&
	    reg->confirmed == REGISTRY_ABSENT && reg->http == NULL ? 0 :
	    reg->registry->timeout_ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(reg->done_timer, &tv);
	reg->ever_passing = 0;
	if (reg->desired != REGISTRY_ABSENT) {
		registry_set(reg, REGISTRY_ABSENT, NULL);
		return;
	}
	/* A stop is waiting: try now rather than after the back-off. */
	if (reg->backing_off) {
		evtimer_del(reg->timer);
		reg->backing_off = 0;
	}
	registry_kick(reg);
}

/* Deregister and free once confirmed. */
void
registry_remove(struct registry_reg *reg)
{
	reg->removed = 1;
	reg->ever_passing = 0;
	if (reg->desired != REGISTRY_ABSENT)
		registry_set(reg, REGISTRY_ABSENT, NULL);
	else
		registry_kick(reg);
}

/* The state the daemon wants. */
enum registry_state
registry_desired(struct registry_reg *reg)
{
	return (reg->desired);
}

/* The state the registry last confirmed. */
enum registry_state
registry_confirmed(struct registry_reg *reg)
{
	return (reg->confirmed);
}

/* The service id. */
const char *
registry_reg_id(struct registry_reg *reg)
{
	return (reg->svc.id);
}

/*
 * A new etcd_value for the next write (the default value names the pid,
 * which changes with each start). An entry already written keeps its old
 * value until then.
 */
void
registry_set_etcd_value(struct registry_reg *reg, const char *value)
{
	free((char *)reg->svc.etcd_value);
	reg->svc.etcd_value = value == NULL ? NULL : xstrdup(value);
}
