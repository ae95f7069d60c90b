/*
 * The server sections: [supervisord] (with the command line's overrides
 * on top), [unix_http_server] and [inet_http_server]. [supervisorctl] is
 * supctl's to read. Options are rows of the tables below.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-parse.h"
#include "config-table.h"
#include "config-value.h"
#include "expand.h"
#include "ini.h"
#include "xmalloc.h"

/* A path that must be an existing directory (datatypes.existing_directory). */
static int
config_server_conv_dir(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	char	**field = CONFIG_FIELD(cp->obj, row);

	free(*field);
	*field = config_existing_directory(cp->ctx, value);
	return (*field == NULL ? -1 : 0);
}

static const struct config_type config_server_type_dir = {
	"directory", sizeof (char *), 0, config_server_conv_dir, NULL, NULL,
	NULL, NULL
};

/* A file whose directory must exist (datatypes.existing_dirpath). */
static int
config_server_conv_dirpath(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	**field = CONFIG_FIELD(cp->obj, row);

	free(*field);
	*field = config_existing_dirpath(cp->ctx, value);
	return (*field == NULL ? -1 : 0);
}

static const struct config_type config_server_type_dirpath = {
	"dirpath", sizeof (char *), 0, config_server_conv_dirpath, NULL, NULL,
	NULL, NULL
};

static int
config_server_conv_loglevel(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	return (cv_loglevel(value, CONFIG_FIELD(cp->obj, row), cause));
}

static const struct config_type config_server_type_loglevel = {
	"loglevel", sizeof (int), 0, config_server_conv_loglevel, NULL, NULL,
	NULL, NULL
};

/*
 * [supervisord] environment=: expanded once, with host_node_name too; its
 * values become ENV_ expansions for every section read after it.
 */
static int
config_server_conv_env(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	struct config_ctx	*ctx = cp->ctx;
	struct config		*cf = cp->obj;
	struct expand_vars	 vars;
	char			*s, *name;
	int			 i, rc = -1;

	expand_vars_init_child(&vars, cp->vars);
	expand_vars_set_str(&vars, "host_node_name", ctx->node);
	s = config_expand(ctx, value, &vars, "environment");
	expand_vars_free(&vars);
	if (s != NULL && config_parse_env(ctx, s, &cf->env, &cf->nenv) == 0) {
		for (i = 0; i < cf->nenv; i++) {
			name = xprintf("ENV_%s", cf->env[i].name);
			expand_vars_set_str(&ctx->env, name, cf->env[i].value);
			free(name);
		}
		rc = 0;
	}
	free(s);
	return (rc);
}

static const struct config_type config_server_type_env = {
	"environment", 0, CONFIG_F_RAW, config_server_conv_env, NULL, NULL,
	NULL, NULL
};

static const char *
config_server_tmpdir(struct config_parse *cp)
{
	const char	*tmpdir;

	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	return (tmpdir);
}

#define SD CONFIG_S_SUPERVISORD
#define F(f) offsetof(struct config, f)
static const struct config_row config_server_supervisord[] = {
	{ "minfds", SD, &config_type_int, "1024", F(minfds), 0, NULL, NULL },
	{ "minprocs", SD, &config_type_int, "200", F(minprocs), 0, NULL, NULL },
	{ "directory", SD, &config_server_type_dir, NULL, F(directory), 0,
	  NULL, NULL },
	{ "user", SD, &config_type_string, NULL, F(user), 0, NULL, NULL },
	{ "umask", SD, &config_type_octal, "022", F(umask), 0, NULL, NULL },
	{ "logfile", SD, &config_server_type_dirpath, "supervisord.log",
	  F(logfile), 0, NULL, NULL },
	{ "logfile_maxbytes", SD, &config_type_bytes, "50MB",
	  F(logfile_maxbytes), 0, NULL, NULL },
	{ "logfile_backups", SD, &config_type_int, "10", F(logfile_backups),
	  0, NULL, NULL },
	{ "loglevel", SD, &config_server_type_loglevel, "info", F(loglevel),
	  0, NULL, NULL },
	{ "pidfile", SD, &config_server_type_dirpath, "supervisord.pid",
	  F(pidfile), 0, NULL, NULL },
	{ "identifier", SD, &config_type_string, "supervisor", F(identifier),
	  0, NULL, NULL },
	{ "nodaemon", SD, &config_type_bool, "false", F(nodaemon), 0, NULL,
	  NULL },
	{ "silent", SD, &config_type_bool, "false", F(silent), 0, NULL, NULL },
	{ "childlogdir", SD, &config_server_type_dir, NULL, F(childlogdir), 0,
	  NULL, config_server_tmpdir },
	{ "nocleanup", SD, &config_type_bool, "false", F(nocleanup), 0, NULL,
	  NULL },
	{ "strip_ansi", SD, &config_type_bool, "false", F(strip_ansi), 0, NULL,
	  NULL },
	{ "environment", SD, &config_server_type_env, "", 0, 0, NULL, NULL },
	{ "exit_on_fatal", SD, &config_type_list, NULL, F(exit_on_fatal), 0,
	  NULL, NULL },
	{ "environment_file", SD, &config_type_envfile_server, NULL, 0, 0,
	  NULL, NULL },
};
#undef F
#undef SD

