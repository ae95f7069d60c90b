/*
 * The HTTP servers: one evhttp per [unix_http_server] and
 * [inet_http_server], all on server_base. Each checks basic auth when a
 * username is configured and hands the request to the first route that
 * takes it. Main registers the routes as Supervisor's medusa handlers
 * are: /RPC2 to the XML-RPC layer, /logtail/<name>[/<channel>] and
 * /mainlogtail to the streaming tails, / to a status page; the rest is a
 * 404. http.c knows none of them.
 *
 * A unix socket appears under its name only once it is bound, has its
 * mode and is listening: it is made under a temporary name and hard
 * linked into place, as Supervisor does. A socket already there is probed:
 * one that answers means another daemon runs, and we refuse; a stale
 * socket or a symbolic link is removed, never followed.
 *
 * Clients cannot wedge the loop: bodies (max_request_body), headers and
 * idle connections are bounded, and a request answered later is watched
 * so a client that leaves is noticed at once (evhttp reads nothing while
 * a request is outstanding, so it would not notice until it wrote). A
 * refused request's connection lingers, so a client still sending its
 * body reads the refusal rather than a reset. A client must also
 * send each request whole within a deadline, or one that sends a byte now
 * and then (slowloris) would hold its descriptor for ever.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "hmap.h"
#include "http.h"
#include "http-auth.h"
#include "log.h"
#include "repr.h"
#include "server.h"
#include "xmalloc.h"

/*
 * Request bodies (XML-RPC calls) beyond max_request_body, and header
 * blocks beyond this, are refused. A server_config without the limit set
 * (0, as the fuzz target builds them) gets max_request_body's default.
 */
#define HTTP_MAX_BODY		(16 * 1024 * 1024)
#define HTTP_MAX_HEADERS	(16 * 1024)
/*
 * A refused request's connection lingers to read what the client still
 * sends (see http_linger_start): at most this many at once, each for at
 * most HTTP_LINGER_SECS in all and HTTP_LINGER_IDLE without a byte.
 */
#define HTTP_LINGER_MAX		64
#define HTTP_LINGER_SECS	15
#define HTTP_LINGER_IDLE	5
/* Bytes drained from a lingering connection per turn of the loop. */
#define HTTP_LINGER_READ	(1024 * 1024)
/*
 * Seconds a connection may sit with nothing moving, idle between requests
 * included. Supervisor's own client keeps one connection and never
 * reconnects (event listeners may call hourly through childutils), so
 * this is long.
 */
#define HTTP_TIMEOUT		(2 * 3600)
/*
 * Seconds a client has to send a whole request, counted from its first
 * byte; a new connection that sends nothing is closed after as long. Every
 * Supervisor client writes its request at once, so this only ends
 * clients that dribble or stall.
 */
#define HTTP_REQUEST_SECS	15
/* Pending connections per socket, as Supervisor's listen(1024). */
#define HTTP_BACKLOG		1024
/*
 * Bytes written to a client per pass of the loop. libevent's default of
 * 16 KiB would send a megabyte reply in seventy passes.
 */
#define HTTP_MAX_WRITE		(4 * 1024 * 1024)
/* Replies from this size get a socket buffer to match, up to the max. */
#define HTTP_BIG_REPLY		(128 * 1024)
#define HTTP_MAX_SNDBUF		(4 * 1024 * 1024)
/*
 * A held call's client that pipelined its next request cannot be watched
 * for leaving by reading (its bytes are evhttp's, and would wake the loop
 * without end): it is asked for a hang-up this often instead.
 */
#define HTTP_HOLD_PROBE_SECS	1
/* Pause after accept() fails (out of descriptors) before trying again. */
#define HTTP_ACCEPT_PAUSE_MS	100

struct http_server {
	struct evhttp		*http;
	struct evconnlistener	*listener;
	struct event		*resume;
	int			 warned;
	char			*section;
	char			*path;		/* unix: unlinked at close */
	char			*username;
	char			*password;
};

struct http_hold {
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct event			*watch;		/* or the probe timer */
	http_gone_fn			 gone;
	void				*arg;
	int				 discard;
};

/*
 * One client connection, from its first byte to its close. http.c is the
 * only user of evhttp's close callback: it runs the request deadline's
 * cleanup and then whichever hold or reply is waiting on the connection.
 */
