/*
 * The control sockets: evhttp servers on [unix_http_server] and
 * [inet_http_server], serving the routes main registers (XML-RPC on
 * /RPC2, the log tails, the status page).
 */
#ifndef HTTP_H
#define HTTP_H

struct config;
struct evbuffer;
struct evhttp_request;

/*
 * A route: where requests whose raw URI starts with prefix (or, with no
 * prefix, that match accepts) go. Routes are tried in the order they were
 * added; a request no route takes is a 404. Auth is checked before
 * anything else unless the route says it needs none; a request that
 * matches no route needs it too. A method not in methods (a mask of
 * EVHTTP_REQ_*, 0 for any) is a 400, as medusa answers. With
 * HTTP_ROUTE_BODY, a request without Content-Length or chunked encoding
 * is a 411; the whole body is in the request's input buffer. close, if
 * not NULL, runs once at http_close() to end what the route still holds.
 */
typedef void	(*http_route_fn)(struct evhttp_request *, const char *path);
typedef int	(*http_match_fn)(struct evhttp_request *, const char *path);

#define HTTP_ROUTE_AUTH		0x1
#define HTTP_ROUTE_BODY		0x2
/* Refusals (401, 400) as {"error": {"code", "message"}}, for JSON APIs. */
#define HTTP_ROUTE_JSON		0x4

struct http_route {
	const char	*prefix;
	http_match_fn	 match;
	int		 methods;
	int		 flags;
	http_route_fn	 fn;
	void		 (*close)(void);
};

/* Add a route (kept by reference). At start, before http_open. */
void	http_add_route(const struct http_route *);

/*
 * Bind and start every configured server on server_base. Called before
 * daemonizing so a socket in use is reported with exit status 2. Returns
 * -1 with *cause (caller frees) naming the socket and the problem.
 */
int	http_open(const struct config *, char **cause);
/* Stop serving and remove the unix socket files we created. */
void	http_close(void);

/*
 * Requests answered later (a waiting XML-RPC call, a log tail). While
 * held, the client's leaving is noticed: gone runs once, the hold is
 * freed and the request must not be touched again. discard_input drops
 * whatever the client sends meanwhile (supervisorctl's tail sends an
 * extra line); otherwise input stops the watch, as it may be a
 * pipelined request.
 */
struct http_hold;
typedef void (*http_gone_fn)(void *);
struct http_hold *http_hold(struct evhttp_request *, http_gone_fn, void *,
	    int discard_input);
/* Stop watching; returns the request, still to be answered. */
struct evhttp_request *http_release(struct http_hold *);

/*
 * Answer 200 with body (emptied) as Content-Type type. after, if not
 * NULL, runs once the whole reply is written or the client is gone.
 */
void	http_send(struct evhttp_request *, struct evbuffer *body,
	    const char *type, void (*after)(void));
/* Answer with medusa's error page for code (400, 404, ...). */
void	http_error(struct evhttp_request *, int code);

#endif
