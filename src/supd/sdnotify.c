/*
 * supd as a systemd service (Type=notify): READY=1 once every autostart
 * program is up, STOPPING=1 at shutdown, STATUS= lines, and WATCHDOG=1 at
 * half of WATCHDOG_USEC while the loop runs. NOTIFY_SOCKET is taken out of
 * the environment at start, so programs do not talk to systemd in supd's
 * name.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "sdnotify.h"
#include "xmalloc.h"

static int			 sdnotify_fd = -1;
static struct sockaddr_un	 sdnotify_addr;
static socklen_t		 sdnotify_addrlen;
static struct event		*sdnotify_watchdog;
static int			 sdnotify_ready_sent;
static char			*sdnotify_env[3];	/* for a restart */
static const char *const	 sdnotify_names[3] = {
	"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
};

/*
 * Parse NOTIFY_SOCKET: a path, or "@name" for the abstract namespace.
 * -1 if it is unusable (then supd runs as if it were not set).
 */
static int
sdnotify_parse(const char *value)
{
	size_t	len = strlen(value);

	if (len == 0 || len >= sizeof sdnotify_addr.sun_path ||
	    (value[0] != '/' && value[0] != '@'))
		return (-1);
	memset(&sdnotify_addr, 0, sizeof sdnotify_addr);
	sdnotify_addr.sun_family = AF_UNIX;
	memcpy(sdnotify_addr.sun_path, value, len);
	if (value[0] == '@')
		sdnotify_addr.sun_path[0] = '\0';
	sdnotify_addrlen = offsetof(struct sockaddr_un, sun_path) + len +
	    (value[0] == '/' ? 1 : 0);
	return (0);
}

static void
sdnotify_watchdog_cb(evutil_socket_t fd, short events, void *arg)
{
	sdnotify_send("WATCHDOG=1");
}

/*
 * The watchdog interval: half of WATCHDOG_USEC, if WATCHDOG_PID is unset
 * or names us (systemd's own rule). 0 when there is no watchdog.
 */
static long long
sdnotify_watchdog_usec(void)
{
	const char	*usec, *pid;
	long long	 v;
	char		*end;

	if ((usec = getenv("WATCHDOG_USEC")) == NULL)
		return (0);
	pid = getenv("WATCHDOG_PID");
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return (0);
	v = strtoll(usec, &end, 10);
	if (*end != '\0' || v <= 0)
		return (0);
	return (v / 2);
}

int
sdnotify_init(struct event_base *base)
{
	const char	*value;
	struct timeval	 tv;
	long long	 half;
	int		 i;

	value = getenv("NOTIFY_SOCKET");
	if (value == NULL)
		return (0);
	if (sdnotify_parse(value) == 0)
		sdnotify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	half = sdnotify_watchdog_usec();
	/* Ours alone: a child must not speak for supd. */
	for (i = 0; i < 3; i++) {
		free(sdnotify_env[i]);
		value = getenv(sdnotify_names[i]);
		sdnotify_env[i] = value != NULL ? xstrdup(value) : NULL;
		unsetenv(sdnotify_names[i]);
	}
	if (sdnotify_fd == -1)
		return (0);
	if (half > 0 && base != NULL) {
		sdnotify_watchdog = event_new(base, -1, EV_PERSIST,
		    sdnotify_watchdog_cb, NULL);
		tv.tv_sec = half / 1000000;
		tv.tv_usec = half % 1000000;
		event_add(sdnotify_watchdog, &tv);
	}
	return (1);
}

int
sdnotify_send(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;
	ssize_t	 n;

	if (sdnotify_fd == -1)
		return (0);
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	n = sendto(sdnotify_fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sdnotify_addr, sdnotify_addrlen);
	free(msg);
	return (n < 0 ? -1 : 1);
}

void
sdnotify_ready(const char *status)
{
	if (sdnotify_ready_sent)
		return;
	sdnotify_ready_sent = 1;
	sdnotify_send("READY=1\nSTATUS=%s\nMAINPID=%ld", status,
	    (long)getpid());
}

void
sdnotify_stopping(void)
{
	sdnotify_send("STOPPING=1\nSTATUS=stopping");
}

/*
 * Put the variables back before supd re-executes itself (SIGHUP, the
 * restart call): the new image is the same service, and its watchdog
 * must go on.
 */
void
sdnotify_restore_env(void)
{
	int	i;

	for (i = 0; i < 3; i++) {
		if (sdnotify_env[i] != NULL)
			setenv(sdnotify_names[i], sdnotify_env[i], 1);
	}
}

void
sdnotify_free(void)
{
	int	i;

	for (i = 0; i < 3; i++) {
		free(sdnotify_env[i]);
		sdnotify_env[i] = NULL;
	}
	if (sdnotify_watchdog != NULL)
		event_free(sdnotify_watchdog);
	sdnotify_watchdog = NULL;
	if (sdnotify_fd != -1)
		close(sdnotify_fd);
	sdnotify_fd = -1;
	sdnotify_ready_sent = 0;
}
