/*
 * Log tails over HTTP, as Supervisor's logtail and mainlogtail handlers
 * serve them: the last 1024 bytes of the file, then whatever is appended,
 * as a response that never ends (chunked for HTTP/1.1). A truncated file
 * gets "==> File truncated <==" and is followed from its start; a file
 * replaced under the same name (rotation, clearLog) is reopened and sent
 * from its start.
 *
 * Supervisor looks at every tailed file ten times a second. Here inotify
 * says when a file changed or a new one took its name; only if inotify is
 * unavailable does a tail fall back to that polling. One chunk is in
 * flight per client at a time, so a client that reads slowly costs one
 * chunk of memory, not the whole log.
 */
#include <sys/inotify.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "group.h"
#include "hmap.h"
#include "http.h"
#include "http-tail.h"
#include "log.h"
#include "mainlog.h"
#include "process.h"
#include "server.h"
#include "xmalloc.h"

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

/* Bytes of the file sent when a tail starts (Supervisor's head). */
#define HTTP_TAIL_HEAD		1024
/* Most bytes per chunk. */
#define HTTP_TAIL_CHUNK		(64 * 1024)
/* Polling interval without inotify, as Supervisor's 0.1 s. */
#define HTTP_TAIL_POLL_MS	100

#define HTTP_TAIL_FILE_EVENTS	(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | \
				 IN_DELETE_SELF | IN_CLOSE_WRITE)
#define HTTP_TAIL_DIR_EVENTS	(IN_CREATE | IN_MOVED_TO)

struct http_tail {
	TAILQ_ENTRY(http_tail)	 entry;
	struct evhttp_request	*req;
	struct http_hold	*hold;
	char			*path;
	int			 fd;
	dev_t			 dev;
	ino_t			 ino;
	off_t			 pos;		/* bytes of the file sent */
	int			 busy;		/* a chunk is being written */
	int			 wd;		/* inotify: the file */
	int			 dwd;		/* inotify: its directory */
	struct event		*poll;
	const struct http_tail_format *fmt;	/* NULL: plain text */
	struct event		*heartbeat;
	int			 reset;		/* fmt: say it started over */
};

static TAILQ_HEAD(, http_tail)	 http_tails =
    TAILQ_HEAD_INITIALIZER(http_tails);
static int			 http_tail_ifd = -1;
static struct event		*http_tail_iev;
/* Watch descriptor to the number of tails using it. */
static struct hmap		 http_tail_wds;

static void	http_tail_check(struct http_tail *);

/* -------------------------------------------------------------------- */
/* Watching files.                                                       */

static void
http_tail_inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	char			 buf[4096];
	struct http_tail	*t, *next;

	while (read(fd, buf, sizeof buf) > 0)
		;
	TAILQ_FOREACH_SAFE(t, &http_tails, entry, next)
		http_tail_check(t);
}

static int
http_tail_inotify(void)
{
	if (http_tail_ifd >= 0)
		return (0);
	if (http_tail_ifd == -2)
		return (-1);
	if ((http_tail_ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("cannot follow log files with inotify: %s",
		    strerror(errno));
		http_tail_ifd = -2;
		return (-1);
	}
	hmap_init(&http_tail_wds);
	http_tail_iev = event_new(server_base, http_tail_ifd,
	    EV_READ | EV_PERSIST, http_tail_inotify_cb, NULL);
	event_add(http_tail_iev, NULL);
	return (0);
}

static int
http_tail_add_watch(const char *path, uint32_t mask)
{
	intptr_t	n;
	int		wd;

	if ((wd = inotify_add_watch(http_tail_ifd, path, mask)) == -1)
		return (-1);
	n = (intptr_t)hmap_get_int(&http_tail_wds, wd);
	hmap_put_int(&http_tail_wds, wd, (void *)(n + 1));
	return (wd);
}

static void
http_tail_rm_watch(int wd)
{
	intptr_t	n;

	if (wd < 0 || http_tail_ifd < 0)
		return;
	n = (intptr_t)hmap_get_int(&http_tail_wds, wd);
	if (n > 1) {
		hmap_put_int(&http_tail_wds, wd, (void *)(n - 1));
		return;
	}
	hmap_del_int(&http_tail_wds, wd);
	inotify_rm_watch(http_tail_ifd, wd);
}

static void
http_tail_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	http_tail_check(arg);
}

/* Watch the open file and its directory; poll if we cannot. */
static void
http_tail_watch(struct http_tail *t)
{
	struct timeval	 tv = { 0, HTTP_TAIL_POLL_MS * 1000 };
	char		*dir, *slash;

	http_tail_rm_watch(t->wd);
	t->wd = -1;
	if (http_tail_inotify() == 0) {
		t->wd = http_tail_add_watch(t->path, HTTP_TAIL_FILE_EVENTS);
		if (t->dwd == -1) {
			dir = xstrdup(t->path);
			if ((slash = strrchr(dir, '/')) != NULL)
				*(slash == dir ? slash + 1 : slash) = '\0';
			else
				strcpy(dir, ".");
			t->dwd = http_tail_add_watch(dir, HTTP_TAIL_DIR_EVENTS);
			free(dir);
		}
	}
	if ((t->wd == -1 || t->dwd == -1) && t->poll == NULL) {
		t->poll = event_new(server_base, -1, EV_PERSIST,
		    http_tail_poll_cb, t);
		event_add(t->poll, &tv);
	}
}

