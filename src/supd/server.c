/*
 * The daemon's event loop: signals arrive through libevent (no work in raw
 * handlers), SIGCHLD reaps the dead children, and shutdown stops
 * groups one at a time from the highest priority down, as Supervisor's
 * ordered_stop_groups does, but driven by state changes instead of a poll.
 * With depends_on, a group stops only after every group depending on it.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "config-value.h"
#include "deps-run.h"
#include "event.h"
#include "group.h"
#include "log.h"
#include "logfile.h"
#include "process.h"
#include "sdnotify.h"
#include "server.h"
#include "xmalloc.h"

/*
 * Children reaped per turn of the loop. Reaping restarts at once what
 * autorestart wants, and a thousand programs that exit about as fast as
 * they are started kept waitpid finding another child for ever: the loop
 * never came back to its sockets or signals. Past this many, the rest are
 * reaped on the next turn, after the loop has looked at everything else.
 */
#define SERVER_REAP_BATCH	64

struct event_base	*server_base;
struct config		*server_config;

static enum server_state	  server_mood = SERVER_RUNNING;
static int			  server_stopping;
static struct group		**server_stop_list;
static int			  server_nstop;
static struct event		 *server_report_timer;
static struct event		 *server_trim_timer;
static struct event		 *server_reap_timer;	/* more to reap */
static struct event		 *server_signals[6];
static server_reload_fn		  server_reload_check;
static int			  server_exit_code;

enum server_state
server_state(void)
{
	return (server_mood);
}

const char *
server_state_name(enum server_state s)
{
	switch (s) {
	case SERVER_FATAL:
		return ("FATAL");
	case SERVER_RUNNING:
		return ("RUNNING");
	case SERVER_RESTARTING:
		return ("RESTARTING");
	case SERVER_SHUTDOWN:
		return ("SHUTDOWN");
	}
	return ("UNKNOWN");
}

int
server_accepts_starts(void)
{
	return (server_mood > SERVER_RESTARTING);
}

static void	server_group_cb(struct group *, enum group_change, void *);

/* What processes ask of the daemon; handed down at start. */
static struct process_hooks server_process_hooks = {
	.accepts_starts = server_accepts_starts,
};

/* What main registers to run before a stopsignal (service registries). */
void
server_set_before_stop(int (*fn)(struct process *))
{
	server_process_hooks.before_stop = fn;
}

/*
 * Hand the loop and the hooks down to processes, and watch groups leave.
 * Once the base exists and before the first group is added.
 */
void
server_prepare(void)
{
	process_init(server_base, &server_process_hooks);
	group_add_observer(server_group_cb, NULL);
}

void
server_set_config(struct config *cf)
{
	if (server_config != NULL && server_config != cf)
		config_free(server_config);
	server_config = cf;
}

void
server_set_reload_check(server_reload_fn fn)
{
	server_reload_check = fn;
}

static void
server_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	malloc_trim(0);
}

/*
 * Give free heap back to the system a second from now, unless called
 * again first; rpc.c calls this after every reply. A reply of megabytes
 * (getAllProcessInfo of thousands of programs) leaves that much free at
 * the top of the heap: kept there while calls come, it spares each reply
 * faulting in every page again, and once they stop the daemon shrinks
 * back. The timer is pending only for that second, so an idle daemon
 * still has no timer at all.
 */
void
server_trim_soon(void)
{
	struct timeval	tv = { 1, 0 };

	if (server_trim_timer == NULL)
		server_trim_timer = evtimer_new(server_base, server_trim_cb, NULL);
	evtimer_add(server_trim_timer, &tv);
}

/*
 * Supervisor's shutdown_report(): "waiting for a, b to die" naming every
 * process not yet stopped, at once when the stop begins and then every 3
 * seconds while something is left. Returns how many are left.
 */
