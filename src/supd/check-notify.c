/*
 * The systemd notify protocol for `notify` checks: a datagram socket per
 * process, named in the child's NOTIFY_SOCKET, on which the program sends
 * "READY=1", "STATUS=...", "WATCHDOG=1" lines (sd_notify(3)). The socket
 * is in the abstract namespace ("@supd-notify-..."), so nothing is left in
 * the file system, and it asks for the sender's credentials so the caller
 * can tell the program from a stranger.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "check.h"
#include "xmalloc.h"

#define CHECK_NOTIFY_MAX	4096	/* longest datagram read */

struct check_notify {
	int			 fd;
	struct event		*ev;
	char			 address[64];	/* for NOTIFY_SOCKET */
	check_notify_fn		 fn;
	void			*arg;
};

/*
 * Split one datagram into KEY=VALUE lines and call fn for each. Lines
 * without '=' and empty keys are skipped, as systemd does. Returns the
 * number of assignments.
 */
int
check_notify_parse(const char *msg, size_t len, pid_t sender,
    check_notify_fn fn, void *arg)
{
	const char	*line, *end = msg + len, *nl, *eq;
	char		 key[64], *value;
	size_t		 klen;
	int		 n = 0;

	for (line = msg; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', end - line)) == NULL)
			nl = end;
		eq = memchr(line, '=', nl - line);
		if (eq == NULL || eq == line)
			continue;
		klen = eq - line;
		if (klen >= sizeof key || memchr(line, '\0', nl - line) != NULL)
			continue;
		memcpy(key, line, klen);
		key[klen] = '\0';
		value = xstrndup(eq + 1, nl - eq - 1);
		fn(sender, key, value, arg);
		free(value);
		n++;
	}
	return (n);
}

static void
check_notify_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct check_notify	*cn = arg;
	char			 buf[CHECK_NOTIFY_MAX];
	char			 control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec		 iov = { buf, sizeof buf };
	struct msghdr		 mh;
	struct cmsghdr		*cmsg;
	struct ucred		 cred;
	ssize_t			 n;
	int			 i;

	/* A bounded number per wake-up, so a flood cannot starve the loop. */
	for (i = 0; i < 16; i++) {
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = control;
		mh.msg_controllen = sizeof control;
		n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0)
			return;
		cred.pid = 0;
		for (cmsg = CMSG_FIRSTHDR(&mh); cmsg != NULL;
		    cmsg = CMSG_NXTHDR(&mh, cmsg)) {
			if (cmsg->cmsg_level == SOL_SOCKET &&
			    cmsg->cmsg_type == SCM_CREDENTIALS)
				memcpy(&cred, CMSG_DATA(cmsg), sizeof cred);
			/* Descriptors sent to us (FDSTORE) are not kept. */
			if (cmsg->cmsg_level == SOL_SOCKET &&
			    cmsg->cmsg_type == SCM_RIGHTS) {
				int	*fds = (int *)CMSG_DATA(cmsg);
				size_t	 k, nfds = (cmsg->cmsg_len -
				    CMSG_LEN(0)) / sizeof(int);

				for (k = 0; k < nfds; k++)
					close(fds[k]);
			}
		}
		check_notify_parse(buf, (size_t)n, cred.pid, cn->fn, cn->arg);
	}
}

struct check_notify *
check_notify_open(struct event_base *base, check_notify_fn fn, void *arg,
    char **cause)
{
	static unsigned		 seq;
	struct check_notify	*cn;
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 on = 1;

	cn = xcalloc(1, sizeof *cn);
	cn->fn = fn;
	cn->arg = arg;
	cn->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (cn->fd == -1)
		goto fail;
	snprintf(cn->address, sizeof cn->address, "@supd-notify-%ld-%u",
	    (long)getpid(), seq++);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	/* Abstract: a NUL, then the name after the '@'. */
	memcpy(sun.sun_path + 1, cn->address + 1, strlen(cn->address) - 1);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(cn->address);
	if (bind(cn->fd, (struct sockaddr *)&sun, len) != 0 ||
	    setsockopt(cn->fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0)
		goto fail;
	cn->ev = event_new(base, cn->fd, EV_READ | EV_PERSIST,
	    check_notify_read_cb, cn);
	event_add(cn->ev, NULL);
	return (cn);
fail:
	xasprintf(cause, "cannot make a notify socket: %s", strerror(errno));
	if (cn->fd != -1)
		close(cn->fd);
	free(cn);
	return (NULL);
}

const char *
check_notify_address(const struct check_notify *cn)
{
	return (cn->address);
}

void
check_notify_close(struct check_notify *cn)
{
	if (cn == NULL)
		return;
	if (cn->ev != NULL)
		event_free(cn->ev);
	close(cn->fd);
	free(cn);
}
