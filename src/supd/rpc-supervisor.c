/*
 * The supervisor namespace of Supervisor 4.2.5's XML-RPC API (its
 * rpcinterface.py): the calls about the daemon, its configuration and
 * process information, and their table. Process control (rpc-process.c)
 * and logs (rpc-log.c) have tables of their own in the same namespace.
 * Also the supd namespace, where supd says what it is without changing
 * anything Supervisor clients see.
 *
 * Replies are written straight into the response buffer with the codec's
 * streaming encoder, in the key order Supervisor's dicts have, so
 * getAllProcessInfo with thousands of processes builds no value tree.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config-table.h"
#include "deps-run.h"
#include "event.h"
#include "group.h"
#include "log.h"
#include "process.h"
#include "rpc.h"
#include "rpc-out.h"
#include "rpc-process.h"
#include "rpc-supervisor.h"
#include "server.h"
#include "version.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* The API and the Supervisor release supd answers as. */
#define RPC_API_VERSION		"3.0"
#define RPC_SUPERVISOR_VERSION	"4.2.5"

/* -------------------------------------------------------------------- */
/* Shared helpers.                                                       */

static void
rpc_supervisor_member_string(struct evbuffer *b, const char *name,
    const char *value)
{
	xr_encode_member_begin(b, name);
	xr_encode_string(b, value);
	xr_encode_member_end(b);
}

static void
rpc_supervisor_member_int(struct evbuffer *b, const char *name, long long v)
{
	xr_encode_member_begin(b, name);
	xr_encode_int(b, v);
	xr_encode_member_end(b);
}

static void
rpc_supervisor_member_bool(struct evbuffer *b, const char *name, int v)
{
	xr_encode_member_begin(b, name);
	xr_encode_bool(b, v);
	xr_encode_member_end(b);
}


/* xmlrpc.capped_int(): timestamps as 32-bit ints, truncated. */
static long long
rpc_supervisor_capped(double d)
{
	if (d >= 2147483647.0)
		return (2147483647LL);
	if (d <= -2147483648.0)
		return (-2147483648LL);
	return ((long long)d);
}

/* -------------------------------------------------------------------- */
/* The daemon.                                                           */

static void
rpc_supervisor_api_version(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	rpc_return_string(c, RPC_API_VERSION);
}

static void
rpc_supervisor_version(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_return_string(c, RPC_SUPERVISOR_VERSION);
}

static void
rpc_supervisor_identification(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	rpc_return_string(c, server_config->identifier);
}

static void
rpc_supervisor_state(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct evbuffer		*b = rpc_result(c);
	enum server_state	 s = server_state();

	xr_encode_struct_begin(b);
	rpc_supervisor_member_int(b, "statecode", s);
	rpc_supervisor_member_string(b, "statename", server_state_name(s));
	xr_encode_struct_end(b);
	rpc_done(c);
}

static void
rpc_supervisor_pid(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_return_int(c, getpid());
}

/*
 * shutdown() and restart() answer True at once; the ordered stop begins
 * once that answer is out, so a daemon with nothing to stop cannot exit
 * before its reply is written. Meanwhile calls already get SHUTDOWN_STATE.
 */
static void
rpc_supervisor_shutdown(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_call_after_reply(c, server_shutdown);
	rpc_return_bool(c, 1);
}

static void
rpc_supervisor_restart(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_call_after_reply(c, server_restart);
	rpc_return_bool(c, 1);
}

static void
rpc_supervisor_names(struct evbuffer *b, const char **names, int n)
{
	int	i;

	xr_encode_array_begin(b);
	for (i = 0; i < n; i++)
		xr_encode_string(b, names[i]);
	xr_encode_array_end(b);
}

/*
 * reloadConfig(): read the file again and say how its groups differ from
 * the running ones, as [[added, changed, removed]]. Nothing is started or
 * stopped; the new config becomes the one addProcessGroup reads.
 */
