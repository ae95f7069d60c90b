/*
 * The options of one process ([program:x], [fcgi-program:x] and
 * [eventlistener:x] alike): the rows of config_process_rows and the types
 * only they use. Rows that are reported come in the order of
 * getAllConfigInfo's keys, which config_process_info walks. supd's own
 * keys are rows of config_process_ext_rows, into the shared struct
 * process_ext: a new one goes there.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "config-parse.h"
#include "config-table.h"
#include "config-value.h"
#include "expand.h"
#include "ini.h"
#include "xmalloc.h"

/* environment=: KEY=val pairs, expanded per process, over [supervisord]'s. */
static int
config_process_conv_env(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	struct process_config	*p = cp->obj;
	struct env_var		*own = NULL;
	char			*s, *name;
	int			 i, nown = 0;

	s = config_expand(cp->ctx, value, cp->vars, "environment");
	if (s == NULL || config_parse_env(cp->ctx, s, &own, &nown) != 0) {
		free(s);
		return (-1);
	}
	free(s);
	/* A program's own environment is visible to its later expansions. */
	for (i = 0; i < nown; i++) {
		name = xprintf("ENV_%s", own[i].name);
		expand_vars_set_str(cp->vars, name, own[i].value);
		free(name);
	}
	/* The child gets [supervisord] environment, then its own on top. */
	config_free_env(p->env, p->nenv);
	p->env = NULL;
	p->nenv = 0;
	config_merge_env(&p->env, &p->nenv, cp->ctx->cf->env,
	    cp->ctx->cf->nenv);
	config_merge_env(&p->env, &p->nenv, own, nown);
	config_free_env(own, nown);
	return (0);
}

static void
config_process_free_env(const struct config_row *row, void *obj)
{
	struct process_config	*p = obj;

	config_free_env(p->env, p->nenv);
	p->env = NULL;
	p->nenv = 0;
}

static void
config_process_copy_env(const struct config_row *row, void *dst,
    const void *src)
{
	struct process_config		*d = dst;
	const struct process_config	*s = src;

	config_merge_env(&d->env, &d->nenv, s->env, s->nenv);
}

static int
config_process_equal_env(const struct config_row *row, const void *a,
    const void *b)
{
	const struct process_config	*x = a, *y = b;
	int				 i;

	if (x->nenv != y->nenv)
		return (0);
	for (i = 0; i < x->nenv; i++) {
		if (strcmp(x->env[i].name, y->env[i].name) != 0 ||
		    strcmp(x->env[i].value, y->env[i].value) != 0)
			return (0);
	}
	return (1);
}

static const struct config_type config_process_type_env = {
	"environment", 0, CONFIG_F_RAW|CONFIG_F_PROCESS,
	config_process_conv_env, config_process_free_env,
	config_process_copy_env, config_process_equal_env, NULL
};

static int
config_process_conv_autorestart(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	int	v;

	if (cv_autorestart(value, &v, cause) != 0)
		return (-1);
	*(enum autorestart *)CONFIG_FIELD(cp->obj, row) = (enum autorestart)v;
	return (0);
}

/* consul_check=: ttl, http, tcp or none (enum registry_check's order). */
static int
config_process_conv_consul_check(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	static const char	*kinds[] = { "ttl", "http", "tcp", "none" };
	size_t			 i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcasecmp(value, kinds[i]) == 0) {
			*(int *)CONFIG_FIELD(cp->obj, row) = (int)i;
			return (0);
		}
	}
	xasprintf(cause, "'%s' is not a consul_check (expected ttl, http, "
	    "tcp or none)", value);
	return (-1);
}

static const struct config_type config_process_type_consul_check = {
	"consul_check", sizeof (int), 0, config_process_conv_consul_check,
	NULL, NULL, NULL, NULL
};

static const struct config_type config_process_type_autorestart = {
	"autorestart", sizeof (enum autorestart), 0,
	config_process_conv_autorestart, NULL, NULL, NULL, NULL
};

/* user=: a user that exists; its uid is what getAllConfigInfo shows. */
static int
config_process_conv_user(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;

	free(p->user);
	p->user = xstrdup(value);
	return (cv_user(value, &p->uid, &p->gid, cause));
}

