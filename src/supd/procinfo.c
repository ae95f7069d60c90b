/*
 * supd's figures about a process beyond Supervisor's keys. Until the
 * check engine and depends_on are wired to processes, a process is ready
 * when RUNNING, has no health check and depends on nothing; those
 * functions are where their answers go.
 */
#include <stddef.h>

#include "procinfo.h"
#include "process.h"

int
procinfo_ready(const struct process *p)
{
	return (p->state == PROCESS_RUNNING && p->ready);
}

enum procinfo_health
procinfo_health(const struct process *p)
{
	return (PROCINFO_HEALTH_NONE);
}

const char *
procinfo_health_name(enum procinfo_health h)
{
	static const char *const names[] = {
		[PROCINFO_HEALTH_NONE] = "none",
		[PROCINFO_HEALTH_UNKNOWN] = "unknown",
		[PROCINFO_HEALTH_OK] = "ok",
		[PROCINFO_HEALTH_FAILING] = "failing",
	};

	return (names[h]);
}

int
procinfo_health_failures(const struct process *p)
{
	return (0);
}

const char *
procinfo_last_check(const struct process *p)
{
	return ("");
}

const char *
procinfo_status_text(const struct process *p)
{
	return ("");
}

int
procinfo_restarts(const struct process *p)
{
	return (p->spawns > 1 ? p->spawns - 1 : 0);
}

const char *const *
procinfo_depends_on(const struct process *p, int *n)
{
	*n = 0;
	return (NULL);
}