static void
rpc_supervisor_reload(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct config	 *cf;
	struct group	**running, *g;
	struct evbuffer	 *b;
	const char	**added, **changed, **removed;
	char		**errors;
	int		  nerrors, n, na = 0, nc = 0, nr = 0, i;

	if ((cf = rpc_load_config(&errors, &nerrors)) == NULL) {
		rpc_fault(c, FAULT_CANT_REREAD, nerrors > 0 ? errors[0] :
		    "unknown error");
		config_free_errors(errors, nerrors);
		return;
	}
	running = group_all(&n);
	added = xcalloc(cf->ngroups + 1, sizeof *added);
	changed = xcalloc(cf->ngroups + 1, sizeof *changed);
	removed = xcalloc(n + 1, sizeof *removed);
	for (i = 0; i < cf->ngroups; i++) {
		if ((g = group_find(cf->groups[i]->name)) == NULL)
			added[na++] = cf->groups[i]->name;
		else if (!config_group_equal(cf->groups[i], g->config))
			changed[nc++] = cf->groups[i]->name;
	}
	for (i = 0; i < n; i++) {
		if (config_find_group(cf, running[i]->config->name) == NULL)
			removed[nr++] = running[i]->config->name;
	}
	b = rpc_result(c);
	xr_encode_array_begin(b);
	xr_encode_array_begin(b);
	rpc_supervisor_names(b, added, na);
	rpc_supervisor_names(b, changed, nc);
	rpc_supervisor_names(b, removed, nr);
	xr_encode_array_end(b);
	xr_encode_array_end(b);
	free(added);
	free(changed);
	free(removed);
	server_set_config(cf);
	rpc_done(c);
}

/* Autostart a group added by addProcessGroup once the reply is on its way. */
static void
rpc_supervisor_autostart_cb(evutil_socket_t fd, short what, void *arg)
{
	char		*name = arg;
	struct group	*g;

	if ((g = group_find(name)) != NULL)
		deps_run_autostart(g);
	free(name);
}

static void
rpc_supervisor_add_group(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct group_config	*gc;
	struct group		*g;
	const char		*name;
	char			*cause = NULL;

	if (rpc_arg_string(c, argv[0], &name) != 0)
		return;
	if ((gc = config_find_group(server_config, name)) == NULL) {
		rpc_fault(c, FAULT_BAD_NAME, name);
		return;
	}
	if (group_find(name) != NULL) {
		rpc_fault(c, FAULT_ALREADY_ADDED, name);
		return;
	}
	if ((g = group_add(server_config, gc, &cause)) == NULL) {
		rpc_fault(c, FAULT_FAILED, cause);
		free(cause);
		return;
	}
	event_base_once(server_base, -1, EV_TIMEOUT,
	    rpc_supervisor_autostart_cb, xstrdup(name), NULL);
	rpc_return_bool(c, 1);
}

static void
rpc_supervisor_remove_group(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	struct group	*g;
	const char	*name;

	if (rpc_arg_string(c, argv[0], &name) != 0)
		return;
	if ((g = group_find(name)) == NULL) {
		rpc_fault(c, FAULT_BAD_NAME, name);
		return;
	}
	if (group_remove(g) != 0) {
		rpc_fault(c, FAULT_STILL_RUNNING, name);
		return;
	}
	rpc_return_bool(c, 1);
}

/* -------------------------------------------------------------------- */
/* Process information.                                                  */

static const char *
rpc_supervisor_logfile(const struct channel_config *ch)
{
	if (ch->kind == LOGFILE_NONE || ch->logfile == NULL)
		return ("");
	return (ch->logfile);
}

/* Decimal digits of a non-negative v at buf; returns how many. */
static int
rpc_supervisor_itoa(char *buf, long v)
{
	char	tmp[24];
	int	n = 0, i;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return (n);
}

/* A string member of getProcessInfo's struct. */
#define RPC_INFO_STRING(o, name, s) do {				\
	rpc_out_member_begin(o, name);					\
	rpc_out_cstring(o, s);						\
	rpc_out_member_end(o);						\
} while (0)
#define RPC_INFO_INT(o, name, v) do {					\
	rpc_out_member_begin(o, name);					\
	rpc_out_int(o, v);						\
	rpc_out_member_end(o);						\
} while (0)

