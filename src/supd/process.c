/*
 * The process state machine, Supervisor's (process.py Subprocess) made
 * event-driven: instead of re-examining every process once a second, each
 * state arms its own deadline (startsecs in STARTING, the back-off delay in
 * BACKOFF, stopwaitsecs in STOPPING) and the reaper reports exits as they
 * happen. Only process_set_state() changes state; it swaps the timer,
 * emits the PROCESS_STATE event and tells observers (waiting RPC calls,
 * the shutdown sequence).
 */
#include <sys/wait.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "config-value.h"
#include "event.h"
#include "hmap.h"
#include "log.h"
#include "process.h"
#include "spawn.h"
#include "xmalloc.h"

struct process_observer {
	process_observer_fn	 fn;
	void			*arg;
};

static struct process_observer	*process_observers;
static int			 process_nobservers;
static struct hmap		 process_by_pid;
static struct event_base	*process_base;
static const struct process_hooks *process_hooks;
static const struct process_check_hooks *process_check_hooks;

static void	process_timer_cb(evutil_socket_t, short, void *);
static const char *process_kill(struct process *, int);

static const struct {
	enum process_state	 state;
	const char		*name;
	enum event_type		 event;
} process_states[] = {
	{ PROCESS_STOPPED, "STOPPED", EVENT_PROCESS_STATE_STOPPED },
	{ PROCESS_STARTING, "STARTING", EVENT_PROCESS_STATE_STARTING },
	{ PROCESS_RUNNING, "RUNNING", EVENT_PROCESS_STATE_RUNNING },
	{ PROCESS_BACKOFF, "BACKOFF", EVENT_PROCESS_STATE_BACKOFF },
	{ PROCESS_STOPPING, "STOPPING", EVENT_PROCESS_STATE_STOPPING },
	{ PROCESS_EXITED, "EXITED", EVENT_PROCESS_STATE_EXITED },
	{ PROCESS_FATAL, "FATAL", EVENT_PROCESS_STATE_FATAL },
	{ PROCESS_UNKNOWN, "UNKNOWN", EVENT_PROCESS_STATE_UNKNOWN },
};

const char *
process_state_name(enum process_state state)
{
	size_t	i;

	for (i = 0; i < sizeof process_states / sizeof process_states[0]; i++) {
		if (process_states[i].state == state)
			return (process_states[i].name);
	}
	return ("UNKNOWN");
}

int
process_is_stopped_state(enum process_state s)
{
	return (s == PROCESS_STOPPED || s == PROCESS_EXITED ||
	    s == PROCESS_FATAL || s == PROCESS_UNKNOWN);
}

int
process_is_running_state(enum process_state s)
{
	return (s == PROCESS_RUNNING || s == PROCESS_BACKOFF ||
	    s == PROCESS_STARTING);
}

double
process_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static double
process_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

void
process_init(struct event_base *base, const struct process_hooks *hooks)
{
	process_base = base;
	process_hooks = hooks;
}

void
process_set_check_hooks(const struct process_check_hooks *hooks)
{
	process_check_hooks = hooks;
}

void
process_add_observer(process_observer_fn fn, void *arg)
{
	process_observers = xreallocarray(process_observers,
	    process_nobservers + 1, sizeof *process_observers);
	process_observers[process_nobservers].fn = fn;
	process_observers[process_nobservers].arg = arg;
	process_nobservers++;
}

void
process_remove_observer(process_observer_fn fn, void *arg)
{
	int	i;

	for (i = 0; i < process_nobservers; i++) {
		if (process_observers[i].fn == fn &&
		    process_observers[i].arg == arg) {
			memmove(&process_observers[i], &process_observers[i + 1],
			    (process_nobservers - i - 1) *
			    sizeof *process_observers);
			process_nobservers--;
			return;
		}
	}
}

