/*
 * The process object of the JSON API. Its keys are those of
 * supd.getProcessInfo: Supervisor's getProcessInfo struct, in its order,
 * then what supd adds (readiness, health, restarts, resource use,
 * dependencies). Keys whose data another part of the daemon does not
 * keep yet get a neutral value in api_info_extra(), the one place to
 * fill them from when it does, so clients can rely on every key.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "group.h"
#include "process.h"
#include "procinfo.h"
#include "proctree.h"
#include "api-info.h"
#include "utf8.h"
#include "xmalloc.h"

/* Milliseconds a sample of the processes' resource use is reused. */
#define API_INFO_SAMPLE_MS	1000

/* Scan buffers kept between samples (proctree.h). */
static struct proctree		*api_info_tree;
/* The last sample, sorted by pid, and when it was taken. */
static struct proctree_sample	*api_info_samples;
static size_t			 api_info_nsamples;
static struct timespec		 api_info_sampled;

/* Seconds as getProcessInfo's ints, which cannot pass 2^31 - 1. */
static json_int_t
api_info_time(double d)
{
	if (d < 0)
		return (0);
	if (d > 2147483647.0)
		return (2147483647);
	return ((json_int_t)d);
}

/*
 * A string member. JSON strings are Unicode, and names, paths and
 * texts from the config or a child may hold any bytes: a byte that is
 * not part of valid UTF-8 becomes U+FFFD.
 */
static void
api_info_set_string(json_t *o, const char *key, const char *s)
{
	if (s == NULL)
		s = "";
	json_object_set_new(o, key, api_info_text(s, strlen(s)));
}

/* Any bytes as a JSON string, invalid UTF-8 replaced (new reference). */
json_t *
api_info_text(const char *s, size_t len)
{
	static const char	 rep[] = "\xef\xbf\xbd";
	json_t			*j;
	char			*buf;
	size_t			 i = 0, n = 0, k;

	if (utf8_valid(s, len))
		return (json_stringn(s, len));
	buf = xmalloc(len * 3 + 1);
	while (i < len) {
		k = utf8_seq_len((const unsigned char *)s + i, len - i);
		if (k == 0) {
			memcpy(buf + n, rep, 3);
			n += 3;
			i++;
			continue;
		}
		memcpy(buf + n, s + i, k);
		n += k;
		i += k;
	}
	j = json_stringn(buf, n);
	free(buf);
	return (j);
}

static const char *
api_info_logfile(const struct channel_config *ch)
{
	if (ch->kind == LOGFILE_NONE || ch->logfile == NULL)
		return ("");
	return (ch->logfile);
}

/*
 * What supd adds to Supervisor's keys: readiness and health from the
 * checks, restarts, resource use with descendants, depends_on as
 * written, and the notify STATUS= text.
 */
static void
api_info_extra(json_t *o, const struct process *p,
    const struct proctree_sample *s)
{
	const char	**deps;
	json_t		 *a;
	int		  i, n;

	json_object_set_new(o, "ready", json_boolean(procinfo_ready(p)));
	json_object_set_new(o, "health",
	    json_string(procinfo_health_name(procinfo_health(p))));
	json_object_set_new(o, "health_failures",
	    json_integer(procinfo_health_failures(p)));
	api_info_set_string(o, "last_check", procinfo_last_check(p));
	json_object_set_new(o, "restarts", json_integer(procinfo_restarts(p)));
	json_object_set_new(o, "rss", json_integer(s != NULL && p->pid != 0 ?
	    (json_int_t)s->rss_bytes : 0));
	json_object_set_new(o, "cpu", json_real(s != NULL && p->pid != 0 ?
	    s->cpu_seconds : 0.0));
	a = json_array();
	deps = procinfo_depends_on(p, &n);
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(deps[i]));
	free(deps);
	json_object_set_new(o, "depends_on", a);
	api_info_set_string(o, "status_text", procinfo_status_text(p));
}

