/* open: talk to another daemon from now on, and show its status. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "cmd.h"

static int	cmd_open_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_open_entry = {
	.name = "open",
	.usage = "open <url>",
	.help = "open <url>\tTalk to the daemon at <url> from now on.\n"
	    "\t\t(unix:///path/to/socket for a unix socket)\n",
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_open_exec,
};

/* urlparse's scheme, lowered: letters first, then letters, digits, +-. */
static int
cmd_open_scheme_ok(const char *url)
{
	size_t	n;

	n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-.");
	if (n == 0 || url[n] != ':' || !((url[0] >= 'a' && url[0] <= 'z') ||
	    (url[0] >= 'A' && url[0] <= 'Z')))
		return (0);
	return ((n == 4 && strncasecmp(url, "unix", 4) == 0) ||
	    (n == 4 && strncasecmp(url, "http", 4) == 0));
}

/* The status it shows does not change the exit status. */
static int
cmd_open_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	rc;

	if (!cmd_open_scheme_ok(ctx->arg)) {
		puts("ERROR: url must be http:// or unix://");
		return (CMD_GENERIC);
	}
	client_set_serverurl(ctx->client, ctx->arg);
	ctx->origin.serverurl = "open";
	rc = cmd_status_entry.exec(ctx, 0, NULL);
	return (rc == CMD_FAILED ? rc : CMD_SUCCESS);
}