struct http_conn {
	struct evhttp_connection	*evcon;
	int				 fd;
	struct event			*deadline;
	void				(*close_fn)(struct evhttp_connection *,
					    void *);
	void				*close_arg;
};

/* A connection evhttp let go, kept open to drain its client. */
struct http_linger {
	int			 fd;
	struct event		*ev;
	struct timespec		 end;	/* CLOCK_MONOTONIC */
	LIST_ENTRY(http_linger)	 entry;
};

/* What to run once a reply is out, or its client gone. */
struct http_after {
	void				(*fn)(void);
	struct evhttp_connection	*evcon;
};

static struct http_server	*http_servers;
static int			 http_nservers;
static struct hmap		 http_conns;	/* by descriptor */
static const struct http_route	**http_routes;
static int			 http_nroutes;
static LIST_HEAD(, http_linger)	 http_lingers =
				     LIST_HEAD_INITIALIZER(http_lingers);
static int			 http_nlingers;
static int			 http_closing;

static const char http_in_use[] = "Another program is already listening on "
    "a port that one of our HTTP servers is configured to use.  Shut this "
    "program down first before starting supervisord.";

/* Supervisor's text for a failed bind or listen. */
static char *
http_socket_error(int error)
{
	const char	*name;
	char		*cause;

	if (error == EADDRINUSE)
		return (xstrdup(http_in_use));
	if ((name = strerrorname_np(error)) != NULL)
		xasprintf(&cause, "Cannot open an HTTP server: socket.error "
		    "reported errno.%s (%d)", name, error);
	else
		xasprintf(&cause, "Cannot open an HTTP server: socket.error "
		    "reported %d", error);
	return (cause);
}

/* -------------------------------------------------------------------- */
/* Unix sockets.                                                         */

static int
http_unix_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return (0);
}

/*
 * Whether something listens on the socket at path. A connect that is
 * refused (or finds nothing) means a stale socket; any other outcome
 * means a live one, so we never take a socket from a running daemon.
 */
static int
http_unix_in_use(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, rc;

	if (http_unix_addr(path, &sun) != 0)
		return (0);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (1);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	if (rc != 0 && (errno == ECONNREFUSED || errno == ENOENT)) {
		close(fd);
		return (0);
	}
	close(fd);
	return (1);
}

/*
 * The name is taken by something: a live socket is another daemon's; a
 * stale socket or a symbolic link is removed so the link can be retried;
 * anything else is not ours to remove. Returns 0 to retry.
 */
static int
http_unix_clear(const char *path, char **cause)
{
	struct stat	st;

	if (lstat(path, &st) != 0)
		return (errno == ENOENT ? 0 : -1);
	if (S_ISSOCK(st.st_mode)) {
		if (http_unix_in_use(path)) {
			*cause = xstrdup(http_in_use);
			return (-1);
		}
		fprintf(stderr, "Unlinking stale socket %s\n", path);
	} else if (!S_ISLNK(st.st_mode)) {
		xasprintf(cause, "Cannot open an HTTP server: %s exists and is "
		    "not a socket", path);
		return (-1);
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		*cause = http_socket_error(errno);
		return (-1);
	}
	return (0);
}

/*
 * Supervisor's chown= (sockchown) on the socket still under its temporary
 * name, so that it never appears under its real name with the wrong owner.
 * EPERM gets Supervisor's words, which name the real path.
 */
static int
http_unix_chown(const struct server_config *sc, const char *tmp, char **cause)
{
	struct passwd	*pw;

	if (sc->chown_uid == (uid_t)-1 && sc->chown_gid == (gid_t)-1)
		return (0);
	if (lchown(tmp, sc->chown_uid, sc->chown_gid) == 0)
		return (0);
	if (errno != EPERM) {
		*cause = http_socket_error(errno);
		return (-1);
	}
	pw = getpwuid(geteuid());
	xasprintf(cause, "Not permitted to chown %s to uid/gid (%d, %d); adjust "
	    "\"sockchown\" value in config file or on command line to values "
	    "that the current user (%s) can successfully chown", sc->path,
	    (int)sc->chown_uid, (int)sc->chown_gid,
	    pw != NULL ? pw->pw_name : "?");
	return (-1);
}

