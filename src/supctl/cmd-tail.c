/*
 * tail: the end of a process's stdout or stderr log, or (-f) the log as it
 * grows, streamed from GET /logtail/<name>/<channel>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "cmd.h"
#include "xmalloc.h"
#include "xmlrpc.h"

static int	cmd_tail_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_tail_entry = {
	.name = "tail",
	.usage = "tail [-f|-<bytes>] <name> [stdout|stderr]",
	.help = "tail [-f] <name> [stdout|stderr] (stdout if not given)\n"
	    "Examples:\n"
	    "tail -f <name>\t\tFollow the stdout log of a process as it "
	    "grows;\n"
	    "\t\t\tCtrl-C stops.\n"
	    "tail -100 <name>\tThe last 100 bytes of its stdout log\n"
	    "tail <name> stderr\tThe last 1600 bytes of its stderr log\n",
	.flags = CMD_UPCHECK,
	.args = { -1, -1, NULL, 0 },
	.exec = cmd_tail_exec,
};

struct cmd_tail_stream {
	char	*url;	/* serverurl + path, as supervisorctl names it */
	int	 done;
};

static int
cmd_tail_data_cb(const char *p, size_t len, void *arg)
{
	if (fwrite(p, 1, len, stdout) != len || fflush(stdout) != 0)
		return (-1);
	return (0);
}

static void
cmd_tail_done_cb(int status, const char *error, void *arg)
{
	struct cmd_tail_stream	*s = arg;

	s->done = 1;
	if (error != NULL)
		fprintf(stderr, "%s Cannot connect, error: %s\n", s->url, error);
	else if (status != 200)
		fprintf(stderr, "%s Cannot read, status code %d\n", s->url,
		    status);
}

/*
 * Stream path to stdout until the server ends it or Ctrl-C, which prints
 * an empty line as supervisorctl does. Shared by tail -f and maintail -f.
 */
int
cmd_tail_follow(struct cmd_ctx *ctx, const char *path)
{
	struct client_watch	*w;
	struct cmd_tail_stream	 s;

	puts("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	cmd_catch_interrupts(1);
	xasprintf(&s.url, "%s%s", client_serverurl(ctx->client), path);
	s.done = 0;
	w = client_watch_create(ctx->client);
	client_watch_add(w, path, cmd_tail_data_cb, cmd_tail_done_cb, &s);
	while (!s.done && !cmd_interrupted)
		client_watch_run(w, -1, 1000, NULL);
	if (cmd_interrupted) {
		cmd_interrupted = 0;
		putchar('\n');
	}
	client_watch_free(w);
	free(s.url);
	return (CMD_SUCCESS);
}

/* The last bytes of a log with readProcessStdoutLog/StderrLog. */
static int
cmd_tail_read(struct cmd_ctx *ctx, const char *name, const char *channel,
    long long bytes)
{
	struct xr_value	*v;
	const char	*method, *error;
	int		 rc;

	method = strcmp(channel, "stdout") == 0 ?
	    "supervisor.readProcessStdoutLog" :
	    "supervisor.readProcessStderrLog";
	rc = client_call(ctx->client, &v, method, "sii", name, (int)-bytes, 0);
	if (rc == 0) {
		puts(v->type == XR_STRING ? v->u.s.ptr : "");
		xr_free(v);
		return (CMD_SUCCESS);
	}
	if (rc == -1)
		return (CMD_FAILED);
	switch (client_fault_code(ctx->client)) {
	case FAULT_NO_FILE:
		error = "no log file";
		break;
	case FAULT_FAILED:
		error = "unknown error reading log";
		break;
	case FAULT_BAD_NAME:
		error = "no such process name";
		break;
	default:
		return (CMD_FAILED);
	}
	printf("%s: ERROR (%s)\n", name, error);
	return (CMD_GENERIC);
}

/* Arguments as supervisorctl reads them: [-f|-N] name [channel]. */
static int
cmd_tail_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char	*modifier = NULL, *name;
	char		*channel, *path, *p;
	long long	 bytes = 1600;
	int		 rc;

	if (argc < 1 || argc > 3) {
		puts(argc < 1 ? "Error: too few arguments" :
		    "Error: too many arguments");
		cmd_print_help(&cmd_tail_entry);
		return (CMD_GENERIC);
	}
	if (argv[0][0] == '-') {
		modifier = argv[0];
		argc--;
		argv++;
	}
	if (argc == 0) {
		puts("Error: tail requires process name");
		return (CMD_GENERIC);
	}
	name = argv[0];
	channel = xstrdup(argc == 1 ? "stdout" : argv[argc - 1]);
	for (p = channel; *p != '\0'; p++)
		*p = (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p;
	if (strcmp(channel, "stdout") != 0 && strcmp(channel, "stderr") != 0) {
		fputs("Error: bad channel ", stdout);
		cmd_print_repr(channel);
		putchar('\n');
		free(channel);
		return (CMD_GENERIC);
	}
	if (modifier != NULL && strcmp(modifier + 1, "f") == 0) {
		xasprintf(&path, "/logtail/%s/%s", name, channel);
		rc = cmd_tail_follow(ctx, path);
		free(path);
	} else if (modifier != NULL && cmd_parse_int(modifier + 1,
	    &bytes) != 0) {
		printf("Error: bad argument %s\n", modifier);
		rc = CMD_GENERIC;
	} else
		rc = cmd_tail_read(ctx, name, channel, bytes);
	free(channel);
	return (rc);
}
