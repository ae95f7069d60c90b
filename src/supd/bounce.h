/*
 * A graceful restart of one process as a single action: stop it as an
 * administrative stop would, start it again once it is down, and say when
 * it is back (RUNNING, ready and not unhealthy) or did not come back.
 * Recycling (recycle.c) and rolling restarts (rolling.c) are made of it.
 */
#ifndef BOUNCE_H
#define BOUNCE_H

struct process;
struct bounce;

/* ok is 1 when the process is back, 0 when it failed to come back. */
typedef void (*bounce_done_fn)(struct process *, int ok, void *arg);

/* Watch process states. Once, after process_init. */
void		 bounce_init(void);
/* At exit: end every bounce as failed (callbacks run) and free it. */
void		 bounce_done(void);

/*
 * Begin restarting p; done runs once, from its own event (never inside a
 * state change), unless the bounce is cancelled first.
 */
struct bounce	*bounce_start(struct process *, bounce_done_fn, void *arg);
/*
 * Forget the callback. The process is still started again if it was taken
 * down: a bounce never leaves a process stopped.
 */
void		 bounce_cancel(struct bounce *);
/*
 * Whether p is being restarted: a bounce has not decided yet, or has and
 * its callback is still to run.
 */
int		 bounce_busy(const struct process *);
/*
 * Look at p again: for what decides "back" without a state change (a
 * health result). The check engine calls it when one comes.
 */
void		 bounce_poke(struct process *);

#endif
