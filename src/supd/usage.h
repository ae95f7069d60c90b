/*
 * The latest resource sample of supervised process trees (proctree.c),
 * kept so that the max_rss timer and the info calls share one /proc scan
 * instead of each making their own.
 */
#ifndef USAGE_H
#define USAGE_H

#include <sys/types.h>

#include "proctree.h"

/*
 * Make sure the latest sample holds every pid of roots and is at most
 * max_age seconds old; scan /proc again (for all of them at once, and the
 * live pids of the previous sample) if not.
 * Returns 0, or -1 with errno when /proc cannot be read.
 */
int	usage_refresh(const pid_t *roots, size_t n, double max_age);

/*
 * The latest figures of pid's tree, from usage_refresh; 0, or -1 when
 * the latest sample does not hold pid.
 */
int	usage_get(pid_t pid, struct proctree_sample *out);

/* Seconds the last /proc scan took, for pacing a timer; 0 before one. */
double	usage_last_cost(void);

/* Free the scan state and the sample (at exit). */
void	usage_free(void);

#endif