static void
config_process_copy_user(const struct config_row *row, void *dst,
    const void *src)
{
	struct process_config		*d = dst;
	const struct process_config	*s = src;

	d->user = s->user != NULL ? xstrdup(s->user) : NULL;
	d->uid = s->uid;
	d->gid = s->gid;
}

static int
config_process_equal_user(const struct config_row *row, const void *a,
    const void *b)
{
	const struct process_config	*x = a, *y = b;

	return (config_string_equal(row, a, b) && x->uid == y->uid);
}

static void
config_process_info_user(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	if (p->user == NULL) {
		ci->type = CONFIG_INFO_STRING;
		ci->str = "none";
	} else {
		ci->type = CONFIG_INFO_INT;
		ci->num = p->uid;
	}
}

static const struct config_type config_process_type_user = {
	"user", sizeof (char *), 0, config_process_conv_user,
	config_string_free, config_process_copy_user,
	config_process_equal_user, config_process_info_user
};

static int
config_process_conv_exitcodes(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;

	free(p->exitcodes);
	p->exitcodes = NULL;
	p->nexitcodes = 0;
	return (cv_exitcodes(value, &p->exitcodes, &p->nexitcodes, cause));
}

static void
config_process_free_exitcodes(const struct config_row *row, void *obj)
{
	struct process_config	*p = obj;

	free(p->exitcodes);
	p->exitcodes = NULL;
}

static void
config_process_copy_exitcodes(const struct config_row *row, void *dst,
    const void *src)
{
	struct process_config		*d = dst;
	const struct process_config	*s = src;

	d->exitcodes = xcalloc(s->nexitcodes + 1, sizeof *d->exitcodes);
	if (s->nexitcodes > 0) {
		memcpy(d->exitcodes, s->exitcodes,
		    s->nexitcodes * sizeof *d->exitcodes);
	}
	d->nexitcodes = s->nexitcodes;
}

static int
config_process_equal_exitcodes(const struct config_row *row, const void *a,
    const void *b)
{
	const struct process_config	*x = a, *y = b;

	return (x->nexitcodes == y->nexitcodes && (x->nexitcodes == 0 ||
	    memcmp(x->exitcodes, y->exitcodes,
	    x->nexitcodes * sizeof *x->exitcodes) == 0));
}

static void
config_process_info_exitcodes(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	ci->type = CONFIG_INFO_INTS;
	ci->ints = p->exitcodes;
	ci->nints = p->nexitcodes;
}

static const struct config_type config_process_type_exitcodes = {
	"exitcodes", sizeof (int *), 0, config_process_conv_exitcodes,
	config_process_free_exitcodes, config_process_copy_exitcodes,
	config_process_equal_exitcodes, config_process_info_exitcodes
};

/* process_name=: expanded per process, named as Supervisor names it. */
static int
config_process_conv_name(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;

	free(p->name);
	p->name = config_expand(cp->ctx, value, cp->vars, "process_name");
	return (p->name == NULL ? -1 : 0);
}

static const struct config_type config_process_type_name = {
	"process_name", sizeof (char *), CONFIG_F_RAW|CONFIG_F_PROCESS,
	config_process_conv_name, config_string_free, config_string_copy,
	config_string_equal, config_string_info
};

/* serverurl=: AUTO (any case, any space) means the daemon's own. */
static int
config_process_conv_serverurl(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;
	char			*s;

	free(p->serverurl);
	s = cv_strip(value);
	p->serverurl = strcasecmp(s, "AUTO") == 0 ? NULL : xstrdup(value);
	free(s);
	return (0);
}

static const struct config_type config_process_type_serverurl = {
	"serverurl", sizeof (char *), 0, config_process_conv_serverurl,
	config_string_free, config_string_copy, config_string_equal,
	config_string_info
};

/*
 * <channel>_logfile=: NONE, OFF, AUTO, syslog (deprecated) or a path
 * whose directory exists. Supervisor expands it twice: in saneget, then
 * again. A syslog value leaves syslog at 2, for config_process_channel to
 * warn about in Supervisor's order and turn into 1.
 */
