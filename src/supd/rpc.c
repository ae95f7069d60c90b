/*
 * XML-RPC dispatch: from a POST /RPC2 body to a method of the tables main
 * hands to rpc_init() (rpc-supervisor.c, rpc-process.c, rpc-log.c,
 * rpc-system.c), with Supervisor's rules for names
 * and argument counts and its fault texts, and back to one response built
 * in one evbuffer and sent whole.
 *
 * A call is a struct rpc_call. A handler either completes it before it
 * returns (most do) or keeps a reference and completes it later, when the
 * processes it waits for have settled (tmux's CMD_RETURN_WAIT). Late
 * completions are delivered from an event of their own, so the code
 * waiting on a call (a request, a multicall) never runs inside the
 * process state machine that completed it. A request whose client leaves
 * while its call waits has the call cancelled; nothing is sent.
 */
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "config-value.h"
#include "hmap.h"
#include "http.h"
#include "log.h"
#include "repr.h"
#include "rpc.h"
#include "server.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* Bytes of a bad request body quoted in the log. */
#define RPC_LOG_BODY_MAX	2048

struct rpc_call {
	int			 refs;
	struct rpc_call		*parent;
	rpc_done_fn		 done_fn;
	void			*done_arg;
	const char		*method;	/* for the trace log */

	struct evbuffer		*value;
	int			 fault;
	char			*fault_text;

	int			 running;	/* inside the handler */
	int			 finished;	/* completed */
	int			 notified;	/* done_fn has run */
	int			 cancelled;
	rpc_cancel_fn		 cancel_fn;
	void			*cancel_arg;
	struct event		*ev;		/* late completion */

	/* Only for the call of a request. */
	struct timespec		 begun;		/* for the rpc hook */
	struct evhttp_request	*req;
	struct http_hold	*hold;
	struct xr_call		*xcall;
	void			(*after)(void);
};

static const struct {
	int		 code;
	const char	*name;
} rpc_faults[] = {
	{ FAULT_UNKNOWN_METHOD, "UNKNOWN_METHOD" },
	{ FAULT_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS" },
	{ FAULT_BAD_ARGUMENTS, "BAD_ARGUMENTS" },
	{ FAULT_SIGNATURE_UNSUPPORTED, "SIGNATURE_UNSUPPORTED" },
	{ FAULT_SHUTDOWN_STATE, "SHUTDOWN_STATE" },
	{ FAULT_BAD_NAME, "BAD_NAME" },
	{ FAULT_BAD_SIGNAL, "BAD_SIGNAL" },
	{ FAULT_NO_FILE, "NO_FILE" },
	{ FAULT_NOT_EXECUTABLE, "NOT_EXECUTABLE" },
	{ FAULT_FAILED, "FAILED" },
	{ FAULT_ABNORMAL_TERMINATION, "ABNORMAL_TERMINATION" },
	{ FAULT_SPAWN_ERROR, "SPAWN_ERROR" },
	{ FAULT_ALREADY_STARTED, "ALREADY_STARTED" },
	{ FAULT_NOT_RUNNING, "NOT_RUNNING" },
	{ FAULT_SUCCESS, "SUCCESS" },
	{ FAULT_ALREADY_ADDED, "ALREADY_ADDED" },
	{ FAULT_STILL_RUNNING, "STILL_RUNNING" },
	{ FAULT_CANT_REREAD, "CANT_REREAD" },
};

static struct hmap	  rpc_by_name;
static const char	**rpc_names;
static int		  rpc_nnames;
static rpc_loader_fn	  rpc_loader;
static rpc_hook_fn	  rpc_hook;
/* A shutdown or restart was asked for and waits for its reply to go out. */
static int		  rpc_stopping;

static void	rpc_call_finish(struct rpc_call *);

static int
rpc_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Index the method tables once. */
void
rpc_init(const struct rpc_method *const *tables, size_t ntables)
{
	const struct rpc_method	*m;
	size_t			 i;

	if (rpc_names != NULL)
		return;
	hmap_init(&rpc_by_name);
	for (i = 0; i < ntables; i++) {
		for (m = tables[i]; m->name != NULL; m++) {
			hmap_put_str(&rpc_by_name, m->name, (void *)m);
			rpc_names = xreallocarray(rpc_names, rpc_nnames + 1,
			    sizeof *rpc_names);
			rpc_names[rpc_nnames++] = m->name;
		}
	}
	qsort(rpc_names, rpc_nnames, sizeof *rpc_names, rpc_name_cmp);
}

/* The sorted names system.listMethods returns. */
const char **
rpc_method_names(int *n)
{
	*n = rpc_nnames;
	return (rpc_names);
}

/*
 * Supervisor's traverse(): "namespace.method" with exactly one dot, no
 * leading underscore. Every name in the tables has that form, so looking
 * the whole name up is the same test.
 */
const struct rpc_method *
rpc_find_method(const char *name)
{
	return (hmap_get_str(&rpc_by_name, name));
}

/* Supervisor's getFaultDescription(). */
const char *
rpc_fault_name(int code)
{
	size_t	i;

	for (i = 0; i < sizeof rpc_faults / sizeof rpc_faults[0]; i++) {
		if (rpc_faults[i].code == code)
			return (rpc_faults[i].name);
	}
	return ("UNKNOWN");
}

/* The text of an RPCError: the name, then ": extra" if given. */
char *
rpc_fault_text(int code, const char *extra)
{
	char	*text;

	if (extra == NULL)
		return (xstrdup(rpc_fault_name(code)));
	xasprintf(&text, "%s: %s", rpc_fault_name(code), extra);
	return (text);
}

/* -------------------------------------------------------------------- */
/* Calls.                                                                 */

/* A call with one reference, owned by the caller. */
struct rpc_call *
rpc_call_new(struct rpc_call *parent, rpc_done_fn fn, void *arg)
{
	struct rpc_call	*c;

	c = xcalloc(1, sizeof *c);
	c->refs = 1;
	c->parent = parent;
	c->done_fn = fn;
	c->done_arg = arg;
	c->method = "";
	return (c);
}

/* Keep a call (a waiting handler, a pending completion). */
void
rpc_call_ref(struct rpc_call *c)
{
	c->refs++;
}

/* Drop a reference; the last one frees the call. */
void
rpc_call_unref(struct rpc_call *c)
{
	if (--c->refs > 0)
		return;
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->value != NULL)
		evbuffer_free(c->value);
	if (c->xcall != NULL)
		xr_call_free(c->xcall);
	free(c->fault_text);
	free(c);
}

