/*
 * The JSON API under /api/v1/: processes, their actions and logs, and
 * the event stream, on the same servers and auth as /RPC2.
 */
#ifndef API_H
#define API_H

struct evhttp_request;

/* Watch process states for the event stream. Once, at start. */
void	api_init(void);
/* Any request under /api/v1/. */
void	api_route(struct evhttp_request *, const char *path);
/* At http_close(): end the streams. */
void	api_close(void);

#endif
