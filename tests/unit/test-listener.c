/*
 * Unit tests for listener.c and the text rendering in event.c: the RESULT
 * length parser, envelope formatting, Python's rendering of undecodable
 * output, and whole pools driven through fake listener processes (their
 * stdin is a buffer, their stdout is fed in by hand, their state changes
 * go to the observer listener.c installs).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "capture.h"
#include "config.h"
#include "event.h"
#include "group.h"
#include "listener.h"
#include "log.h"
#include "process.h"
#include "server.h"
#include "xmalloc.h"

#define NPROCS	3

/* What listener.c links against, faked. */
struct event_base	*server_base;
struct config		*server_config;
capture_listener_fn	 capture_listener_input;
static process_observer_fn observer;

/* One pool of up to NPROCS fake listeners. */
struct fake {
	struct group_config	 gc;
	struct group		 g;
	struct process_config	 pc[NPROCS];
	struct process		 p[NPROCS];
	struct process		*procs[NPROCS];
	struct evbuffer		*stdin[NPROCS];
	char			*names[8];
};

static struct fake	 fakes[2];
static struct evbuffer	*logged;

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
	observer = fn;
}

void
process_remove_observer(process_observer_fn fn, void *arg)
{
	observer = NULL;
}

/* A fake whose stdin_fd is -1 has closed its stdin. */
int
process_write_stdin(struct process *p, const void *buf, size_t len)
{
	int	f, i;

	if (p->stdin_fd == -1) {
		errno = EPIPE;
		return (-1);
	}
	for (f = 0; f < 2; f++) {
		for (i = 0; i < NPROCS; i++) {
			if (&fakes[f].p[i] == p)
				evbuffer_add(fakes[f].stdin[i], buf, len);
		}
	}
	return (0);
}

static void
log_cb(enum log_level level, const char *line, size_t len, void *arg)
{
	evbuffer_add(logged, line, len);
}

/* The bytes of b as a string (pullup gives NULL when b is empty). */
static char *
buffer_string(struct evbuffer *b)
{
	size_t	len = evbuffer_get_length(b);

	if (len == 0)
		return (xstrdup(""));
	return (xstrndup((char *)evbuffer_pullup(b, -1), len));
}

static int
log_has(const char *text)
{
	char	*s = buffer_string(logged);
	int	 found = strstr(s, text) != NULL;

	free(s);
	return (found);
}

static void
pump(void)
{
	int	i;

	for (i = 0; i < 4; i++)
		event_base_loop(server_base, EVLOOP_NONBLOCK);
}

/* What listener i of fake f was sent since the last call. Caller frees. */
static char *
sent(int f, int i)
{
	struct evbuffer	*b = fakes[f].stdin[i];
	char		*s = buffer_string(b);

	evbuffer_drain(b, evbuffer_get_length(b));
	return (s);
}

static void
assert_sent(int f, int i, const char *want)
{
	char	*got;

	pump();
	got = sent(f, i);
	assert_string_equal(got, want);
	free(got);
}

static void
say(int f, int i, const char *text)
{
	listener_input(&fakes[f].p[i], text, strlen(text));
	pump();
}

static void
set_state(int f, int i, enum process_state state)
{
	struct process		*p = &fakes[f].p[i];
	enum process_state	 old = p->state;

	p->state = state;
	observer(p, old, NULL);
	pump();
}

/*
 * Make pool f named name with nprocs listeners subscribed to the
 * comma-separated events, all spawned and RUNNING.
 */
