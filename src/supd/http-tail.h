/*
 * The streaming log tails supervisorctl's "tail -f" and "maintail -f"
 * read: GET /logtail/<namespec>[/stdout|/stderr] and GET /mainlogtail.
 */
#ifndef HTTP_TAIL_H
#define HTTP_TAIL_H

struct evhttp_request;

/* path is the decoded request path ("/logtail/g:p/stderr"). */
void	http_tail_process(struct evhttp_request *, const char *path);
void	http_tail_main(struct evhttp_request *);
/* Release what the tails share; each tail ends with its connection. */
void	http_tail_close_all(void);

#endif
