/*
 * depends_on of loaded groups turned into the graph of deps.h: checked
 * when a config is loaded, and built again over the running set.
 */
#ifndef CONFIG_DEPS_H
#define CONFIG_DEPS_H

struct deps;
struct group_config;

/* Whether any program of these groups has depends_on. */
int		 config_deps_any(struct group_config *const *, int n);

/*
 * The graph of these groups. lenient drops names that no group or
 * program of the set answers to (the running set after a partial
 * update); otherwise they are errors. NULL with *cause (caller frees,
 * one error a line, each "file:line: ...") on errors.
 */
struct deps	*config_deps(struct group_config **, int n, int lenient,
		     char **cause);

#endif
