/*
 * Python's "format % dict" as Supervisor uses it to expand %(name)s in
 * option values, with Supervisor's error texts.
 */
#ifndef EXPAND_H
#define EXPAND_H

#include <stddef.h>

enum expand_type { EXPAND_STR, EXPAND_INT };

struct expand_var {
	const char		*name;		/* "here", "ENV_HOME", ... */
	enum expand_type	 type;
	const char		*str;		/* EXPAND_STR */
	long long		 num;		/* EXPAND_INT */
	int			 hidden;	/* see expand_vars_hide */
};

/*
 * A set of variables; later additions of the same name replace earlier.
 * A set may extend a parent set (borrowed, left alone), as if it were a
 * copy of the parent with its own variables set on top: a thousand
 * programs then share one set of ENV_ variables instead of copying it.
 */
struct expand_vars {
	struct expand_var	*vars;
	size_t			 nvars;
	size_t			 cap;
	const struct expand_vars *parent;
};

void	 expand_vars_init(struct expand_vars *);
/* An empty set on top of parent. */
void	 expand_vars_init_child(struct expand_vars *,
	     const struct expand_vars *parent);
void	 expand_vars_free(struct expand_vars *);
/* Copies name and value. */
void	 expand_vars_set_str(struct expand_vars *, const char *name,
	     const char *value);
void	 expand_vars_set_int(struct expand_vars *, const char *name,
	     long long value);
/* Adds ENV_<name> for every variable of environ. */
void	 expand_vars_add_environ(struct expand_vars *, char **environ);
const struct expand_var *expand_vars_find(const struct expand_vars *,
	     const char *name);
/*
 * Keep the variable name (set in this set) out of the names an error
 * lists and out of %s of the whole dict: an extension of supd's (profile)
 * then leaves Supervisor's messages as they were.
 */
void	 expand_vars_hide(struct expand_vars *, const char *name);

/*
 * Expand `format` like Python's `format % vars`: %(name)<flags><width>
 * <.precision><type> with types s r a d i u o x X e E f F g G c, and %%.
 * Returns a new string (caller frees), or NULL with *cause set (caller
 * frees) to Supervisor's message for `what` (e.g. "program:x.command"):
 *   Format string '<format>' for '<what>' contains names ('<name>') which
 *   cannot be expanded. Available names: a, b, c
 *   Format string '<format>' for '<what>' is badly formatted: <reason>
 */
char	*expand_format(const char *format, const struct expand_vars *,
	     const char *what, char **cause);
/*
 * The same; when the failure is a name that is not set, *missing (caller
 * frees) is set to that name too, so a caller can say so more briefly.
 */
char	*expand_format_key(const char *format, const struct expand_vars *,
	     const char *what, char **cause, char **missing);

#endif
