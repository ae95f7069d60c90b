/*
 * Loading supervisord.conf into struct config, the way Supervisor 4.2.5's
 * ServerOptions reads it: finding the file, [include] processing, the
 * order in which %(name)s expansions become available, and reporting.
 * Sections are read by config-server.c and config-program.c from the
 * option tables; config-diff.c compares groups for reread.
 *
 * Unlike Supervisor, loading does not stop at the first problem: every
 * problem found is reported, one line each, as "file:line: [section]
 * option: what is wrong (what would be right)". Mistakes Supervisor lets
 * pass (an unknown section, a program defined twice, an include that
 * matches nothing) are warnings with file:line, in the main log and on
 * stderr at start.
 */
#include <sys/stat.h>
#include <sys/utsname.h>

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
#include "config-deps.h"
#include "config-dump.h"
#include "config-parse.h"
#include "config-value.h"
#include "deps.h"
#include "expand.h"
#include "ini.h"
#include "log.h"
#include "profile.h"
#include "shlex.h"
#include "xmalloc.h"

extern char **environ;

static const char *config_search_paths[] = {
	"supervisord.conf",
	"etc/supervisord.conf",
	"/etc/supervisord.conf",
	"/etc/supervisor/supervisord.conf",
};

/* Sections supd reads or knows to leave alone (supervisorctl's). */
static const char *config_known_sections[] = {
	"supervisord", "unix_http_server", "inet_http_server", "supervisorctl",
	"include", "program:", "group:", "fcgi-program:", "eventlistener:",
	"rpcinterface:", "ctlplugin:", "consul", "etcd", "hosts",
};

/*
 * Supervisor replaces %(here)s in every section read so far after the main
 * file (when it has [include]) and after each included file, each time with
 * that file's directory.
 */
static void
config_expand_here(struct ini *ini, const char *here)
{
	struct ini_section	*sec;
	const struct ini_option	*opt;
	const char		*p, *tag = "%(here)s";
	char			*out, *q, *name;
	size_t			 i, j, n;

	for (i = 0; i < ini->nsections; i++) {
		sec = &ini->sections[i];
		for (j = 0; j < sec->noptions + ini->defaults.noptions; j++) {
			if (j < sec->noptions)
				name = sec->options[j].name;
			else {
				name = ini->defaults.options[j -
				    sec->noptions].name;
			}
			opt = ini_find_option(ini, sec, name);
			if (opt == NULL || strstr(opt->value, tag) == NULL)
				continue;
			n = 0;
			for (p = opt->value; (p = strstr(p, tag)) != NULL; p++)
				n++;
			out = xmalloc(strlen(opt->value) +
			    n * strlen(here) + 1);
			q = out;
			for (p = opt->value; *p != '\0';) {
				if (strncmp(p, tag, strlen(tag)) == 0) {
					q = stpcpy(q, here);
					p += strlen(tag);
				} else
					*q++ = *p++;
			}
			*q = '\0';
			name = xstrdup(name);
			ini_set_value(sec, name, out);
			free(name);
			free(out);
		}
	}
}

