/*
 * The protocol side of supctl: XML-RPC over HTTP POST /RPC2 and streaming
 * GETs, to a unix socket or a TCP address, with HTTP basic auth.
 *
 * libcurl does the HTTP because libevent 2.1's evhttp client cannot
 * connect to a unix socket (evhttp_connection_connect_ always resolves a
 * host name; the unix variant arrived in 2.2), and a blocking command line
 * tool wants a blocking client anyway. One easy handle serves every call
 * so the connection is kept alive between them; a multi handle runs the
 * streams of tail -f and fg next to stdin.
 */
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/buffer.h>

#include "client.h"
#include "version.h"
#include "xmalloc.h"
#include "xmlrpc.h"

#define CLIENT_USER_AGENT	"supctl/" SUPD_VERSION

struct client {
	char		*serverurl;
	char		*username;
	char		*password;

	/* From serverurl: "http://host:port" and, for unix://, the path. */
	char		*base;
	char		*socket_path;
	int		 bad_url;

	CURL		*curl;
	struct curl_slist *headers;
	struct evbuffer	*reply;
	char		 errbuf[CURL_ERROR_SIZE];

	enum client_error error;
	int		 error_errno;
	int		 http_status;
	char		*http_reason;
	int		 fault_code;
	char		*fault_string;
	char		*message;
};

struct client_xfer {
	struct client_watch	*watch;
	CURL			*easy;
	char			*url;
	client_data_cb		 data_cb;
	client_done_cb		 done_cb;
	void			*arg;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct client_watch {
	struct client		 *client;
	CURLM			 *multi;
	struct client_xfer	**xfers;
	size_t			  nxfers;
};

static int	client_curl_ready;

/* Split serverurl into what curl needs; Python's transport does the same. */
static void
client_parse_url(struct client *c)
{
	const char	*netloc;
	size_t		 n;

	free(c->base);
	free(c->socket_path);
	c->base = c->socket_path = NULL;
	c->bad_url = 0;
	if (strncmp(c->serverurl, "unix://", 7) == 0) {
		/* The Host header says "localhost", as supervisorctl's. */
		c->base = xstrdup("http://localhost");
		c->socket_path = xstrdup(c->serverurl + 7);
	} else if (strncmp(c->serverurl, "http://", 7) == 0) {
		netloc = c->serverurl + 7;
		n = strcspn(netloc, "/?#");
		xasprintf(&c->base, "http://%.*s", (int)n, netloc);
	} else
		c->bad_url = 1;
}

/* Create a client for serverurl; nothing connects until the first call. */
struct client *
client_create(const char *serverurl, const char *username,
    const char *password)
{
	struct client	*c;

	if (!client_curl_ready) {
		/* Plain HTTP only: skip the TLS set-up a default init does. */
		curl_global_init(CURL_GLOBAL_NOTHING);
		client_curl_ready = 1;
	}
	c = xcalloc(1, sizeof *c);
	c->serverurl = xstrdup(serverurl);
	client_parse_url(c);
	client_set_auth(c, username, password);
	c->reply = evbuffer_new();
	return (c);
}

static void
client_clear_error(struct client *c)
{
	c->error = CLIENT_ERR_NONE;
	c->error_errno = 0;
	c->http_status = 0;
	free(c->http_reason);
	c->http_reason = NULL;
	c->fault_code = 0;
	free(c->fault_string);
	c->fault_string = NULL;
	free(c->message);
	c->message = NULL;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	client_clear_error(c);
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	evbuffer_free(c->reply);
	free(c->serverurl);
	free(c->username);
	free(c->password);
	free(c->base);
	free(c->socket_path);
	free(c);
}

/* Point at another server; the next call opens a new connection. */
void
client_set_serverurl(struct client *c, const char *serverurl)
{
	free(c->serverurl);
	c->serverurl = xstrdup(serverurl);
	client_parse_url(c);
	if (c->curl != NULL) {
		curl_easy_cleanup(c->curl);
		c->curl = NULL;
	}
}

const char *
client_serverurl(const struct client *c)
{
	return (c->serverurl);
}

/* Credentials; NULL for none. Both are needed for basic auth. */
void
client_set_auth(struct client *c, const char *username, const char *password)
{
	free(c->username);
	free(c->password);
	c->username = username != NULL ? xstrdup(username) : NULL;
	c->password = password != NULL ? xstrdup(password) : NULL;
}

static void
client_fail(struct client *c, enum client_error error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
client_fail(struct client *c, enum client_error error, const char *fmt, ...)
{
	va_list	ap;

	c->error = error;
	free(c->message);
	va_start(ap, fmt);
	xvasprintf(&c->message, fmt, ap);
	va_end(ap);
}

static size_t
client_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct client	*c = arg;

	evbuffer_add(c->reply, p, size * n);
	return (size * n);
}

/* Keep the reason phrase of the status line for error messages. */
static size_t
client_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct client	*c = arg;
	size_t		 len = size * n, i;
	const char	*reason;

	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* "HTTP/1.1 401 Unauthorized\r\n": skip two words. */
		for (i = 0; i < len && p[i] != ' '; i++)
			;
		for (i++; i < len && p[i] != ' '; i++)
			;
		reason = p + (i < len ? i + 1 : len);
		len -= reason - p;
		while (len > 0 && (reason[len - 1] == '\r' ||
		    reason[len - 1] == '\n'))
			len--;
		free(c->http_reason);
		c->http_reason = xstrndup(reason, len);
	}
	return (size * n);
}

