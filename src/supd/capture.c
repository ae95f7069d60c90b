/*
 * Child output capture. Each channel (stdout, stderr) of a running process
 * has a non-blocking pipe watched by the event loop; what arrives goes, in
 * Supervisor's order, to the log file (through a logwriter, which keeps
 * lines whole when programs share a file), syslog, the main log at debug
 * level, and PROCESS_LOG events. With capture_maxbytes set, text between
 * <!--XSUPERVISOR:BEGIN--> and <!--XSUPERVISOR:END--> becomes a
 * PROCESS_COMMUNICATION event instead (Supervisor's capture mode).
 *
 * The common case (a plain log file, no events, no capture mode, loglevel
 * above debug) does one read and one write per chunk and nothing else.
 * Once such a channel shows it is busy (a read takes half the default pipe),
 * its pipe grows to a megabyte and the bytes go from the pipe to the file
 * with splice(2), never through our memory; when the program calms down
 * to small writes, plain reads take over again.
 *
 * A program that writes line by line wakes a reader once per line, and
 * the wake-up, not the copying, is most of the cost. After a run of
 * small wake-ups in quick succession such a channel is read from a 1 ms
 * timer instead, getting many lines per read and write; as soon as a
 * tick finds the pipe empty it goes back to waking on input.
 *
 * A program with a log: check also has its output cut into whole lines
 * for the check (capture_line_input); only such a program pays for it,
 * and its output is always read, never discarded or spliced.
 */
#include <sys/time.h>

#include <fcntl.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "check.h"
#include "config.h"
#include "event.h"
#include "group.h"
#include "log.h"
#include "logfile.h"
#include "process.h"
#include "repr.h"
#include "server.h"
#include "spawn.h"
#include "xmalloc.h"

#define CAPTURE_READ_SIZE	(128 * 1024)
/* Reads per wake-up before letting other events run. */
#define CAPTURE_READS_PER_WAKE	8
/* A read this big means a busy writer: half the pipe's default 64 KiB. */
#define CAPTURE_BUSY		(32 * 1024)
/* The pipe of a busy writer, and the most one splice moves. */
#define CAPTURE_PIPE_SIZE	(1024 * 1024)
/* A splice smaller than this means the writer calmed down. */
#define CAPTURE_CALM		(4 * 1024)
/* A wake-up bringing less than this is small. */
#define CAPTURE_SMALL		(4 * 1024)
/* Small wake-ups less than a tick apart, in a row, before ticking. */
#define CAPTURE_RAPID		16
/* The tick of a channel read from a timer, microseconds. */
#define CAPTURE_TICK_US		1000
/* A longer line is cut here for log: checks. */
#define CAPTURE_LINE_MAX	(64 * 1024)

static const char capture_begin[] = "<!--XSUPERVISOR:BEGIN-->";
static const char capture_end[] = "<!--XSUPERVISOR:END-->";

capture_listener_fn capture_listener_input;
capture_line_fn capture_line_input;

struct capture {
	struct process		*proc;
	struct event		*ev;
	struct logwriter	*writer;
	struct logsyslog	*syslog;
	int			 channel;	/* 0 stdout, 1 stderr */
	int			 fd;
	/* Reading a line-by-line writer from a timer. */
	struct event		*tick;
	struct timeval		 last;		/* previous wake-up */
	size_t			 got;		/* bytes this wake-up */
	int			 rapid;		/* small ones in a row */
	unsigned int		 strip_ansi:1;
	unsigned int		 grown:1;	/* pipe made bigger */
	unsigned int		 splice:1;	/* splicing to the file */
	unsigned int		 capturemode:1;
	/* Lines for a log: check (capture_line_input). */
	unsigned int		 lines:1;
	/* Capture mode (capture_maxbytes > 0). */
	int64_t			 capture_max;
	struct evbuffer		*pending;	/* may hold a partial token */
	struct evbuffer		*captured;
	struct evbuffer		*partial;	/* a line not yet ended */
};

static char	capture_buf[CAPTURE_READ_SIZE];

static const struct channel_config *
capture_config(const struct capture *c)
{
	return (c->channel == 0 ? &c->proc->config->out :
	    &c->proc->config->err);
}

static const char *
capture_channel_name(const struct capture *c)
{
	return (c->channel == 0 ? "stdout" : "stderr");
}

