/*
 * registry-drive: drive the registry clients from stdin, for
 * tests/func/test_registry.py, which tests them alone: hung and failing
 * registries, back-off and catch-up, without a daemon around them.
 *
 *   registry-drive [-v] [-t timeout_ms] [-b min_ms:max_ms]
 *       [-n max_inflight] [-A ca_file] [-C cert_file] [-K key_file]
 *       consul ADDRESS [TOKEN [SCHEME]] | etcd ENDPOINTS
 *
 * Commands, one a line:
 *   add P k=v ...	name, id, address, port, tags=a,b, meta=k=v,k2=v2,
 *			check=ttl|http|tcp|none, target, key, value, ttl, pid,
 *			group (value defaults to registry_etcd_default_value)
 *   up P [why]		registry_set PASSING
 *   fail P [why]	registry_set FAILING
 *   down P		registry_deregister; prints "done P 0|-1 MS"
 *   remove P		registry_remove
 *   state P		prints "state P DESIRED CONFIRMED"
 *   quit
 * Events print as "event P STATE" and "error P STATE TEXT"; "ok" follows each
 * command, so a test knows it was read.
 */
#include <sys/types.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "log.h"
#include "registry.h"
#include "xmalloc.h"

#define DRIVE_MAX	64

struct drive_proc {
	char			*name;
	struct registry_reg	*reg;
	struct registry_reg	*removed;	/* only to name its events */
	struct timespec		 down_at;
};

static struct event_base	*drive_base;
static struct registry		*drive_registry;
static struct drive_proc	 drive_procs[DRIVE_MAX];
static int			 drive_nprocs;

static struct drive_proc *
drive_find(const char *name)
{
	int	i;

	for (i = 0; i < drive_nprocs; i++) {
		if (drive_procs[i].reg != NULL &&
		    strcmp(drive_procs[i].name, name) == 0)
			return (&drive_procs[i]);
	}
	return (NULL);
}

static struct drive_proc *
drive_find_reg(struct registry_reg *reg)
{
	int	i;

	for (i = 0; i < drive_nprocs; i++) {
		if (drive_procs[i].reg == reg ||
		    drive_procs[i].removed == reg)
			return (&drive_procs[i]);
	}
	return (NULL);
}

static void
drive_event_cb(struct registry_reg *reg, enum registry_state state,
    const char *error, void *arg)
{
	struct drive_proc	*p = drive_find_reg(reg);
	const char		*name = p != NULL ? p->name : registry_reg_id(reg);

	if (error != NULL)
		printf("error %s %s %s\n", name, registry_state_name(state),
		    error);
	else
		printf("event %s %s\n", name, registry_state_name(state));
	fflush(stdout);
}

static void
drive_done_cb(struct registry_reg *reg, int status, void *arg)
{
	struct drive_proc	*p = arg;
	struct timespec		 now;
	long			 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - p->down_at.tv_sec) * 1000 +
	    (now.tv_nsec - p->down_at.tv_nsec) / 1000000;
	printf("done %s %d %ld\n", p->name, status, ms);
	fflush(stdout);
}

/* Split "a,b" into a NULL-terminated array in place. */
static size_t
drive_split(char *s, char sep, char ***out)
{
	char	**v = NULL, *item;
	size_t	  n = 0;

	while ((item = strsep(&s, (char[]){ sep, '\0' })) != NULL) {
		if (*item == '\0')
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = item;
	}
	*out = v;
	return (n);
}

