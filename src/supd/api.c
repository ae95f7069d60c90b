/*
 * The JSON API under /api/v1/, on the servers and behind the auth of
 * /RPC2:
 *
 *	GET  processes			every process
 *	GET  processes/NAME		one process
 *	POST processes/NAME/ACTION	start, stop, restart, signal, clear-log
 *	GET  processes/NAME/log		?stream=stdout&offset=&length=
 *	GET  processes/NAME/log/follow	new log data, as Server-Sent Events
 *	POST groups/NAME/rolling-restart
 *	GET  events			state changes, as Server-Sent Events
 *
 * Actions run the XML-RPC methods themselves (api-call.c), so their
 * checks, faults and waits are those of supervisorctl's calls; a process
 * is api-info.c's object, the keys of supd.getProcessInfo.
 *
 * A GET changes nothing. A POST must say it is JSON (or carry
 * X-Requested-With): an HTML form on another site can send neither, and
 * a script there can only after a CORS preflight, which is never
 * allowed, as no reply carries Access-Control-Allow-Origin.
 */
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "api-call.h"
#include "api-events.h"
#include "api-info.h"
#include "config.h"
#include "group.h"
#include "http-tail.h"
#include "process.h"
#include "rpc.h"
#include "xmalloc.h"
#include "xmlrpc.h"

#define API_PREFIX		"/api/v1/"
/* Bytes a log read returns when the query does not say. */
#define API_LOG_LENGTH		65536

struct api_action {
	const char	*name;
	void		(*fn)(struct api_req *);
};

static void	api_start(struct api_req *);
static void	api_stop(struct api_req *);
static void	api_restart(struct api_req *);
static void	api_signal(struct api_req *);
static void	api_clear_log(struct api_req *);

/* POST processes/NAME/<name>. */
static const struct api_action api_actions[] = {
	{ "start", api_start },
	{ "stop", api_stop },
	{ "restart", api_restart },
	{ "signal", api_signal },
	{ "clear-log", api_clear_log },
};

/* -------------------------------------------------------------------- */
/* Processes.                                                            */

static const struct api_action *
api_action(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof api_actions / sizeof api_actions[0]; i++) {
		if (strcmp(name, api_actions[i].name) == 0)
			return (&api_actions[i]);
	}
	return (NULL);
}

/* The process a namespec names, or NULL (a group is not a process). */
static struct process *
api_find(const char *name)
{
	struct group	*g;
	struct process	*p;

	if (group_lookup(name, &g, &p) != 0)
		return (NULL);
	return (p);
}

/* Reply with the process acted on, as it is now. */
static void
api_reply_process(struct api_req *a)
{
	struct process	*p;

	if ((p = api_find(a->name)) == NULL) {
		api_error(a, 404, "BAD_NAME", "BAD_NAME: %s", a->name);
		return;
	}
	api_reply(a, 200, api_info_process(p, process_now()));
}

/* The end of an action: the process, or the fault. */
static void
api_action_done(struct api_req *a, int fault, const char *text,
    const struct xr_value *v)
{
	if (fault != 0)
		api_fault(a, fault, text);
	else
		api_reply_process(a);
}

static void
api_start(struct api_req *a)
{
	struct xr_value	*argv[2] = { xr_string(a->name), xr_bool(a->wait) };

	api_call(a, "supervisor.startProcess", argv, 2, api_action_done);
}

static void
api_stop(struct api_req *a)
{
	struct xr_value	*argv[2] = { xr_string(a->name), xr_bool(a->wait) };

	api_call(a, "supervisor.stopProcess", argv, 2, api_action_done);
}

/* The stop of a restart is over: start, unless it failed. */
static void
api_restart_stopped(struct api_req *a, int fault, const char *text,
    const struct xr_value *v)
{
	if (fault != 0 && fault != FAULT_NOT_RUNNING)
		api_fault(a, fault, text);
	else
		api_start(a);
}

/* As supervisorctl's restart: stop (waiting), then start. */
static void
api_restart(struct api_req *a)
{
	struct xr_value	*argv[2] = { xr_string(a->name), xr_bool(1) };

	api_call(a, "supervisor.stopProcess", argv, 2, api_restart_stopped);
}

