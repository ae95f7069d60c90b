/* Internals shared by the probe kinds: only check-*.c include this. */
#ifndef CHECK_PROBE_H
#define CHECK_PROBE_H

#include <sys/types.h>

#include "check.h"

struct bufferevent;
struct evhttp_connection;

struct check_probe {
	struct event_base	*base;
	const struct check_spec	*spec;
	double			 timeout;
	check_done_fn		 done;
	void			*arg;
	check_spawn_fn		 spawn;
	void			*spawn_arg;
	void			(*stop)(struct check_probe *);
	struct event		*timer;
	int			 finished;
	int			 ok;
	char			*result;

	/* tcp, unix */
	struct bufferevent	*bev;
	int			 fd;
	/* http */
	struct evhttp_connection *conn;
	/* exec: the command, and its output (the first line is kept) */
	pid_t			 pid;
	struct event		*out_ev;
	char			 out[256];
	size_t			 outlen;
	struct check_probe	*next;
};

void	check_tcp_start(struct check_probe *);
void	check_tcp_stop(struct check_probe *);
void	check_http_start(struct check_probe *);
void	check_http_stop(struct check_probe *);
void	check_exec_start(struct check_probe *);
void	check_exec_stop(struct check_probe *);

struct evdns_base *check_dns_base(struct event_base *);
void	check_dns_free(void);
void	check_exec_free_all(void);

/* A probe with its deadline armed; check_probe_start fills the rest. */
struct check_probe *check_probe_new(struct event_base *,
	    const struct check_spec *, double timeout,
	    void (*stop)(struct check_probe *));
void	check_probe_free(struct check_probe *);
void	check_probe_ignore(int, const char *, void *);

#endif