static int
server_report(void)
{
	struct group	**groups;
	struct process	 *p;
	struct evbuffer	 *names;
	int		  n, i, j, left = 0;

	names = evbuffer_new();
	groups = group_all(&n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < groups[i]->nprocs; j++) {
			p = groups[i]->procs[j];
			if (process_is_stopped_state(p->state))
				continue;
			evbuffer_add_printf(names, "%s%s", left++ ? ", " : "",
			    p->config->name);
		}
	}
	if (left > 0) {
		evbuffer_add(names, "", 1);
		log_info("waiting for %s to die",
		    (char *)evbuffer_pullup(names, -1));
		for (i = 0; i < n; i++) {
			for (j = 0; j < groups[i]->nprocs; j++) {
				p = groups[i]->procs[j];
				if (!process_is_stopped_state(p->state))
					log_blather("%s state: %s",
					    p->config->name,
					    process_state_name(p->state));
			}
		}
	}
	evbuffer_free(names);
	return (left);
}

static void
server_report_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	tv = { 3, 0 };

	if (server_report() > 0)
		evtimer_add(server_report_timer, &tv);
}

/*
 * Stop the highest-priority group still listed; move on when it is all
 * stopped. Called at the start of a shutdown and after every state change
 * while one runs.
 */
static void
server_stop_next(void)
{
	static int	 busy;
	struct group	*g;

	/* Stopping emits state changes, which call us again: not nested. */
	if (busy)
		return;
	busy = 1;
	while (server_nstop > 0) {
		g = server_stop_list[server_nstop - 1];
		group_stop_all(g);
		if (group_unstopped(g) > 0) {
			busy = 0;
			return;
		}
		server_nstop--;
	}
	busy = 0;
	free(server_stop_list);
	server_stop_list = NULL;
	event_base_loopexit(server_base, NULL);
}

static void
server_observer(struct process *p, enum process_state old, void *arg)
{
	if (server_stopping && server_nstop > 0 && process_is_stopped_state(
	    p->state))
		server_stop_next();
}

/* A group removed while a shutdown lists it must leave the list. */
static void
server_group_cb(struct group *g, enum group_change change, void *arg)
{
	int	i;

	if (change != GROUP_CHANGE_REMOVED)
		return;
	for (i = 0; i < server_nstop; i++) {
		if (server_stop_list[i] == g) {
			memmove(&server_stop_list[i], &server_stop_list[i + 1],
			    (server_nstop - i - 1) * sizeof *server_stop_list);
			server_nstop--;
			return;
		}
	}
}

/*
 * The list is taken from its end: without depends_on that is group_all()
 * as it is, highest priority last; with it, the reverse of the order in
 * which deps-run.c says to stop, so dependents go first.
 */
static void
server_begin_stop(void)
{
	struct group	**groups, **order;
	struct timeval	  tv = { 3, 0 };
	int		  n, i;

	if (server_stopping)
		return;
	server_stopping = 1;
	/* Held starts would spawn during the stop; it orders everything. */
	deps_run_cancel_all();
	groups = group_all(&n);
	server_stop_list = xcalloc(n + 1, sizeof *server_stop_list);
	if ((order = deps_run_order(1, &n)) != NULL) {
		for (i = 0; i < n; i++)
			server_stop_list[n - 1 - i] = order[i];
		free(order);
	} else if (n > 0)
		memcpy(server_stop_list, groups, n * sizeof *groups);
	server_nstop = n;
	event_emit(EVENT_SUPERVISOR_STATE_CHANGE_STOPPING, "", 0);
	server_report_timer = evtimer_new(server_base, server_report_cb, NULL);
	server_stop_next();
	/* The first group got its stop signals; nothing has been reaped. */
	if (server_stop_list != NULL && server_report() > 0)
		evtimer_add(server_report_timer, &tv);
}

void
server_shutdown(void)
{
	server_mood = SERVER_SHUTDOWN;
	sdnotify_stopping();
	server_begin_stop();
}

/*
 * A shutdown that ends with a failure status: exit_on_fatal saw a program
 * it cannot do without die, and a container runtime or systemd should see
 * the daemon fail rather than stop cleanly. The first status sticks.
 */
void
server_shutdown_failed(int status)
{
	if (server_mood != SERVER_SHUTDOWN && server_exit_code == 0)
		server_exit_code = status;
	server_shutdown();
}

int
server_exit_status(void)
{
	return (server_exit_code);
}

void
server_restart(void)
{
	if (server_mood == SERVER_SHUTDOWN)
		return;
	server_mood = SERVER_RESTARTING;
	server_begin_stop();
}

int
server_is_restarting(void)
{
	return (server_mood == SERVER_RESTARTING);
}

