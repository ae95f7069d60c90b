/*
 * The /metrics route: every configured process (stopped ones and event
 * listeners too) and the daemon itself in Prometheus's text format.
 *
 * A scrape must stay cheap with a thousand programs (under 5 ms) and
 * leave nothing allocated behind, so it reads only what is in memory:
 * states and counters from the processes, and resource use (memory, CPU,
 * descriptors) from the last /proc sample. Reading /proc for a thousand
 * process trees costs more than the whole budget, so a scrape that finds
 * the sample older than METRICS_STALE asks for a new one from a fresh
 * event after its reply is queued; the next scrape sees it. Nothing runs
 * while nobody scrapes: an idle supd never wakes up for metrics. Only the
 * first scrape samples at once, so it never shows empty figures.
 */
#include <sys/types.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "group.h"
#include "hmap.h"
#include "http.h"
#include "listener.h"
#include "metrics.h"
#include "metrics-text.h"
#include "process.h"
#include "process-check.h"
#include "proctree.h"
#include "rpc.h"
#include "xmalloc.h"

#define METRICS_STALE		2.0	/* seconds before a new sample */
#define METRICS_LABELS_MAX	512	/* {group="...",name="...",...} */

/* One process during a scrape. */
struct metrics_proc {
	struct process			*p;
	const char			*labels;	/* {group,name} */
	const struct proctree_sample	*s;		/* NULL: no sample */
};

/* A per-process family: its name, type, help and value. */
struct metrics_family {
	const char	*name;
	const char	*type;
	const char	*help;
	/* In thousandths when milli (times), else whole numbers. */
	int64_t		(*value)(const struct metrics_proc *);
	int		 milli;
};

/* What one method of XML-RPC was asked. */
struct metrics_rpc {
	const char	*method;	/* from the method tables */
	uint64_t	 count;
};

static struct event_base	*metrics_base;

/* The last /proc sample: roots sorted by pid, their samples alike. */
static struct proctree		*metrics_tree;
static pid_t			*metrics_pids;
static struct proctree_sample	*metrics_samples;
static size_t			 metrics_nsamples;
static size_t			 metrics_cap;
static struct proctree_self	 metrics_self;
static int			 metrics_self_ok;
static double			 metrics_sampled;	/* monotonic; 0 never */
static int			 metrics_pending;

/* XML-RPC calls, by method; NULL-named ones under "unknown". */
static struct hmap		 metrics_rpc_by_name;
static const double		 metrics_rpc_bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10, 30,
};
#define METRICS_RPC_NBOUNDS \
	(int)(sizeof metrics_rpc_bounds / sizeof metrics_rpc_bounds[0])
static uint64_t			 metrics_rpc_counts[METRICS_RPC_NBOUNDS + 1];
static struct metrics_histogram	 metrics_rpc_hist = {
	metrics_rpc_bounds, METRICS_RPC_NBOUNDS, metrics_rpc_counts, 0, 0
};

static double
metrics_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* The rpc hook: one more call of method, taking secs. */
static void
metrics_rpc_cb(const char *method, double secs)
{
	struct metrics_rpc	*r;

	if (method == NULL)
		method = "unknown";
	if ((r = hmap_get_str(&metrics_rpc_by_name, method)) == NULL) {
		/* At most one per method of the tables: bounded. */
		r = xcalloc(1, sizeof *r);
		r->method = method;
		hmap_put_str(&metrics_rpc_by_name, r->method, r);
	}
	r->count++;
	metrics_histogram_observe(&metrics_rpc_hist, secs);
}

void
metrics_init(struct event_base *base)
{
	metrics_base = base;
	hmap_init(&metrics_rpc_by_name);
	rpc_set_hook(metrics_rpc_cb);
}

void
metrics_done(void)
{
	size_t	i;

	for (i = 0; i < metrics_rpc_by_name.cap; i++) {
		if (metrics_rpc_by_name.slots[i].hash & 1)
			free(metrics_rpc_by_name.slots[i].value);
	}
	hmap_free(&metrics_rpc_by_name);
	proctree_free(metrics_tree);
	metrics_tree = NULL;
	free(metrics_pids);
	free(metrics_samples);
	metrics_pids = NULL;
	metrics_samples = NULL;
	metrics_nsamples = metrics_cap = 0;
}

static int
metrics_pid_cmp(const void *a, const void *b)
{
	pid_t	x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x < y ? -1 : x > y);
}

/*
 * Read /proc for every running process's tree and for supd. The buffers
 * grow to the largest set seen and are kept for the next sample.
 */