/* Read the [include] files, as Supervisor does after the main file. */
static void
config_read_includes(struct config_ctx *ctx)
{
	struct ini_section	*inc;
	struct expand_vars	 vars;
	glob_t			 g;
	char			*files, *copy, *pat, *save, *full, *cause, *dir;
	char			*where;
	size_t			 i;

	if ((inc = ini_find_section(ctx->ini, "include")) == NULL)
		return;
	config_expand_here(ctx->ini, ctx->cf->here);
	config_at(ctx, inc, "files");
	if (ctx->opt == NULL) {
		config_error(ctx, ".ini file has [include] section, but no "
		    "files setting (expected files = a list of globs, e.g. "
		    "files = conf.d/*.conf)");
		return;
	}
	/* Reading files moves sections: say where [include] is now. */
	xasprintf(&where, "%s:%d:", ctx->opt->file, ctx->opt->line);
	config_base_vars(ctx, &vars);
	expand_vars_set_str(&vars, "host_node_name", ctx->node);
	files = config_expand(ctx, ctx->opt->value, &vars, "include.files");
	expand_vars_free(&vars);
	if (files == NULL) {
		free(where);
		return;
	}
	copy = files;
	for (pat = strtok_r(copy, " \t\r\n\f\v", &save); pat != NULL;
	    pat = strtok_r(NULL, " \t\r\n\f\v", &save)) {
		full = cv_path_join(ctx->cf->here, pat);
		if (glob(full, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
			/* Supervisor's words first: tools grep for them. */
			config_lint(ctx->cf, xprintf("No file matches via "
			    "include \"%s\" (%s [include] files)", full,
			    where));
			globfree(&g);
			free(full);
			continue;
		}
		for (i = 0; i < g.gl_pathc; i++) {
			config_add_msg(&ctx->cf->infos, &ctx->cf->ninfos,
			    xprintf("Included extra file \"%s\" during parsing",
			    g.gl_pathv[i]));
			cause = NULL;
			if (ini_read_file(ctx->ini, g.gl_pathv[i], &cause) != 0) {
				config_add_msg(&ctx->errors, &ctx->nerrors,
				    cause);
				continue;
			}
			dir = cv_normalize_path(g.gl_pathv[i]);
			*strrchr(dir, '/') = '\0';
			config_expand_here(ctx->ini, *dir ? dir : "/");
			free(dir);
		}
		globfree(&g);
		free(full);
	}
	free(files);
	free(where);
}

/* Whether name is a section supd reads or knowingly leaves alone. */
static int
config_known_section(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof config_known_sections /
	    sizeof config_known_sections[0]; i++) {
		if (config_is_section(name, config_known_sections[i]))
			return (1);
	}
	return (0);
}

/*
 * Mistakes Supervisor lets pass in silence: a section it does not know
 * ([programm:web] is ignored), a section defined again in another file
 * (the two are merged, the later values win) and template placeholders
 * left in values. Each is a warning; loading goes on as Supervisor's does.
 */
static void
config_lint_sections(struct config_ctx *ctx)
{
	struct ini_section	*sec;
	const struct ini_option	*opt;
	char			*ph;
	size_t			 i, j;

	for (i = 0; i < ctx->ini->nsections; i++) {
		sec = &ctx->ini->sections[i];
		config_at(ctx, sec, NULL);
		if (!config_known_section(sec->name)) {
			config_warn(ctx, "unknown section type, ignored "
			    "(expected e.g. [program:x], [group:x], "
			    "[eventlistener:x], [fcgi-program:x], "
			    "[supervisord], [include])");
		}
		if ((ph = config_placeholder(sec->name)) != NULL) {
			config_warn(ctx, "%s is a template placeholder: this "
			    "file was not rendered from its template", ph);
			free(ph);
		}
		for (j = 0; j < sec->noptions; j++) {
			opt = &sec->options[j];
			if (opt->file == NULL ||
			    strcmp(opt->file, sec->file) == 0)
				continue;
			ctx->opt = opt;
			config_warn(ctx, "section defined again (first at "
			    "%s:%d); the two are merged and values given "
			    "last win", sec->file, sec->line);
			break;
		}
		for (j = 0; j < sec->noptions; j++) {
			if ((ph = config_placeholder(sec->options[j].value)) ==
			    NULL)
				continue;
			config_at(ctx, sec, sec->options[j].name);
			config_warn(ctx, "%s is a template placeholder: this "
			    "file was not rendered from its template", ph);
			free(ph);
		}
	}
	config_at_none(ctx);
}

