/*
 * The checker of one process: runs its ready_check while it starts and its
 * health_check while it runs, on the event loop, and reports through
 * callbacks. It knows nothing of process states: the process decides what
 * "ready", "not ready" and "unhealthy" mean (RUNNING, BACKOFF, restart).
 */
#ifndef CHECKER_H
#define CHECKER_H

#include <stddef.h>
#include <sys/types.h>

#include "check.h"

struct event_base;

struct checker_config {
	const struct check_spec	*ready;		/* NULL: ready when running */
	double			 ready_timeout;
	const struct check_spec	*health;	/* NULL: no health checks */
	double			 health_interval;
	double			 health_timeout;
	int			 health_retries;
};

enum checker_health {
	CHECKER_HEALTH_NONE,	/* no health_check */
	CHECKER_HEALTH_UNKNOWN,	/* none yet since the last start */
	CHECKER_HEALTH_OK,
	CHECKER_HEALTH_FAILING,
};

struct checker_ops {
	/* The ready_check passed. */
	void	(*ready)(void *arg);
	/* ready_timeout passed first: "not ready after 60 s: <result>". */
	void	(*not_ready)(void *arg, const char *reason);
	/* Each health result; failures counts consecutive failed checks. */
	void	(*health)(void *arg, int ok, int failures, const char *result);
	/* health_retries consecutive failures: time to restart. */
	void	(*unhealthy)(void *arg, int failures, const char *result);
	/* A notify STATUS= text (may be NULL). */
	void	(*status)(void *arg, const char *text);
	/* May a notify datagram from this pid speak for the process? */
	int	(*sender_ok)(void *arg, pid_t sender);
	/* How exec: checks start their command. */
	check_spawn_fn	 spawn;
	void		*spawn_arg;
};

struct checker	*checker_create(struct event_base *,
		     const struct checker_config *, const struct checker_ops *,
		     void *arg);
void		 checker_free(struct checker *);

/*
 * The notify socket for the child's NOTIFY_SOCKET, made on first call when
 * either check is "notify"; NULL otherwise. -1 with *cause via NULL return
 * and *cause set when the socket cannot be made.
 */
const char	*checker_notify_socket(struct checker *, char **cause);

/* The process was spawned: begin the ready phase. */
void		 checker_started(struct checker *);
/* The process reached RUNNING: health checks begin an interval later. */
void		 checker_running(struct checker *);
/* The process is stopping or exited: cancel every probe and timer. */
void		 checker_stopped(struct checker *);
/* A line of the process's output, without its newline (log: checks). */
void		 checker_line(struct checker *, const char *, size_t);
/* Feed a notify assignment directly (the socket does this itself). */
void		 checker_notify(struct checker *, pid_t sender, const char *key,
		     const char *value);

int		 checker_is_ready(const struct checker *);
enum checker_health checker_health(const struct checker *);
const char	*checker_health_name(enum checker_health);
int		 checker_failures(const struct checker *);
/* Text of the latest check result ("" before any). */
const char	*checker_last_result(const struct checker *);
/* The latest notify STATUS= text, or NULL. */
const char	*checker_status_text(const struct checker *);
/* Does any check of this config need output lines? */
int		 checker_wants_lines(const struct checker *);

#endif