/*
 * The command line wins over the file (Supervisor's priority 2). Problems
 * are the command line's, reported at the config file.
 */
static void
config_server_cmdline(struct config_ctx *ctx)
{
	struct config		*cf = ctx->cf;
	const struct cmdline	*cmd = ctx->cmd;

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
}

/* Paths made absolute, and the daemon's user looked up. */
static void
config_server_finish(struct config_ctx *ctx, const struct ini_section *sec)
{
	struct config		*cf = ctx->cf;
	const struct cmdline	*cmd = ctx->cmd;
	char			*s;

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
		config_at_none(ctx);
	}
}


/* The [supervisord] section, with the command line's overrides on top. */
void
config_supervisord(struct config_ctx *ctx, const struct ini_section *sec)
{
	struct expand_vars	 vars;
	struct config_parse	 cp;

	config_base_vars(ctx, &vars);
	memset(&cp, 0, sizeof cp);
	cp.ctx = ctx;
	cp.sec = sec;
	cp.kind = CONFIG_S_SUPERVISORD;
	cp.vars = &vars;
	cp.obj = ctx->cf;
	config_table_parse(&cp, config_server_supervisord,
	    sizeof config_server_supervisord /
	    sizeof config_server_supervisord[0], CONFIG_PHASE_ALL);
	expand_vars_free(&vars);
	config_server_cmdline(ctx);
	config_server_finish(ctx, sec);
}

/* port=: "host:port", "*:port", ":port" or "port" (inet). */
static int
config_server_conv_port(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	struct server_config	*sc = cp->obj;

	free(sc->host);
	sc->host = NULL;
	return (cv_inet_address(value, &sc->host, &sc->port, cause));
}

static const struct config_type config_server_type_port = {
	"port", sizeof (char *), CONFIG_F_RAW, config_server_conv_port, NULL,
	NULL, NULL, NULL
};

/* file=: the socket path, made absolute (unix). */
static int
config_server_conv_file(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	struct server_config	*sc = cp->obj;
	char			*st;

	st = cv_strip(value);
	free(sc->path);
	sc->path = cv_normalize_path(st);
	free(st);
	return (0);
}

static const struct config_type config_server_type_file = {
	"file", sizeof (char *), 0, config_server_conv_file, NULL, NULL, NULL,
	NULL
};

static int
config_server_conv_chown(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct server_config	*sc = cp->obj;
	char			*why = NULL;

	if (cv_user_group(value, &sc->chown_uid, &sc->chown_gid, &why) == 0)
		return (0);
	xasprintf(cause, "Invalid sockchown value %s: %s", value, why);
	free(why);
	return (-1);
}

static const struct config_type config_server_type_chown = {
	"chown", sizeof (uid_t), CONFIG_F_RAW, config_server_conv_chown, NULL,
	NULL, NULL, NULL
};

static int
config_server_conv_chmod(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	*why = NULL;

	if (cv_octal(value, CONFIG_FIELD(cp->obj, row), &why) == 0)
		return (0);
	free(why);
	xasprintf(cause, "Invalid chmod value %s (expected octal digits, e.g. "
	    "0700)", value);
	return (-1);
}

static const struct config_type config_server_type_chmod = {
	"chmod", sizeof (int), CONFIG_F_RAW, config_server_conv_chmod, NULL,
	NULL, NULL, NULL
};

