/*
 * exec: probes: run a command (with the program's user, environment and
 * directory, through the caller's spawn function) and pass on exit status
 * 0. Its first line of output is kept for the result text. The command is
 * killed, with its process group, when the probe is cut; the daemon's
 * reaper hands us the exit through check_probe_reaped().
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "check-probe.h"
#include "xmalloc.h"

/* Probes whose command runs, and commands killed but not yet reaped. */
static struct check_probe	*check_exec_running;
static pid_t			*check_exec_killed;
static int			 check_exec_nkilled;

static void
check_exec_unlink(struct check_probe *cp)
{
	struct check_probe	**pp;

	for (pp = &check_exec_running; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cp) {
			*pp = cp->next;
			return;
		}
	}
}

static void
check_exec_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct check_probe	*cp = arg;
	char			 buf[4096];
	ssize_t			 n;
	size_t			 room;

	n = read(fd, buf, sizeof buf);
	if (n > 0) {
		room = sizeof cp->out - 1 - cp->outlen;
		if ((size_t)n < room)
			room = n;
		memcpy(cp->out + cp->outlen, buf, room);
		cp->outlen += room;
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	/* EOF: the command and its children closed their output. */
	event_free(cp->out_ev);
	cp->out_ev = NULL;
	close(fd);
}

/* The first non-empty line the command printed, or "". */
static const char *
check_exec_first_line(struct check_probe *cp)
{
	char	*s = cp->out, *nl;

	cp->out[cp->outlen] = '\0';
	while (*s == '\n' || *s == '\r' || *s == ' ')
		s++;
	if ((nl = strpbrk(s, "\r\n")) != NULL)
		*nl = '\0';
	return (s);
}

static void
check_exec_exited(struct check_probe *cp, int status)
{
	const char	*line;

	/* Read what is left; the pipe may still hold the last line. */
	if (cp->out_ev != NULL)
		check_exec_read_cb(event_get_fd(cp->out_ev), EV_READ, cp);
	line = check_exec_first_line(cp);
	check_exec_unlink(cp);
	cp->pid = -1;
	if (WIFEXITED(status))
		check_probe_finish(cp, WEXITSTATUS(status) == 0,
		    "exit status %d%s%s", WEXITSTATUS(status),
		    *line != '\0' ? ": " : "", line);
	else
		check_probe_finish(cp, 0, "killed by signal %d%s%s",
		    WTERMSIG(status), *line != '\0' ? ": " : "", line);
}

int
check_probe_reaped(pid_t pid, int status)
{
	struct check_probe	*cp;
	int			 i;

	for (cp = check_exec_running; cp != NULL; cp = cp->next) {
		if (cp->pid == pid) {
			check_exec_exited(cp, status);
			return (1);
		}
	}
	for (i = 0; i < check_exec_nkilled; i++) {
		if (check_exec_killed[i] == pid) {
			check_exec_killed[i] =
			    check_exec_killed[--check_exec_nkilled];
			return (1);
		}
	}
	return (0);
}

void
check_exec_start(struct check_probe *cp)
{
	int	 fds[2];
	char	*cause = NULL;

	if (cp->spawn == NULL) {
		check_probe_finish(cp, 0, "exec checks cannot run here");
		return;
	}
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		check_probe_finish(cp, 0, "cannot make a pipe: %s",
		    strerror(errno));
		return;
	}
	cp->pid = cp->spawn(cp->spec->command, fds[1], cp->spawn_arg, &cause);
	close(fds[1]);
	if (cp->pid == -1) {
		close(fds[0]);
		check_probe_finish(cp, 0, "%s", cause != NULL ? cause :
		    "cannot start the command");
		free(cause);
		return;
	}
	cp->out_ev = event_new(cp->base, fds[0], EV_READ | EV_PERSIST,
	    check_exec_read_cb, cp);
	event_add(cp->out_ev, NULL);
	cp->next = check_exec_running;
	check_exec_running = cp;
}

void
check_exec_stop(struct check_probe *cp)
{
	if (cp->out_ev != NULL) {
		close(event_get_fd(cp->out_ev));
		event_free(cp->out_ev);
		cp->out_ev = NULL;
	}
	if (cp->pid == -1)
		return;
	check_exec_unlink(cp);
	/* Still running: a hung check. Kill it and its children. */
	if (kill(-cp->pid, SIGKILL) != 0)
		kill(cp->pid, SIGKILL);
	check_exec_killed = xreallocarray(check_exec_killed,
	    check_exec_nkilled + 1, sizeof *check_exec_killed);
	check_exec_killed[check_exec_nkilled++] = cp->pid;
	cp->pid = -1;
}

void
check_exec_free_all(void)
{
	free(check_exec_killed);
	check_exec_killed = NULL;
	check_exec_nkilled = 0;
}
