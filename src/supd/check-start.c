/*
 * Starting an active probe of the right kind, and the kinds' shared state
 * at exit. The kinds sit below this file; check-probe.c, below them, owns
 * the probe itself.
 */
#include "check-probe.h"

static const struct {
	enum check_kind	 kind;
	void		(*start)(struct check_probe *);
	void		(*stop)(struct check_probe *);
} check_kinds[] = {
	{ CHECK_TCP, check_tcp_start, check_tcp_stop },
	{ CHECK_UNIX, check_tcp_start, check_tcp_stop },
	{ CHECK_HTTP, check_http_start, check_http_stop },
	{ CHECK_EXEC, check_exec_start, check_exec_stop },
};

struct check_probe *
check_probe_start(struct event_base *base, const struct check_spec *spec,
    double timeout, check_spawn_fn spawn, void *spawn_arg,
    check_done_fn done, void *arg)
{
	struct check_probe	*cp;
	size_t			 i;

	for (i = 0; i < sizeof check_kinds / sizeof check_kinds[0]; i++) {
		if (check_kinds[i].kind == spec->kind)
			break;
	}
	cp = check_probe_new(base, spec, timeout, i < sizeof check_kinds /
	    sizeof check_kinds[0] ? check_kinds[i].stop : NULL);
	cp->done = done;
	cp->arg = arg;
	cp->spawn = spawn;
	cp->spawn_arg = spawn_arg;
	if (cp->stop == NULL)
		check_probe_finish(cp, 0, "%s checks are not probed",
		    check_kind_name(spec->kind));
	else
		check_kinds[i].start(cp);
	return (cp);
}

void
check_free_all(void)
{
	check_dns_free();
	check_exec_free_all();
}
