/* Unit tests for proctree: real process trees sampled through /proc. */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "proctree.h"

#define MIB		(1024 * 1024)
#define TIMEOUT_MS	30000
#define MAX_STARTED	16

/* Roots of the trees a test started; each is its own process group. */
static pid_t	started[MAX_STARTED];
static int	nstarted;
static int	report[2];	/* children write their pid here when ready */
static char	tmpdir[64];

static int
setup(void **state)
{
	nstarted = 0;
	tmpdir[0] = '\0';
	return (pipe2(report, O_CLOEXEC) == 0 ? 0 : -1);
}

/*
 * Kill every tree started and reap everything: this process is a child
 * subreaper, so orphaned grandchildren come back to it and waitpid(-1)
 * returns ECHILD only once all of them are gone.
 */
static int
teardown(void **state)
{
	char	path[128];
	int	i;

	for (i = 0; i < nstarted; i++)
		kill(-started[i], SIGKILL);
	while (waitpid(-1, NULL, 0) != -1 || errno == EINTR)
		;
	close(report[0]);
	close(report[1]);
	if (tmpdir[0] != '\0') {
		snprintf(path, sizeof path, "%s/a) b", tmpdir);
		unlink(path);
		rmdir(tmpdir);
	}
	return (0);
}

static void
idle(void)
{
	for (;;)
		pause();
}

static void
tell(pid_t pid)
{
	if (write(report[1], &pid, sizeof pid) != sizeof pid)
		_exit(1);
}

/* Fork a process that dies with its parent and runs fn, then idles. */
static pid_t
kid(void (*fn)(void))
{
	pid_t	ppid = getpid(), pid;

	if ((pid = fork()) == -1)
		_exit(1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != ppid)
			_exit(1);
		fn();
		idle();
	}
	return (pid);
}

/* Start a tree whose root runs fn, in a process group of its own. */
static pid_t
start(void (*fn)(void))
{
	pid_t	pid;

	assert_true(nstarted < MAX_STARTED);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn();
		idle();
	}
	setpgid(pid, pid);
	started[nstarted++] = pid;
	return (pid);
}

/* Wait for n pids on the report pipe. */
static void
wait_pids(pid_t *pids, size_t n)
{
	struct pollfd	 pfd = { .fd = report[0], .events = POLLIN };
	size_t		 done = 0, len = n * sizeof *pids;
	ssize_t		 r;

	while (done < len) {
		if (poll(&pfd, 1, TIMEOUT_MS) != 1)
			fail_msg("timed out waiting for children");
		r = read(report[0], (char *)pids + done, len - done);
		if (r <= 0)
			fail_msg("report pipe: %s", r == 0 ? "EOF" : "error");
		done += r;
	}
}

/* Poll until /proc/pid/comm reads name. */
static void
wait_comm(pid_t pid, const char *name)
{
	char	path[64], buf[64];
	ssize_t	n;
	int	fd, ms;

	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	for (ms = 0; ms < TIMEOUT_MS; ms += 10) {
		if ((fd = open(path, O_RDONLY)) != -1) {
			n = read(fd, buf, sizeof buf - 1);
			close(fd);
			if (n > 0 && buf[n - 1] == '\n')
				buf[n - 1] = '\0';
			if (n > 0 && strcmp(buf, name) == 0)
				return;
		}
		usleep(10000);
	}
	fail_msg("%ld never became %s", (long)pid, name);
}

static void
sample(const pid_t *roots, size_t n, int count_fds,
    struct proctree_sample *out)
{
	struct proctree	*pt;

	pt = proctree_create();
	assert_int_equal(proctree_sample(pt, roots, n, count_fds, out), 0);
	proctree_free(pt);
}

static const char *
sleep_path(void)
{
	if (access("/bin/sleep", X_OK) == 0)
		return ("/bin/sleep");
	return ("/usr/bin/sleep");
}

/* Exec sleep in a fresh, small address space. */
static void
exec_sleep(void)
{
	execl(sleep_path(), "sleep", "1000", (char *)NULL);
	_exit(127);
}

/* Volatile, so the compiler cannot drop the unused block and its memset. */
static char *volatile	hog;

static void
hog_memory(void)
{
	if ((hog = malloc(20 * MIB)) == NULL)
		_exit(1);
	memset(hog, 0x5a, 20 * MIB);
	tell(getpid());
}

static void
three_hogs(void)
{
	kid(hog_memory);
	kid(hog_memory);
	kid(hog_memory);
}

/*
 * Three grandchildren holding 20 MiB each show in their root's RSS, not
 * in a lone sleeper's; a grandchild asked for as a root of its own is
 * counted there too.
 */
