/*
 * The depends_on graph between process groups: checked once when the
 * config is loaded, then asked in what order to start and stop. It knows
 * names, priorities and indices only (no processes, no event loop), so it
 * is tested alone and the daemon maps indices back to its own groups.
 */
#ifndef DEPS_H
#define DEPS_H

/* A program section and the depends_on it was given. */
struct deps_program {
	const char	 *name;		/* section name after "program:" */
	const char	 *section;	/* for errors; NULL: "program:<name>" */
	const char	**depends_on;	/* names as written, split, stripped */
	int		  ndepends_on;
	const char	 *file;		/* where depends_on was set */
	int		  line;
};

/*
 * A process group: a [program:x] is group x holding program x, a
 * [group:g] holds the programs it lists. Groups are given in config order
 * with unique names, and a group's index in that array names it below.
 */
struct deps_group {
	const char			*name;
	int				 priority;
	const struct deps_program	*programs;
	int				 nprograms;
};

struct deps;

/*
 * Resolve every depends_on name (a group name, or a program name meaning
 * the group or groups that hold it) and check the graph. On error returns
 * NULL and *cause (caller frees) holds every error found, one a line:
 * unknown names and self-dependencies as "file:line: [program:x]
 * depends_on: ...", in config order, then one "file:line: depends_on
 * cycle: a -> b -> a" for each set of groups that depend on each other,
 * starting from the one first in config order.
 */
struct deps	*deps_create(const struct deps_group *, int ngroups,
		     char **cause);
void		 deps_free(struct deps *);

/* Whether any group depends on another: if not, the daemon skips all this. */
int		 deps_has_any(const struct deps *);

/*
 * Every group in start order: a group comes after all it depends on and
 * otherwise by ascending priority then name, which without depends_on is
 * Supervisor's order. Borrowed.
 */
const int	*deps_start_order(const struct deps *, int *n);

/*
 * Every group in shutdown order: a group comes after all its dependents
 * and otherwise by descending priority then reverse name, the order of
 * Supervisor's ordered_stop_groups. Borrowed.
 */
const int	*deps_stop_order(const struct deps *, int *n);

/*
 * The groups g depends on (directly, or also through others if
 * transitive), in start order: what "start g" starts first. Caller frees.
 */
int		*deps_requires(const struct deps *, int g, int transitive,
		     int *n);

/*
 * The groups that depend on g (directly, or also through others if
 * transitive), in start order: what must stop before g. Caller frees.
 */
int		*deps_required_by(const struct deps *, int g, int transitive,
		     int *n);

/*
 * The names of the groups g directly depends on for which up_cb (all
 * processes RUNNING and ready) returns 0, in start order and joined by
 * ", " for "waiting for api, redis"; NULL when all are up. Caller frees.
 */
char		*deps_waiting(const struct deps *, int g,
		     int (*up_cb)(int, void *), void *arg);

#endif
