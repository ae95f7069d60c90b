/*
 * Recycling processes before they wear out (gunicorn's max_requests idea
 * without touching the app). A process observer keeps a record for each
 * RUNNING process that has max_rss or max_uptime:
 *
 * - max_uptime arms one timer at RUNNING, for max_uptime plus a jitter
 *   drawn anew at each start, so members started together drift apart.
 * - max_rss is watched by one timer for all of them, every second (less
 *   often when a scan is dear), and only while some RUNNING process has
 *   max_rss: one /proc scan samples
 *   every watched tree (usage.c), and other callers reuse that sample.
 *   A process is recycled once its tree has been above the limit for
 *   max_rss_secs of consecutive samples.
 *
 * A recycle is a bounce (stop, start, wait until back). A member of a
 * numprocs program is recycled only while all its siblings are RUNNING,
 * ready and not being restarted, so two members are never down at once;
 * otherwise the recycle waits, and is tried again whenever a process
 * enters RUNNING or has a health result (what ends a bounce). Waiting
 * recycles go in the order they were asked for: members that recycle
 * each other in turn must not starve one that asked first. A sibling
 * stopped on purpose holds recycles back too: it is down already.
 */
#include <sys/queue.h>

#include <errno.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounce.h"
#include "config.h"
#include "event.h"
#include "group.h"
#include "hmap.h"
#include "log.h"
#include "procinfo.h"
#include "process.h"
#include "process-check.h"
#include "recycle.h"
#include "server.h"
#include "usage.h"
#include "xmalloc.h"

/*
 * Seconds between max_rss samples: one, unless a scan costs more than a
 * fiftieth of that (a host with many thousand processes, or a loaded
 * one), then fifty times the scan, up to RECYCLE_RSS_MAX_INTERVAL, so the
 * watch never takes more than 2% of a core.
 */
#define RECYCLE_RSS_INTERVAL	1.0
#define RECYCLE_RSS_COST_FACTOR	50.0
#define RECYCLE_RSS_MAX_INTERVAL 10.0

enum recycle_reason {
	RECYCLE_NONE,
	RECYCLE_MAX_RSS,
	RECYCLE_MAX_UPTIME,
};

/* A RUNNING process with max_rss or max_uptime. */
struct recycle_proc {
	struct process		*proc;		/* referenced */
	struct event		*uptime;	/* NULL without max_uptime */
	double			 over_since;	/* monotonic; 0: not over */
	enum recycle_reason	 pending;	/* waiting for its siblings */
	uint64_t		 rss;		/* of the sample that decided */
	TAILQ_ENTRY(recycle_proc) queue;	/* while pending */
};
TAILQ_HEAD(recycle_queue, recycle_proc);

static struct hmap	 recycle_procs;		/* process -> record */
static struct recycle_proc **recycle_list;	/* the same, as an array */
static int		 recycle_n;
static struct event	*recycle_rss_timer;
/* Pending recycles, oldest request first. */
static struct recycle_queue recycle_pending =
    TAILQ_HEAD_INITIALIZER(recycle_pending);

static int64_t
recycle_key(const struct process *p)
{
	return ((int64_t)(intptr_t)p);
}

static double
recycle_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int
recycle_watches_rss(const struct recycle_proc *r)
{
	return (r->proc->config->ext->max_rss > 0);
}

/* Whether every other member of p's program is up and ready. */
static int
recycle_siblings_up(const struct process *p)
{
	const struct group	*g = p->group;
	const struct process	*q;
	int			 i;

	if (p->dead || g == NULL)
		return (0);
	for (i = 0; i < g->nprocs; i++) {
		q = g->procs[i];
		if (q == p || strcmp(q->config->program, p->config->program)
		    != 0)
			continue;
		if (q->state != PROCESS_RUNNING || !procinfo_ready(q) ||
		    bounce_busy(q))
			return (0);
	}
	return (1);
}