/*
 * Bind under "<path>.<pid>" with the configured mode (the umask covers the
 * window between bind and chmod), chown it, listen, then link the socket
 * into place: under its real name it has its mode and owner from the
 * first moment. Returns the listening socket, or -1 with *cause.
 */
static int
http_unix_open(const struct server_config *sc, char **cause)
{
	struct sockaddr_un	 sun;
	char			*tmp;
	mode_t			 old;
	int			 fd, tries, rc;

	xasprintf(&tmp, "%s.%d", sc->path, (int)getpid());
	unlink(tmp);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || http_unix_addr(tmp, &sun) != 0) {
		*cause = http_socket_error(errno);
		goto fail;
	}
	old = umask(~sc->chmod & 0777);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (rc != 0 || fchmodat(AT_FDCWD, tmp, sc->chmod,
	    AT_SYMLINK_NOFOLLOW) != 0) {
		*cause = http_socket_error(errno);
		goto fail;
	}
	if (http_unix_chown(sc, tmp, cause) != 0)
		goto fail;
	if (listen(fd, HTTP_BACKLOG) != 0) {
		*cause = http_socket_error(errno);
		goto fail;
	}
	for (tries = 0; link(tmp, sc->path) != 0; tries++) {
		if (errno != EEXIST || tries == 10) {
			*cause = http_socket_error(errno);
			goto fail;
		}
		if (http_unix_clear(sc->path, cause) != 0) {
			if (*cause == NULL)
				*cause = http_socket_error(errno);
			goto fail;
		}
	}
	unlink(tmp);
	free(tmp);
	return (fd);

fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return (-1);
}

/* -------------------------------------------------------------------- */
/* TCP sockets.                                                          */

/* host:port over IPv4 like Supervisor; "" (or "*") is every address. */
static int
http_inet_open(const struct server_config *sc, char **cause)
{
	struct addrinfo	 hints, *ai;
	char		 port[16];
	const char	*host = sc->host;
	int		 fd, on = 1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(port, sizeof port, "%d", sc->port);
	if (host == NULL || *host == '\0' || strcmp(host, "*") == 0)
		host = NULL;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		xasprintf(cause, "Cannot open an HTTP server: socket.error "
		    "reported %d", rc);
		return (-1);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, HTTP_BACKLOG) != 0) {
		*cause = http_socket_error(errno);
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return (fd);
}

/* -------------------------------------------------------------------- */
/* Lingering close.                                                      */

static void
http_linger_free(struct http_linger *l)
{
	LIST_REMOVE(l, entry);
	http_nlingers--;
	event_free(l->ev);
	close(l->fd);
	free(l);
}

/*
 * Read and throw away what the client sends, until it closes, goes quiet
 * or its time is up. A fast sender gets HTTP_LINGER_READ bytes a turn so
 * the rest of the loop runs meanwhile.
 */
static void
http_linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_linger	*l = arg;
	static char		 buf[64 * 1024];
	struct timespec		 now;
	ssize_t			 n;
	size_t			 total = 0;

	if (what & EV_TIMEOUT) {
		http_linger_free(l);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > l->end.tv_sec || (now.tv_sec == l->end.tv_sec &&
	    now.tv_nsec >= l->end.tv_nsec)) {
		http_linger_free(l);
		return;
	}
	while (total < HTTP_LINGER_READ) {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			total += n;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		http_linger_free(l);	/* end of file, or reset */
		return;
	}
}

/*
 * A connection closes with a request unfinished: evhttp refused it and
 * sent the answer (413 for a body over max_request_body, known from
 * Content-Length, or from the chunk that would pass the limit, before
 * that is read; 400 for a bad header), or the client left. Closing a
 * socket with input unread or still coming resets a TCP connection,
 * which destroys the answer the client has not read yet, and fails the
 * writes of a unix socket's client; a client that writes its whole body
 * before reading (xmlrpc.client does) saw an error instead of the 413.
 * So evhttp's close is not the end: the socket stays open under a
 * descriptor of our own, shut for writing so the client reads the answer
 * and an end of file, and what it still sends is read and dropped, never
 * kept, until it closes, or HTTP_LINGER_IDLE or HTTP_LINGER_SECS pass
 * (nginx's lingering close). A client that has left costs one read.
 */
