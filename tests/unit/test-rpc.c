/*
 * Unit tests for the XML-RPC layer and the HTTP servers' pure parts:
 * SHA-1, basic auth as Supervisor checks it, fault texts, Python's
 * argument conversions, dispatch with argument counts and the mood check,
 * calls that complete later (and clients that leave first), and
 * system.multicall. The daemon's pieces rpc.c calls are stubbed below;
 * whole requests go through rpc_http() and come back as documents.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "config.h"
#include "http.h"
#include "http-auth.h"
#include "rpc.h"
#include "rpc-out.h"
#include "server.h"
#include "sha1.h"
#include "spawn.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* -------------------------------------------------------------------- */
/* Stubs of the daemon.                                                  */

struct event_base	*server_base;
struct config		*server_config;
static enum server_state stub_state = SERVER_RUNNING;
static struct evbuffer	*stub_reply;	/* the last document sent */
static int		 stub_error;	/* the last HTTP error sent */
static int		 stub_held;
static http_gone_fn	 stub_gone;
static void		*stub_gone_arg;
static int		 stub_after_runs;

enum server_state
server_state(void)
{
	return (stub_state);
}

void
server_trim_soon(void)
{
}

struct config *
config_load(const struct cmdline *cl, char ***errors, int *nerrors)
{
	*errors = NULL;
	*nerrors = 0;
	return (NULL);
}

void
config_free_errors(char **errors, int n)
{
	free(errors);
}

struct http_hold *
http_hold(struct evhttp_request *req, http_gone_fn gone, void *arg,
    int discard)
{
	stub_held = 1;
	stub_gone = gone;
	stub_gone_arg = arg;
	return ((struct http_hold *)&stub_held);
}

struct evhttp_request *
http_release(struct http_hold *h)
{
	stub_held = 0;
	return (NULL);
}

void
http_send(struct evhttp_request *req, struct evbuffer *body,
    const char *type, void (*after)(void))
{
	evbuffer_drain(stub_reply, evbuffer_get_length(stub_reply));
	evbuffer_add_buffer(stub_reply, body);
	if (after != NULL)
		after();
}

void
http_error(struct evhttp_request *req, int code)
{
	stub_error = code;
}

/* -------------------------------------------------------------------- */
/* Test methods, in place of the supervisor and supd namespaces.         */

static struct rpc_call	*later_call;
static int		 later_cancelled;

static void
m_echo(struct rpc_call *c, struct xr_value **argv, int argc)
{
	xr_encode_value(rpc_result(c), argv[0]);
	rpc_done(c);
}

static void
m_int(struct rpc_call *c, struct xr_value **argv, int argc)
{
	long long	v;

	if (rpc_arg_int(c, argv[0], &v) == 0)
		rpc_return_int(c, v);
}

static void
m_truth(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_return_bool(c, rpc_truth(argv[0]));
}

static void
m_str(struct rpc_call *c, struct xr_value **argv, int argc)
{
	char	*s = rpc_str(argv[0]);

	rpc_return_string(c, s);
	free(s);
}

static void
m_later_cancel(struct rpc_call *c, void *arg)
{
	later_cancelled++;
	later_call = NULL;
	rpc_call_unref(c);
}

/* Completes only when the test says so (see finish_later). */
static void
m_later(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_call_ref(c);
	rpc_call_set_cancel(c, m_later_cancel, NULL);
	later_call = c;
}

static void
stub_stop(void)
{
	stub_after_runs++;
}

static void
m_shutdown(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_call_after_reply(c, stub_stop);
	rpc_return_bool(c, 1);
}