/*
 * The description of a RUNNING process, the most common one, written
 * without printf: in a getAllProcessInfo of a thousand processes the
 * formatting was a fifth of the time. It must read exactly as
 * process_description() writes it (Python's str(timedelta)).
 */
static void
rpc_supervisor_uptime(struct rpc_out *o, const struct process *p, double now)
{
	char	buf[96], *q = buf;
	long	up, days, v[3];
	int	i;

	up = (long)now - (long)p->laststart;
	if (up < 0)
		up = 0;
	days = up / 86400;
	up %= 86400;
	v[0] = up / 3600;
	v[1] = (up % 3600) / 60;
	v[2] = up % 60;
	q = stpcpy(q, "pid ");
	q += rpc_supervisor_itoa(q, p->pid);
	q = stpcpy(q, ", uptime ");
	if (days > 0) {
		q += rpc_supervisor_itoa(q, days);
		q = stpcpy(q, days == 1 ? " day, " : " days, ");
	}
	q += rpc_supervisor_itoa(q, v[0]);
	for (i = 1; i < 3; i++) {
		*q++ = ':';
		*q++ = '0' + v[i] / 10;
		*q++ = '0' + v[i] % 10;
	}
	rpc_out_string(o, buf, q - buf);
}

/*
 * The members of getProcessInfo's struct, keys in Supervisor's order;
 * supd.getProcessInfo (rpc-supd.c) adds its own after them.
 */
void
rpc_supervisor_info_members(struct rpc_out *o, const struct process *p,
    double now)
{
	const struct process_config	*pc = p->config;
	char				*desc;

	RPC_INFO_STRING(o, "name", pc->name);
	RPC_INFO_STRING(o, "group", pc->group->name);
	RPC_INFO_INT(o, "start", rpc_supervisor_capped(p->laststart));
	RPC_INFO_INT(o, "stop", rpc_supervisor_capped(p->laststop));
	RPC_INFO_INT(o, "now", rpc_supervisor_capped(now));
	RPC_INFO_INT(o, "state", p->state);
	RPC_INFO_STRING(o, "statename", process_state_name(p->state));
	RPC_INFO_STRING(o, "spawnerr", p->spawnerr != NULL ? p->spawnerr : "");
	RPC_INFO_INT(o, "exitstatus", p->exitstatus);
	RPC_INFO_STRING(o, "logfile", rpc_supervisor_logfile(&pc->out));
	RPC_INFO_STRING(o, "stdout_logfile", rpc_supervisor_logfile(&pc->out));
	RPC_INFO_STRING(o, "stderr_logfile", rpc_supervisor_logfile(&pc->err));
	RPC_INFO_INT(o, "pid", p->pid);
	if (p->state == PROCESS_RUNNING) {
		rpc_out_member_begin(o, "description");
		rpc_supervisor_uptime(o, p, now);
		rpc_out_member_end(o);
	} else {
		desc = process_description(p, now);
		RPC_INFO_STRING(o, "description", desc);
		free(desc);
	}
}

/* getProcessInfo's struct. */
static void
rpc_supervisor_info(struct rpc_out *o, const struct process *p, double now)
{
	rpc_out_struct_begin(o);
	rpc_supervisor_info_members(o, p, now);
	rpc_out_struct_end(o);
}

static void
rpc_supervisor_process_info(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	struct process	*p;
	struct rpc_out	 o;

	if ((p = rpc_process_find(c, argv[0])) == NULL)
		return;
	rpc_out_init(&o, 2048);
	rpc_supervisor_info(&o, p, process_now());
	rpc_out_flush(&o, rpc_result(c));
	rpc_done(c);
}

static int
rpc_supervisor_group_cmp(const void *a, const void *b)
{
	const struct group	*x = *(struct group *const *)a;
	const struct group	*y = *(struct group *const *)b;

	return (strcmp(x->config->name, y->config->name));
}

static int
rpc_supervisor_process_cmp(const void *a, const void *b)
{
	const struct process	*x = *(struct process *const *)a;
	const struct process	*y = *(struct process *const *)b;

	return (strcmp(x->config->name, y->config->name));
}

