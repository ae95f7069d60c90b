/*
 * Loading supervisord.conf into struct config, the way Supervisor 4.2.5's
 * ServerOptions reads it: which sections count, which options each has,
 * their defaults, the order in which %(name)s expansions become available,
 * [include] processing, and the checks made before anything starts.
 *
 * Unlike Supervisor, loading does not stop at the first problem: every
 * problem found is reported, one line each, as "file:line: [section]
 * option: what is wrong (what would be right)".
 */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config-value.h"
#include "event.h"
#include "expand.h"
#include "ini.h"
#include "log.h"
#include "shlex.h"
#include "xmalloc.h"

extern char **environ;

struct config_ctx {
	struct ini		*ini;
	const struct cmdline	*cmd;
	struct config		*cf;
	char			**errors;
	int			  nerrors;
	struct expand_vars	  env;		/* ENV_* expansions */
	char			 *node;		/* host_node_name */
	/* The option looked up last, for conversion errors. */
	const struct ini_section *sec;
	const struct ini_option	*opt;
	const char		*optname;
};

static const char *config_search_paths[] = {
	"supervisord.conf",
	"etc/supervisord.conf",
	"/etc/supervisord.conf",
	"/etc/supervisor/supervisord.conf",
};

static void
config_add_msg(char ***list, int *n, char *msg)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = msg;
}

/*
 * Record a problem. Where comes from the option looked up last when there
 * is one, else from the section, else from the config file itself.
 */