/* Whether a log: check reads the program's output line by line. */
static int
capture_wants_lines(const struct process_config *pc)
{
	const struct check_spec	*ready = pc->ext->ready_check;
	const struct check_spec	*health = pc->ext->health_check;

	return (capture_line_input != NULL &&
	    ((ready != NULL && ready->kind == CHECK_LOG) ||
	    (health != NULL && health->kind == CHECK_LOG)));
}

/*
 * Whether nothing would take a channel's output: no log file (NONE, or
 * /dev/null itself), no syslog, no events, no capture mode, no main log
 * at debug level, and not an event listener's stdout (its protocol).
 * Supervisor reads such output only to drop it, at a descriptor and a
 * wake-up per write; supd lets the child write to /dev/null directly.
 */
static int
capture_discards(const struct process_config *pc, int channel)
{
	const struct channel_config	*cc = channel == 0 ? &pc->out : &pc->err;

	if (cc->kind == LOGFILE_AUTO || (cc->kind == LOGFILE_PATH &&
	    (cc->logfile == NULL || strcmp(cc->logfile, "/dev/null") != 0)))
		return (0);
	if (cc->syslog || cc->events_enabled || cc->capture_maxbytes > 0)
		return (0);
	if (log_enabled(LEVEL_DEBUG) || capture_wants_lines(pc))
		return (0);
	return (channel != 0 || pc->group->kind != GROUP_LISTENER);
}

int
capture_open_pipes(const struct process_config *pc, struct spawn_fds *fds,
    char **cause)
{
	int	discard_out = capture_discards(pc, 0);

	/* Redirected stderr is stdout's pipe, with stdout's fate. */
	return (spawn_make_pipes(pc, fds, discard_out,
	    !pc->redirect_stderr && capture_discards(pc, 1), cause));
}

struct capture *
capture_create(struct process *p, int channel, int fd)
{
	struct capture	*c;

	c = xcalloc(1, sizeof *c);
	c->proc = p;
	c->channel = channel;
	c->fd = fd;
	c->strip_ansi = server_config != NULL && server_config->strip_ansi;
	c->capture_max = capture_config(c)->capture_maxbytes;
	if (c->capture_max > 0) {
		c->pending = evbuffer_new();
		c->captured = evbuffer_new();
	}
	if ((c->lines = capture_wants_lines(p->config)))
		c->partial = evbuffer_new();
	return (c);
}

/*
 * Supervisor opens the channel's log when it makes the dispatchers, and
 * words a failure as it does a failed pipe: out of descriptors, or the
 * errno's name.
 */
int
capture_open_logs(struct capture *c, char **cause)
{
	const struct channel_config	*cc = capture_config(c);
	struct logfile			*lf;
	const char			*name;
	char				*repr;
	int				 error;

	if (cc->syslog)
		c->syslog = logsyslog_create(c->proc->config->name);
	if (cc->logfile == NULL || cc->kind == LOGFILE_NONE)
		return (0);
	if ((lf = logfile_open(cc->logfile, cc->maxbytes, cc->backups,
	    NULL)) == NULL) {
		error = errno;
		repr = repr_string(c->proc->config->name);
		if (error == EMFILE)
			xasprintf(cause, "too many open files to spawn %s", repr);
		else {
			name = strerrorname_np(error);
			xasprintf(cause, "unknown error making dispatchers for "
			    "%s: %s", repr, name != NULL ? name : "?");
		}
		free(repr);
		return (-1);
	}
	c->writer = logwriter_create(lf);
	logfile_unref(lf);
	return (0);
}

const char *
capture_logfile(const struct capture *c)
{
	if (c == NULL || c->writer == NULL)
		return (NULL);
	return (logfile_path(logwriter_file(c->writer)));
}

/* Supervisor's stripEscapes: drop ESC [ ... up to a terminator letter. */
static size_t
capture_strip_ansi(const char *in, size_t len, char *out)
{
	static const char	 terms[] = "HfABCDRsuJKhlpm";
	size_t			 i, n = 0;
	int			 show = 1;

	for (i = 0; i < len; i++) {
		if (!show) {
			if (in[i] != '\0' && strchr(terms, in[i]) != NULL)
				show = 1;
			continue;
		}
		if (in[i] == '\x1b' && i + 1 < len && in[i + 1] == '[') {
			show = 0;
			i++;
			continue;
		}
		out[n++] = in[i];
	}
	return (n);
}

