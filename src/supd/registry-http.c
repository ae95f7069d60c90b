/*
 * The registries' HTTP client: one connection per request, freed on the loop
 * turn after it completes (libevent may still touch it after calling us, and
 * its free-on-completion misses failed connects), and an own timer that cuts the whole exchange
 * (connect, send, answer) after the timeout, since evhttp's timeouts only
 * bound each read or write and a registry dribbling bytes would dodge them.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>


#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "registry-http.h"
#include "tls-lib.h"
#include "xmalloc.h"

struct registry_http {
	struct evhttp_connection *evcon;
	struct evhttp_request	*req;
	struct bufferevent	*bev;		/* TLS only */
	struct event		*timer;
	registry_http_cb	 cb;
	void			*arg;
	int			 timeout_ms;
	const char		*error;		/* static text */
};

static const char *
registry_http_error_text(enum evhttp_request_error e)
{
	switch (e) {
	case EVREQ_HTTP_TIMEOUT:
		return ("timed out");
	case EVREQ_HTTP_EOF:
		return ("connection closed");
	case EVREQ_HTTP_INVALID_HEADER:
		return ("invalid answer");
	case EVREQ_HTTP_BUFFER_ERROR:
		return ("connection failed");
	case EVREQ_HTTP_REQUEST_CANCEL:
		return ("cancelled");
	case EVREQ_HTTP_DATA_TOO_LONG:
		return ("answer too long");
	}
	return ("request failed");
}

static void
registry_http_error_cb(enum evhttp_request_error e, void *arg)
{
	struct registry_http	*h = arg;

	h->error = registry_http_error_text(e);
}

static void
registry_http_free_cb(evutil_socket_t fd, short events, void *arg)
{
	evhttp_connection_free(arg);
}

/* Free h and report; the connection goes on the next loop turn. */
static void
registry_http_finish(struct registry_http *h, int code, const char *body,
    size_t len, const char *error)
{
	registry_http_cb	 cb = h->cb;
	void			*arg = h->arg;
	struct timeval		 tv = { 0, 0 };

	if (h->evcon != NULL) {
		event_base_once(evhttp_connection_get_base(h->evcon), -1,
		    EV_TIMEOUT, registry_http_free_cb, h->evcon, &tv);
	}
	event_free(h->timer);
	free(h);
	cb(code, body, len, error, arg);
}

/* Report a failed exchange, with OpenSSL's reason if TLS failed. */
static void
registry_http_fail(struct registry_http *h)
{
	const struct tls_lib	*t = tls_lib_loaded();
	unsigned long		 e = 0, next;
	char			 buf[256], *msg;

	/*
	 * libevent queues OpenSSL's error codes and also, for a failed
	 * handshake, SSL_get_error's value (no library); keep the first code
	 * that names a library.
	 */
	if (h->bev != NULL && t != NULL) {
		while ((next = t->bufferevent_get_openssl_error(h->bev)) != 0) {
			if (e == 0 && ERR_GET_LIB(next) != 0)
				e = next;
		}
	}
	if (e == 0) {
		registry_http_finish(h, 0, NULL, 0,
		    h->error != NULL ? h->error : "connection failed");
		return;
	}
	t->ERR_error_string_n(e, buf, sizeof buf);
	msg = xprintf("TLS: %s", buf);
	registry_http_finish(h, 0, NULL, 0, msg);
	free(msg);
}

static void
registry_http_done_cb(struct evhttp_request *req, void *arg)
{
	struct registry_http	*h = arg;
	struct evbuffer		*in;
	char			*body;
	size_t			 len;
	int			 code;

	code = req == NULL ? 0 : evhttp_request_get_response_code(req);
	if (code == 0) {
		registry_http_fail(h);
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	body = xmalloc(len + 1);
	evbuffer_remove(in, body, len);
	body[len] = '\0';
	registry_http_finish(h, code, body, len, NULL);
	free(body);
}

/*
 * The whole exchange took too long, or sending failed at once. Freeing the
 * connection drops its request without calling registry_http_done_cb.
 */
static void
registry_http_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct registry_http	*h = arg;
	char			 error[64];

	if (h->evcon == NULL) {
		registry_http_finish(h, 0, NULL, 0, "cannot send request");
		return;
	}
	evhttp_connection_free(h->evcon);
	h->evcon = NULL;
	snprintf(error, sizeof error, "no answer after %d ms", h->timeout_ms);
	registry_http_finish(h, 0, NULL, 0, error);
}

