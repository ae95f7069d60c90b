/*
 * The protocol side of supctl: XML-RPC over HTTP POST /RPC2 and streaming
 * GETs, to a unix socket or a TCP address, with HTTP basic auth.
 *
 * A request is a request line and a few headers written as they are;
 * replies are read with http_parser (Node's, packaged by Debian), which
 * knows Content-Length, chunked and close-delimited bodies. libcurl did
 * this before, but the 37 shared libraries it brings cost every command
 * some 10 ms of dynamic loading, more than all the rest of `status` with
 * a thousand programs. One connection serves every call of a command and
 * is kept alive between them; each stream of tail -f and fg has its own,
 * and they are polled next to stdin.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <http_parser.h>

#include "client.h"
#include "version.h"
#include "xmalloc.h"
#include "xmlrpc.h"

#define CLIENT_USER_AGENT	"supctl/" SUPD_VERSION
#define CLIENT_READ_SIZE	(64 * 1024)

struct client {
	char		*serverurl;
	char		*username;
	char		*password;

	/* From serverurl: the Host header and, for unix://, the path. */
	char		*host;
	char		*socket_path;
	int		 bad_url;

	int		 fd;		/* the kept-alive connection, or -1 */
	int		 timeout_ms;	/* connect, send, each read; 0 none */
	struct evbuffer	*reply;

	enum client_error error;
	int		 error_errno;
	int		 http_status;
	char		*http_reason;
	int		 fault_code;
	char		*fault_string;
	char		*message;
};

/* A reply being read: into a buffer, or handed on as it comes. */
struct client_reply {
	http_parser	 parser;
	int		 status;	/* 0 until the headers are in */
	char		*reason;
	int		 complete;
	int		 stopped;	/* data_cb said stop */
	struct evbuffer	*body;
	client_data_cb	 data_cb;
	void		*arg;
};

struct client_xfer {
	int			 fd;
	struct client_reply	 reply;
	client_done_cb		 done_cb;
	void			*arg;
};

struct client_watch {
	struct client		 *client;
	struct client_xfer	**xfers;
	size_t			  nxfers;
};

/* Split serverurl as Python's transport does. */
static void
client_parse_url(struct client *c)
{
	const char	*netloc;
	size_t		 n;

	free(c->host);
	free(c->socket_path);
	c->host = c->socket_path = NULL;
	c->bad_url = 0;
	if (strncmp(c->serverurl, "unix://", 7) == 0) {
		/* The Host header says "localhost", as supervisorctl's. */
		c->host = xstrdup("localhost");
		c->socket_path = xstrdup(c->serverurl + 7);
	} else if (strncmp(c->serverurl, "http://", 7) == 0) {
		netloc = c->serverurl + 7;
		n = strcspn(netloc, "/?#");
		c->host = xstrndup(netloc, n);
	} else
		c->bad_url = 1;
}