static const struct rpc_method test_methods[] = {
	{ "supervisor.echo", m_echo, 1, 2, RPC_CHECK_STATE, "string string",
	  "echo" },
	{ "supervisor.int", m_int, 1, 1, 0, "int int", "int" },
	{ "supervisor.truth", m_truth, 1, 1, 0, "boolean string", "truth" },
	{ "supervisor.str", m_str, 1, 1, 0, "string string", "str" },
	{ "supervisor.later", m_later, 0, 1, 0, "string", "later" },
	{ "supervisor.shutdown", m_shutdown, 0, 0, RPC_CHECK_STATE, "boolean",
	  "shutdown" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};

/* The test namespace beside the real system namespace. */
static const struct rpc_method *const test_tables[] = {
	test_methods,
	rpc_system_methods,
};

/* -------------------------------------------------------------------- */
/* Helpers.                                                              */

static int
setup(void **state)
{
	server_base = event_base_new();
	stub_reply = evbuffer_new();
	stub_state = SERVER_RUNNING;
	stub_error = 0;
	stub_held = 0;
	rpc_init(test_tables, sizeof test_tables / sizeof test_tables[0]);
	return (0);
}

static int
teardown(void **state)
{
	evbuffer_free(stub_reply);
	event_base_free(server_base);
	return (0);
}

/* Send a <methodCall> of method with params; NULL params for none. */
static void
call(const char *method, struct xr_value *params)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 len;

	xr_encode_call(b, method, params);
	len = evbuffer_get_length(b);
	evbuffer_drain(stub_reply, evbuffer_get_length(stub_reply));
	rpc_http(NULL, (const char *)evbuffer_pullup(b, -1), len);
	evbuffer_free(b);
	if (params != NULL)
		xr_free(params);
}

static struct xr_value *
args(int n, ...)
{
	struct xr_value	*a = xr_array();
	va_list		 ap;
	int		 i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		xr_array_append(a, va_arg(ap, struct xr_value *));
	va_end(ap);
	return (a);
}

/* The reply to the last call: 0 and its value, or the fault code. */
static int
reply(struct xr_value **v, char **fault)
{
	char	*cause = NULL;
	int	 code = 0, rc;

	assert_true(evbuffer_get_length(stub_reply) > 0);
	rc = xr_parse_response((const char *)evbuffer_pullup(stub_reply, -1),
	    evbuffer_get_length(stub_reply), v, &code, fault, &cause);
	assert_int_not_equal(rc, -1);
	return (rc == 1 ? code : 0);
}

static void
reply_fault(int code, const char *text)
{
	struct xr_value	*v = NULL;
	char		*fault = NULL;

	assert_int_equal(reply(&v, &fault), code);
	assert_string_equal(fault, text);
	free(fault);
}

static struct xr_value *
reply_value(void)
{
	struct xr_value	*v = NULL;
	char		*fault = NULL;

	assert_int_equal(reply(&v, &fault), 0);
	return (v);
}

static void
run_loop(void)
{
	event_base_loop(server_base, EVLOOP_NONBLOCK);
}

/* -------------------------------------------------------------------- */
/* SHA-1 and basic auth.                                                 */

static void
test_sha1_vectors(void **state)
{
	char	hex[41], *million;

	sha1_hex("", 0, hex);
	assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	sha1_hex("abc", 3, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    hex);
	assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	million = xmalloc(1000000);
	memset(million, 'a', 1000000);
	sha1_hex(million, 1000000, hex);
	assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(million);
}

static void
test_base64_lenient(void **state)
{
	char	*out;
	size_t	 len;

	assert_int_equal(http_auth_base64("YWxpY2U6czNjcmV0", 16, &out, &len),
	    0);
	assert_string_equal(out, "alice:s3cret");
	free(out);
	/* Characters outside the alphabet are skipped. */
	assert_int_equal(http_auth_base64("YW*xp Y2U6\ncz!NjcmV0", 20, &out,
	    &len), 0);
	assert_string_equal(out, "alice:s3cret");
	free(out);
	/* Decoding stops after complete padding. */
	assert_int_equal(http_auth_base64("YQ==garbage", 11, &out, &len), 0);
	assert_string_equal(out, "a");
	free(out);
	/* Incomplete quanta are errors, as binascii says. */
	assert_int_equal(http_auth_base64("YQ", 2, &out, &len), -1);
	assert_int_equal(http_auth_base64("YWJjZ", 5, &out, &len), -1);
	assert_int_equal(http_auth_base64("", 0, &out, &len), 0);
	assert_int_equal(len, 0);
	free(out);
}