struct process *
process_create(struct process_config *pc, struct group *g)
{
	struct process	*p;

	p = xcalloc(1, sizeof *p);
	p->config = pc;
	p->group = g;
	if (strcmp(pc->name, pc->group->name) == 0)
		p->namespec = xstrdup(pc->name);
	else
		xasprintf(&p->namespec, "%s:%s", pc->group->name, pc->name);
	p->state = PROCESS_STOPPED;
	p->stdin_fd = -1;
	p->fcgi_fd = -1;
	p->ready = 1;
	p->refs = 1;
	return (p);
}

void
process_ref(struct process *p)
{
	p->refs++;
}

void
process_unref(struct process *p)
{
	if (--p->refs > 0)
		return;
	if (p->check != NULL && process_check_hooks != NULL &&
	    process_check_hooks->free != NULL)
		process_check_hooks->free(p);
	if (p->timer != NULL)
		event_free(p->timer);
	if (p->stdin_ev != NULL)
		event_free(p->stdin_ev);
	if (p->stdin_buf != NULL)
		evbuffer_free(p->stdin_buf);
	if (p->stdin_fd != -1)
		close(p->stdin_fd);
	capture_free(p->out);
	capture_free(p->err);
	free(p->spawnerr);
	free(p->status_text);
	free(p->waitfor);
	free(p->namespec);
	free(p);
}

static void
process_set_spawnerr(struct process *p, const char *msg)
{
	free(p->spawnerr);
	p->spawnerr = msg != NULL ? xstrdup(msg) : NULL;
}

static void
process_arm(struct process *p, double seconds)
{
	struct timeval	tv;

	if (seconds < 0)
		seconds = 0;
	/*
	 * Timers count from libevent's cached loop time; a callback that
	 * spawns many processes would otherwise arm them early.
	 */
	event_base_update_cache_time(process_base);
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - tv.tv_sec) * 1e6);
	/* Made for each state with a deadline, freed when it ends. */
	if (p->timer == NULL)
		p->timer = evtimer_new(process_base, process_timer_cb, p);
	evtimer_add(p->timer, &tv);
}

/* The payload of a PROCESS_STATE event, as events.py renders it. */
static void
process_emit_state(struct process *p, enum process_state old,
    enum event_type type, int expected)
{
	char	buf[1024];
	int	n;

	if (!event_wanted(type))
		return;
	n = snprintf(buf, sizeof buf, "processname:%s groupname:%s "
	    "from_state:%s", p->config->name, p->config->group->name,
	    process_state_name(old));
	switch (p->state) {
	case PROCESS_STARTING:
	case PROCESS_BACKOFF:
		n += snprintf(buf + n, sizeof buf - n, " tries:%d", p->backoff);
		break;
	case PROCESS_EXITED:
		n += snprintf(buf + n, sizeof buf - n, " expected:%d pid:%d",
		    expected, (int)p->pid);
		break;
	case PROCESS_RUNNING:
	case PROCESS_STOPPING:
	case PROCESS_STOPPED:
		n += snprintf(buf + n, sizeof buf - n, " pid:%d", (int)p->pid);
		break;
	default:
		break;
	}
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	event_emit(type, buf, n);
}

/*
 * The only writer of p->state. Arms the new state's deadline, emits the
 * event and notifies observers. expected matters only for EXITED.
 */