static int
config_process_conv_logfile(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct channel_config	*ch = CONFIG_FIELD(cp->obj, row);
	char			*val, *lower;
	int			 rc = 0;

	if ((val = config_expand(cp->ctx, value, cp->vars, row->name)) == NULL)
		return (-1);
	lower = cv_lower(val);
	free(ch->logfile);
	ch->logfile = NULL;
	if (strcmp(lower, "none") == 0 || strcmp(lower, "off") == 0)
		ch->kind = LOGFILE_NONE;
	else if (strcmp(lower, "auto") == 0)
		ch->kind = LOGFILE_AUTO;
	else if (strcmp(lower, "syslog") == 0) {
		ch->kind = LOGFILE_NONE;
		ch->syslog = 2;
	} else {
		ch->kind = LOGFILE_PATH;
		if ((ch->logfile = config_existing_dirpath(cp->ctx, val)) ==
		    NULL)
			rc = -1;
	}
	free(lower);
	free(val);
	return (rc);
}

static void
config_process_free_logfile(const struct config_row *row, void *obj)
{
	struct channel_config	*ch = CONFIG_FIELD(obj, row);

	free(ch->logfile);
	ch->logfile = NULL;
}

static void
config_process_copy_logfile(const struct config_row *row, void *dst,
    const void *src)
{
	struct channel_config		*d = CONFIG_FIELD(dst, row);
	const struct channel_config	*s = CONFIG_CFIELD(src, row);

	d->kind = s->kind;
	d->logfile = s->logfile != NULL ? xstrdup(s->logfile) : NULL;
}

/* AUTO matches any name, as Supervisor's ProcessConfig.__eq__ skips it. */
static int
config_process_equal_logfile(const struct config_row *row, const void *a,
    const void *b)
{
	const struct channel_config	*x = CONFIG_CFIELD(a, row);
	const struct channel_config	*y = CONFIG_CFIELD(b, row);

	if (x->kind != y->kind)
		return (0);
	if (x->kind != LOGFILE_PATH)
		return (1);
	if (x->logfile == NULL || y->logfile == NULL)
		return (x->logfile == y->logfile);
	return (strcmp(x->logfile, y->logfile) == 0);
}

static void
config_process_info_logfile(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const struct channel_config	*ch = CONFIG_CFIELD(obj, row);

	ci->type = CONFIG_INFO_STRING;
	if (ch->kind == LOGFILE_NONE)
		ci->str = "none";
	else if (ch->logfile == NULL)
		ci->str = "auto";
	else
		ci->str = ch->logfile;
}

static const struct config_type config_process_type_logfile = {
	"logfile", sizeof (struct channel_config), CONFIG_F_PROCESS,
	config_process_conv_logfile, config_process_free_logfile,
	config_process_copy_logfile, config_process_equal_logfile,
	config_process_info_logfile
};

/* <channel>_syslog=: a boolean that logfile=syslog has already set. */
static int
config_process_conv_syslog(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	int	*field = CONFIG_FIELD(cp->obj, row), v;

	if (*field != 0)
		return (0);
	if (cv_bool(value, &v, cause) != 0)
		return (-1);
	*field = v;
	return (0);
}

static void
config_process_info_bool(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_BOOL;
	ci->num = *(const int *)CONFIG_CFIELD(obj, row) != 0;
}

static const struct config_type config_process_type_syslog = {
	"syslog", sizeof (int), CONFIG_F_PROCESS, config_process_conv_syslog,
	NULL, NULL, NULL, config_process_info_bool
};

/* getAllConfigInfo's keys that come from the group, not an option. */
static void
config_process_info_group(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	ci->type = CONFIG_INFO_STRING;
	ci->str = p->group->name;
}

static const struct config_type config_process_type_group = {
	"group", 0, 0, NULL, NULL, NULL, NULL, config_process_info_group
};

static void
config_process_info_group_prio(const struct config_row *row,
    const void *obj, int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	ci->type = CONFIG_INFO_INT;
	ci->num = p->group->priority;
}

static const struct config_type config_process_type_group_prio = {
	"group_prio", 0, 0, NULL, NULL, NULL, NULL,
	config_process_info_group_prio
};

static void
config_process_info_inuse(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_BOOL;
	ci->num = inuse;
}

static const struct config_type config_process_type_inuse = {
	"inuse", 0, 0, NULL, NULL, NULL, NULL, config_process_info_inuse
};

/*
 * ready_check= and health_check=: a check spec (check.h), expanded per
 * process so that numprocs members check their own ports. Empty means
 * none. Reread compares the text as written, after expansion.
 */
