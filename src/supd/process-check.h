/*
 * Readiness and health checks of processes: the glue between a process
 * and its checker (checker.h). What it knows of a process is read here.
 */
#ifndef PROCESS_CHECK_H
#define PROCESS_CHECK_H

struct event_base;
struct process;

/*
 * Follow every process with a ready_check or health_check: hooks into
 * spawning, state changes and output. Once, after process_init().
 */
void		 process_check_init(struct event_base *);
/* Undo process_check_init, at exit, once the groups are gone. */
void		 process_check_done(void);

/*
 * For status displays. Ready: RUNNING, with its ready_check passed if it
 * has one.
 */
int		 process_check_ready(const struct process *);
/* "none" (no health_check), "unknown" (none yet), "ok" or "failing". */
const char	*process_check_health(const struct process *);
/* Health checks failed in a row. */
int		 process_check_failures(const struct process *);
/* The latest check result ("HTTP 503", "connected"), or "". */
const char	*process_check_last(const struct process *);
/*
 * Told of every health result; turned is set when health changed:
 * failing at the first failed check, healthy at the first pass after
 * that (service registrations act on turns, rolling restarts on any).
 */
typedef void (*process_check_health_fn)(struct process *, int healthy,
		     int turned, const char *result);
void		 process_check_add_health_observer(process_check_health_fn);

/* The latest notify STATUS= text, or NULL. */
const char	*process_check_status_text(const struct process *);

#endif