/* -------------------------------------------------------------------- */
/* Following.                                                            */

static void
http_tail_free(struct http_tail *t)
{
	TAILQ_REMOVE(&http_tails, t, entry);
	http_tail_rm_watch(t->wd);
	http_tail_rm_watch(t->dwd);
	if (t->poll != NULL)
		event_free(t->poll);
	if (t->heartbeat != NULL)
		event_free(t->heartbeat);
	if (t->fd != -1)
		close(t->fd);
	free(t->path);
	free(t);
}

/* The client left: the request is gone with its connection. */
static void
http_tail_gone(void *arg)
{
	http_tail_free(arg);
}

static void
http_tail_sent_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_tail	*t = arg;

	t->busy = 0;
	http_tail_check(t);
}

static void
http_tail_send(struct http_tail *t, const void *data, size_t len)
{
	struct evbuffer	*b;

	b = evbuffer_new();
	if (t->fmt == NULL)
		evbuffer_add(b, data, len);
	else {
		if (t->reset)
			t->fmt->reset(b);
		t->reset = 0;
		if (len > 0)
			t->fmt->frame(b, data, len, (long long)t->pos);
	}
	t->busy = 1;
	evhttp_send_reply_chunk_with_cb(t->req, b, http_tail_sent_cb, t);
	evbuffer_free(b);
}

/* Text as it is, in any format (a heartbeat). */
static void
http_tail_send_raw(struct http_tail *t, const char *text)
{
	struct evbuffer	*b;

	b = evbuffer_new();
	evbuffer_add(b, text, strlen(text));
	t->busy = 1;
	evhttp_send_reply_chunk_with_cb(t->req, b, http_tail_sent_cb, t);
	evbuffer_free(b);
}