/* Options every request of the easy handle shares. */
static void
client_setup_easy(struct client *c, CURL *easy, char *errbuf)
{
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, CLIENT_USER_AGENT);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
	if (c->socket_path != NULL)
		curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH,
		    c->socket_path);
	curl_easy_setopt(easy, CURLOPT_PROXY, "");
}

static CURL *
client_easy(struct client *c)
{
	char	*url;

	if (c->curl != NULL)
		return (c->curl);
	if ((c->curl = curl_easy_init()) == NULL)
		return (NULL);
	if (c->headers == NULL) {
		c->headers = curl_slist_append(c->headers,
		    "Content-Type: text/xml");
		c->headers = curl_slist_append(c->headers, "Accept: text/xml");
		c->headers = curl_slist_append(c->headers, "Expect:");
	}
	client_setup_easy(c, c->curl, c->errbuf);
	xasprintf(&url, "%s/RPC2", c->base);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, client_write_cb);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, client_header_cb);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
	return (c->curl);
}

/* Put the credentials on a handle; supervisorctl sends them unasked. */
static void
client_setup_auth(struct client *c, CURL *easy, int need_password)
{
	if (c->password == NULL || (need_password && *c->password == '\0') ||
	    (!need_password && c->username == NULL)) {
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_NONE);
		return;
	}
	curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(easy, CURLOPT_USERNAME,
	    c->username != NULL ? c->username : "");
	curl_easy_setopt(easy, CURLOPT_PASSWORD, c->password);
}

/* Turn a failed curl_easy_perform into one of our errors. */
static void
client_transport_error(struct client *c, CURL *easy, CURLcode rc,
    const char *errbuf)
{
	long	 oserr = 0;

	curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &oserr);
	c->error_errno = (int)oserr;
	if (rc == CURLE_COULDNT_CONNECT && oserr == ENOENT)
		client_fail(c, CLIENT_ERR_NOENT, "%s: %s", c->serverurl,
		    strerror(ENOENT));
	else if (rc == CURLE_COULDNT_CONNECT && oserr == ECONNREFUSED)
		client_fail(c, CLIENT_ERR_REFUSED, "%s: %s", c->serverurl,
		    strerror(ECONNREFUSED));
	else if (oserr != 0 && rc == CURLE_COULDNT_CONNECT)
		client_fail(c, CLIENT_ERR_OTHER, "%s: %s", c->serverurl,
		    strerror((int)oserr));
	else
		client_fail(c, CLIENT_ERR_OTHER, "%s: %s", c->serverurl,
		    *errbuf != '\0' ? errbuf : curl_easy_strerror(rc));
}

