/* What registry.c shares with the Consul and etcd backends only. */
#ifndef REGISTRY_BACKEND_H
#define REGISTRY_BACKEND_H

#include <sys/queue.h>

#include <event2/http.h>

#include "registry.h"

struct registry_http;
struct evdns_base;
struct ssl_ctx_st;

/* Where a registry listens. */
struct registry_endpoint {
	char		*host;
	int		 port;
};

/* The one request a backend wants sent next for a registration. */
struct registry_call {
	enum evhttp_cmd_type	 method;
	char			*path;
	char			*body;		/* NULL: none */
	int			 kind;		/* the backend's request type */
	enum registry_state	 target;	/* desired state when sent */
};

/*
 * A backend decides what to send from a registration's desired and confirmed
 * states (step), reads the answer (answer) and forgets what it knew after a
 * failure (failed). step returns 0 when the registration has converged and
 * sets *refresh_ms when it must be called again even so (a TTL to refresh).
 */
struct registry_backend {
	const char	*name;
	int		 (*step)(struct registry_reg *, struct registry_call *,
			     int *refresh_ms);
	int		 (*answer)(struct registry_reg *,
			     const struct registry_call *, int code,
			     const char *body, size_t len, char **cause);
	void		 (*failed)(struct registry_reg *);
	void		 (*reg_free)(struct registry_reg *);
	void		 (*free)(struct registry *);
	void		 (*headers)(struct registry *, struct evkeyvalq *);
};

struct registry_reg {
	struct registry		*registry;
	struct registry_service	 svc;		/* deep copy */
	enum registry_state	 desired;
	enum registry_state	 confirmed;
	char			*why;
	int			 ever_passing;
	int			 stale;		/* refresh due */

	struct registry_http	*http;		/* in flight */
	struct registry_call	 call;
	int			 attempt;	/* failures in a row */
	struct event		*timer;		/* back-off or refresh */
	int			 backing_off;

	registry_done_cb	 done_cb;
	void			*done_arg;
	struct event		*done_timer;

	int			 removed;
	int			 freeing;	/* on the next loop turn */
	int			 busy;		/* calling the daemon back */
	int			 rekick;	/* it asked for something */
	void			*data;		/* the backend's */
	TAILQ_ENTRY(registry_reg) entry;
	int			 queued;	/* waits for a free slot */
	TAILQ_ENTRY(registry_reg) qentry;
};
TAILQ_HEAD(registry_regs, registry_reg);

struct registry {
	const struct registry_backend *backend;
	struct event_base	*base;
	struct evdns_base	*dns;		/* made for the first name */
	struct ssl_ctx_st	*tls;		/* NULL: plain http */
	struct registry_endpoint *endpoints;
	size_t			 nendpoints;
	size_t			 current;	/* tried first */
	int			 timeout_ms;
	int			 backoff_min_ms;
	int			 backoff_max_ms;
	int			 down;		/* last request failed */
	int			 inflight;	/* requests sent */
	int			 max_inflight;
	struct registry_regs	 queue;		/* waiting to send */
	registry_event_cb	 event_cb;
	void			*event_arg;
	struct registry_regs	 regs;
	void			*data;		/* the backend's */
};

struct registry	*registry_create(struct event_base *,
		     const struct registry_backend *);
void		 registry_confirm(struct registry_reg *, enum registry_state);
int		 registry_endpoints_parse(struct registry *, const char *list,
		     int default_port, const char *scheme, char **cause);
int		 registry_endpoint_parse(const char *, int default_port,
		     char **scheme, char **host, int *port, char **cause);
int		 registry_backoff_ms(int attempt, int min_ms, int max_ms,
		     unsigned int rnd);

#endif