static void
config_process_free_check(const struct config_row *row, void *obj)
{
	struct check_spec	**field = CONFIG_FIELD(obj, row);

	if (*field == NULL)
		return;
	check_spec_clear(*field);
	free(*field);
	*field = NULL;
}

static int
config_process_conv_check(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct check_spec	**field = CONFIG_FIELD(cp->obj, row), *spec;
	char			 *s;
	int			  empty;

	config_process_free_check(row, cp->obj);
	s = cv_strip(value);
	empty = *s == '\0';
	free(s);
	if (empty)
		return (0);
	spec = xcalloc(1, sizeof *spec);
	if (check_spec_parse(value, spec, cause) != 0) {
		free(spec);
		return (-1);
	}
	*field = spec;
	return (0);
}

/* A spec holds a compiled regex: copy by parsing its text again. */
static void
config_process_copy_check(const struct config_row *row, void *dst,
    const void *src)
{
	struct check_spec *const	*s = CONFIG_CFIELD(src, row);
	struct check_spec		**d = CONFIG_FIELD(dst, row);
	char				 *cause = NULL;

	*d = NULL;
	if (*s == NULL)
		return;
	*d = xcalloc(1, sizeof **d);
	if (check_spec_parse((*s)->text, *d, &cause) != 0) {
		free(cause);
		free(*d);
		*d = NULL;
	}
}

static int
config_process_equal_check(const struct config_row *row, const void *a,
    const void *b)
{
	struct check_spec *const	*x = CONFIG_CFIELD(a, row);
	struct check_spec *const	*y = CONFIG_CFIELD(b, row);

	if (*x == NULL || *y == NULL)
		return (*x == *y);
	return (check_spec_equal(*x, *y));
}

static const struct config_type config_process_type_check = {
	"check", sizeof (struct check_spec *), CONFIG_F_PROCESS,
	config_process_conv_check, config_process_free_check,
	config_process_copy_check, config_process_equal_check, NULL
};

/* ready_timeout=, health_interval=, health_timeout=: 1 second or more. */
static int
config_process_conv_period(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	if (config_type_seconds.conv(cp, row, value, cause) != 0)
		return (-1);
	if (*(int *)CONFIG_FIELD(cp->obj, row) < 1) {
		xasprintf(cause, "'%s' is too short (expected 1 second or "
		    "more, e.g. 5 or 30s)", value);
		return (-1);
	}
	return (0);
}

static const struct config_type config_process_type_period = {
	"period", sizeof (int), 0, config_process_conv_period, NULL, NULL,
	NULL, NULL
};

/* health_retries=: failures in a row before a restart, 1 or more. */
static int
config_process_conv_retries(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	if (config_type_int.conv(cp, row, value, cause) != 0)
		return (-1);
	if (*(int *)CONFIG_FIELD(cp->obj, row) < 1) {
		xasprintf(cause, "'%s' is too small (expected 1 or more)",
		    value);
		return (-1);
	}
	return (0);
}

static const struct config_type config_process_type_retries = {
	"retries", sizeof (int), 0, config_process_conv_retries, NULL, NULL,
	NULL, NULL
};

/*
 * depends_on=: program or group names, checked against the whole config
 * once every section is read (config-deps.c). Only the names count for
 * reread; where they were written does not.
 */
static int
config_process_conv_depends(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct depends_config	*d = CONFIG_FIELD(cp->obj, row);
	const struct ini_option	*opt = cp->ctx->opt;
	char			*copy, *item, *save, *s;

	row->type->free(row, cp->obj);
	copy = xstrdup(value);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		s = cv_strip(item);
		if (*s == '\0') {
			free(s);
			continue;
		}
		d->names = xreallocarray(d->names, d->nnames + 1,
		    sizeof *d->names);
		d->names[d->nnames++] = s;
	}
	free(copy);
	if (opt != NULL && opt->file != NULL) {
		d->file = xstrdup(opt->file);
		d->line = opt->line;
	} else {
		d->file = xstrdup(cp->sec->file);
		d->line = cp->sec->line;
	}
	return (0);
}

static void
config_process_free_depends(const struct config_row *row, void *obj)
{
	struct depends_config	*d = CONFIG_FIELD(obj, row);
	int			 i;

	for (i = 0; i < d->nnames; i++)
		free(d->names[i]);
	free(d->names);
	free(d->file);
	memset(d, 0, sizeof *d);
}

