/*
 * Program-like sections: [program:x], [fcgi-program:x], [eventlistener:x]
 * and [group:x], as Supervisor's processes_from_section() and
 * process_groups_from_parser() read them. The options of a process are
 * the rows of config_program_rows; those read once per section fill a
 * template that is copied for each process_num, the rest (expanded with
 * process_num) are read again for each process.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "config-parse.h"
#include "config-table.h"
#include "config-value.h"
#include "event.h"
#include "expand.h"
#include "ini.h"
#include "xmalloc.h"

/* environment=: KEY=val pairs, expanded per process, over [supervisord]'s. */
static int
config_program_conv_env(struct config_parse *cp, const struct config_row *row,
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
config_program_free_env(const struct config_row *row, void *obj)
{
	struct process_config	*p = obj;

	config_free_env(p->env, p->nenv);
	p->env = NULL;
	p->nenv = 0;
}

static void
config_program_copy_env(const struct config_row *row, void *dst,
    const void *src)
{
	struct process_config		*d = dst;
	const struct process_config	*s = src;

	config_merge_env(&d->env, &d->nenv, s->env, s->nenv);
}

static int
config_program_equal_env(const struct config_row *row, const void *a,
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

static const struct config_type config_program_type_env = {
	"environment", 0, CONFIG_F_RAW|CONFIG_F_PROCESS,
	config_program_conv_env, config_program_free_env,
	config_program_copy_env, config_program_equal_env, NULL
};

static int
config_program_conv_autorestart(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	int	v;

	if (cv_autorestart(value, &v, cause) != 0)
		return (-1);
	*(enum autorestart *)CONFIG_FIELD(cp->obj, row) = (enum autorestart)v;
	return (0);
}

static const struct config_type config_program_type_autorestart = {
	"autorestart", sizeof (enum autorestart), 0,
	config_program_conv_autorestart, NULL, NULL, NULL, NULL
};

/* user=: a user that exists; its uid is what getAllConfigInfo shows. */
static int
config_program_conv_user(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;

	free(p->user);
	p->user = xstrdup(value);
	return (cv_user(value, &p->uid, &p->gid, cause));
}

static void
config_program_copy_user(const struct config_row *row, void *dst,
    const void *src)
{
	struct process_config		*d = dst;
	const struct process_config	*s = src;

	d->user = s->user != NULL ? xstrdup(s->user) : NULL;
	d->uid = s->uid;
	d->gid = s->gid;
}

static int
config_program_equal_user(const struct config_row *row, const void *a,
    const void *b)
{
	const struct process_config	*x = a, *y = b;

	return (config_string_equal(row, a, b) && x->uid == y->uid);
}

static void
config_program_info_user(const struct config_row *row, const void *obj,
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

static const struct config_type config_program_type_user = {
	"user", sizeof (char *), 0, config_program_conv_user,
	config_string_free, config_program_copy_user,
	config_program_equal_user, config_program_info_user
};

static int
config_program_conv_exitcodes(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;

	free(p->exitcodes);
	p->exitcodes = NULL;
	p->nexitcodes = 0;
	return (cv_exitcodes(value, &p->exitcodes, &p->nexitcodes, cause));
}

static void
config_program_free_exitcodes(const struct config_row *row, void *obj)
{
	struct process_config	*p = obj;

	free(p->exitcodes);
	p->exitcodes = NULL;
}

static void
config_program_copy_exitcodes(const struct config_row *row, void *dst,
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
config_program_equal_exitcodes(const struct config_row *row, const void *a,
    const void *b)
{
	const struct process_config	*x = a, *y = b;

	return (x->nexitcodes == y->nexitcodes && (x->nexitcodes == 0 ||
	    memcmp(x->exitcodes, y->exitcodes,
	    x->nexitcodes * sizeof *x->exitcodes) == 0));
}

static void
config_program_info_exitcodes(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	ci->type = CONFIG_INFO_INTS;
	ci->ints = p->exitcodes;
	ci->nints = p->nexitcodes;
}

static const struct config_type config_program_type_exitcodes = {
	"exitcodes", sizeof (int *), 0, config_program_conv_exitcodes,
	config_program_free_exitcodes, config_program_copy_exitcodes,
	config_program_equal_exitcodes, config_program_info_exitcodes
};

/* process_name=: expanded per process, named as Supervisor names it. */
static int
config_program_conv_name(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct process_config	*p = cp->obj;

	free(p->name);
	p->name = config_expand(cp->ctx, value, cp->vars, "process_name");
	return (p->name == NULL ? -1 : 0);
}

static const struct config_type config_program_type_name = {
	"process_name", sizeof (char *), CONFIG_F_RAW|CONFIG_F_PROCESS,
	config_program_conv_name, config_string_free, config_string_copy,
	config_string_equal, config_string_info
};

/* serverurl=: AUTO (any case, any space) means the daemon's own. */
static int
config_program_conv_serverurl(struct config_parse *cp,
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

static const struct config_type config_program_type_serverurl = {
	"serverurl", sizeof (char *), 0, config_program_conv_serverurl,
	config_string_free, config_string_copy, config_string_equal,
	config_string_info
};

/*
 * <channel>_logfile=: NONE, OFF, AUTO, syslog (deprecated) or a path
 * whose directory exists. Supervisor expands it twice: in saneget, then
 * again. A syslog value leaves syslog at 2, for config_program_channel to
 * warn about in Supervisor's order and turn into 1.
 */
static int
config_program_conv_logfile(struct config_parse *cp,
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
config_program_free_logfile(const struct config_row *row, void *obj)
{
	struct channel_config	*ch = CONFIG_FIELD(obj, row);

	free(ch->logfile);
	ch->logfile = NULL;
}

static void
config_program_copy_logfile(const struct config_row *row, void *dst,
    const void *src)
{
	struct channel_config		*d = CONFIG_FIELD(dst, row);
	const struct channel_config	*s = CONFIG_CFIELD(src, row);

	d->kind = s->kind;
	d->logfile = s->logfile != NULL ? xstrdup(s->logfile) : NULL;
}

/* AUTO matches any name, as Supervisor's ProcessConfig.__eq__ skips it. */
static int
config_program_equal_logfile(const struct config_row *row, const void *a,
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
config_program_info_logfile(const struct config_row *row, const void *obj,
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

static const struct config_type config_program_type_logfile = {
	"logfile", sizeof (struct channel_config), CONFIG_F_PROCESS,
	config_program_conv_logfile, config_program_free_logfile,
	config_program_copy_logfile, config_program_equal_logfile,
	config_program_info_logfile
};

/* <channel>_syslog=: a boolean that logfile=syslog has already set. */
static int
config_program_conv_syslog(struct config_parse *cp,
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
config_program_info_bool(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_BOOL;
	ci->num = *(const int *)CONFIG_CFIELD(obj, row) != 0;
}

static const struct config_type config_program_type_syslog = {
	"syslog", sizeof (int), CONFIG_F_PROCESS, config_program_conv_syslog,
	NULL, NULL, NULL, config_program_info_bool
};

/* getAllConfigInfo's keys that come from the group, not an option. */
static void
config_program_info_group(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	ci->type = CONFIG_INFO_STRING;
	ci->str = p->group->name;
}

static const struct config_type config_program_type_group = {
	"group", 0, 0, NULL, NULL, NULL, NULL, config_program_info_group
};

static void
config_program_info_group_prio(const struct config_row *row,
    const void *obj, int inuse, struct config_info *ci)
{
	const struct process_config	*p = obj;

	ci->type = CONFIG_INFO_INT;
	ci->num = p->group->priority;
}

static const struct config_type config_program_type_group_prio = {
	"group_prio", 0, 0, NULL, NULL, NULL, NULL,
	config_program_info_group_prio
};

static void
config_program_info_inuse(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_BOOL;
	ci->num = inuse;
}

static const struct config_type config_program_type_inuse = {
	"inuse", 0, 0, NULL, NULL, NULL, NULL, config_program_info_inuse
};

static const char *
config_program_killasgroup_default(struct config_parse *cp)
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
#define F(f) offsetof(struct process_config, f)
#define FP CONFIG_F_PROCESS
#define NE CONFIG_F_NOEQUAL
const struct config_row config_program_rows[] = {
	{ "environment", P, &config_program_type_env, "", F(env), 0, NULL,
	  NULL },
	{ "stopasgroup", P, &config_type_bool, "false", F(stopasgroup), 0,
	  NULL, NULL },
	{ "autorestart", P, &config_program_type_autorestart, "unexpected",
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
	{ "user", P, &config_program_type_user, NULL, F(user), 0, "uid",
	  NULL },
	{ "command", P, &config_type_expanded, NULL, F(command), 0, "command",
	  NULL },
	{ "exitcodes", P, &config_program_type_exitcodes, "0", F(exitcodes),
	  0, "exitcodes", NULL },
	{ NULL, P, &config_program_type_group, NULL, 0, 0, "group", NULL },
	{ NULL, P, &config_program_type_group_prio, NULL, 0, 0, "group_prio",
	  NULL },
	{ NULL, P, &config_program_type_inuse, NULL, 0, 0, "inuse", NULL },
	{ "killasgroup", P, &config_type_bool, NULL, F(killasgroup), 0,
	  "killasgroup", config_program_killasgroup_default },
	{ "process_name", P, &config_program_type_name, "%(program_name)s",
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
	{ "stdout_logfile", P, &config_program_type_logfile, "AUTO", F(out),
	  0, "stdout_logfile", NULL },
	{ "stdout_logfile_backups", P, &config_type_int, "10", F(out.backups),
	  FP, "stdout_logfile_backups", NULL },
	{ "stdout_logfile_maxbytes", P, &config_type_bytes, "50MB",
	  F(out.maxbytes), FP, "stdout_logfile_maxbytes", NULL },
	{ "stdout_syslog", P, &config_program_type_syslog, "false",
	  F(out.syslog), 0, "stdout_syslog", NULL },

	{ "stopsignal", P, &config_type_signal, "TERM", F(stopsignal), 0,
	  "stopsignal", NULL },
	{ "stopwaitsecs", P, &config_type_int, "10", F(stopwaitsecs), 0,
	  "stopwaitsecs", NULL },

	{ "stderr_capture_maxbytes", P, &config_type_bytes, "0",
	  F(err.capture_maxbytes), 0, "stderr_capture_maxbytes", NULL },
	{ "stderr_events_enabled", P, &config_type_bool, "false",
	  F(err.events_enabled), 0, "stderr_events_enabled", NULL },
	{ "stderr_logfile", P, &config_program_type_logfile, "AUTO", F(err),
	  0, "stderr_logfile", NULL },
	{ "stderr_logfile_backups", P, &config_type_int, "10", F(err.backups),
	  FP, "stderr_logfile_backups", NULL },
	{ "stderr_logfile_maxbytes", P, &config_type_bytes, "50MB",
	  F(err.maxbytes), FP, "stderr_logfile_maxbytes", NULL },
	{ "stderr_syslog", P, &config_program_type_syslog, "false",
	  F(err.syslog), 0, "stderr_syslog", NULL },

	{ "serverurl", P, &config_program_type_serverurl, NULL, F(serverurl),
	  0, "serverurl", NULL },
};
const size_t config_program_nrows =
    sizeof config_program_rows / sizeof config_program_rows[0];
#undef NE
#undef FP
#undef F
#undef P

void
config_process_info(const struct process_config *p, int inuse,
    void (*cb)(const struct config_info *, void *), void *arg)
{
	config_table_info(config_program_rows, config_program_nrows, p, inuse,
	    cb, arg);
}

/* buffer_size=: an event listener pool's queue, 1 or more. */
static int
config_program_conv_buffer_size(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	int	*field = CONFIG_FIELD(cp->obj, row);

	if (config_type_int.conv(cp, row, value, cause) != 0)
		return (-1);
	if (*field < 1) {
		xasprintf(cause, "[%s] section sets invalid buffer_size (%d) "
		    "(expected 1 or more)", cp->sec->name, *field);
		return (-1);
	}
	return (0);
}

static const struct config_type config_program_type_buffer_size = {
	"buffer_size", sizeof (int), 0, config_program_conv_buffer_size, NULL,
	NULL, NULL, NULL
};

#define CONFIG_PROGRAM_HANDLER "supervisor.dispatchers:default_handler"

/* result_handler=: only Supervisor's default handler exists here. */
static int
config_program_conv_handler(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	if (strcmp(value, CONFIG_PROGRAM_HANDLER) != 0) {
		xasprintf(cause, "%s cannot be resolved within [%s] (supd "
		    "provides %s)", value, cp->sec->name,
		    CONFIG_PROGRAM_HANDLER);
		return (-1);
	}
	return (config_type_string.conv(cp, row, value, cause));
}

static const struct config_type config_program_type_handler = {
	"result_handler", sizeof (char *), 0, config_program_conv_handler,
	config_string_free, config_string_copy, config_string_equal, NULL
};

/* events=: event type names, into a mask and the names as given. */
static int
config_program_conv_events(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct group_config	*g = cp->obj;
	char			*copy, *item, *save, *upper, *p;
	int			 type, rc = 0;

	copy = xstrdup(value);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		upper = cv_strip(item);
		for (p = upper; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		if (*upper == '\0') {
			free(upper);
			continue;
		}
		if ((type = event_type_from_name(upper)) < 0) {
			config_error(cp->ctx, "Unknown event type %s in [%s] "
			    "events (expected e.g. PROCESS_STATE, "
			    "PROCESS_STATE_EXITED, TICK_60)", upper,
			    cp->sec->name);
			free(upper);
			rc = -1;
			continue;
		}
		g->events |= event_type_mask(type);
		g->event_names = xreallocarray(g->event_names,
		    g->nevent_names + 1, sizeof *g->event_names);
		g->event_names[g->nevent_names++] = upper;
	}
	free(copy);
	return (rc);
}

/* Reread compares the mask: the same events in another order are equal. */
static int
config_program_equal_events(const struct config_row *row, const void *a,
    const void *b)
{
	const struct group_config	*x = a, *y = b;

	return (x->events == y->events);
}

static const struct config_type config_program_type_events = {
	"events", sizeof (uint64_t), 0, config_program_conv_events, NULL,
	NULL, config_program_equal_events, NULL
};

/* The options of a group itself, as opposed to its processes'. */
#define F(f) offsetof(struct group_config, f)
#define L CONFIG_S_LISTENER
const struct config_row config_group_rows[] = {
	{ "priority", CONFIG_S_PROGRAM|CONFIG_S_FCGI|CONFIG_S_GROUP,
	  &config_type_int, "999", F(priority), 0, NULL, NULL },
	{ "priority", L, &config_type_int, "-1", F(priority), 0, NULL, NULL },
	{ "buffer_size", L, &config_program_type_buffer_size, "10",
	  F(buffer_size), 0, NULL, NULL },
	{ "result_handler", L, &config_program_type_handler,
	  CONFIG_PROGRAM_HANDLER, F(result_handler), 0, NULL, NULL },
	{ "events", L, &config_program_type_events, "", F(events), 0, NULL,
	  NULL },
};
const size_t config_group_nrows =
    sizeof config_group_rows / sizeof config_group_rows[0];
#undef L
#undef F

static void
config_program_parse_init(struct config_parse *cp, struct config_ctx *ctx,
    const struct ini_section *sec, int kind, struct expand_vars *vars,
    void *obj)
{
	memset(cp, 0, sizeof *cp);
	cp->ctx = ctx;
	cp->sec = sec;
	cp->kind = kind;
	cp->vars = vars;
	cp->obj = obj;
}

static int
config_program_kind(const char *section)
{
	if (config_is_section(section, "fcgi-program:"))
		return (CONFIG_S_FCGI);
	if (config_is_section(section, "eventlistener:"))
		return (CONFIG_S_LISTENER);
	if (config_is_section(section, "group:"))
		return (CONFIG_S_GROUP);
	return (CONFIG_S_PROGRAM);
}

static void
config_process_free(struct process_config *p)
{
	if (p == NULL)
		return;
	config_table_free(config_program_rows, config_program_nrows, p);
	free(p->program);
	free(p);
}

/* Checks across options read once: process_name, numprocs, the groups. */
static int
config_program_check(struct config_ctx *ctx, const struct ini_section *sec,
    const struct process_config *t)
{
	char	*raw, *name, *cause = NULL;
	int	 bad = 0;

	if (config_get(ctx, sec, "process_name", "%(program_name)s", NULL,
	    &raw) != 0)
		return (-1);
	if (cv_name(raw, &name, &cause) != 0) {
		config_error(ctx, "%s", cause);
		free(cause);
		bad = -1;
	} else
		free(name);
	if (t->numprocs > 1 && strstr(raw, "%(process_num)") == NULL) {
		config_at(ctx, sec, "process_name");
		if (ctx->opt == NULL)
			config_at(ctx, sec, "numprocs");
		config_error(ctx, "%%(process_num) must be present within "
		    "process_name when numprocs > 1 (e.g. process_name="
		    "%%(program_name)s_%%(process_num)02d)");
		bad = -1;
	}
	free(raw);
	if (t->stopasgroup && !t->killasgroup) {
		config_at(ctx, sec, "killasgroup");
		config_error(ctx, "Cannot set stopasgroup=true and "
		    "killasgroup=false (killasgroup must be true too)");
		bad = -1;
	}
	return (bad);
}

/* Supervisor's warnings about one channel, in its order. */
static void
config_program_channel(struct config_ctx *ctx, const struct ini_section *sec,
    struct channel_config *ch, const char *channel)
{
	if (ch->syslog == 2) {
		ch->syslog = 1;
		config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
		    xprintf("For [%s], %s_logfile=syslog but this is deprecated "
		    "and will be removed.  Use %s_syslog=true to enable syslog "
		    "instead.", sec->name, channel, channel));
	}
	if (ch->kind == LOGFILE_AUTO && ch->maxbytes == 0) {
		config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
		    xprintf("For [%s], AUTO logging used for %s_logfile without "
		    "rollover, set maxbytes > 0 to avoid filling up filesystem "
		    "unintentionally", sec->name, channel));
	}
}

/* Checks of one process: its channels, and command= given. */
static int
config_process_check(struct config_ctx *ctx, const struct ini_section *sec,
    struct process_config *p)
{
	config_program_channel(ctx, sec, &p->out, "stdout");
	config_program_channel(ctx, sec, &p->err, "stderr");
	if (p->redirect_stderr) {
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
	if (p->command == NULL) {
		config_at(ctx, sec, NULL);
		config_error(ctx, "program section %s does not specify a "
		    "command (every program needs command=, e.g. "
		    "command=/usr/bin/myapp --flag)", sec->name);
		return (-1);
	}
	return (0);
}

/* One process of a program section, for process_num. */
static struct process_config *
config_process(struct config_parse *cp, const struct process_config *t,
    const char *program, int num)
{
	struct process_config	*p;
	int			 bad;

	p = xcalloc(1, sizeof *p);
	config_table_copy(config_program_rows, config_program_nrows, p, t);
	p->program = xstrdup(program);
	p->process_num = num;
	expand_vars_set_int(cp->vars, "process_num", num);
	expand_vars_set_int(cp->vars, "numprocs", t->numprocs);
	cp->obj = p;
	bad = config_table_parse(cp, config_program_rows, config_program_nrows,
	    CONFIG_PHASE_PROCESS);
	if (config_process_check(cp->ctx, cp->sec, p) != 0 || bad) {
		config_process_free(p);
		return (NULL);
	}
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
	struct config_parse	 cp;
	struct expand_vars	 vars;
	struct process_config	*t, *p, **list = NULL;
	char			*program, *cause = NULL;
	int			 i, n = 0, bad;

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
	t = xcalloc(1, sizeof *t);
	config_program_parse_init(&cp, ctx, sec, config_program_kind(sec->name),
	    &vars, t);
	bad = config_table_parse(&cp, config_program_rows, config_program_nrows,
	    CONFIG_PHASE_ONCE);
	if (!bad)
		bad = config_program_check(ctx, sec, t);
	for (i = t->numprocs_start; !bad &&
	    i < t->numprocs_start + t->numprocs; i++) {
		if ((p = config_process(&cp, t, program, i)) == NULL) {
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
	config_process_free(t);
	expand_vars_free(&vars);
	free(program);
	return (bad ? -1 : 0);
}

/*
 * A group named after its section, with the rows of config_group_rows
 * read (base expansions only, as Supervisor reads them); *bad is set if
 * one was wrong. NULL if the name itself is.
 */
static struct group_config *
config_group_new(struct config_ctx *ctx, const struct ini_section *sec,
    enum group_kind kind, int *bad)
{
	struct group_config	*g;
	struct config_parse	 cp;
	struct expand_vars	 vars;
	char			*name, *cause = NULL;

	config_at(ctx, sec, NULL);
	if (kind == GROUP_LISTENER)
		name = xstrdup(strchr(sec->name, ':') + 1);
	else if (cv_name(strchr(sec->name, ':') + 1, &name, &cause) != 0) {
		config_error(ctx, "%s", cause);
		free(cause);
		return (NULL);
	}
	g = xcalloc(1, sizeof *g);
	g->refs = 1;
	g->name = name;
	g->kind = kind;
	config_base_vars(ctx, &vars);
	config_program_parse_init(&cp, ctx, sec, config_program_kind(sec->name),
	    &vars, g);
	if (config_table_parse(&cp, config_group_rows, config_group_nrows,
	    CONFIG_PHASE_ALL) != 0)
		*bad = 1;
	expand_vars_free(&vars);
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

void
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
	config_table_free(config_group_rows, config_group_nrows, g);
	free(g->name);
	free(g);
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
config_hetero_group(struct config_ctx *ctx, const struct ini_section *sec,
    char ***claimed, int *nclaimed)
{
	const struct ini_section *psec;
	struct group_config	*g;
	struct expand_vars	 vars;
	char			*programs, *item, *save, *prog;
	char			 pname[512], fname[512];
	int			 bad = 0;

	if ((g = config_group_new(ctx, sec, GROUP_PROGRAM, &bad)) == NULL)
		return;
	config_base_vars(ctx, &vars);
	bad |= config_get(ctx, sec, "programs", NULL, &vars, &programs);
	expand_vars_free(&vars);
	for (item = programs != NULL && !bad ? strtok_r(programs, ",", &save) :
	    NULL; item != NULL; item = strtok_r(NULL, ",", &save)) {
		prog = cv_strip(item);
		snprintf(pname, sizeof pname, "program:%s", prog);
		snprintf(fname, sizeof fname, "fcgi-program:%s", prog);
		psec = ini_find_section(ctx->ini, pname);
		if (psec != NULL && ini_find_section(ctx->ini, fname) != NULL) {
			config_at(ctx, sec, "programs");
			config_error(ctx, "[%s] name %s is ambiguous (exists as "
			    "program and fcgi-program)", sec->name, prog);
			bad = 1;
		} else if (psec == NULL &&
		    (psec = ini_find_section(ctx->ini, fname)) == NULL) {
			config_at(ctx, sec, "programs");
			config_error(ctx, "[%s] names unknown program or "
			    "fcgi-program %s (expected a [program:%s] section)",
			    sec->name, prog, prog);
			bad = 1;
		}
		if (psec != NULL && !bad) {
			*claimed = xreallocarray(*claimed, *nclaimed + 1,
			    sizeof **claimed);
			(*claimed)[(*nclaimed)++] = psec->name;
			if (config_program(ctx, psec, g->name, &g->procs,
			    &g->nprocs) != 0)
				bad = 1;
		}
		free(prog);
	}
	free(programs);
	if (bad)
		config_group_free(g);
	else
		config_add_group(ctx->cf, g);
}

/* [program:x]: a group of its own, named after the program. */
static void
config_program_group(struct config_ctx *ctx, const struct ini_section *sec)
{
	struct group_config	*g;
	int			 bad = 0;

	if ((g = config_group_new(ctx, sec, GROUP_PROGRAM, &bad)) == NULL)
		return;
	if (bad || config_program(ctx, sec, g->name, &g->procs,
	    &g->nprocs) != 0)
		config_group_free(g);
	else
		config_add_group(ctx->cf, g);
}

/* [eventlistener:x]: a pool of listener processes and its subscriptions. */
static void
config_listener_group(struct config_ctx *ctx, const struct ini_section *sec)
{
	struct group_config	*g;
	struct expand_vars	 vars;
	char			*s = NULL, *cause = NULL;
	int			 bad = 0, redirect;

	if ((g = config_group_new(ctx, sec, GROUP_LISTENER, &bad)) == NULL)
		return;
	if (!bad && g->nevent_names == 0) {
		config_at(ctx, sec, "events");
		config_error(ctx, "[%s] section requires an \"events\" line "
		    "(e.g. events=PROCESS_STATE)", sec->name);
		bad = 1;
	}
	/* A bad boolean is reported with the process's options. */
	config_base_vars(ctx, &vars);
	if (config_get(ctx, sec, "redirect_stderr", "false", &vars, &s) == 0 &&
	    cv_bool(s, &redirect, &cause) == 0 && redirect) {
		config_error(ctx, "[%s] section sets redirect_stderr=true but "
		    "this is not allowed because it will interfere with the "
		    "eventlistener protocol", sec->name);
		bad = 1;
	}
	free(cause);
	free(s);
	expand_vars_free(&vars);
	if (!bad && config_program(ctx, sec, g->name, &g->procs,
	    &g->nprocs) != 0)
		bad = 1;
	if (bad)
		config_group_free(g);
	else
		config_add_group(ctx->cf, g);
}

/* Who owns an fcgi-program's unix socket unless socket_owner= says. */
struct config_fcgi_owner {
	char	*user;
	uid_t	 uid;
	gid_t	 gid;
};

/* Options.parse_fcgi_socket(): tcp://host:port or unix:///abs/path. */
static int
config_fcgi_socket(struct config_ctx *ctx, const char *sock,
    struct fcgi_socket_config *fs, const struct config_fcgi_owner *owner)
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

static int
config_program_conv_backlog(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	*why = NULL;

	if (cv_int_range(value, 1, 65535, CONFIG_FIELD(cp->obj, row),
	    &why) == 0)
		return (0);
	xasprintf(cause, "Invalid socket_backlog value %s: %s", value, why);
	free(why);
	return (-1);
}

static const struct config_type config_program_type_backlog = {
	"socket_backlog", sizeof (int), 0, config_program_conv_backlog, NULL,
	NULL, NULL, NULL
};

static int
config_program_conv_owner(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct fcgi_socket_config	*fs = cp->obj;
	char				*why = NULL;

	if (cv_user_group(value, &fs->owner_uid, &fs->owner_gid, &why) == 0)
		return (0);
	xasprintf(cause, "Invalid socket_owner value %s: %s", value, why);
	free(why);
	return (-1);
}

static const struct config_type config_program_type_owner = {
	"socket_owner", sizeof (uid_t), 0, config_program_conv_owner, NULL,
	NULL, NULL, NULL
};

static int
config_program_conv_mode(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	*why = NULL;

	if (cv_octal(value, CONFIG_FIELD(cp->obj, row), &why) == 0)
		return (0);
	free(why);
	xasprintf(cause, "Invalid socket_mode value %s (expected octal "
	    "digits, e.g. 0700)", value);
	return (-1);
}

static const struct config_type config_program_type_mode = {
	"socket_mode", sizeof (int), 0, config_program_conv_mode, NULL, NULL,
	NULL, NULL
};

/* The options of an fcgi-program's socket, but socket= itself. */
#define F(f) offsetof(struct fcgi_socket_config, f)
static const struct config_row config_program_socket_rows[] = {
	{ "socket_backlog", CONFIG_S_FCGI, &config_program_type_backlog, NULL,
	  F(backlog), 0, NULL, NULL },
	{ "socket_owner", CONFIG_S_FCGI, &config_program_type_owner, NULL,
	  F(owner_uid), 0, NULL, NULL },
	{ "socket_mode", CONFIG_S_FCGI, &config_program_type_mode, NULL,
	  F(mode), 0, NULL, NULL },
};
#undef F

/* The socket of an [fcgi-program:x]; -1 after reporting a problem. */
static int
config_fcgi_socket_section(struct config_ctx *ctx,
    const struct ini_section *sec, const char *name,
    struct fcgi_socket_config *fs)
{
	struct config_fcgi_owner owner;
	struct config_parse	 cp;
	struct expand_vars	 vars;
	char			*sock, *cause = NULL;
	int			 bad;

	fs->mode = -1;
	fs->owner_uid = (uid_t)-1;
	fs->owner_gid = (gid_t)-1;
	memset(&owner, 0, sizeof owner);
	config_base_vars(ctx, &vars);
	bad = config_get(ctx, sec, "user", NULL, &vars, &owner.user);
	if (owner.user != NULL &&
	    cv_user(owner.user, &owner.uid, &owner.gid, &cause) != 0) {
		config_error(ctx, "%s", cause);
		free(cause);
		bad = 1;
	}
	config_program_parse_init(&cp, ctx, sec, CONFIG_S_FCGI, &vars, fs);
	bad |= config_table_parse(&cp, config_program_socket_rows,
	    sizeof config_program_socket_rows /
	    sizeof config_program_socket_rows[0], CONFIG_PHASE_ALL);
	expand_vars_set_str(&vars, "program_name", name);
	if (config_get(ctx, sec, "socket", NULL, &vars, &sock) == 0) {
		if (sock == NULL || *sock == '\0') {
			config_at(ctx, sec, NULL);
			config_error(ctx, "[%s] section requires a \"socket\" "
			    "line (e.g. socket=tcp://127.0.0.1:9000 or "
			    "socket=unix:///run/app.sock)", sec->name);
			bad = 1;
		} else if (config_fcgi_socket(ctx, sock, fs, &owner))
			bad = 1;
		free(sock);
	} else
		bad = 1;
	free(owner.user);
	expand_vars_free(&vars);
	return (bad ? -1 : 0);
}

/* [fcgi-program:x]: a program group sharing one listening socket. */
static void
config_fcgi_group(struct config_ctx *ctx, const struct ini_section *sec)
{
	struct group_config	*g;
	int			 bad = 0;

	if ((g = config_group_new(ctx, sec, GROUP_FCGI, &bad)) == NULL)
		return;
	g->socket = xcalloc(1, sizeof *g->socket);
	if (config_fcgi_socket_section(ctx, sec, g->name, g->socket) != 0)
		bad = 1;
	if (bad || config_program(ctx, sec, g->name, &g->procs,
	    &g->nprocs) != 0)
		config_group_free(g);
	else
		config_add_group(ctx->cf, g);
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

/*
 * Every group, in Supervisor's order of reading: [group:x] first (taking
 * their programs), then [program:x], [eventlistener:x], [fcgi-program:x];
 * then sorted by priority and name.
 */
void
config_groups(struct config_ctx *ctx)
{
	struct ini_section	*sec;
	struct config		*cf = ctx->cf;
	char			**claimed = NULL;
	int			  nclaimed = 0, pass;
	size_t			  i;

	for (pass = 0; pass < 4; pass++) {
		for (i = 0; i < ctx->ini->nsections; i++) {
			sec = &ctx->ini->sections[i];
			if (pass == 0 && config_is_section(sec->name, "group:"))
				config_hetero_group(ctx, sec, &claimed,
				    &nclaimed);
			else if (pass == 1 &&
			    config_is_section(sec->name, "program:") &&
			    !config_claimed(claimed, nclaimed, sec->name))
				config_program_group(ctx, sec);
			else if (pass == 2 &&
			    config_is_section(sec->name, "eventlistener:"))
				config_listener_group(ctx, sec);
			else if (pass == 3 &&
			    config_is_section(sec->name, "fcgi-program:") &&
			    !config_claimed(claimed, nclaimed, sec->name))
				config_fcgi_group(ctx, sec);
		}
	}
	free(claimed);
	config_at_none(ctx);
	if (cf->ngroups > 0) {
		qsort(cf->groups, cf->ngroups, sizeof *cf->groups,
		    config_group_cmp);
	}
}
