/*
 * Time proctree_sample over many supervised programs: start N sleeping
 * children (1,000 by default), sample them all 20 times after a warm-up,
 * and print the median, as a Prometheus scrape would pay it.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proctree.h"
#include "xmalloc.h"

#define BENCH_RUNS	20

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* Fork n children that pause until killed, or until we die. */
static pid_t *
bench_start(int n)
{
	pid_t	*pids, ppid = getpid();
	int	 i;

	pids = xcalloc(n, sizeof *pids);
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1) {
			perror("fork");
			exit(1);
		}
		if (pids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != ppid)
				_exit(1);
			for (;;)
				pause();
		}
	}
	return (pids);
}

/*
 * The floor under any /proc scan: list /proc and open, read and close
 * every PID/stat, parsing nothing. Returns milliseconds.
 */
static double
bench_floor(void)
{
	struct dirent	*d;
	DIR		*dir;
	char		 path[300], buf[1024];
	double		 start = bench_now();
	int		 fd;

	if ((dir = opendir("/proc")) == NULL)
		return (-1);
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "%s/stat", d->d_name);
		if ((fd = openat(dirfd(dir), path, O_RDONLY|O_CLOEXEC)) == -1)
			continue;
		if (read(fd, buf, sizeof buf) == -1)
			buf[0] = '\0';
		close(fd);
	}
	closedir(dir);
	return ((bench_now() - start) * 1e3);
}

/*
 * What a scan that kept every stat file open between samples would pay:
 * one pread per process. Returns milliseconds.
 */
static double
bench_floor_pread(const int *fds, int n)
{
	char	buf[1024];
	double	start = bench_now();
	int	i;

	for (i = 0; i < n; i++)
		if (pread(fds[i], buf, sizeof buf, 0) == -1)
			buf[0] = '\0';
	return ((bench_now() - start) * 1e3);
}

static int
bench_count_proc(void)
{
	struct dirent	*d;
	DIR		*dir;
	int		 n = 0;

	if ((dir = opendir("/proc")) == NULL)
		return (-1);
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			n++;
	closedir(dir);
	return (n);
}

/* Run BENCH_RUNS samples and print min, median and max in ms. */
static void
bench_time(struct proctree *pt, pid_t *pids, int n, int count_fds,
    struct proctree_sample *out)
{
	struct mallinfo2	before, after;
	double			t[BENCH_RUNS], start;
	int			i, j;

	before = mallinfo2();
	for (i = 0; i < BENCH_RUNS; i++) {
		start = bench_now();
		if (proctree_sample(pt, pids, n, count_fds, out) != 0) {
			perror("proctree_sample");
			exit(1);
		}
		t[i] = (bench_now() - start) * 1e3;
		for (j = 0; j < n; j++) {
			if (out[j].nprocs != 1) {
				fprintf(stderr, "pid %ld: nprocs %d\n",
				    (long)pids[j], out[j].nprocs);
				exit(1);
			}
		}
	}
	after = mallinfo2();
	qsort(t, BENCH_RUNS, sizeof *t, bench_cmp);
	printf("count_fds=%d: median %.3f ms, min %.3f, max %.3f "
	    "(%d runs); heap change %zd bytes\n", count_fds,
	    t[BENCH_RUNS / 2], t[0], t[BENCH_RUNS - 1], BENCH_RUNS,
	    (ssize_t)(after.uordblks - before.uordblks));
}

int
main(int argc, char **argv)
{
	struct proctree_sample	*out;
	struct proctree_self	 self;
	struct proctree		*pt;
	pid_t			*pids;
	double			 start, floor[BENCH_RUNS];
	char			 path[64];
	int			 n, i, *fds;

	n = argc > 1 ? atoi(argv[1]) : 1000;
	if (n <= 0) {
		fprintf(stderr, "usage: proctree-bench [children]\n");
		return (1);
	}
	pids = bench_start(n);
	out = xcalloc(n, sizeof *out);
	pt = proctree_create();

	start = bench_now();
	proctree_sample(pt, pids, n, 0, out);
	printf("%d roots, %d processes in /proc\n", n, bench_count_proc());
	printf("first sample (buffers grow): %.3f ms\n",
	    (bench_now() - start) * 1e3);
	bench_time(pt, pids, n, 0, out);
	bench_time(pt, pids, n, 1, out);

	for (i = 0; i < BENCH_RUNS; i++)
		floor[i] = bench_floor();
	qsort(floor, BENCH_RUNS, sizeof *floor, bench_cmp);
	printf("floor (open, read, close every stat): median %.3f ms, "
	    "min %.3f\n", floor[BENCH_RUNS / 2], floor[0]);

	fds = xcalloc(n, sizeof *fds);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%ld/stat", (long)pids[i]);
		fds[i] = open(path, O_RDONLY|O_CLOEXEC);
	}
	for (i = 0; i < BENCH_RUNS; i++)
		floor[i] = bench_floor_pread(fds, n);
	qsort(floor, BENCH_RUNS, sizeof *floor, bench_cmp);
	printf("pread of kept stat fds of the roots only: median %.3f ms, "
	    "min %.3f\n", floor[BENCH_RUNS / 2], floor[0]);
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);

	start = bench_now();
	proctree_self(&self);
	printf("proctree_self: %.3f ms (rss %llu, fds %d/%d)\n",
	    (bench_now() - start) * 1e3, (unsigned long long)self.rss_bytes,
	    self.open_fds, self.max_fds);

	proctree_free(pt);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	free(out);
	free(pids);
	return (0);
}
