/* The page at / of the HTTP servers: a read-only process list. */
#ifndef WEB_H
#define WEB_H

struct evhttp_request;

/* Whether path is one of the pages (/, /index.html). */
int	web_match(struct evhttp_request *, const char *path);
void	web_page(struct evhttp_request *, const char *path);

#endif
