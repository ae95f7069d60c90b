/* Service registration of processes in Consul or etcd, without blocking. */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stddef.h>

struct event_base;

#define REGISTRY_TIMEOUT_MS	10000	/* a request is cut after this */
#define REGISTRY_BACKOFF_MIN_MS	1000	/* first retry */
#define REGISTRY_BACKOFF_MAX_MS	30000	/* back-off limit */
#define REGISTRY_INFLIGHT_MAX	8	/* requests at once per registry */

/*
 * What a registration should be (desired) or what the registry last said it
 * is (confirmed). UNKNOWN is only ever confirmed: a request failed, so the
 * registry may or may not hold the service.
 */
enum registry_state {
	REGISTRY_ABSENT,
	REGISTRY_PASSING,
	REGISTRY_FAILING,
	REGISTRY_UNKNOWN,
};

/* How Consul checks a service ([program:x] consul_check). */
enum registry_check {
	REGISTRY_CHECK_TTL,	/* supd passes and fails a TTL check */
	REGISTRY_CHECK_HTTP,	/* Consul polls check_target, a URL */
	REGISTRY_CHECK_TCP,	/* Consul connects to check_target, host:port */
	REGISTRY_CHECK_NONE,
};

/* The [consul] section; NULL strings take the defaults. */
struct registry_consul_config {
	const char	*address;	/* CONSUL_HTTP_ADDR or 127.0.0.1:8500 */
	const char	*scheme;	/* http or https; default: address's */
	const char	*token;		/* CONSUL_HTTP_TOKEN or none */
	const char	*ca_file;	/* NULL: the system's CAs */
	const char	*cert_file;	/* client certificate, with key_file */
	const char	*key_file;
};

/* The [etcd] section. */
struct registry_etcd_config {
	const char	*endpoints;	/* "http://h:p, ..."; 127.0.0.1:2379 */
};

struct registry_meta {
	const char	*key;
	const char	*value;
};

/*
 * One process as a registry sees it, filled from the program's options after
 * expansion. registry_add copies everything. Consul uses name to check_target,
 * etcd uses address to etcd_ttl (etcd_value is already expanded; see
 * registry_etcd_default_value).
 */
struct registry_service {
	const char		*name;		/* consul_service */
	const char		*id;		/* see registry_consul_id */
	const char		*address;	/* NULL: let the registry pick */
	int			 port;		/* 0: none */
	const char		**tags;		/* ntags strings */
	size_t			 ntags;
	const struct registry_meta *meta;	/* nmeta pairs */
	size_t			 nmeta;
	enum registry_check	 check;
	const char		*check_target;	/* URL or host:port */

	const char		*etcd_key;
	const char		*etcd_value;
	int			 etcd_ttl;	/* seconds; 0: 10 */
};

struct registry;
struct registry_reg;

/* Called when a registration's confirmed state changes or a request fails. */
typedef void (*registry_event_cb)(struct registry_reg *, enum registry_state,
    const char *error, void *arg);
/* Called once a deregistration is answered (0), failed or timed out (-1). */
typedef void (*registry_done_cb)(struct registry_reg *, int, void *arg);

/*
 * Create a client for Consul's agent or for etcd. Returns NULL and *cause
 * (caller frees) for a bad address, an unsupported scheme (etcd: only http)
 * or TLS files that cannot be loaded.
 */
struct registry	*registry_consul_create(struct event_base *,
		     const struct registry_consul_config *, char **cause);
struct registry	*registry_etcd_create(struct event_base *,
		     const struct registry_etcd_config *, char **cause);
/*
 * Free the client and its registrations at once, sending nothing more. One
 * more turn of the loop frees the connections of the last answers.
 */
void		 registry_free(struct registry *);
const char	*registry_name(struct registry *);	/* "consul", "etcd" */

/*
 * Tunables, for tests: the request timeout, the back-off range and how many
 * requests a client has open at once.
 */
void		 registry_set_timeout(struct registry *, int ms);
void		 registry_set_max_inflight(struct registry *, int);
void		 registry_set_backoff(struct registry *, int min_ms,
		     int max_ms);
void		 registry_set_event_cb(struct registry *, registry_event_cb,
		     void *arg);

/* Add a process; it starts ABSENT and sends nothing. */
struct registry_reg *registry_add(struct registry *,
		     const struct registry_service *);
/*
 * Want the process PASSING (ready and healthy) or FAILING (unhealthy or
 * exited unexpectedly); why is the check output Consul shows.
 */
void		 registry_set(struct registry_reg *, enum registry_state,
		     const char *why);
/*
 * Want the process ABSENT before it is sent its stopsignal: cb is called
 * once, when the registry answers (0), when a request fails or after the
 * request timeout at most (-1), and never from inside this call; a callback
 * still pending is called with -1 when another is set or the process is
 * wanted PASSING or FAILING again. Retries go on in the background after a
 * failure.
 */
void		 registry_deregister(struct registry_reg *, registry_done_cb,
		     void *arg);
/*
 * The process left the config: deregister it and free the registration
 * once the registry confirms (or when the client is freed).
 */
void		 registry_remove(struct registry_reg *);
/* Replace the etcd_value used by the next write. */
void		 registry_set_etcd_value(struct registry_reg *, const char *);
enum registry_state registry_desired(struct registry_reg *);
enum registry_state registry_confirmed(struct registry_reg *);
const char	*registry_reg_id(struct registry_reg *);
const char	*registry_state_name(enum registry_state);

/* The Consul service id of a process: NAME-HOST-PROCESSNAME. Caller frees. */
char		*registry_consul_id(const char *name, const char *host,
		     const char *process);
/*
 * The default etcd_value: {"address", "port" (null when 0), "pid", "group",
 * "name"}. Caller frees.
 */
char		*registry_etcd_default_value(const char *address, int port,
		     long pid, const char *group, const char *name);

#endif
