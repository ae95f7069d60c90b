/*
 * Unit tests for logfile.c and mainlog.c: appending, rotation arithmetic
 * against a model of Supervisor's RotatingFileHandler, shared files with
 * several writers, reopen and remove, bounded memory for endless lines,
 * write failures (/dev/full, a full tmpfs, a removed directory) and the
 * syslog line format. Each test works in its own temporary directory.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "log.h"
#include "logfile.h"
#include "mainlog.h"
#include "xmalloc.h"

static struct event_base *base;
static char		  dir[64];
static char		  mnt[128];

/* What the daemon logged while a test ran. */
static int		  nwarn, ninfo;
static char		  lastwarn[1024], lastinfo[1024];

/* What went to syslog; the test binary's syslog() stands in for libc's. */
#define MAXSYSLOG 32
static char		  syslogs[MAXSYSLOG][256];
static int		  nsyslog, syslog_pri;
static char		  syslog_ident[64];
static int		  syslog_option, syslog_facility = -1;

void
openlog(const char *ident, int option, int facility)
{
	snprintf(syslog_ident, sizeof syslog_ident, "%s", ident);
	syslog_option = option;
	syslog_facility = facility;
}

static void
test_vsyslog(int pri, const char *fmt, va_list ap)
{
	if (nsyslog < MAXSYSLOG)
		vsnprintf(syslogs[nsyslog++], sizeof syslogs[0], fmt, ap);
	syslog_pri = pri;
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	test_vsyslog(pri, fmt, ap);
	va_end(ap);
}

void	__syslog_chk(int, int, const char *, ...);
void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	test_vsyslog(pri, fmt, ap);
	va_end(ap);
}

static void
capture_sink(enum log_level level, const char *line, size_t len, void *arg)
{
	if (level == LEVEL_WARN) {
		nwarn++;
		snprintf(lastwarn, sizeof lastwarn, "%.*s", (int)len, line);
	} else if (level == LEVEL_INFO) {
		ninfo++;
		snprintf(lastinfo, sizeof lastinfo, "%.*s", (int)len, line);
	}
}

static int
group_setup(void **state)
{
	base = event_base_new();
	logfile_init(base);
	log_add_sink(capture_sink, NULL);
	umask(022);
	return (0);
}

static int
group_teardown(void **state)
{
	log_remove_all_sinks();
	event_base_free(base);
	return (0);
}

static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/test-logfile.XXXXXX");
	assert_non_null(mkdtemp(dir));
	nwarn = ninfo = nsyslog = 0;
	lastwarn[0] = lastinfo[0] = '\0';
	mnt[0] = '\0';
	return (0);
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return (0);
}

static int
teardown(void **state)
{
	if (mnt[0] != '\0')
		umount2(mnt, MNT_DETACH);
	nftw(dir, rm_cb, 16, FTW_DEPTH|FTW_PHYS);
	return (0);
}

/* dir/name, in one of a few rotating static buffers. */
static const char *
in(const char *fmt, ...)
{
	static char	 bufs[8][PATH_MAX];
	static int	 next;
	char		*buf = bufs[next++ % 8], name[256];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return (buf);
}

/* Whole file, NUL-terminated; NULL if missing. Caller frees. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (NULL);
	assert_int_equal(fstat(fd, &st), 0);
	buf = xmalloc(st.st_size + 1);
	while (len < (size_t)st.st_size &&
	    (n = read(fd, buf + len, st.st_size - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

static void
assert_file(const char *path, const char *want)
{
	char	*got;

	got = slurp(path, NULL);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static int
exists(const char *path)
{
	return (access(path, F_OK) == 0);
}

static void
put(struct logfile *lf, const char *s)
{
	logfile_write(lf, s, strlen(s));
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Run the loop (retry timers) until *flag is non-zero or timeout. */
static void
run_until(const int *flag, int timeout_ms)
{
	int64_t	end = now_ms() + timeout_ms;

	while (*flag == 0 && now_ms() < end) {
		if (event_base_loop(base, EVLOOP_ONCE) == 1)
			usleep(10000);
	}
}

