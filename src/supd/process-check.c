/*
 * The glue between a process and its checker. A program with a
 * ready_check or health_check gets a checker at its first spawn; the
 * checker is told of the spawn (the ready phase), of RUNNING (the health
 * phase) and of every stop, is fed the program's output lines (log:) and
 * exec: checks are started as the program's own helpers. What the checker
 * says becomes a process change: ready lets STARTING end, not ready is a
 * failed start (BACKOFF), unhealthy a restart; each is logged and sent as
 * an event (PROCESS_READY, PROCESS_HEALTH_FAIL, PROCESS_HEALTH_OK).
 *
 * process.c knows none of this: it calls the hooks handed down here and
 * this file calls its public functions, so imports still go down.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "check.h"
#include "checker.h"
#include "config.h"
#include "event.h"
#include "log.h"
#include "process.h"
#include "process-check.h"
#include "spawn.h"
#include "xmalloc.h"

struct process_check {
	struct process		*proc;
	struct checker		*checker;
	struct checker_ops	 ops;
	/* The last health check failed: the next pass is news. */
	int			 failing;
	/* Restarted as unhealthy: failing until a check passes. */
	int			 unhealthy;
	int			 unhealthy_failures;
};

static struct event_base	*process_check_base;

/* An event about p: "processname:x groupname:g pid:N" and then extra. */
static void
process_check_emit(struct process *p, enum event_type type,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
process_check_emit(struct process *p, enum event_type type,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*extra, *payload;

	if (!event_wanted(type))
		return;
	va_start(ap, fmt);
	xvasprintf(&extra, fmt, ap);
	va_end(ap);
	xasprintf(&payload, "processname:%s groupname:%s pid:%d%s",
	    p->config->name, p->config->group->name, (int)p->pid, extra);
	event_emit(type, payload, strlen(payload));
	free(payload);
	free(extra);
}

static void
process_check_ready_cb(void *arg)
{
	struct process_check	*pc = arg;
	struct process		*p = pc->proc;

	log_info("ready: %s (%s)", p->config->name,
	    checker_last_result(pc->checker));
	process_check_emit(p, EVENT_PROCESS_READY, "%s", "");
	process_set_ready(p);
}

static void
process_check_not_ready_cb(void *arg, const char *reason)
{
	struct process_check	*pc = arg;

	process_not_ready(pc->proc, reason);
}

#define PROCESS_CHECK_MAX_OBSERVERS	4
static process_check_health_fn	process_check_health_observers[
				    PROCESS_CHECK_MAX_OBSERVERS];
static int			process_check_nhealth_observers;

void
process_check_add_health_observer(process_check_health_fn fn)
{
	/* A fixed few, registered at start: one more is a build mistake. */
	if (process_check_nhealth_observers >= PROCESS_CHECK_MAX_OBSERVERS)
		fatalx("too many health observers");
	process_check_health_observers[process_check_nhealth_observers++] =
	    fn;
}

/* Tell the observers of a health result; turned: healthy changed. */
static void
process_check_tell_health(struct process *p, int healthy, int turned,
    const char *result)
{
	int	i;

	for (i = 0; i < process_check_nhealth_observers; i++)
		process_check_health_observers[i](p, healthy, turned, result);
}

static void
process_check_health_cb(void *arg, int ok, int failures, const char *result)
{
	struct process_check	*pc = arg;
	struct process		*p = pc->proc;
	int			 retries = p->config->ext->health_retries;
	int			 turned;

	if (!ok) {
		turned = !pc->failing;
		pc->failing = 1;
		if (failures < retries)
			log_warn("%s: health check failed (%s), %d of %d",
			    p->config->name, result, failures, retries);
		process_check_emit(p, EVENT_PROCESS_HEALTH_FAIL,
		    " failures:%d reason:%s", failures, result);
		process_check_tell_health(p, 0, turned, result);
		return;
	}
	turned = pc->failing || pc->unhealthy;
	if (turned) {
		pc->failing = pc->unhealthy = 0;
		log_info("%s: health check passed (%s)", p->config->name,
		    result);
		process_check_emit(p, EVENT_PROCESS_HEALTH_OK, "%s", "");
	}
	process_check_tell_health(p, 1, turned, result);
}

static void
process_check_unhealthy_cb(void *arg, int failures, const char *result)
{
	struct process_check	*pc = arg;
	struct process		*p = pc->proc;
	const char		*why;

	log_warn("%s: health check failed %d times (%s), restarting",
	    p->config->name, failures, result);
	pc->unhealthy = 1;
	pc->unhealthy_failures = failures;
	if ((why = process_restart(p)) != NULL)
		log_warn("%s: cannot restart: %s", p->config->name, why);
}

static void
process_check_status_cb(void *arg, const char *text)
{
	struct process_check	*pc = arg;

	process_set_status_text(pc->proc, text);
}

/*
 * Only the program speaks for itself: its main process, or anything in
 * its process group (a shell wrapper's child).
 */
static int
process_check_sender_ok(void *arg, pid_t sender)
{
	struct process_check	*pc = arg;
	pid_t			 pid = pc->proc->pid;

	if (pid <= 0 || sender <= 0)
		return (0);
	return (sender == pid || getpgid(sender) == pid);
}

static pid_t
process_check_spawn(const char *command, int outfd, void *arg, char **cause)
{
	struct process_check	*pc = arg;

	return (spawn_command(pc->proc->config, command, outfd, cause));
}

static struct process_check *
process_check_create(struct process *p)
{
	const struct process_ext	*c = p->config->ext;
	struct process_check		*pc;
	struct checker_config		 cf;

	pc = xcalloc(1, sizeof *pc);
	pc->proc = p;
	pc->ops.ready = process_check_ready_cb;
	pc->ops.not_ready = process_check_not_ready_cb;
	pc->ops.health = process_check_health_cb;
	pc->ops.unhealthy = process_check_unhealthy_cb;
	pc->ops.status = process_check_status_cb;
	pc->ops.sender_ok = process_check_sender_ok;
	pc->ops.spawn = process_check_spawn;
	pc->ops.spawn_arg = pc;
	memset(&cf, 0, sizeof cf);
	cf.ready = c->ready_check;
	cf.ready_timeout = c->ready_timeout;
	cf.health = c->health_check;
	cf.health_interval = c->health_interval;
	cf.health_timeout = c->health_timeout;
	cf.health_retries = c->health_retries;
	pc->checker = checker_create(process_check_base, &cf, &pc->ops, pc);
	return (pc);
}

/*
 * The spawning hook: the checker is made at the first spawn of a program
 * that has checks; a notify check puts its socket in the child's
 * NOTIFY_SOCKET (and a watchdog its interval in WATCHDOG_USEC); then the
 * ready phase begins.
 */
static int
process_check_spawning(struct process *p, struct spawn_args *sa,
    char **cause)
{
	const struct process_ext	*c = p->config->ext;
	const char			*address;
	char				*why = NULL, usec[32];

	if (c->ready_check == NULL && c->health_check == NULL)
		return (0);
	if (p->check == NULL)
		p->check = process_check_create(p);
	address = checker_notify_socket(p->check->checker, &why);
	if (address == NULL && why != NULL) {
		*cause = why;
		return (-1);
	}
	if (address != NULL)
		spawn_args_setenv(sa, "NOTIFY_SOCKET", address);
	if (c->health_check != NULL && c->health_check->kind == CHECK_NOTIFY) {
		snprintf(usec, sizeof usec, "%lld",
		    (long long)c->health_interval * 1000000);
		spawn_args_setenv(sa, "WATCHDOG_USEC", usec);
	}
	p->check->failing = 0;
	checker_started(p->check->checker);
	return (c->ready_check != NULL);
}

static void
process_check_free(struct process *p)
{
	checker_free(p->check->checker);
	free(p->check);
	p->check = NULL;
}

static const struct process_check_hooks process_check_hooks = {
	.spawning = process_check_spawning,
	.free = process_check_free,
};

/* RUNNING starts the health phase; anything but STARTING ends the checks. */
static void
process_check_observer(struct process *p, enum process_state old, void *arg)
{
	if (p->check == NULL)
		return;
	if (p->state == PROCESS_RUNNING)
		checker_running(p->check->checker);
	else if (p->state != PROCESS_STARTING)
		checker_stopped(p->check->checker);
}

static void
process_check_line(struct process *p, const char *line, size_t len)
{
	if (p->check != NULL)
		checker_line(p->check->checker, line, len);
}

void
process_check_init(struct event_base *base)
{
	process_check_base = base;
	process_set_check_hooks(&process_check_hooks);
	process_add_observer(process_check_observer, NULL);
	capture_line_input = process_check_line;
}

void
process_check_done(void)
{
	capture_line_input = NULL;
	process_remove_observer(process_check_observer, NULL);
	process_set_check_hooks(NULL);
	check_free_all();
}

int
process_check_ready(const struct process *p)
{
	if (p->state != PROCESS_RUNNING)
		return (0);
	return (p->check == NULL || p->config->ext->ready_check == NULL ||
	    checker_is_ready(p->check->checker));
}

const char *
process_check_health(const struct process *p)
{
	if (p->check == NULL || p->config->ext->health_check == NULL)
		return (checker_health_name(CHECKER_HEALTH_NONE));
	if (p->check->unhealthy)
		return (checker_health_name(CHECKER_HEALTH_FAILING));
	return (checker_health_name(checker_health(p->check->checker)));
}

int
process_check_failures(const struct process *p)
{
	int	n;

	if (p->check == NULL)
		return (0);
	n = checker_failures(p->check->checker);
	if (n == 0 && p->check->unhealthy)
		n = p->check->unhealthy_failures;
	return (n);
}

const char *
process_check_last(const struct process *p)
{
	if (p->check == NULL)
		return ("");
	return (checker_last_result(p->check->checker));
}

const char *
process_check_status_text(const struct process *p)
{
	if (p->check == NULL)
		return (NULL);
	return (checker_status_text(p->check->checker));
}