static void
make_pool(int f, const char *name, int nprocs, int bufsize,
    const char *events)
{
	struct fake	*fk = &fakes[f];
	char		*copy, *item, *save;
	int		 i;

	memset(fk, 0, sizeof *fk);
	fk->gc.name = xstrdup(name);
	fk->gc.kind = GROUP_LISTENER;
	fk->gc.buffer_size = bufsize;
	fk->gc.event_names = fk->names;
	copy = xstrdup(events);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save))
		fk->names[fk->gc.nevent_names++] = xstrdup(item);
	free(copy);
	fk->g.config = &fk->gc;
	fk->g.procs = fk->procs;
	fk->g.nprocs = nprocs;
	for (i = 0; i < nprocs; i++) {
		xasprintf(&fk->pc[i].name, "%s%d", name, i);
		fk->p[i].config = &fk->pc[i];
		fk->p[i].group = &fk->g;
		fk->p[i].state = PROCESS_STOPPED;
		fk->p[i].pid = 100 + i;
		fk->procs[i] = &fk->p[i];
		fk->stdin[i] = evbuffer_new();
	}
	listener_pool_create(&fk->g);
	for (i = 0; i < nprocs; i++) {
		set_state(f, i, PROCESS_STARTING);
		set_state(f, i, PROCESS_RUNNING);
	}
}

static void
free_pool(int f)
{
	struct fake	*fk = &fakes[f];
	int		 i;

	if (fk->gc.name == NULL)
		return;
	listener_pool_free(&fk->g);
	for (i = 0; i < fk->g.nprocs; i++) {
		free(fk->pc[i].name);
		evbuffer_free(fk->stdin[i]);
	}
	for (i = 0; i < fk->gc.nevent_names; i++)
		free(fk->names[i]);
	free(fk->gc.name);
	memset(fk, 0, sizeof *fk);
}

static void
emit(enum event_type type, const char *payload)
{
	event_emit(type, payload, strlen(payload));
}

static int
setup(void **state)
{
	server_base = event_base_new();
	logged = evbuffer_new();
	log_set_level(LEVEL_BLATHER);
	log_add_sink(log_cb, NULL);
	listener_init();
	return (0);
}

static int
teardown(void **state)
{
	free_pool(0);
	free_pool(1);
	assert_int_equal(event_subscribed, 0);
	listener_done();
	log_remove_sink(log_cb, NULL);
	evbuffer_free(logged);
	event_base_free(server_base);
	return (0);
}

static void
test_parse_len(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		long long	 v;
	} cases[] = {
		{ "2", 0, 2 }, { " 2", 0, 2 }, { "2\r", 0, 2 }, { "+3", 0, 3 },
		{ "0007", 0, 7 }, { "1_000", 0, 1000 }, { "-1", 0, -1 },
		{ "\t 12 \v", 0, 12 }, { "_1", -1, 0 }, { "1_", -1, 0 },
		{ "1__0", -1, 0 }, { "", -1, 0 }, { "  ", -1, 0 },
		{ "2 2", -1, 0 }, { "x", -1, 0 }, { "- 1", -1, 0 },
		{ "0x10", -1, 0 }, { "1.0", -1, 0 },
		{ "99999999999999999999999", 0, LLONG_MAX },
	};
	long long	v;
	size_t		i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = 0;
		assert_int_equal(listener_parse_len(cases[i].in,
		    strlen(cases[i].in), &v), cases[i].rc);
		if (cases[i].rc == 0)
			assert_true(v == cases[i].v);
	}
	/* An embedded NUL is not a digit. */
	assert_int_equal(listener_parse_len("1\0", 2, &v), -1);
}

static void
test_envelope(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*payload = "processname:caf\xc3\xa9 groupname:g";
	char		*s;

	listener_envelope(b, "supervisor", 7, "pool", 3, "PROCESS_STATE_FATAL",
	    payload, strlen(payload));
	s = buffer_string(b);
	/* len: counts characters, é is one. */
	assert_string_equal(s, "ver:3.0 server:supervisor serial:7 pool:pool "
	    "poolserial:3 eventname:PROCESS_STATE_FATAL len:28\n"
	    "processname:caf\xc3\xa9 groupname:g");
	free(s);
	evbuffer_free(b);
}

static char *
text(const char *data, size_t len)
{
	struct evbuffer	*b = evbuffer_new();
	char		*s;

	event_add_text(b, data, len);
	s = buffer_string(b);
	evbuffer_free(b);
	return (s);
}