/* A process in supd.getAllProcessStatus: the four things status prints. */
static void
rpc_supervisor_status_entry(struct rpc_out *o, const struct process *p, double now)
{
	char	*desc;

	rpc_out_lit(o, "<value><array><data>\n");
	rpc_out_cstring(o, p->config->group->name);
	rpc_out_cstring(o, p->config->name);
	rpc_out_int(o, p->state);
	if (p->state == PROCESS_RUNNING)
		rpc_supervisor_uptime(o, p, now);
	else {
		desc = process_description(p, now);
		rpc_out_cstring(o, desc);
		free(desc);
	}
	rpc_out_lit(o, "</data></array></value>\n");
}

/*
 * An array with one entry per process, groups and processes in name
 * order (Supervisor's lexical order), written into one buffer; each
 * entry is one of about bytes_each bytes written by put.
 */
void
rpc_supervisor_each_process(struct rpc_call *c, size_t bytes_each,
    void (*put)(struct rpc_out *, const struct process *, double))
{
	struct group	**all, **groups;
	struct process	**procs = NULL;
	struct rpc_out	  o;
	double		  now = process_now();
	int		  n, i, j, max = 0, total = 0;

	all = group_all(&n);
	groups = xreallocarray(NULL, n + 1, sizeof *groups);
	if (n > 0) {
		memcpy(groups, all, n * sizeof *groups);
		qsort(groups, n, sizeof *groups, rpc_supervisor_group_cmp);
	}
	for (i = 0; i < n; i++) {
		if (groups[i]->nprocs > max)
			max = groups[i]->nprocs;
		total += groups[i]->nprocs;
	}
	procs = xreallocarray(NULL, max + 1, sizeof *procs);
	/* Grow once or never. */
	rpc_out_init(&o, 64 + (size_t)total * bytes_each);
	rpc_out_lit(&o, "<value><array><data>\n");
	for (i = 0; i < n; i++) {
		memcpy(procs, groups[i]->procs,
		    groups[i]->nprocs * sizeof *procs);
		if (groups[i]->nprocs > 1)
			qsort(procs, groups[i]->nprocs, sizeof *procs,
			    rpc_supervisor_process_cmp);
		for (j = 0; j < groups[i]->nprocs; j++)
			put(&o, procs[j], now);
	}
	rpc_out_lit(&o, "</data></array></value>\n");
	rpc_out_flush(&o, rpc_result(c));
	free(procs);
	free(groups);
	rpc_done(c);
}

/* getAllProcessInfo(): getProcessInfo's struct for every process. */
static void
rpc_supervisor_all_process_info(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	rpc_supervisor_each_process(c, 1280, rpc_supervisor_info);
}

/*
 * supd.getAllProcessStatus(): [group, name, state, description] for
 * every process, in getAllProcessInfo's order. It is what status
 * prints, in a seventh of the bytes: with a thousand programs the
 * client's parsing of getAllProcessInfo was most of supctl's time.
 */
static void
rpc_supervisor_all_process_status(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	rpc_supervisor_each_process(c, 192, rpc_supervisor_status_entry);
}

/* One key of a getAllConfigInfo struct, as the config table gives it. */
static void
rpc_supervisor_config_member_cb(const struct config_info *ci, void *arg)
{
	struct evbuffer	*b = arg;
	int		 i;

	switch (ci->type) {
	case CONFIG_INFO_BOOL:
		rpc_supervisor_member_bool(b, ci->key, ci->num != 0);
		break;
	case CONFIG_INFO_INT:
		rpc_supervisor_member_int(b, ci->key, ci->num);
		break;
	case CONFIG_INFO_STRING:
		rpc_supervisor_member_string(b, ci->key, ci->str);
		break;
	case CONFIG_INFO_INTS:
		xr_encode_member_begin(b, ci->key);
		xr_encode_array_begin(b);
		for (i = 0; i < ci->nints; i++)
			xr_encode_int(b, ci->ints[i]);
		xr_encode_array_end(b);
		xr_encode_member_end(b);
		break;
	}
}