/*
 * A pid that is none of our processes: an orphan reparented to us (we are
 * a subreaper, or PID 1 in a container), or a child some other part of
 * the daemon forked. Parts that fork their own children (exec checks)
 * look here first; whatever nobody claims is only logged.
 */
static void
server_reap_unknown(pid_t pid, int status)
{
	char	msg[128];

	/* An exec: check's command is the checks' to reap. */
	if (check_probe_reaped(pid, status))
		return;
	process_decode_status(status, msg, sizeof msg);
	log_info("reaped unknown pid %d (%s)", (int)pid, msg);
}

/*
 * Reap children that have exited, at most max of them (0: all); one
 * SIGCHLD may stand for many. Returns 1 if there may be more, which no
 * SIGCHLD will announce again.
 */
static int
server_reap(int max)
{
	struct process	*p;
	pid_t		 pid;
	int		 status, n = 0;

	for (;;) {
		if (max != 0 && n++ == max)
			return (1);
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == 0)
			return (0);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				log_crit("waitpid error %d; a process may not be "
				    "cleaned up properly", errno);
			return (0);
		}
		if ((p = process_find_by_pid(pid)) == NULL) {
			server_reap_unknown(pid, status);
			continue;
		}
		process_reaped(p, status);
	}
}

/*
 * Reaping runs from a timer due at once: it fires once per turn of the
 * loop however many SIGCHLDs came (libevent runs a signal's callback once
 * for each), reaps a batch and, if that may not have been all, comes
 * back on the next turn.
 */
static void
server_reap_soon(void)
{
	struct timeval	tv = { 0, 0 };

	if (!evtimer_pending(server_reap_timer, NULL))
		evtimer_add(server_reap_timer, &tv);
}

static void
server_reap_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	if (server_reap(SERVER_REAP_BATCH))
		server_reap_soon();
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	switch (sig) {
	case SIGCHLD:
		log_debug("received SIGCHLD indicating a child quit");
		server_reap_soon();
		break;
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		log_warn("received %s indicating exit request",
		    cv_signame(sig));
		server_shutdown();
		break;
	case SIGHUP:
		if (server_mood == SERVER_SHUTDOWN) {
			log_warn("ignored SIGHUP indicating restart request "
			    "(shutdown in progress)");
			break;
		}
		log_warn("received SIGHUP indicating restart request");
		/* Unlike Supervisor, a broken config keeps us running. */
		if (server_reload_check != NULL && server_reload_check() != 0)
			break;
		server_restart();
		break;
	case SIGUSR2:
		log_info("received SIGUSR2 indicating log reopen request");
		log_info("supervisord logreopen");
		logfile_reopen_all();
		break;
	}
}

void
server_init(void)
{
	static const int sigs[] = {
		SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2,
	};
	size_t	i;

	/*
	 * Orphans of our programs' children come to us instead of init, so
	 * none is left a zombie in a container whose PID 1 is not ours, and
	 * the reaper sees them; as PID 1 we get them anyway.
	 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		log_debug("cannot become a child subreaper: %s",
		    strerror(errno));
	/* A closed client or a file-size limit must give errors, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		server_signals[i] = evsignal_new(server_base, sigs[i],
		    server_signal_cb, NULL);
		evsignal_add(server_signals[i], NULL);
	}
	server_reap_timer = evtimer_new(server_base, server_reap_timer_cb,
	    NULL);
	process_add_observer(server_observer, NULL);
}

/* Run until a shutdown or restart has stopped everything. */
void
server_loop(void)
{
	event_base_dispatch(server_base);
	/* Children that died during the last pass are reaped here. */
	server_reap(0);
}

void
server_done(void)
{
	size_t	i;

	for (i = 0; i < sizeof server_signals / sizeof server_signals[0]; i++) {
		if (server_signals[i] != NULL)
			event_free(server_signals[i]);
		server_signals[i] = NULL;
	}
	if (server_report_timer != NULL)
		event_free(server_report_timer);
	server_report_timer = NULL;
	if (server_trim_timer != NULL)
		event_free(server_trim_timer);
	server_trim_timer = NULL;
	if (server_reap_timer != NULL)
		event_free(server_reap_timer);
	server_reap_timer = NULL;
	process_remove_observer(server_observer, NULL);
	group_remove_observer(server_group_cb, NULL);
}