static void
metrics_sample_now(void)
{
	struct group	**groups;
	size_t		  n = 0;
	int		  ngroups, i, j;

	groups = group_all(&ngroups);
	for (i = 0; i < ngroups; i++) {
		for (j = 0; j < groups[i]->nprocs; j++) {
			if (groups[i]->procs[j]->pid == 0)
				continue;
			if (n == metrics_cap) {
				metrics_cap = metrics_cap == 0 ? 64 :
				    metrics_cap * 2;
				metrics_pids = xreallocarray(metrics_pids,
				    metrics_cap, sizeof *metrics_pids);
				metrics_samples = xreallocarray(metrics_samples,
				    metrics_cap, sizeof *metrics_samples);
			}
			metrics_pids[n++] = groups[i]->procs[j]->pid;
		}
	}
	if (n > 1)
		qsort(metrics_pids, n, sizeof *metrics_pids, metrics_pid_cmp);
	if (metrics_tree == NULL)
		metrics_tree = proctree_create();
	if (n == 0 || proctree_sample(metrics_tree, metrics_pids, n, 1,
	    metrics_samples) != 0)
		n = 0;
	metrics_nsamples = n;
	metrics_self_ok = proctree_self(&metrics_self) == 0;
	metrics_sampled = metrics_mono();
}

static void
metrics_sample_cb(evutil_socket_t fd, short what, void *arg)
{
	metrics_pending = 0;
	metrics_sample_now();
}

/* After a scrape: a new sample from a fresh event if this one is old. */
static void
metrics_sample_later(void)
{
	struct timeval	tv = { 0, 0 };

	if (metrics_pending || metrics_mono() - metrics_sampled < METRICS_STALE)
		return;
	if (event_base_once(metrics_base, -1, EV_TIMEOUT, metrics_sample_cb,
	    NULL, &tv) == 0)
		metrics_pending = 1;
}

static const struct proctree_sample *
metrics_find_sample(pid_t pid)
{
	const pid_t	*hit;

	if (pid == 0 || metrics_nsamples == 0)
		return (NULL);
	hit = bsearch(&pid, metrics_pids, metrics_nsamples,
	    sizeof *metrics_pids, metrics_pid_cmp);
	return (hit == NULL ? NULL : &metrics_samples[hit - metrics_pids]);
}

static int
metrics_up(const struct process *p)
{
	return (p->state == PROCESS_RUNNING);
}

static int64_t
metrics_v_up(const struct metrics_proc *m)
{
	return (metrics_up(m->p));
}

static int64_t
metrics_v_state(const struct metrics_proc *m)
{
	return (m->p->state);
}

static int64_t
metrics_v_start(const struct metrics_proc *m)
{
	return ((int64_t)(m->p->laststart * 1000 + 0.5));
}

static int64_t
metrics_v_restarts(const struct metrics_proc *m)
{
	/* The first start is not a restart. */
	return (m->p->nspawns > 0 ? (int64_t)m->p->nspawns - 1 : 0);
}

static int64_t
metrics_v_exit(const struct metrics_proc *m)
{
	return (m->p->exitstatus);
}

/* RUNNING with its ready_check passed; without one, ready follows up. */
static int64_t
metrics_v_ready(const struct metrics_proc *m)
{
	return (process_check_ready(m->p));
}

/* Up and not failing its health_check; without one, healthy follows up. */
static int64_t
metrics_v_healthy(const struct metrics_proc *m)
{
	return (metrics_up(m->p) &&
	    strcmp(process_check_health(m->p), "failing") != 0);
}

static int64_t
metrics_v_rss(const struct metrics_proc *m)
{
	return (m->s != NULL ? (int64_t)m->s->rss_bytes : 0);
}

static int64_t
metrics_v_cpu(const struct metrics_proc *m)
{
	return (m->s != NULL ? (int64_t)(m->s->cpu_seconds * 1000 + 0.5) : 0);
}

static int64_t
metrics_v_fds(const struct metrics_proc *m)
{
	return (m->s != NULL && m->s->open_fds >= 0 ? m->s->open_fds : 0);
}

