/*
 * Event types and the bus entry point. Producers (process state changes,
 * log capture, the RPC layer, tick timers) call event_emit only when
 * event_wanted() says a pool subscribed; the sink, set by the listener
 * code, fans the event out to pools. Child output in a payload is
 * rendered as Supervisor renders it (event_add_text).
 */
#include <event2/buffer.h>
#include <string.h>

#include "event.h"
#include "utf8.h"

#define BIT(t)	((uint64_t)1 << (t))
#define PROCESS_STATE_BITS \
	(BIT(EVENT_PROCESS_STATE_STOPPED) | BIT(EVENT_PROCESS_STATE_EXITED) | \
	BIT(EVENT_PROCESS_STATE_STARTING) | BIT(EVENT_PROCESS_STATE_STOPPING) | \
	BIT(EVENT_PROCESS_STATE_BACKOFF) | BIT(EVENT_PROCESS_STATE_FATAL) | \
	BIT(EVENT_PROCESS_STATE_RUNNING) | BIT(EVENT_PROCESS_STATE_UNKNOWN))

/* Every name a subscription may use; concrete types come first, in order. */
static const struct {
	const char	*name;
	uint64_t	 mask;
} event_names[] = {
	{ "PROCESS_STATE_STOPPED", BIT(EVENT_PROCESS_STATE_STOPPED) },
	{ "PROCESS_STATE_EXITED", BIT(EVENT_PROCESS_STATE_EXITED) },
	{ "PROCESS_STATE_STARTING", BIT(EVENT_PROCESS_STATE_STARTING) },
	{ "PROCESS_STATE_STOPPING", BIT(EVENT_PROCESS_STATE_STOPPING) },
	{ "PROCESS_STATE_BACKOFF", BIT(EVENT_PROCESS_STATE_BACKOFF) },
	{ "PROCESS_STATE_FATAL", BIT(EVENT_PROCESS_STATE_FATAL) },
	{ "PROCESS_STATE_RUNNING", BIT(EVENT_PROCESS_STATE_RUNNING) },
	{ "PROCESS_STATE_UNKNOWN", BIT(EVENT_PROCESS_STATE_UNKNOWN) },
	{ "PROCESS_COMMUNICATION_STDOUT",
	    BIT(EVENT_PROCESS_COMMUNICATION_STDOUT) },
	{ "PROCESS_COMMUNICATION_STDERR",
	    BIT(EVENT_PROCESS_COMMUNICATION_STDERR) },
	{ "PROCESS_LOG_STDOUT", BIT(EVENT_PROCESS_LOG_STDOUT) },
	{ "PROCESS_LOG_STDERR", BIT(EVENT_PROCESS_LOG_STDERR) },
	{ "REMOTE_COMMUNICATION", BIT(EVENT_REMOTE_COMMUNICATION) },
	{ "SUPERVISOR_STATE_CHANGE_RUNNING",
	    BIT(EVENT_SUPERVISOR_STATE_CHANGE_RUNNING) },
	{ "SUPERVISOR_STATE_CHANGE_STOPPING",
	    BIT(EVENT_SUPERVISOR_STATE_CHANGE_STOPPING) },
	{ "TICK_5", BIT(EVENT_TICK_5) },
	{ "TICK_60", BIT(EVENT_TICK_60) },
	{ "TICK_3600", BIT(EVENT_TICK_3600) },
	{ "PROCESS_GROUP_ADDED", BIT(EVENT_PROCESS_GROUP_ADDED) },
	{ "PROCESS_GROUP_REMOVED", BIT(EVENT_PROCESS_GROUP_REMOVED) },
	{ "PROCESS_READY", BIT(EVENT_PROCESS_READY) },
	{ "PROCESS_HEALTH_FAIL", BIT(EVENT_PROCESS_HEALTH_FAIL) },
	{ "PROCESS_HEALTH_OK", BIT(EVENT_PROCESS_HEALTH_OK) },
	{ "PROCESS_RECYCLED", BIT(EVENT_PROCESS_RECYCLED) },
	/* Abstract types. */
	{ "EVENT", BIT(EVENT_NTYPES) - 1 },
	{ "PROCESS_STATE", PROCESS_STATE_BITS },
	{ "PROCESS_COMMUNICATION", BIT(EVENT_PROCESS_COMMUNICATION_STDOUT) |
	    BIT(EVENT_PROCESS_COMMUNICATION_STDERR) },
	{ "PROCESS_LOG", BIT(EVENT_PROCESS_LOG_STDOUT) |
	    BIT(EVENT_PROCESS_LOG_STDERR) },
	{ "SUPERVISOR_STATE_CHANGE", BIT(EVENT_SUPERVISOR_STATE_CHANGE_RUNNING) |
	    BIT(EVENT_SUPERVISOR_STATE_CHANGE_STOPPING) },
	{ "TICK", BIT(EVENT_TICK_5) | BIT(EVENT_TICK_60) | BIT(EVENT_TICK_3600) },
	{ "PROCESS_GROUP", BIT(EVENT_PROCESS_GROUP_ADDED) |
	    BIT(EVENT_PROCESS_GROUP_REMOVED) },
};
#define EVENT_NNAMES (sizeof event_names / sizeof event_names[0])

uint64_t		 event_subscribed;
static event_sink_fn	 event_sink;
static void		*event_sink_arg;

int
event_type_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < EVENT_NNAMES; i++) {
		if (strcmp(event_names[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

uint64_t
event_type_mask(int type)
{
	if (type < 0 || (size_t)type >= EVENT_NNAMES)
		return (0);
	return (event_names[type].mask);
}

const char *
event_type_name(enum event_type type)
{
	return (event_names[type].name);
}

void
event_set_sink(event_sink_fn fn, void *arg)
{
	event_sink = fn;
	event_sink_arg = arg;
}

void
event_emit(enum event_type type, const char *payload, size_t len)
{
	if (event_sink != NULL && event_wanted(type))
		event_sink(type, payload, len, event_sink_arg);
}

void
event_add_repr(struct evbuffer *b, const char *data, size_t len)
{
	const unsigned char	*s = (const unsigned char *)data;
	char			 quote = '\'';
	size_t			 i;

	if (memchr(data, '\'', len) != NULL && memchr(data, '"', len) == NULL)
		quote = '"';
	evbuffer_add_printf(b, "b%c", quote);
	for (i = 0; i < len; i++) {
		if (s[i] == quote || s[i] == '\\')
			evbuffer_add_printf(b, "\\%c", s[i]);
		else if (s[i] == '\t')
			evbuffer_add(b, "\\t", 2);
		else if (s[i] == '\n')
			evbuffer_add(b, "\\n", 2);
		else if (s[i] == '\r')
			evbuffer_add(b, "\\r", 2);
		else if (s[i] < ' ' || s[i] >= 0x7f)
			evbuffer_add_printf(b, "\\x%02x", s[i]);
		else
			evbuffer_add(b, &s[i], 1);
	}
	evbuffer_add(b, &quote, 1);
}

void
event_add_text(struct evbuffer *b, const char *data, size_t len)
{
	if (utf8_valid(data, len)) {
		evbuffer_add(b, data, len);
		return;
	}
	evbuffer_add(b, "Undecodable: ", 13);
	event_add_repr(b, data, len);
}