/* Deterministic pseudo-random numbers for fragment sizes. */
static uint32_t
rnd(void)
{
	static uint32_t	x = 12345;

	x = x * 1103515245 + 12345;
	return (x >> 16);
}

static void
test_append(void **state)
{
	struct logfile	*lf;
	struct stat	 st;
	const char	*path = in("a.log");
	char		*cause = NULL;

	lf = logfile_open(path, 0, 0, &cause);
	assert_non_null(lf);
	assert_string_equal(logfile_path(lf), path);
	put(lf, "one\n");
	put(lf, "two\n");
	logfile_unref(lf);
	assert_file(path, "one\ntwo\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	lf = logfile_open(path, 0, 0, NULL);
	put(lf, "three\n");
	logfile_unref(lf);
	assert_file(path, "one\ntwo\nthree\n");

	assert_null(logfile_open(in("missing/a.log"), 0, 0, &cause));
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	assert_int_equal(nwarn, 0);
}

static void
test_share_spellings(void **state)
{
	struct logfile	*a, *b, *c, *d, *e;
	char		 cwd[PATH_MAX];

	a = logfile_open(in("a.log"), 0, 0, NULL);
	b = logfile_open(in("./x/../a.log"), 0, 0, NULL);
	c = logfile_open(in("/a.log"), 0, 0, NULL);
	assert_int_equal(symlink(in("a.log"), in("link.log")), 0);
	d = logfile_open(in("link.log"), 0, 0, NULL);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	e = logfile_open("a.log", 0, 0, NULL);
	assert_int_equal(chdir(cwd), 0);
	assert_ptr_equal(a, b);
	assert_ptr_equal(a, c);
	assert_ptr_equal(a, d);
	assert_ptr_equal(a, e);
	assert_string_equal(logfile_path(a), in("a.log"));
	logfile_unref(e);
	logfile_unref(d);
	logfile_unref(c);
	logfile_unref(b);
	put(a, "still open\n");
	logfile_unref(a);
	assert_file(in("a.log"), "still open\n");
}

/*
 * Model of RotatingFileHandler: after each write, if the file holds at
 * least maxbytes, shift existing backups up one (never past the last),
 * move the file to .1 and start empty.
 */
#define MODEL_FILES	8
struct model {
	char	data[MODEL_FILES][1024];
	int	exists[MODEL_FILES];
};

static void
model_write(struct model *m, const char *s, size_t maxbytes, int backups)
{
	int	i;

	strcat(m->data[0], s);
	m->exists[0] = 1;
	if (maxbytes == 0 || strlen(m->data[0]) < maxbytes)
		return;
	if (backups > 0) {
		for (i = backups - 1; i > 0; i--) {
			if (!m->exists[i])
				continue;
			memcpy(m->data[i + 1], m->data[i], sizeof m->data[i]);
			m->exists[i + 1] = 1;
			m->exists[i] = 0;
		}
		memcpy(m->data[1], m->data[0], sizeof m->data[0]);
		m->exists[1] = 1;
	}
	m->data[0][0] = '\0';
}

static void
model_check(struct model *m, const char *path, int backups)
{
	char	name[PATH_MAX];
	int	i;

	for (i = 0; i <= backups + 1 && i < MODEL_FILES; i++) {
		if (i == 0)
			snprintf(name, sizeof name, "%s", path);
		else
			snprintf(name, sizeof name, "%s.%d", path, i);
		if (i > backups || !m->exists[i]) {
			assert_false(exists(name));
			continue;
		}
		assert_file(name, m->data[i]);
	}
}

static void
rotation_run(int64_t maxbytes, int backups, int nwrites)
{
	struct model	*m;
	struct logfile	*lf;
	const char	*path = in("r.log");
	char		 chunk[128];
	size_t		 len;
	int		 i;

	m = xcalloc(1, sizeof *m);
	lf = logfile_open(path, maxbytes, backups, NULL);
	assert_non_null(lf);
	for (i = 0; i < nwrites; i++) {
		len = 5 + rnd() % 50;
		memset(chunk, 'a' + i % 26, len);
		snprintf(chunk, sizeof chunk, "%04d", i);
		chunk[4] = ' ';
		chunk[len - 1] = '\n';
		chunk[len] = '\0';
		logfile_write(lf, chunk, len);
		model_write(m, chunk, maxbytes, backups);
		model_check(m, path, backups);
	}
	logfile_unref(lf);
	free(m);
}

static void
test_rotate_arithmetic(void **state)
{
	rotation_run(100, 3, 300);
	assert_int_equal(nwarn, 0);
}

static void
test_rotate_one_backup(void **state)
{
	rotation_run(64, 1, 100);
}

static void
test_rotate_no_backups(void **state)
{
	struct logfile	*lf;
	struct stat	 st;
	const char	*path = in("t.log");
	int		 i;

	lf = logfile_open(path, 50, 0, NULL);
	for (i = 0; i < 10; i++) {
		put(lf, "0123456789012345678901234567\n");	/* 29 bytes */
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, i % 2 == 0 ? 29 : 0);
	}
	assert_false(exists(in("t.log.1")));
	logfile_unref(lf);
	rotation_run(100, 0, 50);
}

