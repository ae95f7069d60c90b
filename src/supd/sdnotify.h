/* supd's own side of the systemd notify protocol (sd_notify(3)). */
#ifndef SDNOTIFY_H
#define SDNOTIFY_H

struct event_base;

/*
 * Read and remove NOTIFY_SOCKET (and WATCHDOG_USEC/PID) from the
 * environment; with WATCHDOG_USEC, send WATCHDOG=1 at half that interval
 * from base's loop. Call before the children's environment is built.
 * Returns 1 when notifications will be sent, 0 when not.
 */
int	 sdnotify_init(struct event_base *);
/* Send one datagram; 0 when there is no socket, -1 on error. */
int	 sdnotify_send(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
/* READY=1 with a STATUS= text, once. */
void	 sdnotify_ready(const char *status);
/* STOPPING=1, at shutdown. */
void	 sdnotify_stopping(void);
/* Before re-executing: the environment as systemd gave it. */
void	 sdnotify_restore_env(void);
void	 sdnotify_free(void);

#endif