/* Open path as the file followed; its previous one is closed. */
static int
http_tail_open(struct http_tail *t)
{
	struct stat	st;
	int		fd;

	if ((fd = open(t->path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		close(fd);
		return (-1);
	}
	if (t->fd != -1)
		close(t->fd);
	t->reset = t->fd != -1;
	t->fd = fd;
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->pos = 0;
	http_tail_watch(t);
	return (0);
}

/* A new file has the name: follow it from its start (tail_f_producer). */
static void
http_tail_follow(struct http_tail *t)
{
	struct stat	st;

	if (stat(t->path, &st) != 0)
		return;
	if (st.st_ino != t->ino || st.st_dev != t->dev)
		http_tail_open(t);
}

/*
 * Bytes of buf that do not end inside a UTF-8 sequence: a lead byte near
 * the end whose sequence is longer than what follows it waits for the
 * rest. Anything else (ASCII, invalid bytes) goes as it is.
 */
static ssize_t
http_tail_whole_utf8(const char *buf, ssize_t n)
{
	const unsigned char	*u = (const unsigned char *)buf;
	ssize_t			 i, need;

	for (i = n - 1; i >= 0 && i >= n - 3; i--) {
		if ((u[i] & 0xc0) == 0x80)
			continue;
		if (u[i] >= 0xf0)
			need = 4;
		else if (u[i] >= 0xe0)
			need = 3;
		else if (u[i] >= 0xc0)
			need = 2;
		else
			return (n);
		return (n - i < need ? i : n);
	}
	return (n);
}

/*
 * Send what was appended since the last chunk, once that one is out. A
 * file that shrank was truncated: say so and start over from its start.
 */
static void
http_tail_check(struct http_tail *t)
{
	static const char	 truncated[] = "==> File truncated <==\n";
	struct stat		 st;
	char			*buf;
	ssize_t			 n;
	off_t			 len;

	if (t->busy)
		return;
	http_tail_follow(t);
	if (fstat(t->fd, &st) != 0)
		return;
	if (st.st_size < t->pos) {
		t->pos = 0;
		t->reset = 1;
		http_tail_send(t, truncated, t->fmt != NULL ? 0 :
		    sizeof truncated - 1);
		return;
	}
	if (st.st_size == t->pos) {
		if (t->reset && t->fmt != NULL)
			http_tail_send(t, NULL, 0);
		return;
	}
	len = st.st_size - t->pos;
	if (len > HTTP_TAIL_CHUNK)
		len = HTTP_TAIL_CHUNK;
	buf = xmalloc(len);
	n = pread(t->fd, buf, len, t->pos);
	if (n > 0 && t->fmt != NULL)
		n = http_tail_whole_utf8(buf, n);
	if (n > 0) {
		t->pos += n;
		http_tail_send(t, buf, n);
	}
	free(buf);
}

/* The Last-Modified date medusa writes ("Sun, 06 Nov 1994 08:49:37 GMT"). */
static void
http_tail_date(time_t t, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s, %02d %s %d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Answer with path followed from 1024 bytes before its end, or 404. */
static void
http_tail_start(struct evhttp_request *req, const char *path, int accel)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct http_tail	*t;
	struct stat		 st;
	char			 date[64];

	t = xcalloc(1, sizeof *t);
	t->fd = t->wd = t->dwd = -1;
	t->path = xstrdup(path);
	if (http_tail_open(t) != 0 || fstat(t->fd, &st) != 0) {
		TAILQ_INSERT_TAIL(&http_tails, t, entry);
		http_tail_free(t);
		http_error(req, 404);
		return;
	}
	TAILQ_INSERT_TAIL(&http_tails, t, entry);
	if (st.st_size >= HTTP_TAIL_HEAD)
		t->pos = st.st_size - HTTP_TAIL_HEAD;
	http_tail_date(st.st_mtime, date, sizeof date);
	evhttp_add_header(out, "Last-Modified", date);
	evhttp_add_header(out, "Content-Type", "text/plain;charset=utf-8");
	if (accel)
		evhttp_add_header(out, "X-Accel-Buffering", "no");
	evhttp_add_header(out, "Server", "supd");
	t->req = req;
	evhttp_send_reply_start(req, 200, "OK");
	t->hold = http_hold(req, http_tail_gone, t, 1);
	http_tail_check(t);
}

static int
http_tail_exists(const char *path)
{
	struct stat	st;

	return (path != NULL && stat(path, &st) == 0);
}

/*
 * /logtail/<namespec>[/<channel>]: Supervisor splits the path at its
 * first two slashes, the channel defaulting to stdout; a process, channel
 * or file that does not exist is a 404.
 */
void
http_tail_process(struct evhttp_request *req, const char *path)
{
	const struct channel_config	*ch = NULL;
	struct group			*g;
	struct process			*p;
	const char			*rest, *channel = "stdout";
	char				*name, *slash;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		http_error(req, 400);
		return;
	}
	while (*path == '/')
		path++;
	if ((rest = strchr(path, '/')) == NULL) {
		http_error(req, 404);
		return;
	}
	name = xstrdup(rest + 1);
	if ((slash = strchr(name, '/')) != NULL) {
		*slash = '\0';
		channel = slash + 1;
	}
	if (group_lookup(name, &g, &p) == 0 && p != NULL) {
		if (strcmp(channel, "stdout") == 0)
			ch = &p->config->out;
		else if (strcmp(channel, "stderr") == 0)
			ch = &p->config->err;
	}
	if (ch == NULL || ch->kind == LOGFILE_NONE ||
	    !http_tail_exists(ch->logfile))
		http_error(req, 404);
	else
		http_tail_start(req, ch->logfile, 1);
	free(name);
}

/* /mainlogtail: the main log, if it is a file that exists. */
void
http_tail_main(struct evhttp_request *req)
{
	const char	*path = mainlog_path();

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		http_error(req, 400);
		return;
	}
	if (!http_tail_exists(path))
		http_error(req, 404);
	else
		http_tail_start(req, path, 0);
}

static void
http_tail_heartbeat_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_tail	*t = arg;

	if (!t->busy)
		http_tail_send_raw(t, t->fmt->heartbeat);
}

/* A tail in another format; see http-tail.h. */
int
http_tail_stream(struct evhttp_request *req, const char *path,
    long long offset, const struct http_tail_format *fmt)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct http_tail	*t;
	struct timeval		 tv = { fmt->heartbeat_secs, 0 };
	struct stat		 st;

	t = xcalloc(1, sizeof *t);
	t->fd = t->wd = t->dwd = -1;
	t->path = xstrdup(path);
	TAILQ_INSERT_TAIL(&http_tails, t, entry);
	if (http_tail_open(t) != 0 || fstat(t->fd, &st) != 0) {
		http_tail_free(t);
		return (-1);
	}
	if (offset < 0)
		offset += st.st_size;
	if (offset < 0)
		offset = 0;
	t->pos = offset > st.st_size ? st.st_size : offset;
	t->fmt = fmt;
	evhttp_add_header(out, "Content-Type", fmt->content_type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Accel-Buffering", "no");
	evhttp_add_header(out, "Server", "supd");
	t->req = req;
	evhttp_send_reply_start(req, 200, "OK");
	t->hold = http_hold(req, http_tail_gone, t, 1);
	t->heartbeat = event_new(server_base, -1, EV_PERSIST,
	    http_tail_heartbeat_cb, t);
	event_add(t->heartbeat, &tv);
	http_tail_send_raw(t, fmt->heartbeat);
	return (0);
}

/* After http_close(): nothing is tailed any more. */
void
http_tail_close_all(void)
{
	struct http_tail	*t, *next;

	/* Tails still here have lost their server; their requests are gone. */
	TAILQ_FOREACH_SAFE(t, &http_tails, entry, next)
		http_tail_free(t);
	if (http_tail_ifd >= 0) {
		event_free(http_tail_iev);
		close(http_tail_ifd);
		hmap_free(&http_tail_wds);
	}
	http_tail_ifd = -1;
}