static void
test_rotate_never(void **state)
{
	struct logfile	*lf;
	struct stat	 st;
	char		 buf[1000];
	int		 i;

	memset(buf, 'x', sizeof buf);
	lf = logfile_open(in("n.log"), 0, 5, NULL);
	for (i = 0; i < 1000; i++)
		logfile_write(lf, buf, sizeof buf);
	logfile_unref(lf);
	assert_int_equal(stat(in("n.log"), &st), 0);
	assert_int_equal(st.st_size, 1000000);
	assert_false(exists(in("n.log.1")));
}

/* Starting size counts: an existing file rotates at the first write. */
static void
test_rotate_existing(void **state)
{
	struct logfile	*lf;
	int		 fd;

	fd = open(in("e.log"), O_WRONLY|O_CREAT, 0644);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	lf = logfile_open(in("e.log"), 12, 2, NULL);
	put(lf, "ab\n");
	assert_file(in("e.log.1"), "0123456789ab\n");
	assert_file(in("e.log"), "");
	logfile_unref(lf);
}

static void
test_special_never_rotates(void **state)
{
	struct logfile	*lf;
	char		*cause = NULL;

	lf = logfile_open("/dev/null", 1, 1, &cause);
	assert_non_null(lf);
	put(lf, "discarded\n");
	assert_int_equal(logfile_remove(lf, NULL), 0);
	logfile_unref(lf);
	assert_true(exists("/dev/null"));
	assert_false(exists("/dev/null.1"));
}

/* Lines of writer w: "w<w> <k> <padding>\n", of varying length. */
static size_t
line_for(int w, int k, char *buf, size_t size)
{
	size_t	len, pad;
	int	n;

	n = snprintf(buf, size, "w%d %05d ", w, k);
	pad = (k * 7 + w * 13) % 90;
	memset(buf + n, 'a' + w, pad);
	len = n + pad;
	buf[len++] = '\n';
	buf[len] = '\0';
	return (len);
}

/*
 * Feed nlines lines from each writer in random fragments, interleaving
 * the writers, then check every line in the concatenated files is whole
 * and each writer's lines appear once and in order.
 */