static void
process_set_state(struct process *p, enum process_state state, int expected)
{
	enum process_state	old = p->state;
	size_t			i;
	int			j;

	if (state == old)
		return;
	p->state = state;
	/* Freed, not kept: a RUNNING process (most of them) needs none. */
	if (p->timer != NULL) {
		event_free(p->timer);
		p->timer = NULL;
	}
	switch (state) {
	case PROCESS_STARTING:
		p->nspawns++;
		p->startsecs_done = 0;
		if (p->config->startsecs > 0)
			process_arm(p, p->config->startsecs);
		break;
	case PROCESS_BACKOFF:
		p->backoff++;
		/* Past startretries FATAL follows at once; else retry later. */
		process_arm(p, p->backoff > p->config->startretries ? 0 :
		    p->backoff);
		break;
	case PROCESS_STOPPING:
		process_arm(p, p->config->stopwaitsecs);
		break;
	default:
		break;
	}
	log_blather("%s: %s -> %s", p->namespec, process_state_name(old),
	    process_state_name(state));
	for (i = 0; i < sizeof process_states / sizeof process_states[0]; i++) {
		if (process_states[i].state == state)
			process_emit_state(p, old, process_states[i].event,
			    expected);
	}
	process_ref(p);
	for (j = 0; j < process_nobservers; j++)
		process_observers[j].fn(p, old, process_observers[j].arg);
	process_unref(p);
}

/* STARTING -> RUNNING once startsecs have passed and it is ready. */
static void
process_maybe_running(struct process *p)
{
	if (p->state != PROCESS_STARTING || !p->startsecs_done || !p->ready)
		return;
	p->backoff = 0;
	process_set_state(p, PROCESS_RUNNING, 1);
	log_info("success: %s entered RUNNING state, process has stayed up "
	    "for > than %d seconds (startsecs)", p->config->name,
	    p->config->startsecs);
}

void
process_set_ready(struct process *p)
{
	p->ready = 1;
	process_maybe_running(p);
}

void
process_not_ready(struct process *p, const char *reason)
{
	if (p->state != PROCESS_STARTING || p->pid == 0)
		return;
	process_set_spawnerr(p, reason);
	log_warn("%s: %s, stopping it", p->config->name, reason);
	p->check_stop = PROCESS_CHECK_STOP_NOT_READY;
	process_kill(p, p->config->stopsignal);
}

/*
 * A restart that is not an administrative stop: the reaper starts the
 * process again (unless the daemon is shutting down).
 */
const char *
process_restart(struct process *p)
{
	static char	msg[256];

	if (p->state != PROCESS_RUNNING || p->pid == 0) {
		snprintf(msg, sizeof msg, "%s is not running", p->config->name);
		return (msg);
	}
	p->check_stop = PROCESS_CHECK_STOP_RESTART;
	return (process_kill(p, p->config->stopsignal));
}

void
process_set_status_text(struct process *p, const char *text)
{
	free(p->status_text);
	p->status_text = text != NULL ? xstrdup(text) : NULL;
}

void
process_give_up(struct process *p)
{
	if (p->state != PROCESS_BACKOFF)
		return;
	p->backoff = 0;
	p->system_stop = 1;
	process_set_state(p, PROCESS_FATAL, 1);
}

static void
process_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct process	*p = arg;

	switch (p->state) {
	case PROCESS_STARTING:
		p->startsecs_done = 1;
		process_maybe_running(p);
		break;
	case PROCESS_BACKOFF:
		if (p->backoff > p->config->startretries) {
			process_give_up(p);
			log_info("gave up: %s entered FATAL state, too many "
			    "start retries too quickly", p->config->name);
		} else if (process_hooks->accepts_starts())
			process_spawn(p);
		break;
	case PROCESS_STOPPING:
		log_warn("killing '%s' (%d) with SIGKILL", p->config->name,
		    (int)p->pid);
		process_kill(p, SIGKILL);
		break;
	default:
		break;
	}
}

static void
process_record_spawnerr(struct process *p, const char *msg)
{
	process_set_spawnerr(p, msg);
	log_info("spawnerr: %s", msg);
}

/* Output of the child, and the stdin pipe. */
static int
process_open_channels(struct process *p, struct spawn_fds *fds, char **cause)
{
	struct process_config	*pc = p->config;

	if (capture_open_pipes(pc, fds, cause) != 0)
		return (-1);
	p->out = capture_create(p, 0, fds->out_parent);
	if (fds->err_parent != -1)
		p->err = capture_create(p, 1, fds->err_parent);
	if (capture_open_logs(p->out, cause) != 0 ||
	    (p->err != NULL && capture_open_logs(p->err, cause) != 0)) {
		capture_free(p->out);
		capture_free(p->err);
		p->out = p->err = NULL;
		close(fds->in_parent);
		spawn_close_child_fds(fds);
		return (-1);
	}
	p->stdin_fd = fds->in_parent;
	return (0);
}

