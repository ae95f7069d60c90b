/*
 * Resource use of process trees from Linux /proc. A sample lists /proc
 * once with getdents64, reads every PID/stat once into a stack buffer,
 * indexes the processes by pid in an open-addressed table, threads each
 * one onto its parent's child list and then walks the subtree of every
 * requested root. The buffers live in struct proctree and only grow, so
 * once the process count is steady a sample allocates nothing.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proctree.h"
#include "xmalloc.h"

#define PROCTREE_DENTS_SIZE	(32 * 1024)	/* getdents64 buffer */
#define PROCTREE_STAT_SIZE	1024		/* field 24 ends before ~600 */
#define PROCTREE_LAST_FIELD	24		/* rss */
#define PROCTREE_PATH_SIZE	32		/* "4194304/stat" and the like */
#define PROCTREE_MIN_PROCS	256

/* The fields of /proc/PID/stat that are used, numbered as in proc(5). */
struct proctree_stat {
	pid_t		 ppid;		/* 4 */
	uint64_t	 utime;		/* 14, ticks */
	uint64_t	 stime;		/* 15 */
	uint64_t	 cutime;	/* 16 */
	uint64_t	 cstime;	/* 17 */
	uint64_t	 starttime;	/* 22, ticks after boot */
	uint64_t	 rss;		/* 24, pages */
};

/* One process of the last scan; child and sibling are indices or -1. */
struct proctree_proc {
	pid_t		 pid;
	pid_t		 ppid;
	int		 child;
	int		 sibling;
	size_t		 mark;		/* last root (1-based) that visited */
	uint64_t	 ticks;		/* utime + stime + cutime + cstime */
	uint64_t	 rss;		/* pages */
};

struct proctree {
	struct proctree_proc	*procs;
	size_t			 nprocs;
	int			*stack;		/* walk stack, as long as procs */
	size_t			 procs_size;

	int			*table;		/* pid hash -> index, -1 free */
	size_t			 table_size;	/* a power of two */

	char			*dents;
	long			 page_size;
	long			 clk_tck;
};

static long long	proctree_boot_time = -1;

/* A new scan state with empty buffers. Caller frees with proctree_free. */
struct proctree *
proctree_create(void)
{
	struct proctree	*pt;

	pt = xcalloc(1, sizeof *pt);
	pt->dents = xmalloc(PROCTREE_DENTS_SIZE);
	pt->page_size = sysconf(_SC_PAGESIZE);
	pt->clk_tck = sysconf(_SC_CLK_TCK);
	return (pt);
}

/* Free the scan state and its buffers. */
void
proctree_free(struct proctree *pt)
{
	if (pt == NULL)
		return;
	free(pt->procs);
	free(pt->stack);
	free(pt->table);
	free(pt->dents);
	free(pt);
}

/*
 * Read a small /proc file in one read(2) into buf and terminate it. Fails
 * when the process has gone (ENOENT at open, ESRCH or 0 bytes at read).
 */
