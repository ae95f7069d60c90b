/*
 * Log files of the daemon and its children. Appending is one write(2) per
 * chunk with the size tracked in memory; rotation follows Supervisor's
 * RotatingFileHandler; a file named by several programs is one shared
 * object whose writers emit whole lines; failed writes are kept in a
 * small backlog of the newest output and retried from a timer so the
 * daemon never stalls.
 */
#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "hmap.h"
#include "log.h"
#include "logfile.h"
#include "xmalloc.h"

/*
 * Bytes kept while a file cannot be written: the newest output. Small on
 * purpose: when a full disk gets a little room back, what is written
 * first is the backlog, and a large one would fill the room again before
 * anything fresh got there.
 */
#define LOGFILE_BACKLOG_MAX	(64 * 1024)
#define LOGFILE_LINE_MAX	(64 * 1024)	/* longest held partial line */
#define LOGFILE_RETRY_MIN	100		/* ms, first retry */
#define LOGFILE_RETRY_MAX	1000		/* ms, back-off limit */
#define LOGFILE_DROP_MARKER \
	"[supd: %llu bytes dropped while the log could not be written]\n"
#define LOGFILE_CHECK_SECS	1		/* removed-file check period */
#define LOGFILE_SYSLOG_IDENT	"supervisord"
#define LOGFILE_SPLICE_ROTATING	(128 * 1024)	/* Supervisor's read size */

struct logfile {
	char			*path;		/* absolute, normalised */
	dev_t			 dev;
	ino_t			 ino;
	int64_t			 maxbytes;	/* 0: never rotate */
	int64_t			 size;
	int64_t			 rotate_at;
	time_t			 checked;	/* last st_nlink check */
	int			 fd;		/* -1 while it cannot be opened */
	int			 backups;
	int			 refs;
	int			 nwriters;

	/*
	 * While failing: the newest output not yet written is held[off,
	 * off + len); its first marker bytes are a drop marker of ours, not
	 * output. unmarked counts output dropped since the last marker,
	 * dropped all output dropped in this episode.
	 */
	uint64_t		 dropped_total;	/* over the file's life */
	char			*held;
	size_t			 held_off;
	size_t			 held_len;
	size_t			 held_size;
	size_t			 held_marker;
	uint64_t		 unmarked;
	uint64_t		 dropped;
	struct event		*retry;
	int			 retry_ms;

	unsigned int		 special:1;	/* not a regular file */
	unsigned int		 devnull:1;
	unsigned int		 noappend:1;	/* O_APPEND off for splice */
	unsigned int		 rotate_failed:1;
	unsigned int		 failing:1;
	unsigned int		 listed:1;	/* in the list and indexes */

	TAILQ_ENTRY(logfile)	 entry;
	struct logfile		*ino_next;	/* same st_ino, other file */
};
static TAILQ_HEAD(, logfile) logfile_list = TAILQ_HEAD_INITIALIZER(logfile_list);

/*
 * A directory holding log files, watched with inotify so that a log file
 * removed (or replaced by a rename) is noticed before the next write
 * rather than up to a second later, with no system call on the write
 * path. Watches stay until the directory goes (IN_IGNORED).
 */
struct logfile_dir {
	int			 wd;
	char			*path;
};
static int		 logfile_inotify = -1;
static struct event	*logfile_inotify_ev;
static struct hmap	 logfile_dir_by_path;
static struct hmap	 logfile_dir_by_wd;
static struct hmap	 logfile_by_path;	/* every spawn looks here */
static struct hmap	 logfile_by_ino;	/* st_ino to a chain */
static struct event_base *logfile_base;

struct logwriter {
	struct logfile		*lf;
	char			*buf;	/* partial line */
	size_t			 len;
	size_t			 size;
};

struct logsyslog {
	char			*name;
	char			*buf;
	size_t			 len;
	size_t			 size;
};

static void	logfile_fault(struct logfile *, int, const struct iovec *, int);
static void	logfile_retry(struct logfile *);

static void	logfile_inotify_cb(evutil_socket_t, short, void *);

void
logfile_init(struct event_base *base)
{
	logfile_base = base;
	if (base == NULL || logfile_inotify != -1)
		return;
	/* Without inotify the once-a-second check still catches removals. */
	logfile_inotify = inotify_init1(IN_NONBLOCK|IN_CLOEXEC);
	if (logfile_inotify == -1)
		return;
	logfile_inotify_ev = event_new(base, logfile_inotify,
	    EV_READ|EV_PERSIST, logfile_inotify_cb, NULL);
	event_add(logfile_inotify_ev, NULL);
}

