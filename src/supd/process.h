/*
 * A supervised process and Supervisor's state machine for it. Only
 * process_set_state() changes a process's state.
 */
#ifndef PROCESS_H
#define PROCESS_H

#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include "supervisor.h"

struct event;
struct event_base;
struct capture;
struct group;
struct process_check;
struct process_config;
struct spawn_args;

struct process {
	struct process_config	*config;	/* owned by the group's config */
	struct group		*group;
	char			*namespec;	/* "group:name" or "name" */
	char			*spawnerr;
	/* "waiting for api" while a start waits for depends_on (deps-run.c). */
	char			*waitfor;
	/* Readiness and health checks (process-check.c), or NULL. */
	struct process_check	*check;
	/* The latest notify STATUS= text, the description while STARTING. */
	char			*status_text;
	struct event		*timer;	/* the current state's deadline, or NULL */
	struct capture		*out;
	struct capture		*err;
	struct evbuffer		*stdin_buf;	/* bytes not yet written */
	struct event		*stdin_ev;
	/* Listener protocol state (event listeners only). */
	void			*listener;

	/* Wall-clock times for the API; 0 when never started/stopped. */
	double			 laststart;
	double			 laststop;
	/* Monotonic start, for "did it stay up startsecs" decisions. */
	struct timespec		 started;

	/*
	 * Counters for /metrics, kept for the process's life in the config:
	 * spawns, and output per channel (0 stdout, 1 stderr) read from the
	 * pipe and dropped by a failing log file on its way.
	 */
	uint64_t		 nspawns;
	uint64_t		 log_bytes[2];
	uint64_t		 log_dropped[2];

	enum process_state	 state;
	pid_t			 pid;
	int			 backoff;	/* start attempts that failed */
	int			 exitstatus;
	/* A check stopped it: BACKOFF (not ready) or start again after. */
	enum {
		PROCESS_CHECK_STOP_NONE,
		PROCESS_CHECK_STOP_NOT_READY,
		PROCESS_CHECK_STOP_RESTART,
	}			 check_stop;
	int			 stdin_fd;	/* -1 when closed */
	int			 fcgi_fd;	/* borrowed from the group */
	int			 refs;

	unsigned int		 killing:1;	/* a stop signal was sent */
	unsigned int		 administrative_stop:1;
	unsigned int		 system_stop:1;
	/*
	 * STARTING ends when startsecs have passed and the process is ready
	 * (always, until a readiness check is configured).
	 */
	unsigned int		 startsecs_done:1;
	unsigned int		 ready:1;
	/* Set when removed from its group while still referenced. */
	unsigned int		 dead:1;
	/* A stop waits for the before_stop hook (see process_hooks). */
	unsigned int		 stop_pending:1;
};

/*
 * What the state machine asks of the daemon above it. server.c fills
 * this in, so the state machine never reaches up for the daemon's mood.
 */
struct process_hooks {
	/* Whether processes may be started (not shutting down). */
	int	(*accepts_starts)(void);
	/*
	 * Optional: called by process_stop before the stopsignal goes out.
	 * It returns 0 to let the signal go now, or 1 to hold it until it
	 * calls process_stop_continue (a service registry deregistering
	 * first); it must never block.
	 */
	int	(*before_stop)(struct process *);
};

/*
 * What the readiness and health checks (process-check.c, above us) must
 * do at points no state change shows. Either may be NULL.
 */
struct process_check_hooks {
	/*
	 * The child is about to be made (STARTING): add to its environment.
	 * Returns 0 when it is ready once started, 1 when it must wait for
	 * process_set_ready(), -1 with *cause to fail the spawn.
	 */
	int	(*spawning)(struct process *, struct spawn_args *,
		    char **cause);
	/* The process is being freed: free p->check. */
	void	(*free)(struct process *);
};
void		 process_set_check_hooks(const struct process_check_hooks *);

/*
 * Give the state machine its loop (for deadlines and stdin writes) and
 * the daemon's hooks. Once, before the first process is created.
 */
void		 process_init(struct event_base *, const struct process_hooks *);

/* Observers see every state change, after it happened. */
typedef void (*process_observer_fn)(struct process *, enum process_state old,
    void *arg);
void		 process_add_observer(process_observer_fn, void *arg);
void		 process_remove_observer(process_observer_fn, void *arg);

struct process	*process_create(struct process_config *, struct group *);
void		 process_ref(struct process *);
void		 process_unref(struct process *);

const char	*process_state_name(enum process_state);
int		 process_is_stopped_state(enum process_state);	/* STOPPED... */
int		 process_is_running_state(enum process_state);	/* RUNNING... */

/*
 * Start (STOPPED/EXITED/FATAL/BACKOFF -> STARTING). Returns the pid, or
 * 0 when spawning failed (the process is then in BACKOFF with spawnerr).
 */
pid_t		 process_spawn(struct process *);
/* Administrative stop: stopsignal now, SIGKILL after stopwaitsecs. */
const char	*process_stop(struct process *);
/* Send the stopsignal held by the before_stop hook, if still wanted. */
void		 process_stop_continue(struct process *);
/* Send sig without meaning to stop; NULL or a reason it was not sent. */
const char	*process_signal(struct process *, int sig);
/* BACKOFF -> FATAL, as at shutdown. */
void		 process_give_up(struct process *);
/* Called by the reaper with the wait status. */
void		 process_reaped(struct process *, int status);
/* A readiness condition now holds (see ready above). */
void		 process_set_ready(struct process *);
/*
 * The ready check gave up: a failed start. The process is stopped as for
 * a stop and then goes to BACKOFF with reason as spawnerr, retried per
 * startretries.
 */
void		 process_not_ready(struct process *, const char *reason);
/* Stop (stopsignal, stopwaitsecs) and start again once reaped. */
const char	*process_restart(struct process *);
/* The STATUS= text the description shows while STARTING (NULL: none). */
void		 process_set_status_text(struct process *, const char *);
/* Autostart when first added, per Supervisor's transition(). */
void		 process_autostart(struct process *);
/* Write to the process's stdin; -1 with errno EPIPE if it has none. */
int		 process_write_stdin(struct process *, const void *, size_t);

/* The process with this pid, or NULL. */
struct process	*process_find_by_pid(pid_t);

/* Describe a process as getProcessInfo's description does. Caller frees. */
char		*process_description(const struct process *, double now);

/* Supervisor's decode_wait_status: exit status or -1, and a message. */
int		 process_decode_status(int status, char *msg, size_t len);

/* Current wall-clock time as a double, cached per loop iteration. */
double		 process_now(void);

#endif