static void
process_close_channels(struct process *p)
{
	capture_free(p->out);
	capture_free(p->err);
	p->out = p->err = NULL;
	if (p->stdin_ev != NULL) {
		event_free(p->stdin_ev);
		p->stdin_ev = NULL;
	}
	if (p->stdin_buf != NULL) {
		evbuffer_free(p->stdin_buf);
		p->stdin_buf = NULL;
	}
	if (p->stdin_fd != -1) {
		close(p->stdin_fd);
		p->stdin_fd = -1;
	}
}

pid_t
process_spawn(struct process *p)
{
	struct spawn_fds	 fds;
	struct spawn_args	*sa;
	char			*cause = NULL;
	pid_t			 pid;
	int			 wait_ready = 0;

	if (p->pid != 0) {
		log_warn("process '%s' already running", p->config->name);
		return (0);
	}
	p->killing = 0;
	process_set_spawnerr(p, NULL);
	p->exitstatus = 0;
	p->system_stop = 0;
	p->administrative_stop = 0;
	p->check_stop = PROCESS_CHECK_STOP_NONE;
	process_set_status_text(p, NULL);
	p->laststart = process_now();
	clock_gettime(CLOCK_MONOTONIC, &p->started);
	p->ready = 1;
	process_set_state(p, PROCESS_STARTING, 1);

	if ((sa = spawn_prepare(p->config, &cause)) == NULL) {
		process_record_spawnerr(p, cause);
		free(cause);
		process_set_state(p, PROCESS_BACKOFF, 1);
		return (0);
	}
	if (process_check_hooks != NULL &&
	    process_check_hooks->spawning != NULL &&
	    (wait_ready = process_check_hooks->spawning(p, sa, &cause)) < 0) {
		process_record_spawnerr(p, cause);
		free(cause);
		spawn_args_free(sa);
		process_set_state(p, PROCESS_BACKOFF, 1);
		return (0);
	}
	p->ready = !wait_ready;
	if (process_open_channels(p, &fds, &cause) != 0) {
		process_record_spawnerr(p, cause);
		free(cause);
		spawn_args_free(sa);
		process_set_state(p, PROCESS_BACKOFF, 1);
		return (0);
	}
	fds.fcgi = p->fcgi_fd;
	if ((pid = spawn_exec(sa, &fds, &cause)) <= 0) {
		process_record_spawnerr(p, cause);
		free(cause);
		spawn_args_free(sa);
		process_close_channels(p);
		process_set_state(p, PROCESS_BACKOFF, 1);
		return (0);
	}
	spawn_args_free(sa);
	p->pid = pid;
	hmap_put_int(&process_by_pid, pid, p);
	capture_start(p->out);
	if (p->err != NULL)
		capture_start(p->err);
	log_info("spawned: '%s' with pid %d", p->config->name, (int)pid);
	if (p->config->startsecs <= 0) {
		p->startsecs_done = 1;
		process_maybe_running(p);
	}
	return (pid);
}

/*
 * Supervisor's kill(): the first signal of a stop (stopsignal, to the
 * group if stopasgroup) or the SIGKILL after stopwaitsecs (to the group if
 * killasgroup). Returns NULL, or why nothing was sent.
 */
