/*
 * The context a config is read in: where we are (file, line, section,
 * option) for every message, errors and warnings in the house form,
 * fetching and expanding values, and the environment= lists. Everything
 * that reads a section stands on this file.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config-parse.h"
#include "config-value.h"
#include "expand.h"
#include "ini.h"
#include "log.h"
#include "shlex.h"
#include "xmalloc.h"

void
config_add_msg(char ***list, int *n, char *msg)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = msg;
}

/*
 * A placeholder of a template engine left in a value: Go templates'
 * {{.name}} and installers' __NAME__. Returns it (caller frees) or NULL.
 */
char *
config_placeholder(const char *v)
{
	const char	*p, *q;

	if ((p = strstr(v, "{{")) != NULL && (q = strstr(p, "}}")) != NULL)
		return (xstrndup(p, q + 2 - p));
	for (p = v; (p = strstr(p, "__")) != NULL; p = q) {
		q = p + 2;
		if (!isupper((unsigned char)*q))
			continue;
		while (isupper((unsigned char)*q) ||
		    isdigit((unsigned char)*q) || (*q == '_' && q[1] != '_'))
			q++;
		if (strncmp(q, "__", 2) == 0)
			return (xstrndup(p, q + 2 - p));
	}
	return (NULL);
}

/* "file:line: [section] option:" for the option looked up last. */
static char *
config_where(struct config_ctx *ctx)
{
	const char	*file = ctx->cf->configfile;
	char		*where, *prefix, *out;
	int		 line = 0;

	/* [DEFAULT] values copied in by %(here)s have no file of their own. */
	if (ctx->opt != NULL && ctx->opt->file != NULL) {
		file = ctx->opt->file;
		line = ctx->opt->line;
	} else if (ctx->sec != NULL) {
		file = ctx->sec->file;
		line = ctx->sec->line;
	}
	if (line > 0)
		xasprintf(&where, "%s:%d", file, line);
	else
		where = xstrdup(file);
	if (ctx->sec != NULL && ctx->optname != NULL)
		xasprintf(&prefix, " [%s] %s:", ctx->sec->name, ctx->optname);
	else if (ctx->sec != NULL)
		xasprintf(&prefix, " [%s]", ctx->sec->name);
	else
		prefix = xstrdup("");
	xasprintf(&out, "%s:%s", where, prefix);
	free(where);
	free(prefix);
	return (out);
}

/* The hint for a value still holding a template placeholder, or "". */
static char *
config_hint(struct config_ctx *ctx)
{
	char	*ph, *hint;

	if (ctx->opt != NULL)
		ph = config_placeholder(ctx->opt->value);
	else if (ctx->sec != NULL)
		ph = config_placeholder(ctx->sec->name);
	else
		ph = NULL;
	if (ph == NULL)
		return (xstrdup(""));
	xasprintf(&hint, " (%s is a template placeholder: this file was not "
	    "rendered from its template)", ph);
	free(ph);
	return (hint);
}

/*
 * Record a problem. Where comes from the option looked up last when there
 * is one, else from the section, else from the config file itself.
 */
void
config_error(struct config_ctx *ctx, const char *fmt, ...)
{
	va_list		 ap;
	char		*what, *where, *hint;

	va_start(ap, fmt);
	xvasprintf(&what, fmt, ap);
	va_end(ap);
	where = config_where(ctx);
	hint = config_hint(ctx);
	config_add_msg(&ctx->errors, &ctx->nerrors, xprintf("%s %s%s", where,
	    what, hint));
	free(hint);
	free(where);
	free(what);
}

/* Queue a warning of supd's own, at the option looked up last. */
void
config_warn(struct config_ctx *ctx, const char *fmt, ...)
{
	va_list		 ap;
	char		*what, *where;

	va_start(ap, fmt);
	xvasprintf(&what, fmt, ap);
	va_end(ap);
	where = config_where(ctx);
	config_lint(ctx->cf, xprintf("%s %s", where, what));
	free(where);
	free(what);
}

/*
 * Queue a warning of supd's own (Supervisor would say nothing): for the
 * main log with Supervisor's warnings, and for stderr at start.
 */
void
config_lint(struct config *cf, char *msg)
{
	config_add_msg(&cf->lint, &cf->nlint, xstrdup(msg));
	config_add_msg(&cf->warnings, &cf->nwarnings, msg);
}

/* Point error reports at an option (which may be absent: then the section). */
void
config_at(struct config_ctx *ctx, const struct ini_section *sec,
    const char *name)
{
	ctx->sec = sec;
	ctx->optname = name;
	ctx->opt = (sec != NULL && name != NULL) ?
	    ini_find_option(ctx->ini, sec, name) : NULL;
}

/* Point error reports at the config file itself. */
void
config_at_none(struct config_ctx *ctx)
{
	ctx->sec = NULL;
	ctx->opt = NULL;
	ctx->optname = NULL;
}

/*
 * Expand, saying "ENV_X is not set" rather than Python's KeyError text
 * with every variable's name (that list goes to the debug log).
 */