#define NW	3
static void
writers_run(int64_t maxbytes, int backups, int nlines)
{
	struct logwriter	*w[NW];
	struct logfile		*lf;
	char			 line[NW][256], *all, *p, *nl, *part, want[256];
	size_t			 len[NW], off[NW], n, total = 0, got;
	int			 k[NW], i, done = 0, seen[NW], ww, kk, nfiles;

	lf = logfile_open(in("s.log"), maxbytes, backups, NULL);
	for (i = 0; i < NW; i++) {
		w[i] = logwriter_create(lf);
		k[i] = 0;
		off[i] = len[i] = 0;
	}
	logfile_unref(lf);
	assert_int_equal(logfile_nwriters(lf), NW);

	while (done < NW) {
		i = rnd() % NW;
		if (k[i] == nlines)
			continue;
		if (off[i] == len[i]) {
			len[i] = line_for(i, k[i], line[i], sizeof line[i]);
			off[i] = 0;
		}
		n = 1 + rnd() % (len[i] - off[i]);
		logwriter_write(w[i], line[i] + off[i], n);
		total += n;
		off[i] += n;
		if (off[i] == len[i] && ++k[i] == nlines)
			done++;
	}
	for (i = 0; i < NW; i++)
		logwriter_free(w[i]);

	/* Oldest first: s.log.N ... s.log.1, s.log. */
	all = xcalloc(1, total + 1);
	got = 0;
	for (nfiles = backups; nfiles >= 0; nfiles--) {
		part = slurp(nfiles == 0 ? in("s.log") : in("s.log.%d", nfiles),
		    &n);
		if (part == NULL)
			continue;
		if (nfiles > 0) {
			assert_true(n >= (size_t)maxbytes);
			assert_int_equal(part[n - 1], '\n');
		}
		assert_true(got + n <= total);
		memcpy(all + got, part, n);
		got += n;
		free(part);
	}
	assert_int_equal(got, total);

	memset(seen, 0, sizeof seen);
	for (p = all; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_int_equal(sscanf(p, "w%d %d ", &ww, &kk), 2);
		assert_true(ww >= 0 && ww < NW);
		assert_int_equal(kk, seen[ww]);
		n = line_for(ww, kk, want, sizeof want);
		assert_int_equal((size_t)(nl + 1 - p), n);
		assert_memory_equal(p, want, n);
		seen[ww]++;
	}
	for (i = 0; i < NW; i++)
		assert_int_equal(seen[i], nlines);
	free(all);
}

static void
test_shared_writers(void **state)
{
	writers_run(0, 0, 2000);
}

static void
test_shared_rotation(void **state)
{
	writers_run(4096, 200, 2000);
	assert_true(exists(in("s.log.20")));
	assert_int_equal(nwarn, 0);
}

static void
test_single_writer_passthrough(void **state)
{
	struct logwriter	*a, *b;
	struct logfile		*lf;

	lf = logfile_open(in("p.log"), 0, 0, NULL);
	a = logwriter_create(lf);
	logfile_unref(lf);
	logwriter_write(a, "abc", 3);
	assert_int_equal(logwriter_pending(a), 0);
	assert_file(in("p.log"), "abc");

	/* A second writer makes the first hold partial lines... */
	b = logwriter_create(lf);
	logwriter_write(a, "\nde", 3);
	assert_int_equal(logwriter_pending(a), 2);
	logwriter_write(b, "B1\nB2", 5);
	assert_file(in("p.log"), "abc\nB1\n");

	/* ...until it is alone again: then both parts go out in one go. */
	logwriter_free(b);
	assert_file(in("p.log"), "abc\nB1\nB2");
	logwriter_write(a, "f", 1);
	assert_int_equal(logwriter_pending(a), 0);
	assert_file(in("p.log"), "abc\nB1\nB2def");
	logwriter_free(a);
}