static void
client_disconnect(struct client *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

/* Create a client for serverurl; nothing connects until the first call. */
struct client *
client_create(const char *serverurl, const char *username,
    const char *password)
{
	struct client	*c;

	c = xcalloc(1, sizeof *c);
	c->fd = -1;
	c->serverurl = xstrdup(serverurl);
	client_parse_url(c);
	client_set_auth(c, username, password);
	c->reply = evbuffer_new();
	return (c);
}

static void
client_clear_error(struct client *c)
{
	c->error = CLIENT_ERR_NONE;
	c->error_errno = 0;
	c->http_status = 0;
	free(c->http_reason);
	c->http_reason = NULL;
	c->fault_code = 0;
	free(c->fault_string);
	c->fault_string = NULL;
	free(c->message);
	c->message = NULL;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	client_clear_error(c);
	client_disconnect(c);
	evbuffer_free(c->reply);
	free(c->serverurl);
	free(c->username);
	free(c->password);
	free(c->host);
	free(c->socket_path);
	free(c);
}

/* Point at another server; the next call opens a new connection. */
void
client_set_serverurl(struct client *c, const char *serverurl)
{
	free(c->serverurl);
	c->serverurl = xstrdup(serverurl);
	client_parse_url(c);
	client_disconnect(c);
}

const char *
client_serverurl(const struct client *c)
{
	return (c->serverurl);
}

/* Credentials; NULL for none. Both are needed for basic auth. */
void
client_set_auth(struct client *c, const char *username, const char *password)
{
	free(c->username);
	free(c->password);
	c->username = username != NULL ? xstrdup(username) : NULL;
	c->password = password != NULL ? xstrdup(password) : NULL;
}

static void
client_fail(struct client *c, enum client_error error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
client_fail(struct client *c, enum client_error error, const char *fmt, ...)
{
	va_list	ap;

	c->error = error;
	free(c->message);
	va_start(ap, fmt);
	xvasprintf(&c->message, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Connections and requests.                                           */

/* host[:port] or [v6]:port of an http:// serverurl; port 80 if none. */
static void
client_split_host(const char *netloc, char **host, char **port)
{
	const char	*colon, *end;

	if (*netloc == '[' && (end = strchr(netloc, ']')) != NULL) {
		*host = xstrndup(netloc + 1, end - netloc - 1);
		*port = xstrdup(end[1] == ':' ? end + 2 : "80");
		return;
	}
	if ((colon = strrchr(netloc, ':')) != NULL) {
		*host = xstrndup(netloc, colon - netloc);
		*port = xstrdup(colon + 1);
	} else {
		*host = xstrdup(netloc);
		*port = xstrdup("80");
	}
}

/*
 * --timeout: a connect, send or read that waits longer fails with
 * ETIMEDOUT (the kernel gives EAGAIN or EINPROGRESS for it).
 */
static int	client_timeout_ms;

static void
client_set_sock_timeout(int fd)
{
	struct timeval	tv;

	if (client_timeout_ms <= 0)
		return;
	tv.tv_sec = client_timeout_ms / 1000;
	tv.tv_usec = (client_timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int
client_timed_out(int err)
{
	return (err == EAGAIN || err == EWOULDBLOCK || err == EINPROGRESS);
}

void
client_set_timeout(struct client *c, int ms)
{
	c->timeout_ms = ms;
}

static int
client_connect_unix(const char *path, int *err)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		*err = ENAMETOOLONG;
		return (-1);
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		*err = errno;
		return (-1);
	}
	client_set_sock_timeout(fd);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		*err = errno;
		close(fd);
		return (-1);
	}
	return (fd);
}

/* -1 with *err an errno, or with *err 0 and *gai a getaddrinfo error. */
static int
client_connect_tcp(const char *netloc, int *err, int *gai)
{
	struct addrinfo	 hints, *res, *ai;
	char		*host, *port;
	int		 fd = -1;

	client_split_host(netloc, &host, &port);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	*err = 0;
	if ((*gai = getaddrinfo(host, port, &hints, &res)) != 0) {
		free(host);
		free(port);
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			*err = errno;
			continue;
		}
		client_set_sock_timeout(fd);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		*err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	free(host);
	free(port);
	return (fd);
}

/* A new connection to the server; -1 with the error recorded. */
static int
client_open(struct client *c)
{
	int	fd, err = 0, gai = 0;

	client_timeout_ms = c->timeout_ms;
	if (c->socket_path != NULL)
		fd = client_connect_unix(c->socket_path, &err);
	else
		fd = client_connect_tcp(c->host, &err, &gai);
	if (fd != -1)
		return (fd);
	if (client_timed_out(err))
		err = ETIMEDOUT;
	c->error_errno = err;
	if (err == ENOENT)
		client_fail(c, CLIENT_ERR_NOENT, "%s: %s", c->serverurl,
		    strerror(err));
	else if (err == ECONNREFUSED)
		client_fail(c, CLIENT_ERR_REFUSED, "%s: %s", c->serverurl,
		    strerror(err));
	else if (err == 0)
		client_fail(c, CLIENT_ERR_OTHER, "%s: cannot resolve %s: %s",
		    c->serverurl, c->host, gai_strerror(gai));
	else
		client_fail(c, CLIENT_ERR_OTHER, "%s: %s", c->serverurl,
		    strerror(err));
	return (-1);
}

/* Standard base64 of n bytes, for the Authorization header. */
static void
client_base64(struct evbuffer *out, const unsigned char *p, size_t n)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 q[4];
	unsigned long		 v;
	size_t			 i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = abc[(v >> 18) & 63];
		q[1] = abc[(v >> 12) & 63];
		q[2] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? abc[v & 63] : '=';
		evbuffer_add(out, q, 4);
	}
}

/*
 * The request head. Credentials go unasked, as supervisorctl sends them:
 * with a username for calls, and for streams only with a password.
 */
static void
client_request_head(struct client *c, struct evbuffer *out,
    const char *method, const char *path, size_t length, int stream)
{
	char	*pair;

	evbuffer_add_printf(out, "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: " CLIENT_USER_AGENT "\r\n", method, path, c->host);
	if (!stream)
		evbuffer_add_printf(out, "Content-Type: text/xml\r\n"
		    "Accept: text/xml\r\nContent-Length: %zu\r\n", length);
	if (c->password != NULL && (stream ? *c->password != '\0' :
	    c->username != NULL)) {
		xasprintf(&pair, "%s:%s", c->username != NULL ? c->username :
		    "", c->password);
		evbuffer_add_printf(out, "Authorization: Basic ");
		client_base64(out, (unsigned char *)pair, strlen(pair));
		evbuffer_add_printf(out, "\r\n");
		free(pair);
	}
	evbuffer_add_printf(out, "\r\n");
}

/* Write all of b; 0, or -1 with errno. */
static int
client_send(int fd, struct evbuffer *b)
{
	ssize_t	n;

	while (evbuffer_get_length(b) > 0) {
		n = send(fd, evbuffer_pullup(b, -1), evbuffer_get_length(b),
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		evbuffer_drain(b, n);
	}
	return (0);
}

/* ------------------------------------------------------------------ */
/* Replies.                                                            */

static int
client_on_status(http_parser *p, const char *at, size_t len)
{
	struct client_reply	*r = p->data;
	char			*more;

	xasprintf(&more, "%s%.*s", r->reason != NULL ? r->reason : "",
	    (int)len, at);
	free(r->reason);
	r->reason = more;
	return (0);
}

static int
client_on_headers(http_parser *p)
{
	struct client_reply	*r = p->data;

	r->status = p->status_code;
	return (0);
}

/* Only a 200 reply's body is a stream's data; others are dropped. */
static int
client_on_body(http_parser *p, const char *at, size_t len)
{
	struct client_reply	*r = p->data;

	if (r->data_cb == NULL) {
		evbuffer_add(r->body, at, len);
		return (0);
	}
	if (r->status != 200 || r->stopped)
		return (0);
	if (r->data_cb(at, len, r->arg) != 0)
		r->stopped = 1;
	return (0);
}

static int
client_on_complete(http_parser *p)
{
	struct client_reply	*r = p->data;

	r->complete = 1;
	http_parser_pause(p, 1);	/* nothing after it is ours */
	return (0);
}

static const http_parser_settings client_settings = {
	.on_status = client_on_status,
	.on_headers_complete = client_on_headers,
	.on_body = client_on_body,
	.on_message_complete = client_on_complete,
};

static void
client_reply_init(struct client_reply *r, struct evbuffer *body,
    client_data_cb data_cb, void *arg)
{
	memset(r, 0, sizeof *r);
	http_parser_init(&r->parser, HTTP_RESPONSE);
	r->parser.data = r;
	r->body = body;
	r->data_cb = data_cb;
	r->arg = arg;
}

/*
 * Feed what was read (len 0: the server closed). 0 to read on, 1 when
 * the reply is complete, -1 when it is broken (*cause says how).
 */
static int
client_reply_feed(struct client_reply *r, const char *buf, size_t len,
    const char **cause)
{
	size_t	n;

	n = http_parser_execute(&r->parser, &client_settings, buf, len);
	if (r->complete)
		return (1);
	if (HTTP_PARSER_ERRNO(&r->parser) != HPE_OK || n != len) {
		*cause = http_errno_description(HTTP_PARSER_ERRNO(&r->parser));
		return (-1);
	}
	if (len == 0) {
		*cause = r->status == 0 ? "empty reply from server" :
		    "connection closed in the reply";
		return (-1);
	}
	return (0);
}

/* Read one reply from fd; 1 complete, 0 closed before any byte, -1. */
static int
client_read_reply(int fd, struct client_reply *r, int *err,
    const char **cause)
{
	char	buf[CLIENT_READ_SIZE];
	ssize_t	n;
	int	rc, got = 0;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (client_timed_out(errno)) {
				/* No answer in time: no retry either. */
				*err = ETIMEDOUT;
				*cause = "no answer within the timeout";
				return (-1);
			}
			*err = errno;
			*cause = strerror(errno);
			return (got ? -1 : 0);
		}
		if (n == 0 && !got)
			return (0);
		got = 1;
		if ((rc = client_reply_feed(r, buf, n, cause)) != 0)
			return (rc);
	}
}

