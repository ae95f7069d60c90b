/*
 * Program-like sections as Supervisor's processes_from_section() and
 * process_groups_from_parser() read them: a [program:x] becomes its
 * processes (numprocs of them), and [group:x], [program:x] and
 * [eventlistener:x] become groups. The options read once per section fill
 * a template that is copied for each process_num; the rest, expanded with
 * process_num, are read again for each process. [fcgi-program:x]'s socket
 * is config-fcgi.c's.
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

int
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
		    xprintf("For [%s], %s_logfile=syslog but this is "
		    "deprecated and will be removed.  Use %s_syslog=true to "
		    "enable syslog instead.", sec->name, channel, channel));
	}
	if (ch->kind == LOGFILE_AUTO && ch->maxbytes == 0) {
		config_add_msg(&ctx->cf->warnings, &ctx->cf->nwarnings,
		    xprintf("For [%s], AUTO logging used for %s_logfile "
		    "without rollover, set maxbytes > 0 to avoid filling up "
		    "filesystem unintentionally", sec->name, channel));
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

/*
 * One process of a program section, for process_num: a copy of the
 * template t, or t itself for the last one (take), which saves a copy
 * and a free for every program of one process. The ext is shared with
 * every process that sets none of supd's keys (plain).
 */
static struct process_config *
config_process(struct config_parse *cp, struct process_config *t,
    const char *program, int num, int plain, int take)
{
	struct process_config	*p;
	int			 bad;

	if (take)
		p = t;
	else {
		p = xcalloc(1, sizeof *p);
		config_table_copy(config_process_rows, config_process_nrows,
		    p, t);
		if (!plain) {
			p->ext = config_process_ext_new();
			config_table_copy(config_process_ext_rows,
			    config_process_ext_nrows, p->ext, t->ext);
		}
	}
	p->program = xstrdup(program);
	p->process_num = num;
	expand_vars_set_int(cp->vars, "process_num", num);
	expand_vars_set_int(cp->vars, "numprocs", p->numprocs);
	cp->obj = p;
	bad = config_table_parse(cp, config_process_rows, config_process_nrows,
	    CONFIG_PHASE_PROCESS);
	if (plain)
		p->ext = config_process_ext_plain(cp);
	else {
		cp->obj = p->ext;
		bad |= config_table_parse(cp, config_process_ext_rows,
		    config_process_ext_nrows, CONFIG_PHASE_PROCESS);
	}
	cp->obj = t;
	if (config_process_check(cp->ctx, cp->sec, p) != 0 || bad) {
		config_process_free(p);
		return (NULL);
	}
	if (!plain)
		p->ext = config_process_ext_share(p->ext);
	return (p);
}

/*
 * Whether sec, or [DEFAULT], sets one of supd's own keys; when none does
 * (most programs) they are not looked up one by one. check --print reads
 * them all, to show their defaults.
 */
static int
config_program_plain(const struct config_parse *cp)
{
	const struct ini_section	*secs[2];
	size_t				 i, j;

	if (cp->ctx->cf->dump != NULL)
		return (0);
	secs[0] = cp->sec;
	secs[1] = &cp->ctx->ini->defaults;
	for (i = 0; i < 2; i++) {
		for (j = 0; j < secs[i]->noptions; j++) {
			if (config_table_find(config_process_ext_rows,
			    config_process_ext_nrows, secs[i]->options[j].name,
			    cp->kind) != NULL)
				return (0);
		}
	}
	return (1);
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

static char	*config_program_scaled;	/* supd.scale's program, or NULL */
static int	 config_program_scaled_n;

void
config_override_numprocs(const char *program, int n)
{
	free(config_program_scaled);
	config_program_scaled = program != NULL ? xstrdup(program) : NULL;
	config_program_scaled_n = n;
}

/*
 * Supervisor's processes_from_section(): expand a program section into its
 * processes (numprocs of them), appending to *procs. Returns -1 on error.
 */
int
config_program(struct config_ctx *ctx, const struct ini_section *sec,
    const char *group_name, struct process_config ***procs, int *nprocs)
{
	struct config_parse	 cp;
	struct expand_vars	 vars;
	struct process_config	*t, *p, **list = NULL;
	char			*program, *cause = NULL;
	int			 i, n = 0, bad, plain, last;

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
	config_parse_init(&cp, ctx, sec, config_program_kind(sec->name),
	    &vars, t);
	plain = config_program_plain(&cp);
	bad = config_table_parse(&cp, config_process_rows, config_process_nrows,
	    CONFIG_PHASE_ONCE);
	if (!plain) {
		t->ext = config_process_ext_new();
		cp.obj = t->ext;
		bad |= config_table_parse(&cp, config_process_ext_rows,
		    config_process_ext_nrows, CONFIG_PHASE_ONCE);
		cp.obj = t;
	}
	if (config_program_scaled != NULL &&
	    strcmp(config_program_scaled, program) == 0)
		t->numprocs = config_program_scaled_n;
	if (!bad)
		bad = config_program_check(ctx, sec, t);
	last = t->numprocs_start + t->numprocs - 1;
	for (i = t->numprocs_start; !bad && i <= last; i++) {
		p = config_process(&cp, t, program, i, plain, i == last);
		if (i == last)
			t = NULL;	/* it became p, or was freed with it */
		if (p == NULL) {
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
struct group_config *
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
	config_parse_init(&cp, ctx, sec, config_program_kind(sec->name),
	    &vars, g);
	if (config_table_parse(&cp, config_group_rows, config_group_nrows,
	    CONFIG_PHASE_ALL) != 0)
		*bad = 1;
	expand_vars_free(&vars);
	return (g);
}

void
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
			config_error(ctx, "[%s] name %s is ambiguous "
			    "(exists as program and fcgi-program)", sec->name,
			    prog);
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

void
config_group_unref(struct group_config *g)
{
	if (g != NULL && --g->refs == 0)
		config_group_free(g);
}

/* [fcgi-program:x]: a program group sharing one listening socket. */
void
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