static void
capture_event(const struct capture *c, enum event_type type, int with_channel,
    const char *data, size_t len)
{
	struct evbuffer	*b;
	struct process	*p = c->proc;

	if (!event_wanted(type))
		return;
	b = evbuffer_new();
	evbuffer_add_printf(b, "processname:%s groupname:%s pid:%d",
	    p->config->name, p->group->config->name, (int)p->pid);
	if (with_channel)
		evbuffer_add_printf(b, " channel:%s", capture_channel_name(c));
	evbuffer_add(b, "\n", 1);
	event_add_text(b, data, len);
	event_emit(type, (const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b));
	evbuffer_free(b);
}

/*
 * Write to the log file, charging this process with what a failing file
 * drops meanwhile (output of programs sharing the file included: the
 * write that overflows the backlog is the one that pays).
 */
static void
capture_write(struct capture *c, const char *data, size_t len)
{
	struct logfile	*lf = logwriter_file(c->writer);
	uint64_t	 before = logfile_dropped_total(lf);

	logwriter_write(c->writer, data, len);
	c->proc->log_dropped[c->channel] += logfile_dropped_total(lf) - before;
}

/* Supervisor's _log(): one piece of output to wherever it goes. */
static void
capture_log(struct capture *c, const char *data, size_t len)
{
	const struct channel_config	*cc = capture_config(c);
	char				*stripped = NULL;

	if (len == 0)
		return;
	if (c->strip_ansi) {
		stripped = xmalloc(len);
		len = capture_strip_ansi(data, len, stripped);
		data = stripped;
	}
	if (c->capturemode) {
		/*
		 * Supervisor's BoundIO: a write that would pass
		 * capture_maxbytes first drops as many bytes as it brings
		 * from the front (so one large write is kept whole).
		 */
		if ((int64_t)(evbuffer_get_length(c->captured) + len) >
		    c->capture_max)
			evbuffer_drain(c->captured, len);
		evbuffer_add(c->captured, data, len);
	} else {
		if (c->writer != NULL)
			capture_write(c, data, len);
		if (c->syslog != NULL)
			logsyslog_write(c->syslog, data, len);
	}
	if (log_enabled(LEVEL_DEBUG))
		log_debug("'%s' %s output:\n%.*s", c->proc->config->name,
		    capture_channel_name(c), (int)len, data);
	if (cc->events_enabled)
		capture_event(c, c->channel == 0 ? EVENT_PROCESS_LOG_STDOUT :
		    EVENT_PROCESS_LOG_STDERR, 1, data, len);
	free(stripped);
}

static void
capture_toggle(struct capture *c)
{
	c->capturemode = !c->capturemode;
	if (c->capturemode)
		return;
	capture_event(c, c->channel == 0 ?
	    EVENT_PROCESS_COMMUNICATION_STDOUT :
	    EVENT_PROCESS_COMMUNICATION_STDERR, 0,
	    (const char *)evbuffer_pullup(c->captured, -1),
	    evbuffer_get_length(c->captured));
	log_debug("'%s' %s emitted a comm event", c->proc->config->name,
	    capture_channel_name(c));
	evbuffer_drain(c->captured, evbuffer_get_length(c->captured));
}

/* Longest suffix of data that is a proper prefix of token. */
static size_t
capture_prefix_at_end(const char *data, size_t len, const char *token)
{
	size_t	l = strlen(token) - 1;

	for (; l > 0; l--) {
		if (l <= len && memcmp(data + len - l, token, l) == 0)
			return (l);
	}
	return (0);
}

/* Supervisor's record_output() with capture mode on. */
static void
capture_record(struct capture *c, int final)
{
	const char	*token, *data, *hit;
	size_t		 tlen, len, keep;

	for (;;) {
		token = c->capturemode ? capture_end : capture_begin;
		tlen = strlen(token);
		len = evbuffer_get_length(c->pending);
		if (len == 0 || (len <= tlen && !final))
			return;
		data = (const char *)evbuffer_pullup(c->pending, -1);
		if ((hit = memmem(data, len, token, tlen)) != NULL) {
			capture_log(c, data, hit - data);
			evbuffer_drain(c->pending, hit - data + tlen);
			capture_toggle(c);
			continue;
		}
		keep = final ? 0 : capture_prefix_at_end(data, len, token);
		capture_log(c, data, len - keep);
		evbuffer_drain(c->pending, len - keep);
		return;
	}
}