static void
test_rss_tree(void **state)
{
	struct proctree_sample	out[3];
	pid_t			roots[3], hogs[3], sleeper;

	roots[0] = start(three_hogs);
	wait_pids(hogs, 3);
	sleeper = start(exec_sleep);
	wait_comm(sleeper, "sleep");
	roots[1] = sleeper;
	roots[2] = hogs[1];
	sample(roots, 3, 0, out);

	assert_int_equal(out[0].pid, roots[0]);
	assert_int_equal(out[0].nprocs, 4);
	assert_true(out[0].rss_bytes > 60 * MIB);
	assert_int_equal(out[0].open_fds, -1);

	assert_int_equal(out[1].nprocs, 1);
	assert_true(out[1].rss_bytes > 0);
	assert_true(out[1].rss_bytes < 16 * MIB);

	assert_int_equal(out[2].pid, hogs[1]);
	assert_int_equal(out[2].nprocs, 1);
	assert_true(out[2].rss_bytes >= 20 * MIB);
	assert_true(out[0].rss_bytes >= out[2].rss_bytes + 40 * MIB);
}

/* Pids that do not exist, or cannot, give zeros. */
static void
test_missing(void **state)
{
	struct proctree_sample	out[4];
	pid_t			roots[4], gone;
	int			i;

	gone = fork();
	assert_true(gone != -1);
	if (gone == 0)
		_exit(0);
	assert_int_equal(waitpid(gone, NULL, 0), gone);
	if (kill(gone, 0) == 0)
		gone = INT_MAX - 1;	/* reused already */
	roots[0] = gone;
	roots[1] = INT_MAX;
	roots[2] = 0;
	roots[3] = -1;
	sample(roots, 4, 1, out);
	for (i = 0; i < 4; i++) {
		assert_int_equal(out[i].pid, roots[i]);
		assert_int_equal(out[i].nprocs, 0);
		assert_int_equal(out[i].rss_bytes, 0);
		assert_true(out[i].cpu_seconds == 0);
		assert_int_equal(out[i].open_fds, 0);
	}
	sample(roots, 0, 1, out);
}

static void
spin(void)
{
	volatile unsigned long	n = 0;

	tell(getpid());
	for (;;)
		n++;
}

static void
busy_grandchild(void)
{
	kid(spin);
}

/* A busy grandchild's CPU time shows, and grows, in its root's figure. */
static void
test_cpu_busy(void **state)
{
	struct proctree_sample	out;
	pid_t			root, busy;
	double			first;
	int			ms;

	root = start(busy_grandchild);
	wait_pids(&busy, 1);
	sample(&root, 1, 0, &out);
	assert_int_equal(out.nprocs, 2);
	first = out.cpu_seconds;
	for (ms = 0; ms < TIMEOUT_MS; ms += 20) {
		sample(&root, 1, 0, &out);
		if (out.cpu_seconds >= first + 0.2)
			return;
		usleep(20000);
	}
	fail_msg("cpu stuck at %f (first %f)", out.cpu_seconds, first);
}

static void
burn(void)
{
	struct timespec	ts;

	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	while (ts.tv_sec == 0 && ts.tv_nsec < 300 * 1000 * 1000);
	_exit(0);
}

/* Run a child that burns 0.3 s of CPU, reap it, report. */
static void
burn_and_reap(void)
{
	pid_t	pid;

	pid = kid(burn);
	if (waitpid(pid, NULL, 0) != pid)
		_exit(1);
	tell(getpid());
}

static void
child_burns_and_reaps(void)
{
	kid(burn_and_reap);
}

/*
 * CPU of reaped children counts, both the root's own (its cutime) and a
 * live descendant's, whose cutime the root's does not hold yet.
 */
static void
test_cpu_reaped(void **state)
{
	struct proctree_sample	out[2];
	pid_t			roots[2], ready[2];

	roots[0] = start(burn_and_reap);
	roots[1] = start(child_burns_and_reaps);
	wait_pids(ready, 2);
	sample(roots, 2, 0, out);
	assert_int_equal(out[0].nprocs, 1);
	assert_true(out[0].cpu_seconds >= 0.25);
	assert_int_equal(out[1].nprocs, 2);
	assert_true(out[1].cpu_seconds >= 0.25);
}

/* Make a directory with a link "a) b" to sleep; return the link. */
static const char *
sleep_link(void)
{
	static char	path[128];

	snprintf(tmpdir, sizeof tmpdir, "/tmp/test-proctree.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/a) b", tmpdir);
	assert_int_equal(symlink(sleep_path(), path), 0);
	return (path);
}

static const char *link_path;

static void
exec_link(void)
{
	tell(getpid());
	execl(link_path, "a) b", "1000", (char *)NULL);
	_exit(127);
}

static void
odd_middle(void)
{
	prctl(PR_SET_NAME, "x) (y\n) 1 ");
	kid(exec_link);
}