static void
test_reopen_after_rename(void **state)
{
	struct logfile	*lf, *other;

	lf = logfile_open(in("o.log"), 0, 0, NULL);
	other = logfile_open(in("p.log"), 0, 0, NULL);
	put(lf, "before\n");
	put(other, "p1\n");
	assert_int_equal(rename(in("o.log"), in("o.log.old")), 0);
	put(lf, "moved\n");
	logfile_reopen_all();
	put(lf, "after\n");
	put(other, "p2\n");
	assert_file(in("o.log.old"), "before\nmoved\n");
	assert_file(in("o.log"), "after\n");
	assert_file(in("p.log"), "p1\np2\n");
	logfile_unref(lf);
	logfile_unref(other);
}

static void
test_remove(void **state)
{
	struct logfile	*lf;
	char		*cause = NULL;

	lf = logfile_open(in("c.log"), 10, 2, NULL);
	put(lf, "0123456789\n");
	put(lf, "x\n");
	assert_file(in("c.log.1"), "0123456789\n");
	assert_int_equal(logfile_remove(lf, &cause), 0);
	assert_null(cause);
	assert_file(in("c.log"), "");
	assert_file(in("c.log.1"), "0123456789\n");
	put(lf, "y\n");
	assert_file(in("c.log"), "y\n");

	/* Already gone: still fine, as Supervisor ignores ENOENT. */
	assert_int_equal(unlink(in("c.log")), 0);
	assert_int_equal(logfile_remove(lf, &cause), 0);
	put(lf, "z\n");
	assert_file(in("c.log"), "z\n");
	logfile_unref(lf);
}

/* An endless line never holds more than 64 KiB in a writer. */
static void
test_long_line(void **state)
{
	struct logwriter	*a, *b;
	struct logfile		*lf;
	struct stat		 st;
	char			*chunk;
	size_t			 total = 0, max = 0;
	int			 i;

	chunk = xmalloc(4096);
	memset(chunk, 'L', 4096);
	lf = logfile_open(in("l.log"), 0, 0, NULL);
	a = logwriter_create(lf);
	b = logwriter_create(lf);
	logfile_unref(lf);
	for (i = 0; i < 4096; i++) {		/* 16 MiB */
		logwriter_write(a, chunk, 4096);
		total += 4096;
		if (logwriter_pending(a) > max)
			max = logwriter_pending(a);
		if (i % 512 == 0) {
			logwriter_write(b, "b\n", 2);
			total += 2;
		}
	}
	assert_true(max <= 64 * 1024);
	assert_true(max > 32 * 1024);
	logwriter_write(a, "\n", 1);
	total++;
	assert_int_equal(logwriter_pending(a), 0);
	logwriter_free(a);
	logwriter_free(b);
	assert_int_equal(stat(in("l.log"), &st), 0);
	assert_int_equal((size_t)st.st_size, total);
	free(chunk);
}

/* /dev/full: ENOSPC forever. One warning, a bounded backlog, drops counted. */
static void
test_fault_devfull(void **state)
{
	struct logfile	*lf;
	char		*chunk;
	size_t		 total = 100;
	int		 i;

	lf = logfile_open("/dev/full", 0, 0, NULL);
	assert_non_null(lf);
	logfile_write(lf, "0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901234567890123456789", 100);
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(lastwarn, "/dev/full"));
	assert_non_null(strstr(lastwarn, "No space left on device"));
	assert_int_equal(logfile_pending(lf), 100);

	chunk = xcalloc(1, 65536);
	for (i = 0; i < 32; i++) {
		logfile_write(lf, chunk, 65536);
		total += 65536;
	}
	assert_int_equal(logfile_pending(lf), 64 * 1024);
	assert_int_equal(logfile_dropped(lf), total - 64 * 1024);

	/* A retry fails quietly. */
	run_until(&ninfo, 300);
	assert_int_equal(nwarn, 1);
	assert_int_equal(ninfo, 0);
	logfile_unref(lf);
	assert_int_equal(nwarn, 2);
	assert_non_null(strstr(lastwarn, "not written"));
	free(chunk);
}