static void
http_linger_start(int fd)
{
	struct http_linger	*l;
	struct timeval		 idle = { HTTP_LINGER_IDLE, 0 };
	int			 dupfd;

	if (http_closing || http_nlingers >= HTTP_LINGER_MAX)
		return;
	if ((dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return;
	if (shutdown(dupfd, SHUT_WR) != 0) {
		close(dupfd);	/* the client is gone already */
		return;
	}
	l = xcalloc(1, sizeof *l);
	l->fd = dupfd;
	clock_gettime(CLOCK_MONOTONIC, &l->end);
	l->end.tv_sec += HTTP_LINGER_SECS;
	l->ev = event_new(server_base, dupfd, EV_READ | EV_PERSIST,
	    http_linger_cb, l);
	LIST_INSERT_HEAD(&http_lingers, l, entry);
	http_nlingers++;
	event_add(l->ev, &idle);
}

/* -------------------------------------------------------------------- */
/* Connections.                                                          */

static void
http_conn_free(struct http_conn *conn)
{
	hmap_del_int(&http_conns, conn->fd);
	event_free(conn->deadline);
	free(conn);
}

static void
http_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn	*conn = arg;
	void			(*fn)(struct evhttp_connection *, void *);
	void			*fnarg;

	fn = conn->close_fn;
	fnarg = conn->close_arg;
	/* Bytes of a request came that never reached http_request_cb. */
	if (evtimer_pending(conn->deadline, NULL))
		http_linger_start(conn->fd);
	http_conn_free(conn);
	if (fn != NULL)
		fn(evcon, fnarg);
}

/*
 * The request deadline passed. While evhttp writes a reply it reads only
 * to notice a close (its read callback is unset), so bytes of a next
 * request that came meanwhile get their time once the reply is out.
 */
static void
http_conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conn	*conn = arg;
	struct timeval		 tv = { HTTP_REQUEST_SECS, 0 };
	bufferevent_data_cb	 readcb;

	bufferevent_getcb(evhttp_connection_get_bufferevent(conn->evcon),
	    &readcb, NULL, NULL, NULL);
	if (readcb == NULL) {
		evtimer_add(conn->deadline, &tv);
		return;
	}
	log_debug("closing a client that did not send its request within %d "
	    "seconds", HTTP_REQUEST_SECS);
	evhttp_connection_free(conn->evcon);
}

/*
 * The record of a connection, made on first use. A record whose
 * connection is not this one is left from a connection evhttp freed
 * without telling us; its descriptor has been reused.
 */
static struct http_conn *
http_conn_get(struct evhttp_connection *evcon)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(evcon);
	struct http_conn	*conn;
	int			 fd = bufferevent_getfd(bev);

	if ((conn = hmap_get_int(&http_conns, fd)) != NULL) {
		if (conn->evcon == evcon)
			return (conn);
		http_conn_free(conn);
	}
	conn = xcalloc(1, sizeof *conn);
	conn->evcon = evcon;
	conn->fd = fd;
	conn->deadline = evtimer_new(server_base, http_conn_deadline_cb, conn);
	hmap_put_int(&http_conns, fd, conn);
	evhttp_connection_set_closecb(evcon, http_conn_close_cb, conn);
	return (conn);
}

/* In place of evhttp_connection_set_closecb for the rest of this file. */
static void
http_conn_set_closecb(struct evhttp_connection *evcon,
    void (*fn)(struct evhttp_connection *, void *), void *arg)
{
	struct http_conn	*conn = http_conn_get(evcon);

	conn->close_fn = fn;
	conn->close_arg = arg;
}

/*
 * Bytes came in: if they begin a request, its deadline starts. evhttp
 * made the connection with this bufferevent and set itself as the
 * callbacks' argument, which is how the connection is found.
 */
static void
http_conn_input_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct bufferevent	*bev = arg;
	struct http_conn	*conn;
	struct timeval		 tv = { HTTP_REQUEST_SECS, 0 };
	void			*evcon = NULL;

	if (info->n_added == 0)
		return;
	bufferevent_getcb(bev, NULL, NULL, NULL, &evcon);
	if (evcon == NULL)
		return;
	conn = http_conn_get(evcon);
	if (!evtimer_pending(conn->deadline, NULL))
		evtimer_add(conn->deadline, &tv);
}