static const char *
process_kill(struct process *p, int sig)
{
	static char	 msg[256];
	int		 asgroup;

	if (p->state == PROCESS_BACKOFF) {
		log_debug("Attempted to kill %s, which is in BACKOFF state.",
		    p->config->name);
		process_set_state(p, PROCESS_STOPPED, 1);
		return (NULL);
	}
	if (p->pid == 0) {
		snprintf(msg, sizeof msg, "attempted to kill %s with sig %s but "
		    "it wasn't running", p->config->name, cv_signame(sig));
		log_debug("%s", msg);
		return (msg);
	}
	asgroup = p->state == PROCESS_STOPPING ? p->config->killasgroup :
	    p->config->stopasgroup;
	log_debug("killing %s (pid %d) %swith signal %s", p->config->name,
	    (int)p->pid, asgroup ? "process group " : "", cv_signame(sig));
	p->killing = 1;
	if (p->state == PROCESS_STOPPING)
		process_arm(p, p->config->stopwaitsecs);
	else
		process_set_state(p, PROCESS_STOPPING, 1);
	if (kill(asgroup ? -p->pid : p->pid, sig) != 0) {
		if (errno == ESRCH) {
			log_debug("unable to signal %s (pid %d), it probably just "
			    "exited on its own: %s", p->config->name,
			    (int)p->pid, strerror(errno));
			return (NULL);
		}
		snprintf(msg, sizeof msg, "unknown problem killing %s (%d): %s",
		    p->config->name, (int)p->pid, strerror(errno));
		log_crit("%s", msg);
		p->killing = 0;
		process_set_state(p, PROCESS_UNKNOWN, 1);
		return (msg);
	}
	return (NULL);
}

/*
 * A stop on purpose. The before_stop hook may hold the stopsignal back
 * until something outside is told first (a registry deregisters the
 * service so no client is sent to a dying process); it then calls
 * process_stop_continue, at most a registry timeout later. Meanwhile the
 * process keeps its state, and a second stop does not ask again.
 */
const char *
process_stop(struct process *p)
{
	p->administrative_stop = 1;
	if (p->stop_pending)
		return (NULL);
	if (p->pid != 0 && p->state != PROCESS_STOPPING &&
	    process_hooks->before_stop != NULL &&
	    process_hooks->before_stop(p)) {
		p->stop_pending = 1;
		return (NULL);
	}
	return (process_kill(p, p->config->stopsignal));
}

void
process_stop_continue(struct process *p)
{
	if (!p->stop_pending)
		return;
	p->stop_pending = 0;
	if (p->pid != 0 && p->state != PROCESS_STOPPING)
		process_kill(p, p->config->stopsignal);
}

const char *
process_signal(struct process *p, int sig)
{
	static char	msg[256];

	if (p->pid == 0) {
		snprintf(msg, sizeof msg, "attempted to send %s sig %s but it "
		    "wasn't running", p->config->name, cv_signame(sig));
		log_debug("%s", msg);
		return (msg);
	}
	log_debug("sending %s (pid %d) sig %s", p->config->name, (int)p->pid,
	    cv_signame(sig));
	if (kill(p->pid, sig) != 0) {
		if (errno == ESRCH)
			return (NULL);
		snprintf(msg, sizeof msg, "unknown problem sending sig %s (%d): "
		    "%s", p->config->name, (int)p->pid, strerror(errno));
		log_crit("%s", msg);
		process_set_state(p, PROCESS_UNKNOWN, 1);
		return (msg);
	}
	return (NULL);
}

int
process_decode_status(int status, char *msg, size_t len)
{
	if (WIFEXITED(status)) {
		snprintf(msg, len, "exit status %d", WEXITSTATUS(status));
		return (WEXITSTATUS(status));
	}
	if (WIFSIGNALED(status)) {
		snprintf(msg, len, "terminated by %s%s",
		    cv_signame(WTERMSIG(status)),
		    WCOREDUMP(status) ? " (core dumped)" : "");
		return (-1);
	}
	snprintf(msg, len, "unknown termination cause 0x%04x", status);
	return (-1);
}

static int
process_exit_expected(const struct process *p, int es)
{
	int	i;

	for (i = 0; i < p->config->nexitcodes; i++) {
		if (p->config->exitcodes[i] == es)
			return (1);
	}
	return (0);
}

