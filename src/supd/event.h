/*
 * The event bus: Supervisor's event types, and their delivery to whoever
 * subscribed (event-listener pools). A new event type is one line in the
 * table in event.c and one enum value here.
 */
#ifndef EVENT_H
#define EVENT_H

#include <stddef.h>
#include <stdint.h>

/* Concrete types; each is one bit of a subscription mask. */
enum event_type {
	EVENT_PROCESS_STATE_STOPPED,
	EVENT_PROCESS_STATE_EXITED,
	EVENT_PROCESS_STATE_STARTING,
	EVENT_PROCESS_STATE_STOPPING,
	EVENT_PROCESS_STATE_BACKOFF,
	EVENT_PROCESS_STATE_FATAL,
	EVENT_PROCESS_STATE_RUNNING,
	EVENT_PROCESS_STATE_UNKNOWN,
	EVENT_PROCESS_COMMUNICATION_STDOUT,
	EVENT_PROCESS_COMMUNICATION_STDERR,
	EVENT_PROCESS_LOG_STDOUT,
	EVENT_PROCESS_LOG_STDERR,
	EVENT_REMOTE_COMMUNICATION,
	EVENT_SUPERVISOR_STATE_CHANGE_RUNNING,
	EVENT_SUPERVISOR_STATE_CHANGE_STOPPING,
	EVENT_TICK_5,
	EVENT_TICK_60,
	EVENT_TICK_3600,
	EVENT_PROCESS_GROUP_ADDED,
	EVENT_PROCESS_GROUP_REMOVED,
	EVENT_PROCESS_READY,		/* supd's own, from here on */
	EVENT_PROCESS_HEALTH_FAIL,
	EVENT_PROCESS_HEALTH_OK,
	EVENT_PROCESS_RECYCLED,		/* supd's: max_rss or max_uptime */
	EVENT_NTYPES
};

/* Look a name (concrete or abstract, e.g. PROCESS_STATE) up; -1 if none. */
int		 event_type_from_name(const char *);
/* The concrete types a name from event_type_from_name covers. */
uint64_t	 event_type_mask(int);
const char	*event_type_name(enum event_type);

/*
 * Subscribers: the union of every pool's mask, so emitting an event nobody
 * wants costs one test. Set by the listener code.
 */
extern uint64_t	 event_subscribed;

static inline int
event_wanted(enum event_type type)
{
	return ((event_subscribed & ((uint64_t)1 << type)) != 0);
}

/*
 * Deliver an event with its payload (the body after the header line).
 * The payload is copied.
 */
typedef void (*event_sink_fn)(enum event_type, const char *payload,
    size_t len, void *arg);
void		 event_set_sink(event_sink_fn, void *arg);
void		 event_emit(enum event_type, const char *payload, size_t len);

/*
 * Append child output to a payload the way Supervisor renders bytes in an
 * event (events.py as_string): as they are when they are valid UTF-8,
 * otherwise as "Undecodable: b'...'" with Python's bytes repr.
 */
struct evbuffer;
void		 event_add_text(struct evbuffer *, const char *, size_t);
/* Append Python's repr() of bytes: b'...' with Python's escapes. */
void		 event_add_repr(struct evbuffer *, const char *, size_t);

#endif