/* {"signal": "HUP"} or {"signal": 1}. */
static void
api_signal(struct api_req *a)
{
	struct xr_value	*argv[2];
	json_t		*sig;

	sig = a->body != NULL ? json_object_get(a->body, "signal") : NULL;
	if (json_is_string(sig))
		argv[1] = xr_string(json_string_value(sig));
	else if (json_is_integer(sig))
		argv[1] = xr_int(json_integer_value(sig));
	else {
		api_error(a, 400, "BAD_ARGUMENTS",
		    "BAD_ARGUMENTS: a \"signal\" name or number is needed");
		return;
	}
	argv[0] = xr_string(a->name);
	api_call(a, "supervisor.signalProcess", argv, 2, api_action_done);
}

static void
api_clear_log(struct api_req *a)
{
	struct xr_value	*argv[1] = { xr_string(a->name) };

	api_call(a, "supervisor.clearProcessLogs", argv, 1, api_action_done);
}

/* -------------------------------------------------------------------- */
/* Logs.                                                                 */

/* A query parameter as an integer; -1 if it is there and is not one. */
static int
api_query_int(struct evkeyvalq *q, const char *key, long long *v)
{
	const char	*s;
	char		*end;

	if ((s = evhttp_find_header(q, key)) == NULL || *s == '\0')
		return (0);
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-1);
	return (0);
}

/* stream=stdout (the default) or stderr; -1 for anything else. */
static int
api_query_stream(struct evkeyvalq *q)
{
	const char	*s;

	if ((s = evhttp_find_header(q, "stream")) == NULL ||
	    strcmp(s, "stdout") == 0)
		return (0);
	if (strcmp(s, "stderr") == 0)
		return (1);
	return (-1);
}

/* tailProcessStdoutLog's [data, offset, overflow] as an object. */
static void
api_log_done(struct api_req *a, int fault, const char *text,
    const struct xr_value *v)
{
	const struct xr_value	*d, *o, *f;

	if (fault != 0) {
		api_fault(a, fault, text);
		return;
	}
	if (v == NULL || v->type != XR_ARRAY || v->u.a.n != 3 ||
	    (d = v->u.a.items[0])->type != XR_STRING ||
	    (o = v->u.a.items[1])->type != XR_INT ||
	    (f = v->u.a.items[2])->type != XR_BOOL) {
		api_error(a, 500, "FAILED", "FAILED: no log data");
		return;
	}
	api_reply(a, 200, json_pack("{s:o,s:I,s:b}",
	    "data", api_info_text(d->u.s.ptr, d->u.s.len),
	    "offset", (json_int_t)o->u.i, "overflow", f->u.b));
}

static void
api_log(struct api_req *a, struct evkeyvalq *q)
{
	struct xr_value	*argv[3];
	long long	 offset = 0, length = API_LOG_LENGTH;
	int		 err;

	if ((err = api_query_stream(q)) == -1 ||
	    api_query_int(q, "offset", &offset) != 0 ||
	    api_query_int(q, "length", &length) != 0) {
		api_error(a, 400, "BAD_ARGUMENTS", "BAD_ARGUMENTS: stream is "
		    "stdout or stderr, offset and length are integers");
		return;
	}
	argv[0] = xr_string(a->name);
	argv[1] = xr_int(offset);
	argv[2] = xr_int(length);
	api_call(a, err ? "supervisor.tailProcessStderrLog" :
	    "supervisor.tailProcessStdoutLog", argv, 3, api_log_done);
}

/* A chunk of log as an event: its data and the offset after it. */
static void
api_log_frame(struct evbuffer *b, const char *data, size_t len,
    long long end)
{
	json_t	*o;
	char	*text;

	o = json_pack("{s:o,s:I}", "data", api_info_text(data, len),
	    "offset", (json_int_t)end);
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	evbuffer_add_printf(b, "event: log\nid: %lld\ndata: %s\n\n", end, text);
	free(text);
	json_decref(o);
}

/* The file was truncated or replaced: what follows is from offset 0. */
static void
api_log_reset(struct evbuffer *b)
{
	evbuffer_add_printf(b, "event: truncated\ndata: {\"offset\":0}\n\n");
}

static const struct http_tail_format api_log_format = {
	"text/event-stream", api_log_frame, api_log_reset,
	": heartbeat\n\n", 15
};

