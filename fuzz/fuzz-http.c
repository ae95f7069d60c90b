/*
 * libFuzzer target for the control socket: the input, after its first
 * byte, is written raw into a connection to one of two unix sockets served
 * by the real http.c (evhttp's parser, basic auth, routing, body limits)
 * and, for POST /RPC2, the real XML-RPC dispatcher with system.multicall.
 * The first byte's low bit picks the socket: one open, with a body limit
 * (max_request_body) of FUZZ_HTTP_MAX_BODY so inputs reach the 413 and
 * the lingering close after it, and one that wants user "user" and
 * password "pass" (stored as {SHA}), with the default limit. Then the
 * client half-closes, and the loop runs until the server has closed the
 * connection, which it must always do. Every XML-RPC reply the client
 * got must be a document our decoder (expat) reads: whatever the call
 * carried in (base64 makes any bytes a string), well-formed XML comes out.
 *
 * The supervisor namespace is replaced by methods that cover the kinds of
 * handler there are: answered at once, faults, Python's conversions,
 * answered later from the loop, and never answered (cancelled when the
 * client leaves). Log tails are held until the client leaves.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "http.h"
#include "http-tail.h"
#include "log.h"
#include "rpc.h"
#include "server.h"
#include "spawn.h"
#include "web.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* A connection the server leaves open this long is a hang. */
#define FUZZ_HTTP_WATCHDOG	20
/* The open socket's max_request_body. */
#define FUZZ_HTTP_MAX_BODY	4096
/* Reply bytes kept for checking; the rest is read and dropped. */
#define FUZZ_HTTP_KEEP		(4 * 1024 * 1024)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct event_base	*server_base;
struct config		*server_config;

static char		 fuzz_http_dir[] = "/tmp/fuzz-http-XXXXXX";
static char		*fuzz_http_paths[2];

/* -------------------------------------------------------------------- */
/* What http.c and rpc.c need from the rest of the daemon.               */

enum server_state
server_state(void)
{
	return (SERVER_RUNNING);
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

static void
fuzz_http_tail_gone(void *arg)
{
}

void
http_tail_process(struct evhttp_request *req, const char *path)
{
	http_hold(req, fuzz_http_tail_gone, NULL, 1);
}

void
http_tail_main(struct evhttp_request *req)
{
	http_hold(req, fuzz_http_tail_gone, NULL, 1);
}

void
http_tail_close_all(void)
{
}

int
web_match(struct evhttp_request *req, const char *path)
{
	return (strcmp(path, "/") == 0);
}

void
web_page(struct evhttp_request *req, const char *path)
{
	struct evbuffer	*b = evbuffer_new();

	evbuffer_add_printf(b, "<html>%s</html>", path);
	http_send(req, b, "text/html", NULL);
	evbuffer_free(b);
}

/* -------------------------------------------------------------------- */
/* Methods in place of the supervisor namespace.                         */

static void
fuzz_http_echo(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct evbuffer	*b = rpc_result(c);
	int		 i;

	xr_encode_array_begin(b);
	for (i = 0; i < argc; i++)
		xr_encode_value(b, argv[i]);
	xr_encode_array_end(b);
	rpc_done(c);
}

static void
fuzz_http_int(struct rpc_call *c, struct xr_value **argv, int argc)
{
	long long	v;

	if (rpc_arg_int(c, argv[0], &v) == 0)
		rpc_return_int(c, v);
}

static void
fuzz_http_str(struct rpc_call *c, struct xr_value **argv, int argc)
{
	const char	*s;
	char		*text;

	if (argc == 2 && rpc_arg_string(c, argv[1], &s) != 0)
		return;
	text = rpc_str(argv[0]);
	if (rpc_truth(argv[0]))
		rpc_return_string(c, text);
	else
		rpc_fault(c, FAULT_BAD_NAME, text);
	free(text);
}

/* A call answered from the loop, or cancelled if its client leaves. */
struct fuzz_http_later {
	struct rpc_call	*call;
	struct event	*ev;
};

static void
fuzz_http_later_free(struct fuzz_http_later *l)
{
	event_free(l->ev);
	rpc_call_unref(l->call);
	free(l);
}

static void
fuzz_http_later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fuzz_http_later	*l = arg;
	struct rpc_call		*c = l->call;

	rpc_call_set_cancel(c, NULL, NULL);
	rpc_return_bool(c, 1);
	fuzz_http_later_free(l);
}

static void
fuzz_http_later_cancel(struct rpc_call *c, void *arg)
{
	fuzz_http_later_free(arg);
}