static void
config_process_copy_depends(const struct config_row *row, void *dst,
    const void *src)
{
	struct depends_config		*d = CONFIG_FIELD(dst, row);
	const struct depends_config	*s = CONFIG_CFIELD(src, row);
	int				 i;

	d->names = xcalloc(s->nnames + 1, sizeof *d->names);
	for (i = 0; i < s->nnames; i++)
		d->names[i] = xstrdup(s->names[i]);
	d->nnames = s->nnames;
	d->file = s->file != NULL ? xstrdup(s->file) : NULL;
	d->line = s->line;
}

static int
config_process_equal_depends(const struct config_row *row, const void *a,
    const void *b)
{
	const struct depends_config	*x = CONFIG_CFIELD(a, row);
	const struct depends_config	*y = CONFIG_CFIELD(b, row);

	return (config_strings_equal(x->names, x->nnames, y->names,
	    y->nnames));
}

static const struct config_type config_process_type_depends = {
	"depends_on", sizeof (struct depends_config), 0,
	config_process_conv_depends, config_process_free_depends,
	config_process_copy_depends, config_process_equal_depends, NULL
};

static const char *
config_process_killasgroup_default(struct config_parse *cp)
{
	const struct process_config	*p = cp->obj;

	return (p->stopasgroup ? "true" : "false");
}

/*
 * The options of a process. Rows that are reported come in the order of
 * getAllConfigInfo's keys; rows others depend on (environment for later
 * expansions, stopasgroup for killasgroup's default) come first.
 */
#define P CONFIG_S_PROCESS
#define PF (CONFIG_S_PROGRAM|CONFIG_S_FCGI)
#define F(f) offsetof(struct process_config, f)
#define FP CONFIG_F_PROCESS
#define NE CONFIG_F_NOEQUAL
const struct config_row config_process_rows[] = {
	{ "environment", P, &config_process_type_env, "", F(env), 0, NULL,
	  NULL },
	{ "environment_file", P, &config_type_envfile, "", F(envfiles), 0,
	  NULL, NULL },
	{ "stopasgroup", P, &config_type_bool, "false", F(stopasgroup), 0,
	  NULL, NULL },
	{ "autorestart", P, &config_process_type_autorestart, "unexpected",
	  F(autorestart), 0, NULL, NULL },
	{ "numprocs", P, &config_type_int, "1", F(numprocs), NE, NULL, NULL },
	{ "numprocs_start", P, &config_type_int, "0", F(numprocs_start), NE,
	  NULL, NULL },
	/* -1 is "inherit", as Supervisor's None. */
	{ "umask", P, &config_type_octal, "-1", F(umask), 0, NULL, NULL },

	{ "autostart", P, &config_type_bool, "true", F(autostart), 0,
	  "autostart", NULL },
	{ "directory", P, &config_type_expanded, NULL, F(directory), 0,
	  "directory", NULL },
	{ "user", P, &config_process_type_user, NULL, F(user), 0, "uid",
	  NULL },
	{ "command", P, &config_type_expanded, NULL, F(command), 0, "command",
	  NULL },
	{ "exitcodes", P, &config_process_type_exitcodes, "0", F(exitcodes),
	  0, "exitcodes", NULL },
	{ NULL, P, &config_process_type_group, NULL, 0, 0, "group", NULL },
	{ NULL, P, &config_process_type_group_prio, NULL, 0, 0, "group_prio",
	  NULL },
	{ NULL, P, &config_process_type_inuse, NULL, 0, 0, "inuse", NULL },
	{ "killasgroup", P, &config_type_bool, NULL, F(killasgroup), 0,
	  "killasgroup", config_process_killasgroup_default },
	{ "process_name", P, &config_process_type_name, "%(program_name)s",
	  F(name), 0, "name", NULL },
	{ "priority", P, &config_type_int, "999", F(priority), 0,
	  "process_prio", NULL },
	{ "redirect_stderr", P, &config_type_bool, "false",
	  F(redirect_stderr), 0, "redirect_stderr", NULL },
	{ "startretries", P, &config_type_int, "3", F(startretries), 0,
	  "startretries", NULL },
	{ "startsecs", P, &config_type_int, "1", F(startsecs), 0, "startsecs",
	  NULL },

	{ "stdout_capture_maxbytes", P, &config_type_bytes, "0",
	  F(out.capture_maxbytes), 0, "stdout_capture_maxbytes", NULL },
	{ "stdout_events_enabled", P, &config_type_bool, "false",
	  F(out.events_enabled), 0, "stdout_events_enabled", NULL },
	{ "stdout_logfile", P, &config_process_type_logfile, "AUTO", F(out),
	  0, "stdout_logfile", NULL },
	{ "stdout_logfile_backups", P, &config_type_int, "10", F(out.backups),
	  FP, "stdout_logfile_backups", NULL },
	{ "stdout_logfile_maxbytes", P, &config_type_bytes, "50MB",
	  F(out.maxbytes), FP, "stdout_logfile_maxbytes", NULL },
	{ "stdout_syslog", P, &config_process_type_syslog, "false",
	  F(out.syslog), 0, "stdout_syslog", NULL },

	{ "stopsignal", P, &config_type_signal, "TERM", F(stopsignal), 0,
	  "stopsignal", NULL },
	{ "stopwaitsecs", P, &config_type_int, "10", F(stopwaitsecs), 0,
	  "stopwaitsecs", NULL },

	{ "stderr_capture_maxbytes", P, &config_type_bytes, "0",
	  F(err.capture_maxbytes), 0, "stderr_capture_maxbytes", NULL },
	{ "stderr_events_enabled", P, &config_type_bool, "false",
	  F(err.events_enabled), 0, "stderr_events_enabled", NULL },
	{ "stderr_logfile", P, &config_process_type_logfile, "AUTO", F(err),
	  0, "stderr_logfile", NULL },
	{ "stderr_logfile_backups", P, &config_type_int, "10", F(err.backups),
	  FP, "stderr_logfile_backups", NULL },
	{ "stderr_logfile_maxbytes", P, &config_type_bytes, "50MB",
	  F(err.maxbytes), FP, "stderr_logfile_maxbytes", NULL },
	{ "stderr_syslog", P, &config_process_type_syslog, "false",
	  F(err.syslog), 0, "stderr_syslog", NULL },

	{ "serverurl", P, &config_process_type_serverurl, NULL, F(serverurl),
	  0, "serverurl", NULL },
};
const size_t config_process_nrows =
    sizeof config_process_rows / sizeof config_process_rows[0];