/* A listener's stdout log gets the protocol bytes, stripped if asked. */
static void
capture_write_listener_log(struct capture *c, const char *data, size_t len)
{
	char	*stripped;

	if (!c->strip_ansi) {
		logwriter_write(c->writer, data, len);
		return;
	}
	stripped = xmalloc(len);
	logwriter_write(c->writer, stripped,
	    capture_strip_ansi(data, len, stripped));
	free(stripped);
}

/* Supervisor logs a listener's stdout as Python bytes: b'READY\n'. */
static void
capture_debug_listener(struct process *p, const char *data, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	event_add_repr(b, data, len);
	log_debug("'%s' stdout output:\n%.*s", p->config->name,
	    (int)evbuffer_get_length(b), (char *)evbuffer_pullup(b, -1));
	evbuffer_free(b);
}

/*
 * Cut output into lines for a log: check. A line may come in pieces over
 * several reads: the piece without its newline waits in c->partial. A
 * line that never ends is passed on in CAPTURE_LINE_MAX pieces.
 */
static void
capture_lines(struct capture *c, const char *data, size_t len)
{
	const char	*nl, *end = data + len;
	size_t		 n;

	while (data < end) {
		if ((nl = memchr(data, '\n', end - data)) == NULL) {
			evbuffer_add(c->partial, data, end - data);
			if (evbuffer_get_length(c->partial) < CAPTURE_LINE_MAX)
				return;
			nl = end;
		}
		n = nl - data;
		if (evbuffer_get_length(c->partial) == 0)
			capture_line_input(c->proc, data, n);
		else {
			if (nl != end)
				evbuffer_add(c->partial, data, n);
			capture_line_input(c->proc,
			    (const char *)evbuffer_pullup(c->partial, -1),
			    evbuffer_get_length(c->partial));
			evbuffer_drain(c->partial,
			    evbuffer_get_length(c->partial));
		}
		data = nl == end ? end : nl + 1;
	}
}

static void
capture_output(struct capture *c, const char *data, size_t len)
{
	struct process	*p = c->proc;

	if (c->lines && capture_line_input != NULL)
		capture_lines(c, data, len);

	if (p->listener != NULL && c->channel == 0 &&
	    capture_listener_input != NULL) {
		if (c->writer != NULL)
			capture_write_listener_log(c, data, len);
		if (log_enabled(LEVEL_DEBUG))
			capture_debug_listener(p, data, len);
		capture_listener_input(p, data, len);
		return;
	}
	if (c->capture_max > 0) {
		evbuffer_add(c->pending, data, len);
		capture_record(c, 0);
		return;
	}
	capture_log(c, data, len);
}

static void
capture_close_fd(struct capture *c)
{
	if (c->ev != NULL) {
		event_free(c->ev);
		c->ev = NULL;
	}
	if (c->tick != NULL) {
		event_free(c->tick);
		c->tick = NULL;
	}
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
}

/*
 * Whether the bytes only go to the log file, untouched: no events, no
 * capture mode, no syslog, no ANSI stripping, no debug copy, no listener.
 */
static int
capture_plain(const struct capture *c)
{
	const struct channel_config	*cc = capture_config(c);

	return (c->writer != NULL && c->capture_max == 0 && c->syslog == NULL &&
	    !c->strip_ansi && !cc->events_enabled && !log_enabled(LEVEL_DEBUG) &&
	    !c->lines &&
	    (c->proc->listener == NULL || c->channel != 0));
}

/* A read filled the pipe: grow it (once) and try splicing from now on. */
static void
capture_busy(struct capture *c)
{
	if (!c->grown) {
		c->grown = 1;
		(void)fcntl(c->fd, F_SETPIPE_SZ, CAPTURE_PIPE_SIZE);
	}
	c->splice = capture_plain(c);
}

/*
 * One splice into the log file: 1 if bytes moved or the pipe is empty
 * (*n says which), 0 when splicing does not fit and a read should be
 * done instead.
 */
static int
capture_splice(struct capture *c, ssize_t *n)
{
	if (!capture_plain(c)) {
		c->splice = 0;
		return (0);
	}
	*n = logwriter_splice(c->writer, c->fd, CAPTURE_PIPE_SIZE);
	if (*n == -1 && errno == EOPNOTSUPP) {
		c->splice = 0;
		return (0);
	}
	if (*n > 0 && *n < CAPTURE_CALM)
		c->splice = 0;
	return (1);
}