static ssize_t
proctree_read(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t	n;
	int	fd;

	if ((fd = openat(dirfd, path, O_RDONLY|O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	return (n);
}

/*
 * Parse the fields we use from a stat line. The command name sits between
 * the first '(' and the LAST ')' and may hold spaces, parentheses and even
 * newlines, but every field after it is a number (or the state letter), so
 * the last ')' is the only safe anchor. Each field must be followed by a
 * space or newline, which rejects a line cut short inside field 24.
 * Negative and non-numeric fields (state, priority, nice) read as 0.
 */
static int
proctree_parse_stat(const char *buf, size_t len, struct proctree_stat *st)
{
	const char	*p, *end = buf + len;
	uint64_t	 f[PROCTREE_LAST_FIELD + 1];
	int		 field;

	if ((p = memrchr(buf, ')', len)) == NULL)
		return (-1);
	p++;
	for (field = 3; field <= PROCTREE_LAST_FIELD; field++) {
		if (p == end || *p != ' ')
			return (-1);
		p++;
		f[field] = 0;
		while (p != end && *p >= '0' && *p <= '9')
			f[field] = f[field] * 10 + (*p++ - '0');
		while (p != end && *p != ' ' && *p != '\n')
			p++;
		if (p == end)
			return (-1);
	}
	st->ppid = f[4];
	st->utime = f[14];
	st->stime = f[15];
	st->cutime = f[16];
	st->cstime = f[17];
	st->starttime = f[22];
	st->rss = f[24];
	return (0);
}

/* Grow the process and stack arrays together, doubling. */
static void
proctree_grow(struct proctree *pt)
{
	size_t	size;

	size = pt->procs_size == 0 ? PROCTREE_MIN_PROCS : pt->procs_size * 2;
	if (size > INT_MAX)
		abort();	/* indices are int; no system has 2^31 pids */
	pt->procs = xreallocarray(pt->procs, size, sizeof *pt->procs);
	pt->stack = xreallocarray(pt->stack, size, sizeof *pt->stack);
	pt->procs_size = size;
}

/*
 * Read /proc/NAME/stat and append the process. A process that has exited
 * since the directory was listed, or a line we cannot parse, is skipped.
 */
static void
proctree_add(struct proctree *pt, int dirfd, const char *name)
{
	char			 path[PROCTREE_PATH_SIZE];
	char			 buf[PROCTREE_STAT_SIZE];
	struct proctree_stat	 st;
	struct proctree_proc	*p;
	size_t			 len;
	ssize_t			 n;
	long			 pid = 0;

	for (len = 0; name[len] >= '0' && name[len] <= '9'; len++) {
		if (len >= 10)
			return;
		pid = pid * 10 + (name[len] - '0');
	}
	if (len == 0 || name[len] != '\0' || pid == 0 || pid > INT_MAX)
		return;
	memcpy(path, name, len);
	memcpy(path + len, "/stat", sizeof "/stat");

	if ((n = proctree_read(dirfd, path, buf, sizeof buf)) == -1)
		return;
	if (proctree_parse_stat(buf, n, &st) != 0)
		return;

	if (pt->nprocs == pt->procs_size)
		proctree_grow(pt);
	p = &pt->procs[pt->nprocs++];
	p->pid = pid;
	p->ppid = st.ppid;
	p->child = p->sibling = -1;
	p->mark = 0;
	p->ticks = st.utime + st.stime + st.cutime + st.cstime;
	p->rss = st.rss;
}

/* List /proc and read every process. Returns 0 or -1 with errno. */
static int
proctree_scan(struct proctree *pt, int dirfd)
{
	struct dirent64	*d;
	ssize_t		 n, off;

	pt->nprocs = 0;
	for (;;) {
		n = getdents64(dirfd, pt->dents, PROCTREE_DENTS_SIZE);
		if (n == -1)
			return (-1);
		if (n == 0)
			return (0);
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct dirent64 *)(pt->dents + off);
			if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
				proctree_add(pt, dirfd, d->d_name);
		}
	}
}

/* Slot of pid in the table: its own, or the free one it would take. */
static size_t
proctree_slot(struct proctree *pt, pid_t pid)
{
	size_t	mask = pt->table_size - 1, i;

	/*
	 * Multiplying by an odd constant permutes the low bits, so pids that
	 * follow each other land in distinct slots.
	 */
	i = ((uint32_t)pid * 2654435761U) & mask;
	while (pt->table[i] != -1 && pt->procs[pt->table[i]].pid != pid)
		i = (i + 1) & mask;
	return (i);
}

/* Index of pid in the last scan, or -1. */
static int
proctree_find(struct proctree *pt, pid_t pid)
{
	return (pt->table[proctree_slot(pt, pid)]);
}

/*
 * Index the scan by pid (table at most half full) and put every process
 * on its parent's child list. Processes with ppid 0 (init, kthreadd) or
 * whose parent is outside our pid namespace stay without a parent.
 */
static void
proctree_link(struct proctree *pt)
{
	struct proctree_proc	*p;
	size_t			 size, i;
	int			 parent;

	for (size = 16; size < pt->nprocs * 2; size *= 2)
		;
	if (size > pt->table_size) {
		free(pt->table);
		pt->table = xreallocarray(NULL, size, sizeof *pt->table);
		pt->table_size = size;
	}
	memset(pt->table, 0xff, pt->table_size * sizeof *pt->table);

	for (i = 0; i < pt->nprocs; i++)
		pt->table[proctree_slot(pt, pt->procs[i].pid)] = i;
	for (i = 0; i < pt->nprocs; i++) {
		p = &pt->procs[i];
		if (p->ppid == 0 || (parent = proctree_find(pt, p->ppid)) == -1)
			continue;
		if ((size_t)parent == i)
			continue;
		p->sibling = pt->procs[parent].child;
		pt->procs[parent].child = i;
	}
}

/*
 * Sum the subtree under index top. A pid reused during the scan can in
 * principle close a loop in the parent links; marking each process with
 * the root's number as it is pushed visits it at most once per root and
 * bounds the stack by the process count.
 */
static void
proctree_walk(struct proctree *pt, int top, size_t mark,
    struct proctree_sample *s)
{
	struct proctree_proc	*p;
	uint64_t		 ticks = 0, rss = 0;
	size_t			 sp = 0;
	int			 c;

	pt->procs[top].mark = mark;
	pt->stack[sp++] = top;
	while (sp > 0) {
		p = &pt->procs[pt->stack[--sp]];
		ticks += p->ticks;
		rss += p->rss;
		s->nprocs++;
		for (c = p->child; c != -1; c = pt->procs[c].sibling) {
			if (pt->procs[c].mark == mark)
				continue;
			pt->procs[c].mark = mark;
			pt->stack[sp++] = c;
		}
	}
	s->rss_bytes = rss * pt->page_size;
	s->cpu_seconds = (double)ticks / pt->clk_tck;
}

/*
 * Count the descriptors open in a process from its fd directory at path.
 * Since Linux 6.2 stat(2) gives the count as the directory's size, one
 * call instead of open, getdents and close; older kernels say 0 and are
 * listed. self says the directory is our own, whose listing holds the
 * descriptor opened to read it. Returns the count or -1.
 */
static int
proctree_count_fds(int dirfd, const char *path, int self)
{
	struct dirent64	*d;
	struct stat	 sb;
	char		 buf[4096];
	ssize_t		 n, off;
	int		 fd, count = 0;

	if (fstatat(dirfd, path, &sb, 0) == -1)
		return (-1);
	if (sb.st_size > 0)
		return (sb.st_size > INT_MAX ? INT_MAX : (int)sb.st_size);

	fd = openat(dirfd, path, O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	if (fd == -1)
		return (-1);
	while ((n = getdents64(fd, buf, sizeof buf)) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct dirent64 *)(buf + off);
			if (d->d_name[0] != '.')
				count++;
		}
	}
	close(fd);
	if (n == -1)
		return (-1);
	return (self && count > 0 ? count - 1 : count);
}