/*
 * A whole request arrived: its deadline is met, and the connection may
 * now sit idle between requests as long as Supervisor's clients need.
 */
static void
http_conn_request_done(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return;
	evtimer_del(http_conn_get(evcon)->deadline);
	evhttp_connection_set_timeout(evcon, HTTP_TIMEOUT);
}

/* -------------------------------------------------------------------- */
/* Replies.                                                              */

static const char *
http_reason(int code)
{
	switch (code) {
	case 400:
		return ("Bad Request");
	case 401:
		return ("Unauthorized");
	case 404:
		return ("Not Found");
	case 411:
		return ("Length Required");
	case 500:
		return ("Internal Server Error");
	}
	return ("Error");
}

/*
 * The headers of a whole reply. evhttp leaves Content-Length out for
 * HTTP/1.0; medusa always sends it.
 */
static void
http_headers(struct evhttp_request *req, const char *type, size_t len)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	char			 n[32];

	snprintf(n, sizeof n, "%zu", len);
	evhttp_add_header(out, "Server", "supd");
	evhttp_add_header(out, "Content-Length", n);
	evhttp_add_header(out, "Content-Type", type);
}

/* medusa's error page and headers. */
void
http_error(struct evhttp_request *req, int code)
{
	struct evbuffer	*body;

	body = evbuffer_new();
	evbuffer_add_printf(body, "<head>\r\n<title>Error response</title>\r\n"
	    "</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code "
	    "%d.\r\n<p>Message: %s.\r\n</body>\r\n", code, http_reason(code));
	http_headers(req, "text/html", evbuffer_get_length(body));
	evhttp_send_reply(req, code, http_reason(code), body);
	evbuffer_free(body);
}

static void
http_after_done(struct http_after *a)
{
	void	(*fn)(void) = a->fn;

	free(a);
	fn();
}

static void
http_after_complete_cb(struct evhttp_request *req, void *arg)
{
	struct http_after	*a = arg;

	http_conn_set_closecb(a->evcon, NULL, NULL);
	http_after_done(a);
}

static void
http_after_close_cb(struct evhttp_connection *evcon, void *arg)
{
	http_after_done(arg);
}

/*
 * Let the kernel take a big reply in one write. With the default socket
 * buffer (about 200 KiB) a megabyte goes out over several turns of the
 * loop, each waiting for the client to drain the socket and for us to be
 * woken again; that costs far more than the copy. The size only grows.
 */
static void
http_send_buffer(struct evhttp_request *req, size_t len)
{
	struct evhttp_connection	*evcon;
	socklen_t			 sl;
	int				 fd, cur, want;

	if (len < HTTP_BIG_REPLY ||
	    (evcon = evhttp_request_get_connection(req)) == NULL)
		return;
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
	want = len > HTTP_MAX_SNDBUF ? HTTP_MAX_SNDBUF : (int)len;
	sl = sizeof cur;
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) != 0 ||
	    cur / 2 >= want)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof want) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
}

/* Answer 200 with a whole body; see http.h. */
void
http_send(struct evhttp_request *req, struct evbuffer *body,
    const char *type, void (*after)(void))
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct http_after		*a;

	http_headers(req, type, evbuffer_get_length(body));
	http_send_buffer(req, evbuffer_get_length(body));
	if (after != NULL) {
		a = xcalloc(1, sizeof *a);
		a->fn = after;
		a->evcon = evhttp_request_get_connection(req);
		if (a->evcon == NULL) {
			evhttp_send_reply(req, 200, "OK", body);
			http_after_done(a);
			return;
		}
		evhttp_request_set_on_complete_cb(req, http_after_complete_cb, a);
		http_conn_set_closecb(a->evcon, http_after_close_cb, a);
	}
	evcon = evhttp_request_get_connection(req);
	evhttp_send_reply(req, 200, "OK", body);
	/*
	 * Write the reply now rather than at the socket's next EPOLLOUT, a
	 * turn of the loop later: the client has it that much sooner. The
	 * bufferevent finds its buffer empty (or what is left) and completes
	 * the request as usual.
	 */
	if (evcon != NULL &&
	    (bev = evhttp_connection_get_bufferevent(evcon)) != NULL)
		(void)evbuffer_write(bufferevent_get_output(bev),
		    bufferevent_getfd(bev));
}