/* Build the parameter array from client_call's format. */
static struct xr_value *
client_params(const char *fmt, va_list ap)
{
	struct xr_value	*params = xr_array();

	for (; *fmt != '\0'; fmt++) {
		switch (*fmt) {
		case 's':
			xr_array_append(params, xr_string(va_arg(ap,
			    const char *)));
			break;
		case 'i':
			xr_array_append(params, xr_int(va_arg(ap, int)));
			break;
		case 'b':
			xr_array_append(params, xr_bool(va_arg(ap, int)));
			break;
		}
	}
	return (params);
}

/* POST body to /RPC2 and leave the reply in c->reply. 0 or -1. */
static int
client_post(struct client *c, struct evbuffer *body)
{
	CURL		*easy;
	CURLcode	 rc;
	long		 status = 0;

	if (c->bad_url) {
		client_fail(c, CLIENT_ERR_URL, "Unknown protocol for serverurl "
		    "%s", c->serverurl);
		return (-1);
	}
	if ((easy = client_easy(c)) == NULL) {
		client_fail(c, CLIENT_ERR_OTHER, "cannot set up libcurl");
		return (-1);
	}
	client_setup_auth(c, easy, 0);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE,
	    (long)evbuffer_get_length(body));
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, evbuffer_pullup(body, -1));
	evbuffer_drain(c->reply, evbuffer_get_length(c->reply));
	c->errbuf[0] = '\0';
	if ((rc = curl_easy_perform(easy)) != CURLE_OK) {
		client_transport_error(c, easy, rc, c->errbuf);
		return (-1);
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	c->http_status = (int)status;
	if (status != 200) {
		client_fail(c, status == 401 ? CLIENT_ERR_AUTH : CLIENT_ERR_HTTP,
		    "%s: %ld %s", c->serverurl, status,
		    c->http_reason != NULL ? c->http_reason : "");
		return (-1);
	}
	return (0);
}

/* Call a method; see client.h for fmt and the return values. */
int
client_call(struct client *c, struct xr_value **result, const char *method,
    const char *fmt, ...)
{
	struct evbuffer	*body;
	struct xr_value	*params, *value = NULL;
	va_list		 ap;
	char		*cause = NULL;
	int		 rc;

	client_clear_error(c);
	if (result != NULL)
		*result = NULL;
	va_start(ap, fmt);
	params = client_params(fmt, ap);
	va_end(ap);
	body = evbuffer_new();
	xr_encode_call(body, method, params);
	xr_free(params);
	rc = client_post(c, body);
	evbuffer_free(body);
	if (rc != 0)
		return (-1);

	rc = xr_parse_response((char *)evbuffer_pullup(c->reply, -1),
	    evbuffer_get_length(c->reply), &value, &c->fault_code,
	    &c->fault_string, &cause);
	if (rc == -1) {
		client_fail(c, CLIENT_ERR_BODY, "bad reply from %s: %s",
		    c->serverurl, cause);
		free(cause);
		return (-1);
	}
	if (rc == 1)
		return (1);
	if (result != NULL)
		*result = value;
	else
		xr_free(value);
	return (0);
}

int
client_fault_code(const struct client *c)
{
	return (c->fault_code);
}

const char *
client_fault_string(const struct client *c)
{
	return (c->fault_string != NULL ? c->fault_string : "");
}

enum client_error
client_error(const struct client *c)
{
	return (c->error);
}

int
client_errno(const struct client *c)
{
	return (c->error_errno);
}

int
client_http_status(const struct client *c)
{
	return (c->http_status);
}

const char *
client_http_reason(const struct client *c)
{
	return (c->http_reason != NULL ? c->http_reason : "");
}

const char *
client_message(const struct client *c)
{
	return (c->message != NULL ? c->message : "");
}

/* ------------------------------------------------------------------ */
/* Streams.                                                            */

struct client_watch *
client_watch_create(struct client *c)
{
	struct client_watch	*w;

	w = xcalloc(1, sizeof *w);
	w->client = c;
	w->multi = curl_multi_init();
	return (w);
}

