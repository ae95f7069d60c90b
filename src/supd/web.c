/*
 * The status page at / (and /index.html): Supervisor serves its web UI
 * there. supd serves a plain, read-only table of the processes, the same
 * facts as "supervisorctl status", so a browser pointed at the socket
 * sees something useful. Actions are left to the XML-RPC API.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "group.h"
#include "http.h"
#include "process.h"
#include "server.h"
#include "web.h"

/* GET or POST of /, or /index.html, as Supervisor's UI handler. */
int
web_match(struct evhttp_request *req, const char *path)
{
	enum evhttp_cmd_type	cmd = evhttp_request_get_command(req);

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST)
		return (0);
	while (*path == '/')
		path++;
	return (*path == '\0' || strcmp(path, "index.html") == 0);
}

/* Text escaped for HTML. */
static void
web_text(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '<')
			evbuffer_add(b, "&lt;", 4);
		else if (*s == '>')
			evbuffer_add(b, "&gt;", 4);
		else if (*s == '&')
			evbuffer_add(b, "&amp;", 5);
		else if (*s == '"')
			evbuffer_add(b, "&quot;", 6);
		else
			evbuffer_add(b, s, 1);
	}
}

static void
web_row(struct evbuffer *b, const struct process *p, double now)
{
	char	*desc;

	desc = process_description(p, now);
	evbuffer_add_printf(b, "<tr class=\"%s\"><td>",
	    process_state_name(p->state));
	web_text(b, process_state_name(p->state));
	evbuffer_add_printf(b, "</td><td>");
	web_text(b, desc);
	evbuffer_add_printf(b, "</td><td>");
	web_text(b, p->namespec);
	evbuffer_add_printf(b, "</td></tr>\n");
	free(desc);
}

/* The status page: every process, in priority order. */
void
web_page(struct evhttp_request *req, const char *path)
{
	struct evbuffer	 *b;
	struct group	**groups;
	double		  now = process_now();
	int		  n, i, j;

	b = evbuffer_new();
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html><head><meta "
	    "charset=\"utf-8\"><title>");
	web_text(b, server_config->identifier);
	evbuffer_add_printf(b, " status</title></head>\n<body>\n<h1>");
	web_text(b, server_config->identifier);
	evbuffer_add_printf(b, "</h1>\n<table>\n<tr><th>State</th>"
	    "<th>Description</th><th>Name</th></tr>\n");
	groups = group_all(&n);
	for (i = 0; i < n; i++) {
		for (j = 0; j < groups[i]->nprocs; j++)
			web_row(b, groups[i]->procs[j], now);
	}
	evbuffer_add_printf(b, "</table>\n</body></html>\n");
	http_send(req, b, "text/html;charset=utf-8", NULL);
	evbuffer_free(b);
}
