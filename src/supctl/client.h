/*
 * supctl's side of the protocol: XML-RPC calls over HTTP to a unix socket
 * or TCP server (replies read with http_parser), and streaming GETs for
 * tail -f and fg.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stddef.h>

#include "supervisor.h"

struct xr_value;

/* Why a call failed below XML-RPC. */
enum client_error {
	CLIENT_ERR_NONE,
	CLIENT_ERR_NOENT,	/* the unix socket file does not exist */
	CLIENT_ERR_REFUSED,	/* nothing listens at the address */
	CLIENT_ERR_AUTH,	/* HTTP 401: credentials missing or wrong */
	CLIENT_ERR_HTTP,	/* another HTTP status than 200 */
	CLIENT_ERR_URL,		/* serverurl is neither unix:// nor http:// */
	CLIENT_ERR_BODY,	/* the reply is not XML-RPC */
	CLIENT_ERR_OTHER,	/* any other transport failure */
};

struct client;

struct client	*client_create(const char *serverurl, const char *username,
		     const char *password);
void		 client_free(struct client *);
/* Point the client at another server (supctl's "open"). */
void		 client_set_serverurl(struct client *, const char *);
const char	*client_serverurl(const struct client *);
void		 client_set_auth(struct client *, const char *username,
		     const char *password);
/*
 * Give up on a connect, a send or a wait for reply bytes after ms (0:
 * wait for ever); the call then fails with ETIMEDOUT.
 */
void		 client_set_timeout(struct client *, int ms);

/*
 * Call method with parameters described by fmt, one letter each:
 * s (const char *), i (int), b (int, as boolean), a (int n, char **:
 * an array of n strings). Returns 0 and sets
 * *result (caller frees; may be NULL to discard it), 1 for a fault (see
 * client_fault_code/string), -1 for a failure (see client_error).
 */
int		 client_call(struct client *, struct xr_value **result,
		     const char *method, const char *fmt, ...);

int		 client_fault_code(const struct client *);
const char	*client_fault_string(const struct client *);
enum client_error client_error(const struct client *);
/* The errno behind CLIENT_ERR_NOENT/REFUSED/OTHER, or 0. */
int		 client_errno(const struct client *);
int		 client_http_status(const struct client *);
const char	*client_http_reason(const struct client *);
/* One line saying what went wrong, for any error. */
const char	*client_message(const struct client *);

/*
 * Streaming GETs (/logtail/..., /mainlogtail) that run until the server
 * closes them, the caller stops, or an error. Data goes to the callback as
 * it arrives; it returns 0 to go on or -1 to stop the stream.
 */
typedef int	(*client_data_cb)(const char *, size_t, void *);
typedef void	(*client_done_cb)(int status, const char *error, void *);

struct client_watch;

struct client_watch *client_watch_create(struct client *);
void		 client_watch_free(struct client_watch *);
/*
 * Start a GET of path. done_cb is called once when it ends, with the HTTP
 * status (0 if there was none) and an error text or NULL.
 */
void		 client_watch_add(struct client_watch *, const char *path,
		     client_data_cb, client_done_cb, void *arg);
/*
 * Move the transfers on for up to timeout_ms, also waiting for extra_fd
 * (-1 for none) to become readable; *extra_ready says whether it did.
 * Returns the number of transfers still running.
 */
int		 client_watch_run(struct client_watch *, int extra_fd,
		     int timeout_ms, int *extra_ready);

#endif
