/*
 * What process.c links against, faked for unit tests of the process state
 * machine and what is built on it: spawning hands out a made-up pid,
 * kill() is recorded and never sent, and there are no pipes or logs. The
 * test is the reaper: it calls process_reaped() with a wait status.
 */
#ifndef FAKE_PROCESS_H
#define FAKE_PROCESS_H

#include <sys/types.h>

/*
 * Made-up pids beyond any pid_max: should a kill() ever reach the real
 * one, it finds no such process.
 */
#define FAKE_PID	2000000000

extern int	 spawns;	/* spawn_exec calls that succeeded */
extern int	 spawn_fails;	/* set: spawn_exec fails */
extern pid_t	 killed_pid;	/* the latest kill() */
extern int	 killed_sig;
extern int	 nkills;

/* Wait statuses as waitpid gives them. */
#define EXITED_WITH(code)	(((code) & 0xff) << 8)
#define KILLED_BY(sig)		(sig)

/* Clear the counters above. */
void	fake_process_reset(void);

#endif