static char *
config_expand_what(struct config_ctx *ctx, const char *value,
    const struct expand_vars *vars, const char *what)
{
	char	*out, *cause = NULL, *missing = NULL;

	out = expand_format_key(value, vars, what, &cause, &missing);
	if (out != NULL)
		return (out);
	if (missing != NULL && strncmp(missing, "ENV_", 4) == 0) {
		log_debug("%s", cause);
		config_error(ctx, "%s is not set (export %s before starting "
		    "supd, or set it in [supervisord] environment=)", missing,
		    missing + 4);
	} else
		config_error(ctx, "%s", cause);
	free(missing);
	free(cause);
	return (NULL);
}

/*
 * Supervisor's saneget(): the raw value or the default, expanded with vars
 * when vars is not NULL. Returns 0 and sets *out (caller frees; NULL when
 * absent without default), or -1 after recording an error.
 */
int
config_get(struct config_ctx *ctx, const struct ini_section *sec,
    const char *name, const char *def, const struct expand_vars *vars,
    char **out)
{
	const char	*raw;
	char		*what;

	config_at(ctx, sec, name);
	raw = ctx->opt != NULL ? ctx->opt->value : def;
	*out = NULL;
	if (raw == NULL)
		return (0);
	/*
	 * Without '%' there is nothing to expand (nor can expansion fail):
	 * this is most values, and the name for errors is not worth a
	 * printf per option of every program.
	 */
	if (vars == NULL || strchr(raw, '%') == NULL) {
		*out = xstrdup(raw);
		return (0);
	}
	xasprintf(&what, "%s.%s", sec->name, name);
	*out = config_expand_what(ctx, raw, vars, what);
	free(what);
	return (*out == NULL ? -1 : 0);
}

/* Expand a value fetched earlier, naming it `what` as Supervisor does. */
char *
config_expand(struct config_ctx *ctx, const char *value,
    const struct expand_vars *vars, const char *what)
{
	return (config_expand_what(ctx, value, vars, what));
}

/* datatypes.existing_directory: the expanded path must be a directory. */
char *
config_existing_directory(struct config_ctx *ctx, const char *v)
{
	struct stat	 st;
	char		*path;

	path = cv_expanduser(v);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		config_error(ctx, "%s is not an existing directory", v);
		free(path);
		return (NULL);
	}
	return (path);
}

/* datatypes.existing_dirpath: the directory part, if any, must exist. */
char *
config_existing_dirpath(struct config_ctx *ctx, const char *v)
{
	struct stat	 st;
	char		*path, *dir;

	path = cv_expanduser(v);
	dir = cv_dirname(path);
	if (*dir != '\0' && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		config_error(ctx, "The directory named as part of the path %s "
		    "does not exist (create %s or choose another path)", v, dir);
		free(dir);
		free(path);
		return (NULL);
	}
	free(dir);
	return (path);
}

/* Parse environment= into a list (KEY=val,KEY2="v w"). */
int
config_parse_env(struct config_ctx *ctx, const char *value,
    struct env_var **env, int *nenv)
{
	struct shlex_pair	*pairs;
	char			*cause = NULL;
	int			 n, i;

	*env = NULL;
	*nenv = 0;
	if ((n = shlex_parse_pairs(value, &pairs, &cause)) < 0) {
		config_error(ctx, "%s (expected KEY=value pairs separated by "
		    "commas, with quotes around values containing commas)",
		    cause);
		free(cause);
		return (-1);
	}
	*env = xcalloc(n > 0 ? n : 1, sizeof **env);
	for (i = 0; i < n; i++) {
		(*env)[i].name = pairs[i].key;
		(*env)[i].value = pairs[i].value;
	}
	*nenv = n;
	free(pairs);
	return (0);
}

void
config_free_env(struct env_var *env, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		free(env[i].name);
		free(env[i].value);
	}
	free(env);
}

/* Overlay add on top of base (later names replace earlier, in place). */
void
config_merge_env(struct env_var **env, int *nenv, const struct env_var *add,
    int nadd)
{
	int	i, j;

	for (i = 0; i < nadd; i++) {
		for (j = 0; j < *nenv; j++) {
			if (strcmp((*env)[j].name, add[i].name) == 0)
				break;
		}
		if (j < *nenv) {
			free((*env)[j].value);
			(*env)[j].value = xstrdup(add[i].value);
			continue;
		}
		*env = xreallocarray(*env, *nenv + 1, sizeof **env);
		(*env)[*nenv].name = xstrdup(add[i].name);
		(*env)[*nenv].value = xstrdup(add[i].value);
		(*nenv)++;
	}
}

/* Variables every expansion sees: here, host_node_name and ENV_*. */
void
config_base_vars(struct config_ctx *ctx, struct expand_vars *vars)
{
	/* Shared, not copied: this runs for every program. */
	expand_vars_init_child(vars, &ctx->env);
	expand_vars_set_str(vars, "here", ctx->cf->here);
}

int
config_is_section(const char *name, const char *prefix)
{
	return (strncmp(name, prefix, strlen(prefix)) == 0);
}