/* One getAllConfigInfo struct, keys in Supervisor's order. */
static void
rpc_supervisor_config_info(struct evbuffer *b, const struct group_config *gc,
    const struct process_config *pc, int inuse)
{
	xr_encode_struct_begin(b);
	config_process_info(pc, inuse, rpc_supervisor_config_member_cb, b);
	xr_encode_struct_end(b);
}

struct rpc_config_entry {
	const struct group_config	*gc;
	const struct process_config	*pc;
	int				 seq;
};

/* By process name; equal names keep config order (Python's stable sort). */
static int
rpc_supervisor_config_cmp(const void *a, const void *b)
{
	const struct rpc_config_entry	*x = a, *y = b;
	int				 d;

	if ((d = strcmp(x->pc->name, y->pc->name)) != 0)
		return (d);
	return (x->seq - y->seq);
}

/* getAllConfigInfo(): every process of the latest loaded config. */
static void
rpc_supervisor_all_config_info(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	struct config		*cf = server_config;
	struct rpc_config_entry	*e = NULL;
	struct evbuffer		*b = rpc_result(c);
	int			 n = 0, i, j;

	for (i = 0; i < cf->ngroups; i++) {
		for (j = 0; j < cf->groups[i]->nprocs; j++) {
			e = xreallocarray(e, n + 1, sizeof *e);
			e[n].gc = cf->groups[i];
			e[n].pc = cf->groups[i]->procs[j];
			e[n].seq = n;
			n++;
		}
	}
	if (n > 0)
		qsort(e, n, sizeof *e, rpc_supervisor_config_cmp);
	xr_encode_array_begin(b);
	for (i = 0; i < n; i++)
		rpc_supervisor_config_info(b, e[i].gc, e[i].pc,
		    group_find(e[i].gc->name) != NULL);
	xr_encode_array_end(b);
	free(e);
	rpc_done(c);
}

/* -------------------------------------------------------------------- */
/* Talking to processes.                                                 */

/*
 * sendProcessStdin(name, chars): chars must be a string (checked before
 * the name); a process that is not running or is being stopped gets
 * nothing; a closed stdin is NO_FILE.
 */
static void
rpc_supervisor_stdin(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct process	*p;
	char		*s;

	if (argv[1]->type != XR_STRING && argv[1]->type != XR_BASE64) {
		s = rpc_str(argv[1]);
		rpc_fault(c, FAULT_INCORRECT_PARAMETERS, s);
		free(s);
		return;
	}
	if ((p = rpc_process_find(c, argv[0])) == NULL)
		return;
	if (p->pid == 0 || p->killing) {
		rpc_fault(c, FAULT_NOT_RUNNING, argv[0]->u.s.ptr);
		return;
	}
	if (process_write_stdin(p, argv[1]->u.s.ptr, argv[1]->u.s.len) != 0) {
		rpc_fault(c, errno == EPIPE ? FAULT_NO_FILE : FAULT_FAILED,
		    argv[0]->u.s.ptr);
		return;
	}
	rpc_return_bool(c, 1);
}

/* sendRemoteCommEvent(type, data): Supervisor checks no state here. */
static void
rpc_supervisor_remote_event(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	char	*type, *data, *payload;
	int	 len;

	if (event_wanted(EVENT_REMOTE_COMMUNICATION)) {
		type = rpc_str(argv[0]);
		data = rpc_str(argv[1]);
		len = xasprintf(&payload, "type:%s\n%s", type, data);
		event_emit(EVENT_REMOTE_COMMUNICATION, payload, len);
		free(payload);
		free(data);
		free(type);
	}
	rpc_return_bool(c, 1);
}

static void
rpc_supervisor_supd_version(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	rpc_return_string(c, SUPD_VERSION);
}


/* -------------------------------------------------------------------- */
/* The tables.                                                           */

#define S	RPC_CHECK_STATE

static const char rpc_help_api_version[] =
    "The version of the XML-RPC API this server speaks.\n\n"
    "@return string version  \"" RPC_API_VERSION "\"";

