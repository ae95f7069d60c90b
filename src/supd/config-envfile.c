/*
 * environment_file=: variables from files of KEY=VALUE lines (as sh reads
 * them, never run; see envfile.h). In [supervisord] the files are read
 * once, before [include], so their variables are %(ENV_x)s expansions
 * everywhere and reach every child. In a program they are read at load
 * to report mistakes, and again at each spawn, so an edited file takes
 * effect on restart. What a child gets, lowest first: supd's own
 * environment, [supervisord] environment_file, the program's
 * environment_file, [supervisord] environment=, the program's
 * environment=.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-parse.h"
#include "config-table.h"
#include "config-value.h"
#include "envfile.h"
#include "expand.h"
#include "ini.h"
#include "xmalloc.h"

/*
 * "a.env, -b.env" as paths, each stripped and made absolute against the
 * config file's directory (supd has chdir'ed by the time a program
 * spawns); a leading '-' (optional) stays in front.
 */
static void
config_envfile_paths(const char *here, const char *value, char ***paths,
    int *n)
{
	char	*copy, *item, *save, *s, *full;
	int	 optional;

	*paths = NULL;
	*n = 0;
	copy = xstrdup(value);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		s = cv_strip(item);
		optional = *s == '-';
		if (s[optional] == '\0') {
			free(s);
			continue;
		}
		full = cv_path_join(here, s + optional);
		*paths = xreallocarray(*paths, *n + 1, sizeof **paths);
		(*paths)[(*n)++] = xprintf("%s%s", optional ? "-" : "", full);
		free(full);
		free(s);
	}
	free(copy);
}

static void
config_envfile_free_paths(char **paths, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/*
 * [supervisord] environment_file=, expanded with here, host_node_name,
 * profile and the environment. Returns 1 if the option is there (read,
 * or reported), 0 if not, so that config_load can look again after
 * [include] when the option comes from an included file.
 */
int
config_envfile_supervisord(struct config_ctx *ctx)
{
	struct config		*cf = ctx->cf;
	struct ini_section	*sec;
	struct expand_vars	 vars;
	struct envfile_var	*ev = NULL;
	char			*value, **paths, *cause, *name;
	int			 npaths, nev = 0, i;

	if ((sec = ini_find_section(ctx->ini, "supervisord")) == NULL ||
	    ini_find_option(ctx->ini, sec, "environment_file") == NULL)
		return (0);
	config_base_vars(ctx, &vars);
	expand_vars_set_str(&vars, "host_node_name", ctx->node);
	if (config_get(ctx, sec, "environment_file", NULL, &vars,
	    &value) != 0) {
		expand_vars_free(&vars);
		config_at_none(ctx);
		return (1);
	}
	expand_vars_free(&vars);
	config_envfile_paths(cf->here, value, &paths, &npaths);
	free(value);
	for (i = 0; i < npaths; i++) {
		cause = NULL;
		if (envfile_load(paths[i], envfile_getenv, NULL, &ev, &nev,
		    &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
		}
	}
	config_envfile_free_paths(paths, npaths);
	for (i = 0; i < nev; i++) {
		cf->fileenv = xreallocarray(cf->fileenv, cf->nfileenv + 1,
		    sizeof *cf->fileenv);
		cf->fileenv[cf->nfileenv].name = xstrdup(ev[i].name);
		cf->fileenv[cf->nfileenv++].value = xstrdup(ev[i].value);
		name = xprintf("ENV_%s", ev[i].name);
		expand_vars_set_str(&ctx->env, name, ev[i].value);
		free(name);
	}
	envfile_free(ev, nev);
	config_at_none(ctx);
	return (1);
}

/* The row of [supervisord]: read already, listed for check --print. */
static int
config_envfile_conv_server(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	return (0);
}

const struct config_type config_type_envfile_server = {
	"environment_file", 0, 0, config_envfile_conv_server, NULL, NULL,
	NULL, NULL
};

static const char *
config_envfile_find(const struct env_var *env, int n, const char *name)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		if (strcmp(env[i].name, name) == 0)
			return (env[i].value);
	}
	return (NULL);
}

