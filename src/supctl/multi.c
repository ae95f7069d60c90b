/*
 * status across many daemons (several -s, or [hosts]): one table with the
 * host first. Each host is asked by a child process of its own, so the
 * calls run in parallel with the blocking client, and a host that does
 * not answer is cut off at the timeout without holding up the others.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "client.h"
#include "cmd.h"
#include "multi.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* What one host said: lines "namespec\tSTATE\tdescription" or an error. */
struct multi_host {
	const char	*url;
	char		*label;		/* host:port or the socket path */
	pid_t		 pid;
	int		 fd;		/* -1 once read to the end */
	struct evbuffer	*out;
	int		 done;		/* the child finished its answer */
};

/* The label of a server URL: the socket path, or host:port. */
static char *
multi_label(const char *url)
{
	const char	*p;

	if (strncmp(url, "unix://", 7) == 0)
		return (xstrdup(url + 7));
	if ((p = strstr(url, "://")) != NULL)
		url = p + 3;
	return (xstrndup(url, strcspn(url, "/")));
}

static const char *
multi_state_name(long long state)
{
	static const struct {
		long long	 state;
		const char	*name;
	} names[] = {
		{ 0, "STOPPED" }, { 10, "STARTING" }, { 20, "RUNNING" },
		{ 30, "BACKOFF" }, { 40, "STOPPING" }, { 100, "EXITED" },
		{ 200, "FATAL" },
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (names[i].state == state)
			return (names[i].name);
	}
	return ("UNKNOWN");
}

static const char *
multi_field(const struct xr_value *v, const char *name)
{
	const struct xr_value	*f = xr_struct_get(v, name);

	return (f != NULL && f->type == XR_STRING ? f->u.s.ptr : "");
}

/* In the child: ask, write the answer to fd, exit. */
static void __attribute__((noreturn))
multi_child(const char *url, const struct multi_opts *mo, int fd)
{
	struct client	*c;
	struct xr_value	*all = NULL, *state;
	const char	*group, *name;
	FILE		*f;
	size_t		 i;
	int		 rc;

	f = fdopen(fd, "w");
	c = client_create(url, mo->username, mo->password);
	client_set_timeout(c, mo->timeout_ms);
	rc = client_call(c, &all, "supervisor.getAllProcessInfo", "");
	if (rc != 0) {
		fprintf(f, "!%s\n", rc == 1 ? client_fault_string(c) :
		    client_message(c));
	} else if (all->type != XR_ARRAY)
		fprintf(f, "!not an answer of getAllProcessInfo\n");
	else {
		for (i = 0; i < all->u.a.n; i++) {
			group = multi_field(all->u.a.items[i], "group");
			name = multi_field(all->u.a.items[i], "name");
			state = xr_struct_get(all->u.a.items[i], "state");
			fprintf(f, "%s%s%s\t%s\t%s\n", strcmp(group, name) == 0 ?
			    "" : group, strcmp(group, name) == 0 ? "" : ":",
			    name, multi_state_name(state != NULL &&
			    state->type == XR_INT ? state->u.i : -1),
			    multi_field(all->u.a.items[i], "description"));
		}
		fprintf(f, ".\n");
	}
	fclose(f);
	_exit(0);
}

static void
multi_start(struct multi_host *h, const struct multi_opts *mo)
{
	int	p[2];

	h->out = evbuffer_new();
	h->fd = -1;
	if (pipe(p) != 0 || (h->pid = fork()) == -1) {
		evbuffer_add_printf(h->out, "!%s\n", strerror(errno));
		h->pid = 0;
		return;
	}
	if (h->pid == 0) {
		close(p[0]);
		multi_child(h->url, mo, p[1]);
	}
	close(p[1]);
	h->fd = p[0];
}

static long long
multi_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000LL + ts.tv_nsec / 1000000);
}

/* Read every host's answer until all are in or the deadline passes. */
static void
multi_collect(struct multi_host *hosts, int n, long long deadline)
{
	struct pollfd	*pfd;
	int		*which, i, k;
	long long	 left;

	pfd = xreallocarray(NULL, n, sizeof *pfd);
	which = xreallocarray(NULL, n, sizeof *which);
	for (;;) {
		for (i = k = 0; i < n; i++) {
			if (hosts[i].fd == -1)
				continue;
			pfd[k].fd = hosts[i].fd;
			pfd[k].events = POLLIN;
			which[k++] = i;
		}
		if (k == 0 || (left = deadline - multi_ms()) <= 0)
			break;
		if (poll(pfd, k, (int)left) == -1 && errno != EINTR)
			break;
		for (i = 0; i < k; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (evbuffer_read(hosts[which[i]].out, pfd[i].fd,
			    4096) <= 0) {
				close(pfd[i].fd);
				hosts[which[i]].fd = -1;
				hosts[which[i]].done = 1;
			}
		}
	}
	free(which);
	free(pfd);
}

/* Print one host's rows; returns 1 if the host did not answer. */
static int
multi_print(const struct multi_host *h, int w, int *notrunning)
{
	char	*text, *line, *save, *state, *desc;
	size_t	 len = evbuffer_get_length(h->out);
	int	 ended = 0;

	text = xstrndup((const char *)evbuffer_pullup(h->out, -1), len);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line == '!') {
			printf("%-*s %-32s %-10s %s\n", w, h->label, "-",
			    "UNREACHABLE", line + 1);
			free(text);
			return (1);
		}
		if (strcmp(line, ".") == 0) {
			ended = 1;
			break;
		}
		if ((state = strchr(line, '\t')) == NULL)
			continue;
		*state++ = '\0';
		if ((desc = strchr(state, '\t')) != NULL)
			*desc++ = '\0';
		if (strcmp(state, "RUNNING") != 0)
			*notrunning = 1;
		printf("%-*s %-32s %-10s %s\n", w, h->label, line, state,
		    desc != NULL ? desc : "");
	}
	free(text);
	if (!ended) {
		printf("%-*s %-32s %-10s %s\n", w, h->label, "-", "UNREACHABLE",
		    "no answer within the timeout");
		return (1);
	}
	return (0);
}

int
multi_status(const struct multi_opts *mo)
{
	struct multi_host	*hosts;
	long long		 deadline;
	int			 i, failed = 0, notrunning = 0, st, w = 4;

	hosts = xcalloc(mo->nurls, sizeof *hosts);
	fflush(stdout);
	for (i = 0; i < mo->nurls; i++) {
		hosts[i].url = mo->urls[i];
		hosts[i].label = multi_label(mo->urls[i]);
		if ((int)strlen(hosts[i].label) > w)
			w = (int)strlen(hosts[i].label);
		multi_start(&hosts[i], mo);
	}
	/* The children time out themselves; this is the backstop. */
	deadline = multi_ms() + (mo->timeout_ms > 0 ? mo->timeout_ms + 1000 :
	    24LL * 3600 * 1000);
	multi_collect(hosts, mo->nurls, deadline);
	printf("%-*s %-32s %-10s %s\n", w, "HOST", "NAME", "STATE",
	    "DESCRIPTION");
	for (i = 0; i < mo->nurls; i++) {
		if (hosts[i].fd != -1) {
			close(hosts[i].fd);
			kill(hosts[i].pid, SIGKILL);
		}
		if (hosts[i].pid > 0)
			waitpid(hosts[i].pid, &st, 0);
		failed |= multi_print(&hosts[i], w, &notrunning);
		evbuffer_free(hosts[i].out);
		free(hosts[i].label);
	}
	free(hosts);
	return (failed ? CMD_GENERIC : notrunning ? CMD_STATUS_NOT_RUNNING :
	    CMD_SUCCESS);
}