/* What to run if the call is cancelled while it waits. */
void
rpc_call_set_cancel(struct rpc_call *c, rpc_cancel_fn fn, void *arg)
{
	c->cancel_fn = fn;
	c->cancel_arg = arg;
}

/*
 * The action runs on the request's call, after its whole reply: a
 * shutdown asked for inside a multicall waits for the multicall's reply.
 * Until then the daemon already answers as if stopping.
 */
void
rpc_call_after_reply(struct rpc_call *c, void (*fn)(void))
{
	while (c->parent != NULL)
		c = c->parent;
	c->after = fn;
	rpc_stopping = 1;
}

static void
rpc_call_notify(struct rpc_call *c)
{
	if (c->notified || c->cancelled)
		return;
	c->notified = 1;
	if (c->done_fn != NULL)
		c->done_fn(c, c->done_arg);
}

static void
rpc_call_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct rpc_call	*c = arg;

	rpc_call_notify(c);
	rpc_call_unref(c);
}

static void
rpc_call_finish(struct rpc_call *c)
{
	if (c->finished)
		fatalx("%s: call of %s completed twice", __func__, c->method);
	c->finished = 1;
	if (c->running || c->cancelled)
		return;
	if (c->ev == NULL)
		c->ev = event_new(server_base, -1, 0, rpc_call_event_cb, c);
	rpc_call_ref(c);
	event_active(c->ev, EV_TIMEOUT, 1);
}

/* The reply is no longer wanted: tell the waiting handler. */
void
rpc_call_cancel(struct rpc_call *c)
{
	if (c->cancelled)
		return;
	c->cancelled = 1;
	if (!c->finished && c->cancel_fn != NULL)
		c->cancel_fn(c, c->cancel_arg);
}

/* Look the method up, check the arguments and the mood, run the handler. */
void
rpc_call_run(struct rpc_call *c, const char *method, struct xr_value **argv,
    int argc)
{
	const struct rpc_method	*m;

	rpc_call_ref(c);
	c->running = 1;
	if ((m = rpc_find_method(method)) == NULL)
		rpc_fault(c, FAULT_UNKNOWN_METHOD, NULL);
	else if (argc < m->min || argc > m->max)
		rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	else if ((m->flags & RPC_CHECK_STATE) && !rpc_check_state(c))
		;
	else {
		c->method = m->name;
		m->fn(c, argv, argc);
	}
	c->running = 0;
	if (c->finished)
		rpc_call_notify(c);
	rpc_call_unref(c);
}