/* Count the open descriptors of root pid in out->open_fds. */
static void
proctree_sample_fds(int dirfd, struct proctree_sample *out)
{
	char	path[PROCTREE_PATH_SIZE], digits[16];
	size_t	len = 0, i;
	pid_t	pid = out->pid;

	do
		digits[len++] = '0' + pid % 10;
	while ((pid /= 10) != 0);
	for (i = 0; i < len; i++)
		path[i] = digits[len - 1 - i];
	memcpy(path + len, "/fd", sizeof "/fd");
	out->open_fds = proctree_count_fds(dirfd, path, 0);
}

/*
 * Fill out[i] for roots[i] from one scan of /proc. A nested root (a
 * program started by another) is walked again from its own pid, so it is
 * counted in full in both: that keeps each program's figure its own tree,
 * which is what a memory limit on that program must see.
 */
int
proctree_sample(struct proctree *pt, const pid_t *roots, size_t n,
    int count_fds, struct proctree_sample *out)
{
	struct proctree_sample	*s;
	size_t			 i;
	int			 dirfd, top, saved;

	dirfd = open("/proc", O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	if (dirfd == -1)
		return (-1);
	if (proctree_scan(pt, dirfd) != 0) {
		saved = errno;
		close(dirfd);
		errno = saved;
		return (-1);
	}
	proctree_link(pt);

	for (i = 0; i < n; i++) {
		s = &out[i];
		memset(s, 0, sizeof *s);
		s->pid = roots[i];
		if (roots[i] <= 0 || (top = proctree_find(pt, roots[i])) == -1)
			continue;
		proctree_walk(pt, top, i + 1, s);
		s->open_fds = -1;
		if (count_fds)
			proctree_sample_fds(dirfd, s);
	}
	close(dirfd);
	return (0);
}

/*
 * The boot time in seconds since the epoch, from the btime line of
 * /proc/stat. It is fixed once booted, and /proc/stat is costly to build
 * on large machines (counters for every CPU and interrupt), so it is read
 * once. The intr line can be longer than the buffer: an overlong line is
 * dropped and the rest of it skipped.
 */
static long long
proctree_btime(void)
{
	char	 buf[4096], *line, *nl;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd, skip = 0;

	if (proctree_boot_time != -1)
		return (proctree_boot_time);
	if ((fd = open("/proc/stat", O_RDONLY|O_CLOEXEC)) == -1)
		return (-1);
	while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0) {
		len += n;
		buf[len] = '\0';
		line = buf;
		while ((nl = memchr(line, '\n', buf + len - line)) != NULL) {
			if (!skip && strncmp(line, "btime ", 6) == 0) {
				proctree_boot_time = strtoll(line + 6, NULL, 10);
				goto out;
			}
			skip = 0;
			line = nl + 1;
		}
		len -= line - buf;
		memmove(buf, line, len);
		if (len == sizeof buf - 1) {
			skip = 1;
			len = 0;
		}
	}
out:
	close(fd);
	return (proctree_boot_time);
}

/*
 * Fill the daemon's own figures. max_fds comes from getrlimit, which is
 * what /proc/self/limits prints for "Max open files", without the parsing.
 */
int
proctree_self(struct proctree_self *s)
{
	struct proctree_stat	 st;
	struct rlimit		 rl;
	char			 buf[PROCTREE_STAT_SIZE];
	ssize_t			 n;
	long long		 btime;
	long			 tck = sysconf(_SC_CLK_TCK);

	memset(s, 0, sizeof *s);
	if ((n = proctree_read(AT_FDCWD, "/proc/self/stat", buf,
	    sizeof buf)) == -1)
		return (-1);
	if (proctree_parse_stat(buf, n, &st) != 0) {
		errno = EINVAL;
		return (-1);
	}
	s->rss_bytes = st.rss * sysconf(_SC_PAGESIZE);
	s->cpu_seconds = (double)(st.utime + st.stime) / tck;
	s->open_fds = proctree_count_fds(AT_FDCWD, "/proc/self/fd", 1);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		s->max_fds = -1;
	else
		s->max_fds = rl.rlim_cur > INT_MAX ? INT_MAX : (int)rl.rlim_cur;

	if ((btime = proctree_btime()) == -1)
		return (-1);
	s->start_time = btime + (double)st.starttime / tck;
	return (0);
}