/* [rpcinterface:x]: only Supervisor's standard interface exists here. */
static void
config_rpcinterfaces(struct config_ctx *ctx)
{
	static const char	*key = "supervisor.rpcinterface_factory";
	static const char	*standard =
	    "supervisor.rpcinterface:make_main_rpcinterface";
	struct ini_section	*sec;
	size_t			 i;

	for (i = 0; i < ctx->ini->nsections; i++) {
		sec = &ctx->ini->sections[i];
		if (!config_is_section(sec->name, "rpcinterface:"))
			continue;
		config_at(ctx, sec, key);
		if (ctx->opt == NULL) {
			config_at(ctx, sec, NULL);
			config_error(ctx, "section [%s] does not specify a %s "
			    "(expected %s = %s)", sec->name, key, key, standard);
		} else if (strcmp(ctx->opt->value, standard) != 0) {
			config_error(ctx, "%s cannot be resolved within [%s] "
			    "(supd provides only %s)", ctx->opt->value,
			    sec->name, standard);
		}
	}
}

/*
 * depends_on across all groups: unknown names and cycles, each error a
 * line of its own with the file:line of the depends_on that makes it.
 * Only checked when the groups themselves loaded: a group dropped for a
 * bad option would make every name of it look unknown.
 */
static void
config_check_deps(struct config_ctx *ctx)
{
	struct config	*cf = ctx->cf;
	struct deps	*d;
	char		*cause = NULL, *rest, *line;

	if (ctx->nerrors > 0 || !config_deps_any(cf->groups, cf->ngroups))
		return;
	if ((d = config_deps(cf->groups, cf->ngroups, 0, &cause)) != NULL) {
		deps_free(d);
		return;
	}
	rest = cause;
	while ((line = strsep(&rest, "\n")) != NULL) {
		if (*line != '\0')
			config_add_msg(&ctx->errors, &ctx->nerrors,
			    xstrdup(line));
	}
	free(cause);
}

/* Supervisor's search path when -c is not given. */
static char *
config_find_file(struct config_ctx *ctx)
{
	size_t	i;

	if (getuid() == 0) {
		fprintf(stderr, "supd: warning: running as root and searching "
		    "for the configuration file in default locations "
		    "(including the current directory); give -c with an "
		    "absolute path instead\n");
	}
	for (i = 0; i < sizeof config_search_paths /
	    sizeof config_search_paths[0]; i++) {
		if (access(config_search_paths[i], F_OK) == 0)
			return (xstrdup(config_search_paths[i]));
	}
	config_add_msg(&ctx->errors, &ctx->nerrors, xprintf("No config file "
	    "found at default paths (supervisord.conf, etc/supervisord.conf, "
	    "/etc/supervisord.conf, /etc/supervisor/supervisord.conf); use "
	    "the -c option to specify a config file at a different path"));
	return (NULL);
}

/*
 * The expansions every section sees: ENV_*, and supd's %(profile)s (a
 * config that does not name it reads as it does in Supervisor).
 */
static void
config_init_env(struct config_ctx *ctx)
{
	struct config	*cf = ctx->cf;
	struct utsname	 un;
	char		*cause = NULL;

	expand_vars_init(&ctx->env);
	expand_vars_add_environ(&ctx->env, environ);
	ctx->node = xstrdup(uname(&un) == 0 ? un.nodename : "localhost");
	if (profile_resolve(ctx->cmd->profile, NULL, &cf->profile,
	    &cf->profile_source, &cause) != 0) {
		config_add_msg(&ctx->errors, &ctx->nerrors, cause);
		cf->profile = xstrdup("default");
	}
	expand_vars_set_str(&ctx->env, "profile", cf->profile);
	expand_vars_hide(&ctx->env, "profile");
}

/* Order "file:line: ..." messages by file, then line number. */
static int
config_error_cmp(const void *a, const void *b)
{
	const char	*ea = *(char *const *)a, *eb = *(char *const *)b;
	const char	*ca = strchr(ea, ':'), *cb = strchr(eb, ':');
	size_t		 la, lb;
	int		 c;

	if (ca == NULL || cb == NULL)
		return (0);
	la = ca - ea;
	lb = cb - eb;
	if ((c = strncmp(ea, eb, la < lb ? la : lb)) != 0 || la != lb)
		return (c != 0 ? c : (la < lb ? -1 : 1));
	return (atoi(ca + 1) - atoi(cb + 1));
}

