/*
 * http: probes: GET the URL with libevent's HTTP client; any 2xx or 3xx
 * status passes (redirects are not followed: a 3xx already shows the
 * server answers).
 */
#include <errno.h>
#include <string.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "check-probe.h"

#define CHECK_HTTP_MAX_BODY	(1024 * 1024)	/* bytes of a health page */

/* A connection must not be freed from inside its own callback. */
static void
check_http_free_cb(evutil_socket_t fd, short events, void *arg)
{
	evhttp_connection_free(arg);
}

static void
check_http_release(struct check_probe *cp)
{
	struct evhttp_connection	*conn = cp->conn;

	cp->conn = NULL;
	event_base_once(cp->base, -1, EV_TIMEOUT, check_http_free_cb, conn,
	    NULL);
}

static void
check_http_done_cb(struct evhttp_request *req, void *arg)
{
	struct check_probe	*cp = arg;
	int			 code, err = EVUTIL_SOCKET_ERROR();

	if (cp->conn == NULL)
		return;
	check_http_release(cp);
	code = req != NULL ? evhttp_request_get_response_code(req) : 0;
	if (code == 0) {
		check_probe_finish(cp, 0, "no HTTP answer: %s", err != 0 ?
		    evutil_socket_error_to_string(err) : "connection failed");
		return;
	}
	check_probe_finish(cp, code >= 200 && code < 400, "HTTP %d", code);
}

static void
check_http_error_cb(enum evhttp_request_error error, void *arg)
{
	struct check_probe	*cp = arg;
	const char		*what;

	if (cp->conn == NULL)
		return;
	switch (error) {
	case EVREQ_HTTP_TIMEOUT:
		what = "timed out";
		break;
	case EVREQ_HTTP_EOF:
		what = "connection closed or refused";
		break;
	case EVREQ_HTTP_INVALID_HEADER:
		what = "invalid HTTP answer";
		break;
	case EVREQ_HTTP_DATA_TOO_LONG:
		what = "answer too long";
		break;
	default:
		what = "request failed";
		break;
	}
	check_http_release(cp);
	check_probe_finish(cp, 0, "%s", what);
}

void
check_http_start(struct check_probe *cp)
{
	const struct check_spec	*spec = cp->spec;
	struct evhttp_request	*req;
	struct evkeyvalq	*headers;
	struct timeval		 tv;

	cp->conn = evhttp_connection_base_new(cp->base,
	    check_dns_base(cp->base), spec->host, (unsigned short)spec->port);
	if (cp->conn == NULL) {
		check_probe_finish(cp, 0, "cannot connect to %s:%d",
		    spec->host, spec->port);
		return;
	}
	/* Our own timer cuts the probe; evhttp's must not come first. */
	tv.tv_sec = (time_t)cp->timeout + 1;
	tv.tv_usec = 0;
	evhttp_connection_set_timeout_tv(cp->conn, &tv);
	evhttp_connection_set_retries(cp->conn, 0);
	evhttp_connection_set_max_body_size(cp->conn, CHECK_HTTP_MAX_BODY);

	req = evhttp_request_new(check_http_done_cb, cp);
	evhttp_request_set_error_cb(req, check_http_error_cb);
	headers = evhttp_request_get_output_headers(req);
	evhttp_add_header(headers, "Host", spec->host);
	evhttp_add_header(headers, "User-Agent", "supd-check");
	evhttp_add_header(headers, "Connection", "close");
	if (evhttp_make_request(cp->conn, req, EVHTTP_REQ_GET,
	    spec->path) != 0)
		check_probe_finish(cp, 0, "cannot send the request");
}

void
check_http_stop(struct check_probe *cp)
{
	if (cp->conn != NULL) {
		evhttp_connection_free(cp->conn);
		cp->conn = NULL;
	}
}
