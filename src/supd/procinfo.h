/*
 * What supd tells about a process beyond Supervisor's getProcessInfo
 * keys: readiness, health, restarts, dependencies. Each figure comes from
 * one function here, so the check engine and the dependency graph fill in
 * theirs without touching the callers (supd.getProcessInfo, rolling
 * restarts, recycling).
 */
#ifndef PROCINFO_H
#define PROCINFO_H

struct process;

enum procinfo_health {
	PROCINFO_HEALTH_NONE,		/* no health_check */
	PROCINFO_HEALTH_UNKNOWN,	/* no result since the last start */
	PROCINFO_HEALTH_OK,
	PROCINFO_HEALTH_FAILING,
};

/* RUNNING and ready (the ready_check passed, or there is none). */
int		 procinfo_ready(const struct process *);
enum procinfo_health procinfo_health(const struct process *);
/* "none", "unknown", "ok", "failing". */
const char	*procinfo_health_name(enum procinfo_health);
/* Consecutive failed health checks. */
int		 procinfo_health_failures(const struct process *);
/* The text of the last check result, "" if none. Borrowed. */
const char	*procinfo_last_check(const struct process *);
/* The last notify STATUS= text, "" if none. Borrowed. */
const char	*procinfo_status_text(const struct process *);
/* Spawns after the first since supd started. */
int		 procinfo_restarts(const struct process *);
/* The depends_on names as configured. Borrowed; *n may be 0. */
const char	**procinfo_depends_on(const struct process *, int *n);

#endif