static void
drive_add(char *name, char *args)
{
	struct registry_service	 s;
	struct registry_meta	 meta[16];
	struct drive_proc	*p;
	char			*word, *v, **tags = NULL, **pairs = NULL;
	char			*value = NULL, *group = "g", *eq;
	long			 pid = 0;
	size_t			 i, n;

	memset(&s, 0, sizeof s);
	s.name = name;
	s.id = name;
	while ((word = strsep(&args, " ")) != NULL) {
		if ((v = strchr(word, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(word, "name") == 0)
			s.name = v;
		else if (strcmp(word, "id") == 0)
			s.id = v;
		else if (strcmp(word, "address") == 0)
			s.address = v;
		else if (strcmp(word, "port") == 0)
			s.port = atoi(v);
		else if (strcmp(word, "tags") == 0)
			s.ntags = drive_split(v, ',', &tags);
		else if (strcmp(word, "meta") == 0) {
			n = drive_split(v, ',', &pairs);
			for (i = 0; i < n && i < 16; i++) {
				meta[i].key = pairs[i];
				eq = strchr(pairs[i], '=');
				if (eq != NULL)
					*eq++ = '\0';
				meta[i].value = eq != NULL ? eq : "";
			}
			s.meta = meta;
			s.nmeta = i;
		} else if (strcmp(word, "check") == 0) {
			s.check = strcmp(v, "http") == 0 ? REGISTRY_CHECK_HTTP :
			    strcmp(v, "tcp") == 0 ? REGISTRY_CHECK_TCP :
			    strcmp(v, "none") == 0 ? REGISTRY_CHECK_NONE :
			    REGISTRY_CHECK_TTL;
		} else if (strcmp(word, "target") == 0)
			s.check_target = v;
		else if (strcmp(word, "key") == 0)
			s.etcd_key = v;
		else if (strcmp(word, "value") == 0)
			s.etcd_value = v;
		else if (strcmp(word, "ttl") == 0)
			s.etcd_ttl = atoi(v);
		else if (strcmp(word, "pid") == 0)
			pid = atol(v);
		else if (strcmp(word, "group") == 0)
			group = v;
	}
	s.tags = (const char **)tags;
	if (s.etcd_value == NULL) {
		value = registry_etcd_default_value(s.address, s.port, pid,
		    group, name);
		s.etcd_value = value;
	}
	if (drive_nprocs == DRIVE_MAX)
		fatalx("too many");
	p = &drive_procs[drive_nprocs++];
	p->name = xstrdup(name);
	p->reg = registry_add(drive_registry, &s);
	free(value);
	free(tags);
	free(pairs);
}

static void
drive_quit(void)
{
	int	i;

	registry_free(drive_registry);
	drive_registry = NULL;
	for (i = 0; i < drive_nprocs; i++)
		free(drive_procs[i].name);
	event_base_loopbreak(drive_base);
}

static void
drive_command(char *line)
{
	struct drive_proc	*p = NULL;
	char			*cmd, *name, *rest;

	cmd = strsep(&line, " ");
	name = strsep(&line, " ");
	rest = line != NULL ? line : "";
	if (strcmp(cmd, "quit") == 0) {
		drive_quit();
		return;
	}
	if (name == NULL) {
		printf("bad %s\n", cmd);
		goto out;
	}
	if (strcmp(cmd, "add") == 0) {
		drive_add(name, rest);
		goto out;
	}
	if ((p = drive_find(name)) == NULL) {
		printf("unknown %s\n", name);
		goto out;
	}
	if (strcmp(cmd, "up") == 0)
		registry_set(p->reg, REGISTRY_PASSING, *rest ? rest : NULL);
	else if (strcmp(cmd, "fail") == 0)
		registry_set(p->reg, REGISTRY_FAILING, *rest ? rest : NULL);
	else if (strcmp(cmd, "down") == 0) {
		clock_gettime(CLOCK_MONOTONIC, &p->down_at);
		registry_deregister(p->reg, drive_done_cb, p);
	} else if (strcmp(cmd, "remove") == 0) {
		registry_remove(p->reg);
		p->removed = p->reg;
		p->reg = NULL;
	} else if (strcmp(cmd, "state") == 0) {
		printf("state %s %s %s\n", name,
		    registry_state_name(registry_desired(p->reg)),
		    registry_state_name(registry_confirmed(p->reg)));
	} else
		printf("bad %s\n", cmd);
out:
	printf("ok\n");
	fflush(stdout);
}

static void
drive_read_cb(struct bufferevent *bev, void *arg)
{
	char	*line;

	while (drive_registry != NULL && (line = evbuffer_readln(
	    bufferevent_get_input(bev), NULL, EVBUFFER_EOL_LF)) != NULL) {
		drive_command(line);
		free(line);
	}
}

static void
drive_error_cb(struct bufferevent *bev, short what, void *arg)
{
	if (drive_registry != NULL)
		drive_quit();
}

int
main(int argc, char **argv)
{
	struct registry_consul_config	 consul;
	struct registry_etcd_config	 etcd;
	struct bufferevent		*in;
	char				*cause = NULL, *colon;
	char				*ca = NULL, *cert = NULL, *key = NULL;
	int				 ch, timeout = 0, bmin = 0, bmax = 0;
	int				 inflight = 0;

	log_set_stderr(1);
	while ((ch = getopt(argc, argv, "A:b:C:K:n:t:v")) != -1) {
		switch (ch) {
		case 'A':
			ca = optarg;
			break;
		case 'C':
			cert = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'b':
			bmin = atoi(optarg);
			colon = strchr(optarg, ':');
			bmax = colon != NULL ? atoi(colon + 1) : bmin;
			break;
		case 'n':
			inflight = atoi(optarg);
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'v':
			log_set_level(LEVEL_DEBUG);
			break;
		default:
			return (2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fatalx("usage: registry-drive consul ADDR [TOKEN] | etcd EPS");
	srandom(getpid());
	drive_base = event_base_new();
	if (strcmp(argv[0], "consul") == 0) {
		memset(&consul, 0, sizeof consul);
		consul.address = argv[1];
		consul.token = argc > 2 && *argv[2] != '\0' ? argv[2] : NULL;
		consul.scheme = argc > 3 ? argv[3] : NULL;
		consul.ca_file = ca;
		consul.cert_file = cert;
		consul.key_file = key;
		drive_registry = registry_consul_create(drive_base, &consul,
		    &cause);
	} else {
		etcd.endpoints = argv[1];
		drive_registry = registry_etcd_create(drive_base, &etcd,
		    &cause);
	}
	if (drive_registry == NULL) {
		printf("error %s\n", cause);
		free(cause);
		return (1);
	}
	if (timeout != 0)
		registry_set_timeout(drive_registry, timeout);
	if (inflight != 0)
		registry_set_max_inflight(drive_registry, inflight);
	if (bmin != 0)
		registry_set_backoff(drive_registry, bmin, bmax);
	registry_set_event_cb(drive_registry, drive_event_cb, NULL);

	in = bufferevent_socket_new(drive_base, 0, 0);
	bufferevent_setcb(in, drive_read_cb, NULL, drive_error_cb, NULL);
	bufferevent_enable(in, EV_READ);
	printf("ready\n");
	fflush(stdout);
	event_base_dispatch(drive_base);
	/* One more turn frees the connections of the last answers. */
	event_base_loop(drive_base, EVLOOP_NONBLOCK);
	bufferevent_free(in);
	event_base_free(drive_base);
	printf("bye\n");
	return (0);
}