/* $NAME in a program's file: environment=, the global file, then ours. */
static const char *
config_envfile_lookup(const char *name, void *arg)
{
	const struct process_config	*p = arg;
	const char			*v;

	if ((v = config_envfile_find(p->env, p->nenv, name)) != NULL)
		return (v);
	if ((v = config_envfile_find(p->fileenv, p->nfileenv, name)) != NULL)
		return (v);
	return (getenv(name));
}

/* Read a program's environment files; see config.h. */
int
config_envfile_load(const struct process_config *p, struct envfile_var **vars,
    int *nvars, char **cause)
{
	int	i;

	*vars = NULL;
	*nvars = 0;
	for (i = 0; i < p->nenvfiles; i++) {
		if (envfile_load(p->envfiles[i], config_envfile_lookup,
		    (void *)p, vars, nvars, cause) != 0) {
			envfile_free(*vars, *nvars);
			*vars = NULL;
			*nvars = 0;
			return (-1);
		}
	}
	return (0);
}

static void
config_envfile_free(const struct config_row *row, void *obj)
{
	struct process_config	*p = obj;

	config_envfile_free_paths(p->envfiles, p->nenvfiles);
	p->envfiles = NULL;
	p->nenvfiles = 0;
	config_free_env(p->fileenv, p->nfileenv);
	p->fileenv = NULL;
	p->nfileenv = 0;
}

/*
 * A program's environment_file=: the paths, and a copy of [supervisord]'s
 * variables (a spawn puts them under the program's own). The files are
 * read once here so that a mistake in one is a config error.
 */
static int
config_envfile_conv(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	struct process_config	*p = cp->obj;
	struct config		*cf = cp->ctx->cf;
	struct envfile_var	*vars;
	int			 nvars;

	config_envfile_free(row, p);
	config_envfile_paths(cf->here, value, &p->envfiles, &p->nenvfiles);
	config_merge_env(&p->fileenv, &p->nfileenv, cf->fileenv,
	    cf->nfileenv);
	if (config_envfile_load(p, &vars, &nvars, cause) != 0)
		return (-1);
	envfile_free(vars, nvars);
	return (0);
}

static void
config_envfile_copy(const struct config_row *row, void *dst, const void *src)
{
	struct process_config		*d = dst;
	const struct process_config	*s = src;
	int				 i;

	d->envfiles = s->nenvfiles > 0 ? xcalloc(s->nenvfiles,
	    sizeof *d->envfiles) : NULL;
	for (i = 0; i < s->nenvfiles; i++)
		d->envfiles[i] = xstrdup(s->envfiles[i]);
	d->nenvfiles = s->nenvfiles;
	d->fileenv = NULL;
	d->nfileenv = 0;
	config_merge_env(&d->fileenv, &d->nfileenv, s->fileenv, s->nfileenv);
}

/* Equal paths and equal [supervisord] variables (reread compares them). */
static int
config_envfile_equal(const struct config_row *row, const void *a,
    const void *b)
{
	const struct process_config	*x = a, *y = b;
	int				 i;

	if (x->nenvfiles != y->nenvfiles || x->nfileenv != y->nfileenv)
		return (0);
	for (i = 0; i < x->nenvfiles; i++) {
		if (strcmp(x->envfiles[i], y->envfiles[i]) != 0)
			return (0);
	}
	for (i = 0; i < x->nfileenv; i++) {
		if (strcmp(x->fileenv[i].name, y->fileenv[i].name) != 0 ||
		    strcmp(x->fileenv[i].value, y->fileenv[i].value) != 0)
			return (0);
	}
	return (1);
}

const struct config_type config_type_envfile = {
	"environment_file", 0, CONFIG_F_PROCESS, config_envfile_conv,
	config_envfile_free, config_envfile_copy, config_envfile_equal, NULL
};
