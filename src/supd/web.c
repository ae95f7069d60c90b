/*
 * The dashboard at / (and /index.html), where Supervisor serves its web
 * UI. The first response already lists every process, rendered here, so
 * curl and a browser without JavaScript see the whole table; the script
 * (web/app.js, served from /assets/ with web/style.css, both compiled
 * in) then keeps it live from the JSON API and adds the actions.
 *
 * A GET never changes anything. Supervisor's "?action=stop" links are
 * not kept: any page an operator visits could stop processes with an
 * <img> pointing at them. Actions are POSTs to /api/v1/ that a form on
 * another site cannot make (api.c).
 *
 * The table shows what GET /api/v1/processes shows, from the same
 * builder (api-info.c), and nothing else of the daemon.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-info.h"
#include "config.h"
#include "http.h"
#include "server.h"
#include "web.h"
#include "web-assets.h"
#include "xmalloc.h"

#define WEB_ASSETS	"/assets/"

/* The columns: heading and the class of its cells. */
static const struct {
	const char	*heading;
	const char	*class;
} web_columns[] = {
	{ "State", "state" },
	{ "Name", "name" },
	{ "Description", "desc" },
	{ "Uptime", "uptime" },
	{ "Restarts", "restarts" },
	{ "Ready", "ready" },
	{ "Health", "health" },
	{ "RSS", "rss" },
	{ "Actions", "actions" },
};

static const struct web_asset *
web_asset(const char *path)
{
	const struct web_asset	*a;

	if (strncmp(path, WEB_ASSETS, strlen(WEB_ASSETS)) != 0)
		return (NULL);
	path += strlen(WEB_ASSETS);
	for (a = web_assets; a->name != NULL; a++) {
		if (strcmp(a->name, path) == 0)
			return (a);
	}
	return (NULL);
}

/* GET (or POST, as Supervisor's UI) of the page; GET of a file. */
int
web_match(struct evhttp_request *req, const char *path)
{
	enum evhttp_cmd_type	cmd = evhttp_request_get_command(req);

	if (cmd == EVHTTP_REQ_GET && web_asset(path) != NULL)
		return (1);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST)
		return (0);
	while (*path == '/')
		path++;
	return (*path == '\0' || strcmp(path, "index.html") == 0);
}

/* Text escaped for HTML, in element content and quoted attributes. */
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
		else if (*s == '\'')
			evbuffer_add(b, "&#39;", 5);
		else
			evbuffer_add(b, s, 1);
	}
}

static const char *
web_str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s != NULL ? s : "");
}

static json_int_t
web_int(json_t *o, const char *key)
{
	return (json_integer_value(json_object_get(o, key)));
}

/* "3:04:05" or "2 days, 3:04:05", as the description writes it. */
static void
web_uptime(struct evbuffer *b, json_t *p)
{
	long long	up = 0, days;

	if (strcmp(web_str(p, "statename"), "RUNNING") == 0)
		up = web_int(p, "now") - web_int(p, "start");
	if (up <= 0) {
		evbuffer_add_printf(b, "-");
		return;
	}
	days = up / 86400;
	up %= 86400;
	if (days > 0)
		evbuffer_add_printf(b, "%lld day%s, ", days, days == 1 ? "" :
		    "s");
	evbuffer_add_printf(b, "%lld:%02lld:%02lld", up / 3600,
	    (up % 3600) / 60, up % 60);
}

