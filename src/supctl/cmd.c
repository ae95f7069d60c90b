/*
 * The command table and supervisorctl's onecmd: split a line into a
 * command word and arguments, check the server and the argument count,
 * run the command, and report the failures it leaves to us.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "repr.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* Sorted, as "help" lists them. */
const struct cmd_entry *cmd_table[] = {
	&cmd_eof_entry,
	&cmd_add_entry,
	&cmd_avail_entry,
	&cmd_clear_entry,
	&cmd_exit_entry,
	&cmd_fg_entry,
	&cmd_help_entry,
	&cmd_maintail_entry,
	&cmd_open_entry,
	&cmd_pid_entry,
	&cmd_quit_entry,
	&cmd_reload_entry,
	&cmd_remove_entry,
	&cmd_render_entry,
	&cmd_reread_entry,
	&cmd_restart_entry,
	&cmd_scale_entry,
	&cmd_shutdown_entry,
	&cmd_signal_entry,
	&cmd_start_entry,
	&cmd_status_entry,
	&cmd_stop_entry,
	&cmd_tail_entry,
	&cmd_update_entry,
	&cmd_version_entry,
	NULL
};

volatile sig_atomic_t	 cmd_interrupted;

/* The API version supervisorctl 4.2.5 insists on. */
#define CMD_API_VERSION	"3.0"

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry	**e;

	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0 ||
		    ((*e)->alias != NULL && strcmp((*e)->alias, name) == 0))
			return (*e);
	}
	return (NULL);
}