/* PROCESS_RECYCLED, with the pid that is going away. */
static void
recycle_emit(const struct recycle_proc *r)
{
	const struct process	*p = r->proc;
	char			 buf[1024];
	int			 n;

	if (!event_wanted(EVENT_PROCESS_RECYCLED))
		return;
	n = snprintf(buf, sizeof buf, "processname:%s groupname:%s pid:%d",
	    p->config->name, p->config->group->name, (int)p->pid);
	if (r->pending == RECYCLE_MAX_RSS)
		n += snprintf(buf + n, sizeof buf - n, " reason:max_rss rss:%llu",
		    (unsigned long long)r->rss);
	else
		n += snprintf(buf + n, sizeof buf - n, " reason:max_uptime");
	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	event_emit(EVENT_PROCESS_RECYCLED, buf, n);
}

static void
recycle_log(const struct recycle_proc *r)
{
	const struct process_config	*pc = r->proc->config;
	double				 up;

	if (r->pending == RECYCLE_MAX_RSS) {
		log_warn("recycling %s: rss %llu bytes (with its descendants) "
		    "above max_rss %lld for %d seconds", pc->name,
		    (unsigned long long)r->rss, (long long)pc->ext->max_rss,
		    pc->ext->max_rss_secs);
		return;
	}
	up = process_now() - r->proc->laststart;
	log_info("recycling %s: up %.0f seconds, max_uptime %d (jitter %d)",
	    pc->name, up, pc->ext->max_uptime, pc->ext->max_uptime_jitter);
}

static void
recycle_unqueue(struct recycle_proc *r)
{
	if (r->pending == RECYCLE_NONE)
		return;
	TAILQ_REMOVE(&recycle_pending, r, queue);
	r->pending = RECYCLE_NONE;
}

/*
 * Recycle now if the siblings allow it, and say so; else leave it
 * pending. The bounce's stop takes p out of RUNNING, which drops this
 * record.
 */
static int
recycle_try(struct recycle_proc *r)
{
	struct process	*p = r->proc;

	if (!recycle_siblings_up(p) || bounce_busy(p) ||
	    !server_accepts_starts())
		return (0);
	recycle_log(r);
	recycle_emit(r);
	recycle_unqueue(r);
	bounce_start(p, NULL, NULL);
	return (1);
}

/*
 * Pending recycles whose siblings may now allow them, oldest first. A
 * recycle that goes changes states, and state changes may drop other
 * records: walk again from the head after each.
 */
static void
recycle_retry(void)
{
	struct recycle_proc	*r;

again:
	TAILQ_FOREACH(r, &recycle_pending, queue) {
		if (recycle_try(r))
			goto again;
	}
}

static void
recycle_request(struct recycle_proc *r, enum recycle_reason why)
{
	if (r->pending != RECYCLE_NONE)
		return;
	r->pending = why;
	TAILQ_INSERT_TAIL(&recycle_pending, r, queue);
	recycle_retry();
}

static void
recycle_uptime_cb(evutil_socket_t fd, short what, void *arg)
{
	recycle_request(arg, RECYCLE_MAX_UPTIME);
}

static void
recycle_rss_arm(void)
{
	struct timeval	tv;
	double		secs;

	secs = usage_last_cost() * RECYCLE_RSS_COST_FACTOR;
	if (secs < RECYCLE_RSS_INTERVAL)
		secs = RECYCLE_RSS_INTERVAL;
	if (secs > RECYCLE_RSS_MAX_INTERVAL)
		secs = RECYCLE_RSS_MAX_INTERVAL;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - tv.tv_sec) * 1e6);
	evtimer_add(recycle_rss_timer, &tv);
}