static int
mount_small(const char *size)
{
	char	opts[64];

	if (geteuid() != 0)
		return (-1);
	snprintf(mnt, sizeof mnt, "%s", in("mnt"));
	assert_int_equal(mkdir(mnt, 0755), 0);
	snprintf(opts, sizeof opts, "size=%s", size);
	if (mount("tmpfs", mnt, "tmpfs", 0, opts) == -1) {
		mnt[0] = '\0';
		return (-1);
	}
	return (0);
}

/* Fill the file system, then give back `spare` bytes. */
static void
fill(const char *path, off_t spare)
{
	char	buf[4096];
	off_t	size = 0;
	ssize_t	n;
	int	fd;

	memset(buf, 'F', sizeof buf);
	fd = open(path, O_WRONLY|O_CREAT|O_TRUNC, 0644);
	assert_true(fd != -1);
	while ((n = write(fd, buf, sizeof buf)) > 0)
		size += n;
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(ftruncate(fd, size > spare ? size - spare : 0), 0);
	close(fd);
}

/*
 * A full disk: the first chunk is written partly, the rest waits; once
 * space comes back everything lands in order, whole, once, with one
 * warning and one "resumed" line.
 */
static void
test_fault_enospc(void **state)
{
	struct logfile	*lf;
	char		 line[600], *got, *want, filler[PATH_MAX], path[PATH_MAX];
	size_t		 len, wantlen = 0;
	int		 i;

	if (mount_small("256k") == -1)
		skip();
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	snprintf(path, sizeof path, "%s/app.log", mnt);
	lf = logfile_open(path, 0, 0, NULL);
	assert_non_null(lf);
	fill(filler, 8192);

	want = xmalloc(64 * sizeof line);
	for (i = 0; i < 64; i++) {
		len = line_for(i % NW, i, line, sizeof line);
		memset(line + 10, 'x', 400);
		len += 400;
		line[len - 1] = '\n';
		logfile_write(lf, line, len);
		memcpy(want + wantlen, line, len);
		wantlen += len;
	}
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(lastwarn, "No space left on device"));
	assert_true(logfile_pending(lf) > 0);
	assert_true(logfile_pending(lf) < wantlen - 4096);

	assert_int_equal(unlink(filler), 0);
	run_until(&ninfo, 5000);
	assert_int_equal(ninfo, 1);
	assert_non_null(strstr(lastinfo, "resumed, 0 bytes dropped"));
	assert_int_equal(logfile_pending(lf), 0);
	put(lf, "end\n");
	memcpy(want + wantlen, "end\n", 4);
	wantlen += 4;

	got = slurp(path, &len);
	assert_int_equal(len, wantlen);
	assert_memory_equal(got, want, len);
	free(got);
	free(want);
	logfile_unref(lf);
	assert_int_equal(nwarn, 1);
}

/*
 * Past the backlog bound the oldest output goes, up to a line end, and is
 * counted; on resuming one marker line says how much, on a line of its
 * own after the line the full disk cut, and the newest lines follow whole.
 */