/* -------------------------------------------------------------------- */
/* Requests answered later.                                              */

static void
http_hold_free(struct http_hold *h)
{
	event_free(h->watch);
	free(h);
}

/*
 * The connection is going away with the request still held. If evhttp
 * detached the request first (a failed write), freeing it is ours;
 * otherwise evhttp frees it with the connection.
 */
static void
http_hold_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_hold	*h = arg;
	http_gone_fn		 gone = h->gone;
	void			*garg = h->arg;

	if (evhttp_request_get_connection(h->req) == NULL)
		evhttp_request_free(h->req);
	http_hold_free(h);
	gone(garg);
}

/* Whether the client hung up or half-closed, even with bytes unread. */
static int
http_client_hung_up(int fd)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLRDHUP };

	return (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0);
}

static int
http_hold_fd(const struct http_hold *h)
{
	return (bufferevent_getfd(evhttp_connection_get_bufferevent(h->evcon)));
}

/* A pipelined request waits behind the held one: see HTTP_HOLD_PROBE_SECS. */
static void
http_hold_probe_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_hold	*h = arg;

	if (http_client_hung_up(http_hold_fd(h)))
		evhttp_connection_free(h->evcon);
}

/*
 * The held connection is readable: end of file or an error means the
 * client left, so the connection is freed (and the close callback tells
 * the owner). Data is discarded or, for a possible pipelined request,
 * left for evhttp once we answer, and the client probed for leaving.
 */
static void
http_hold_watch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_hold	*h = arg;
	struct timeval		 tv = { HTTP_HOLD_PROBE_SECS, 0 };
	char			 buf[512];
	ssize_t			 n;

	n = recv(fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0 && h->discard) {
		(void)recv(fd, buf, n, MSG_DONTWAIT);
		return;
	}
	if (n > 0 && !http_client_hung_up(fd)) {
		event_free(h->watch);
		h->watch = event_new(server_base, -1, EV_PERSIST,
		    http_hold_probe_cb, h);
		event_add(h->watch, &tv);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	evhttp_connection_free(h->evcon);
}

/* Keep req to answer later, watching for the client to leave. */
struct http_hold *
http_hold(struct evhttp_request *req, http_gone_fn gone, void *arg,
    int discard)
{
	struct http_hold	*h;
	struct bufferevent	*bev;

	h = xcalloc(1, sizeof *h);
	h->req = req;
	h->evcon = evhttp_request_get_connection(req);
	h->gone = gone;
	h->arg = arg;
	h->discard = discard;
	bev = evhttp_connection_get_bufferevent(h->evcon);
	h->watch = event_new(server_base, bufferevent_getfd(bev),
	    EV_READ | EV_PERSIST, http_hold_watch_cb, h);
	event_add(h->watch, NULL);
	http_conn_set_closecb(h->evcon, http_hold_close_cb, h);
	return (h);
}

/* Stop watching a held request; the caller answers it now. */
struct evhttp_request *
http_release(struct http_hold *h)
{
	struct evhttp_request	*req = h->req;

	http_conn_set_closecb(h->evcon, NULL, NULL);
	http_hold_free(h);
	return (req);
}

/* -------------------------------------------------------------------- */
/* Routing.                                                              */

/*
 * A refusal as a JSON route's clients read errors: the code is the
 * reason's name ("UNAUTHORIZED"), as the API names faults.
 */
static void
http_error_json(struct evhttp_request *req, int code)
{
	struct evbuffer	*body;
	char		 name[64], *p;

	snprintf(name, sizeof name, "%s", http_reason(code));
	for (p = name; *p != '\0'; p++)
		*p = *p == ' ' ? '_' : toupper((unsigned char)*p);
	body = evbuffer_new();
	evbuffer_add_printf(body, "{\"error\":{\"code\":\"%s\",\"message\":"
	    "\"%s: %s\"}}\n", name, name, code == 401 ? "credentials needed" :
	    "bad Authorization header");
	http_headers(req, "application/json", evbuffer_get_length(body));
	evhttp_send_reply(req, code, http_reason(code), body);
	evbuffer_free(body);
}

