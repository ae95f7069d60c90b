/*
 * GET /api/v1/events: every process state change as a Server-Sent Event
 * named after Supervisor's event type (PROCESS_STATE_RUNNING ...), its
 * data a JSON object with Supervisor's payload keys and the process as
 * GET processes/NAME shows it.
 *
 * A client that does not read must not hold the daemon up or make it
 * grow: each stream's unsent bytes are bounded, and a client past the
 * bound is dropped (EventSource reconnects; the dashboard then reloads
 * the list). A comment every 15 seconds keeps proxies from closing a
 * quiet stream; the timer exists only while its client does, so an
 * idle daemon without clients never wakes for it.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-events.h"
#include "api-info.h"
#include "config.h"
#include "group.h"
#include "http.h"
#include "process.h"
#include "server.h"
#include "xmalloc.h"

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

/*
 * Unsent bytes a client may have before it is dropped, and the socket's
 * send buffer: fixed, so the kernel's autotuning (up to megabytes on
 * loopback) does not hide a client that stopped reading.
 */
#define API_EVENTS_MAX_QUEUED	(256 * 1024)
#define API_EVENTS_SNDBUF	(64 * 1024)
#define API_EVENTS_HEARTBEAT	15

struct api_stream {
	TAILQ_ENTRY(api_stream)		 entry;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct http_hold		*hold;
	struct event			*heartbeat;
};

static TAILQ_HEAD(, api_stream)	api_streams =
    TAILQ_HEAD_INITIALIZER(api_streams);
static unsigned long long	api_events_serial;

static void
api_events_free(struct api_stream *s)
{
	TAILQ_REMOVE(&api_streams, s, entry);
	event_free(s->heartbeat);
	free(s);
}

/* The client left; its request went with the connection. */
static void
api_events_gone(void *arg)
{
	api_events_free(arg);
}

/*
 * Queue text for one client, or drop the client if it has too much
 * unsent already. Dropping frees the connection, whose close frees s.
 */
static void
api_events_send(struct api_stream *s, const char *text, size_t len)
{
	struct bufferevent	*bev;
	struct evbuffer		*b;

	bev = evhttp_connection_get_bufferevent(s->evcon);
	if (evbuffer_get_length(bufferevent_get_output(bev)) + len >
	    API_EVENTS_MAX_QUEUED) {
		evhttp_connection_free(s->evcon);
		return;
	}
	b = evbuffer_new();
	evbuffer_add(b, text, len);
	evhttp_send_reply_chunk(s->req, b);
	evbuffer_free(b);
}

static void
api_events_heartbeat_cb(evutil_socket_t fd, short what, void *arg)
{
	static const char	ping[] = ": heartbeat\n\n";

	api_events_send(arg, ping, sizeof ping - 1);
}

static const char *
api_events_name(enum process_state state)
{
	static char	name[64];

	snprintf(name, sizeof name, "PROCESS_STATE_%s",
	    process_state_name(state));
	return (name);
}

/* One event, framed once and sent to every client. */
static void
api_events_observer(struct process *p, enum process_state old, void *arg)
{
	struct api_stream	*s, *next;
	json_t			*o;
	char			*data, *text;
	int			 len;

	if (TAILQ_EMPTY(&api_streams))
		return;
	o = json_object();
	json_object_set_new(o, "processname", api_info_text(p->config->name,
	    strlen(p->config->name)));
	json_object_set_new(o, "groupname", api_info_text(
	    p->config->group->name, strlen(p->config->group->name)));
	json_object_set_new(o, "from_state",
	    json_string(process_state_name(old)));
	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "process", api_info_process(p,
	    process_now()));
	data = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	len = xasprintf(&text, "event: %s\nid: %llu\ndata: %s\n\n",
	    api_events_name(p->state), ++api_events_serial, data);
	free(data);
	TAILQ_FOREACH_SAFE(s, &api_streams, entry, next)
		api_events_send(s, text, len);
	free(text);
}

/* Start a stream: headers now, events as they come. */
void
api_events_open(struct evhttp_request *req)
{
	static const char	 hello[] = "retry: 2000\n: supd events\n\n";
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct timeval		 tv = { API_EVENTS_HEARTBEAT, 0 };
	struct api_stream	*s;
	struct evbuffer		*b;
	int			 fd, sndbuf = API_EVENTS_SNDBUF;

	evhttp_add_header(out, "Server", "supd");
	evhttp_add_header(out, "Content-Type", "text/event-stream");
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Accel-Buffering", "no");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	s = xcalloc(1, sizeof *s);
	s->req = req;
	s->evcon = evhttp_request_get_connection(req);
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(s->evcon));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	s->heartbeat = event_new(server_base, -1, EV_PERSIST,
	    api_events_heartbeat_cb, s);
	TAILQ_INSERT_TAIL(&api_streams, s, entry);
	evhttp_send_reply_start(req, 200, "OK");
	s->hold = http_hold(req, api_events_gone, s, 1);
	event_add(s->heartbeat, &tv);
	b = evbuffer_new();
	evbuffer_add(b, hello, sizeof hello - 1);
	evhttp_send_reply_chunk(req, b);
	evbuffer_free(b);
}

/* Watch every state change. */
void
api_events_init(void)
{
	process_add_observer(api_events_observer, NULL);
}

/* After http_close(): the streams' connections are gone. */
void
api_events_close_all(void)
{
	struct api_stream	*s, *next;

	TAILQ_FOREACH_SAFE(s, &api_streams, entry, next)
		api_events_free(s);
}
