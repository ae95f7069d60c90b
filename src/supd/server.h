/*
 * The daemon's life: the event loop, signals, reaping, and the ordered
 * shutdown and restart. Supervisor calls its state "mood".
 */
#ifndef SERVER_H
#define SERVER_H

struct config;
struct event_base;
struct process;

/* Values are Supervisor's (states.SupervisorStates). */
enum server_state {
	SERVER_FATAL = 2,
	SERVER_RUNNING = 1,
	SERVER_RESTARTING = 0,
	SERVER_SHUTDOWN = -1,
};

extern struct event_base	*server_base;
extern struct config		*server_config;	/* latest loaded config */

enum server_state server_state(void);
const char	*server_state_name(enum server_state);
/* Whether processes may be started (not shutting down or restarting). */
int		 server_accepts_starts(void);

/* Begin the ordered stop; the loop ends (or restarts) when it is done. */
void		 server_shutdown(void);
void		 server_restart(void);
/* A shutdown after which the daemon exits with status (nonzero). */
void		 server_shutdown_failed(int status);
/* What main returns: 0, or the status of server_shutdown_failed. */
int		 server_exit_status(void);

int		 server_is_restarting(void);

/* Replace the latest config (reloadConfig), keeping the running set. */
void		 server_set_config(struct config *);

/*
 * Before a SIGHUP restart, check that the config still loads; a nonzero
 * return keeps everything running as it is.
 */
typedef int (*server_reload_fn)(void);
void		 server_set_reload_check(server_reload_fn);

/*
 * The process_hooks before_stop hook (see process.h), set by main before
 * the first stop; NULL for none.
 */
void		 server_set_before_stop(int (*)(struct process *));

/* Trim the heap a second from now, after a burst of large replies. */
void		 server_trim_soon(void);

/* Give processes the loop and the daemon's hooks; watch groups. */
void		 server_prepare(void);
/* Set up signals; run the loop until everything is stopped; tear down. */
void		 server_init(void);
void		 server_loop(void);
void		 server_done(void);

#endif
