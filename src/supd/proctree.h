/*
 * Resource use of supervised programs counted over each program's whole
 * process tree (the pid and all its live descendants), sampled from Linux
 * /proc in one pass for any number of programs; and the daemon's own
 * figures for the Prometheus process_* metrics.
 */
#ifndef PROCTREE_H
#define PROCTREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * One program's tree. All fields are zero when the pid does not exist.
 *
 * rss_bytes is the sum of each process's resident set (/proc/PID/stat
 * rss, the same figure as statm's resident): pages shared between
 * processes of the tree (libraries, copy-on-write after fork, shared
 * memory) are counted once per process, as summing ps(1) RSS would.
 *
 * cpu_seconds is, for every live process of the tree, utime + stime (all
 * its threads, dead ones included) + cutime + cstime (children it has
 * waited for, and theirs). Nothing is counted twice: a process is either
 * live or inside its reaper's cutime. Not counted: descendants that were
 * reparented out of the tree (double fork, parent died first), children
 * reaped automatically under SIGCHLD SIG_IGN, and the tree's own pid once
 * it exits. The figure can therefore fall when a descendant leaves the
 * tree, which a Prometheus counter built on it shows as a reset.
 *
 * nprocs counts the processes (not threads) of the tree, the pid included.
 *
 * open_fds is the number of descriptors open in the pid itself, not its
 * descendants; -1 when not asked for or not readable.
 */
struct proctree_sample {
	pid_t		 pid;
	uint64_t	 rss_bytes;
	double		 cpu_seconds;
	int		 nprocs;
	int		 open_fds;
};

/*
 * The daemon itself, for process_resident_memory_bytes,
 * process_cpu_seconds_total (utime + stime, not children),
 * process_open_fds, process_max_fds (soft RLIMIT_NOFILE, -1 if unlimited)
 * and process_start_time_seconds (seconds since the Unix epoch).
 */
struct proctree_self {
	uint64_t	 rss_bytes;
	double		 cpu_seconds;
	int		 open_fds;
	int		 max_fds;
	double		 start_time;
};

/* Scan state: buffers kept between samples so a sample allocates nothing. */
struct proctree;

/* A new scan state with empty buffers. Caller frees with proctree_free. */
struct proctree	*proctree_create(void);
/* Free the scan state and its buffers; NULL is allowed. */
void		 proctree_free(struct proctree *);

/*
 * Fill out[i] for roots[i], i < n, reading every /proc/PID/stat once for
 * all roots together; count_fds also counts each root's open descriptors.
 * A root whose tree holds another root (one program started another) is
 * counted in full in both. Processes that vanish during the scan are
 * skipped. Returns 0, or -1 with errno when /proc cannot be read.
 */
int		 proctree_sample(struct proctree *, const pid_t *roots,
		     size_t n, int count_fds, struct proctree_sample *out);

/* Fill the daemon's own figures. Returns 0, or -1 with errno. */
int		 proctree_self(struct proctree_self *);

#endif