static void
fuzz_http_later(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct fuzz_http_later	*l;
	struct timeval		 tv = { 0, 0 };

	l = xcalloc(1, sizeof *l);
	l->call = c;
	rpc_call_ref(c);
	rpc_call_set_cancel(c, fuzz_http_later_cancel, l);
	l->ev = evtimer_new(server_base, fuzz_http_later_cb, l);
	evtimer_add(l->ev, &tv);
}

static void
fuzz_http_never_cancel(struct rpc_call *c, void *arg)
{
	rpc_call_unref(c);
}

static void
fuzz_http_never(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_call_ref(c);
	rpc_call_set_cancel(c, fuzz_http_never_cancel, NULL);
}

static const struct rpc_method fuzz_http_methods[] = {
	{ "supervisor.echo", fuzz_http_echo, 0, 8, 0, "array", "echo" },
	{ "supervisor.int", fuzz_http_int, 1, 1, RPC_CHECK_STATE, "int int",
	  "int" },
	{ "supervisor.str", fuzz_http_str, 1, 2, 0, "string string", "str" },
	{ "supervisor.later", fuzz_http_later, 0, 1, 0, "boolean", "later" },
	{ "supervisor.never", fuzz_http_never, 0, 1, 0, "boolean", "never" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};

/* The test namespace beside the real system namespace. */
static const struct rpc_method *const fuzz_http_tables[] = {
	fuzz_http_methods,
	rpc_system_methods,
};


static void
fuzz_http_mainlogtail(struct evhttp_request *req, const char *path)
{
	http_tail_main(req);
}

/* The routes supd.c registers. */
static const struct http_route fuzz_http_routes[] = {
	{ "/RPC2", NULL, EVHTTP_REQ_POST, HTTP_ROUTE_AUTH|HTTP_ROUTE_BODY,
	  rpc_http_route, NULL },
	{ "/logtail", NULL, 0, HTTP_ROUTE_AUTH, http_tail_process,
	  http_tail_close_all },
	{ "/mainlogtail", NULL, 0, HTTP_ROUTE_AUTH, fuzz_http_mainlogtail,
	  NULL },
	{ NULL, web_match, 0, HTTP_ROUTE_AUTH, web_page, NULL },
};

/* -------------------------------------------------------------------- */
/* The client.                                                           */

struct fuzz_http_client {
	int		 fd;
	const uint8_t	*data;
	size_t		 len;
	size_t		 off;
	int		 closed;	/* the server closed the connection */
	struct evbuffer	*in;		/* what the server sent */
	struct event	*rd;
	struct event	*wr;
};

static void
fuzz_http_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fuzz_http_client	*cl = arg;
	ssize_t			 n;

	if (cl->off < cl->len) {
		n = send(fd, cl->data + cl->off, cl->len - cl->off,
		    MSG_NOSIGNAL);
		if (n > 0)
			cl->off += n;
		else if (errno == EAGAIN || errno == EINTR)
			return;
		else
			cl->off = cl->len;	/* the server stopped reading */
	}
	if (cl->off == cl->len) {
		shutdown(fd, SHUT_WR);
		event_del(cl->wr);
	}
}

static void
fuzz_http_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fuzz_http_client	*cl = arg;
	char			 buf[65536];
	ssize_t			 n;

	n = recv(fd, buf, sizeof buf, 0);
	if (n > 0 && evbuffer_get_length(cl->in) < FUZZ_HTTP_KEEP)
		evbuffer_add(cl->in, buf, n);
	if (n > 0 || (n == -1 && (errno == EAGAIN || errno == EINTR)))
		return;
	cl->closed = 1;
	event_base_loopbreak(server_base);
}

static void
fuzz_http_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	fprintf(stderr, "fuzz-http: the server kept the connection open\n");
	abort();
}

/* The value of header name in the block [p, end), or NULL. */
static const char *
fuzz_http_header(const char *p, const char *end, const char *name)
{
	size_t	len = strlen(name);

	while (p < end && (p = memmem(p, end - p, "\r\n", 2)) != NULL) {
		p += 2;
		if ((size_t)(end - p) > len && strncasecmp(p, name, len) == 0)
			return (p + len);
	}
	return (NULL);
}

/*
 * Decode the body of each text/xml reply in what the server sent (every
 * reply has a Content-Length; an interim 100 has no body). Only the depth
 * limit may refuse one: an echo nests a call's values a few elements
 * deeper than the call had them.
 */
