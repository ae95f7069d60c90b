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
/*
 * A tail in another framing (the JSON API's Server-Sent Events): the
 * data of each chunk goes through frame, with the file offset after it;
 * reset frames a file truncated or replaced (followed from its start
 * again); heartbeat is sent every heartbeat_secs while nothing else is
 * in flight. Chunks never end inside a UTF-8 sequence still being
 * written.
 */
struct evbuffer;
struct http_tail_format {
	const char	*content_type;
	void		(*frame)(struct evbuffer *, const char *, size_t,
			    long long end);
	void		(*reset)(struct evbuffer *);
	const char	*heartbeat;
	int		 heartbeat_secs;
};
/*
 * Follow path from offset (clamped to the file; negative counts from
 * its end) in the format (borrowed, kept). -1 if the file cannot be
 * opened; the request is then not answered.
 */
int	http_tail_stream(struct evhttp_request *, const char *path,
	    long long offset, const struct http_tail_format *);
/* Release what the tails share; each tail ends with its connection. */
void	http_tail_close_all(void);

#endif
