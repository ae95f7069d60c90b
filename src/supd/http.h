/*
 * The control sockets: evhttp servers on [unix_http_server] and
 * [inet_http_server], serving XML-RPC on /RPC2 and the log tails.
 */
#ifndef HTTP_H
#define HTTP_H

struct config;

/*
 * Bind and start every configured server on server_base. Called before
 * daemonizing so a socket in use is reported with exit status 2. Returns
 * -1 with *why (caller frees) naming the socket and the problem.
 */
int	http_open(const struct config *, char **why);
/* Stop serving and remove the unix socket files we created. */
void	http_close(void);

#endif