/*
 * POST body to /RPC2 and leave the reply in c->reply. 0 or -1. A kept
 * connection the server has closed since (it restarted, or timed the
 * connection out) fails before any reply byte: then once more on a new
 * one.
 */
static int
client_post(struct client *c, struct evbuffer *body)
{
	struct client_reply	 r;
	struct evbuffer		*req;
	const char		*cause = NULL;
	int			 rc, err = 0, fresh, tries;

	if (c->bad_url) {
		client_fail(c, CLIENT_ERR_URL, "Unknown protocol for serverurl "
		    "%s", c->serverurl);
		return (-1);
	}
	req = evbuffer_new();
	for (tries = 0; tries < 2; tries++) {
		fresh = c->fd == -1;
		if (fresh && (c->fd = client_open(c)) == -1)
			break;
		evbuffer_drain(req, evbuffer_get_length(req));
		client_request_head(c, req, "POST", "/RPC2",
		    evbuffer_get_length(body), 0);
		evbuffer_add(req, evbuffer_pullup(body, -1),
		    evbuffer_get_length(body));
		evbuffer_drain(c->reply, evbuffer_get_length(c->reply));
		client_reply_init(&r, c->reply, NULL, NULL);
		rc = client_send(c->fd, req) == -1 ? (err = errno,
		    client_timed_out(err) ? (err = ETIMEDOUT, -1) : 0) :
		    client_read_reply(c->fd, &r, &err, &cause);
		if (rc == 0 && !fresh) {
			free(r.reason);
			client_disconnect(c);
			continue;
		}
		if (rc != 1) {
			c->error_errno = err;
			client_fail(c, CLIENT_ERR_OTHER, "%s: %s", c->serverurl,
			    cause != NULL ? cause : err != 0 ? strerror(err) :
			    "empty reply from server");
			free(r.reason);
			client_disconnect(c);
			break;
		}
		if (!http_should_keep_alive(&r.parser))
			client_disconnect(c);
		c->http_status = r.status;
		free(c->http_reason);
		c->http_reason = r.reason;
		evbuffer_free(req);
		if (r.status != 200) {
			client_fail(c, r.status == 401 ? CLIENT_ERR_AUTH :
			    CLIENT_ERR_HTTP, "%s: %d %s", c->serverurl, r.status,
			    c->http_reason != NULL ? c->http_reason : "");
			return (-1);
		}
		return (0);
	}
	evbuffer_free(req);
	return (-1);
}