static void
fuzz_http_check_replies(struct evbuffer *in)
{
	const char	*p, *end, *hend, *cl;
	struct xr_value	*v;
	char		*cause, *fs;
	size_t		 len;
	int		 fc;

	if (evbuffer_get_length(in) == 0)
		return;
	p = (const char *)evbuffer_pullup(in, -1);
	end = p + evbuffer_get_length(in);
	while (end - p > 12 && strncmp(p, "HTTP/1.", 7) == 0 &&
	    (hend = memmem(p, end - p, "\r\n\r\n", 4)) != NULL) {
		if (strncmp(p + 9, "100", 3) == 0) {
			p = hend + 4;
			continue;
		}
		if ((cl = fuzz_http_header(p, hend, "Content-Length:")) == NULL)
			return;
		len = strtoul(cl, NULL, 10);
		if ((size_t)(end - hend - 4) < len)
			return;		/* cut short by FUZZ_HTTP_KEEP */
		if (fuzz_http_header(p, hend, "Content-Type: text/xml") != NULL) {
			v = NULL;
			cause = fs = NULL;
			if (xr_parse_response(hend + 4, len, &v, &fc, &fs,
			    &cause) == -1 &&
			    strstr(cause, "nested deeper") == NULL) {
				fprintf(stderr, "fuzz-http: a reply does not "
				    "decode: %s\n", cause);
				abort();
			}
			xr_free(v);
			free(fs);
			free(cause);
		}
		p = hend + 4 + len;
	}
}

static void
fuzz_http_sink(enum log_level level, const char *line, size_t len,
    void *arg)
{
}

static void
fuzz_http_cleanup(void)
{
	http_close();
	rmdir(fuzz_http_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct server_config	 sc[2];
	struct config		 cf;
	char			*why = NULL;
	int			 i;

	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(fuzz_http_dir) == NULL)
		fatal("mkdtemp");
	log_set_level(LEVEL_BLATHER);
	log_add_sink(fuzz_http_sink, NULL);
	server_base = event_base_new();

	memset(sc, 0, sizeof sc);
	for (i = 0; i < 2; i++) {
		xasprintf(&fuzz_http_paths[i], "%s/%d.sock", fuzz_http_dir, i);
		sc[i].family = SERVER_UNIX;
		sc[i].section = "unix_http_server";
		sc[i].path = fuzz_http_paths[i];
		sc[i].chmod = 0700;
		sc[i].chown_uid = (uid_t)-1;
		sc[i].chown_gid = (gid_t)-1;
	}
	sc[0].max_request_body = FUZZ_HTTP_MAX_BODY;
	sc[1].username = "user";
	/* SHA-1 of "pass". */
	sc[1].password = "{SHA}9d4e1e23bd5b727046a9e3b4b7db57bd8d6ee684";
	memset(&cf, 0, sizeof cf);
	cf.servers = sc;
	cf.nservers = 2;
	rpc_init(fuzz_http_tables, sizeof fuzz_http_tables /
	    sizeof fuzz_http_tables[0]);
	for (i = 0; i < (int)(sizeof fuzz_http_routes /
	    sizeof fuzz_http_routes[0]); i++)
		http_add_route(&fuzz_http_routes[i]);
	if (http_open(&cf, &why) != 0)
		fatalx("http_open: %s", why);
	atexit(fuzz_http_cleanup);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_http_client	 cl;
	struct sockaddr_un	 sun;
	struct event		*watchdog;
	struct timeval		 tv = { FUZZ_HTTP_WATCHDOG, 0 };

	if (size == 0)
		return (0);
	memset(&cl, 0, sizeof cl);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s",
	    fuzz_http_paths[data[0] & 1]);
	cl.data = data + 1;
	cl.len = size - 1;
	cl.in = evbuffer_new();
	cl.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cl.fd == -1 ||
	    connect(cl.fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		fatal("connect");

	cl.rd = event_new(server_base, cl.fd, EV_READ | EV_PERSIST,
	    fuzz_http_read_cb, &cl);
	cl.wr = event_new(server_base, cl.fd, EV_WRITE | EV_PERSIST,
	    fuzz_http_write_cb, &cl);
	watchdog = evtimer_new(server_base, fuzz_http_watchdog_cb, NULL);
	event_add(cl.rd, NULL);
	event_add(cl.wr, NULL);
	evtimer_add(watchdog, &tv);
	while (!cl.closed)
		event_base_loop(server_base, EVLOOP_ONCE);

	event_free(watchdog);
	event_free(cl.rd);
	event_free(cl.wr);
	close(cl.fd);
	fuzz_http_check_replies(cl.in);
	evbuffer_free(cl.in);
	return (0);
}