/* The log as Server-Sent Events from ?offset= (the end if none). */
static void
api_log_follow(struct api_req *a, struct evkeyvalq *q)
{
	const struct channel_config	*ch;
	struct process			*p;
	const char			*last;
	long long			 offset = LLONG_MAX;
	int				 err;

	if ((err = api_query_stream(q)) == -1 ||
	    api_query_int(q, "offset", &offset) != 0) {
		api_error(a, 400, "BAD_ARGUMENTS", "BAD_ARGUMENTS: stream is "
		    "stdout or stderr, offset is an integer");
		return;
	}
	/* EventSource reconnects with the id of the last event it had. */
	last = evhttp_find_header(evhttp_request_get_input_headers(a->req),
	    "Last-Event-ID");
	if (last != NULL && *last != '\0')
		offset = strtoll(last, NULL, 10);
	p = api_find(a->name);
	ch = err ? &p->config->err : &p->config->out;
	if (ch->kind == LOGFILE_NONE || ch->logfile == NULL) {
		api_error(a, 404, "NO_FILE", "NO_FILE: %s has no %s log",
		    a->name, err ? "stderr" : "stdout");
		return;
	}
	if (http_tail_stream(a->req, ch->logfile, offset,
	    &api_log_format) != 0) {
		api_error(a, 404, "NO_FILE", "NO_FILE: %s", ch->logfile);
		return;
	}
	api_req_free(a);
}

/* -------------------------------------------------------------------- */
/* Groups.                                                               */

static void
api_rolling_done(struct api_req *a, int fault, const char *text,
    const struct xr_value *v)
{
	if (fault != 0)
		api_fault(a, fault, text);
	else
		api_reply(a, 200, json_pack("{s:s,s:b}", "group", a->name,
		    "started", 1));
}

/*
 * A rolling restart of a group, supd.rollingRestart's work: the optional
 * body {"batch": N} says how many members go down at a time (1).
 */
static void
api_rolling_restart(struct api_req *a)
{
	struct xr_value	*argv[2];
	json_t		*batch;
	json_int_t	 n = 1;

	if (group_find(a->name) == NULL) {
		api_error(a, 404, "BAD_NAME", "BAD_NAME: %s", a->name);
		return;
	}
	batch = a->body != NULL ? json_object_get(a->body, "batch") : NULL;
	if (batch != NULL) {
		if (!json_is_integer(batch) || (n = json_integer_value(batch)) <
		    1 || n > INT32_MAX) {
			api_error(a, 400, "BAD_ARGUMENTS", "BAD_ARGUMENTS: batch "
			    "must be a whole number from 1");
			return;
		}
	}
	argv[0] = xr_string(a->name);
	argv[1] = xr_int((int)n);
	api_call(a, "supd.rollingRestart", argv, 2, api_rolling_done);
}

/* -------------------------------------------------------------------- */
/* Requests.                                                             */

/*
 * Whether a POST may act: it says it is JSON or carries X-Requested-With
 * (neither can come from a form), and an Origin, if sent, is this host.
 */
static int
api_post_allowed(struct api_req *a)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(a->req);
	const char		*type, *origin, *host, *p;
	size_t			 len;

	origin = evhttp_find_header(in, "Origin");
	host = evhttp_find_header(in, "Host");
	if (origin != NULL && strcmp(origin, "null") != 0 &&
	    (p = strstr(origin, "://")) != NULL && host != NULL &&
	    strcasecmp(p + 3, host) != 0) {
		api_error(a, 403, "FORBIDDEN", "FORBIDDEN: cross-origin request");
		return (0);
	}
	if (origin != NULL && strcmp(origin, "null") == 0) {
		api_error(a, 403, "FORBIDDEN", "FORBIDDEN: cross-origin request");
		return (0);
	}
	if (evhttp_find_header(in, "X-Requested-With") != NULL)
		return (1);
	type = evhttp_find_header(in, "Content-Type");
	len = strlen("application/json");
	if (type != NULL && strncasecmp(type, "application/json", len) == 0 &&
	    (type[len] == '\0' || type[len] == ';' || type[len] == ' '))
		return (1);
	api_error(a, 415, "UNSUPPORTED_MEDIA_TYPE", "UNSUPPORTED_MEDIA_TYPE: "
	    "send Content-Type: application/json");
	return (0);
}

/* The body as an object, and its "wait"; answers and returns -1 if bad. */
static int
api_post_body(struct api_req *a)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(a->req);
	json_error_t	 e;
	json_t		*wait;
	size_t		 len = evbuffer_get_length(in);

	if (len == 0)
		return (0);
	a->body = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0, &e);
	if (a->body == NULL || !json_is_object(a->body)) {
		api_error(a, 400, "BAD_ARGUMENTS", "BAD_ARGUMENTS: the body is "
		    "not a JSON object%s%s", a->body == NULL ? ": " : "",
		    a->body == NULL ? e.text : "");
		return (-1);
	}
	if ((wait = json_object_get(a->body, "wait")) != NULL) {
		if (!json_is_boolean(wait)) {
			api_error(a, 400, "BAD_ARGUMENTS",
			    "BAD_ARGUMENTS: \"wait\" is true or false");
			return (-1);
		}
		a->wait = json_is_true(wait);
	}
	return (0);
}