/* Bytes as the script writes them: "812 KiB", "1.5 MiB". */
static void
web_bytes(struct evbuffer *b, long long n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double	v = n;
	int	i = -1;

	if (n <= 0) {
		evbuffer_add_printf(b, "-");
		return;
	}
	if (n < 1024) {
		evbuffer_add_printf(b, "%lld B", n);
		return;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	evbuffer_add_printf(b, v < 10 ? "%.1f %s" : "%.0f %s", v, units[i]);
}

/* The namespec a row is for: "name", or "group:name". */
static char *
web_namespec(json_t *p)
{
	const char	*g = web_str(p, "group"), *n = web_str(p, "name");
	char		*s;

	if (strcmp(g, n) == 0)
		return (xstrdup(n));
	xasprintf(&s, "%s:%s", g, n);
	return (s);
}

static void
web_cell(struct evbuffer *b, int col, const char *text)
{
	evbuffer_add_printf(b, "<td class=\"%s\" data-label=\"%s\">",
	    web_columns[col].class, web_columns[col].heading);
	if (text != NULL) {
		web_text(b, text);
		evbuffer_add_printf(b, "</td>");
	}
}

static void
web_row(struct evbuffer *b, json_t *p)
{
	const char	*state = web_str(p, "statename");
	char		*name, num[32];

	name = web_namespec(p);
	evbuffer_add_printf(b, "<tr class=\"proc st-%s\" data-name=\"",
	    state);
	web_text(b, name);
	evbuffer_add_printf(b, "\" data-group=\"");
	web_text(b, web_str(p, "group"));
	evbuffer_add_printf(b, "\" data-state=\"%s\">", state);
	web_cell(b, 0, NULL);
	evbuffer_add_printf(b, "<span class=\"badge\">%s</span></td>", state);
	web_cell(b, 1, name);
	web_cell(b, 2, web_str(p, "description"));
	web_cell(b, 3, NULL);
	web_uptime(b, p);
	evbuffer_add_printf(b, "</td>");
	snprintf(num, sizeof num, "%lld", (long long)web_int(p, "restarts"));
	web_cell(b, 4, num);
	web_cell(b, 5, json_is_true(json_object_get(p, "ready")) ? "yes" :
	    "no");
	web_cell(b, 6, web_str(p, "health"));
	web_cell(b, 7, NULL);
	web_bytes(b, web_int(p, "rss"));
	evbuffer_add_printf(b, "</td>");
	web_cell(b, 8, "");
	evbuffer_add_printf(b, "</tr>\n");
	free(name);
}

static void
web_head(struct evbuffer *b)
{
	const char	*id = server_config->identifier;
	size_t		 i;

	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\">\n<title>");
	web_text(b, id);
	evbuffer_add_printf(b, " &middot; supd</title>\n<link rel=\"icon\" "
	    "href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/assets/"
	    "style.css\">\n</head>\n<body>\n<header>\n<h1>");
	web_text(b, id);
	evbuffer_add_printf(b, "</h1>\n<p id=\"live\" class=\"live\" "
	    "role=\"status\" aria-live=\"polite\">Static page</p>\n"
	    "<div class=\"search\"><label for=\"filter\">Filter</label> "
	    "<input id=\"filter\" type=\"search\" autocomplete=\"off\" "
	    "placeholder=\"name, group or state\"></div>\n</header>\n<main>\n"
	    "<p id=\"message\" class=\"message\" role=\"alert\" hidden></p>\n"
	    "<div id=\"groups\" class=\"groups\"></div>\n"
	    "<table id=\"procs\">\n<thead><tr>");
	for (i = 0; i < sizeof web_columns / sizeof web_columns[0]; i++)
		evbuffer_add_printf(b, "<th scope=\"col\" class=\"%s\">%s</th>",
		    web_columns[i].class, web_columns[i].heading);
	evbuffer_add_printf(b, "</tr></thead>\n<tbody>\n");
}

static void
web_foot(struct evbuffer *b)
{
	evbuffer_add_printf(b, "</tbody>\n</table>\n</main>\n"
	    "<dialog id=\"confirm\" aria-labelledby=\"confirm-text\">\n"
	    "<form method=\"dialog\">\n<p id=\"confirm-text\"></p>\n"
	    "<div class=\"buttons\"><button value=\"cancel\" "
	    "id=\"confirm-cancel\">Cancel</button> <button value=\"ok\" "
	    "id=\"confirm-ok\" class=\"danger\">OK</button></div>\n"
	    "</form>\n</dialog>\n"
	    "<noscript><p class=\"message\">Without JavaScript this page only "
	    "shows the processes; actions need the script or the JSON API "
	    "under /api/v1/.</p></noscript>\n"
	    "<script src=\"/assets/app.js\"></script>\n</body></html>\n");
}

/*
 * Headers of every page and file: nothing from elsewhere may load, the
 * page may not be framed (a framed page's buttons can be clicked for the
 * operator), and no other origin may read it.
 */
static void
web_headers(struct evhttp_request *req)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);

	evhttp_add_header(out, "Content-Security-Policy", "default-src "
	    "'self'; img-src 'self' data:; frame-ancestors 'none'; "
	    "form-action 'self'; base-uri 'none'");
	evhttp_add_header(out, "X-Frame-Options", "DENY");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Referrer-Policy", "no-referrer");
	evhttp_add_header(out, "Cache-Control", "no-cache");
}

/* The page, or one of its files. */
void
web_page(struct evhttp_request *req, const char *path)
{
	const struct web_asset	*a;
	struct evbuffer		*b;
	json_t			*all;
	size_t			 i;

	b = evbuffer_new();
	web_headers(req);
	if ((a = web_asset(path)) != NULL) {
		evbuffer_add(b, a->data, a->len);
		http_send(req, b, a->type, NULL);
		evbuffer_free(b);
		return;
	}
	web_head(b);
	all = api_info_all();
	for (i = 0; i < json_array_size(all); i++)
		web_row(b, json_array_get(all, i));
	json_decref(all);
	web_foot(b);
	http_send(req, b, "text/html;charset=utf-8", NULL);
	evbuffer_free(b);
}
