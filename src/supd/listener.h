/*
 * Event-listener pools ([eventlistener:x]) and Supervisor's listener
 * protocol: buffering events per pool, sending them to a READY listener,
 * reading READY and RESULT back, re-sending rejected events, and the TICK
 * timers.
 */
#ifndef LISTENER_H
#define LISTENER_H

#include <stddef.h>

struct evbuffer;
struct group;
struct process;

/*
 * Install the event sink, the process and group observers and the
 * capture hook.
 * Call once server_base exists and before any group is added.
 */
void	listener_init(void);
/* Free what listener_init made (after every group is removed). */
void	listener_done(void);
/*
 * Before a restart re-executes the daemon: pass the global event serial
 * on, since Supervisor restarts in-process and its serials carry on.
 */
void	listener_keep_serial(void);

/*
 * A GROUP_LISTENER group was added: make its pool (g->pool, and each
 * process's listener state) and subscribe it. The group observer
 * listener_init installs calls it before PROCESS_GROUP_ADDED is emitted,
 * so a pool hears of its own arrival.
 */
void	listener_pool_create(struct group *);
/*
 * Unsubscribe and free a pool, dropping its buffered events. The group
 * observer calls it before PROCESS_GROUP_REMOVED is emitted.
 */
void	listener_pool_free(struct group *);
/* Events waiting in the group's pool (0 for no pool). */
int	listener_pool_queued(const struct group *);

/* Protocol bytes a listener wrote on its stdout (the capture hook). */
void	listener_input(struct process *, const char *, size_t);

/*
 * Append the envelope Supervisor writes to a listener: one header line,
 * then the payload. len: counts characters, as Python's len() of the
 * decoded payload does (childutils reads it from a text stream).
 */
void	listener_envelope(struct evbuffer *, const char *server,
	    long long serial, const char *pool, long long poolserial,
	    const char *eventname, const char *payload, size_t len);

/* Python's int() of a RESULT length; -1 if it would raise ValueError. */
int	listener_parse_len(const char *, size_t, long long *);

#endif