static void
test_text(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*out;
	} cases[] = {
		{ "plain\n", 6, "plain\n" },
		{ "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10,
		    "h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "\xff", 1, "Undecodable: b'\\xff'" },
		{ "it's\xff", 5, "Undecodable: b\"it's\\xff\"" },
		{ "'\"\xff", 3, "Undecodable: b'\\'\"\\xff'" },
		{ "t\tn\nr\r\\\x7f\x01\xc3", 10,
		    "Undecodable: b't\\tn\\nr\\r\\\\\\x7f\\x01\\xc3'" },
		/* Overlong, surrogate, above U+10FFFF, truncated. */
		{ "\xc0\x80", 2, "Undecodable: b'\\xc0\\x80'" },
		{ "\xed\xa0\x80", 3, "Undecodable: b'\\xed\\xa0\\x80'" },
		{ "\xf4\x90\x80\x80", 4,
		    "Undecodable: b'\\xf4\\x90\\x80\\x80'" },
		{ "\xe2\x82", 2, "Undecodable: b'\\xe2\\x82'" },
	};
	struct evbuffer	*b;
	char		*s;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = text(cases[i].in, cases[i].len);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	/* NUL is valid UTF-8 and passes through. */
	b = evbuffer_new();
	event_add_text(b, "a\0b", 3);
	assert_int_equal(evbuffer_get_length(b), 3);
	assert_memory_equal(evbuffer_pullup(b, -1), "a\0b", 3);
	evbuffer_free(b);
}

#define HDR(serial, pserial, name, len) \
	"ver:3.0 server:supervisor serial:" #serial " pool:pool poolserial:" \
	#pserial " eventname:" name " len:" #len "\n"

static void
test_ready_then_result(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "one");
	/* Not READY yet: nothing goes out. */
	assert_sent(0, 0, "");
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 3) "one");
	emit(EVENT_PROCESS_STATE_FATAL, "two");
	/* BUSY: the next event waits. */
	assert_sent(0, 0, "");
	say(0, 0, "RESULT 2\nOK");
	assert_true(log_has("pool0: event was processed"));
	assert_true(log_has("pool0: BUSY -> ACKNOWLEDGED"));
	assert_sent(0, 0, "");
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(1, 1, "PROCESS_STATE_FATAL", 3) "two");
	assert_true(log_has("event 1 sent to listener pool0"));
}

static void
test_chunked_input(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "a");
	emit(EVENT_PROCESS_STATE_FATAL, "b");
	say(0, 0, "REA");
	say(0, 0, "DY");
	assert_sent(0, 0, "");
	say(0, 0, "\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "a");
	say(0, 0, "RESULT ");
	say(0, 0, "2\nO");
	say(0, 0, "K");
	/* The answer and the next READY in one read. */
	assert_false(log_has("rejected"));
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(1, 1, "PROCESS_STATE_FATAL", 1) "b");
	say(0, 0, "RESULT 2\nOKREADY\n");
	assert_true(log_has("pool0: ACKNOWLEDGED -> READY"));
}

static void
test_rejected_resent(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	emit(EVENT_PROCESS_STATE_FATAL, "y");
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
	say(0, 0, "RESULT 4\nFAILREADY\n");
	assert_true(log_has("pool0: event was rejected"));
	assert_true(log_has("rebuffering event 0 for pool pool"));
	/* The same event, same serials, before the newer one. */
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
}

static void
test_result_zero_waits(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
	/* As in Supervisor, an empty result is judged when more comes. */
	say(0, 0, "RESULT 0\n");
	assert_false(log_has("rejected"));
	say(0, 0, "READY\n");
	assert_true(log_has("pool0: event was rejected"));
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
}

static void
test_overflow(void **state)
{
	make_pool(0, "pool", 1, 2, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "0");
	emit(EVENT_PROCESS_STATE_FATAL, "1");
	assert_false(log_has("overflowed"));
	emit(EVENT_PROCESS_STATE_FATAL, "2");
	assert_true(log_has("ERRO pool pool event buffer overflowed, "
	    "discarding event 0\n"));
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(1, 1, "PROCESS_STATE_FATAL", 1) "1");
}

