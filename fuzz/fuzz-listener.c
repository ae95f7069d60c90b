/*
 * libFuzzer target for the event-listener protocol (listener.c): a pool of
 * two fake listeners driven by the input, read as a list of operations.
 * Each operation is one byte, then its operands:
 *
 *	0 type n <n bytes>	emit an event with that payload
 *	1 i n <n bytes>		listener i writes n bytes on its stdout
 *	2 i state		listener i's process changes state
 *	3 i			listener i's stdin closes (or opens again)
 *	4			run the loop (dispatch)
 *	5 i k			listener i writes canned protocol text k
 *
 * The first byte sets the buffer size, the second the subscription. Every
 * byte sent to a listener must be a whole envelope, header and payload.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "config.h"
#include "event.h"
#include "group.h"
#include "listener.h"
#include "log.h"
#include "process.h"
#include "server.h"
#include "xmalloc.h"

#define FUZZ_NPROCS	2

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct event_base		*server_base;
struct config			*server_config;
capture_listener_fn		 capture_listener_input;
static process_observer_fn	 fuzz_observer;

static const char *const fuzz_subscriptions[] = {
	"EVENT", "PROCESS_STATE", "PROCESS_STATE,PROCESS_STATE_EXITED",
	"TICK_5,PROCESS_LOG", "PROCESS_COMMUNICATION,REMOTE_COMMUNICATION",
	"SUPERVISOR_STATE_CHANGE,PROCESS_GROUP,PROCESS_STATE_FATAL",
};

static const enum process_state fuzz_states[] = {
	PROCESS_STOPPED, PROCESS_STARTING, PROCESS_RUNNING, PROCESS_BACKOFF,
	PROCESS_STOPPING, PROCESS_EXITED, PROCESS_FATAL,
};

static const char *const fuzz_canned[] = {
	"READY\n", "RESULT 2\nOK", "RESULT 4\nFAIL", "RESULT 0\n",
	"RESULT -1\n", "RESULT 1_0\n0123456789", "OK", "READY\nREADY\n",
};

static struct {
	struct group_config	 gc;
	struct group		 g;
	struct process_config	 pc[FUZZ_NPROCS];
	struct process		 p[FUZZ_NPROCS];
	struct process		*procs[FUZZ_NPROCS];
	char			*names[4];
	struct evbuffer		*stdin[FUZZ_NPROCS];
} fuzz;

/* Pools are made and freed by hand here, not by a group observer. */
void
group_add_observer(group_observer_fn fn, void *arg)
{
}

void
group_remove_observer(group_observer_fn fn, void *arg)
{
}

void
process_add_observer(process_observer_fn fn, void *arg)
{
	fuzz_observer = fn;
}

void
process_remove_observer(process_observer_fn fn, void *arg)
{
	fuzz_observer = NULL;
}

int
process_write_stdin(struct process *p, const void *buf, size_t len)
{
	if (p->stdin_fd == -1) {
		errno = EPIPE;
		return (-1);
	}
	evbuffer_add(fuzz.stdin[p - fuzz.p], buf, len);
	return (0);
}

/* What a listener was sent must be envelopes, each whole. */
static void
fuzz_check_sent(struct evbuffer *b)
{
	struct evbuffer_ptr	 eol;
	const char		*line, *len;
	size_t			 n, chars, i, end;
	const unsigned char	*payload;

	while (evbuffer_get_length(b) > 0) {
		eol = evbuffer_search_eol(b, NULL, &n, EVBUFFER_EOL_LF);
		if (eol.pos == -1)
			abort();
		line = (const char *)evbuffer_pullup(b, eol.pos + 1);
		if (strncmp(line, "ver:3.0 server:supervisor serial:", 33) != 0 ||
		    (len = memmem(line, eol.pos, " len:", 5)) == NULL)
			abort();
		chars = strtoul(len + 5, NULL, 10);
		evbuffer_drain(b, eol.pos + 1);
		/*
		 * len: counts the bytes that are not UTF-8 continuation bytes;
		 * walk that many, with the continuation bytes around them.
		 */
		payload = evbuffer_pullup(b, -1);
		end = evbuffer_get_length(b);
		for (i = 0; i < end && (payload[i] & 0xc0) == 0x80; i++)
			/* nothing */;
		for (n = 0; n < chars; n++) {
			if (i >= end)
				abort();
			for (i++; i < end && (payload[i] & 0xc0) == 0x80; i++)
				/* nothing */;
		}
		evbuffer_drain(b, i);
	}
}

