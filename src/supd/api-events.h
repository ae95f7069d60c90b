/*
 * GET /api/v1/events: process state changes as Server-Sent Events.
 */
#ifndef API_EVENTS_H
#define API_EVENTS_H

struct evhttp_request;

/* Watch process states. Once, at start. */
void	api_events_init(void);
/* Start a stream on req. */
void	api_events_open(struct evhttp_request *);
/* End every stream (their connections are gone). */
void	api_events_close_all(void);

#endif