static void
http_unauthorized(struct evhttp_request *req, int json)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);

	evhttp_add_header(out, "WWW-Authenticate", "Basic realm=\"default\"");
	evhttp_add_header(out, "Connection", "close");
	if (json)
		http_error_json(req, 401);
	else
		http_error(req, 401);
}

void
http_add_route(const struct http_route *r)
{
	http_routes = xreallocarray(http_routes, http_nroutes + 1,
	    sizeof *http_routes);
	http_routes[http_nroutes++] = r;
}

/* A body route needs the body whole: a length or chunks (411). */
static int
http_body_ok(struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*te;

	if (evhttp_find_header(in, "Content-Length") != NULL)
		return (1);
	te = evhttp_find_header(in, "Transfer-Encoding");
	return (te != NULL && strcasecmp(te, "chunked") == 0);
}

/* The path of the request, %-decoded as medusa does. Caller frees. */
static char *
http_path(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = NULL;

	if (uri != NULL)
		path = evhttp_uri_get_path(uri);
	if (path == NULL || *path == '\0')
		path = "/";
	if (strchr(path, '%') == NULL)
		return (xstrdup(path));
	return (evhttp_uridecode(path, 0, NULL));
}

/* The first route that takes the request, or NULL. */
static const struct http_route *
http_find_route(struct evhttp_request *req, const char *uri,
    const char *path)
{
	const struct http_route	*r;
	int			 i;

	for (i = 0; i < http_nroutes; i++) {
		r = http_routes[i];
		if (r->prefix != NULL) {
			if (strncmp(uri, r->prefix, strlen(r->prefix)) == 0)
				return (r);
		} else if (r->match(req, path))
			return (r);
	}
	return (NULL);
}

/* Basic auth against the server's credentials; answers if it fails. */
static int
http_authorized(struct http_server *srv, struct evhttp_request *req,
    int json)
{
	const char	*auth;

	if (srv->username == NULL)
		return (1);
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	switch (http_auth_check(auth, srv->username, srv->password)) {
	case HTTP_AUTH_OK:
		return (1);
	case HTTP_AUTH_DENIED:
		http_unauthorized(req, json);
		return (0);
	case HTTP_AUTH_MALFORMED:
		if (json)
			http_error_json(req, 400);
		else
			http_error(req, 400);
		return (0);
	}
	return (0);
}

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http_server	*srv = arg;
	const struct http_route	*r;
	const char		*uri = evhttp_request_get_uri(req);
	char			*path;

	http_conn_request_done(req);
	if (uri == NULL) {
		http_error(req, 400);
		return;
	}
	path = http_path(req);
	r = http_find_route(req, uri, path);
	if ((r == NULL || (r->flags & HTTP_ROUTE_AUTH)) &&
	    !http_authorized(srv, req, r != NULL &&
	    (r->flags & HTTP_ROUTE_JSON)))
		goto out;
	if (r == NULL)
		http_error(req, 404);
	else if (r->methods != 0 &&
	    (evhttp_request_get_command(req) & r->methods) == 0)
		http_error(req, 400);
	else if ((r->flags & HTTP_ROUTE_BODY) && !http_body_ok(req))
		http_error(req, 411);
	else
		r->fn(req, path);
out:
	free(path);
}

/* -------------------------------------------------------------------- */
/* Servers.                                                              */

static void
http_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_server	*srv = arg;

	evconnlistener_enable(srv->listener);
}

/*
 * accept() failed for a reason other than "nothing to accept", most
 * likely no descriptors left. The socket stays readable, so pause instead
 * of spinning; the pending clients wait in the backlog.
 */
static void
http_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct http_server	*srv = NULL;
	struct timeval		 tv = { 0, HTTP_ACCEPT_PAUSE_MS * 1000 };
	int			 error = EVUTIL_SOCKET_ERROR(), i;

	/* The listener's argument is evhttp's, so find our server. */
	for (i = 0; i < http_nservers; i++) {
		if (http_servers[i].listener == l)
			srv = &http_servers[i];
	}
	if (srv == NULL || error == EINTR || error == ECONNABORTED)
		return;
	if (!srv->warned)
		log_warn("%s: cannot accept connections: %s", srv->section,
		    strerror(error));
	srv->warned = 1;
	evconnlistener_disable(l);
	evtimer_add(srv->resume, &tv);
}