static void __attribute__((format(printf, 2, 3)))
config_error(struct config_ctx *ctx, const char *fmt, ...)
{
	va_list		 ap;
	char		*what, *msg, *where, *prefix;
	const char	*file = ctx->cf->configfile;
	int		 line = 0;

	va_start(ap, fmt);
	xvasprintf(&what, fmt, ap);
	va_end(ap);
	if (ctx->opt != NULL) {
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
	xasprintf(&msg, "%s:%s %s", where, prefix, what);
	config_add_msg(&ctx->errors, &ctx->nerrors, msg);
	free(where);
	free(prefix);
	free(what);
}

/* Point error reports at an option (which may be absent: then the section). */
static void
config_at(struct config_ctx *ctx, const struct ini_section *sec,
    const char *name)
{
	ctx->sec = sec;
	ctx->optname = name;
	ctx->opt = (sec != NULL && name != NULL) ?
	    ini_find_option(ctx->ini, sec, name) : NULL;
}

/*
 * Supervisor's saneget(): the raw value or the default, expanded with vars
 * when vars is not NULL. Returns 0 and sets *out (caller frees; NULL when
 * absent without default), or -1 after recording an error.
 */
static int
config_get(struct config_ctx *ctx, const struct ini_section *sec,
    const char *name, const char *def, const struct expand_vars *vars,
    char **out)
{
	const char	*raw;
	char		*what, *cause = NULL;

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
	*out = expand_format(raw, vars, what, &cause);
	free(what);
	if (*out == NULL) {
		config_error(ctx, "%s", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/* Expand a value fetched earlier, naming it `what` as Supervisor does. */
static char *
config_expand(struct config_ctx *ctx, const char *value,
    const struct expand_vars *vars, const char *what)
{
	char	*out, *cause = NULL;

	if ((out = expand_format(value, vars, what, &cause)) == NULL) {
		config_error(ctx, "%s", cause);
		free(cause);
	}
	return (out);
}

/* Typed getters: each fetches like config_get, then converts. */
typedef int (*config_conv_fn)(const char *, void *, char **);

static int
config_get_conv(struct config_ctx *ctx, const struct ini_section *sec,
    const char *name, const char *def, const struct expand_vars *vars,
    config_conv_fn conv, void *out)
{
	char	*value, *cause = NULL;
	int	 rc;

	if (config_get(ctx, sec, name, def, vars, &value) != 0)
		return (-1);
	if (value == NULL)
		return (0);
	if ((rc = conv(value, out, &cause)) != 0) {
		config_error(ctx, "%s", cause);
		free(cause);
	}
	free(value);
	return (rc);
}

static int
config_conv_int(const char *s, void *out, char **cause)
{
	long long	v;

	if (cv_int(s, &v, cause) != 0)
		return (-1);
	if (v < INT_MIN || v > INT_MAX) {
		xasprintf(cause, "%lld is too large", v);
		return (-1);
	}
	*(int *)out = (int)v;
	return (0);
}

static int
config_conv_bool(const char *s, void *out, char **cause)
{
	return (cv_bool(s, out, cause));
}

static int
config_conv_octal(const char *s, void *out, char **cause)
{
	return (cv_octal(s, out, cause));
}

static int
config_conv_bytes(const char *s, void *out, char **cause)
{
	return (cv_byte_size(s, out, cause));
}

static int
config_conv_signal(const char *s, void *out, char **cause)
{
	return (cv_signal(s, out, cause));
}

static int
config_conv_autorestart(const char *s, void *out, char **cause)
{
	int	v, rc;

	if ((rc = cv_autorestart(s, &v, cause)) == 0)
		*(enum autorestart *)out = (enum autorestart)v;
	return (rc);
}

static int
config_conv_loglevel(const char *s, void *out, char **cause)
{
	return (cv_loglevel(s, out, cause));
}

#define config_int(c, s, n, d, v, o) \
	config_get_conv(c, s, n, d, v, config_conv_int, o)
#define config_bool(c, s, n, d, v, o) \
	config_get_conv(c, s, n, d, v, config_conv_bool, o)
#define config_octal(c, s, n, d, v, o) \
	config_get_conv(c, s, n, d, v, config_conv_octal, o)
#define config_bytes(c, s, n, d, v, o) \
	config_get_conv(c, s, n, d, v, config_conv_bytes, o)

/* datatypes.existing_directory: the expanded path must be a directory. */
static char *
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
static char *
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
static int
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

static void
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
static void
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
static void
config_base_vars(struct config_ctx *ctx, struct expand_vars *vars)
{
	/* Shared, not copied: this runs for every program. */
	expand_vars_init_child(vars, &ctx->env);
	expand_vars_set_str(vars, "here", ctx->cf->here);
}

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
	config_base_vars(ctx, &vars);
	expand_vars_set_str(&vars, "host_node_name", ctx->node);
	files = config_expand(ctx, ctx->opt->value, &vars, "include.files");
	expand_vars_free(&vars);
	if (files == NULL)
		return;
	copy = files;
	for (pat = strtok_r(copy, " \t\r\n\f\v", &save); pat != NULL;
	    pat = strtok_r(NULL, " \t\r\n\f\v", &save)) {
		full = cv_path_join(ctx->cf->here, pat);
		if (glob(full, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
			config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
			    xprintf("No file matches via include \"%s\"", full));
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
}

/* The [supervisord] section, with the command line's overrides on top. */
static void
config_supervisord(struct config_ctx *ctx, const struct ini_section *sec)
{
	struct config		*cf = ctx->cf;
	const struct cmdline	*cmd = ctx->cmd;
	struct expand_vars	 vars;
	char			*s, *tmp, *envstr;
	const char		*tmpdir;
	struct env_var		*env;
	int			 nenv, i;

	config_base_vars(ctx, &vars);
	config_int(ctx, sec, "minfds", "1024", &vars, &cf->minfds);
	config_int(ctx, sec, "minprocs", "200", &vars, &cf->minprocs);
	if (config_get(ctx, sec, "directory", NULL, &vars, &s) == 0 &&
	    s != NULL) {
		cf->directory = config_existing_directory(ctx, s);
		free(s);
	}
	config_get(ctx, sec, "user", NULL, &vars, &cf->user);
	config_octal(ctx, sec, "umask", "022", &vars, &cf->umask);
	if (config_get(ctx, sec, "logfile", "supervisord.log", &vars, &s) == 0) {
		cf->logfile = config_existing_dirpath(ctx, s);
		free(s);
	}
	config_bytes(ctx, sec, "logfile_maxbytes", "50MB", &vars,
	    &cf->logfile_maxbytes);
	config_int(ctx, sec, "logfile_backups", "10", &vars,
	    &cf->logfile_backups);
	config_get_conv(ctx, sec, "loglevel", "info", &vars,
	    config_conv_loglevel, &cf->loglevel);
	if (config_get(ctx, sec, "pidfile", "supervisord.pid", &vars, &s) == 0) {
		cf->pidfile = config_existing_dirpath(ctx, s);
		free(s);
	}
	config_get(ctx, sec, "identifier", "supervisor", &vars, &cf->identifier);
	config_bool(ctx, sec, "nodaemon", "false", &vars, &cf->nodaemon);
	config_bool(ctx, sec, "silent", "false", &vars, &cf->silent);
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	if (config_get(ctx, sec, "childlogdir", tmpdir, &vars, &s) == 0) {
		cf->childlogdir = config_existing_directory(ctx, s);
		free(s);
	}
	config_bool(ctx, sec, "nocleanup", "false", &vars, &cf->nocleanup);
	config_bool(ctx, sec, "strip_ansi", "false", &vars, &cf->strip_ansi);

	/* environment= is expanded once, with host_node_name too. */
	expand_vars_set_str(&vars, "host_node_name", ctx->node);
	if (config_get(ctx, sec, "environment", "", NULL, &envstr) == 0) {
		s = config_expand(ctx, envstr, &vars, "environment");
		if (s != NULL && config_parse_env(ctx, s, &env, &nenv) == 0) {
			cf->env = env;
			cf->nenv = nenv;
			/* Its values become ENV_ expansions for what follows. */
			for (i = 0; i < nenv; i++) {
				tmp = xprintf("ENV_%s", env[i].name);
				expand_vars_set_str(&ctx->env, tmp,
				    env[i].value);
				free(tmp);
			}
		}
		free(s);
		free(envstr);
	}
	expand_vars_free(&vars);
	ctx->sec = NULL;
	ctx->opt = NULL;
	ctx->optname = NULL;

	/* The command line wins over the file (Supervisor's priority 2). */
	if (cmd->nodaemon != -1)
		cf->nodaemon = cmd->nodaemon;
	if (cmd->silent)
		cf->silent = 1;
	if (cmd->user != NULL) {
		free(cf->user);
		cf->user = xstrdup(cmd->user);
	}
	if (cmd->umask != -1)
		cf->umask = cmd->umask;
	if (cmd->directory != NULL) {
		free(cf->directory);
		cf->directory = config_existing_directory(ctx, cmd->directory);
	}
	if (cmd->logfile != NULL) {
		free(cf->logfile);
		cf->logfile = config_existing_dirpath(ctx, cmd->logfile);
	}
	if (cmd->logfile_maxbytes != -1)
		cf->logfile_maxbytes = cmd->logfile_maxbytes;
	if (cmd->logfile_backups != -1)
		cf->logfile_backups = cmd->logfile_backups;
	if (cmd->loglevel != -1)
		cf->loglevel = cmd->loglevel;
	if (cmd->pidfile != NULL) {
		free(cf->pidfile);
		cf->pidfile = config_existing_dirpath(ctx, cmd->pidfile);
	}
	if (cmd->identifier != NULL) {
		free(cf->identifier);
		cf->identifier = xstrdup(cmd->identifier);
	}
	if (cmd->childlogdir != NULL) {
		free(cf->childlogdir);
		cf->childlogdir = config_existing_directory(ctx,
		    cmd->childlogdir);
	}
	if (cmd->nocleanup)
		cf->nocleanup = 1;
	if (cmd->minfds != -1)
		cf->minfds = cmd->minfds;
	if (cmd->minprocs != -1)
		cf->minprocs = cmd->minprocs;
	if (cmd->strip_ansi)
		cf->strip_ansi = 1;

	if (cf->logfile != NULL && strcmp(cf->logfile, "syslog") != 0) {
		s = cv_normalize_path(cf->logfile);
		free(cf->logfile);
		cf->logfile = s;
	}
	if (cf->pidfile != NULL) {
		s = cv_normalize_path(cf->pidfile);
		free(cf->pidfile);
		cf->pidfile = s;
	}
	if (cf->user != NULL) {
		char	*cause = NULL;

		config_at(ctx, cmd->user != NULL ? NULL : sec, "user");
		if (cv_user(cf->user, &cf->uid, &cf->gid, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
		}
		ctx->sec = NULL;
		ctx->opt = NULL;
		ctx->optname = NULL;
	}
}

/* One stdout or stderr channel of a program, inside the per-process loop. */
static int
config_channel(struct config_ctx *ctx, const struct ini_section *sec,
    const char *channel, const struct expand_vars *vars,
    struct channel_config *ch)
{
	char	 key[64], *raw, *val, *lower, *path;
	int	 rc = 0;

	snprintf(key, sizeof key, "%s_logfile", channel);
	/* Supervisor expands the logfile twice: in saneget, then again. */
	if (config_get(ctx, sec, key, "AUTO", vars, &raw) != 0)
		return (-1);
	val = config_expand(ctx, raw, vars, key);
	free(raw);
	if (val == NULL)
		return (-1);
	lower = cv_lower(val);
	if (strcmp(lower, "none") == 0 || strcmp(lower, "off") == 0)
		ch->kind = LOGFILE_NONE;
	else if (strcmp(lower, "auto") == 0)
		ch->kind = LOGFILE_AUTO;
	else if (strcmp(lower, "syslog") == 0) {
		ch->kind = LOGFILE_NONE;
		ch->syslog = 1;
		config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
		    xprintf("For [%s], %s=syslog but this is deprecated and "
		    "will be removed.  Use %s_syslog=true to enable syslog "
		    "instead.", sec->name, key, channel));
	} else {
		ch->kind = LOGFILE_PATH;
		if ((path = config_existing_dirpath(ctx, val)) == NULL)
			rc = -1;
		ch->logfile = path;
	}
	free(lower);
	free(val);

	snprintf(key, sizeof key, "%s_logfile_backups", channel);
	if (config_int(ctx, sec, key, "10", vars, &ch->backups) != 0)
		rc = -1;
	snprintf(key, sizeof key, "%s_logfile_maxbytes", channel);
	if (config_bytes(ctx, sec, key, "50MB", vars, &ch->maxbytes) != 0)
		rc = -1;
	snprintf(key, sizeof key, "%s_syslog", channel);
	if (!ch->syslog && config_bool(ctx, sec, key, "false", vars,
	    &ch->syslog) != 0)
		rc = -1;
	if (ch->kind == LOGFILE_AUTO && ch->maxbytes == 0) {
		config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
		    xprintf("For [%s], AUTO logging used for %s_logfile without "
		    "rollover, set maxbytes > 0 to avoid filling up filesystem "
		    "unintentionally", sec->name, channel));
	}
	return (rc);
}

/* Options of a program read once, before its processes are expanded. */
struct program_common {
	int			 priority, autostart, startsecs, startretries;
	enum autorestart	 autorestart;
	int			 stopsignal, stopwaitsecs, stopasgroup;
	int			 killasgroup, redirect_stderr, numprocs;
	int			 numprocs_start, umask;
	int			*exitcodes, nexitcodes;
	int64_t			 out_capture, err_capture;
	int			 out_events, err_events;
	char			*serverurl, *user, *process_name, *envstr;
	uid_t			 uid;
	gid_t			 gid;
};

static int
config_program_common(struct config_ctx *ctx, const struct ini_section *sec,
    const struct expand_vars *vars, struct program_common *pc)
{
	char	*s, *cause = NULL;
	int	 bad = 0;

	memset(pc, 0, sizeof *pc);
	pc->umask = -1;
	bad |= config_int(ctx, sec, "priority", "999", vars, &pc->priority);
	bad |= config_bool(ctx, sec, "autostart", "true", vars, &pc->autostart);
	bad |= config_get_conv(ctx, sec, "autorestart", "unexpected", vars,
	    config_conv_autorestart, &pc->autorestart);
	bad |= config_int(ctx, sec, "startsecs", "1", vars, &pc->startsecs);
	bad |= config_int(ctx, sec, "startretries", "3", vars,
	    &pc->startretries);
	bad |= config_get_conv(ctx, sec, "stopsignal", "TERM", vars,
	    config_conv_signal, &pc->stopsignal);
	bad |= config_int(ctx, sec, "stopwaitsecs", "10", vars,
	    &pc->stopwaitsecs);
	bad |= config_bool(ctx, sec, "stopasgroup", "false", vars,
	    &pc->stopasgroup);
	bad |= config_bool(ctx, sec, "killasgroup",
	    pc->stopasgroup ? "true" : "false", vars, &pc->killasgroup);
	if (config_get(ctx, sec, "exitcodes", "0", vars, &s) == 0) {
		if (cv_exitcodes(s, &pc->exitcodes, &pc->nexitcodes, &cause)) {
			config_error(ctx, "%s", cause);
			free(cause);
			bad = -1;
		}
		free(s);
	} else
		bad = -1;
	bad |= config_bool(ctx, sec, "redirect_stderr", "false", vars,
	    &pc->redirect_stderr);
	bad |= config_int(ctx, sec, "numprocs", "1", vars, &pc->numprocs);
	bad |= config_int(ctx, sec, "numprocs_start", "0", vars,
	    &pc->numprocs_start);
	bad |= config_get(ctx, sec, "environment", "", NULL, &pc->envstr);
	bad |= config_bytes(ctx, sec, "stdout_capture_maxbytes", "0", vars,
	    &pc->out_capture);
	bad |= config_bool(ctx, sec, "stdout_events_enabled", "false", vars,
	    &pc->out_events);
	bad |= config_bytes(ctx, sec, "stderr_capture_maxbytes", "0", vars,
	    &pc->err_capture);
	bad |= config_bool(ctx, sec, "stderr_events_enabled", "false", vars,
	    &pc->err_events);
	bad |= config_get(ctx, sec, "serverurl", NULL, vars, &pc->serverurl);
	if (pc->serverurl != NULL) {
		s = cv_strip(pc->serverurl);
		if (strcasecmp(s, "AUTO") == 0) {
			free(pc->serverurl);
			pc->serverurl = NULL;
		}
		free(s);
	}
	bad |= config_get(ctx, sec, "user", NULL, vars, &pc->user);
	if (pc->user != NULL && cv_user(pc->user, &pc->uid, &pc->gid, &cause)) {
		config_error(ctx, "%s", cause);
		free(cause);
		bad = -1;
	}
	if (config_get(ctx, sec, "umask", NULL, vars, &s) == 0 && s != NULL) {
		if (cv_octal(s, &pc->umask, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
			bad = -1;
		}
		free(s);
	}
	bad |= config_get(ctx, sec, "process_name", "%(program_name)s", NULL,
	    &pc->process_name);
	if (pc->process_name != NULL) {
		if (cv_name(pc->process_name, &s, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
			bad = -1;
		} else
			free(s);
	}
	if (pc->numprocs > 1 && pc->process_name != NULL &&
	    strstr(pc->process_name, "%(process_num)") == NULL) {
		config_at(ctx, sec, "process_name");
		if (ctx->opt == NULL)
			config_at(ctx, sec, "numprocs");
		config_error(ctx, "%%(process_num) must be present within "
		    "process_name when numprocs > 1 (e.g. process_name="
		    "%%(program_name)s_%%(process_num)02d)");
		bad = -1;
	}
	if (pc->stopasgroup && !pc->killasgroup) {
		config_at(ctx, sec, "killasgroup");
		config_error(ctx, "Cannot set stopasgroup=true and "
		    "killasgroup=false (killasgroup must be true too)");
		bad = -1;
	}
	return (bad ? -1 : 0);
}

static void
config_program_common_free(struct program_common *pc)
{
	free(pc->exitcodes);
	free(pc->serverurl);
	free(pc->user);
	free(pc->process_name);
	free(pc->envstr);
}

static void
config_process_free(struct process_config *pc)
{
	if (pc == NULL)
		return;
	free(pc->name);
	free(pc->program);
	free(pc->command);
	free(pc->directory);
	free(pc->user);
	free(pc->out.logfile);
	free(pc->err.logfile);
	free(pc->exitcodes);
	config_free_env(pc->env, pc->nenv);
	free(pc->serverurl);
	free(pc);
}

/* One process of a program section, for process_num. */
static struct process_config *
config_process(struct config_ctx *ctx, const struct ini_section *sec,
    const struct program_common *pc, struct expand_vars *vars,
    const char *program, int num)
{
	struct process_config	*p;
	struct env_var		*own = NULL;
	char			*s, *tmp;
	int			 bad = 0, i, nown = 0;

	p = xcalloc(1, sizeof *p);
	p->program = xstrdup(program);
	p->process_num = num;
	p->numprocs = pc->numprocs;
	expand_vars_set_int(vars, "process_num", num);
	expand_vars_set_int(vars, "numprocs", pc->numprocs);

	config_at(ctx, sec, "environment");
	s = config_expand(ctx, pc->envstr, vars, "environment");
	if (s == NULL || config_parse_env(ctx, s, &own, &nown) != 0)
		bad = 1;
	free(s);
	/* A program's own environment is visible to its later expansions. */
	for (i = 0; i < nown; i++) {
		tmp = xprintf("ENV_%s", own[i].name);
		expand_vars_set_str(vars, tmp, own[i].value);
		free(tmp);
	}
	/* The child gets [supervisord] environment, then its own on top. */
	config_merge_env(&p->env, &p->nenv, ctx->cf->env, ctx->cf->nenv);
	config_merge_env(&p->env, &p->nenv, own, nown);
	config_free_env(own, nown);

	bad |= config_get(ctx, sec, "directory", NULL, vars, &p->directory);
	bad |= config_channel(ctx, sec, "stdout", vars, &p->out);
	bad |= config_channel(ctx, sec, "stderr", vars, &p->err);
	if (pc->redirect_stderr) {
		if (p->err.kind == LOGFILE_PATH) {
			config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
			    xprintf("For [%s], redirect_stderr=true but "
			    "stderr_logfile has also been set to a filename, "
			    "the filename has been ignored", sec->name));
		}
		p->err.kind = LOGFILE_NONE;
		free(p->err.logfile);
		p->err.logfile = NULL;
	}
	if (config_get(ctx, sec, "command", NULL, vars, &p->command) != 0)
		bad = 1;
	else if (p->command == NULL) {
		config_at(ctx, sec, NULL);
		config_error(ctx, "program section %s does not specify a "
		    "command (every program needs command=, e.g. "
		    "command=/usr/bin/myapp --flag)", sec->name);
		bad = 1;
	}
	config_at(ctx, sec, "process_name");
	if ((p->name = config_expand(ctx, pc->process_name, vars,
	    "process_name")) == NULL)
		bad = 1;
	if (bad) {
		config_process_free(p);
		return (NULL);
	}
	p->umask = pc->umask;
	p->priority = pc->priority;
	p->autostart = pc->autostart;
	p->autorestart = pc->autorestart;
	p->startsecs = pc->startsecs;
	p->startretries = pc->startretries;
	p->user = pc->user != NULL ? xstrdup(pc->user) : NULL;
	p->uid = pc->uid;
	p->gid = pc->gid;
	p->out.capture_maxbytes = pc->out_capture;
	p->out.events_enabled = pc->out_events;
	p->err.capture_maxbytes = pc->err_capture;
	p->err.events_enabled = pc->err_events;
	p->stopsignal = pc->stopsignal;
	p->stopwaitsecs = pc->stopwaitsecs;
	p->stopasgroup = pc->stopasgroup;
	p->killasgroup = pc->killasgroup;
	p->exitcodes = xcalloc(pc->nexitcodes + 1, sizeof *p->exitcodes);
	if (pc->nexitcodes > 0)
		memcpy(p->exitcodes, pc->exitcodes,
		    pc->nexitcodes * sizeof *p->exitcodes);
	p->nexitcodes = pc->nexitcodes;
	p->redirect_stderr = pc->redirect_stderr;
	p->serverurl = pc->serverurl != NULL ? xstrdup(pc->serverurl) : NULL;
	return (p);
}

static int
config_process_cmp(const void *a, const void *b)
{
	const struct process_config *pa = *(struct process_config *const *)a;
	const struct process_config *pb = *(struct process_config *const *)b;

	if (pa->priority != pb->priority)
		return (pa->priority < pb->priority ? -1 : 1);
	return (strcmp(pa->name, pb->name));
}

/*
 * Supervisor's processes_from_section(): expand a program section into its
 * processes (numprocs of them), appending to *procs. Returns -1 on error.
 */
static int
config_program(struct config_ctx *ctx, const struct ini_section *sec,
    const char *group_name, struct process_config ***procs, int *nprocs)
{
	struct program_common	 pc;
	struct expand_vars	 vars;
	struct process_config	*p, **list = NULL;
	char			*program, *cause = NULL;
	int			 i, n = 0, bad = 0;

	config_at(ctx, sec, NULL);
	if (cv_name(strchr(sec->name, ':') + 1, &program, &cause) != 0) {
		config_error(ctx, "%s", cause);
		free(cause);
		return (-1);
	}
	config_base_vars(ctx, &vars);
	expand_vars_set_str(&vars, "program_name", program);
	expand_vars_set_str(&vars, "host_node_name", ctx->node);
	expand_vars_set_str(&vars, "group_name", group_name);
	if (config_program_common(ctx, sec, &vars, &pc) != 0) {
		config_program_common_free(&pc);
		expand_vars_free(&vars);
		free(program);
		return (-1);
	}
	for (i = pc.numprocs_start; i < pc.numprocs_start + pc.numprocs; i++) {
		if ((p = config_process(ctx, sec, &pc, &vars, program, i)) ==
		    NULL) {
			bad = 1;
			break;
		}
		list = xreallocarray(list, n + 1, sizeof *list);
		list[n++] = p;
	}
	if (n > 0)
		qsort(list, n, sizeof *list, config_process_cmp);
	*procs = xreallocarray(*procs, *nprocs + n + 1, sizeof **procs);
	if (n > 0)
		memcpy(*procs + *nprocs, list, n * sizeof *list);
	*nprocs += n;
	free(list);
	config_program_common_free(&pc);
	expand_vars_free(&vars);
	free(program);
	return (bad ? -1 : 0);
}

static struct group_config *
config_group_new(const char *name, enum group_kind kind, int priority)
{
	struct group_config	*g;

	g = xcalloc(1, sizeof *g);
	g->refs = 1;
	g->name = xstrdup(name);
	g->kind = kind;
	g->priority = priority;
	return (g);
}

static void
config_add_group(struct config *cf, struct group_config *g)
{
	int	i;

	for (i = 0; i < g->nprocs; i++)
		g->procs[i]->group = g;
	cf->groups = xreallocarray(cf->groups, cf->ngroups + 1,
	    sizeof *cf->groups);
	cf->groups[cf->ngroups++] = g;
}

static void
config_group_free(struct group_config *g)
{
	int	i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nprocs; i++)
		config_process_free(g->procs[i]);
	free(g->procs);
	if (g->socket != NULL) {
		free(g->socket->url);
		free(g->socket->path);
		free(g->socket->host);
		free(g->socket);
	}
	for (i = 0; i < g->nevent_names; i++)
		free(g->event_names[i]);
	free(g->event_names);
	free(g->result_handler);
	free(g->name);
	free(g);
}

static int
config_is_section(const char *name, const char *prefix)
{
	return (strncmp(name, prefix, strlen(prefix)) == 0);
}

/* Sections a [group:x] has claimed are not groups of their own. */
static int
config_claimed(char **claimed, int n, const char *section)
{
	int	i;

	for (i = 0; i < n; i++) {
		if (strcmp(claimed[i], section) == 0)
			return (1);
	}
	return (0);
}

/* [group:x]: heterogeneous groups of existing program sections. */
static void
config_hetero_groups(struct config_ctx *ctx, char ***claimed, int *nclaimed)
{
	struct ini_section	*sec, *psec;
	struct group_config	*g;
	struct expand_vars	 vars;
	char			*name, *programs, *item, *save, *cause = NULL;
	char			 pname[512], fname[512];
	int			 prio = 999, bad;
	size_t			 i;

	for (i = 0; i < ctx->ini->nsections; i++) {
		sec = &ctx->ini->sections[i];
		if (!config_is_section(sec->name, "group:"))
			continue;
		config_at(ctx, sec, NULL);
		if (cv_name(sec->name + 6, &name, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
			continue;
		}
		config_base_vars(ctx, &vars);
		bad = config_get(ctx, sec, "programs", NULL, &vars, &programs);
		bad |= config_int(ctx, sec, "priority", "999", &vars, &prio);
		expand_vars_free(&vars);
		if (bad) {
			free(name);
			free(programs);
			continue;
		}
		g = config_group_new(name, GROUP_PROGRAM, prio);
		for (item = programs != NULL ? strtok_r(programs, ",", &save) :
		    NULL; item != NULL; item = strtok_r(NULL, ",", &save)) {
			char	*prog = cv_strip(item);

			snprintf(pname, sizeof pname, "program:%s", prog);
			snprintf(fname, sizeof fname, "fcgi-program:%s", prog);
			psec = ini_find_section(ctx->ini, pname);
			if (psec != NULL &&
			    ini_find_section(ctx->ini, fname) != NULL) {
				config_at(ctx, sec, "programs");
				config_error(ctx, "[%s] name %s is ambiguous "
				    "(exists as program and fcgi-program)",
				    sec->name, prog);
				bad = 1;
			} else if (psec == NULL &&
			    (psec = ini_find_section(ctx->ini, fname)) ==
			    NULL) {
				config_at(ctx, sec, "programs");
				config_error(ctx, "[%s] names unknown program "
				    "or fcgi-program %s (expected a [program:%s] "
				    "section)", sec->name, prog, prog);
				bad = 1;
			}
			if (psec != NULL && !bad) {
				*claimed = xreallocarray(*claimed,
				    *nclaimed + 1, sizeof **claimed);
				(*claimed)[(*nclaimed)++] = psec->name;
				if (config_program(ctx, psec, name, &g->procs,
				    &g->nprocs) != 0)
					bad = 1;
			}
			free(prog);
		}
		free(programs);
		free(name);
		if (bad)
			config_group_free(g);
		else
			config_add_group(ctx->cf, g);
	}
}

/* [program:x]: a group of its own, named after the program. */
static void
config_program_groups(struct config_ctx *ctx, char **claimed, int nclaimed)
{
	struct ini_section	*sec;
	struct group_config	*g;
	struct expand_vars	 vars;
	char			*name, *cause = NULL;
	int			 prio = 999;
	size_t			 i;

	for (i = 0; i < ctx->ini->nsections; i++) {
		sec = &ctx->ini->sections[i];
		if (!config_is_section(sec->name, "program:") ||
		    config_claimed(claimed, nclaimed, sec->name))
			continue;
		config_at(ctx, sec, NULL);
		if (cv_name(sec->name + 8, &name, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
			continue;
		}
		config_base_vars(ctx, &vars);
		if (config_int(ctx, sec, "priority", "999", &vars, &prio)) {
			expand_vars_free(&vars);
			free(name);
			continue;
		}
		expand_vars_free(&vars);
		g = config_group_new(name, GROUP_PROGRAM, prio);
		if (config_program(ctx, sec, name, &g->procs, &g->nprocs) != 0)
			config_group_free(g);
		else
			config_add_group(ctx->cf, g);
		free(name);
	}
}

/* [eventlistener:x]: a pool of listener processes and its subscriptions. */
static void
config_listener_groups(struct config_ctx *ctx)
{
	struct ini_section	*sec;
	struct group_config	*g;
	struct expand_vars	 vars;
	char			*events, *item, *save, *upper, *handler;
	const char		*name;
	int			 prio = -1, bufsize = 10, redirect, bad, type, j;
	size_t			 i;

	for (i = 0; i < ctx->ini->nsections; i++) {
		sec = &ctx->ini->sections[i];
		if (!config_is_section(sec->name, "eventlistener:"))
			continue;
		name = sec->name + strlen("eventlistener:");
		config_base_vars(ctx, &vars);
		bad = config_int(ctx, sec, "priority", "-1", &vars, &prio);
		bad |= config_int(ctx, sec, "buffer_size", "10", &vars,
		    &bufsize);
		if (bad == 0 && bufsize < 1) {
			config_at(ctx, sec, "buffer_size");
			config_error(ctx, "[%s] section sets invalid buffer_size "
			    "(%d) (expected 1 or more)", sec->name, bufsize);
			bad = 1;
		}
		bad |= config_get(ctx, sec, "result_handler",
		    "supervisor.dispatchers:default_handler", &vars, &handler);
		if (handler != NULL && strcmp(handler,
		    "supervisor.dispatchers:default_handler") != 0) {
			config_error(ctx, "%s cannot be resolved within [%s] "
			    "(supd provides supervisor.dispatchers:"
			    "default_handler)", handler, sec->name);
			bad = 1;
		}
		bad |= config_get(ctx, sec, "events", "", &vars, &events);
		g = config_group_new(name, GROUP_LISTENER, prio);
		g->buffer_size = bufsize;
		g->result_handler = handler;
		for (item = events ? strtok_r(events, ",", &save) : NULL;
		    item != NULL; item = strtok_r(NULL, ",", &save)) {
			char	*stripped = cv_strip(item);

			upper = stripped;
			for (j = 0; upper[j] != '\0'; j++)
				upper[j] = (char)toupper((unsigned char)upper[j]);
			if (*upper == '\0') {
				free(upper);
				continue;
			}
			if ((type = event_type_from_name(upper)) < 0) {
				config_at(ctx, sec, "events");
				config_error(ctx, "Unknown event type %s in [%s] "
				    "events (expected e.g. PROCESS_STATE, "
				    "PROCESS_STATE_EXITED, TICK_60)", upper,
				    sec->name);
				bad = 1;
				free(upper);
				continue;
			}
			g->events |= event_type_mask(type);
			g->event_names = xreallocarray(g->event_names,
			    g->nevent_names + 1, sizeof *g->event_names);
			g->event_names[g->nevent_names++] = upper;
		}
		free(events);
		if (!bad && g->nevent_names == 0) {
			config_at(ctx, sec, "events");
			config_error(ctx, "[%s] section requires an \"events\" "
			    "line (e.g. events=PROCESS_STATE)", sec->name);
			bad = 1;
		}
		if (config_bool(ctx, sec, "redirect_stderr", "false", &vars,
		    &redirect) == 0 && redirect) {
			config_error(ctx, "[%s] section sets redirect_stderr=true "
			    "but this is not allowed because it will interfere "
			    "with the eventlistener protocol", sec->name);
			bad = 1;
		}
		expand_vars_free(&vars);
		if (!bad && config_program(ctx, sec, name, &g->procs,
		    &g->nprocs) != 0)
			bad = 1;
		if (bad)
			config_group_free(g);
		else
			config_add_group(ctx->cf, g);
	}
}

/* Options.parse_fcgi_socket(): tcp://host:port or unix:///abs/path. */
static int
config_fcgi_socket(struct config_ctx *ctx, const char *sock,
    struct fcgi_socket_config *fs, const struct program_common *owner)
{
	const char	*colon;
	char		*cause = NULL;
	long long	 port;

	fs->url = xstrdup(sock);
	if (strncmp(sock, "unix://", 7) == 0) {
		if (sock[7] != '/') {
			config_error(ctx, "Unix socket path %s is not an "
			    "absolute path in [%s] socket", sock + 7,
			    ctx->sec->name);
			return (-1);
		}
		fs->is_unix = 1;
		fs->path = cv_normalize_path(sock + 7);
		free(fs->url);
		xasprintf(&fs->url, "unix://%s", fs->path);
		if (fs->mode == -1)
			fs->mode = 0700;
		if (fs->owner_uid == (uid_t)-1 && owner->user != NULL &&
		    owner->uid != getuid()) {
			fs->owner_uid = owner->uid;
			fs->owner_gid = owner->gid;
		}
		return (0);
	}
	if (fs->mode != -1 || fs->owner_uid != (uid_t)-1) {
		config_at(ctx, ctx->sec, fs->mode != -1 ? "socket_mode" :
		    "socket_owner");
		config_error(ctx, "socket_owner and socket_mode params should "
		    "only be used with a Unix domain socket (socket=unix:///"
		    "path)");
		return (-1);
	}
	if (strncmp(sock, "tcp://", 6) == 0 &&
	    (colon = strrchr(sock + 6, ':')) != NULL && colon > sock + 6 &&
	    strcspn(sock + 6, ": \t") == (size_t)(colon - sock - 6) &&
	    colon[1] != '\0' && strspn(colon + 1, "0123456789") ==
	    strlen(colon + 1) && cv_int(colon + 1, &port, &cause) == 0) {
		fs->host = xstrndup(sock + 6, colon - sock - 6);
		fs->port = (int)port;
		free(fs->url);
		xasprintf(&fs->url, "tcp://%s:%d", fs->host, fs->port);
		return (0);
	}
	free(cause);
	config_error(ctx, "Bad socket format %s in [%s] socket (expected "
	    "tcp://host:port or unix:///absolute/path)", sock, ctx->sec->name);
	return (-1);
}

/* [fcgi-program:x]: a program group sharing one listening socket. */
static void
config_fcgi_groups(struct config_ctx *ctx, char **claimed, int nclaimed)
{
	struct ini_section		*sec;
	struct group_config		*g;
	struct expand_vars		 vars;
	struct program_common		 owner;
	struct fcgi_socket_config	*fs;
	char				*name, *s, *sock, *cause = NULL;
	int				 prio = 999, bad;
	size_t				 i;

	for (i = 0; i < ctx->ini->nsections; i++) {
		sec = &ctx->ini->sections[i];
		if (!config_is_section(sec->name, "fcgi-program:") ||
		    config_claimed(claimed, nclaimed, sec->name))
			continue;
		config_at(ctx, sec, NULL);
		if (cv_name(sec->name + 13, &name, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
			continue;
		}
		config_base_vars(ctx, &vars);
		bad = config_int(ctx, sec, "priority", "999", &vars, &prio);
		fs = xcalloc(1, sizeof *fs);
		fs->mode = -1;
		fs->owner_uid = (uid_t)-1;
		fs->owner_gid = (gid_t)-1;
		memset(&owner, 0, sizeof owner);
		bad |= config_get(ctx, sec, "user", NULL, &vars, &owner.user);
		if (owner.user != NULL &&
		    cv_user(owner.user, &owner.uid, &owner.gid, &cause) != 0) {
			config_error(ctx, "%s", cause);
			free(cause);
			cause = NULL;
			bad = 1;
		}
		if (config_get(ctx, sec, "socket_backlog", NULL, &vars, &s) ==
		    0 && s != NULL) {
			if (cv_int_range(s, 1, 65535, &fs->backlog, &cause)) {
				config_error(ctx, "Invalid socket_backlog value "
				    "%s: %s", s, cause);
				free(cause);
				cause = NULL;
				bad = 1;
			}
			free(s);
		}
		if (config_get(ctx, sec, "socket_owner", NULL, &vars, &s) == 0 &&
		    s != NULL) {
			if (cv_user_group(s, &fs->owner_uid, &fs->owner_gid,
			    &cause) != 0) {
				config_error(ctx, "Invalid socket_owner value "
				    "%s: %s", s, cause);
				free(cause);
				cause = NULL;
				bad = 1;
			}
			free(s);
		}
		if (config_get(ctx, sec, "socket_mode", NULL, &vars, &s) == 0 &&
		    s != NULL) {
			if (cv_octal(s, &fs->mode, &cause) != 0) {
				config_error(ctx, "Invalid socket_mode value %s "
				    "(expected octal digits, e.g. 0700)", s);
				free(cause);
				cause = NULL;
				bad = 1;
			}
			free(s);
		}
		expand_vars_set_str(&vars, "program_name", name);
		if (config_get(ctx, sec, "socket", NULL, &vars, &sock) == 0) {
			if (sock == NULL || *sock == '\0') {
				config_at(ctx, sec, NULL);
				config_error(ctx, "[%s] section requires a "
				    "\"socket\" line (e.g. socket=tcp://"
				    "127.0.0.1:9000 or socket=unix:///run/"
				    "app.sock)", sec->name);
				bad = 1;
			} else if (config_fcgi_socket(ctx, sock, fs, &owner))
				bad = 1;
			free(sock);
		} else
			bad = 1;
		free(owner.user);
		expand_vars_free(&vars);
		g = config_group_new(name, GROUP_FCGI, prio);
		g->socket = fs;
		if (bad || config_program(ctx, sec, name, &g->procs,
		    &g->nprocs) != 0)
			config_group_free(g);
		else
			config_add_group(ctx->cf, g);
		free(name);
	}
}

/* username= and password= come together or not at all. */
static int
config_server_auth(struct config_ctx *ctx, const struct ini_section *sec,
    struct server_config *sc)
{
	const struct expand_vars *none = NULL;

	config_get(ctx, sec, "username", NULL, none, &sc->username);
	config_get(ctx, sec, "password", NULL, none, &sc->password);
	if ((sc->username == NULL) != (sc->password == NULL)) {
		config_at(ctx, sec, sc->username == NULL ? "password" :
		    "username");
		config_error(ctx, "Section [%s] contains incomplete "
		    "authentication: set both username and password, or "
		    "neither", sec->name);
		return (-1);
	}
	return (0);
}

/* [inet_http_server] and [unix_http_server] (and :name variants). */
static void
config_servers(struct config_ctx *ctx)
{
	struct ini_section	*sec;
	struct server_config	 sc;
	struct expand_vars	 vars;
	char			*s, *cause = NULL;
	size_t			 i;
	int			 pass, bad;

	/* Supervisor lists inet servers first, then unix ones. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ctx->ini->nsections; i++) {
			sec = &ctx->ini->sections[i];
			if (!config_is_section(sec->name, pass == 0 ?
			    "inet_http_server" : "unix_http_server"))
				continue;
			memset(&sc, 0, sizeof sc);
			sc.section = xstrdup(sec->name);
			sc.chown_uid = (uid_t)-1;
			sc.chown_gid = (gid_t)-1;
			bad = config_server_auth(ctx, sec, &sc);
			if (pass == 0) {
				sc.family = SERVER_INET;
				config_get(ctx, sec, "port", NULL, NULL, &s);
				if (s == NULL) {
					config_at(ctx, sec, NULL);
					config_error(ctx, "no port= value "
					    "(expected e.g. port=127.0.0.1:9001)");
					bad = 1;
				} else if (cv_inet_address(s, &sc.host,
				    &sc.port, &cause) != 0) {
					config_error(ctx, "%s", cause);
					free(cause);
					cause = NULL;
					bad = 1;
				}
				free(s);
			} else {
				sc.family = SERVER_UNIX;
				sc.chmod = 0700;
				config_base_vars(ctx, &vars);
				config_get(ctx, sec, "file", NULL, &vars, &s);
				expand_vars_free(&vars);
				if (s == NULL) {
					config_at(ctx, sec, NULL);
					config_error(ctx, "no file= value "
					    "(expected the socket path, e.g. "
					    "file=/run/supervisor.sock)");
					bad = 1;
				} else {
					char *st = cv_strip(s);

					sc.path = cv_normalize_path(st);
					free(st);
				}
				free(s);
				config_get(ctx, sec, "chown", NULL, NULL, &s);
				if (s != NULL && cv_user_group(s, &sc.chown_uid,
				    &sc.chown_gid, &cause) != 0) {
					config_error(ctx, "Invalid sockchown "
					    "value %s: %s", s, cause);
					free(cause);
					cause = NULL;
					bad = 1;
				}
				free(s);
				config_get(ctx, sec, "chmod", NULL, NULL, &s);
				if (s != NULL &&
				    cv_octal(s, &sc.chmod, &cause) != 0) {
					config_error(ctx, "Invalid chmod value "
					    "%s (expected octal digits, e.g. "
					    "0700)", s);
					free(cause);
					cause = NULL;
					bad = 1;
				}
				free(s);
			}
			if (bad) {
				free(sc.section);
				free(sc.path);
				free(sc.host);
				free(sc.username);
				free(sc.password);
				continue;
			}
			ctx->cf->servers = xreallocarray(ctx->cf->servers,
			    ctx->cf->nservers + 1, sizeof *ctx->cf->servers);
			ctx->cf->servers[ctx->cf->nservers++] = sc;
		}
	}
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

static int
config_group_cmp(const void *a, const void *b)
{
	const struct group_config *ga = *(struct group_config *const *)a;
	const struct group_config *gb = *(struct group_config *const *)b;

	if (ga->priority != gb->priority)
		return (ga->priority < gb->priority ? -1 : 1);
	return (strcmp(ga->name, gb->name));
}

/* The URL children get as SUPERVISOR_SERVER_URL: unix first, then inet. */
static void
config_serverurl(struct config *cf)
{
	int	i;

	for (i = 0; i < cf->nservers; i++) {
		if (cf->servers[i].family == SERVER_UNIX) {
			xasprintf(&cf->serverurl, "unix://%s",
			    cf->servers[i].path);
			return;
		}
	}
	for (i = 0; i < cf->nservers; i++) {
		xasprintf(&cf->serverurl, "http://%s:%d",
		    *cf->servers[i].host ? cf->servers[i].host : "localhost",
		    cf->servers[i].port);
	}
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

static void
config_init_env(struct config_ctx *ctx)
{
	struct utsname	un;

	expand_vars_init(&ctx->env);
	expand_vars_add_environ(&ctx->env, environ);
	ctx->node = xstrdup(uname(&un) == 0 ? un.nodename : "localhost");
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
	char			*path, *cause = NULL, **claimed = NULL;
	int			 nclaimed = 0;

	memset(&ctx, 0, sizeof ctx);
	ctx.cmd = cmd;
	ctx.cf = cf = xcalloc(1, sizeof *cf);
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
	config_read_includes(&ctx);
	if ((sec = ini_find_section(ctx.ini, "supervisord")) == NULL) {
		config_add_msg(&ctx.errors, &ctx.nerrors, xprintf("%s: .ini "
		    "file does not include supervisord section (every config "
		    "needs a [supervisord] section, even an empty one)",
		    cf->configfile));
		goto out;
	}
	config_supervisord(&ctx, sec);
	config_rpcinterfaces(&ctx);
	config_hetero_groups(&ctx, &claimed, &nclaimed);
	config_program_groups(&ctx, claimed, nclaimed);
	config_listener_groups(&ctx);
	config_fcgi_groups(&ctx, claimed, nclaimed);
	free(claimed);
	if (cf->ngroups > 0)
		qsort(cf->groups, cf->ngroups, sizeof *cf->groups,
		    config_group_cmp);
	config_servers(&ctx);
	config_serverurl(cf);
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
config_free_errors(char **errors, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		free(errors[i]);
	free(errors);
}

void
config_add_critical(struct config *cf, char *msg)
{
	config_add_msg(&cf->criticals, &cf->ncriticals, msg);
}

void
config_add_info(struct config *cf, char *msg)
{
	config_add_msg(&cf->infos, &cf->ninfos, msg);
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
	for (i = 0; i < cf->nservers; i++) {
		free(cf->servers[i].section);
		free(cf->servers[i].path);
		free(cf->servers[i].host);
		free(cf->servers[i].username);
		free(cf->servers[i].password);
	}
	free(cf->servers);
	config_free_env(cf->env, cf->nenv);
	config_free_errors(cf->criticals, cf->ncriticals);
	config_free_errors(cf->warnings, cf->nwarnings);
	config_free_errors(cf->infos, cf->ninfos);
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

void
config_group_ref(struct group_config *g)
{
	g->refs++;
}

void
config_group_unref(struct group_config *g)
{
	if (g != NULL && --g->refs == 0)
		config_group_free(g);
}

struct group_config *
config_find_group(const struct config *cf, const char *name)
{
	int	i;

	for (i = 0; i < cf->ngroups; i++) {
		if (strcmp(cf->groups[i]->name, name) == 0)
			return (cf->groups[i]);
	}
	return (NULL);
}

static int
config_str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* AUTO matches any name, as Supervisor's ProcessConfig.__eq__ skips it. */
static int
config_channel_equal(const struct channel_config *a,
    const struct channel_config *b)
{
	if (a->kind != b->kind)
		return (0);
	if (a->kind == LOGFILE_PATH && !config_str_equal(a->logfile,
	    b->logfile))
		return (0);
	return (a->maxbytes == b->maxbytes && a->backups == b->backups &&
	    a->capture_maxbytes == b->capture_maxbytes &&
	    a->events_enabled == b->events_enabled && a->syslog == b->syslog);
}

static int
config_env_equal(const struct process_config *a,
    const struct process_config *b)
{
	int	i;

	if (a->nenv != b->nenv)
		return (0);
	for (i = 0; i < a->nenv; i++) {
		if (strcmp(a->env[i].name, b->env[i].name) != 0 ||
		    strcmp(a->env[i].value, b->env[i].value) != 0)
			return (0);
	}
	return (1);
}

static int
config_process_equal(const struct process_config *a,
    const struct process_config *b)
{
	return (strcmp(a->name, b->name) == 0 &&
	    strcmp(a->command, b->command) == 0 &&
	    config_str_equal(a->directory, b->directory) &&
	    a->umask == b->umask && a->priority == b->priority &&
	    a->autostart == b->autostart && a->autorestart == b->autorestart &&
	    a->startsecs == b->startsecs && a->startretries == b->startretries &&
	    config_str_equal(a->user, b->user) && a->uid == b->uid &&
	    config_channel_equal(&a->out, &b->out) &&
	    config_channel_equal(&a->err, &b->err) &&
	    a->stopsignal == b->stopsignal &&
	    a->stopwaitsecs == b->stopwaitsecs &&
	    a->stopasgroup == b->stopasgroup &&
	    a->killasgroup == b->killasgroup &&
	    a->nexitcodes == b->nexitcodes && memcmp(a->exitcodes,
	    b->exitcodes, a->nexitcodes * sizeof *a->exitcodes) == 0 &&
	    a->redirect_stderr == b->redirect_stderr &&
	    config_env_equal(a, b) &&
	    config_str_equal(a->serverurl, b->serverurl));
}

/* Whether reread sees this group as unchanged. */
int
config_group_equal(const struct group_config *a, const struct group_config *b)
{
	int	i;

	if (strcmp(a->name, b->name) != 0 || a->kind != b->kind ||
	    a->priority != b->priority || a->nprocs != b->nprocs)
		return (0);
	for (i = 0; i < a->nprocs; i++) {
		if (!config_process_equal(a->procs[i], b->procs[i]))
			return (0);
	}
	if (a->kind == GROUP_FCGI && !config_str_equal(a->socket->url,
	    b->socket->url))
		return (0);
	if (a->kind == GROUP_LISTENER && (a->buffer_size != b->buffer_size ||
	    a->events != b->events ||
	    !config_str_equal(a->result_handler, b->result_handler)))
		return (0);
	return (1);
}

/*
 * Name and create an AUTO child log the way supervisord does:
 * <childlogdir>/<name>-<channel>---<identifier>-<random>.log, where the
 * random part is Python's tempfile.mkstemp one: eight characters from
 * [a-z0-9_] (mkstemps would give six of [A-Za-z0-9]), created with
 * O_EXCL and mode 0600, retried on a name already taken. Caller frees.
 */
char *
config_auto_logfile(const struct config *cf, const char *name,
    const char *channel, char **cause)
{
	static const char	 chars[] =
	    "abcdefghijklmnopqrstuvwxyz0123456789_";
	char			*path, *rnd;
	int			 fd = -1, tries, i;

	xasprintf(&path, "%s/%s-%s---%s-XXXXXXXX.log", cf->childlogdir, name,
	    channel, cf->identifier);
	rnd = path + strlen(path) - 12;
	for (tries = 0; tries < 10000; tries++) {
		for (i = 0; i < 8; i++)
			rnd[i] = chars[arc4random_uniform(sizeof chars - 1)];
		fd = open(path, O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW,
		    0600);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		xasprintf(cause, "cannot create an AUTO log file in %s: %s",
		    cf->childlogdir, strerror(errno));
		free(path);
		return (NULL);
	}
	close(fd);
	return (path);
}

int
config_signal_number(const char *s)
{
	char	*cause = NULL;
	int	 sig;

	if (cv_signal(s, &sig, &cause) != 0) {
		free(cause);
		return (-1);
	}
	return (sig);
}

const char *
config_signal_name(int sig)
{
	return (cv_signame(sig));
}
