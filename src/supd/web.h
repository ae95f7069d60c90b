/* The dashboard at / of the HTTP servers, and its embedded files. */
#ifndef WEB_H
#define WEB_H

struct evhttp_request;

/* Whether path is the page (/, /index.html) or one of its files. */
int	web_match(struct evhttp_request *, const char *path);
void	web_page(struct evhttp_request *, const char *path);

#endif
