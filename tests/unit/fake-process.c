/*
 * The fakes of fake-process.h.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "config-value.h"
#include "event.h"
#include "spawn.h"

#include "fake-process.h"

uint64_t	 event_subscribed;
int		 spawns;
int		 spawn_fails;
pid_t		 killed_pid;
int		 killed_sig;
int		 nkills;

void
fake_process_reset(void)
{
	spawns = spawn_fails = 0;
	nkills = killed_sig = 0;
	killed_pid = 0;
}

/* kill(2) as process.c sees it: recorded, never sent. */
int
kill(pid_t pid, int sig)
{
	killed_pid = pid;
	killed_sig = sig;
	nkills++;
	return (0);
}

const char *
cv_signame(int sig)
{
	switch (sig) {
	case SIGTERM:
		return ("SIGTERM");
	case SIGKILL:
		return ("SIGKILL");
	}
	return ("SIG?");
}

void
event_emit(enum event_type type, const char *payload, size_t len)
{
}

struct spawn_args *
spawn_prepare(const struct process_config *pc, char **cause)
{
	static int	dummy;

	return ((struct spawn_args *)&dummy);
}

void
spawn_args_free(struct spawn_args *sa)
{
}

void
spawn_close_child_fds(struct spawn_fds *fds)
{
}

pid_t
spawn_exec(struct spawn_args *sa, struct spawn_fds *fds, char **cause)
{
	if (spawn_fails) {
		*cause = strdup("fake failure");
		return (-1);
	}
	return (FAKE_PID + ++spawns);
}

int
capture_open_pipes(const struct process_config *pc, struct spawn_fds *fds,
    char **cause)
{
	fds->in_parent = fds->out_parent = fds->err_parent = -1;
	fds->in_child = fds->out_child = fds->err_child = -1;
	return (0);
}

struct capture *
capture_create(struct process *p, int channel, int fd)
{
	return (NULL);
}

int
capture_open_logs(struct capture *c, char **cause)
{
	return (0);
}

void
capture_start(struct capture *c)
{
}

void
capture_drain(struct capture *c)
{
}

void
capture_free(struct capture *c)
{
}
