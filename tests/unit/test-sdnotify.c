/*
 * Tests of supd's sd_notify side: the socket is found in NOTIFY_SOCKET
 * (path or abstract) and removed from the environment, READY=1 goes out
 * once, and the watchdog keeps sending while the loop runs.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "sdnotify.h"

static char	received[4][256];
static int	nreceived;

/* A receiving socket, like systemd's, bound at name (a path or "@x"). */
static int
bind_receiver(const char *name)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, name);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(name);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	return (fd);
}

static struct event_base	*base;

static void
recv_cb(evutil_socket_t fd, short events, void *arg)
{
	ssize_t	n;

	n = recv(fd, received[nreceived], sizeof received[0] - 1, 0);
	if (n > 0 && nreceived < 4)
		received[nreceived++][n] = '\0';
	event_base_loopbreak(base);
}

static void
test_ready_once_and_env_cleared(void **state)
{
	char	path[] = "/tmp/test-sdnotify-XXXXXX", sock[64], want[128];
	int	fd;

	assert_non_null(mkdtemp(path));
	snprintf(sock, sizeof sock, "%s/notify", path);
	fd = bind_receiver(sock);
	setenv("NOTIFY_SOCKET", sock, 1);
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(sdnotify_init(NULL), 1);
	assert_null(getenv("NOTIFY_SOCKET"));

	sdnotify_ready("3 programs running");
	sdnotify_ready("again");
	sdnotify_stopping();
	nreceived = 0;
	while (nreceived < 4 && recv(fd, received[nreceived],
	    sizeof received[0] - 1, MSG_DONTWAIT) > 0)
		nreceived++;
	assert_int_equal(nreceived, 2);
	snprintf(want, sizeof want, "READY=1\nSTATUS=3 programs running\n"
	    "MAINPID=%ld", (long)getpid());
	assert_string_equal(received[0], want);
	assert_string_equal(received[1], "STOPPING=1\nSTATUS=stopping");
	sdnotify_free();
	close(fd);
	unlink(sock);
	rmdir(path);
}

static void
test_abstract_socket_and_watchdog(void **state)
{
	struct event	*ev;
	char		 name[64];
	int		 fd;

	base = event_base_new();
	snprintf(name, sizeof name, "@test-sdnotify-%ld", (long)getpid());
	fd = bind_receiver(name);
	setenv("NOTIFY_SOCKET", name, 1);
	setenv("WATCHDOG_USEC", "100000", 1);	/* every 50 ms */
	assert_int_equal(sdnotify_init(base), 1);
	assert_null(getenv("WATCHDOG_USEC"));
	ev = event_new(base, fd, EV_READ | EV_PERSIST, recv_cb, NULL);
	event_add(ev, NULL);
	nreceived = 0;
	event_base_dispatch(base);
	event_base_dispatch(base);
	assert_int_equal(nreceived, 2);
	assert_string_equal(received[0], "WATCHDOG=1");
	assert_string_equal(received[1], "WATCHDOG=1");
	event_free(ev);
	sdnotify_free();
	event_base_free(base);
	close(fd);
}

static void
test_watchdog_for_another_pid_and_no_socket(void **state)
{
	setenv("NOTIFY_SOCKET", "@unused", 1);
	setenv("WATCHDOG_USEC", "100000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	base = event_base_new();
	assert_int_equal(sdnotify_init(base), 1);
	/* Nothing is armed: the loop has nothing to wait for. */
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 1);
	sdnotify_free();
	event_base_free(base);

	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify_init(NULL), 0);
	assert_int_equal(sdnotify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify_init(NULL), 0);
	assert_null(getenv("NOTIFY_SOCKET"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_once_and_env_cleared),
		cmocka_unit_test(test_abstract_socket_and_watchdog),
		cmocka_unit_test(test_watchdog_for_another_pid_and_no_socket),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