/* Supervisor's transition() for EXITED: autorestart rules. */
static void
process_maybe_restart(struct process *p)
{
	if (p->state != PROCESS_EXITED || !process_hooks->accepts_starts())
		return;
	if (p->config->autorestart == AUTORESTART_TRUE ||
	    (p->config->autorestart == AUTORESTART_UNEXPECTED &&
	    !process_exit_expected(p, p->exitstatus)))
		process_spawn(p);
}

/*
 * Supervisor's finish(): the reaper found our child dead. Read what it
 * left in its pipes, decide what the exit means, change state, and
 * restart it when the rules say so.
 */
void
process_reaped(struct process *p, int status)
{
	char	msg[128], *line;
	int	es, expected, too_quickly, restart;
	double	up;

	process_ref(p);
	/*
	 * What its process group left behind (a uWSGI or Celery worker whose
	 * master was killed) would otherwise live on beside the restarted
	 * one; killasgroup asked for the whole group to go, as systemd's
	 * control-group kill mode does. The group id cannot be reused while
	 * any member lives, and the reaper calls this as soon as waitpid
	 * freed the pid, so this reaches only the dead one's own.
	 */
	if (p->config->killasgroup && kill(-p->pid, SIGKILL) == 0)
		log_debug("killed what %s (pid %d) left in its process group",
		    p->config->name, (int)p->pid);
	capture_drain(p->out);
	capture_drain(p->err);
	es = process_decode_status(status, msg, sizeof msg);
	p->laststop = process_now();
	up = process_mono() - (p->started.tv_sec + p->started.tv_nsec / 1e9);
	/* Gone before its ready check passed: a failed start too. */
	too_quickly = up < p->config->startsecs || !p->ready;
	expected = process_exit_expected(p, es);
	restart = p->check_stop == PROCESS_CHECK_STOP_RESTART;
	if (p->stop_pending) {
		/* It left while its stop waited for the hook: as if killed. */
		p->stop_pending = 0;
		p->killing = 1;
	}

	if (p->killing && p->check_stop == PROCESS_CHECK_STOP_NOT_READY &&
	    process_hooks->accepts_starts()) {
		/* Stopped for not getting ready: counts against startretries. */
		p->killing = 0;
		p->exitstatus = es;
		process_set_state(p, PROCESS_BACKOFF, 1);
		log_warn("stopped: %s (%s; not ready)", p->config->name, msg);
	} else if (p->killing) {
		p->killing = 0;
		p->exitstatus = es;
		process_set_state(p, PROCESS_STOPPED, 1);
		if (expected)
			log_info("stopped: %s (%s)", p->config->name, msg);
		else
			log_warn("stopped: %s (%s)", p->config->name, msg);
	} else if (too_quickly && p->state == PROCESS_STARTING) {
		p->exitstatus = 0;
		process_set_spawnerr(p, "Exited too quickly (process log may "
		    "have details)");
		process_set_state(p, PROCESS_BACKOFF, 1);
		log_warn("exited: %s (%s; not expected)", p->config->name, msg);
	} else {
		p->backoff = 0;
		p->exitstatus = es;
		if (p->state == PROCESS_STARTING)
			process_set_state(p, PROCESS_RUNNING, 1);
		if (expected) {
			process_set_state(p, PROCESS_EXITED, 1);
			log_info("exited: %s (%s; expected)", p->config->name,
			    msg);
		} else {
			xasprintf(&line, "Bad exit code %d", es);
			process_set_spawnerr(p, line);
			free(line);
			process_set_state(p, PROCESS_EXITED, 0);
			log_warn("exited: %s (%s; not expected)",
			    p->config->name, msg);
		}
	}
	hmap_del_int(&process_by_pid, p->pid);
	p->pid = 0;
	process_close_channels(p);
	if (restart && p->state == PROCESS_STOPPED &&
	    process_hooks->accepts_starts())
		process_spawn(p);
	else
		process_maybe_restart(p);
	process_unref(p);
}

