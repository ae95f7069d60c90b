/*
 * supd's figures about a process beyond Supervisor's keys, in one place
 * for supd.getProcessInfo, the JSON API, rolling restarts and recycling:
 * readiness and health from the process's checks, restarts, what its
 * program depends on and the notify STATUS= text.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "procinfo.h"
#include "process.h"
#include "process-check.h"

int
procinfo_ready(const struct process *p)
{
	return (process_check_ready(p));
}

enum procinfo_health
procinfo_health(const struct process *p)
{
	const char	*h = process_check_health(p);

	if (strcmp(h, "unknown") == 0)
		return (PROCINFO_HEALTH_UNKNOWN);
	if (strcmp(h, "ok") == 0)
		return (PROCINFO_HEALTH_OK);
	if (strcmp(h, "failing") == 0)
		return (PROCINFO_HEALTH_FAILING);
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
	return (process_check_failures(p));
}

const char *
procinfo_last_check(const struct process *p)
{
	return (process_check_last(p));
}

const char *
procinfo_status_text(const struct process *p)
{
	const char	*s = process_check_status_text(p);

	return (s != NULL ? s : "");
}

/* Every spawn after the first since supd started. */
int
procinfo_restarts(const struct process *p)
{
	return (p->nspawns > 1 ? (int)(p->nspawns - 1) : 0);
}

/* The program's depends_on names as written. Caller frees the array. */
const char **
procinfo_depends_on(const struct process *p, int *n)
{
	return (config_group_depends_on(p->config->group, n));
}