static const struct metrics_family metrics_families[] = {
	{ "supd_process_up", "gauge",
	  "1 when the process is RUNNING.", metrics_v_up, 0 },
	{ "supd_process_state", "gauge",
	  "Supervisor's numeric process state (0 STOPPED ... 200 FATAL).",
	  metrics_v_state, 0 },
	{ "supd_process_start_time_seconds", "gauge",
	  "When the process was last started, seconds since the epoch.",
	  metrics_v_start, 1 },
	{ "supd_process_restarts_total", "counter",
	  "Starts of the process after its first.", metrics_v_restarts, 0 },
	{ "supd_process_exit_status", "gauge",
	  "Exit status of the process's last exit.", metrics_v_exit, 0 },
	{ "supd_process_ready", "gauge",
	  "1 when the process is ready (RUNNING without a ready_check).",
	  metrics_v_ready, 0 },
	{ "supd_process_healthy", "gauge",
	  "1 when the process is healthy (RUNNING without a health_check).",
	  metrics_v_healthy, 0 },
	{ "supd_process_resident_memory_bytes", "gauge",
	  "Resident memory of the process and its descendants.",
	  metrics_v_rss, 0 },
	{ "supd_process_cpu_seconds_total", "counter",
	  "CPU time of the process and its descendants.", metrics_v_cpu, 1 },
	{ "supd_process_open_fds", "gauge",
	  "Open file descriptors of the process.", metrics_v_fds, 0 },
};

static void
metrics_write_family(struct evbuffer *out, const struct metrics_family *f,
    const struct metrics_proc *procs, size_t n)
{
	size_t	i;
	int64_t	v;

	metrics_family(out, f->name, f->type, f->help);
	for (i = 0; i < n; i++) {
		v = f->value(&procs[i]);
		if (v < 0)	/* an exit status of -1 (killed) */
			metrics_sample(out, f->name, procs[i].labels, v);
		else if (f->milli)
			metrics_sample_milli(out, f->name, procs[i].labels, v);
		else
			metrics_sample_u64(out, f->name, procs[i].labels, v);
	}
}

/* supd_log_bytes_total and supd_log_dropped_bytes_total, per stream. */
static void
metrics_write_logs(struct evbuffer *out, const struct metrics_proc *procs,
    size_t n, int dropped)
{
	static const char	*streams[] = { ",stream=\"stdout\"}",
				    ",stream=\"stderr\"}" };
	const char		*name;
	char			 labels[METRICS_LABELS_MAX + 32];
	const struct process	*p;
	size_t			 i, len;
	int			 c;

	name = dropped ? "supd_log_dropped_bytes_total" : "supd_log_bytes_total";
	metrics_family(out, name, "counter", dropped ?
	    "Output the log file could not take and dropped." :
	    "Output read from the process, per stream.");
	for (i = 0; i < n; i++) {
		p = procs[i].p;
		/* {group,name} with the stream added before its brace. */
		if ((len = strlen(procs[i].labels)) > METRICS_LABELS_MAX)
			continue;
		memcpy(labels, procs[i].labels, len - 1);
		for (c = 0; c < 2; c++) {
			strcpy(labels + len - 1, streams[c]);
			metrics_sample_u64(out, name, labels, dropped ?
			    p->log_dropped[c] : p->log_bytes[c]);
		}
	}
}

/* supd_processes by state, every state listed (zeros too). */
static void
metrics_write_states(struct evbuffer *out, const struct metrics_proc *procs,
    size_t n)
{
	static const enum process_state states[] = {
		PROCESS_STOPPED, PROCESS_STARTING, PROCESS_RUNNING,
		PROCESS_BACKOFF, PROCESS_STOPPING, PROCESS_EXITED,
		PROCESS_FATAL, PROCESS_UNKNOWN,
	};
	const char	*pairs[2];
	char		 labels[64];
	size_t		 i, j, count;

	metrics_family(out, "supd_processes", "gauge",
	    "Configured processes by state.");
	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		count = 0;
		for (j = 0; j < n; j++)
			count += procs[j].p->state == states[i];
		pairs[0] = "state";
		pairs[1] = process_state_name(states[i]);
		metrics_labels(labels, sizeof labels, pairs, 1);
		metrics_sample_u64(out, "supd_processes", labels, count);
	}
}

static void
metrics_write_pools(struct evbuffer *out)
{
	struct group	**groups;
	const char	 *pairs[2];
	char		  labels[METRICS_LABELS_MAX];
	int		  n, i;

	metrics_family(out, "supd_eventlistener_queue_events", "gauge",
	    "Events waiting in an event listener pool.");
	groups = group_all(&n);
	for (i = 0; i < n; i++) {
		if (groups[i]->config->kind != GROUP_LISTENER)
			continue;
		pairs[0] = "pool";
		pairs[1] = groups[i]->config->name;
		if (metrics_labels(labels, sizeof labels, pairs, 1) != 0)
			metrics_sample_u64(out,
			    "supd_eventlistener_queue_events", labels,
			    listener_pool_queued(groups[i]));
	}
}