/* Names that make the first ')' a lie: "a) S 1 1 (b" reads as ppid 1. */
static void
odd_root(void)
{
	prctl(PR_SET_NAME, "a) S 1 1 (b");
	kid(odd_middle);
}

/* Command names with spaces, parentheses and a newline parse right. */
static void
test_comm(void **state)
{
	struct proctree_sample	out;
	pid_t			root, leaf;

	link_path = sleep_link();
	root = start(odd_root);
	wait_pids(&leaf, 1);
	wait_comm(leaf, "a) b");
	wait_comm(root, "a) S 1 1 (b");
	sample(&root, 1, 1, &out);
	assert_int_equal(out.nprocs, 3);
	assert_true(out.rss_bytes > 0);
	assert_true(out.open_fds > 0);
}

/* Keep the report pipe as descriptor 0 and close every other. */
static void
keep_one_fd(void)
{
	if (dup2(report[1], 0) == -1)
		_exit(1);
	close_range(1, ~0U, 0);
	report[1] = 0;
}

/* Hold ten descriptors: the report pipe and nine copies. */
static void
ten_fds(void)
{
	int	i;

	keep_one_fd();
	for (i = 0; i < 9; i++)
		if (dup(0) == -1)
			_exit(1);
	tell(getpid());
}

static void
one_fd_over_ten(void)
{
	keep_one_fd();
	kid(ten_fds);
}

/* The root's descriptors are counted, its children's are not. */
static void
test_fds(void **state)
{
	struct proctree_sample	out[2];
	pid_t			roots[2], ready[2];

	roots[0] = start(ten_fds);
	roots[1] = start(one_fd_over_ten);
	wait_pids(ready, 2);
	sample(roots, 2, 1, out);
	assert_int_equal(out[0].nprocs, 1);
	assert_int_equal(out[0].open_fds, 10);
	assert_int_equal(out[1].nprocs, 2);
	assert_int_equal(out[1].open_fds, 1);
	sample(roots, 2, 0, out);
	assert_int_equal(out[0].open_fds, -1);
	assert_int_equal(out[1].open_fds, -1);
}

static void
wide_and_deep(void)
{
	static int	depth;
	int		i;

	if (depth == 0) {
		for (i = 0; i < 29; i++)
			kid(idle);
	}
	if (++depth < 10)
		kid(wide_and_deep);
	else
		tell(getpid());
}

/* Twenty-nine idle children beside a chain nine deep. */
static void
test_shape(void **state)
{
	struct proctree_sample	out;
	pid_t			root, leaf;

	root = start(wide_and_deep);
	wait_pids(&leaf, 1);
	sample(&root, 1, 0, &out);
	assert_int_equal(out.nprocs, 1 + 29 + 9);
}

/* Reusing one scan state across samples gives the same answers. */
static void
test_reuse(void **state)
{
	struct proctree_sample	out[2];
	struct proctree		*pt;
	pid_t			root, hogs[3];
	int			i;

	root = start(three_hogs);
	wait_pids(hogs, 3);
	pt = proctree_create();
	for (i = 0; i < 5; i++) {
		assert_int_equal(proctree_sample(pt, &root, 1, 1, &out[i % 2]),
		    0);
		assert_int_equal(out[i % 2].nprocs, 4);
		assert_true(out[i % 2].rss_bytes > 60 * MIB);
	}
	proctree_free(pt);
	proctree_free(NULL);
}

static int
count_own_fds(void)
{
	struct dirent	*d;
	DIR		*dir;
	int		 n = 0;

	assert_non_null(dir = opendir("/proc/self/fd"));
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return (n - 1);
}

/* The daemon's own figures are plausible. */
static void
test_self(void **state)
{
	struct proctree_self	s;
	struct rlimit		rl;
	time_t			now = time(NULL);
	int			fds[5], i;

	assert_int_equal(proctree_self(&s), 0);
	assert_true(s.rss_bytes > 0);
	assert_true(s.cpu_seconds >= 0);
	assert_int_equal(s.open_fds, count_own_fds());
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(s.max_fds, (int)rl.rlim_cur);
	assert_true(s.start_time <= now + 1);
	assert_true(s.start_time > now - 600);

	for (i = 0; i < 5; i++)
		assert_true((fds[i] = dup(report[0])) != -1);
	assert_int_equal(proctree_self(&s), 0);
	assert_int_equal(s.open_fds, count_own_fds());
	for (i = 0; i < 5; i++)
		close(fds[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_rss_tree),
		T(test_missing),
		T(test_cpu_busy),
		T(test_cpu_reaped),
		T(test_comm),
		T(test_fds),
		T(test_shape),
		T(test_reuse),
		T(test_self),
#undef T
	};

	/* Orphaned grandchildren come back here to be reaped. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