void
logfile_done(void)
{
	if (logfile_inotify_ev != NULL)
		event_free(logfile_inotify_ev);
	logfile_inotify_ev = NULL;
	if (logfile_inotify != -1)
		close(logfile_inotify);
	logfile_inotify = -1;
	logfile_base = NULL;
}

/*
 * Watch the directory of a regular log file for names being removed or
 * replaced. One inotify_add_watch per directory, not per file or spawn.
 */
static void
logfile_watch(const struct logfile *lf)
{
	struct logfile_dir	*d;
	const char		*slash;
	char			*dir;
	int			 wd;

	if (logfile_inotify == -1 || lf->special)
		return;
	if ((slash = strrchr(lf->path, '/')) == NULL)
		return;
	dir = slash == lf->path ? xstrdup("/") :
	    xstrndup(lf->path, slash - lf->path);
	if (hmap_get_str(&logfile_dir_by_path, dir) != NULL) {
		free(dir);
		return;
	}
	wd = inotify_add_watch(logfile_inotify, dir,
	    IN_DELETE|IN_MOVED_TO|IN_ONLYDIR);
	/* Another spelling of a watched directory (a symlink) has its wd. */
	if (wd == -1 || hmap_get_int(&logfile_dir_by_wd, wd) != NULL) {
		free(dir);
		return;
	}
	d = xmalloc(sizeof *d);
	d->wd = wd;
	d->path = dir;
	hmap_put_str(&logfile_dir_by_path, d->path, d);
	hmap_put_int(&logfile_dir_by_wd, wd, d);
}

static void
logfile_unwatch(struct logfile_dir *d)
{
	hmap_del_str(&logfile_dir_by_path, d->path);
	hmap_del_int(&logfile_dir_by_wd, d->wd);
	free(d->path);
	free(d);
}

/*
 * A name in a watched directory was removed or renamed over: if it is an
 * open log, make its next write check st_nlink (and reopen), as the
 * periodic check would. The file is not recreated here: like a removal
 * noticed by the periodic check, it comes back with the next output.
 */
static void
logfile_inotify_name(struct logfile_dir *d, const char *name)
{
	struct logfile	*lf;
	char		*path;

	if (strcmp(d->path, "/") == 0)
		xasprintf(&path, "/%s", name);
	else
		xasprintf(&path, "%s/%s", d->path, name);
	if ((lf = hmap_get_str(&logfile_by_path, path)) != NULL)
		lf->checked = 0;
	free(path);
}

static void
logfile_inotify_cb(evutil_socket_t fd, short events, void *arg)
{
	char				 buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	struct logfile_dir		*d;
	struct logfile			*lf;
	ssize_t				 n;
	char				*p;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				TAILQ_FOREACH(lf, &logfile_list, entry)
					lf->checked = 0;
				continue;
			}
			d = hmap_get_int(&logfile_dir_by_wd, ev->wd);
			if (d == NULL)
				continue;
			if (ev->mask & IN_IGNORED)
				logfile_unwatch(d);
			else if (ev->len != 0)
				logfile_inotify_name(d, ev->name);
		}
	}
}

/* Seconds from the loop's cached clock: no system call per write. */
static time_t
logfile_now(void)
{
	struct timeval	tv;

	if (logfile_base != NULL &&
	    event_base_gettimeofday_cached(logfile_base, &tv) == 0)
		return (tv.tv_sec);
	return (time(NULL));
}

/*
 * Make path absolute and drop ".", ".." and doubled slashes without
 * touching the file system (it may not exist yet). Symbolic links are
 * caught later by comparing device and inode. Caller frees.
 */