static void
metrics_write_rpc(struct evbuffer *out)
{
	const struct metrics_rpc	*r;
	const char			*pairs[2];
	char				 labels[METRICS_LABELS_MAX];
	size_t				 i;

	metrics_family(out, "supd_rpc_requests_total", "counter",
	    "XML-RPC requests answered, by method.");
	for (i = 0; i < metrics_rpc_by_name.cap; i++) {
		if ((metrics_rpc_by_name.slots[i].hash & 1) == 0)
			continue;
		r = metrics_rpc_by_name.slots[i].value;
		pairs[0] = "method";
		pairs[1] = r->method;
		if (metrics_labels(labels, sizeof labels, pairs, 1) != 0)
			metrics_sample_u64(out, "supd_rpc_requests_total",
			    labels, r->count);
	}
	metrics_family(out, "supd_rpc_duration_seconds", "histogram",
	    "Time from an XML-RPC request to its answer.");
	metrics_histogram_write(out, "supd_rpc_duration_seconds", "",
	    &metrics_rpc_hist);
}

/* The standard process_* figures of supd itself. */
static void
metrics_write_self(struct evbuffer *out)
{
	const struct proctree_self	*s = &metrics_self;

	if (!metrics_self_ok)
		return;
	metrics_family(out, "process_cpu_seconds_total", "counter",
	    "Total user and system CPU time spent in seconds.");
	metrics_sample(out, "process_cpu_seconds_total", "", s->cpu_seconds);
	metrics_family(out, "process_resident_memory_bytes", "gauge",
	    "Resident memory size in bytes.");
	metrics_sample_u64(out, "process_resident_memory_bytes", "",
	    s->rss_bytes);
	metrics_family(out, "process_start_time_seconds", "gauge",
	    "Start time of the process since unix epoch in seconds.");
	metrics_sample(out, "process_start_time_seconds", "", s->start_time);
	metrics_family(out, "process_open_fds", "gauge",
	    "Number of open file descriptors.");
	metrics_sample(out, "process_open_fds", "", s->open_fds);
	metrics_family(out, "process_max_fds", "gauge",
	    "Maximum number of open file descriptors.");
	metrics_sample(out, "process_max_fds", "", s->max_fds);
}

/*
 * Every process in config order with its label set; the labels live in
 * one block after the array. Caller frees the array (one allocation).
 */
static struct metrics_proc *
metrics_collect(size_t *np)
{
	struct group		**groups;
	struct metrics_proc	 *procs;
	struct process		 *p;
	const char		 *pairs[4];
	char			 *labels, *end;
	size_t			  n = 0, k = 0, len, size = 0;
	int			  ngroups, i, j;

	/* Escaping at most doubles a name; 24 covers the rest. */
	groups = group_all(&ngroups);
	for (i = 0; i < ngroups; i++) {
		n += groups[i]->nprocs;
		for (j = 0; j < groups[i]->nprocs; j++)
			size += 2 * (strlen(groups[i]->config->name) +
			    strlen(groups[i]->procs[j]->config->name)) + 24;
	}
	procs = xmalloc(n * sizeof *procs + size + 1);
	labels = (char *)(procs + n);
	end = labels + size + 1;
	for (i = 0; i < ngroups; i++) {
		for (j = 0; j < groups[i]->nprocs; j++) {
			p = groups[i]->procs[j];
			pairs[0] = "group";
			pairs[1] = groups[i]->config->name;
			pairs[2] = "name";
			pairs[3] = p->config->name;
			len = metrics_labels(labels, end - labels, pairs, 2);
			if (len == 0)
				continue;	/* names beyond any sane size */
			procs[k].p = p;
			procs[k].labels = labels;
			procs[k].s = metrics_find_sample(p->pid);
			labels += len + 1;
			k++;
		}
	}
	*np = k;
	return (procs);
}

void
metrics_route(struct evhttp_request *req, const char *path)
{
	struct metrics_proc	*procs;
	struct evbuffer		*out;
	size_t			 n, i;

	if (metrics_sampled == 0)
		metrics_sample_now();
	procs = metrics_collect(&n);
	out = evbuffer_new();
	for (i = 0; i < sizeof metrics_families / sizeof metrics_families[0];
	    i++)
		metrics_write_family(out, &metrics_families[i], procs, n);
	metrics_write_logs(out, procs, n, 0);
	metrics_write_logs(out, procs, n, 1);
	metrics_write_states(out, procs, n);
	free(procs);
	metrics_write_pools(out);
	metrics_write_rpc(out);
	metrics_write_self(out);
	http_send(req, out, METRICS_CONTENT_TYPE, NULL);
	evbuffer_free(out);
	metrics_sample_later();
}
