/*
 * Tests of one process's checker over time: ready polling against a port
 * that opens late, ready timeouts, log and notify readiness, health checks
 * that start failing, hung checks cut at their timeout, the notify
 * watchdog, and that checks of one process never overlap.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <event2/http.h>

#include "checker.h"

static struct event_base	*base;

struct seen {
	int	ready;
	int	not_ready;
	char	reason[256];
	int	health_ok, health_fail;
	int	last_failures;
	int	unhealthy;
	int	spawns, running_checks, max_running;
	int	stop_after_unhealthy;
	struct checker *cr;
};

static void
ready_cb(void *arg)
{
	((struct seen *)arg)->ready++;
	event_base_loopbreak(base);
}

static void
not_ready_cb(void *arg, const char *reason)
{
	struct seen	*s = arg;

	s->not_ready++;
	snprintf(s->reason, sizeof s->reason, "%s", reason);
	event_base_loopbreak(base);
}

static void
health_cb(void *arg, int ok, int failures, const char *result)
{
	struct seen	*s = arg;

	if (ok)
		s->health_ok++;
	else
		s->health_fail++;
	s->last_failures = failures;
	snprintf(s->reason, sizeof s->reason, "%s", result);
}

static void
unhealthy_cb(void *arg, int failures, const char *result)
{
	struct seen	*s = arg;

	s->unhealthy++;
	if (s->stop_after_unhealthy)
		checker_stopped(s->cr);
	event_base_loopbreak(base);
}

static pid_t
spawn_sh(const char *command, int outfd, void *arg, char **cause)
{
	struct seen	*s = arg;
	pid_t		 pid;

	if ((pid = fork()) == 0) {
		setpgid(0, 0);
		dup2(outfd, 1);
		dup2(outfd, 2);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	/* A check in flight is one started and not yet reported. */
	s->running_checks = ++s->spawns - (s->health_ok + s->health_fail);
	if (s->running_checks > s->max_running)
		s->max_running = s->running_checks;
	return (pid);
}

static void
reap_cb(evutil_socket_t fd, short events, void *arg)
{
	pid_t	pid;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		check_probe_reaped(pid, status);
}

static const struct checker_ops ops_template = {
	.ready = ready_cb,
	.not_ready = not_ready_cb,
	.health = health_cb,
	.unhealthy = unhealthy_cb,
	.spawn = spawn_sh,
};

static struct checker_ops	ops;

static int
setup(void **state)
{
	struct event	*ev;

	base = event_base_new();
	ev = evsignal_new(base, SIGCHLD, reap_cb, NULL);
	event_add(ev, NULL);
	*state = ev;
	ops = ops_template;
	return (0);
}

static int
teardown(void **state)
{
	event_free(*state);
	check_free_all();
	event_base_free(base);
	return (0);
}

static void
parse(const char *text, struct check_spec *spec)
{
	char	*cause = NULL;

	assert_int_equal(check_spec_parse(text, spec, &cause), 0);
}

static int
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof sin);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

static int	late_fd = -1;
static int	late_port;