static void
test_fault_drop(void **state)
{
	struct logfile	*lf;
	char		 line[1000], *got, *p, *nl, *m, filler[PATH_MAX];
	char		 path[PATH_MAX], marker[128];
	size_t		 len;
	uint64_t	 dropped;
	int		 i, k, expect, mlen;

	if (mount_small("4m") == -1)
		skip();
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	snprintf(path, sizeof path, "%s/app.log", mnt);
	lf = logfile_open(path, 0, 0, NULL);
	fill(filler, 10000);	/* two pages: line 8 is cut by ENOSPC */

	memset(line, 'd', sizeof line);
	for (i = 0; i < 2000; i++) {		/* about 2 MiB */
		snprintf(line, sizeof line, "%06d ", i);
		line[7] = 'd';
		line[sizeof line - 1] = '\n';
		logfile_write(lf, line, sizeof line);
	}
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(lastwarn, "keeping up to 64 KiB"));
	dropped = logfile_dropped(lf);
	assert_true(dropped >= 1900 * sizeof line);
	assert_true(logfile_pending(lf) <= 64 * 1024);
	assert_true(logfile_pending(lf) > 60 * 1024);
	assert_int_equal(logfile_pending(lf) % sizeof line, 0);

	assert_int_equal(unlink(filler), 0);
	run_until(&ninfo, 5000);
	assert_int_equal(ninfo, 1);
	snprintf(line, sizeof line, "resumed, %llu bytes dropped",
	    (unsigned long long)dropped);
	assert_non_null(strstr(lastinfo, line));

	/* Lines 0 to 7, the start of 8, the marker, then the newest lines. */
	got = slurp(path, &len);
	mlen = snprintf(marker, sizeof marker, "\n[supd: %llu bytes dropped "
	    "while the log could not be written]\n",
	    (unsigned long long)dropped);
	m = memmem(got, len, marker, mlen);
	assert_non_null(m);
	assert_int_equal(len + dropped, 2000 * sizeof line + mlen);
	for (p = got, expect = 0; p < m; p = nl + 1, expect++) {
		nl = memchr(p, '\n', m - p);
		if (nl == NULL)
			break;
		assert_int_equal(nl + 1 - p, sizeof line);
		assert_int_equal(atoi(p), expect);
	}
	assert_int_equal(expect, 8);
	assert_int_equal(atoi(p), 8);
	expect = -1;
	for (p = m + mlen; p < got + len; p = nl + 1) {
		nl = memchr(p, '\n', got + len - p);
		assert_non_null(nl);
		assert_int_equal(nl + 1 - p, sizeof line);
		k = atoi(p);
		if (expect != -1)
			assert_int_equal(k, expect);
		expect = k + 1;
	}
	assert_int_equal(expect, 2000);
	free(got);
	logfile_unref(lf);
}

/* Poll-write until cond() or timeout; the removal check runs once a second. */
static void
write_until(struct logfile *lf, int (*cond)(void), int timeout_ms)
{
	int64_t	end = now_ms() + timeout_ms;

	while (!cond() && now_ms() < end) {
		put(lf, "tick\n");
		usleep(20000);
	}
}

static int
relog_exists(void)
{
	return (exists(in("gone.log")));
}

static int
warned(void)
{
	return (nwarn > 0);
}

static void
test_removed_file(void **state)
{
	struct logfile	*lf;
	char		*got;
	size_t		 len;

	lf = logfile_open(in("gone.log"), 0, 0, NULL);
	put(lf, "first\n");
	assert_int_equal(unlink(in("gone.log")), 0);
	write_until(lf, relog_exists, 3000);
	assert_true(relog_exists());
	put(lf, "last\n");
	got = slurp(in("gone.log"), &len);
	assert_true(len >= 10);
	assert_memory_equal(got, "tick\n", 5);
	assert_string_equal(got + len - 5, "last\n");
	free(got);
	assert_int_equal(nwarn, 0);
	logfile_unref(lf);
}

static void
test_removed_directory(void **state)
{
	struct logfile	*lf;
	char		*got;
	size_t		 len;

	assert_int_equal(mkdir(in("sub"), 0755), 0);
	lf = logfile_open(in("sub/app.log"), 0, 0, NULL);
	put(lf, "first\n");
	assert_int_equal(unlink(in("sub/app.log")), 0);
	assert_int_equal(rmdir(in("sub")), 0);
	write_until(lf, warned, 3000);
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(lastwarn, "sub/app.log"));
	assert_non_null(strstr(lastwarn, "No such file or directory"));
	put(lf, "x1\n");
	put(lf, "x2\n");
	assert_true(logfile_pending(lf) >= 11);

	/* Files are recreated, directories are not. */
	run_until(&ninfo, 300);
	assert_int_equal(ninfo, 0);
	assert_false(exists(in("sub")));
	assert_int_equal(mkdir(in("sub"), 0755), 0);
	run_until(&ninfo, 8000);
	assert_int_equal(ninfo, 1);
	assert_int_equal(logfile_pending(lf), 0);
	got = slurp(in("sub/app.log"), &len);
	assert_string_equal(got, "tick\nx1\nx2\n");
	free(got);
	assert_int_equal(nwarn, 1);
	logfile_unref(lf);
}

