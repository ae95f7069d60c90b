/*
 * The control sockets: evhttp servers on [unix_http_server] and
 * [inet_http_server], serving XML-RPC on /RPC2 and the log tails.
 */
#ifndef HTTP_H
#define HTTP_H

struct config;
struct evbuffer;
struct evhttp_request;

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