/*
 * A TLS connection whose server certificate must name host (a DNS name or
 * an IP address); the SSL is freed with the bufferevent.
 */
static struct evhttp_connection *
registry_http_tls(struct registry_http *h, struct event_base *base,
    struct evdns_base *dns, SSL_CTX *tls, const char *host, int port)
{
	const struct tls_lib	*t = tls_lib_loaded();
	X509_VERIFY_PARAM	*param;
	struct in6_addr		 a;
	SSL			*ssl;
	int			 ip;

	/* A context exists, so the library is loaded. */
	if (t == NULL || (ssl = t->SSL_new(tls)) == NULL)
		return (NULL);
	param = t->SSL_get0_param(ssl);
	ip = inet_pton(AF_INET, host, &a) == 1 ||
	    inet_pton(AF_INET6, host, &a) == 1;
	if (ip)
		t->X509_VERIFY_PARAM_set1_ip_asc(param, host);
	else {
		t->X509_VERIFY_PARAM_set1_host(param, host, 0);
		t->SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
		    TLSEXT_NAMETYPE_host_name, (void *)host);
	}
	h->bev = t->bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (h->bev == NULL) {
		t->SSL_free(ssl);
		return (NULL);
	}
	/* Connection: close answers may end without close_notify. */
	t->bufferevent_openssl_set_allow_dirty_shutdown(h->bev, 1);
	return (evhttp_connection_base_bufferevent_new(base, dns, h->bev,
	    host, port));
}

/* Send a request; see registry-http.h. */
struct registry_http *
registry_http_send(struct event_base *base, struct evdns_base *dns,
    SSL_CTX *tls, const char *host, int port, enum evhttp_cmd_type method,
    const char *path,
    const struct evkeyvalq *headers, const char *body, int timeout_ms,
    registry_http_cb cb, void *arg)
{
	struct registry_http	*h;
	struct evkeyvalq	*out;
	struct evkeyval		*kv;
	struct timeval		 tv;
	char			*hosthdr;

	h = xcalloc(1, sizeof *h);
	h->cb = cb;
	h->arg = arg;
	h->timeout_ms = timeout_ms;
	h->timer = evtimer_new(base, registry_http_timer_cb, h);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;

	if (tls != NULL)
		h->evcon = registry_http_tls(h, base, dns, tls, host, port);
	else
		h->evcon = evhttp_connection_base_new(base, dns, host, port);
	if (h->evcon == NULL) {
		if (h->bev != NULL)
			bufferevent_free(h->bev);
		goto fail;
	}
	evhttp_connection_set_retries(h->evcon, 0);
	/* Only a backstop: the timer above fires first. */
	tv.tv_sec++;
	evhttp_connection_set_timeout_tv(h->evcon, &tv);
	tv.tv_sec--;

	h->req = evhttp_request_new(registry_http_done_cb, h);
	evhttp_request_set_error_cb(h->req, registry_http_error_cb);
	out = evhttp_request_get_output_headers(h->req);
	if (strchr(host, ':') != NULL)
		hosthdr = xprintf("[%s]:%d", host, port);
	else
		hosthdr = xprintf("%s:%d", host, port);
	evhttp_add_header(out, "Host", hosthdr);
	free(hosthdr);
	evhttp_add_header(out, "Accept", "application/json");
	/* Each request has its own connection. */
	evhttp_add_header(out, "Connection", "close");
	if (body != NULL) {
		evhttp_add_header(out, "Content-Type", "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(h->req), body,
		    strlen(body));
	}
	if (headers != NULL) {
		TAILQ_FOREACH(kv, headers, next)
			evhttp_add_header(out, kv->key, kv->value);
	}
	if (evhttp_make_request(h->evcon, h->req, method, path) != 0) {
		/* The request is freed; the connection is still ours. */
		evhttp_connection_free(h->evcon);
		goto fail;
	}
	evtimer_add(h->timer, &tv);
	return (h);

fail:
	/* Report from the loop, never from inside this call. */
	h->evcon = NULL;
	tv.tv_sec = tv.tv_usec = 0;
	evtimer_add(h->timer, &tv);
	return (h);
}

/* Drop a request without calling its callback. */
void
registry_http_cancel(struct registry_http *h)
{
	if (h == NULL)
		return;
	if (h->evcon != NULL)
		evhttp_connection_free(h->evcon);
	event_free(h->timer);
	free(h);
}