static void
fuzz_pump(void)
{
	int	i;

	event_base_loop(server_base, EVLOOP_NONBLOCK);
	for (i = 0; i < FUZZ_NPROCS; i++)
		fuzz_check_sent(fuzz.stdin[i]);
}

static void
fuzz_set_state(int i, enum process_state state)
{
	enum process_state	old = fuzz.p[i].state;

	fuzz.p[i].state = state;
	fuzz_observer(&fuzz.p[i], old, NULL);
}

static void
fuzz_pool_create(int bufsize, const char *events)
{
	char	*copy, *item, *save;
	int	 i;

	memset(&fuzz, 0, sizeof fuzz);
	fuzz.gc.name = "pool";
	fuzz.gc.kind = GROUP_LISTENER;
	fuzz.gc.buffer_size = bufsize;
	fuzz.gc.event_names = fuzz.names;
	copy = xstrdup(events);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save))
		fuzz.names[fuzz.gc.nevent_names++] = xstrdup(item);
	free(copy);
	fuzz.g.config = &fuzz.gc;
	fuzz.g.procs = fuzz.procs;
	fuzz.g.nprocs = FUZZ_NPROCS;
	for (i = 0; i < FUZZ_NPROCS; i++) {
		fuzz.pc[i].name = i == 0 ? "pool_0" : "pool_1";
		fuzz.p[i].config = &fuzz.pc[i];
		fuzz.p[i].group = &fuzz.g;
		fuzz.p[i].state = PROCESS_STOPPED;
		fuzz.p[i].pid = 100 + i;
		fuzz.procs[i] = &fuzz.p[i];
		fuzz.stdin[i] = evbuffer_new();
	}
	listener_pool_create(&fuzz.g);
	for (i = 0; i < FUZZ_NPROCS; i++) {
		fuzz_set_state(i, PROCESS_STARTING);
		fuzz_set_state(i, PROCESS_RUNNING);
	}
}

static void
fuzz_pool_free(void)
{
	int	i;

	listener_pool_free(&fuzz.g);
	event_base_loop(server_base, EVLOOP_NONBLOCK);
	for (i = 0; i < FUZZ_NPROCS; i++)
		evbuffer_free(fuzz.stdin[i]);
	for (i = 0; i < fuzz.gc.nevent_names; i++)
		free(fuzz.names[i]);
	if (event_subscribed != 0)
		abort();
}

static void
fuzz_sink(enum log_level level, const char *line, size_t len, void *arg)
{
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	server_base = event_base_new();
	log_set_level(LEVEL_BLATHER);
	log_add_sink(fuzz_sink, NULL);
	listener_init();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p = data, *end = data + size;
	const char	*text;
	size_t		 n;
	int		 i;

	if (size < 2)
		return (0);
	fuzz_pool_create(1 + p[0] % 8,
	    fuzz_subscriptions[p[1] % (sizeof fuzz_subscriptions /
	    sizeof fuzz_subscriptions[0])]);
	p += 2;
	while (p < end) {
		switch (*p++ % 6) {
		case 0:
			if (end - p < 2)
				goto done;
			i = p[0] % EVENT_NTYPES;
			n = p[1] % 64;
			p += 2;
			if (n > (size_t)(end - p))
				n = end - p;
			event_emit(i, (const char *)p, n);
			p += n;
			break;
		case 1:
			if (end - p < 2)
				goto done;
			i = p[0] % FUZZ_NPROCS;
			n = p[1];
			p += 2;
			if (n > (size_t)(end - p))
				n = end - p;
			listener_input(&fuzz.p[i], (const char *)p, n);
			p += n;
			break;
		case 2:
			if (end - p < 2)
				goto done;
			fuzz_set_state(p[0] % FUZZ_NPROCS, fuzz_states[p[1] %
			    (sizeof fuzz_states / sizeof fuzz_states[0])]);
			p += 2;
			break;
		case 3:
			if (p == end)
				goto done;
			i = *p++ % FUZZ_NPROCS;
			fuzz.p[i].stdin_fd = fuzz.p[i].stdin_fd == -1 ? 0 : -1;
			break;
		case 4:
			fuzz_pump();
			break;
		case 5:
			if (end - p < 2)
				goto done;
			text = fuzz_canned[p[1] % (sizeof fuzz_canned /
			    sizeof fuzz_canned[0])];
			listener_input(&fuzz.p[p[0] % FUZZ_NPROCS], text,
			    strlen(text));
			p += 2;
			break;
		}
	}
done:
	fuzz_pump();
	fuzz_pool_free();
	return (0);
}