static void
client_xfer_free(struct client_watch *w, struct client_xfer *x)
{
	curl_multi_remove_handle(w->multi, x->easy);
	curl_easy_cleanup(x->easy);
	free(x->url);
	free(x);
}

void
client_watch_free(struct client_watch *w)
{
	size_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nxfers; i++)
		client_xfer_free(w, w->xfers[i]);
	free(w->xfers);
	curl_multi_cleanup(w->multi);
	free(w);
}

/*
 * Body data of a stream: only a 200 reply's body is the log; any other
 * status ends the transfer, and done_cb reports it.
 */
static size_t
client_xfer_data_cb(char *p, size_t size, size_t n, void *arg)
{
	struct client_xfer	*x = arg;
	long			 status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return (0);
	if (x->data_cb(p, size * n, x->arg) != 0)
		return (0);
	return (size * n);
}

/* Start a streaming GET of path. */
void
client_watch_add(struct client_watch *w, const char *path,
    client_data_cb data_cb, client_done_cb done_cb, void *arg)
{
	struct client		*c = w->client;
	struct client_xfer	*x;

	x = xcalloc(1, sizeof *x);
	x->watch = w;
	x->data_cb = data_cb;
	x->done_cb = done_cb;
	x->arg = arg;
	if (c->bad_url) {
		done_cb(0, "Unknown protocol", arg);
		free(x);
		return;
	}
	x->easy = curl_easy_init();
	client_setup_easy(c, x->easy, x->errbuf);
	/* The tail client of supervisorctl sends credentials with a password. */
	client_setup_auth(c, x->easy, 1);
	xasprintf(&x->url, "%s%s", c->base, path);
	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, client_xfer_data_cb);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_multi_add_handle(w->multi, x->easy);
	w->xfers = xreallocarray(w->xfers, w->nxfers + 1, sizeof *w->xfers);
	w->xfers[w->nxfers++] = x;
}

/* Report and drop transfers that have ended. */
static void
client_watch_reap(struct client_watch *w)
{
	struct client_xfer	*x;
	CURLMsg			*msg;
	int			 left, status;
	long			 code = 0;
	size_t			 i;
	const char		*error;

	while ((msg = curl_multi_info_read(w->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
		status = (int)code;
		error = NULL;
		if (msg->data.result != CURLE_OK && status == 0)
			error = x->errbuf[0] != '\0' ? x->errbuf :
			    curl_easy_strerror(msg->data.result);
		x->done_cb(status, error, x->arg);
		for (i = 0; i < w->nxfers; i++) {
			if (w->xfers[i] == x)
				break;
		}
		w->xfers[i] = w->xfers[--w->nxfers];
		client_xfer_free(w, x);
	}
}

static int
client_readable(int fd, int timeout_ms)
{
	struct pollfd	pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return (poll(&pfd, 1, timeout_ms) > 0);
}

/* Run the streams for a while; see client.h. */
int
client_watch_run(struct client_watch *w, int extra_fd, int timeout_ms,
    int *extra_ready)
{
	struct curl_waitfd	 wfd;
	int			 running = 0, nfds = 0;

	if (extra_ready != NULL)
		*extra_ready = 0;
	curl_multi_perform(w->multi, &running);
	client_watch_reap(w);
	if (w->nxfers == 0 && extra_fd == -1)
		return (0);
	memset(&wfd, 0, sizeof wfd);
	wfd.fd = extra_fd;
	wfd.events = CURL_WAIT_POLLIN;
	/*
	 * A signal ends the wait early, so Ctrl-C is seen at once. curl
	 * reports only POLLIN for extra descriptors, and a pipe at its end
	 * shows POLLHUP alone, so the caller's descriptor is checked here.
	 */
	if (extra_fd != -1 && client_readable(extra_fd, 0))
		timeout_ms = 0;
	curl_multi_poll(w->multi, extra_fd != -1 ? &wfd : NULL,
	    extra_fd != -1 ? 1 : 0, timeout_ms, &nfds);
	if (extra_fd != -1 && extra_ready != NULL)
		*extra_ready = client_readable(extra_fd, 0);
	curl_multi_perform(w->multi, &running);
	client_watch_reap(w);
	return ((int)w->nxfers);
}