/* Print a line to stdout, as supervisorctl's output(). */
void
cmd_output(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void
cmd_print_help(const struct cmd_entry *e)
{
	fputs(e->help, stdout);
}

/*
 * Length of the Python whitespace character at p (str.isspace and so
 * str.split and str.strip), or 0.
 */
static size_t
cmd_space_len(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if ((*p >= 0x09 && *p <= 0x0d) || (*p >= 0x1c && *p <= 0x20))
		return (1);
	if (p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return (2);
	if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
		return (3);
	if (p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) ||
	    p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return (3);
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return (3);
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return (3);
	return (0);
}

/* str.strip(): a new string. */
char *
cmd_strip(const char *s)
{
	size_t	n, len, last;

	while (*s != '\0' && (n = cmd_space_len(s)) != 0)
		s += n;
	len = strlen(s);
	for (last = 0, n = 0; n < len; ) {
		size_t	k = cmd_space_len(s + n);

		if (k == 0) {
			n++;
			last = n;
		} else
			n += k;
	}
	return (xstrndup(s, last));
}

/* str.split() with no separator. Returns argc; frees with cmd_free_argv. */
static int
cmd_split(const char *s, char ***argvp)
{
	char	**argv = NULL;
	int	  argc = 0;
	size_t	  n, len;

	for (;;) {
		while (*s != '\0' && (n = cmd_space_len(s)) != 0)
			s += n;
		if (*s == '\0')
			break;
		for (len = 0; s[len] != '\0' && cmd_space_len(s + len) == 0;
		    len++)
			;
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = xstrndup(s, len);
		s += len;
	}
	argv = xreallocarray(argv, argc + 1, sizeof *argv);
	argv[argc] = NULL;
	*argvp = argv;
	return (argc);
}

static void
cmd_free_argv(int argc, char **argv)
{
	int	i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/* Whether name is one of the arguments ("all" in names). */
int
cmd_has_arg(int argc, char **argv, const char *name)
{
	int	i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return (1);
	}
	return (0);
}

/* split_namespec: "g:p" -> g, p; "g:" or "g:*" -> g, NULL; "p" -> p, p. */
void
cmd_split_namespec(const char *spec, char **group, char **name)
{
	const char	*colon;

	if ((colon = strchr(spec, ':')) == NULL) {
		*group = xstrdup(spec);
		*name = xstrdup(spec);
		return;
	}
	*group = xstrndup(spec, colon - spec);
	if (colon[1] == '\0' || strcmp(colon + 1, "*") == 0)
		*name = NULL;
	else
		*name = xstrdup(colon + 1);
}

/* make_namespec: "p" when group and process share the name. Caller frees. */
char *
cmd_namespec(const char *group, const char *name)
{
	char	*s;

	if (name != NULL && strcmp(group, name) == 0)
		return (xstrdup(name));
	xasprintf(&s, "%s:%s", group, name != NULL ? name : "None");
	return (s);
}

/* A string member of a struct; "" if missing. Borrowed. */
const char *
cmd_get_string(const struct xr_value *st, const char *key)
{
	const struct xr_value	*v = xr_struct_get(st, key);

	if (v == NULL || v->type != XR_STRING)
		return ("");
	return (v->u.s.ptr);
}

/* An int (or boolean) member of a struct; 0 if missing. */
long long
cmd_get_int(const struct xr_value *st, const char *key)
{
	const struct xr_value	*v = xr_struct_get(st, key);

	if (v == NULL)
		return (0);
	if (v->type == XR_INT)
		return (v->u.i);
	if (v->type == XR_BOOL)
		return (v->u.b);
	return (0);
}

/*
 * set_exitstatus_from_xmlrpc_fault: 0 for success or the ignored code, 7
 * when the program is dead, 1 otherwise.
 */
int
cmd_exitstatus_from_fault(int code, int ignored)
{
	if (code == ignored || code == FAULT_SUCCESS)
		return (CMD_SUCCESS);
	if (code == FAULT_SPAWN_ERROR || code == FAULT_ABNORMAL_TERMINATION ||
	    code == FAULT_NOT_RUNNING)
		return (CMD_NOT_RUNNING);
	return (CMD_GENERIC);
}

/* Code points in a UTF-8 string: the width Python's %-30s pads to. */
size_t
cmd_utf8_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if ((*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

/* Print s left-justified in width code points ("%-*s" for Python). */
void
cmd_print_padded(const char *s, size_t width)
{
	size_t	n;

	fputs(s, stdout);
	for (n = cmd_utf8_width(s); n < width; n++)
		putchar(' ');
}

/*
 * Python's input(prompt) when stdin is not a terminal: write the prompt,
 * read one line, drop its newline. Returns 0, or -1 at end of input.
 */
int
cmd_read_line(const char *prompt, char **line)
{
	size_t	cap = 0;
	ssize_t	n;

	fputs(prompt, stdout);
	fflush(stdout);
	*line = NULL;
	if ((n = getline(line, &cap, stdin)) == -1) {
		free(*line);
		*line = NULL;
		return (-1);
	}
	if (n > 0 && (*line)[n - 1] == '\n')
		(*line)[n - 1] = '\0';
	return (0);
}

static void
cmd_interrupt_cb(int sig)
{
	cmd_interrupted = 1;
}

/*
 * Catch SIGINT (on) or let it kill us again (off). Without SA_RESTART,
 * so a blocked read or poll returns and the flag is seen: that is where
 * Python raises KeyboardInterrupt.
 */
void
cmd_catch_interrupts(int on)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? cmd_interrupt_cb : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	cmd_interrupted = 0;
}

/*
 * Python's int() on a word: optional sign, digits with single underscores
 * between them. 0, or -1 if it is not a number (or does not fit).
 */
int
cmd_parse_int(const char *s, long long *out)
{
	char		*clean, *p, *end;
	const char	*q;
	int		 rc = -1;

	clean = p = xmalloc(strlen(s) + 1);
	q = s;
	if (*q == '+' || *q == '-')
		*p++ = *q++;
	if (*q < '0' || *q > '9')
		goto done;
	for (; *q != '\0'; q++) {
		if (*q == '_' && q[1] >= '0' && q[1] <= '9' &&
		    q[-1] >= '0' && q[-1] <= '9')
			continue;
		if (*q < '0' || *q > '9')
			goto done;
		*p++ = *q;
	}
	*p = '\0';
	errno = 0;
	*out = strtoll(clean, &end, 10);
	if (errno == 0 && *end == '\0')
		rc = 0;
done:
	free(clean);
	return (rc);
}

/* In the shell, ask; only an answer starting with y or Y goes ahead. */
int
cmd_confirm(struct cmd_ctx *ctx, const char *question)
{
	char	*answer;
	int	 yes;

	if (!ctx->interactive)
		return (1);
	if (cmd_read_line(question, &answer) != 0)
		return (0);
	yes = tolower((unsigned char)answer[0]) == 'y';
	free(answer);
	return (yes);
}

/* Where serverurl was set, for hints. */
static const char *
cmd_hint_serverurl(struct cmd_ctx *ctx, char **buf)
{
	const struct cmd_origin	*o = &ctx->origin;

	if (strcmp(o->serverurl, "-s") == 0)
		return ("serverurl came from -s");
	if (strcmp(o->serverurl, "config") == 0) {
		xasprintf(buf, "serverurl came from the [supervisorctl] "
		    "section of %s", o->config);
	} else if (o->config != NULL) {
		xasprintf(buf, "serverurl is the default, as %s sets none in "
		    "[supervisorctl]", o->config);
	} else {
		return ("serverurl is the default, as no config file was "
		    "found; use -c or -s");
	}
	return (*buf);
}

/*
 * The daemon is not there. supervisorctl's line ("<url> no such file",
 * "<url> refused connection") followed, on the same line, by which way
 * and what to do: one message, and scripts looking for theirs still
 * find it at the start.
 */
static void
cmd_report_connect(struct cmd_ctx *ctx)
{
	const char	*url = client_serverurl(ctx->client), *why;
	char		*buf = NULL;

	if (client_error(ctx->client) == CLIENT_ERR_NOENT) {
		cmd_output("%s no such file: the daemon is not running (or "
		    "uses another socket); start it, or check serverurl (%s)",
		    url, cmd_hint_serverurl(ctx, &buf));
	} else {
		if (strncmp(url, "unix://", 7) == 0) {
			why = "the socket file exists but no daemon listens on "
			    "it (it may have died); start the daemon";
		} else
			why = "no daemon listens there; start it";
		cmd_output("%s refused connection: %s, or check serverurl "
		    "(%s)", url, why, cmd_hint_serverurl(ctx, &buf));
	}
	free(buf);
}

/*
 * Wrong or missing credentials: supervisorctl's "Server requires
 * authentication" followed by what was sent and where it came from.
 */
static void
cmd_report_auth(struct cmd_ctx *ctx)
{
	const struct cmd_origin	*o = &ctx->origin;

	if (o->auth == NULL) {
		cmd_output("Server requires authentication: %s needs a "
		    "username and password, and none were given; set "
		    "username= and password= in the [supervisorctl] section "
		    "of %s, or use -u and -p", client_serverurl(ctx->client),
		    o->config != NULL ? o->config : "the config file");
	} else if (strcmp(o->auth, "config") == 0) {
		cmd_output("Server requires authentication: %s refused the "
		    "username or password from the [supervisorctl] section of "
		    "%s; they must match the daemon's [unix_http_server] or "
		    "[inet_http_server]", client_serverurl(ctx->client),
		    o->config);
	} else {
		cmd_output("Server requires authentication: %s refused the "
		    "username or password given with -u/-p; they must match "
		    "the daemon's [unix_http_server] or [inet_http_server]",
		    client_serverurl(ctx->client));
	}
}

/*
 * upcheck: ask for the API version before a command. Returns 0 when the
 * server is usable, or the exit status after saying why not; CMD_FAILED
 * for failures the dispatcher reports.
 */
int
cmd_upcheck(struct cmd_ctx *ctx)
{
	struct xr_value	*v;
	int		 rc;

	rc = client_call(ctx->client, &v, "supervisor.getVersion", "");
	if (rc == 0) {
		if (v->type == XR_STRING &&
		    strcmp(v->u.s.ptr, CMD_API_VERSION) == 0) {
			xr_free(v);
			return (0);
		}
		cmd_output("Sorry, this version of supervisorctl expects to "
		    "talk to a server with API version %s, but the remote "
		    "version is %s.", CMD_API_VERSION,
		    v->type == XR_STRING ? v->u.s.ptr : "unknown");
		xr_free(v);
		return (CMD_NOT_INSTALLED);
	}
	if (rc == 1) {
		if (client_fault_code(ctx->client) != FAULT_UNKNOWN_METHOD)
			return (CMD_FAILED);
		cmd_output("Sorry, supervisord responded but did not recognize "
		    "the supervisor namespace commands that supervisorctl uses "
		    "to control it.  Please check that the "
		    "[rpcinterface:supervisor] section is enabled in the "
		    "configuration file (see sample.conf).");
		return (CMD_UNIMPLEMENTED);
	}
	switch (client_error(ctx->client)) {
	case CLIENT_ERR_REFUSED:
		cmd_report_connect(ctx);
		return (CMD_INSUFFICIENT_PRIVS);
	case CLIENT_ERR_NOENT:
		cmd_report_connect(ctx);
		return (CMD_NOT_RUNNING);
	default:
		return (CMD_FAILED);
	}
}

/* Print Python's repr() of a str (fault messages, bad channel). */
void
cmd_print_repr(const char *s)
{
	char	*r;

	r = repr_string(s);
	fputs(r, stdout);
	free(r);
}

/*
 * What onecmd's exception handler does with a failure a command did not
 * handle. Python prints the exception's class and repr with a file and
 * line ("error: <class 'xmlrpc.client.Fault'>, <Fault 92: '...'>: file:
 * ... line: ..."); that is Python showing through, so print what it
 * says: a fault as supervisorctl words the faults it does handle
 * ("ERROR: CANT_REREAD: ..."), an HTTP error with its status, and for
 * the daemon's absence the line upcheck prints.
 */
static void
cmd_report(struct cmd_ctx *ctx)
{
	struct client	*c = ctx->client;

	switch (client_error(c)) {
	case CLIENT_ERR_NONE:
		cmd_output("ERROR: %s", client_fault_string(c));
		break;
	case CLIENT_ERR_NOENT:
	case CLIENT_ERR_REFUSED:
		cmd_report_connect(ctx);
		break;
	case CLIENT_ERR_HTTP:
		cmd_output("error: %s answered HTTP %d %s",
		    client_serverurl(c), client_http_status(c),
		    client_http_reason(c) != NULL ? client_http_reason(c) : "");
		break;
	default:
		cmd_output("error: %s", client_message(c));
		break;
	}
}

/*
 * Ask for credentials after a 401 in the shell, as supervisorctl does.
 * Returns 0 to retry the command.
 */
static int
cmd_ask_auth(struct cmd_ctx *ctx)
{
	char	*user, *pass;

	cmd_output("Server requires authentication");
	if (cmd_read_line("Username:", &user) != 0)
		return (-1);
	pass = getpass("Password:");
	if (pass == NULL) {
		free(user);
		return (-1);
	}
	cmd_output("%s", "");
	client_set_auth(ctx->client, user, pass);
	ctx->origin.auth = "prompt";
	free(user);
	return (0);
}

/* Check the argument count against the entry's limits. */
static int
cmd_check_args(const struct cmd_entry *e, int argc)
{
	if ((e->args.lower == -1 || argc >= e->args.lower) &&
	    (e->args.upper == -1 || argc <= e->args.upper))
		return (0);
	cmd_output("%s", e->args.error);
	if (e->flags & CMD_ARGS_HELP)
		cmd_print_help(e);
	return (-1);
}

/* Run an entry with its arguments; the exit status, or CMD_STOP. */
static int
cmd_run(struct cmd_ctx *ctx, const struct cmd_entry *e, int argc,
    char **argv)
{
	int	rc;

	for (;;) {
		rc = 0;
		if (e->flags & CMD_UPCHECK)
			rc = cmd_upcheck(ctx);
		if (rc == 0 && cmd_check_args(e, argc) != 0)
			return (e->args.status);
		if (rc == 0)
			rc = e->exec(ctx, argc, argv);
		if (rc != CMD_FAILED)
			return (rc);
		if (client_error(ctx->client) != CLIENT_ERR_AUTH) {
			cmd_report(ctx);
			return (CMD_GENERIC);
		}
		if (!ctx->interactive) {
			cmd_report_auth(ctx);
			return (CMD_GENERIC);
		}
		if (cmd_ask_auth(ctx) != 0)
			return (CMD_GENERIC);
	}
}

/* cmd.Cmd's identchars: the command word is the run of these. */
static int
cmd_identchar(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_');
}

/*
 * Run one line as cmd.Cmd's parseline and supervisorctl's onecmd do:
 * "?x" is "help x", the command is the leading identifier characters, the
 * rest (stripped) its arguments. Returns the exit status, or CMD_STOP.
 */
int
cmd_execute(struct cmd_ctx *ctx, const char *input)
{
	const struct cmd_entry	 *e;
	char			 *line, *word, *rest, **argv;
	size_t			  n;
	int			  argc, rc;

	line = cmd_strip(input);
	if (*line == '\0') {
		free(line);
		return (CMD_SUCCESS);
	}
	if (*line == '?') {
		xasprintf(&rest, "help %s", line + 1);
		free(line);
		line = rest;
	}
	for (n = 0; cmd_identchar(line[n]); n++)
		;
	word = xstrndup(line, n);
	rest = cmd_strip(line + n);
	if (*word == '\0' || (e = cmd_find(word)) == NULL) {
		cmd_output("*** Unknown syntax: %s", line);
		rc = CMD_GENERIC;
	} else {
		argc = cmd_split(rest, &argv);
		ctx->arg = rest;
		rc = cmd_run(ctx, e, argc, argv);
		ctx->arg = NULL;
		cmd_free_argv(argc, argv);
	}
	free(word);
	free(rest);
	free(line);
	return (rc);
}