struct config *
config_load(const struct cmdline *cmd, char ***errors, int *nerrors)
{
	struct config_ctx	 ctx;
	struct config		*cf;
	struct ini_section	*sec;
	char			*path, *cause = NULL;
	int			 envfile;

	memset(&ctx, 0, sizeof ctx);
	ctx.cmd = cmd;
	ctx.cf = cf = xcalloc(1, sizeof *cf);
	if (cmd->dump)
		cf->dump = config_dump_create();
	config_init_env(&ctx);
	path = cmd->configfile ? xstrdup(cmd->configfile) :
	    config_find_file(&ctx);
	if (path == NULL)
		goto out;
	cf->configfile = cv_normalize_path(path);
	cf->here = cv_dirname(cf->configfile);
	if (*cf->here == '\0') {
		free(cf->here);
		cf->here = xstrdup("/");
	}
	free(path);

	ctx.ini = ini_create();
	if (access(cf->configfile, F_OK) != 0) {
		config_add_msg(&ctx.errors, &ctx.nerrors, xprintf("could not "
		    "find config file %s", cf->configfile));
		goto out;
	}
	if (ini_read_file(ctx.ini, cf->configfile, &cause) != 0) {
		config_add_msg(&ctx.errors, &ctx.nerrors, cause);
		goto out;
	}
	/* Its variables are ENV_ expansions in [include] files= too. */
	envfile = config_envfile_supervisord(&ctx);
	config_read_includes(&ctx);
	if (!envfile)
		config_envfile_supervisord(&ctx);
	if ((sec = ini_find_section(ctx.ini, "supervisord")) == NULL) {
		config_add_msg(&ctx.errors, &ctx.nerrors, xprintf("%s: .ini "
		    "file does not include supervisord section (every config "
		    "needs a [supervisord] section, even an empty one)",
		    cf->configfile));
		goto out;
	}
	config_lint_sections(&ctx);
	config_supervisord(&ctx, sec);
	config_rpcinterfaces(&ctx);
	config_groups(&ctx);
	config_check_deps(&ctx);
	config_servers(&ctx);
	config_serverurl(cf);
	config_registry(&ctx);
out:
	if (ctx.ini != NULL)
		ini_free(ctx.ini);
	expand_vars_free(&ctx.env);
	free(ctx.node);
	if (ctx.nerrors > 1) {
		/* qsort is not stable, but two errors on one line are rare. */
		qsort(ctx.errors, ctx.nerrors, sizeof *ctx.errors,
		    config_error_cmp);
	}
	*errors = ctx.errors;
	*nerrors = ctx.nerrors;
	if (ctx.nerrors > 0) {
		config_free(cf);
		return (NULL);
	}
	return (cf);
}

void
config_free(struct config *cf)
{
	int	i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->ngroups; i++)
		config_group_unref(cf->groups[i]);
	free(cf->groups);
	config_free_servers(cf);
	config_registry_free(&cf->registry);
	config_free_env(cf->env, cf->nenv);
	config_list_free(&cf->exit_on_fatal);
	config_free_env(cf->fileenv, cf->nfileenv);
	free(cf->profile);
	config_dump_free(cf->dump);
	config_free_errors(cf->criticals, cf->ncriticals);
	config_free_errors(cf->warnings, cf->nwarnings);
	config_free_errors(cf->infos, cf->ninfos);
	config_free_errors(cf->lint, cf->nlint);
	free(cf->configfile);
	free(cf->here);
	free(cf->directory);
	free(cf->user);
	free(cf->logfile);
	free(cf->pidfile);
	free(cf->identifier);
	free(cf->childlogdir);
	free(cf->serverurl);
	free(cf);
}