/*
 * supd's own options, into the process's struct process_ext: not in
 * getAllConfigInfo, which keeps Supervisor's keys.
 */
#define E(f) offsetof(struct process_ext, f)
const struct config_row config_process_ext_rows[] = {
	/* Readiness and health. */
	{ "ready_check", PF, &config_process_type_check, NULL,
	  E(ready_check), 0, NULL, NULL },
	{ "ready_timeout", PF, &config_process_type_period, "60",
	  E(ready_timeout), 0, NULL, NULL },
	{ "health_check", PF, &config_process_type_check, NULL,
	  E(health_check), 0, NULL, NULL },
	{ "health_interval", PF, &config_process_type_period, "10",
	  E(health_interval), 0, NULL, NULL },
	{ "health_timeout", PF, &config_process_type_period, "5",
	  E(health_timeout), 0, NULL, NULL },
	{ "health_retries", PF, &config_process_type_retries, "3",
	  E(health_retries), 0, NULL, NULL },
	/* Service registration. */
	{ "consul_service", P, &config_type_optional, NULL,
	  E(consul_service), 0, NULL, NULL },
	{ "consul_port", P, &config_type_int, "0", E(consul_port), 0, NULL,
	  NULL },
	{ "consul_address", P, &config_type_expanded, NULL,
	  E(consul_address), 0, NULL, NULL },
	{ "consul_tags", P, &config_type_list, "", E(consul_tags), 0, NULL,
	  NULL },
	{ "consul_meta", P, &config_type_list, "", E(consul_meta), 0, NULL,
	  NULL },
	{ "consul_check", P, &config_process_type_consul_check, "ttl",
	  E(consul_check), 0, NULL, NULL },
	{ "etcd_key", P, &config_type_optional, NULL, E(etcd_key), 0, NULL,
	  NULL },
	{ "etcd_value", P, &config_type_expanded, NULL, E(etcd_value), 0,
	  NULL, NULL },
	{ "etcd_ttl", P, &config_type_int, "10", E(etcd_ttl), 0, NULL, NULL },
	{ "service_address", P, &config_type_expanded, NULL,
	  E(service_address), 0, NULL, NULL },
	{ "service_port", P, &config_type_int, "0", E(service_port), 0, NULL,
	  NULL },
	/* Start order. */
	{ "depends_on", CONFIG_S_PROGRAM|CONFIG_S_FCGI,
	  &config_process_type_depends, NULL, E(depends_on), 0, NULL, NULL },
	/* Recycling. */
	{ "max_rss", P, &config_type_bytes, "0", E(max_rss), 0, NULL, NULL },
	{ "max_rss_secs", P, &config_type_seconds, "10", E(max_rss_secs), 0,
	  NULL, NULL },
	{ "max_uptime", P, &config_type_seconds, "0", E(max_uptime), 0, NULL,
	  NULL },
	{ "max_uptime_jitter", P, &config_type_seconds, "0",
	  E(max_uptime_jitter), 0, NULL, NULL },
};
const size_t config_process_ext_nrows =
    sizeof config_process_ext_rows / sizeof config_process_ext_rows[0];