/* A completed call's value or fault. */
int
rpc_call_outcome(struct rpc_call *c, struct evbuffer **value,
    const char **fault)
{
	if (c->fault != 0) {
		*value = NULL;
		*fault = c->fault_text;
		return (c->fault);
	}
	*value = rpc_result(c);
	*fault = NULL;
	return (0);
}

/* -------------------------------------------------------------------- */
/* Completing a call.                                                    */

/* The buffer a handler encodes its one value into. */
struct evbuffer *
rpc_result(struct rpc_call *c)
{
	if (c->value == NULL)
		c->value = evbuffer_new();
	return (c->value);
}

/* The value in rpc_result() is complete. */
void
rpc_done(struct rpc_call *c)
{
	rpc_call_finish(c);
}

/* Complete with a boolean. */
void
rpc_return_bool(struct rpc_call *c, int v)
{
	xr_encode_bool(rpc_result(c), v);
	rpc_done(c);
}

/* Complete with an int. */
void
rpc_return_int(struct rpc_call *c, long long v)
{
	xr_encode_int(rpc_result(c), v);
	rpc_done(c);
}

/* Complete with a string. */
void
rpc_return_string(struct rpc_call *c, const char *s)
{
	xr_encode_string(rpc_result(c), s);
	rpc_done(c);
}

/* Complete with a fault; a value written so far is dropped. */
void
rpc_fault(struct rpc_call *c, enum fault code, const char *extra)
{
	if (c->value != NULL)
		evbuffer_drain(c->value, evbuffer_get_length(c->value));
	c->fault = code;
	free(c->fault_text);
	c->fault_text = rpc_fault_text(code, extra);
	rpc_call_finish(c);
}

/* rpc_fault() with a formatted extra text. */
void
rpc_faultf(struct rpc_call *c, enum fault code, const char *fmt, ...)
{
	va_list	 ap;
	char	*extra;

	va_start(ap, fmt);
	xvasprintf(&extra, fmt, ap);
	va_end(ap);
	rpc_fault(c, code, extra);
	free(extra);
}

/* Supervisor's make_namespec(). */
char *
rpc_namespec(const char *group, const char *name)
{
	char	*s;

	if (strcmp(group, name) == 0)
		return (xstrdup(name));
	xasprintf(&s, "%s:%s", group, name);
	return (s);
}

/* Supervisor's _update(): SHUTDOWN_STATE unless running. */
int
rpc_check_state(struct rpc_call *c)
{
	if (!rpc_stopping && server_state() >= SERVER_RUNNING)
		return (1);
	rpc_fault(c, FAULT_SHUTDOWN_STATE, NULL);
	return (0);
}

/* -------------------------------------------------------------------- */
/* Requests.                                                             */

static void
rpc_http_after(struct rpc_call *c)
{
	void	(*fn)(void) = c->after;

	c->after = NULL;
	if (fn != NULL)
		fn();
}

void
rpc_set_hook(rpc_hook_fn fn)
{
	rpc_hook = fn;
}

/*
 * Tell the hook a request's call completed: the method's name from the
 * tables (NULL for an unknown one, so a client cannot invent names) and
 * the seconds from its arrival, waiting included.
 */
