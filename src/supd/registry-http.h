/* One HTTP request to a registry, cut after a timeout, never blocking. */
#ifndef REGISTRY_HTTP_H
#define REGISTRY_HTTP_H

#include <stddef.h>

#include <event2/http.h>

struct event_base;
struct evdns_base;
struct registry_http;
struct ssl_ctx_st;

/*
 * Called once with the status and body, or with code 0 and error set when
 * the connection failed or the timeout passed.
 */
typedef void (*registry_http_cb)(int code, const char *body, size_t len,
    const char *error, void *arg);

/*
 * Send a request with a JSON body (or none) and the extra headers, over TLS
 * when tls is not NULL (the certificate must match host). dns may be NULL
 * when host is numeric.
 */
struct registry_http *registry_http_send(struct event_base *,
		     struct evdns_base *, struct ssl_ctx_st *tls,
		     const char *host, int port,
		     enum evhttp_cmd_type, const char *path,
		     const struct evkeyvalq *headers, const char *body,
		     int timeout_ms, registry_http_cb, void *arg);
/* Drop a request; its callback is not called. */
void		 registry_http_cancel(struct registry_http *);

#endif