/* One sample of every watched tree; recycle those over for long enough. */
static void
recycle_rss_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proctree_sample	 s;
	struct recycle_proc	*r;
	pid_t			*roots;
	double			 now;
	int			 i, n = 0;

	roots = xreallocarray(NULL, recycle_n + 1, sizeof *roots);
	for (i = 0; i < recycle_n; i++) {
		if (recycle_watches_rss(recycle_list[i]))
			roots[n++] = recycle_list[i]->proc->pid;
	}
	if (n == 0) {
		free(roots);
		return;		/* nothing to watch: the timer stays off */
	}
	if (usage_refresh(roots, n, RECYCLE_RSS_INTERVAL / 2.0) != 0)
		log_warn("max_rss: cannot read /proc: %s", strerror(errno));
	free(roots);
	now = recycle_mono();
	/* recycle_request may drop records: walk a copy. */
	for (i = recycle_n - 1; i >= 0; i--) {
		if (i >= recycle_n)
			continue;
		r = recycle_list[i];
		if (!recycle_watches_rss(r) || usage_get(r->proc->pid, &s) != 0)
			continue;
		if (s.rss_bytes <= (uint64_t)r->proc->config->ext->max_rss) {
			r->over_since = 0;
			continue;
		}
		r->rss = s.rss_bytes;
		if (r->over_since == 0)
			r->over_since = now;
		if (now - r->over_since >= r->proc->config->ext->max_rss_secs)
			recycle_request(r, RECYCLE_MAX_RSS);
	}
	recycle_rss_arm();
}

static void
recycle_add(struct process *p)
{
	const struct process_config	*pc = p->config;
	struct recycle_proc		*r;
	struct timeval			 tv;
	long				 secs;

	r = xcalloc(1, sizeof *r);
	r->proc = p;
	process_ref(p);
	if (pc->ext->max_uptime > 0) {
		secs = pc->ext->max_uptime;
		if (pc->ext->max_uptime_jitter > 0)
			secs += arc4random_uniform(pc->ext->max_uptime_jitter + 1);
		tv.tv_sec = secs;
		tv.tv_usec = 0;
		r->uptime = evtimer_new(server_base, recycle_uptime_cb, r);
		evtimer_add(r->uptime, &tv);
	}
	hmap_put_int(&recycle_procs, recycle_key(p), r);
	recycle_list = xreallocarray(recycle_list, recycle_n + 1,
	    sizeof *recycle_list);
	recycle_list[recycle_n++] = r;
	if (pc->ext->max_rss > 0 && !evtimer_pending(recycle_rss_timer, NULL))
		recycle_rss_arm();
}

static void
recycle_drop(struct recycle_proc *r)
{
	int	i;

	hmap_del_int(&recycle_procs, recycle_key(r->proc));
	for (i = 0; i < recycle_n; i++) {
		if (recycle_list[i] == r) {
			memmove(&recycle_list[i], &recycle_list[i + 1],
			    (recycle_n - i - 1) * sizeof *recycle_list);
			recycle_n--;
			break;
		}
	}
	recycle_unqueue(r);
	if (r->uptime != NULL)
		event_free(r->uptime);
	process_unref(r->proc);
	free(r);
}

static void
recycle_observer(struct process *p, enum process_state old, void *arg)
{
	struct recycle_proc	*r;

	r = hmap_get_int(&recycle_procs, recycle_key(p));
	if (p->state == PROCESS_RUNNING) {
		if (r == NULL && (p->config->ext->max_rss > 0 ||
		    p->config->ext->max_uptime > 0))
			recycle_add(p);
		recycle_retry();
	} else if (r != NULL)
		recycle_drop(r);
}

/* A health result may be what a sibling's bounce was waiting for. */
static void
recycle_health_cb(struct process *p, int healthy, int turned,
    const char *result)
{
	recycle_retry();
}

void
recycle_init(void)
{
	hmap_init(&recycle_procs);
	recycle_rss_timer = evtimer_new(server_base, recycle_rss_cb, NULL);
	process_add_observer(recycle_observer, NULL);
	/* After bounce.c's: a bounce decides before its siblings look. */
	process_check_add_health_observer(recycle_health_cb);
}

void
recycle_done(void)
{
	process_remove_observer(recycle_observer, NULL);
	while (recycle_n > 0)
		recycle_drop(recycle_list[recycle_n - 1]);
	free(recycle_list);
	recycle_list = NULL;
	hmap_free(&recycle_procs);
	if (recycle_rss_timer != NULL)
		event_free(recycle_rss_timer);
	recycle_rss_timer = NULL;
	usage_free();
}