static void
test_auth_plain(void **state)
{
	/* alice:s3cret */
	assert_int_equal(http_auth_check("Basic YWxpY2U6czNjcmV0", "alice",
	    "s3cret"), HTTP_AUTH_OK);
	assert_int_equal(http_auth_check("bAsIc YWxpY2U6czNjcmV0", "alice",
	    "s3cret"), HTTP_AUTH_OK);
	assert_int_equal(http_auth_check("Basic YWxpY2U6czNjcmV0", "alice",
	    "other"), HTTP_AUTH_DENIED);
	assert_int_equal(http_auth_check("Basic YWxpY2U6czNjcmV0", "bob",
	    "s3cret"), HTTP_AUTH_DENIED);
	assert_int_equal(http_auth_check(NULL, "alice", "s3cret"),
	    HTTP_AUTH_DENIED);
	assert_int_equal(http_auth_check("Digest YWxpY2U6czNjcmV0", "alice",
	    "s3cret"), HTTP_AUTH_DENIED);
	assert_int_equal(http_auth_check("Basic", "alice", "s3cret"),
	    HTTP_AUTH_DENIED);
	/* "alice" alone: no colon, no password. */
	assert_int_equal(http_auth_check("Basic YWxpY2U=", "alice", "s3cret"),
	    HTTP_AUTH_DENIED);
	/* Bad padding is medusa's 400. */
	assert_int_equal(http_auth_check("Basic YWxpY2U6c", "alice", "s3cret"),
	    HTTP_AUTH_MALFORMED);
	/* A password may hold colons: only the first one splits. */
	assert_int_equal(http_auth_check("Basic YTpiOmM=", "a", "b:c"),
	    HTTP_AUTH_OK);
}

static void
test_auth_sha(void **state)
{
	/* sha1("s3cret") */
	const char	*stored = "{SHA}d5b4d11d15a8c6a7a4e2a2c4f2d2fae1b1f94a2a";
	char		 hex[41], good[64], upper[64];
	size_t		 i;

	sha1_hex("s3cret", 6, hex);
	snprintf(good, sizeof good, "{SHA}%s", hex);
	assert_int_equal(http_auth_check("Basic YWxpY2U6czNjcmV0", "alice",
	    good), HTTP_AUTH_OK);
	assert_int_equal(http_auth_check("Basic YWxpY2U6czNjcmV0", "alice",
	    stored), HTTP_AUTH_DENIED);
	/* The hash is compared as hexdigest() writes it: lower case. */
	strcpy(upper, good);
	for (i = 5; upper[i] != '\0'; i++)
		if (upper[i] >= 'a' && upper[i] <= 'f')
			upper[i] -= 'a' - 'A';
	assert_int_equal(http_auth_check("Basic YWxpY2U6czNjcmV0", "alice",
	    upper), HTTP_AUTH_DENIED);
	/* The comparison itself. */
	assert_int_equal(http_auth_equal("abc", "abc"), 1);
	assert_int_equal(http_auth_equal("abc", "abd"), 0);
	assert_int_equal(http_auth_equal("abc", "abcd"), 0);
	assert_int_equal(http_auth_equal("", ""), 1);
}

/* -------------------------------------------------------------------- */
/* Faults, names and conversions.                                        */

static void
test_fault_texts(void **state)
{
	char	*t;

	assert_string_equal(rpc_fault_name(FAULT_BAD_NAME), "BAD_NAME");
	assert_string_equal(rpc_fault_name(FAULT_CANT_REREAD), "CANT_REREAD");
	assert_string_equal(rpc_fault_name(12345), "UNKNOWN");
	t = rpc_fault_text(FAULT_NOT_RUNNING, "g:p");
	assert_string_equal(t, "NOT_RUNNING: g:p");
	free(t);
	t = rpc_fault_text(FAULT_SHUTDOWN_STATE, NULL);
	assert_string_equal(t, "SHUTDOWN_STATE");
	free(t);
}

static void
test_namespec(void **state)
{
	char	*s;

	s = rpc_namespec("p", "p");
	assert_string_equal(s, "p");
	free(s);
	s = rpc_namespec("g", "p");
	assert_string_equal(s, "g:p");
	free(s);
}