/* The reaper's lookup. */
struct process *
process_find_by_pid(pid_t pid)
{
	return (hmap_get_int(&process_by_pid, pid));
}

void
process_autostart(struct process *p)
{
	if (p->state == PROCESS_STOPPED && p->laststart == 0 &&
	    p->config->autostart && process_hooks->accepts_starts())
		process_spawn(p);
}

static void
process_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct process	*p = arg;

	if (evbuffer_write(p->stdin_buf, fd) < 0 && errno != EAGAIN) {
		/* The child closed its stdin: drop what is left. */
		evbuffer_drain(p->stdin_buf, evbuffer_get_length(p->stdin_buf));
	}
	if (evbuffer_get_length(p->stdin_buf) > 0)
		event_add(p->stdin_ev, NULL);
}

int
process_write_stdin(struct process *p, const void *buf, size_t len)
{
	if (p->pid == 0 || p->killing || p->stdin_fd == -1) {
		errno = EPIPE;
		return (-1);
	}
	if (p->stdin_buf == NULL) {
		p->stdin_buf = evbuffer_new();
		p->stdin_ev = event_new(process_base, p->stdin_fd, EV_WRITE,
		    process_stdin_cb, p);
	}
	evbuffer_add(p->stdin_buf, buf, len);
	/*
	 * evbuffer_write() of an empty buffer returns -1 without setting
	 * errno: an empty write (Supervisor answers true) would read a
	 * stale one.
	 */
	if (evbuffer_get_length(p->stdin_buf) == 0)
		return (0);
	if (evbuffer_write(p->stdin_buf, p->stdin_fd) < 0 && errno != EAGAIN) {
		evbuffer_drain(p->stdin_buf, evbuffer_get_length(p->stdin_buf));
		errno = EPIPE;
		return (-1);
	}
	if (evbuffer_get_length(p->stdin_buf) > 0)
		event_add(p->stdin_ev, NULL);
	return (0);
}

/* getProcessInfo's description field (rpcinterface._interpretProcessInfo). */
char *
process_description(const struct process *p, double now)
{
	char		*out, buf[64];
	time_t		 t;
	struct tm	 tm;
	long		 up, days;

	/* A start held back by depends_on says what it waits for. */
	if (p->waitfor != NULL && process_is_stopped_state(p->state))
		return (xstrdup(p->waitfor));
	switch (p->state) {
	case PROCESS_RUNNING:
		up = (long)now - (long)p->laststart;
		if (up < 0)
			up = 0;
		days = up / 86400;
		up %= 86400;
		if (days > 0)
			xasprintf(&out, "pid %d, uptime %ld day%s, %ld:%02ld:%02ld",
			    (int)p->pid, days, days == 1 ? "" : "s", up / 3600,
			    (up % 3600) / 60, up % 60);
		else
			xasprintf(&out, "pid %d, uptime %ld:%02ld:%02ld",
			    (int)p->pid, up / 3600, (up % 3600) / 60, up % 60);
		return (out);
	case PROCESS_FATAL:
	case PROCESS_BACKOFF:
		if (p->spawnerr != NULL && *p->spawnerr != '\0')
			return (xstrdup(p->spawnerr));
		xasprintf(&out, "unknown error (try \"tail %s\")",
		    p->config->name);
		return (out);
	case PROCESS_STOPPED:
	case PROCESS_EXITED:
		if (p->laststart == 0)
			return (xstrdup("Not started"));
		t = (time_t)p->laststop;
		localtime_r(&t, &tm);
		strftime(buf, sizeof buf, "%b %d %I:%M %p", &tm);
		return (xstrdup(buf));
	case PROCESS_STARTING:
		return (xstrdup(p->status_text != NULL ? p->status_text : ""));
	default:
		return (xstrdup(""));
	}
}
