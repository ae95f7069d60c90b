/*
 * Checks: the probes behind ready_check and health_check. A check spec is
 * parsed once from the config ("tcp:HOST:PORT", "unix:PATH",
 * "http://HOST:PORT/PATH", "exec:COMMAND", "log:REGEX", "notify"); an
 * active probe (tcp, unix, http, exec) is started on the event loop and
 * answers once through a callback, never blocking the loop. The passive
 * kinds (log, notify) are fed by capture and the notify socket instead.
 */
#ifndef CHECK_H
#define CHECK_H

#include <regex.h>
#include <stddef.h>
#include <sys/types.h>

struct event_base;

enum check_kind {
	CHECK_NONE,
	CHECK_TCP,
	CHECK_UNIX,
	CHECK_HTTP,
	CHECK_EXEC,
	CHECK_LOG,
	CHECK_NOTIFY,
};

struct check_spec {
	enum check_kind	 kind;
	char		*text;		/* as configured, after expansion */
	char		*host;		/* tcp, http */
	int		 port;		/* tcp, http */
	char		*path;		/* unix: socket; http: path and query */
	char		*command;	/* exec */
	regex_t		 regex;		/* log */
	int		 has_regex;
};

/*
 * Parse text into spec. 0, or -1 with *cause (caller frees) naming what is
 * wrong ("unknown check 'ftp://x': expected tcp:, unix:, ...").
 */
int		 check_spec_parse(const char *text, struct check_spec *,
		     char **cause);
void		 check_spec_clear(struct check_spec *);
int		 check_spec_equal(const struct check_spec *,
		     const struct check_spec *);
/* The kind's config word ("tcp", "http", ...). */
const char	*check_kind_name(enum check_kind);
/* Does a line of output (without its newline) satisfy a log: check? */
int		 check_log_match(const struct check_spec *, const char *line,
		     size_t len);

/*
 * An active probe in flight. done is called exactly once, from the event
 * loop, unless the probe is cancelled first; result is a short text for
 * the user ("connected", "HTTP 503", "exit status 1", "timed out after
 * 5 s") and is borrowed for the call.
 */
struct check_probe;
typedef void (*check_done_fn)(int ok, const char *result, void *arg);

/*
 * How an exec: probe starts its command: with the program's user,
 * environment and directory, stdin on /dev/null and stdout and stderr on
 * outfd, in a process group of its own. Returns the pid, or -1 with
 * *cause.
 */
typedef pid_t (*check_spawn_fn)(const char *command, int outfd, void *arg,
		     char **cause);

struct check_probe *check_probe_start(struct event_base *,
		     const struct check_spec *, double timeout,
		     check_spawn_fn, void *spawn_arg, check_done_fn,
		     void *arg);
/* Stop a probe; done is not called. Kills an exec: probe's command. */
void		 check_probe_cancel(struct check_probe *);
/*
 * The reaper's hook: if pid is an exec: probe's command, take its wait
 * status and return 1; otherwise 0.
 */
int		 check_probe_reaped(pid_t, int status);

/* Shared by the probe kinds (check-probe.c). */
void		 check_probe_finish(struct check_probe *, int ok,
		     const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));
/* Free the resolver and bookkeeping, at exit. */
void		 check_free_all(void);

/*
 * A notify socket (check-notify.c). fn gets each KEY=VALUE a datagram
 * carries ("READY", "1"), with the sender's pid (0 if unknown); value is
 * borrowed for the call.
 */
struct check_notify;
typedef void (*check_notify_fn)(pid_t sender, const char *key,
		     const char *value, void *arg);
struct check_notify *check_notify_open(struct event_base *,
		     check_notify_fn, void *arg, char **cause);
/* The child's NOTIFY_SOCKET value ("@supd-notify-..."). */
const char	*check_notify_address(const struct check_notify *);
void		 check_notify_close(struct check_notify *);
/* Split a datagram into its assignments; returns how many. */
int		 check_notify_parse(const char *msg, size_t len, pid_t sender,
		     check_notify_fn, void *arg);

#endif