static void
test_int_conversion(void **state)
{
	struct xr_value	*v;

	call("supervisor.int", args(1, xr_string(" 12 ")));
	v = reply_value();
	assert_int_equal(v->u.i, 12);
	xr_free(v);
	call("supervisor.int", args(1, xr_double(-3.9)));
	v = reply_value();
	assert_int_equal(v->u.i, -3);
	xr_free(v);
	call("supervisor.int", args(1, xr_bool(1)));
	v = reply_value();
	assert_int_equal(v->u.i, 1);
	xr_free(v);
	call("supervisor.int", args(1, xr_string("abc")));
	reply_fault(FAULT_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS");
	call("supervisor.int", args(1, xr_array()));
	reply_fault(FAULT_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS");
}

static void
test_truth_and_str(void **state)
{
	struct xr_value	*v, *a;

	call("supervisor.truth", args(1, xr_string("")));
	v = reply_value();
	assert_int_equal(v->u.b, 0);
	xr_free(v);
	call("supervisor.truth", args(1, xr_int(2)));
	v = reply_value();
	assert_int_equal(v->u.b, 1);
	xr_free(v);
	call("supervisor.str", args(1, xr_int(5)));
	v = reply_value();
	assert_string_equal(v->u.s.ptr, "5");
	xr_free(v);
	call("supervisor.str", args(1, xr_bool(0)));
	v = reply_value();
	assert_string_equal(v->u.s.ptr, "False");
	xr_free(v);
	a = xr_array();
	xr_array_append(a, xr_string("x"));
	xr_array_append(a, xr_int(1));
	call("supervisor.str", args(1, a));
	v = reply_value();
	assert_string_equal(v->u.s.ptr, "['x', 1]");
	xr_free(v);
}

/* -------------------------------------------------------------------- */
/* Dispatch.                                                             */

static void
test_unknown_methods(void **state)
{
	call("supervisor.nosuch", NULL);
	reply_fault(FAULT_UNKNOWN_METHOD, "UNKNOWN_METHOD");
	call("supervisor._private", NULL);
	reply_fault(FAULT_UNKNOWN_METHOD, "UNKNOWN_METHOD");
	call("supervisor.echo.more", args(1, xr_int(1)));
	reply_fault(FAULT_UNKNOWN_METHOD, "UNKNOWN_METHOD");
	call("echo", args(1, xr_int(1)));
	reply_fault(FAULT_UNKNOWN_METHOD, "UNKNOWN_METHOD");
}

static void
test_argument_counts(void **state)
{
	struct xr_value	*v;

	call("supervisor.echo", NULL);
	reply_fault(FAULT_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS");
	call("supervisor.echo", args(3, xr_int(1), xr_int(2), xr_int(3)));
	reply_fault(FAULT_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS");
	call("supervisor.echo", args(2, xr_string("a"), xr_int(2)));
	v = reply_value();
	assert_string_equal(v->u.s.ptr, "a");
	xr_free(v);
}

static void
test_shutdown_state(void **state)
{
	struct xr_value	*v;

	stub_state = SERVER_SHUTDOWN;
	call("supervisor.echo", args(1, xr_int(1)));
	reply_fault(FAULT_SHUTDOWN_STATE, "SHUTDOWN_STATE");
	/* Counting arguments comes first, as Python's TypeError does. */
	call("supervisor.echo", NULL);
	reply_fault(FAULT_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS");
	/* Methods without the check, and the system namespace, still answer. */
	call("supervisor.int", args(1, xr_int(4)));
	v = reply_value();
	assert_int_equal(v->u.i, 4);
	xr_free(v);
	call("system.listMethods", NULL);
	v = reply_value();
	assert_int_equal(v->type, XR_ARRAY);
	xr_free(v);
}

static void
test_bad_documents(void **state)
{
	const char	bad[] = "<methodCall><methodName>x</methodName>";
	const char	noname[] = "<?xml version='1.0'?><methodCall>"
	    "<methodName></methodName><params></params></methodCall>";

	rpc_http(NULL, bad, sizeof bad - 1);
	assert_int_equal(stub_error, 400);
	stub_error = 0;
	rpc_http(NULL, noname, sizeof noname - 1);
	assert_int_equal(stub_error, 400);
}

/* -------------------------------------------------------------------- */
/* Calls that answer later.                                              */

static void
test_deferred_reply(void **state)
{
	struct xr_value	*v;

	call("supervisor.later", NULL);
	assert_int_equal(evbuffer_get_length(stub_reply), 0);
	assert_int_equal(stub_held, 1);
	assert_non_null(later_call);
	rpc_return_string(later_call, "done");
	rpc_call_unref(later_call);
	later_call = NULL;
	/* Nothing is sent from inside whatever completed the call. */
	assert_int_equal(evbuffer_get_length(stub_reply), 0);
	run_loop();
	assert_int_equal(stub_held, 0);
	v = reply_value();
	assert_string_equal(v->u.s.ptr, "done");
	xr_free(v);
}

static void
test_client_leaves_while_waiting(void **state)
{
	later_cancelled = 0;
	call("supervisor.later", NULL);
	assert_non_null(later_call);
	stub_gone(stub_gone_arg);
	assert_int_equal(later_cancelled, 1);
	assert_null(later_call);
	run_loop();
	assert_int_equal(evbuffer_get_length(stub_reply), 0);
}

static void
test_after_reply(void **state)
{
	struct xr_value	*v;

	stub_after_runs = 0;
	call("supervisor.shutdown", NULL);
	v = reply_value();
	assert_int_equal(v->u.b, 1);
	xr_free(v);
	assert_int_equal(stub_after_runs, 1);
	/* Until the server says so, calls are refused as if stopping. */
	call("supervisor.shutdown", NULL);
	reply_fault(FAULT_SHUTDOWN_STATE, "SHUTDOWN_STATE");
}

/* -------------------------------------------------------------------- */
/* system.*                                                              */

static struct xr_value *
mc(const char *name, struct xr_value *params)
{
	struct xr_value	*s = xr_struct();

	if (name != NULL)
		xr_struct_set(s, "methodName", xr_string(name));
	if (params != NULL)
		xr_struct_set(s, "params", params);
	return (s);
}

static void
test_list_and_signature(void **state)
{
	struct xr_value	*v;
	size_t		 i;

	call("system.listMethods", NULL);
	v = reply_value();
	for (i = 1; i < v->u.a.n; i++)
		assert_true(strcmp(v->u.a.items[i - 1]->u.s.ptr,
		    v->u.a.items[i]->u.s.ptr) < 0);
	xr_free(v);
	call("system.methodSignature", args(1, xr_string("supervisor.echo")));
	v = reply_value();
	assert_int_equal(v->u.a.n, 2);
	assert_string_equal(v->u.a.items[0]->u.s.ptr, "string");
	xr_free(v);
	call("system.methodSignature", args(1, xr_string("nosuch")));
	reply_fault(FAULT_SIGNATURE_UNSUPPORTED, "SIGNATURE_UNSUPPORTED");
	call("system.methodHelp", args(1, xr_int(1)));
	reply_fault(FAULT_SIGNATURE_UNSUPPORTED, "SIGNATURE_UNSUPPORTED");
	call("system.methodHelp", args(1, xr_string("supervisor.int")));
	v = reply_value();
	assert_string_equal(v->u.s.ptr, "int");
	xr_free(v);
}

static void
test_multicall(void **state)
{
	struct xr_value	*calls, *v, *f;

	calls = xr_array();
	xr_array_append(calls, mc("supervisor.int", args(1, xr_int(7))));
	xr_array_append(calls, mc("supervisor.nosuch", NULL));
	xr_array_append(calls, mc(NULL, args(0)));
	xr_array_append(calls, mc("system.multicall", args(1, xr_array())));
	xr_array_append(calls, mc("supervisor.str", xr_string("ab")));
	call("system.multicall", args(1, calls));
	v = reply_value();
	assert_int_equal(v->u.a.n, 5);
	/* Values come bare, as Supervisor sends them. */
	assert_int_equal(v->u.a.items[0]->u.i, 7);
	f = v->u.a.items[1];
	assert_int_equal(xr_struct_get(f, "faultCode")->u.i, 1);
	assert_string_equal(xr_struct_get(f, "faultString")->u.s.ptr,
	    "UNKNOWN_METHOD");
	f = v->u.a.items[2];
	assert_string_equal(xr_struct_get(f, "faultString")->u.s.ptr,
	    "INCORRECT_PARAMETERS: No methodName");
	f = v->u.a.items[3];
	assert_string_equal(xr_struct_get(f, "faultString")->u.s.ptr,
	    "INCORRECT_PARAMETERS: Recursive system.multicall forbidden");
	/* A string of params is spread into characters, as *params does. */
	f = v->u.a.items[4];
	assert_int_equal(f->type, XR_STRUCT);
	assert_string_equal(xr_struct_get(f, "faultString")->u.s.ptr,
	    "INCORRECT_PARAMETERS");
	xr_free(v);
}

static void
test_multicall_waits(void **state)
{
	struct xr_value	*calls, *v;

	calls = xr_array();
	xr_array_append(calls, mc("supervisor.int", args(1, xr_int(1))));
	xr_array_append(calls, mc("supervisor.later", args(0)));
	xr_array_append(calls, mc("supervisor.int", args(1, xr_int(3))));
	call("system.multicall", args(1, calls));
	assert_int_equal(evbuffer_get_length(stub_reply), 0);
	assert_non_null(later_call);
	rpc_fault(later_call, FAULT_ABNORMAL_TERMINATION, "p");
	rpc_call_unref(later_call);
	later_call = NULL;
	run_loop();
	v = reply_value();
	assert_int_equal(v->u.a.n, 3);
	assert_int_equal(v->u.a.items[0]->u.i, 1);
	assert_string_equal(xr_struct_get(v->u.a.items[1],
	    "faultString")->u.s.ptr, "ABNORMAL_TERMINATION: p");
	assert_int_equal(v->u.a.items[2]->u.i, 3);
	xr_free(v);
}

static void
test_multicall_client_leaves(void **state)
{
	struct xr_value	*calls;

	later_cancelled = 0;
	calls = xr_array();
	xr_array_append(calls, mc("supervisor.later", args(0)));
	xr_array_append(calls, mc("supervisor.int", args(1, xr_int(3))));
	call("system.multicall", args(1, calls));
	assert_non_null(later_call);
	stub_gone(stub_gone_arg);
	assert_int_equal(later_cancelled, 1);
	run_loop();
	assert_int_equal(evbuffer_get_length(stub_reply), 0);
}

/* -------------------------------------------------------------------- */
/* The fast writer writes the codec's bytes.                             */

static void
check_same(struct rpc_out *o, struct evbuffer *ref)
{
	struct evbuffer	*got = evbuffer_new();
	size_t		 n = evbuffer_get_length(ref);

	rpc_out_flush(o, got);
	assert_int_equal(evbuffer_get_length(got), n);
	assert_memory_equal(evbuffer_pullup(got, -1), evbuffer_pullup(ref, -1),
	    n);
	evbuffer_free(got);
}

static void
test_fast_writer(void **state)
{
	static const char *strings[] = { "", "plain", "a<b>&c", "h\xc3\xa9llo",
	    "bad \xff\xfe utf-8", "tab\tnew\nline", "\xe2\x98\x83",
	    "\x1b[1mbold\x1b[0m", "cr\r\x7f", "bell\a" };
	static const long long ints[] = { 0, 1, -1, 2147483647LL,
	    -2147483647LL - 1, 2147483648LL, -2147483649LL, 9223372036854775807LL,
	    -9223372036854775807LL - 1 };
	struct evbuffer	*ref = evbuffer_new();
	struct rpc_out	 o;
	size_t		 i;

	rpc_out_init(&o, 1);
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		rpc_out_string(&o, strings[i], strlen(strings[i]));
		xr_encode_string_len(ref, strings[i], strlen(strings[i]));
		rpc_out_cstring(&o, strings[i]);
		xr_encode_string(ref, strings[i]);
	}
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		rpc_out_int(&o, ints[i]);
		xr_encode_int(ref, ints[i]);
	}
	rpc_out_bool(&o, 1);
	xr_encode_bool(ref, 1);
	rpc_out_bool(&o, 0);
	xr_encode_bool(ref, 0);
	rpc_out_struct_begin(&o);
	rpc_out_member_begin(&o, "pid");
	rpc_out_int(&o, 42);
	rpc_out_member_end(&o);
	rpc_out_struct_end(&o);
	xr_encode_struct_begin(ref);
	xr_encode_member_begin(ref, "pid");
	xr_encode_int(ref, 42);
	xr_encode_member_end(ref);
	xr_encode_struct_end(ref);
	check_same(&o, ref);
	evbuffer_free(ref);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_vectors),
		cmocka_unit_test(test_base64_lenient),
		cmocka_unit_test(test_auth_plain),
		cmocka_unit_test(test_auth_sha),
		cmocka_unit_test(test_fault_texts),
		cmocka_unit_test(test_namespec),
		cmocka_unit_test(test_fast_writer),
		cmocka_unit_test_setup_teardown(test_int_conversion, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truth_and_str, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_methods, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_argument_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_documents, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deferred_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_leaves_while_waiting,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_and_signature, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_multicall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multicall_waits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_multicall_client_leaves,
		    setup, teardown),
		/* Last: it leaves the layer refusing calls. */
		cmocka_unit_test_setup_teardown(test_after_reply, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
