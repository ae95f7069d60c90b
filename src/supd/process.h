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
struct process_config;


struct process {
	struct process_config	*config;	/* owned by the group's config */
	struct group		*group;
	char			*namespec;	/* "group:name" or "name" */
	enum process_state	 state;
	pid_t			 pid;

	/* Wall-clock times for the API; 0 when never started/stopped. */
	double			 laststart;
	double			 laststop;
	/* Monotonic start, for "did it stay up startsecs" decisions. */
	struct timespec		 started;

	int			 backoff;	/* start attempts that failed */
	int			 spawns;	/* forks since supd started */
	int			 killing;	/* a stop signal was sent */
	int			 administrative_stop;
	int			 system_stop;
	int			 exitstatus;
	char			*spawnerr;

	/*
	 * STARTING ends when startsecs have passed and the process is ready
	 * (always, until a readiness check is configured).
	 */
	int			 startsecs_done;
	int			 ready;

	struct event		*timer;	/* the current state's deadline, or NULL */
	struct capture		*out;
	struct capture		*err;
	int			 stdin_fd;	/* -1 when closed */
	struct evbuffer		*stdin_buf;	/* bytes not yet written */
	struct event		*stdin_ev;
	int			 fcgi_fd;	/* borrowed from the group */

	/* Listener protocol state (event listeners only). */
	void			*listener;

	/* Set when removed from its group while still referenced. */
	int			 dead;
	int			 refs;
};

/*
 * What the state machine asks of the daemon above it. server.c fills
 * this in, so the state machine never reaches up for the daemon's mood.
 */
struct process_hooks {
	/* Whether processes may be started (not shutting down). */
	int	(*accepts_starts)(void);
};

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
/* Send sig without meaning to stop; NULL or a reason it was not sent. */
const char	*process_signal(struct process *, int sig);
/* BACKOFF -> FATAL, as at shutdown. */
void		 process_give_up(struct process *);
/* Called by the reaper with the wait status. */
void		 process_reaped(struct process *, int status);
/* A readiness condition now holds (see ready above). */
void		 process_set_ready(struct process *);
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
