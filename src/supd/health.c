/*
 * Probes for orchestrators: /healthz answers 200 while the loop runs,
 * /readyz 200 once every autostart process is RUNNING and ready (503
 * before, and while shutting down), both without auth so a kubelet can ask;
 * their bodies count processes by state and name none. The same
 * readiness sends systemd READY=1, once.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "group.h"
#include "health.h"
#include "http.h"
#include "process.h"
#include "sdnotify.h"
#include "server.h"

/* Process states in Supervisor's order, for the counts. */
static const enum process_state health_states[] = {
	PROCESS_STOPPED, PROCESS_STARTING, PROCESS_RUNNING, PROCESS_BACKOFF,
	PROCESS_STOPPING, PROCESS_EXITED, PROCESS_FATAL, PROCESS_UNKNOWN,
};
#define HEALTH_NSTATES (sizeof health_states / sizeof health_states[0])

static int	health_notifying;	/* systemd listens */
static int	health_notified;	/* READY=1 was sent */

struct health_counts {
	int	by_state[HEALTH_NSTATES];
	int	total;
	int	autostart;
	int	autostart_ready;
};

static void
health_count(struct health_counts *hc)
{
	struct group	**groups, *g;
	struct process	 *p;
	size_t		  k;
	int		  n, i, j;

	memset(hc, 0, sizeof *hc);
	groups = group_all(&n);
	for (i = 0; i < n; i++) {
		g = groups[i];
		for (j = 0; j < g->nprocs; j++) {
			p = g->procs[j];
			hc->total++;
			for (k = 0; k < HEALTH_NSTATES; k++) {
				if (health_states[k] == p->state)
					hc->by_state[k]++;
			}
			if (!p->config->autostart)
				continue;
			hc->autostart++;
			if (p->state == PROCESS_RUNNING && p->ready)
				hc->autostart_ready++;
		}
	}
}

int
health_ready(void)
{
	struct health_counts	hc;

	if (server_state() != SERVER_RUNNING)
		return (0);
	health_count(&hc);
	return (hc.autostart_ready == hc.autostart);
}

/* Exact paths only: no prefix of them opens anything without auth. */
int
health_match_healthz(struct evhttp_request *req, const char *path)
{
	return (strcmp(path, "/healthz") == 0);
}

int
health_match_readyz(struct evhttp_request *req, const char *path)
{
	return (strcmp(path, "/readyz") == 0);
}

static void
health_reply(struct evhttp_request *req, int code, const char *reason,
    struct evbuffer *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, body);
}

void
health_healthz(struct evhttp_request *req, const char *path)
{
	struct evbuffer	*body = evbuffer_new();

	evbuffer_add_printf(body, "{\"status\": \"ok\", \"state\": \"%s\"}\n",
	    server_state_name(server_state()));
	health_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

void
health_readyz(struct evhttp_request *req, const char *path)
{
	struct health_counts	 hc;
	struct evbuffer		*body = evbuffer_new();
	size_t			 k;
	int			 ready, first = 1;

	health_count(&hc);
	ready = server_state() == SERVER_RUNNING &&
	    hc.autostart_ready == hc.autostart;
	evbuffer_add_printf(body, "{\"ready\": %s, \"processes\": %d, "
	    "\"autostart\": %d, \"autostart_ready\": %d, \"states\": {",
	    ready ? "true" : "false", hc.total, hc.autostart,
	    hc.autostart_ready);
	for (k = 0; k < HEALTH_NSTATES; k++) {
		if (hc.by_state[k] == 0)
			continue;
		evbuffer_add_printf(body, "%s\"%s\": %d", first ? "" : ", ",
		    process_state_name(health_states[k]), hc.by_state[k]);
		first = 0;
	}
	evbuffer_add_printf(body, "}}\n");
	if (ready)
		health_reply(req, 200, "OK", body);
	else
		health_reply(req, 503, "Service Unavailable", body);
	evbuffer_free(body);
}

/*
 * READY=1 for systemd the first time everything is up: after any state
 * change, and once after the autostart pass (nothing to start is ready
 * at once).
 */
void
health_notify(void)
{
	struct health_counts	hc;
	char			status[64];

	if (!health_notifying || health_notified || !health_ready())
		return;
	health_notified = 1;
	health_count(&hc);
	snprintf(status, sizeof status, "%d processes running",
	    hc.by_state[2]);
	sdnotify_ready(status);
}

static void
health_observer(struct process *p, enum process_state old, void *arg)
{
	if (p->state == PROCESS_RUNNING)
		health_notify();
}

/*
 * Counting every process at each RUNNING costs a thousand programs a
 * million steps while they start: only when systemd listens, and only
 * until READY=1 is sent.
 */
void
health_init(int notify)
{
	health_notifying = notify;
	if (notify)
		process_add_observer(health_observer, NULL);
}

void
health_done(void)
{
	if (health_notifying)
		process_remove_observer(health_observer, NULL);
	health_notifying = 0;
}