static void
api_not_found(struct api_req *a)
{
	api_error(a, 404, "NOT_FOUND", "NOT_FOUND: no such API endpoint");
}

static void
api_bad_method(struct api_req *a, const char *allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(a->req), "Allow",
	    allow);
	api_error(a, 405, "METHOD_NOT_ALLOWED", "METHOD_NOT_ALLOWED: use %s",
	    allow);
}

/* POST processes/NAME/ACTION and groups/NAME/rolling-restart. */
static void
api_post(struct api_req *a, const char *kind, const char *rest)
{
	const struct api_action	*act;

	if (!api_post_allowed(a) || api_post_body(a) != 0)
		return;
	if (strcmp(kind, "groups") == 0) {
		if (strcmp(rest, "rolling-restart") == 0)
			api_rolling_restart(a);
		else
			api_not_found(a);
		return;
	}
	if ((act = api_action(rest)) == NULL)
		api_not_found(a);
	else if (api_find(a->name) == NULL)
		api_error(a, 404, "BAD_NAME", "BAD_NAME: %s", a->name);
	else
		act->fn(a);
}

/* GET processes/NAME[/log[/follow]]. */
static void
api_get_process(struct api_req *a, const char *rest)
{
	const struct evhttp_uri	*uri;
	struct evkeyvalq	 q;
	const char		*qs = NULL;
	struct process		*p;

	if ((p = api_find(a->name)) == NULL) {
		api_error(a, 404, "BAD_NAME", "BAD_NAME: %s", a->name);
		return;
	}
	if (rest == NULL) {
		api_reply(a, 200, api_info_process(p, process_now()));
		return;
	}
	if (strcmp(rest, "log") != 0 && strcmp(rest, "log/follow") != 0) {
		if (api_action(rest) != NULL)
			api_bad_method(a, "POST");
		else
			api_not_found(a);
		return;
	}
	if ((uri = evhttp_request_get_evhttp_uri(a->req)) != NULL)
		qs = evhttp_uri_get_query(uri);
	TAILQ_INIT(&q);
	if (qs != NULL && evhttp_parse_query_str(qs, &q) != 0) {
		api_error(a, 400, "BAD_ARGUMENTS", "BAD_ARGUMENTS: bad query");
		return;
	}
	if (strcmp(rest, "log") == 0)
		api_log(a, &q);
	else
		api_log_follow(a, &q);
	evhttp_clear_headers(&q);
}

/*
 * Split "KIND/NAME[/REST]" (the path after the prefix, decoded) and
 * hand the request on.
 */
void
api_route(struct evhttp_request *req, const char *path)
{
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	struct api_req		*a;
	char			*copy, *kind, *name, *rest;

	a = api_req_new(req);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST) {
		api_bad_method(a, "GET, POST");
		return;
	}
	if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0) {
		api_not_found(a);
		return;
	}
	copy = xstrdup(path + strlen(API_PREFIX));
	kind = copy;
	if ((name = strchr(copy, '/')) != NULL)
		*name++ = '\0';
	rest = name != NULL ? strchr(name, '/') : NULL;
	if (rest != NULL)
		*rest++ = '\0';
	if (name != NULL && *name == '\0')
		name = NULL;
	if (name != NULL)
		a->name = xstrdup(name);
	if (name == NULL && cmd == EVHTTP_REQ_GET &&
	    strcmp(kind, "processes") == 0)
		api_reply(a, 200, api_info_all());
	else if (name == NULL && cmd == EVHTTP_REQ_GET &&
	    strcmp(kind, "events") == 0) {
		api_req_free(a);
		api_events_open(req);
	} else if (name == NULL)
		api_not_found(a);
	else if (cmd == EVHTTP_REQ_POST && rest != NULL)
		api_post(a, kind, rest);
	else if (cmd == EVHTTP_REQ_GET && strcmp(kind, "processes") == 0)
		api_get_process(a, rest);
	else if (rest != NULL && cmd == EVHTTP_REQ_GET)
		api_bad_method(a, "POST");
	else
		api_not_found(a);
	free(copy);
}

/* Watch process states for the event stream. */
void
api_init(void)
{
	api_events_init();
}

/* End the streams and free the sampler. */
void
api_close(void)
{
	api_events_close_all();
	api_info_close();
}