static void
test_syslog_lines(void **state)
{
	struct logsyslog	*ls;

	ls = logsyslog_create("web");
	logsyslog_write(ls, "hello wo", 8);
	assert_int_equal(nsyslog, 0);
	logsyslog_write(ls, "rld\nsecond\n\nthi", 15);
	assert_int_equal(nsyslog, 3);
	logsyslog_free(ls);
	assert_int_equal(nsyslog, 4);
	assert_string_equal(syslogs[0], "web hello world");
	assert_string_equal(syslogs[1], "web second");
	assert_string_equal(syslogs[2], "web ");
	assert_string_equal(syslogs[3], "web thi");
	assert_string_equal(syslog_ident, "supervisord");
	assert_int_equal(syslog_option, 0);
	assert_int_equal(syslog_facility, LOG_USER);
	assert_int_equal(syslog_pri, LOG_INFO);
}

static void
test_mainlog_file(void **state)
{
	char	*cause = NULL, *got;

	assert_int_equal(mainlog_open(in("main.log"), 150, 1, 0, &cause), 0);
	assert_string_equal(mainlog_path(), in("main.log"));
	log_info("first message");
	log_warn("second message");
	got = slurp(in("main.log"), NULL);
	assert_non_null(strstr(got, " INFO first message\n"));
	assert_non_null(strstr(got, " WARN second message\n"));
	free(got);
	log_info("third message, long enough to rotate the file at 150 b");
	assert_true(exists(in("main.log.1")));
	assert_file(in("main.log"), "");
	log_info("fourth");
	assert_int_equal(mainlog_clear(&cause), 0);
	assert_file(in("main.log"), "");
	mainlog_close();
	assert_null(mainlog_path());
	log_info("not in the file");
	assert_file(in("main.log"), "");

	assert_int_equal(mainlog_open(in("no/main.log"), 0, 0, 0, &cause),
	    -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_mainlog_syslog(void **state)
{
	assert_int_equal(mainlog_open("syslog", 0, 0, 0, NULL), 0);
	assert_string_equal(mainlog_path(), "syslog");
	log_warn("line one\nline two");
	mainlog_close();
	assert_int_equal(nsyslog, 2);
	assert_int_equal(strlen(syslogs[0]), strlen("2024-05-01 12:00:00,123 "
	    "WARN line one"));
	assert_string_equal(syslogs[0] + 24, "WARN line one");
	assert_string_equal(syslogs[1] + 24, "WARN line two");
	assert_memory_equal(syslogs[0], syslogs[1], 24);
}

static void
test_mainlog_stdout(void **state)
{
	char	buf[256], *got;
	ssize_t	n;
	int	p[2], saved;

	assert_int_equal(pipe(p), 0);
	saved = dup(STDOUT_FILENO);
	dup2(p[1], STDOUT_FILENO);
	assert_int_equal(mainlog_open(in("m.log"), 0, 0, 1, NULL), 0);
	log_info("to both");
	mainlog_close();
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, " INFO to both\n"));
	got = slurp(in("m.log"), NULL);
	assert_string_equal(got, buf);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_share_spellings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_arithmetic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_one_backup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_no_backups, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_never, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rotate_existing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_special_never_rotates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_writers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shared_rotation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_single_writer_passthrough,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_after_rename, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fault_devfull, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fault_enospc, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fault_drop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_removed_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_removed_directory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_syslog_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mainlog_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mainlog_syslog, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mainlog_stdout, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