static char *
logfile_normalise(const char *path)
{
	char		 cwd[PATH_MAX], *abs, *out;
	const char	*p, *seg;
	size_t		 n, len;

	if (*path == '/')
		abs = xstrdup(path);
	else if (getcwd(cwd, sizeof cwd) != NULL)
		abs = xprintf("%s/%s", cwd, path);
	else
		return (xstrdup(path));

	out = xmalloc(strlen(abs) + 2);
	n = 0;
	for (p = abs; *p != '\0';) {
		while (*p == '/')
			p++;
		for (seg = p; *p != '\0' && *p != '/'; p++)
			/* nothing */;
		len = p - seg;
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (n > 0 && out[--n] != '/')
				/* nothing */;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, seg, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	free(abs);
	return (out);
}

/*
 * open(2) refuses /dev/stdout when descriptor 1 is a socket (journald,
 * some containers); fall back to duplicating the descriptor it names.
 */
static int
logfile_dup_std(const char *path)
{
	const char	*num = NULL, *end;
	long		 fd;

	if (strcmp(path, "/dev/stdout") == 0)
		return (fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
	if (strcmp(path, "/dev/stderr") == 0)
		return (fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
	if (strncmp(path, "/dev/fd/", 8) == 0)
		num = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		num = path + 14;
	if (num == NULL || *num == '\0')
		return (-1);
	fd = strtol(num, (char **)&end, 10);
	if (*end != '\0' || fd < 0 || fd > INT_MAX)
		return (-1);
	return (fcntl((int)fd, F_DUPFD_CLOEXEC, 3));
}

/*
 * Open the file at lf->path and learn what it is. O_NONBLOCK only keeps
 * open(2) of a FIFO without a reader from hanging; writes then block like
 * Supervisor's so nothing sent to a pipe or terminal is thrown away.
 */
/*
 * Every new path is checked for being another name of an open file, so
 * the files are indexed by inode number too: chained, because files on
 * different devices may share one. Kept up to date as a file is reopened.
 */
static void
logfile_index_ino(struct logfile *lf)
{
	lf->ino_next = hmap_get_int(&logfile_by_ino, (int64_t)lf->ino);
	hmap_put_int(&logfile_by_ino, (int64_t)lf->ino, lf);
}

static void
logfile_unindex_ino(struct logfile *lf)
{
	struct logfile	*head, **pp;

	head = hmap_get_int(&logfile_by_ino, (int64_t)lf->ino);
	for (pp = &head; *pp != NULL; pp = &(*pp)->ino_next) {
		if (*pp == lf) {
			*pp = lf->ino_next;
			break;
		}
	}
	if (head == NULL)
		hmap_del_int(&logfile_by_ino, (int64_t)lf->ino);
	else
		hmap_put_int(&logfile_by_ino, (int64_t)lf->ino, head);
	lf->ino_next = NULL;
}

static int
logfile_openfd(struct logfile *lf, int trunc)
{
	struct stat	st;
	int		fd, flags, saved;

	flags = O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC|O_NOCTTY|O_NONBLOCK;
	if (trunc)
		flags |= O_TRUNC;
	fd = open(lf->path, flags, 0666);
	if (fd == -1 && errno == ENXIO) {
		saved = errno;
		if ((fd = logfile_dup_std(lf->path)) == -1)
			errno = saved;
	}
	if (fd == -1)
		return (-1);
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return (-1);
	}
	/* It means nothing to a regular file: spare two calls per spawn. */
	if (!S_ISREG(st.st_mode) && (flags = fcntl(fd, F_GETFL)) != -1 &&
	    (flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);

	lf->fd = fd;
	lf->noappend = 0;
	if (lf->listed)
		logfile_unindex_ino(lf);
	lf->dev = st.st_dev;
	lf->ino = st.st_ino;
	if (lf->listed)
		logfile_index_ino(lf);
	lf->special = !S_ISREG(st.st_mode);
	lf->devnull = S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
	lf->size = lf->special ? 0 : st.st_size;
	lf->checked = logfile_now();
	logfile_watch(lf);
	return (0);
}

static struct logfile *
logfile_find_path(const char *path)
{
	return (hmap_get_str(&logfile_by_path, path));
}

static struct logfile *
logfile_find_inode(dev_t dev, ino_t ino)
{
	struct logfile	*lf;

	lf = hmap_get_int(&logfile_by_ino, (int64_t)ino);
	for (; lf != NULL; lf = lf->ino_next) {
		if (lf->fd != -1 && lf->dev == dev && lf->ino == ino)
			return (lf);
	}
	return (NULL);
}

static void
logfile_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	logfile_retry(arg);
}

struct logfile *
logfile_open(const char *path, int64_t maxbytes, int backups, char **cause)
{
	struct logfile	*lf, *old;
	char		*abs;

	abs = logfile_normalise(path);
	if ((lf = logfile_find_path(abs)) != NULL) {
		free(abs);
		logfile_ref(lf);
		return (lf);
	}

	lf = xcalloc(1, sizeof *lf);
	lf->path = abs;
	lf->maxbytes = maxbytes > 0 ? maxbytes : 0;
	lf->rotate_at = lf->maxbytes;
	lf->backups = backups > 0 ? backups : 0;
	lf->retry_ms = LOGFILE_RETRY_MIN;
	lf->refs = 1;
	if (logfile_openfd(lf, 0) == -1) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s", path, strerror(errno));
		free(lf->path);
		free(lf);
		return (NULL);
	}

	/* Another spelling of a file already open (a symlink, say). */
	if ((old = logfile_find_inode(lf->dev, lf->ino)) != NULL) {
		close(lf->fd);
		free(lf->path);
		free(lf);
		logfile_ref(old);
		return (old);
	}

	TAILQ_INSERT_TAIL(&logfile_list, lf, entry);
	hmap_put_str(&logfile_by_path, lf->path, lf);
	logfile_index_ino(lf);
	lf->listed = 1;
	return (lf);
}

void
logfile_ref(struct logfile *lf)
{
	lf->refs++;
}

static void
logfile_backlog_clear(struct logfile *lf)
{
	free(lf->held);
	lf->held = NULL;
	lf->held_off = lf->held_len = lf->held_size = lf->held_marker = 0;
	lf->unmarked = 0;
}

static int	logfile_backlog_drain(struct logfile *);

/* Drop a reference; the last one writes what it can and closes. */
void
logfile_unref(struct logfile *lf)
{
	if (--lf->refs > 0)
		return;
	TAILQ_REMOVE(&logfile_list, lf, entry);
	hmap_del_str(&logfile_by_path, lf->path);
	logfile_unindex_ino(lf);
	lf->listed = 0;

	if (lf->held_len != 0 && lf->fd != -1)
		logfile_backlog_drain(lf);
	if (lf->held_len != 0 || lf->dropped != 0) {
		log_warn("log file %s closed with %llu bytes not written",
		    lf->path, (unsigned long long)
		    (lf->held_len - lf->held_marker + lf->dropped));
	}
	logfile_backlog_clear(lf);
	if (lf->retry != NULL)
		event_free(lf->retry);
	if (lf->fd != -1)
		close(lf->fd);
	free(lf->path);
	free(lf);
}

const char *
logfile_path(const struct logfile *lf)
{
	return (lf->path);
}

int
logfile_nwriters(const struct logfile *lf)
{
	return (lf->nwriters);
}

size_t
logfile_pending(const struct logfile *lf)
{
	return (lf->held_len - lf->held_marker);
}

uint64_t
logfile_dropped(const struct logfile *lf)
{
	return (lf->dropped);
}

uint64_t
logfile_dropped_total(const struct logfile *lf)
{
	return (lf->dropped_total);
}

/*
 * Drop n bytes from the front of the backlog, counting those that were
 * output (not a marker of ours).
 */
static void
logfile_backlog_cut(struct logfile *lf, size_t n)
{
	size_t	marker = n < lf->held_marker ? n : lf->held_marker;

	lf->held_marker -= marker;
	lf->unmarked += n - marker;
	lf->dropped += n - marker;
	lf->dropped_total += n - marker;
	lf->held_off += n;
	lf->held_len -= n;
}

/*
 * Make room for len more bytes after the backlog: move it to the front
 * of its buffer only when the tail is used up, and grow by doubling, so
 * a busy writer on a full disk costs a copy per 64 KiB, not per line.
 */
static void
logfile_backlog_room(struct logfile *lf, size_t len)
{
	size_t	need = lf->held_len + len, size;

	if (lf->held_off + need <= lf->held_size)
		return;
	if (lf->held_off != 0) {
		memmove(lf->held, lf->held + lf->held_off, lf->held_len);
		lf->held_off = 0;
	}
	if (need <= lf->held_size)
		return;
	size = lf->held_size == 0 ? 4096 : lf->held_size;
	while (size < need)
		size *= 2;
	lf->held = xrealloc(lf->held, size);
	lf->held_size = size;
}

/*
 * Keep bytes that could not be written. Past the bound the oldest go, up
 * to the end of a line when there is one, so what is kept starts a line
 * and the marker written before it later stands on a line of its own.
 */
static void
logfile_backlog_add(struct logfile *lf, const struct iovec *iov, int iovcnt)
{
	const char	*start, *nl;
	size_t		 len = 0, cut;
	int		 i;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (len == 0)
		return;
	logfile_backlog_room(lf, len);
	for (i = 0; i < iovcnt; i++) {
		memcpy(lf->held + lf->held_off + lf->held_len,
		    iov[i].iov_base, iov[i].iov_len);
		lf->held_len += iov[i].iov_len;
	}
	if (lf->held_len <= LOGFILE_BACKLOG_MAX)
		return;

	start = lf->held + lf->held_off;
	cut = lf->held_len - LOGFILE_BACKLOG_MAX;
	nl = memchr(start + cut, '\n', lf->held_len - cut);
	if (nl != NULL && nl + 1 < start + lf->held_len)
		cut = nl + 1 - start;
	logfile_backlog_cut(lf, cut);
	/* Give back what one large chunk made us take. */
	if (lf->held_size > 4 * LOGFILE_BACKLOG_MAX) {
		memmove(lf->held, lf->held + lf->held_off, lf->held_len);
		lf->held_off = 0;
		lf->held_size = 2 * LOGFILE_BACKLOG_MAX;
		lf->held = xrealloc(lf->held, lf->held_size);
	}
}

/*
 * Whether the file ends inside a line, so a marker needs a newline first.
 * Our descriptor is write-only, so look through a new one; only after a
 * drop, which is rare.
 */
static int
logfile_ends_midline(const struct logfile *lf)
{
	struct stat	st;
	char		c = '\n';
	int		fd;

	if (lf->special || lf->fd == -1 || fstat(lf->fd, &st) == -1 ||
	    st.st_size == 0)
		return (0);
	if ((fd = open(lf->path, O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NONBLOCK)) == -1)
		return (0);
	if (pread(fd, &c, 1, st.st_size - 1) != 1)
		c = '\n';
	close(fd);
	return (c != '\n');
}

/* Put the marker for what was dropped in front of the backlog. */
static void
logfile_backlog_mark(struct logfile *lf)
{
	char	marker[128];
	int	n;

	if (lf->unmarked == 0)
		return;
	n = snprintf(marker, sizeof marker, "%s" LOGFILE_DROP_MARKER,
	    logfile_ends_midline(lf) ? "\n" : "",
	    (unsigned long long)lf->unmarked);
	if (lf->held_off < (size_t)n) {
		logfile_backlog_room(lf, n);
		memmove(lf->held + n, lf->held + lf->held_off, lf->held_len);
		lf->held_off = n;
	}
	lf->held_off -= n;
	memcpy(lf->held + lf->held_off, marker, n);
	lf->held_len += n;
	lf->held_marker += n;
	lf->unmarked = 0;
}

/* Back to O_APPEND before a write(2): logwriter_splice() turned it off. */
static void
logfile_append(struct logfile *lf)
{
	int	flags;

	if (!lf->noappend || lf->fd == -1)
		return;
	if ((flags = fcntl(lf->fd, F_GETFL)) != -1)
		fcntl(lf->fd, F_SETFL, flags | O_APPEND);
	lf->noappend = 0;
}

/*
 * Write the backlog, after a marker for what was dropped; -1 with errno
 * at the first failure.
 */
static int
logfile_backlog_drain(struct logfile *lf)
{
	ssize_t	n;
	size_t	marker;

	logfile_append(lf);
	logfile_backlog_mark(lf);
	while (lf->held_len != 0) {
		n = write(lf->fd, lf->held + lf->held_off, lf->held_len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		lf->size += n;
		marker = (size_t)n < lf->held_marker ? (size_t)n :
		    lf->held_marker;
		lf->held_marker -= marker;
		lf->held_off += n;
		lf->held_len -= n;
	}
	logfile_backlog_clear(lf);
	return (0);
}

static void
logfile_schedule(struct logfile *lf)
{
	struct timeval	tv;

	if (logfile_base == NULL)
		return;
	/* Made at the first failure: most files never need one. */
	if (lf->retry == NULL)
		lf->retry = evtimer_new(logfile_base, logfile_retry_cb, lf);
	if (evtimer_pending(lf->retry, NULL))
		return;
	tv.tv_sec = lf->retry_ms / 1000;
	tv.tv_usec = (lf->retry_ms % 1000) * 1000;
	evtimer_add(lf->retry, &tv);
}

/* Errors after which the descriptor itself is suspect. */
static int
logfile_fd_broken(int error)
{
	return (error == EBADF || error == EIO || error == ESTALE ||
	    error == ENODEV || error == ENXIO || error == EPIPE);
}

/*
 * Close the current file and open it again under its name: SIGUSR2 after
 * logrotate, a file removed underneath, clearProcessLogs. If that fails
 * (the directory is gone) the file enters the failing state and the
 * retry timer keeps trying.
 */
static void
logfile_reopen(struct logfile *lf, int trunc)
{
	if (lf->fd != -1) {
		close(lf->fd);
		lf->fd = -1;
	}
	if (logfile_openfd(lf, trunc) == -1) {
		logfile_fault(lf, errno, NULL, 0);
		return;
	}
	lf->rotate_at = lf->maxbytes;
	if (lf->failing)
		logfile_retry(lf);
}

/*
 * Supervisor's doRollover, run after a write once the file has reached
 * maxbytes: file.(N-1) -> file.N ... file.1 -> file.2, file -> file.1,
 * then a fresh file opened with truncation. With no backups the file is
 * just truncated in place. A missing source is not an error. Unlike
 * Supervisor, a failed rename leaves the file open for appending and
 * postpones the next attempt by maxbytes instead of losing the stream.
 */
static void
logfile_rotate(struct logfile *lf)
{
	char	*src, *dst, *tmp;
	size_t	 size;
	int	 i, error = 0, trunc = 1;

	close(lf->fd);
	lf->fd = -1;
	if (lf->backups > 0) {
		size = strlen(lf->path) + 16;
		src = xmalloc(size);
		dst = xmalloc(size);
		snprintf(dst, size, "%s.%d", lf->path, lf->backups);
		for (i = lf->backups - 1; i >= 0; i--) {
			if (i == 0)
				snprintf(src, size, "%s", lf->path);
			else
				snprintf(src, size, "%s.%d", lf->path, i);
			if (rename(src, dst) == -1 && errno != ENOENT) {
				error = errno;
				if (i == 0)
					trunc = 0;
			}
			tmp = dst;
			dst = src;
			src = tmp;
		}
		free(src);
		free(dst);
	}
	if (logfile_openfd(lf, trunc) == -1) {
		logfile_fault(lf, errno, NULL, 0);
		return;
	}
	lf->rotate_at = trunc ? lf->maxbytes : lf->size + lf->maxbytes;
	if (error != 0 && !lf->rotate_failed) {
		lf->rotate_failed = 1;
		log_warn("cannot rotate %s: %s", lf->path, strerror(error));
	} else if (error == 0)
		lf->rotate_failed = 0;
}

static void
logfile_maybe_rotate(struct logfile *lf)
{
	if (lf->maxbytes > 0 && !lf->special && !lf->failing &&
	    lf->size >= lf->rotate_at)
		logfile_rotate(lf);
}

/*
 * Enter (or stay in) the failing state: keep the unwritten bytes, close a
 * descriptor that cannot recover, arm the retry timer and warn once per
 * episode. The state is set before warning because the warning may be
 * written to this very file (the main log), where it joins the backlog.
 */
static void
logfile_fault(struct logfile *lf, int error, const struct iovec *iov,
    int iovcnt)
{
	int	first = !lf->failing;

	lf->failing = 1;
	logfile_backlog_add(lf, iov, iovcnt);
	if (lf->fd != -1 && logfile_fd_broken(error)) {
		if (error != EBADF)
			close(lf->fd);
		lf->fd = -1;
	}
	logfile_schedule(lf);
	if (first) {
		log_warn("cannot write log file %s: %s (keeping up to %d KiB "
		    "and retrying)", lf->path, strerror(error),
		    LOGFILE_BACKLOG_MAX / 1024);
	}
}

/*
 * Try to leave the failing state: reopen if needed (also when the file
 * was removed while we waited, say to free space), write the backlog, and
 * report how much was lost. On failure back off, doubling up to a few
 * seconds.
 */
static void
logfile_retry(struct logfile *lf)
{
	struct stat	st;
	uint64_t	dropped;
	int		error;

	if (!lf->failing)
		return;
	if (lf->fd != -1 && !lf->special &&
	    fstat(lf->fd, &st) == 0 && st.st_nlink == 0) {
		close(lf->fd);
		lf->fd = -1;
	}
	if (lf->fd == -1 && logfile_openfd(lf, 0) == -1)
		goto again;
	if (logfile_backlog_drain(lf) == -1)
		goto again;

	dropped = lf->dropped;
	lf->dropped = 0;
	lf->failing = 0;
	lf->retry_ms = LOGFILE_RETRY_MIN;
	lf->rotate_at = lf->maxbytes;
	logfile_maybe_rotate(lf);
	log_info("writing log file %s resumed, %llu bytes dropped", lf->path,
	    (unsigned long long)dropped);
	return;

again:
	error = errno;
	if (lf->fd != -1 && logfile_fd_broken(error)) {
		if (error != EBADF)
			close(lf->fd);
		lf->fd = -1;
	}
	lf->retry_ms *= 2;
	if (lf->retry_ms > LOGFILE_RETRY_MAX)
		lf->retry_ms = LOGFILE_RETRY_MAX;
	lf->checked = logfile_now();
	logfile_schedule(lf);
}

/*
 * About once a second of writing, and at the next write after inotify
 * saw the name go, look whether the file was removed underneath
 * (st_nlink 0) and recreate it; the same fstat resyncs the size with
 * anyone else appending to or truncating the file.
 */
static void
logfile_check(struct logfile *lf)
{
	struct stat	st;
	time_t		now;

	now = logfile_now();
	if (now >= lf->checked && now - lf->checked < LOGFILE_CHECK_SECS)
		return;
	lf->checked = now;
	if (fstat(lf->fd, &st) == -1)
		return;
	if (st.st_nlink != 0) {
		lf->size = st.st_size;
		return;
	}
	logfile_reopen(lf, 0);
	if (!lf->failing)
		log_info("log file %s was removed, created it again", lf->path);
}

/*
 * The write path: one write(2) or writev(2) for the whole chunk, retried
 * only for short writes. Whatever cannot be written goes to the backlog.
 */
static void
logfile_writev(struct logfile *lf, struct iovec *iov, int iovcnt)
{
	ssize_t	n;

	if (lf->devnull)
		return;
	if (!lf->special && !lf->failing)
		logfile_check(lf);
	if (lf->failing) {
		if (logfile_base == NULL &&
		    logfile_now() - lf->checked >= LOGFILE_CHECK_SECS)
			logfile_retry(lf);
		if (lf->failing) {
			logfile_fault(lf, 0, iov, iovcnt);
			return;
		}
	}

	logfile_append(lf);
	while (iovcnt > 0) {
		if (iovcnt == 1)
			n = write(lf->fd, iov->iov_base, iov->iov_len);
		else
			n = writev(lf->fd, iov, iovcnt);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			logfile_fault(lf, errno, iov, iovcnt);
			return;
		}
		lf->size += n;
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	logfile_maybe_rotate(lf);
}

void
logfile_write(struct logfile *lf, const void *buf, size_t len)
{
	struct iovec	iov;

	if (len == 0)
		return;
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	logfile_writev(lf, &iov, 1);
}

/*
 * clearProcessLogs and clearLog: unlink the current file (never a device
 * or pipe: Supervisor would happily remove /dev/stdout) and start an empty
 * one. Output still waiting from a failure belongs to the cleared log and
 * is discarded.
 */
int
logfile_remove(struct logfile *lf, char **cause)
{
	int	error = 0;

	if (lf->devnull || lf->special)
		return (0);
	logfile_backlog_clear(lf);
	lf->dropped = 0;
	if (unlink(lf->path) == -1 && errno != ENOENT)
		error = errno;
	logfile_reopen(lf, 0);
	if (error == 0 && lf->fd == -1)
		error = ENOENT;
	if (error != 0) {
		if (cause != NULL)
			xasprintf(cause, "%s: %s", lf->path, strerror(error));
		return (-1);
	}
	return (0);
}

void
logfile_reopen_all(void)
{
	struct logfile	*lf;

	TAILQ_FOREACH(lf, &logfile_list, entry) {
		if (!lf->devnull)
			logfile_reopen(lf, 0);
	}
}

struct logwriter *
logwriter_create(struct logfile *lf)
{
	struct logwriter	*w;

	w = xcalloc(1, sizeof *w);
	w->lf = lf;
	logfile_ref(lf);
	lf->nwriters++;
	return (w);
}

struct logfile *
logwriter_file(const struct logwriter *w)
{
	return (w->lf);
}

size_t
logwriter_pending(const struct logwriter *w)
{
	return (w->len);
}

/* Write what is held followed by data, as one system call. */
static void
logwriter_emit(struct logwriter *w, const void *data, size_t len)
{
	struct iovec	iov[2];
	int		n = 0;

	if (w->len != 0) {
		iov[n].iov_base = w->buf;
		iov[n++].iov_len = w->len;
	}
	if (len != 0) {
		iov[n].iov_base = (void *)data;
		iov[n++].iov_len = len;
	}
	w->len = 0;
	if (n != 0)
		logfile_writev(w->lf, iov, n);
}

/*
 * Keep the start of a line until its newline arrives. A line that would
 * grow past LOGFILE_LINE_MAX is written in pieces instead, so one endless
 * line cannot eat memory; such a line may then be split by others.
 */
static void
logwriter_hold(struct logwriter *w, const char *data, size_t len)
{
	size_t	size;

	if (w->len + len > LOGFILE_LINE_MAX) {
		logwriter_emit(w, data, len);
		return;
	}
	if (w->len + len > w->size) {
		size = w->size == 0 ? 256 : w->size;
		while (size < w->len + len)
			size *= 2;
		w->buf = xrealloc(w->buf, size);
		w->size = size;
	}
	memcpy(w->buf + w->len, data, len);
	w->len += len;
}

/*
 * A lone writer passes bytes straight through. With company, everything
 * up to the last newline is written with whatever was held before it, in
 * one system call, and the rest is held.
 */
void
logwriter_write(struct logwriter *w, const void *data, size_t len)
{
	const char	*p = data, *nl;
	size_t		 whole;

	if (len == 0)
		return;
	if (w->lf->nwriters == 1) {
		logwriter_emit(w, data, len);
		return;
	}
	if ((nl = memrchr(p, '\n', len)) == NULL) {
		logwriter_hold(w, p, len);
		return;
	}
	whole = nl - p + 1;
	logwriter_emit(w, p, whole);
	if (whole < len)
		logwriter_hold(w, p + whole, len - whole);
}

void
logwriter_flush(struct logwriter *w)
{
	logwriter_emit(w, NULL, 0);
}

/*
 * The fast path for a busy program with a file of its own: splice(2)
 * moves the bytes from its pipe into the file without passing them
 * through our memory, one copy instead of two. splice refuses a file
 * opened with O_APPEND, so while splicing the flag is off and each call
 * first seeks to the end, which keeps appending exact (a file truncated
 * by logrotate's copytruncate is written from its new end) and gives the
 * size for free. Anything that is not a lone writer with nothing held on
 * a healthy regular file is refused with EOPNOTSUPP; so is a failed
 * write, whose bytes are still in the pipe: read and write then handle
 * them and the failure as usual.
 */
ssize_t
logwriter_splice(struct logwriter *w, int fd, size_t len)
{
	struct logfile	*lf = w->lf;
	ssize_t		 n;
	off_t		 end;
	int		 flags;

	if (w->len != 0 || lf->nwriters != 1 || lf->special || lf->failing)
		goto refuse;
	logfile_check(lf);
	if (lf->failing || lf->fd == -1)
		goto refuse;
	if (!lf->noappend) {
		if ((flags = fcntl(lf->fd, F_GETFL)) == -1 ||
		    fcntl(lf->fd, F_SETFL, flags & ~O_APPEND) == -1)
			goto refuse;
		lf->noappend = 1;
	}
	/* A rotated file overshoots maxbytes by one read at most, as theirs. */
	if (lf->maxbytes > 0 && len > LOGFILE_SPLICE_ROTATING)
		len = LOGFILE_SPLICE_ROTATING;
	if ((end = lseek(lf->fd, 0, SEEK_END)) == -1)
		goto refuse;
	lf->size = end;
	n = splice(fd, NULL, lf->fd, NULL, len, SPLICE_F_MOVE |
	    SPLICE_F_NONBLOCK);
	if (n > 0) {
		lf->size += n;
		logfile_maybe_rotate(lf);
		return (n);
	}
	if (n == 0 || errno == EAGAIN || errno == EINTR)
		return (n);
refuse:
	errno = EOPNOTSUPP;
	return (-1);
}

void
logwriter_free(struct logwriter *w)
{
	logwriter_flush(w);
	w->lf->nwriters--;
	logfile_unref(w->lf);
	free(w->buf);
	free(w);
}

/*
 * Python's syslog module opens the log on first use with the program's
 * base name ("supervisord"), no options and LOG_USER, and sends every
 * message at LOG_INFO whatever its level; do the same.
 */
void
logfile_syslog_line(const char *prefix, const char *line, size_t len)
{
	static int	opened;
	int		n;

	if (!opened) {
		openlog(LOGFILE_SYSLOG_IDENT, 0, LOG_USER);
		opened = 1;
	}
	n = len > INT_MAX ? INT_MAX : (int)len;
	if (prefix != NULL)
		syslog(LOG_INFO, "%s %.*s", prefix, n, line);
	else
		syslog(LOG_INFO, "%.*s", n, line);
}

struct logsyslog *
logsyslog_create(const char *name)
{
	struct logsyslog	*ls;

	ls = xcalloc(1, sizeof *ls);
	ls->name = xstrdup(name);
	return (ls);
}

static void
logsyslog_append(struct logsyslog *ls, const char *data, size_t len)
{
	size_t	size;

	if (ls->len + len > ls->size) {
		size = ls->size == 0 ? 256 : ls->size;
		while (size < ls->len + len)
			size *= 2;
		ls->buf = xrealloc(ls->buf, size);
		ls->size = size;
	}
	memcpy(ls->buf + ls->len, data, len);
	ls->len += len;
}

/*
 * Send each complete line as "name line" (empty lines too, as Supervisor
 * does for a blank line inside a chunk); hold the trailing partial line,
 * sending it in 64 KiB pieces if it never ends.
 */
void
logsyslog_write(struct logsyslog *ls, const void *data, size_t len)
{
	const char	*p = data, *end = p + len, *nl;
	size_t		 n;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL) {
			while (ls->len + (size_t)(end - p) >= LOGFILE_LINE_MAX) {
				n = LOGFILE_LINE_MAX - ls->len;
				logsyslog_append(ls, p, n);
				p += n;
				logsyslog_flush(ls);
			}
			logsyslog_append(ls, p, end - p);
			return;
		}
		if (ls->len == 0)
			logfile_syslog_line(ls->name, p, nl - p);
		else {
			logsyslog_append(ls, p, nl - p);
			logfile_syslog_line(ls->name, ls->buf, ls->len);
			ls->len = 0;
		}
		p = nl + 1;
	}
}

void
logsyslog_flush(struct logsyslog *ls)
{
	if (ls->len == 0)
		return;
	logfile_syslog_line(ls->name, ls->buf, ls->len);
	ls->len = 0;
}

void
logsyslog_free(struct logsyslog *ls)
{
	logsyslog_flush(ls);
	free(ls->buf);
	free(ls->name);
	free(ls);
}
