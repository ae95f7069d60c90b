/*
 * One shared sample of process trees. A /proc scan costs about the same
 * for one root as for a thousand (every /proc/PID/stat is read either
 * way; ~12 ms for 1,000 programs), so callers ask for all the pids they
 * care about with an age they can live with, and whoever comes within
 * that age reuses the scan: the max_rss timer samples every second, and
 * supd.getAllProcessInfo or getProcessInfo in between costs nothing.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hmap.h"
#include "proctree.h"
#include "usage.h"
#include "xmalloc.h"

static struct proctree		*usage_tree;
static struct proctree_sample	*usage_samples;	/* the latest sample */
static size_t			 usage_n;
static size_t			 usage_cap;
static struct hmap		 usage_by_pid;	/* pid -> index + 1 */
static double			 usage_when;	/* monotonic, 0 never */
static double			 usage_cost;	/* seconds the last scan took */

static double
usage_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Whether the latest sample is young enough and holds every root. */
static int
usage_covers(const pid_t *roots, size_t n, double max_age)
{
	size_t	i;

	if (usage_when == 0 || usage_mono() - usage_when > max_age)
		return (0);
	for (i = 0; i < n; i++) {
		if (hmap_get_int(&usage_by_pid, roots[i]) == NULL)
			return (0);
	}
	return (1);
}

/*
 * The roots of a new sample: those asked for, then those of the latest
 * sample that were alive and not asked for again, so that a call asking
 * for one pid does not make the next caller scan again for the others.
 * Caller frees.
 */
static pid_t *
usage_roots(const pid_t *roots, size_t n, size_t *total)
{
	struct hmap	 asked;
	pid_t		*all;
	size_t		 i, k = 0;

	all = xreallocarray(NULL, n + usage_n + 1, sizeof *all);
	hmap_init(&asked);
	for (i = 0; i < n; i++) {
		if (hmap_get_int(&asked, roots[i]) != NULL)
			continue;
		hmap_put_int(&asked, roots[i], all);
		all[k++] = roots[i];
	}
	for (i = 0; i < usage_n; i++) {
		if (usage_samples[i].nprocs > 0 &&
		    hmap_get_int(&asked, usage_samples[i].pid) == NULL)
			all[k++] = usage_samples[i].pid;
	}
	hmap_free(&asked);
	*total = k;
	return (all);
}

int
usage_refresh(const pid_t *roots, size_t n, double max_age)
{
	pid_t	*all;
	size_t	 i, total;
	double	 usage_start;
	int	 rc = 0;

	if (usage_covers(roots, n, max_age))
		return (0);
	usage_start = usage_mono();
	if (usage_tree == NULL) {
		usage_tree = proctree_create();
		hmap_init(&usage_by_pid);
	}
	all = usage_roots(roots, n, &total);
	for (i = 0; i < usage_n; i++)
		hmap_del_int(&usage_by_pid, usage_samples[i].pid);
	usage_n = 0;
	usage_when = 0;
	if (total > usage_cap) {
		usage_cap = total;
		usage_samples = xreallocarray(usage_samples, usage_cap,
		    sizeof *usage_samples);
	}
	if (total > 0 &&
	    proctree_sample(usage_tree, all, total, 0, usage_samples) != 0)
		rc = -1;
	else if (total > 0) {
		usage_n = total;
		usage_when = usage_mono();
		usage_cost = usage_when - usage_start;
		/* Store index + 1: a NULL value means "not sampled". */
		for (i = 0; i < total; i++) {
			usage_samples[i].pid = all[i];
			hmap_put_int(&usage_by_pid, all[i],
			    (void *)(uintptr_t)(i + 1));
		}
	}
	free(all);
	return (rc);
}

double
usage_last_cost(void)
{
	return (usage_cost);
}

int
usage_get(pid_t pid, struct proctree_sample *out)
{
	uintptr_t	i;

	if (pid <= 0 || usage_when == 0 ||
	    (i = (uintptr_t)hmap_get_int(&usage_by_pid, pid)) == 0) {
		memset(out, 0, sizeof *out);
		return (-1);
	}
	*out = usage_samples[i - 1];
	return (0);
}

void
usage_free(void)
{
	if (usage_tree == NULL)
		return;
	proctree_free(usage_tree);
	hmap_free(&usage_by_pid);
	free(usage_samples);
	usage_tree = NULL;
	usage_samples = NULL;
	usage_n = usage_cap = 0;
	usage_when = 0;
}
