/* The /metrics route: Prometheus text about every process and supd. */
#ifndef METRICS_H
#define METRICS_H

struct event_base;
struct evhttp_request;

/* Once, before the servers open: count XML-RPC calls from now on. */
void	metrics_init(struct event_base *);
/* Free the resource sampler (at exit). */
void	metrics_done(void);
/* The route's handler (GET /metrics). */
void	metrics_route(struct evhttp_request *, const char *path);

#endif