/* Build the parameter array from client_call's format. */
static struct xr_value *
client_params(const char *fmt, va_list ap)
{
	struct xr_value	*params = xr_array(), *list;
	char		**strings;
	int		  i, n;

	for (; *fmt != '\0'; fmt++) {
		switch (*fmt) {
		case 'a':
			n = va_arg(ap, int);
			strings = va_arg(ap, char **);
			list = xr_array();
			for (i = 0; i < n; i++)
				xr_array_append(list, xr_string(strings[i]));
			xr_array_append(params, list);
			break;
		case 's':
			xr_array_append(params, xr_string(va_arg(ap,
			    const char *)));
			break;
		case 'i':
			xr_array_append(params, xr_int(va_arg(ap, int)));
			break;
		case 'b':
			xr_array_append(params, xr_bool(va_arg(ap, int)));
			break;
		}
	}
	return (params);
}

/* Call a method; see client.h for fmt and the return values. */
int
client_call(struct client *c, struct xr_value **result, const char *method,
    const char *fmt, ...)
{
	struct evbuffer	*body;
	struct xr_value	*params, *value = NULL;
	va_list		 ap;
	char		*cause = NULL;
	int		 rc;

	client_clear_error(c);
	if (result != NULL)
		*result = NULL;
	va_start(ap, fmt);
	params = client_params(fmt, ap);
	va_end(ap);
	body = evbuffer_new();
	xr_encode_call(body, method, params);
	xr_free(params);
	rc = client_post(c, body);
	evbuffer_free(body);
	if (rc != 0)
		return (-1);

	rc = xr_parse_response((char *)evbuffer_pullup(c->reply, -1),
	    evbuffer_get_length(c->reply), &value, &c->fault_code,
	    &c->fault_string, &cause);
	if (rc == -1) {
		client_fail(c, CLIENT_ERR_BODY, "bad reply from %s: %s",
		    c->serverurl, cause);
		free(cause);
		return (-1);
	}
	if (rc == 1)
		return (1);
	if (result != NULL)
		*result = value;
	else
		xr_free(value);
	return (0);
}

int
client_fault_code(const struct client *c)
{
	return (c->fault_code);
}

const char *
client_fault_string(const struct client *c)
{
	return (c->fault_string != NULL ? c->fault_string : "");
}

enum client_error
client_error(const struct client *c)
{
	return (c->error);
}

int
client_errno(const struct client *c)
{
	return (c->error_errno);
}