/*
 * Each connection's bufferevent, made so it writes big replies at once and
 * tells us when request bytes arrive.
 */
static struct bufferevent *
http_bev_cb(struct event_base *base, void *arg)
{
	struct bufferevent	*bev;

	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL) {
		bufferevent_set_max_single_write(bev, HTTP_MAX_WRITE);
		evbuffer_add_cb(bufferevent_get_input(bev), http_conn_input_cb,
		    bev);
	}
	return (bev);
}

static int
http_start(struct http_server *srv, const struct server_config *sc, int fd)
{
	char	*repr;

	srv->http = evhttp_new(server_base);
	/*
	 * evhttp answers a body over the limit with 413 as soon as the
	 * declared length (or a chunk's) says so, reading none of it, and
	 * closes; the close lingers (http_linger_start).
	 */
	evhttp_set_max_body_size(srv->http, sc->max_request_body > 0 ?
	    sc->max_request_body : HTTP_MAX_BODY);
	evhttp_set_max_headers_size(srv->http, HTTP_MAX_HEADERS);
	/* Until its first request is in; then HTTP_TIMEOUT. */
	evhttp_set_timeout(srv->http, HTTP_REQUEST_SECS);
	evhttp_set_gencb(srv->http, http_request_cb, srv);
	evhttp_set_bevcb(srv->http, http_bev_cb, NULL);
	srv->listener = evconnlistener_new(server_base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (srv->listener == NULL)
		return (-1);
	evconnlistener_set_error_cb(srv->listener, http_accept_error_cb);
	srv->resume = evtimer_new(server_base, http_resume_cb, srv);
	if (evhttp_bind_listener(srv->http, srv->listener) == NULL)
		return (-1);
	srv->section = xstrdup(sc->section);
	if (sc->username != NULL && *sc->username != '\0') {
		srv->username = xstrdup(sc->username);
		srv->password = xstrdup(sc->password != NULL ? sc->password :
		    "");
	}
	log_info("RPC interface 'supervisor' initialized");
	if (srv->username == NULL) {
		repr = repr_string(sc->section);
		log_crit("Server %s running without any HTTP authentication "
		    "checking", repr);
		free(repr);
	}
	return (0);
}

static void
http_server_free(struct http_server *srv)
{
	if (srv->http != NULL)
		evhttp_free(srv->http);
	if (srv->resume != NULL)
		event_free(srv->resume);
	if (srv->path != NULL)
		unlink(srv->path);
	free(srv->path);
	free(srv->section);
	free(srv->username);
	free(srv->password);
}

/* Open every server of the config, or none. */
int
http_open(const struct config *cf, char **cause)
{
	const struct server_config	*sc;
	struct http_server		*srv;
	int				 i, fd;

	hmap_init(&http_conns);
	http_closing = 0;
	*cause = NULL;
	http_servers = xcalloc(cf->nservers + 1, sizeof *http_servers);
	for (i = 0; i < cf->nservers; i++) {
		sc = &cf->servers[i];
		srv = &http_servers[http_nservers];
		if (sc->family == SERVER_UNIX)
			fd = http_unix_open(sc, cause);
		else
			fd = http_inet_open(sc, cause);
		if (fd == -1)
			goto fail;
		http_nservers++;
		if (sc->family == SERVER_UNIX)
			srv->path = xstrdup(sc->path);
		if (http_start(srv, sc, fd) != 0) {
			if (srv->listener == NULL)
				close(fd);
			*cause = http_socket_error(errno);
			goto fail;
		}
	}
	return (0);

fail:
	http_close();
	return (-1);
}

/* Close every server, end held requests, remove our socket files. */
void
http_close(void)
{
	int	i;

	/* Freeing the servers ends every held request, tails included. */
	http_closing = 1;
	for (i = 0; i < http_nservers; i++)
		http_server_free(&http_servers[i]);
	for (i = 0; i < http_nroutes; i++) {
		if (http_routes[i]->close != NULL)
			http_routes[i]->close();
	}
	while (!LIST_EMPTY(&http_lingers))
		http_linger_free(LIST_FIRST(&http_lingers));
	hmap_free(&http_conns);
	free(http_servers);
	http_servers = NULL;
	http_nservers = 0;
}