/* getProcessInfo's keys in Supervisor's order. */
static json_t *
api_info_build(const struct process *p, double now,
    const struct proctree_sample *s)
{
	const struct process_config	*pc = p->config;
	json_t				*o;
	char				*desc;

	o = json_object();
	api_info_set_string(o, "name", pc->name);
	api_info_set_string(o, "group", pc->group->name);
	json_object_set_new(o, "start", json_integer(api_info_time(p->laststart)));
	json_object_set_new(o, "stop", json_integer(api_info_time(p->laststop)));
	json_object_set_new(o, "now", json_integer(api_info_time(now)));
	json_object_set_new(o, "state", json_integer(p->state));
	json_object_set_new(o, "statename",
	    json_string(process_state_name(p->state)));
	api_info_set_string(o, "spawnerr", p->spawnerr);
	json_object_set_new(o, "exitstatus", json_integer(p->exitstatus));
	api_info_set_string(o, "logfile", api_info_logfile(&pc->out));
	api_info_set_string(o, "stdout_logfile", api_info_logfile(&pc->out));
	api_info_set_string(o, "stderr_logfile", api_info_logfile(&pc->err));
	json_object_set_new(o, "pid", json_integer(p->pid));
	desc = process_description(p, now);
	api_info_set_string(o, "description", desc);
	free(desc);
	api_info_extra(o, p, s);
	return (o);
}

/*
 * Resource use of every process, from one pass over /proc, kept for
 * API_INFO_SAMPLE_MS: a scan costs the same for one process as for all,
 * and a burst of state changes (a group starting) with a client on the
 * event stream would otherwise scan /proc for each.
 */
static int
api_info_pid_cmp(const void *a, const void *b)
{
	const struct proctree_sample	*x = a, *y = b;

	return (x->pid < y->pid ? -1 : x->pid > y->pid);
}

static void
api_info_refresh(void)
{
	struct group	**groups;
	pid_t		 *pids = NULL;
	size_t		  n = 0;
	int		  ng, j, k;

	groups = group_all(&ng);
	for (j = 0; j < ng; j++) {
		pids = xreallocarray(pids, n + groups[j]->nprocs + 1,
		    sizeof *pids);
		for (k = 0; k < groups[j]->nprocs; k++) {
			if (groups[j]->procs[k]->pid != 0)
				pids[n++] = groups[j]->procs[k]->pid;
		}
	}
	free(api_info_samples);
	api_info_samples = xcalloc(n + 1, sizeof *api_info_samples);
	api_info_nsamples = 0;
	if (api_info_tree == NULL)
		api_info_tree = proctree_create();
	if (n > 0 && proctree_sample(api_info_tree, pids, n, 0,
	    api_info_samples) == 0) {
		api_info_nsamples = n;
		qsort(api_info_samples, n, sizeof *api_info_samples,
		    api_info_pid_cmp);
	}
	free(pids);
	clock_gettime(CLOCK_MONOTONIC, &api_info_sampled);
}

/* The sample of pid, from a scan at most API_INFO_SAMPLE_MS old. */
static const struct proctree_sample *
api_info_sample(pid_t pid)
{
	struct proctree_sample	key;
	struct timespec		now;
	long long		ms;

	if (pid == 0)
		return (NULL);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - api_info_sampled.tv_sec) * 1000LL +
	    (now.tv_nsec - api_info_sampled.tv_nsec) / 1000000;
	if (api_info_samples == NULL || ms >= API_INFO_SAMPLE_MS || ms < 0)
		api_info_refresh();
	key.pid = pid;
	return (bsearch(&key, api_info_samples, api_info_nsamples,
	    sizeof *api_info_samples, api_info_pid_cmp));
}

/* One process; see api-info.h. */
json_t *
api_info_process(const struct process *p, double now)
{
	return (api_info_build(p, now, api_info_sample(p->pid)));
}

static int
api_info_process_cmp(const void *a, const void *b)
{
	const struct process	*x = *(struct process *const *)a;
	const struct process	*y = *(struct process *const *)b;
	int			 c;

	c = strcmp(x->config->group->name, y->config->group->name);
	return (c != 0 ? c : strcmp(x->config->name, y->config->name));
}

/* Every process, groups and names in lexical order as getAllProcessInfo. */
json_t *
api_info_all(void)
{
	struct group		**groups;
	struct process		**procs = NULL;
	json_t			 *a;
	double			  now = process_now();
	size_t			  n = 0, i;
	int			  ng, j, k;

	groups = group_all(&ng);
	for (j = 0; j < ng; j++) {
		procs = xreallocarray(procs, n + groups[j]->nprocs + 1,
		    sizeof *procs);
		for (k = 0; k < groups[j]->nprocs; k++)
			procs[n++] = groups[j]->procs[k];
	}
	if (n > 1)
		qsort(procs, n, sizeof *procs, api_info_process_cmp);
	api_info_refresh();
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, api_info_build(procs[i], now,
		    api_info_sample(procs[i]->pid)));
	free(procs);
	return (a);
}

/* At close: the scan buffers. */
void
api_info_close(void)
{
	proctree_free(api_info_tree);
	api_info_tree = NULL;
	free(api_info_samples);
	api_info_samples = NULL;
	api_info_nsamples = 0;
}
