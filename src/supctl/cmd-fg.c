/*
 * fg: attach to a running process: its stdout and stderr logs stream to
 * the terminal while lines typed go to its stdin, until Ctrl-C or Ctrl-D.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_fg_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_fg_entry = {
	.name = "fg",
	.usage = "fg <name>",
	.help = "fg <process>\tAttach to a process: see its output, type its "
	    "input\n\t\tCtrl-C detaches\n",
	.flags = CMD_UPCHECK|CMD_ARGS_HELP,
	.args = { 1, -1, "ERROR: no process name supplied", CMD_GENERIC },
	.exec = cmd_fg_exec,
};

struct cmd_fg_stream {
	char	*url;
};

/* Lines typed so far, read with read(2) so poll and buffer agree. */
struct cmd_fg_input {
	char	*buf;
	size_t	 len;
	int	 eof;
};

static int
cmd_fg_data_cb(const char *p, size_t len, void *arg)
{
	if (fwrite(p, 1, len, stdout) != len || fflush(stdout) != 0)
		return (-1);
	return (0);
}

/* A stream that ends does not end fg; errors are reported as tail -f. */
static void
cmd_fg_done_cb(int status, const char *error, void *arg)
{
	struct cmd_fg_stream	*s = arg;

	if (error != NULL)
		fprintf(stderr, "%s Cannot connect, error: %s\n", s->url, error);
	else if (status != 200)
		fprintf(stderr, "%s Cannot read, status code %d\n", s->url,
		    status);
}

/* Take one complete line (with its newline) if there is one. */
static char *
cmd_fg_take_line(struct cmd_fg_input *in)
{
	char	*nl, *line;
	size_t	 n;

	if ((nl = memchr(in->buf, '\n', in->len)) == NULL) {
		if (!in->eof || in->len == 0)
			return (NULL);
		nl = in->buf + in->len - 1;	/* last line, no newline */
	}
	n = nl - in->buf + 1;
	line = xstrndup(in->buf, n);
	memmove(in->buf, in->buf + n, in->len - n);
	in->len -= n;
	if (line[n - 1] != '\n') {
		line = xrealloc(line, n + 2);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	return (line);
}

static void
cmd_fg_fill(struct cmd_fg_input *in)
{
	char	buf[4096];
	ssize_t	n;

	if ((n = read(STDIN_FILENO, buf, sizeof buf)) <= 0) {
		if (n == 0)
			in->eof = 1;
		return;
	}
	in->buf = xrealloc(in->buf, in->len + n);
	memcpy(in->buf + in->len, buf, n);
	in->len += n;
}

/* "ERROR: " and str() of the fault, as supervisorctl prints it. */
static void
cmd_fg_print_fault(struct cmd_ctx *ctx)
{
	printf("ERROR: <Fault %d: ", client_fault_code(ctx->client));
	cmd_print_repr(client_fault_string(ctx->client));
	puts(">");
}

/*
 * Send one line to the process, then check it still runs. Returns 0 to go
 * on, 1 when fg ends, -1 on a failure for the dispatcher.
 */
static int
cmd_fg_send(struct cmd_ctx *ctx, const char *name, const char *line)
{
	struct xr_value	*info;
	int		 rc;

	rc = client_call(ctx->client, NULL, "supervisor.sendProcessStdin",
	    "ss", name, line);
	if (rc == -1)
		return (-1);
	if (rc == 1) {
		if (client_fault_code(ctx->client) == FAULT_NOT_RUNNING)
			puts("Process got killed");
		else
			cmd_fg_print_fault(ctx);
		puts("Exiting foreground");
		return (1);
	}
	if (client_call(ctx->client, &info, "supervisor.getProcessInfo", "s",
	    name) != 0)
		return (-1);
	rc = cmd_get_int(info, "state") != PROCESS_RUNNING;
	xr_free(info);
	if (rc) {
		puts("Process got killed");
		puts("Exiting foreground");
	}
	return (rc);
}

/* The loop: streams and stdin until Ctrl-C, end of input or death. */
static int
cmd_fg_loop(struct cmd_ctx *ctx, const char *name)
{
	struct client_watch	*w;
	struct cmd_fg_stream	 out, err;
	struct cmd_fg_input	 in = { NULL, 0, 0 };
	char			*path, *line;
	int			 ready, rc = 0;

	w = client_watch_create(ctx->client);
	xasprintf(&path, "/logtail/%s/stdout", name);
	xasprintf(&out.url, "%s%s", client_serverurl(ctx->client), path);
	client_watch_add(w, path, cmd_fg_data_cb, cmd_fg_done_cb, &out);
	free(path);
	xasprintf(&path, "/logtail/%s/stderr", name);
	xasprintf(&err.url, "%s%s", client_serverurl(ctx->client), path);
	client_watch_add(w, path, cmd_fg_data_cb, cmd_fg_done_cb, &err);
	free(path);
	while (rc == 0) {
		client_watch_run(w, in.eof ? -1 : STDIN_FILENO, 1000, &ready);
		if (cmd_interrupted)
			break;
		if (ready)
			cmd_fg_fill(&in);
		while (rc == 0 && (line = cmd_fg_take_line(&in)) != NULL) {
			rc = cmd_fg_send(ctx, name, line);
			free(line);
		}
		if (rc == 0 && in.eof && in.len == 0)
			break;
	}
	if (rc == 0) {
		cmd_interrupted = 0;
		puts("Exiting foreground");
	}
	client_watch_free(w);
	free(in.buf);
	free(out.url);
	free(err.url);
	return (rc == -1 ? CMD_FAILED : CMD_SUCCESS);
}

static int
cmd_fg_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct xr_value	*info;
	int		 rc, running;

	if (argc > 1) {
		puts("ERROR: too many process names supplied");
		return (CMD_GENERIC);
	}
	rc = client_call(ctx->client, &info, "supervisor.getProcessInfo", "s",
	    argv[0]);
	if (rc == 1 && client_fault_code(ctx->client) == FAULT_BAD_NAME) {
		puts("ERROR: bad process name supplied");
		return (CMD_GENERIC);
	}
	if (rc == 1) {
		cmd_fg_print_fault(ctx);
		return (CMD_SUCCESS);
	}
	if (rc != 0)
		return (CMD_FAILED);
	running = cmd_get_int(info, "state") == PROCESS_RUNNING;
	xr_free(info);
	if (!running) {
		puts("ERROR: process not running");
		return (CMD_GENERIC);
	}
	puts("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	cmd_catch_interrupts(1);
	return (cmd_fg_loop(ctx, argv[0]));
}