static void
open_late_cb(evutil_socket_t fd, short events, void *arg)
{
	struct sockaddr_in	sin;
	int			on = 1;

	late_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(late_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(late_port);
	assert_int_equal(bind(late_fd, (struct sockaddr *)&sin, sizeof sin),
	    0);
	listen(late_fd, 16);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
test_ready_when_port_opens(void **state)
{
	struct checker_config	 cf = { .ready_timeout = 10 };
	struct check_spec	 spec;
	struct checker		*cr;
	struct seen		 s;
	struct timeval		 tv = { 0, 300000 };
	char			 text[64];
	double			 t0;

	memset(&s, 0, sizeof s);
	late_port = free_port();
	snprintf(text, sizeof text, "tcp:127.0.0.1:%d", late_port);
	parse(text, &spec);
	cf.ready = &spec;
	cr = checker_create(base, &cf, &ops, &s);
	event_base_once(base, -1, EV_TIMEOUT, open_late_cb, NULL, &tv);
	t0 = now();
	checker_started(cr);
	assert_false(checker_is_ready(cr));
	event_base_dispatch(base);
	assert_int_equal(s.ready, 1);
	assert_true(checker_is_ready(cr));
	assert_true(now() - t0 >= 0.3);
	assert_string_equal(checker_last_result(cr), "connected");
	/* No health_check: health is "none" whatever happens. */
	assert_int_equal(checker_health(cr), CHECKER_HEALTH_NONE);
	checker_free(cr);
	check_spec_clear(&spec);
	close(late_fd);
}

static void
test_ready_timeout(void **state)
{
	struct checker_config	 cf = { .ready_timeout = 0.3 };
	struct check_spec	 spec;
	struct checker		*cr;
	struct seen		 s;
	char			 text[64];

	memset(&s, 0, sizeof s);
	snprintf(text, sizeof text, "tcp:127.0.0.1:%d", free_port());
	parse(text, &spec);
	cf.ready = &spec;
	cr = checker_create(base, &cf, &ops, &s);
	checker_started(cr);
	event_base_dispatch(base);
	assert_int_equal(s.ready, 0);
	assert_int_equal(s.not_ready, 1);
	assert_string_equal(s.reason,
	    "not ready after 0.3 s: Connection refused");
	checker_free(cr);
	check_spec_clear(&spec);
}

static void
test_ready_by_log_and_notify(void **state)
{
	struct checker_config	 cf = { .ready_timeout = 5 };
	struct check_spec	 log, notify;
	struct checker		*cr;
	struct seen		 s;

	memset(&s, 0, sizeof s);
	parse("log:^Listening at: .*:[0-9]+", &log);
	cf.ready = &log;
	cr = checker_create(base, &cf, &ops, &s);
	assert_true(checker_wants_lines(cr));
	assert_null(checker_notify_socket(cr, NULL));
	checker_started(cr);
	checker_line(cr, "Booting worker", 14);
	assert_int_equal(s.ready, 0);
	checker_line(cr, "Listening at: http://127.0.0.1:8000 (42)", 40);
	assert_int_equal(s.ready, 1);
	checker_free(cr);

	memset(&s, 0, sizeof s);
	parse("notify", &notify);
	cf.ready = &notify;
	cr = checker_create(base, &cf, &ops, &s);
	assert_false(checker_wants_lines(cr));
	assert_non_null(checker_notify_socket(cr, NULL));
	checker_started(cr);
	checker_notify(cr, 1, "STATUS", "loading models");
	assert_string_equal(checker_status_text(cr), "loading models");
	checker_notify(cr, 1, "READY", "0");
	assert_int_equal(s.ready, 0);
	checker_notify(cr, 1, "READY", "1");
	assert_int_equal(s.ready, 1);
	/* A restart forgets the old status. */
	checker_started(cr);
	assert_null(checker_status_text(cr));
	checker_free(cr);

	/* Nothing arrives: the reason says what was missing. */
	memset(&s, 0, sizeof s);
	cf.ready_timeout = 0.1;
	cr = checker_create(base, &cf, &ops, &s);
	checker_started(cr);
	event_base_dispatch(base);
	assert_string_equal(s.reason,
	    "not ready after 0.1 s: no READY=1 received");
	checker_free(cr);
	check_spec_clear(&log);
	check_spec_clear(&notify);
}

static int	http_status = 200;

static void
http_handler(struct evhttp_request *req, void *arg)
{
	evhttp_send_reply(req, http_status, "X", NULL);
}

static void
test_health_turns_bad(void **state)
{
	struct checker_config	 cf = { .health_interval = 0.05,
				    .health_timeout = 1, .health_retries = 3 };
	struct check_spec	 spec;
	struct checker		*cr;
	struct evhttp		*http;
	struct seen		 s;
	char			 text[64];
	int			 port = free_port();

	memset(&s, 0, sizeof s);
	http = evhttp_new(base);
	assert_int_equal(evhttp_bind_socket(http, "127.0.0.1", port), 0);
	evhttp_set_gencb(http, http_handler, NULL);
	snprintf(text, sizeof text, "http://127.0.0.1:%d/health", port);
	parse(text, &spec);
	cf.health = &spec;
	cr = checker_create(base, &cf, &ops, &s);
	s.cr = cr;
	s.stop_after_unhealthy = 1;
	checker_started(cr);
	assert_int_equal(checker_health(cr), CHECKER_HEALTH_UNKNOWN);
	checker_running(cr);
	assert_true(checker_is_ready(cr));	/* no ready_check */
	http_status = 200;
	while (s.health_ok < 2)
		event_base_loop(base, EVLOOP_ONCE);
	assert_int_equal(checker_health(cr), CHECKER_HEALTH_OK);
	http_status = 503;
	event_base_dispatch(base);
	assert_int_equal(s.unhealthy, 1);
	assert_int_equal(s.last_failures, 3);
	assert_int_equal(s.health_fail, 3);
	assert_int_equal(checker_health(cr), CHECKER_HEALTH_FAILING);
	assert_string_equal(checker_last_result(cr), "HTTP 503");
	checker_free(cr);
	check_spec_clear(&spec);
	evhttp_free(http);
}

static void
test_hung_check_counts_and_never_overlaps(void **state)
{
	struct checker_config	 cf = { .health_interval = 0.02,
				    .health_timeout = 0.1, .health_retries = 2 };
	struct check_spec	 spec;
	struct checker		*cr;
	struct seen		 s;

	memset(&s, 0, sizeof s);
	ops.spawn_arg = &s;
	parse("exec:sleep 5", &spec);
	cf.health = &spec;
	cr = checker_create(base, &cf, &ops, &s);
	checker_started(cr);
	checker_running(cr);
	event_base_dispatch(base);
	assert_int_equal(s.unhealthy, 1);
	assert_int_equal(s.health_fail, 2);
	assert_string_equal(s.reason, "timed out after 0.1 s");
	assert_int_equal(s.max_running, 1);
	checker_free(cr);
	check_spec_clear(&spec);
}

static void
test_watchdog(void **state)
{
	struct checker_config	 cf = { .health_interval = 0.1,
				    .health_retries = 1 };
	struct check_spec	 spec;
	struct checker		*cr;
	struct seen		 s;

	memset(&s, 0, sizeof s);
	parse("notify", &spec);
	cf.health = &spec;
	cr = checker_create(base, &cf, &ops, &s);
	checker_started(cr);
	checker_running(cr);
	checker_notify(cr, 1, "WATCHDOG", "1");
	assert_int_equal(s.health_ok, 1);
	event_base_dispatch(base);	/* no more WATCHDOG=1 */
	assert_int_equal(s.unhealthy, 1);
	assert_string_equal(s.reason, "no WATCHDOG=1 in 0.1 s");
	checker_notify(cr, 1, "WATCHDOG", "1");
	assert_int_equal(checker_health(cr), CHECKER_HEALTH_OK);
	assert_int_equal(checker_failures(cr), 0);
	checker_notify(cr, 1, "WATCHDOG", "trigger");
	assert_int_equal(checker_health(cr), CHECKER_HEALTH_FAILING);
	checker_free(cr);
	check_spec_clear(&spec);
}

static int
refuse_sender(void *arg, pid_t sender)
{
	return (sender == 42);
}

static void
test_notify_from_strangers_ignored(void **state)
{
	struct checker_config	 cf = { .ready_timeout = 5 };
	struct check_spec	 spec;
	struct checker		*cr;
	struct seen		 s;

	memset(&s, 0, sizeof s);
	ops.sender_ok = refuse_sender;
	parse("notify", &spec);
	cf.ready = &spec;
	cr = checker_create(base, &cf, &ops, &s);
	checker_started(cr);
	checker_notify(cr, 7, "READY", "1");
	assert_int_equal(s.ready, 0);
	checker_notify(cr, 42, "READY", "1");
	assert_int_equal(s.ready, 1);
	checker_free(cr);
	check_spec_clear(&spec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ready_when_port_opens,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ready_by_log_and_notify,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_turns_bad, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_hung_check_counts_and_never_overlaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_notify_from_strangers_ignored, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