static void
test_violation_acknowledged(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	say(0, 0, "HELLO!\n");
	assert_true(log_has("WARN pool0: has entered the UNKNOWN state and "
	    "will no longer receive events, this usually indicates the process "
	    "violated the eventlistener protocol"));
	say(0, 0, "READY\n");
	assert_sent(0, 0, "");
	/* A respawn gives it a fresh start. */
	set_state(0, 0, PROCESS_EXITED);
	set_state(0, 0, PROCESS_STARTING);
	set_state(0, 0, PROCESS_RUNNING);
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
}

static void
test_violation_ready(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	say(0, 0, "READY\nextra");
	assert_true(log_has("pool0: READY -> UNKNOWN"));
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	assert_sent(0, 0, "");
}

static void
test_bad_result_line(void **state)
{
	make_pool(0, "pool", 2, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
	say(0, 0, "RESULT two\n");
	assert_true(log_has("WARN pool0: bad result line: 'RESULT two'"));
	assert_true(log_has("pool0: BUSY -> UNKNOWN"));
	/* The event goes to the other listener. */
	say(0, 1, "READY\n");
	assert_sent(0, 1, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
	/* Undecodable lines are logged as Python shows them. */
	emit(EVENT_PROCESS_STATE_FATAL, "y");
	say(0, 1, "RESULT 2\nOKREADY\n");
	assert_sent(0, 1, HDR(1, 1, "PROCESS_STATE_FATAL", 1) "y");
	say(0, 1, "RESULT \xff\n");
	assert_true(log_has("pool1: bad result line: "
	    "'Undecodable: b'RESULT \\xff''"));
}

static void
test_first_ready_listener(void **state)
{
	make_pool(0, "pool", 3, 10, "PROCESS_STATE");
	say(0, 1, "READY\n");
	say(0, 2, "READY\n");
	emit(EVENT_PROCESS_STATE_FATAL, "a");
	emit(EVENT_PROCESS_STATE_FATAL, "b");
	emit(EVENT_PROCESS_STATE_FATAL, "c");
	/* In config order: the first READY one, then the next. */
	assert_sent(0, 0, "");
	assert_sent(0, 1, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "a");
	assert_sent(0, 2, HDR(1, 1, "PROCESS_STATE_FATAL", 1) "b");
	assert_true(log_has("rebuffering event 2 for pool pool (buf size=0, "
	    "max=10)"));
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(2, 2, "PROCESS_STATE_FATAL", 1) "c");
}

static void
test_died_busy(void **state)
{
	make_pool(0, "pool", 2, 10, "PROCESS_STATE");
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
	/* Stopping alone keeps the event; the reaper's verdict gives it up. */
	set_state(0, 0, PROCESS_STOPPING);
	say(0, 1, "READY\n");
	assert_sent(0, 1, "");
	set_state(0, 0, PROCESS_STOPPED);
	assert_sent(0, 1, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
}

static void
test_not_running(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	set_state(0, 0, PROCESS_EXITED);
	set_state(0, 0, PROCESS_STARTING);
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	say(0, 0, "READY\n");
	/* READY while STARTING: events wait for RUNNING. */
	assert_sent(0, 0, "");
	set_state(0, 0, PROCESS_RUNNING);
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
}

static void
test_epipe(void **state)
{
	make_pool(0, "pool", 2, 10, "PROCESS_STATE");
	fakes[0].p[0].stdin_fd = -1;
	say(0, 0, "READY\n");
	say(0, 1, "READY\n");
	emit(EVENT_PROCESS_STATE_FATAL, "x");
	assert_sent(0, 1, HDR(0, 0, "PROCESS_STATE_FATAL", 1) "x");
	assert_true(log_has("epipe occurred while sending event 0 to listener "
	    "pool0, listener state unchanged"));
}

static void
test_serials(void **state)
{
	char	*s;

	make_pool(0, "pool", 1, 10, "PROCESS_STATE");
	make_pool(1, "other", 1, 10, "PROCESS_STATE_FATAL,TICK_5");
	emit(EVENT_PROCESS_STATE_RUNNING, "r");
	emit(EVENT_PROCESS_STATE_FATAL, "f");
	emit(EVENT_TICK_5, "when:5");
	emit(EVENT_PROCESS_LOG_STDOUT, "nobody");
	say(0, 0, "READY\n");
	say(1, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_RUNNING", 1) "r");
	s = sent(1, 0);
	assert_string_equal(s, "ver:3.0 server:supervisor serial:1 "
	    "pool:other poolserial:0 eventname:PROCESS_STATE_FATAL len:1\nf");
	free(s);
	say(0, 0, "RESULT 2\nOKREADY\n");
	say(1, 0, "RESULT 2\nOKREADY\n");
	assert_sent(0, 0, HDR(1, 1, "PROCESS_STATE_FATAL", 1) "f");
	s = sent(1, 0);
	assert_string_equal(s, "ver:3.0 server:supervisor serial:2 "
	    "pool:other poolserial:1 eventname:TICK_5 len:6\nwhen:5");
	free(s);
}

static void
test_overlapping_names(void **state)
{
	make_pool(0, "pool", 1, 10,
	    "PROCESS_STATE,PROCESS_STATE_RUNNING,PROCESS_STATE");
	/* Two distinct names cover RUNNING: Supervisor buffers it twice. */
	emit(EVENT_PROCESS_STATE_RUNNING, "r");
	emit(EVENT_PROCESS_STATE_FATAL, "f");
	assert_true(log_has("rebuffering event 0 for pool pool (buf size=1, "
	    "max=10)"));
	say(0, 0, "READY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_RUNNING", 1) "r");
	say(0, 0, "RESULT 2\nOKREADY\n");
	assert_sent(0, 0, HDR(0, 0, "PROCESS_STATE_RUNNING", 1) "r");
	say(0, 0, "RESULT 2\nOKREADY\n");
	assert_sent(0, 0, HDR(1, 1, "PROCESS_STATE_FATAL", 1) "f");
}

static void
test_subscriptions(void **state)
{
	make_pool(0, "pool", 1, 10, "PROCESS_STATE_EXITED");
	assert_true(event_wanted(EVENT_PROCESS_STATE_EXITED));
	assert_false(event_wanted(EVENT_PROCESS_STATE_RUNNING));
	make_pool(1, "other", 1, 10, "TICK");
	assert_true(event_wanted(EVENT_TICK_60));
	free_pool(0);
	assert_false(event_wanted(EVENT_PROCESS_STATE_EXITED));
	assert_true(event_wanted(EVENT_TICK_3600));
	free_pool(1);
	assert_int_equal(event_subscribed, 0);
}

static void
test_identifier(void **state)
{
	struct config	cf;
	char		*s;

	memset(&cf, 0, sizeof cf);
	cf.identifier = "box1";
	server_config = &cf;
	make_pool(0, "pool", 1, 10, "SUPERVISOR_STATE_CHANGE");
	emit(EVENT_SUPERVISOR_STATE_CHANGE_RUNNING, "");
	say(0, 0, "READY\n");
	pump();
	s = sent(0, 0);
	assert_string_equal(s, "ver:3.0 server:box1 serial:0 pool:pool "
	    "poolserial:0 eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n");
	free(s);
	server_config = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_len),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_text),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_ready_then_result),
		T(test_chunked_input),
		T(test_rejected_resent),
		T(test_result_zero_waits),
		T(test_overflow),
		T(test_violation_acknowledged),
		T(test_violation_ready),
		T(test_bad_result_line),
		T(test_first_ready_listener),
		T(test_died_busy),
		T(test_not_running),
		T(test_epipe),
		T(test_serials),
		T(test_overlapping_names),
		T(test_subscriptions),
		T(test_identifier),
#undef T
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