int
client_http_status(const struct client *c)
{
	return (c->http_status);
}

const char *
client_http_reason(const struct client *c)
{
	return (c->http_reason != NULL ? c->http_reason : "");
}

const char *
client_message(const struct client *c)
{
	return (c->message != NULL ? c->message : "");
}

/* ------------------------------------------------------------------ */
/* Streams.                                                            */

struct client_watch *
client_watch_create(struct client *c)
{
	struct client_watch	*w;

	w = xcalloc(1, sizeof *w);
	w->client = c;
	return (w);
}

static void
client_xfer_free(struct client_xfer *x)
{
	if (x->fd != -1)
		close(x->fd);
	free(x->reply.reason);
	free(x);
}

void
client_watch_free(struct client_watch *w)
{
	size_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nxfers; i++)
		client_xfer_free(w->xfers[i]);
	free(w->xfers);
	free(w);
}

/* Start a streaming GET of path on a connection of its own. */
void
client_watch_add(struct client_watch *w, const char *path,
    client_data_cb data_cb, client_done_cb done_cb, void *arg)
{
	struct client		*c = w->client;
	struct client_xfer	*x;
	struct evbuffer		*req;
	int			 err;

	if (c->bad_url) {
		done_cb(0, "Unknown protocol", arg);
		return;
	}
	client_clear_error(c);
	x = xcalloc(1, sizeof *x);
	x->done_cb = done_cb;
	x->arg = arg;
	client_reply_init(&x->reply, NULL, data_cb, arg);
	if ((x->fd = client_open(c)) == -1) {
		done_cb(0, client_message(c), arg);
		client_xfer_free(x);
		return;
	}
	req = evbuffer_new();
	client_request_head(c, req, "GET", path, 0, 1);
	err = client_send(x->fd, req) == -1 ? errno : 0;
	evbuffer_free(req);
	if (err != 0) {
		done_cb(0, strerror(err), arg);
		client_xfer_free(x);
		return;
	}
	w->xfers = xreallocarray(w->xfers, w->nxfers + 1, sizeof *w->xfers);
	w->xfers[w->nxfers++] = x;
}

/*
 * Read what a stream has; 1 when it has ended (done_cb has been told:
 * the status, and an error only if no reply came at all).
 */
static int
client_xfer_read(struct client_xfer *x)
{
	char		 buf[CLIENT_READ_SIZE];
	const char	*cause = NULL;
	ssize_t		 n;
	int		 rc;

	n = read(x->fd, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return (0);
	if (n == -1)
		cause = strerror(errno);
	else if ((rc = client_reply_feed(&x->reply, buf, n, &cause)) == 0 &&
	    !x->reply.stopped)
		return (0);
	x->done_cb(x->reply.status, x->reply.status == 0 ? cause : NULL,
	    x->arg);
	return (1);
}

static void
client_watch_drop(struct client_watch *w, struct client_xfer *x)
{
	size_t	i;

	for (i = 0; i < w->nxfers; i++) {
		if (w->xfers[i] == x) {
			w->xfers[i] = w->xfers[--w->nxfers];
			break;
		}
	}
	client_xfer_free(x);
}

/* Run the streams for a while; see client.h. */
int
client_watch_run(struct client_watch *w, int extra_fd, int timeout_ms,
    int *extra_ready)
{
	struct pollfd		 *pfd;
	struct client_xfer	**ready;
	size_t			  i, n = w->nxfers;

	if (extra_ready != NULL)
		*extra_ready = 0;
	if (n == 0 && extra_fd == -1)
		return (0);
	pfd = xreallocarray(NULL, n + 1, sizeof *pfd);
	ready = xreallocarray(NULL, n + 1, sizeof *ready);
	for (i = 0; i < n; i++) {
		pfd[i].fd = w->xfers[i]->fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	pfd[n].fd = extra_fd;
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
	/* A signal ends the wait early, so Ctrl-C is seen at once. */
	if (poll(pfd, n + 1, timeout_ms) > 0) {
		/* A pipe at its end shows POLLHUP alone: that counts. */
		if (extra_fd != -1 && extra_ready != NULL)
			*extra_ready = pfd[n].revents != 0;
		for (i = 0; i < n; i++)
			ready[i] = pfd[i].revents != 0 ? w->xfers[i] : NULL;
		for (i = 0; i < n; i++) {
			if (ready[i] != NULL && client_xfer_read(ready[i]))
				client_watch_drop(w, ready[i]);
		}
	}
	free(ready);
	free(pfd);
	return ((int)w->nxfers);
}
