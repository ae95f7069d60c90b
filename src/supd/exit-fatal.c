/*
 * exit_on_fatal: in a container the daemon is the unit that restarts, so
 * when a program it cannot do without is gone for good (FATAL, or EXITED
 * with nothing to restart it), stop everything in order and exit 1, and
 * let the orchestrator decide what comes next (Supervisor #712).
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit-fatal.h"
#include "log.h"
#include "process.h"
#include "server.h"

/* Whether the program is listed in [supervisord] exit_on_fatal. */
static int
exit_fatal_listed(const struct process *p)
{
	const struct config_list	*l;
	int				 i;

	if (server_config == NULL)
		return (0);
	l = &server_config->exit_on_fatal;
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->items[i], "*") == 0 ||
		    strcmp(l->items[i], p->config->program) == 0 ||
		    strcmp(l->items[i], p->config->group->name) == 0 ||
		    strcmp(l->items[i], p->namespec) == 0)
			return (1);
	}
	return (0);
}

/* EXITED that autorestart will not follow with a start. */
static int
exit_fatal_final_exit(const struct process *p)
{
	int	i;

	if (p->config->autorestart == AUTORESTART_FALSE)
		return (1);
	if (p->config->autorestart == AUTORESTART_TRUE)
		return (0);
	for (i = 0; i < p->config->nexitcodes; i++) {
		if (p->config->exitcodes[i] == p->exitstatus)
			return (1);
	}
	return (0);
}

/* The shutdown runs from its own event, not inside a state change. */
static void
exit_fatal_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	server_shutdown_failed(1);
}

static void
exit_fatal_observer(struct process *p, enum process_state old, void *arg)
{
	static int	 fired;
	const char	*why;

	if (fired || server_state() != SERVER_RUNNING || !exit_fatal_listed(p))
		return;
	if (p->state == PROCESS_FATAL)
		why = "entered FATAL state";
	else if (p->state == PROCESS_EXITED && exit_fatal_final_exit(p))
		why = "exited and will not be restarted";
	else
		return;
	fired = 1;
	log_crit("%s %s; exit_on_fatal lists it: stopping everything, then "
	    "exiting with status 1", p->namespec, why);
	event_base_once(server_base, -1, EV_TIMEOUT, exit_fatal_stop_cb, NULL,
	    NULL);
}

void
exit_fatal_init(void)
{
	process_add_observer(exit_fatal_observer, NULL);
}

void
exit_fatal_done(void)
{
	process_remove_observer(exit_fatal_observer, NULL);
}
