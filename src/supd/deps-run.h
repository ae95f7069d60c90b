/*
 * depends_on over the running set: a start waits until every group it
 * depends on is up (all its processes RUNNING and ready), and a stop of
 * a dependency waits until everything depending on it has stopped. A
 * process observer moves both along as states change; nothing polls.
 * Without depends_on anywhere in the running set every call here is a
 * lookup that answers "go ahead".
 */
#ifndef DEPS_RUN_H
#define DEPS_RUN_H

struct event_base;
struct group;
struct process;

/*
 * A start that waited for its dependencies will not happen: code is a
 * FAULT_* for a caller waiting on it, cause says why ("dependency api is
 * FATAL"). rpc-process.c registers one to answer waiting calls.
 */
typedef void (*deps_run_cancel_fn)(struct process *, int code,
    const char *cause, void *arg);

/* Watch processes and groups. Once, before the first group is added. */
void		 deps_run_init(struct event_base *);
void		 deps_run_done(void);
void		 deps_run_set_cancel(deps_run_cancel_fn, void *arg);

/*
 * The running groups in start order (stop 0) or in the order a shutdown
 * stops them (stop 1): dependencies before dependents, otherwise by
 * priority as Supervisor. NULL when no running group has depends_on, so
 * callers keep group_all()'s order. Caller frees.
 */
struct group	**deps_run_order(int stop, int *n);

/*
 * Autostart a group's processes as group_autostart() does; a process
 * whose dependencies are not up yet waits for them (STOPPED, described
 * "waiting for api"), and one with a FATAL dependency is not started.
 */
void		 deps_run_autostart(struct group *);

enum deps_run_verdict {
	DEPS_RUN_NOW,		/* nothing to wait for: spawn it */
	DEPS_RUN_QUEUED,	/* its dependencies are being started */
	DEPS_RUN_FAILED,	/* a dependency is FATAL; see *cause */
};

/*
 * An explicit start of p (startProcess and friends): when what p
 * depends on is not up, start that first (transitively) and hold p until
 * it is. *cause (caller frees) is set for DEPS_RUN_FAILED.
 */
enum deps_run_verdict deps_run_start(struct process *, char **cause);

/*
 * An explicit stop of p: 0 when nothing running depends on p's group
 * (stop it now), 1 when its dependents are being stopped first and p
 * gets its stop signal once they have all stopped. With alone (p is
 * stopped by itself, not with its group), a sibling that stays up keeps
 * the group serving, so the dependents are left alone.
 */
int		 deps_run_stop(struct process *, int alone);

/* Forget p's start waiting for dependencies; 1 if it had one. */
int		 deps_run_cancel(struct process *);

/* A shutdown orders everything itself: forget all waiting starts, stops. */
void		 deps_run_cancel_all(void);

#endif