#define HTTP (CONFIG_S_UNIX|CONFIG_S_INET)
#define F(f) offsetof(struct server_config, f)
static const struct config_row config_server_http[] = {
	{ "username", HTTP, &config_type_string, NULL, F(username),
	  CONFIG_F_RAW, NULL, NULL },
	{ "password", HTTP, &config_type_string, NULL, F(password),
	  CONFIG_F_RAW, NULL, NULL },
	{ "port", CONFIG_S_INET, &config_server_type_port, NULL, F(host), 0,
	  NULL, NULL },
	{ "file", CONFIG_S_UNIX, &config_server_type_file, NULL, F(path), 0,
	  NULL, NULL },
	{ "chown", CONFIG_S_UNIX, &config_server_type_chown, NULL,
	  F(chown_uid), 0, NULL, NULL },
	{ "chmod", CONFIG_S_UNIX, &config_server_type_chmod, "0700", F(chmod),
	  0, NULL, NULL },
	{ "max_request_body", HTTP, &config_type_bytes, "16MB",
	  F(max_request_body), 0, NULL, NULL },
};
#undef F
#undef HTTP

static void
config_server_free(struct server_config *sc)
{
	free(sc->section);
	free(sc->path);
	free(sc->host);
	free(sc->username);
	free(sc->password);
}

/* What the table cannot say: auth in pairs, and port= or file= given. */
static int
config_server_check(struct config_ctx *ctx, const struct ini_section *sec,
    const struct server_config *sc)
{
	const char	*key = sc->family == SERVER_INET ? "port" : "file";
	int		 bad = 0;

	if ((sc->username == NULL) != (sc->password == NULL)) {
		config_at(ctx, sec, sc->username == NULL ? "password" :
		    "username");
		config_error(ctx, "Section [%s] contains incomplete "
		    "authentication: set both username and password, or "
		    "neither", sec->name);
		bad = -1;
	}
	if (ini_find_option(ctx->ini, sec, key) != NULL)
		return (bad);
	config_at(ctx, sec, NULL);
	if (sc->family == SERVER_INET) {
		config_error(ctx, "no port= value (expected e.g. "
		    "port=127.0.0.1:9001)");
	} else {
		config_error(ctx, "no file= value (expected the socket path, "
		    "e.g. file=/run/supervisor.sock)");
	}
	return (-1);
}

/* One [inet_http_server] or [unix_http_server] section. */
static void
config_server(struct config_ctx *ctx, const struct ini_section *sec,
    enum server_family family)
{
	struct server_config	 sc;
	struct expand_vars	 vars;
	struct config_parse	 cp;
	int			 bad;

	memset(&sc, 0, sizeof sc);
	sc.family = family;
	sc.section = xstrdup(sec->name);
	sc.chown_uid = (uid_t)-1;
	sc.chown_gid = (gid_t)-1;
	config_base_vars(ctx, &vars);
	memset(&cp, 0, sizeof cp);
	cp.ctx = ctx;
	cp.sec = sec;
	cp.kind = family == SERVER_INET ? CONFIG_S_INET : CONFIG_S_UNIX;
	cp.vars = &vars;
	cp.obj = &sc;
	bad = config_table_parse(&cp, config_server_http,
	    sizeof config_server_http / sizeof config_server_http[0],
	    CONFIG_PHASE_ALL);
	expand_vars_free(&vars);
	if (config_server_check(ctx, sec, &sc) != 0 || bad) {
		config_server_free(&sc);
		return;
	}
	ctx->cf->servers = xreallocarray(ctx->cf->servers,
	    ctx->cf->nservers + 1, sizeof *ctx->cf->servers);
	ctx->cf->servers[ctx->cf->nservers++] = sc;
}

/* [inet_http_server] and [unix_http_server] (and :name variants). */
void
config_servers(struct config_ctx *ctx)
{
	size_t	i;

	/* Supervisor lists inet servers first, then unix ones. */
	for (i = 0; i < ctx->ini->nsections; i++) {
		if (config_is_section(ctx->ini->sections[i].name,
		    "inet_http_server"))
			config_server(ctx, &ctx->ini->sections[i], SERVER_INET);
	}
	for (i = 0; i < ctx->ini->nsections; i++) {
		if (config_is_section(ctx->ini->sections[i].name,
		    "unix_http_server"))
			config_server(ctx, &ctx->ini->sections[i], SERVER_UNIX);
	}
	config_at_none(ctx);
}

void
config_free_servers(struct config *cf)
{
	int	i;

	for (i = 0; i < cf->nservers; i++)
		config_server_free(&cf->servers[i]);
	free(cf->servers);
}

/* The URL children get as SUPERVISOR_SERVER_URL: unix first, then inet. */
void
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