static void
rpc_http_count(struct rpc_call *c)
{
	const struct rpc_method	*m;
	struct timespec		 now;
	double			 secs;

	if (rpc_hook == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (now.tv_sec - c->begun.tv_sec) +
	    (now.tv_nsec - c->begun.tv_nsec) / 1e9;
	m = rpc_find_method(c->method);
	rpc_hook(m != NULL ? m->name : NULL, secs);
}

/* The call of a request completed: send its response document. */
static void
rpc_http_done(struct rpc_call *c, void *arg)
{
	struct evhttp_request	*req = c->req;
	struct evbuffer		*out;

	rpc_http_count(c);
	if (c->hold != NULL) {
		req = http_release(c->hold);
		c->hold = NULL;
	}
	c->req = NULL;
	out = evbuffer_new();
	if (c->fault != 0) {
		log_trace("XML-RPC method %s() returned fault: [%d] %s",
		    c->method, c->fault, c->fault_text);
		xr_encode_fault(out, c->fault, c->fault_text);
	} else {
		xr_encode_response_begin(out);
		if (c->value != NULL)
			evbuffer_add_buffer(out, c->value);
		xr_encode_response_end(out);
	}
	/* Heap a call left behind (a big reply, a reload) goes back later. */
	server_trim_soon();
	http_send(req, out, "text/xml", c->after);
	c->after = NULL;
	evbuffer_free(out);
	rpc_call_unref(c);
}

/* The client left while its call waited. */
static void
rpc_http_gone(void *arg)
{
	struct rpc_call	*c = arg;

	c->hold = NULL;
	c->req = NULL;
	rpc_call_cancel(c);
	rpc_http_after(c);
	rpc_call_unref(c);
}

static void
rpc_http_invalid(struct evhttp_request *req, const char *buf, size_t len,
    const char *cause)
{
	char	*copy, *repr;

	if (len > RPC_LOG_BODY_MAX)
		len = RPC_LOG_BODY_MAX;
	copy = xstrndup(buf, len);
	repr = repr_string(copy);
	log_error("XML-RPC request data %s is invalid: %s", repr, cause);
	free(repr);
	free(copy);
	http_error(req, 400);
}

/* Decode a request body, run its call, and answer now or later. */
void
rpc_http(struct evhttp_request *req, const char *buf, size_t len)
{
	struct xr_call	*xc;
	struct rpc_call	*c;
	char		*cause = NULL;

	if (xr_parse_call(buf, len, &xc, &cause) != 0) {
		rpc_http_invalid(req, buf, len, strcmp(cause, "no method name")
		    == 0 ? cause : "unmarshallable");
		free(cause);
		return;
	}
	if (xc->method == NULL || *xc->method == '\0') {
		xr_call_free(xc);
		rpc_http_invalid(req, buf, len, "no method name");
		return;
	}
	c = rpc_call_new(NULL, rpc_http_done, NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->begun);
	c->req = req;
	c->xcall = xc;
	c->method = xc->method;
	log_trace("XML-RPC method called: %s()", xc->method);
	rpc_call_ref(c);
	rpc_call_run(c, xc->method, (struct xr_value **)xc->params->u.a.items,
	    (int)xc->params->u.a.n);
	if (!c->finished)
		c->hold = http_hold(req, rpc_http_gone, c, 0);
	rpc_call_unref(c);
}

void
rpc_http_route(struct evhttp_request *req, const char *path)
{
	struct evbuffer	*body = evhttp_request_get_input_buffer(req);
	size_t		 len;

	/* An empty buffer has no bytes to point at; its pullup is NULL. */
	if ((len = evbuffer_get_length(body)) == 0)
		rpc_http(req, "", 0);
	else
		rpc_http(req, (const char *)evbuffer_pullup(body, -1), len);
}

/* -------------------------------------------------------------------- */
/* Arguments.                                                            */

/* A string argument (base64 decodes to one, as in Supervisor). */
int
rpc_arg_string(struct rpc_call *c, const struct xr_value *v, const char **s)
{
	if (v->type == XR_STRING || v->type == XR_BASE64) {
		*s = v->u.s.ptr;
		return (0);
	}
	rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	return (-1);
}

/*
 * Python's int(): ints and bools as they are, doubles truncated, strings
 * as decimal literals (spaces, sign and underscores allowed).
 */
int
rpc_arg_int(struct rpc_call *c, const struct xr_value *v, long long *out)
{
	char	*cause = NULL;

	switch (v->type) {
	case XR_INT:
		*out = v->u.i;
		return (0);
	case XR_BOOL:
		*out = v->u.b;
		return (0);
	case XR_DOUBLE:
		if (isfinite(v->u.d) && fabs(v->u.d) < 9.2e18) {
			*out = (long long)v->u.d;
			return (0);
		}
		break;
	case XR_STRING:
	case XR_BASE64:
		if (cv_int(v->u.s.ptr, out, &cause) == 0)
			return (0);
		free(cause);
		break;
	default:
		break;
	}
	rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	return (-1);
}

/* Python's truth of a value, for the wait arguments. */
int
rpc_truth(const struct xr_value *v)
{
	switch (v->type) {
	case XR_NIL:
		return (0);
	case XR_BOOL:
		return (v->u.b);
	case XR_INT:
		return (v->u.i != 0);
	case XR_DOUBLE:
		return (v->u.d != 0);
	case XR_STRING:
	case XR_BASE64:
		return (v->u.s.len != 0);
	case XR_DATETIME:
		return (1);
	case XR_ARRAY:
		return (v->u.a.n != 0);
	case XR_STRUCT:
		return (v->u.st.n != 0);
	}
	return (1);
}

static void rpc_str_add(struct evbuffer *, const struct xr_value *, int);

/* A datetime as Python prints one: "2024-01-02 03:04:05". */
static void
rpc_str_datetime(struct evbuffer *b, const char *s, int repr)
{
	int	y, mo, d, h, mi, sec;

	if (sscanf(s, "%4d%2d%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) {
		evbuffer_add_printf(b, "%s", s);
		return;
	}
	if (repr)
		evbuffer_add_printf(b, "datetime.datetime(%d, %d, %d, %d, %d, %d)",
		    y, mo, d, h, mi, sec);
	else
		evbuffer_add_printf(b, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d,
		    h, mi, sec);
}

static void
rpc_str_string(struct evbuffer *b, const char *s, int repr)
{
	char	*r;

	if (!repr) {
		evbuffer_add(b, s, strlen(s));
		return;
	}
	r = repr_string(s);
	evbuffer_add(b, r, strlen(r));
	free(r);
}

/* str() (repr 0) or repr() (repr 1) of a value, as Python writes them. */
static void
rpc_str_add(struct evbuffer *b, const struct xr_value *v, int repr)
{
	char	dbl[XR_DOUBLE_REPR_MAX];
	size_t	i;

	switch (v->type) {
	case XR_NIL:
		evbuffer_add_printf(b, "None");
		break;
	case XR_BOOL:
		evbuffer_add_printf(b, "%s", v->u.b ? "True" : "False");
		break;
	case XR_INT:
		evbuffer_add_printf(b, "%lld", v->u.i);
		break;
	case XR_DOUBLE:
		evbuffer_add_printf(b, "%s", xr_double_repr(v->u.d, dbl));
		break;
	case XR_STRING:
	case XR_BASE64:
		rpc_str_string(b, v->u.s.ptr, repr);
		break;
	case XR_DATETIME:
		rpc_str_datetime(b, v->u.s.ptr, repr);
		break;
	case XR_ARRAY:
		evbuffer_add(b, "[", 1);
		for (i = 0; i < v->u.a.n; i++) {
			if (i > 0)
				evbuffer_add(b, ", ", 2);
			rpc_str_add(b, v->u.a.items[i], 1);
		}
		evbuffer_add(b, "]", 1);
		break;
	case XR_STRUCT:
		evbuffer_add(b, "{", 1);
		for (i = 0; i < v->u.st.n; i++) {
			if (i > 0)
				evbuffer_add(b, ", ", 2);
			rpc_str_string(b, v->u.st.members[i].name, 1);
			evbuffer_add(b, ": ", 2);
			rpc_str_add(b, v->u.st.members[i].value, 1);
		}
		evbuffer_add(b, "}", 1);
		break;
	}
}

/* Python's str() of a value. Caller frees. */
char *
rpc_str(const struct xr_value *v)
{
	struct evbuffer	*b;
	char		*s;
	size_t		 len;

	b = evbuffer_new();
	rpc_str_add(b, v, 0);
	len = evbuffer_get_length(b);
	s = xmalloc(len + 1);
	evbuffer_remove(b, s, len);
	s[len] = '\0';
	evbuffer_free(b);
	return (s);
}

/* -------------------------------------------------------------------- */
/* Reloading the configuration.                                          */

/* Set by supd.c: how reloadConfig reads the config. */
void
rpc_set_config_loader(rpc_loader_fn fn)
{
	rpc_loader = fn;
}

/*
 * Without a loader from supd.c, read the same file with no command-line
 * overrides: all the daemon's own settings stay as they are anyway; only
 * the program sections matter to reloadConfig.
 */
struct config *
rpc_load_config(char ***errors, int *nerrors)
{
	struct cmdline	cl;

	if (rpc_loader != NULL)
		return (rpc_loader(errors, nerrors));
	memset(&cl, 0, sizeof cl);
	cl.configfile = server_config != NULL ? server_config->configfile :
	    NULL;
	cl.nodaemon = cl.umask = cl.loglevel = -1;
	cl.logfile_maxbytes = cl.logfile_backups = -1;
	cl.minfds = cl.minprocs = -1;
	return (config_load(&cl, errors, nerrors));
}