/*
 * Move one chunk along: what read(2) or the splice returned. *drained
 * is set when a read got less than it asked for, which a pipe only does
 * when it has nothing more. (A splice may stop short of what was asked
 * for other reasons: a rotating file takes a limited amount at a time.)
 */
static ssize_t
capture_read_one(struct capture *c, int *drained)
{
	ssize_t	n;

	*drained = 0;
	if (c->splice && capture_splice(c, &n)) {
		if (n > 0) {
			c->got += n;
			c->proc->log_bytes[c->channel] += n;
		}
		return (n);
	}
	n = read(c->fd, capture_buf, sizeof capture_buf);
	if (n >= CAPTURE_BUSY)
		capture_busy(c);
	if (n > 0) {
		*drained = (size_t)n < sizeof capture_buf;
		capture_output(c, capture_buf, n);
	}
	if (n > 0) {
		c->got += n;
		c->proc->log_bytes[c->channel] += n;
	}
	return (n);
}

/*
 * Read up to max chunks; 0 at EOF or error, 1 if more may come. In the
 * loop's callback a short read ends the batch without the EAGAIN read
 * after it (level-triggered, so anything new wakes us again); draining
 * before a close reads on until EAGAIN.
 */
static int
capture_read(struct capture *c, int max, int whole)
{
	ssize_t	n;
	int	i, drained;

	for (i = 0; i < max; i++) {
		if ((n = capture_read_one(c, &drained)) > 0) {
			if (drained && !whole)
				return (1);
			continue;
		}
		if (n == 0)
			return (0);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return (1);
		return (0);
	}
	return (1);
}

static void
capture_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct capture	*c = arg;
	struct timeval	 tv = { 0, CAPTURE_TICK_US };

	c->got = 0;
	if (capture_read(c, CAPTURE_READS_PER_WAKE, 1) == 0) {
		capture_close_fd(c);
		return;
	}
	if (c->got == 0) {
		c->rapid = 0;
		event_add(c->ev, NULL);
		return;
	}
	evtimer_add(c->tick, &tv);
}

/*
 * After a wake-up: count small ones that come less than a tick after the
 * previous one, and after enough in a row read from the timer instead.
 * Not a listener's stdout, whose protocol wants an answer at once.
 */
static void
capture_pace(struct capture *c)
{
	struct timeval	now, d, tv = { 0, CAPTURE_TICK_US };

	if (c->got >= CAPTURE_SMALL ||
	    (c->proc->listener != NULL && c->channel == 0)) {
		c->rapid = 0;
		return;
	}
	event_base_gettimeofday_cached(server_base, &now);
	timersub(&now, &c->last, &d);
	c->last = now;
	if (d.tv_sec != 0 || d.tv_usec >= CAPTURE_TICK_US) {
		c->rapid = 0;
		return;
	}
	if (++c->rapid < CAPTURE_RAPID)
		return;
	event_del(c->ev);
	if (c->tick == NULL)
		c->tick = evtimer_new(server_base, capture_tick_cb, c);
	evtimer_add(c->tick, &tv);
}

static void
capture_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct capture	*c = arg;

	c->got = 0;
	if (capture_read(c, CAPTURE_READS_PER_WAKE, 0) == 0) {
		capture_close_fd(c);
		return;
	}
	capture_pace(c);
}

void
capture_start(struct capture *c)
{
	if (c == NULL || c->fd == -1)
		return;
	c->ev = event_new(server_base, c->fd, EV_READ | EV_PERSIST,
	    capture_read_cb, c);
	event_add(c->ev, NULL);
}

/*
 * At reap time: what the child wrote before exiting is in the pipe. The
 * bound stops a grandchild that keeps writing from holding us here.
 */
void
capture_drain(struct capture *c)
{
	if (c == NULL || c->fd == -1)
		return;
	if (capture_read(c, 64, 1) == 0)
		capture_close_fd(c);
}

void
capture_free(struct capture *c)
{
	if (c == NULL)
		return;
	capture_drain(c);
	capture_close_fd(c);
	if (c->pending != NULL) {
		capture_record(c, 1);
		evbuffer_free(c->pending);
		evbuffer_free(c->captured);
	}
	if (c->partial != NULL)
		evbuffer_free(c->partial);
	if (c->writer != NULL)
		logwriter_free(c->writer);
	if (c->syslog != NULL)
		logsyslog_free(c->syslog);
	free(c);
}
