/*
 * Capturing a child's stdout or stderr: reading its pipe from the event
 * loop and sending the bytes to the log file, syslog, the main log (at
 * debug level) and PROCESS_LOG / PROCESS_COMMUNICATION events.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stddef.h>

struct capture;
struct process;
struct process_config;
struct spawn_fds;

/* Make the pipes for a spawn (see spawn_make_pipes). */
int		 capture_open_pipes(const struct process_config *,
		     struct spawn_fds *, char **cause);
/* channel: 0 stdout, 1 stderr. Takes ownership of fd. */
struct capture	*capture_create(struct process *, int channel, int fd);
/* Open the channel's log file (shared by path). -1 with *cause. */
int		 capture_open_logs(struct capture *, char **cause);
/* Start watching the pipe. */
void		 capture_start(struct capture *);
/* Read everything the pipe holds now (at reap time). */
void		 capture_drain(struct capture *);
/* Drain, flush, close. NULL is fine. */
void		 capture_free(struct capture *);

/* The channel's current log file path, or NULL. */
const char	*capture_logfile(const struct capture *);

/*
 * Hook for event listeners: stdout of a listener goes to the protocol
 * reader instead of capture mode. Set by the listener code.
 */
typedef void (*capture_listener_fn)(struct process *, const char *, size_t);
extern capture_listener_fn capture_listener_input;

/*
 * Hook for log: checks: each whole line of a program's stdout or stderr,
 * without its newline, when its ready_check or health_check is log:. Set
 * by process-check.c.
 */
typedef void (*capture_line_fn)(struct process *, const char *, size_t);
extern capture_line_fn capture_line_input;

#endif
