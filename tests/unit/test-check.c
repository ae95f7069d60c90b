/*
 * Tests of the check engine: spec parsing, log matching, notify datagrams,
 * and each active probe against real sockets, HTTP servers and commands
 * made by the test on loopback.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
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
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <event2/http.h>

#include "check.h"
#include "xmalloc.h"

static struct event_base	*base;

struct outcome {
	int	 called;
	int	 ok;
	char	 result[256];
};

static void
done_cb(int ok, const char *result, void *arg)
{
	struct outcome	*o = arg;

	o->called++;
	o->ok = ok;
	snprintf(o->result, sizeof o->result, "%s", result);
	event_base_loopbreak(base);
}

/* Children of exec probes are reaped here and handed to the engine. */
static void
reap_cb(evutil_socket_t fd, short events, void *arg)
{
	pid_t	pid;
	int	status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		check_probe_reaped(pid, status);
}

static int
setup(void **state)
{
	struct event	*ev;

	base = event_base_new();
	ev = evsignal_new(base, SIGCHLD, reap_cb, NULL);
	event_add(ev, NULL);
	*state = ev;
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
run_probe(const char *text, double timeout, check_spawn_fn spawn,
    struct outcome *o)
{
	struct check_spec	 spec;
	char			*cause = NULL;

	assert_int_equal(check_spec_parse(text, &spec, &cause), 0);
	memset(o, 0, sizeof *o);
	check_probe_start(base, &spec, timeout, spawn, NULL, done_cb, o);
	assert_int_equal(o->called, 0);		/* never from inside start */
	event_base_dispatch(base);
	assert_int_equal(o->called, 1);
	check_spec_clear(&spec);
}

static void
expect_parse_error(const char *text, const char *needle)
{
	struct check_spec	 spec;
	char			*cause = NULL;

	assert_int_equal(check_spec_parse(text, &spec, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("'%s': '%s' lacks '%s'", text, cause, needle);
	free(cause);
}

static void
test_parse_kinds(void **state)
{
	struct check_spec	 spec;
	char			*cause = NULL;

	assert_int_equal(check_spec_parse("tcp:127.0.0.1:8080", &spec,
	    &cause), 0);
	assert_int_equal(spec.kind, CHECK_TCP);
	assert_string_equal(spec.host, "127.0.0.1");
	assert_int_equal(spec.port, 8080);
	check_spec_clear(&spec);

	assert_int_equal(check_spec_parse("tcp:[::1]:99", &spec, &cause), 0);
	assert_string_equal(spec.host, "::1");
	assert_int_equal(spec.port, 99);
	check_spec_clear(&spec);

	assert_int_equal(check_spec_parse(" http://localhost/healthz?x=1 ",
	    &spec, &cause), 0);
	assert_int_equal(spec.kind, CHECK_HTTP);
	assert_string_equal(spec.host, "localhost");
	assert_int_equal(spec.port, 80);
	assert_string_equal(spec.path, "/healthz?x=1");
	assert_string_equal(spec.text, "http://localhost/healthz?x=1");
	check_spec_clear(&spec);

	assert_int_equal(check_spec_parse("http://h:81", &spec, &cause), 0);
	assert_int_equal(spec.port, 81);
	assert_string_equal(spec.path, "/");
	check_spec_clear(&spec);

	assert_int_equal(check_spec_parse("unix:/run/x.sock", &spec,
	    &cause), 0);
	assert_int_equal(spec.kind, CHECK_UNIX);
	assert_string_equal(spec.path, "/run/x.sock");
	check_spec_clear(&spec);

	assert_int_equal(check_spec_parse("exec: /bin/check --fast", &spec,
	    &cause), 0);
	assert_int_equal(spec.kind, CHECK_EXEC);
	assert_string_equal(spec.command, "/bin/check --fast");
	check_spec_clear(&spec);

	assert_int_equal(check_spec_parse("notify", &spec, &cause), 0);
	assert_int_equal(spec.kind, CHECK_NOTIFY);
	check_spec_clear(&spec);
}

static void
test_parse_errors(void **state)
{
	expect_parse_error("tcp:8080", "expected tcp:HOST:PORT");
	expect_parse_error("tcp:host:0", "from 1 to 65535");
	expect_parse_error("tcp:host:70000", "from 1 to 65535");
	expect_parse_error("tcp:host:80x", "bad tcp check");
	expect_parse_error("http://:80/", "bad http check");
	expect_parse_error("https://x/", "https checks are not supported");
	expect_parse_error("exec:   ", "has no command");
	expect_parse_error("unix:", "has no path");
	expect_parse_error("log:", "no regular expression");
	expect_parse_error("log:([a-", "bad regular expression");
	expect_parse_error("ftp://x", "unknown check 'ftp://x'");
	expect_parse_error("", "unknown check ''");
}

static void
test_equal_and_log_match(void **state)
{
	struct check_spec	 a, b, c;
	char			*cause = NULL;

	assert_int_equal(check_spec_parse("log:listening on [0-9]+$", &a,
	    &cause), 0);
	assert_int_equal(check_spec_parse("log:listening on [0-9]+$", &b,
	    &cause), 0);
	assert_int_equal(check_spec_parse("tcp:h:1", &c, &cause), 0);
	assert_true(check_spec_equal(&a, &b));
	assert_false(check_spec_equal(&a, &c));
	assert_true(check_log_match(&a, "INFO listening on 8080", 22));
	/* Only the given length counts: no newline, no stray bytes. */
	assert_true(check_log_match(&a, "listening on 80xyz", 15));
	assert_false(check_log_match(&a, "listening on port", 17));
	assert_false(check_log_match(&c, "anything", 8));
	check_spec_clear(&a);
	check_spec_clear(&b);
	check_spec_clear(&c);
}

struct notified {
	int	 n;
	char	 keys[8][64];
	char	 values[8][64];
	pid_t	 sender;
};

static void
notify_cb(pid_t sender, const char *key, const char *value, void *arg)
{
	struct notified	*nt = arg;

	if (nt->n < 8) {
		snprintf(nt->keys[nt->n], 64, "%s", key);
		snprintf(nt->values[nt->n], 64, "%s", value);
	}
	nt->n++;
	nt->sender = sender;
	event_base_loopbreak(base);
}

static void
test_notify_parse(void **state)
{
	struct notified	nt;
	const char	msg[] = "READY=1\nSTATUS=Loading 3 of 5\nnoequals\n"
			    "=empty\nWATCHDOG=1";

	memset(&nt, 0, sizeof nt);
	assert_int_equal(check_notify_parse(msg, sizeof msg - 1, 7,
	    notify_cb, &nt), 3);
	assert_string_equal(nt.keys[0], "READY");
	assert_string_equal(nt.values[0], "1");
	assert_string_equal(nt.keys[1], "STATUS");
	assert_string_equal(nt.values[1], "Loading 3 of 5");
	assert_string_equal(nt.keys[2], "WATCHDOG");
	assert_int_equal(nt.sender, 7);
}

static void
test_notify_socket(void **state)
{
	struct check_notify	*cn;
	struct notified		 nt;
	struct sockaddr_un	 sun;
	const char		*addr;
	char			*cause = NULL;
	int			 fd;

	memset(&nt, 0, sizeof nt);
	cn = check_notify_open(base, notify_cb, &nt, &cause);
	assert_non_null(cn);
	addr = check_notify_address(cn);
	assert_true(addr[0] == '@');

	/* What sd_notify(3) does with an abstract NOTIFY_SOCKET. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, addr + 1, strlen(addr) - 1);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(sendto(fd, "READY=1\nSTATUS=up", 17, 0,
	    (struct sockaddr *)&sun, offsetof(struct sockaddr_un, sun_path) +
	    strlen(addr)) == 17);
	close(fd);
	event_base_dispatch(base);
	assert_int_equal(nt.n, 2);
	assert_string_equal(nt.keys[1], "STATUS");
	assert_string_equal(nt.values[1], "up");
	assert_int_equal(nt.sender, getpid());
	check_notify_close(cn);
}

/* A listening TCP socket on an ephemeral loopback port. */
static int
listen_tcp(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 16), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	return (fd);
}

static void
test_tcp_probe(void **state)
{
	struct outcome	o;
	char		text[64];
	int		fd, port;

	fd = listen_tcp(&port);
	snprintf(text, sizeof text, "tcp:127.0.0.1:%d", port);
	run_probe(text, 5, NULL, &o);
	assert_true(o.ok);
	assert_string_equal(o.result, "connected");

	/* The same port closed: refused, at once. */
	close(fd);
	run_probe(text, 5, NULL, &o);
	assert_false(o.ok);
	assert_non_null(strstr(o.result, "refused"));
}

static void
test_unix_probe(void **state)
{
	struct sockaddr_un	sun;
	struct outcome		o;
	char			dir[] = "/tmp/test-check-XXXXXX", text[128];
	int			fd;

	assert_non_null(mkdtemp(dir));
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/s", dir);
	snprintf(text, sizeof text, "unix:%s", sun.sun_path);

	run_probe(text, 5, NULL, &o);
	assert_false(o.ok);
	assert_non_null(strstr(o.result, "No such file"));

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(fd, 4), 0);
	run_probe(text, 5, NULL, &o);
	assert_true(o.ok);
	close(fd);
	unlink(sun.sun_path);
	rmdir(dir);
}

static void
http_handler(struct evhttp_request *req, void *arg)
{
	const char	*uri = evhttp_request_get_uri(req);

	if (strcmp(uri, "/ok") == 0)
		evhttp_send_reply(req, 200, "OK", NULL);
	else if (strcmp(uri, "/moved") == 0)
		evhttp_send_reply(req, 302, "Found", NULL);
	else if (strcmp(uri, "/hang") == 0)
		return;		/* never answered: the probe must cut it */
	else
		evhttp_send_reply(req, 503, "Unavailable", NULL);
}

static void
test_http_probe(void **state)
{
	struct evhttp	*http;
	struct outcome	 o;
	char		 text[64];
	int		 fd, port;

	fd = listen_tcp(&port);
	evutil_make_socket_nonblocking(fd);
	http = evhttp_new(base);
	evhttp_accept_socket(http, fd);
	evhttp_set_gencb(http, http_handler, NULL);

	snprintf(text, sizeof text, "http://127.0.0.1:%d/ok", port);
	run_probe(text, 5, NULL, &o);
	assert_true(o.ok);
	assert_string_equal(o.result, "HTTP 200");

	snprintf(text, sizeof text, "http://127.0.0.1:%d/moved", port);
	run_probe(text, 5, NULL, &o);
	assert_true(o.ok);

	snprintf(text, sizeof text, "http://127.0.0.1:%d/down", port);
	run_probe(text, 5, NULL, &o);
	assert_false(o.ok);
	assert_string_equal(o.result, "HTTP 503");

	snprintf(text, sizeof text, "http://127.0.0.1:%d/hang", port);
	run_probe(text, 0.2, NULL, &o);
	assert_false(o.ok);
	assert_string_equal(o.result, "timed out after 0.2 s");
	evhttp_free(http);
}

/* The daemon's spawn, reduced: sh -c in its own process group. */
static pid_t
spawn_sh(const char *command, int outfd, void *arg, char **cause)
{
	pid_t	pid;

	if ((pid = fork()) == 0) {
		setpgid(0, 0);
		dup2(outfd, 1);
		dup2(outfd, 2);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	return (pid);
}

static void
test_exec_probe(void **state)
{
	struct outcome	o;

	run_probe("exec:echo all good", 5, spawn_sh, &o);
	assert_true(o.ok);
	assert_string_equal(o.result, "exit status 0: all good");

	run_probe("exec:echo; echo 'db down' >&2; exit 3", 5, spawn_sh, &o);
	assert_false(o.ok);
	assert_string_equal(o.result, "exit status 3: db down");

	/* A hung check (with a child of its own) is cut and killed. */
	run_probe("exec:sleep 30 & sleep 30", 0.2, spawn_sh, &o);
	assert_false(o.ok);
	assert_string_equal(o.result, "timed out after 0.2 s");

	run_probe("exec:true", 5, NULL, &o);
	assert_false(o.ok);
}

static void
test_cancel(void **state)
{
	struct check_spec	 spec;
	struct check_probe	*cp;
	struct outcome		 o;
	char			*cause = NULL, text[64];
	int			 fd, port;

	fd = listen_tcp(&port);
	snprintf(text, sizeof text, "tcp:127.0.0.1:%d", port);
	assert_int_equal(check_spec_parse(text, &spec, &cause), 0);
	memset(&o, 0, sizeof o);
	cp = check_probe_start(base, &spec, 5, NULL, NULL, done_cb, &o);
	check_probe_cancel(cp);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(o.called, 0);
	check_spec_clear(&spec);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_equal_and_log_match),
		cmocka_unit_test(test_notify_parse),
		cmocka_unit_test_setup_teardown(test_notify_socket, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tcp_probe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unix_probe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_http_probe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exec_probe, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	/* Grandchildren of killed checks come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