const struct rpc_method rpc_supervisor_methods[] = {
	{ "supervisor.getAPIVersion", rpc_supervisor_api_version, 0, 0, S,
	  "string", rpc_help_api_version },
	{ "supervisor.getVersion", rpc_supervisor_api_version, 0, 0, S,
	  "string", rpc_help_api_version },
	{ "supervisor.getSupervisorVersion", rpc_supervisor_version, 0, 0, S,
	  "string",
	  "The Supervisor release whose API this server provides.\n\n"
	  "@return string version  \"" RPC_SUPERVISOR_VERSION "\"" },
	{ "supervisor.getIdentification", rpc_supervisor_identification,
	  0, 0, S, "string",
	  "The identifier option of the daemon.\n\n"
	  "@return string identifier  Names this daemon." },
	{ "supervisor.getState", rpc_supervisor_state, 0, 0, S, "struct",
	  "The daemon's state.\n\n"
	  "@return struct result  {int statecode, string statename}" },
	{ "supervisor.getPID", rpc_supervisor_pid, 0, 0, S, "int",
	  "The process id of the daemon.\n\n"
	  "@return int PID" },
	{ "supervisor.shutdown", rpc_supervisor_shutdown, 0, 0, S, "boolean",
	  "Stop every process, then the daemon.\n\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.restart", rpc_supervisor_restart, 0, 0, S, "boolean",
	  "Stop every process, read the configuration again and start over.\n\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.reloadConfig", rpc_supervisor_reload, 0, 0, S, "array",
	  "Read the configuration file again and compare its process groups\n"
	  "with the running ones; nothing is started or stopped.\n\n"
	  "@return array result  [[added, changed, removed]] group names." },
	{ "supervisor.addProcessGroup", rpc_supervisor_add_group, 1, 1, S,
	  "boolean string",
	  "Start using a process group of the loaded configuration.\n\n"
	  "@param string name  The group.\n"
	  "@return boolean result  True if it was added." },
	{ "supervisor.removeProcessGroup", rpc_supervisor_remove_group,
	  1, 1, S, "boolean string",
	  "Stop using a process group whose processes are all stopped.\n\n"
	  "@param string name  The group.\n"
	  "@return boolean result  True if it was removed." },
	{ "supervisor.getProcessInfo", rpc_supervisor_process_info, 1, 1, S,
	  "struct string",
	  "State, times, pid and log files of one process.\n\n"
	  "@param string name  The process (or 'group:name').\n"
	  "@return struct result  The process's information." },
	{ "supervisor.getAllProcessInfo", rpc_supervisor_all_process_info,
	  0, 0, S, "array",
	  "getProcessInfo of every process, by group and name.\n\n"
	  "@return array result  Process information structs." },
	{ "supervisor.getAllConfigInfo", rpc_supervisor_all_config_info,
	  0, 0, S, "array",
	  "The configuration of every process, groups flattened.\n\n"
	  "@return array result  Process configuration structs." },
	{ "supervisor.sendProcessStdin", rpc_supervisor_stdin, 2, 2, S,
	  "boolean string string",
	  "Write characters to a process's stdin, encoded as UTF-8.\n\n"
	  "@param string name  The process (or 'group:name').\n"
	  "@param string chars  What to write.\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.sendRemoteCommEvent", rpc_supervisor_remote_event,
	  2, 2, 0, "boolean string string",
	  "Send a REMOTE_COMMUNICATION event to the listeners subscribed.\n\n"
	  "@param string type  The event's type header.\n"
	  "@param string data  The event's body.\n"
	  "@return boolean result  True unless there was an error." },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct rpc_method rpc_supd_methods[] = {
	{ "supd.getVersion", rpc_supervisor_supd_version, 0, 0, 0, "string",
	  "The version of supd itself; Supervisor has no such method.\n\n"
	  "@return string version  supd's version." },
	{ "supd.getAllProcessStatus", rpc_supervisor_all_process_status,
	  0, 0, S, "array",
	  "What status shows of every process, in getAllProcessInfo's order;\n"
	  "Supervisor has no such method.\n\n"
	  "@return array result  [string group, string name, int state,\n"
	  "    string description] per process." },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};
