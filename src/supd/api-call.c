/*
 * The JSON API's requests: replies, errors, and XML-RPC methods run for
 * a request. A method is run as system.multicall runs its calls, through
 * rpc_call_run(); one that waits (startProcess with wait) keeps the
 * request held until the processes settle, as /RPC2 does, and is
 * cancelled if the client leaves.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-call.h"
#include "http.h"
#include "log.h"
#include "rpc.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/*
 * The call rpc_call_run() is running for api_call(), until it completes:
 * so api_call() knows, after the run, whether the request must be held.
 */
static struct rpc_call	*api_call_running;

/*
 * The HTTP status of each fault: a name that is not there is 404, a
 * conflict with the process's state 409, a bad argument 400; the rest
 * are the daemon's failures.
 */
static const struct {
	int	fault;
	int	status;
} api_call_statuses[] = {
	{ FAULT_BAD_NAME, 404 },
	{ FAULT_NO_FILE, 404 },
	{ FAULT_ALREADY_STARTED, 409 },
	{ FAULT_NOT_RUNNING, 409 },
	{ FAULT_STILL_RUNNING, 409 },
	{ FAULT_ALREADY_ADDED, 409 },
	{ FAULT_BAD_ARGUMENTS, 400 },
	{ FAULT_BAD_SIGNAL, 400 },
	{ FAULT_INCORRECT_PARAMETERS, 400 },
	{ FAULT_UNKNOWN_METHOD, 501 },
	{ FAULT_SHUTDOWN_STATE, 503 },
};

static const char *
api_call_reason(int status)
{
	switch (status) {
	case 200:
		return ("OK");
	case 400:
		return ("Bad Request");
	case 403:
		return ("Forbidden");
	case 404:
		return ("Not Found");
	case 405:
		return ("Method Not Allowed");
	case 409:
		return ("Conflict");
	case 415:
		return ("Unsupported Media Type");
	case 501:
		return ("Not Implemented");
	case 503:
		return ("Service Unavailable");
	}
	return ("Internal Server Error");
}

/*
 * The reply headers: no caching, no sniffing, and no
 * Access-Control-Allow-Origin, so another origin's page cannot read it.
 */
void
api_send(struct evhttp_request *req, int status, json_t *o)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	char			*text, len[32];

	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	b = evbuffer_new();
	evbuffer_add(b, text, strlen(text));
	evbuffer_add(b, "\n", 1);
	free(text);
	snprintf(len, sizeof len, "%zu", evbuffer_get_length(b));
	evhttp_add_header(out, "Server", "supd");
	evhttp_add_header(out, "Content-Type", "application/json");
	evhttp_add_header(out, "Content-Length", len);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(req, status, api_call_reason(status), b);
	evbuffer_free(b);
}

struct api_req *
api_req_new(struct evhttp_request *req)
{
	struct api_req	*a;

	a = xcalloc(1, sizeof *a);
	a->req = req;
	a->wait = 1;
	return (a);
}

/* Free a request's state; see api-call.h. */
void
api_req_free(struct api_req *a)
{
	free(a->name);
	if (a->body != NULL)
		json_decref(a->body);
	free(a);
}

/* Answer; see api-call.h. */
void
api_reply(struct api_req *a, int status, json_t *o)
{
	struct evhttp_request	*req = a->req;

	if (a->hold != NULL)
		req = http_release(a->hold);
	a->hold = NULL;
	api_send(req, status, o);
	api_req_free(a);
}

/* An error; see api-call.h. */
void
api_error(struct api_req *a, int status, const char *code,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	api_reply(a, status, json_pack("{s:{s:s,s:s}}", "error", "code", code,
	    "message", msg));
	free(msg);
}

/* A fault as an error: code is the fault's name, message its text. */
void
api_fault(struct api_req *a, int fault, const char *text)
{
	size_t	i;
	int	status = 500;

	for (i = 0; i < sizeof api_call_statuses /
	    sizeof api_call_statuses[0]; i++) {
		if (api_call_statuses[i].fault == fault)
			status = api_call_statuses[i].status;
	}
	api_error(a, status, rpc_fault_name(fault), "%s",
	    text != NULL ? text : rpc_fault_name(fault));
}

/* The encoded <value> of a result, decoded again. NULL if none. */
static struct xr_value *
api_call_decode(struct evbuffer *value)
{
	struct evbuffer	*doc;
	struct xr_value	*v = NULL;
	char		*fstr = NULL, *cause = NULL;
	int		 fcode;

	if (value == NULL || evbuffer_get_length(value) == 0)
		return (NULL);
	doc = evbuffer_new();
	xr_encode_response_begin(doc);
	evbuffer_add_buffer_reference(doc, value);
	xr_encode_response_end(doc);
	if (xr_parse_response((const char *)evbuffer_pullup(doc, -1),
	    evbuffer_get_length(doc), &v, &fcode, &fstr, &cause) != 0) {
		log_warn("%s: cannot decode a result: %s", __func__,
		    cause != NULL ? cause : "fault");
		v = NULL;
	}
	free(fstr);
	free(cause);
	evbuffer_free(doc);
	return (v);
}

static void
api_call_done(struct rpc_call *c, void *arg)
{
	struct api_req	*a = arg;
	struct evbuffer	*value;
	struct xr_value	*v;
	const char	*text;
	int		 fault;

	if (api_call_running == c)
		api_call_running = NULL;
	fault = rpc_call_outcome(c, &value, &text);
	v = fault == 0 ? api_call_decode(value) : NULL;
	a->call = NULL;
	a->fn(a, fault, text, v);
	if (v != NULL)
		xr_free(v);
	rpc_call_unref(c);
}

/* The client left while its call waited. */
static void
api_call_gone(void *arg)
{
	struct api_req	*a = arg;

	a->hold = NULL;
	if (a->call != NULL) {
		rpc_call_cancel(a->call);
		rpc_call_unref(a->call);
	}
	api_req_free(a);
}

/* Run a method for a request; see api-call.h. */
void
api_call(struct api_req *a, const char *method, struct xr_value **argv,
    int argc, api_call_fn fn)
{
	struct rpc_call	*c, *outer = api_call_running;
	int		 i, waits;

	c = rpc_call_new(NULL, api_call_done, a);
	a->call = c;
	a->fn = fn;
	/* A call done at once has answered, and maybe freed a, inside. */
	api_call_running = c;
	rpc_call_run(c, method, argv, argc);
	waits = api_call_running == c;
	api_call_running = outer;
	for (i = 0; i < argc; i++)
		xr_free(argv[i]);
	if (waits && a->hold == NULL)
		a->hold = http_hold(a->req, api_call_gone, a, 1);
}