#undef E
#undef NE
#undef FP
#undef F
#undef PF
#undef P

void
config_process_info(const struct process_config *p, int inuse,
    void (*cb)(const struct config_info *, void *), void *arg)
{
	config_table_info(config_process_rows, config_process_nrows, p, inuse,
	    cb, arg);
}


/* The latest ext shared, which the next equal one joins (or NULL). */
static struct process_ext	*config_process_ext_last;
/* The defaults of each kind of section (program, fcgi, listener). */
static struct process_ext	*config_process_ext_defaults[3];

static int
config_process_ext_kind(int kind)
{
	return (kind == CONFIG_S_FCGI ? 1 : kind == CONFIG_S_LISTENER ? 2 : 0);
}

/* An empty ext with its one reference, for the rows to be read into. */
struct process_ext *
config_process_ext_new(void)
{
	struct process_ext	*x;

	x = xcalloc(1, sizeof *x);
	x->refs = 1;
	return (x);
}

void
config_process_ext_unref(struct process_ext *x)
{
	size_t	i;

	if (x == NULL || --x->refs > 0)
		return;
	if (x == config_process_ext_last)
		config_process_ext_last = NULL;
	for (i = 0; i < 3; i++) {
		if (x == config_process_ext_defaults[i])
			config_process_ext_defaults[i] = NULL;
	}
	config_table_free(config_process_ext_rows, config_process_ext_nrows,
	    x);
	free(x);
}

int
config_process_ext_equal(const struct process_ext *a,
    const struct process_ext *b)
{
	return (a == b || config_table_equal(config_process_ext_rows,
	    config_process_ext_nrows, a, b));
}

/*
 * x (just read, its only reference) or an equal one already in use. Equal
 * neighbours are the common case: programs that set none of these, and
 * the members of one numprocs program. A depends_on is kept apart, for
 * its errors name the file and line it was written at.
 */
struct process_ext *
config_process_ext_share(struct process_ext *x)
{
	struct process_ext	*last = config_process_ext_last;

	if (last != NULL && last != x && x->depends_on.nnames == 0 &&
	    last->depends_on.nnames == 0 && config_process_ext_equal(x, last)) {
		config_process_ext_unref(x);
		last->refs++;
		return (last);
	}
	config_process_ext_last = x;
	return (x);
}

/*
 * The ext of a process whose section sets none of supd's keys: the rows'
 * defaults for its kind of section, read once and then shared.
 */
struct process_ext *
config_process_ext_plain(struct config_parse *cp)
{
	struct process_ext	**d;
	void			 *obj = cp->obj;

	d = &config_process_ext_defaults[config_process_ext_kind(cp->kind)];
	if (*d != NULL) {
		(*d)->refs++;
		return (*d);
	}
	*d = config_process_ext_new();
	cp->obj = *d;
	config_table_parse(cp, config_process_ext_rows,
	    config_process_ext_nrows, CONFIG_PHASE_ALL);
	cp->obj = obj;
	return (*d);
}

/* Free a process's config, as made by config_program(). */
void
config_process_free(struct process_config *p)
{
	if (p == NULL)
		return;
	config_table_free(config_process_rows, config_process_nrows, p);
	config_process_ext_unref(p->ext);
	free(p->program);
	free(p);
}
