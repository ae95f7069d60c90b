/*
 * Service registration: processes of programs with consul_service or
 * etcd_key go into Consul or etcd (registry.c does the talking).
 *
 * A process observer registers a process when it is RUNNING (ready: until
 * ready checks exist RUNNING is ready), marks it failing at once when it
 * exits on its own, and a group observer removes it when its program
 * leaves the config. A stop on purpose deregisters before the stopsignal
 * goes out, so no client is sent to a dying process: the before_stop hook
 * holds the signal until the registries answer, at most their request
 * timeout (registry.h). A registry failure never changes a process's
 * state; the registry retries on its own.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "group.h"
#include "hmap.h"
#include "log.h"
#include "process.h"
#include "process-check.h"
#include "registry.h"
#include "service.h"
#include "xmalloc.h"

enum {
	SERVICE_CONSUL,
	SERVICE_ETCD,
	SERVICE_NREG,
};

/* One process's registrations. */
struct service {
	struct process		*p;
	struct registry_reg	*reg[SERVICE_NREG];
	int			 etcd_default;	/* value names the pid */
	int			 waiting;	/* deregistrations before a stop */
};

static struct registry	*service_registry[SERVICE_NREG];
static struct hmap	 service_by_proc;
static char		 service_host[256];

static void
service_event_cb(struct registry_reg *reg, enum registry_state state,
    const char *error, void *arg)
{
	struct registry	*r = arg;

	if (error != NULL)
		log_warn("%s: %s: %s", registry_name(r), registry_reg_id(reg),
		    error);
	else
		log_info("%s: %s is %s", registry_name(r), registry_reg_id(reg),
		    registry_state_name(state));
}

/* The registries of the config; -1 with *cause (caller frees). */
int
service_init(struct event_base *base, const struct config *cf, char **cause)
{
	const struct registry_config	*rc = &cf->registry;
	struct registry_consul_config	 cc;
	struct registry_etcd_config	 ec;
	int				 i;

	hmap_init(&service_by_proc);
	if (gethostname(service_host, sizeof service_host) != 0)
		snprintf(service_host, sizeof service_host, "localhost");
	service_host[sizeof service_host - 1] = '\0';
	if (rc->consul) {
		memset(&cc, 0, sizeof cc);
		cc.address = rc->consul_address;
		cc.scheme = rc->consul_scheme;
		cc.token = rc->consul_token;
		cc.ca_file = rc->consul_ca_file;
		cc.cert_file = rc->consul_cert_file;
		cc.key_file = rc->consul_key_file;
		service_registry[SERVICE_CONSUL] = registry_consul_create(base,
		    &cc, cause);
		if (service_registry[SERVICE_CONSUL] == NULL)
			return (-1);
	}
	if (rc->etcd) {
		memset(&ec, 0, sizeof ec);
		ec.endpoints = rc->etcd_endpoints;
		service_registry[SERVICE_ETCD] = registry_etcd_create(base, &ec,
		    cause);
		if (service_registry[SERVICE_ETCD] == NULL)
			return (-1);
	}
	for (i = 0; i < SERVICE_NREG; i++) {
		if (service_registry[i] != NULL)
			registry_set_event_cb(service_registry[i],
			    service_event_cb, service_registry[i]);
	}
	return (0);
}

/* The address and port others reach the process at. */
static const char *
service_address(const struct process_config *pc, const char *own)
{
	if (own != NULL)
		return (own);
	return (pc->ext->service_address != NULL ? pc->ext->service_address :
	    service_host);
}

/* service_port, else the port of a tcp: or http: ready_check, else 0. */
static int
service_port(const struct process_config *pc)
{
	if (pc->ext->service_port != 0)
		return (pc->ext->service_port);
	if (pc->ext->ready_check != NULL && (pc->ext->ready_check->kind == CHECK_TCP ||
	    pc->ext->ready_check->kind == CHECK_HTTP))
		return (pc->ext->ready_check->port);
	return (0);
}

/* The URL Consul polls for consul_check = http: the program's own. */
static const char *
service_http_check(const struct process_config *pc)
{
	if (pc->ext->health_check != NULL && pc->ext->health_check->kind == CHECK_HTTP)
		return (pc->ext->health_check->text);
	if (pc->ext->ready_check != NULL && pc->ext->ready_check->kind == CHECK_HTTP)
		return (pc->ext->ready_check->text);
	return (NULL);
}

static char *
service_etcd_value(const struct process *p)
{
	const struct process_config	*pc = p->config;

	return (registry_etcd_default_value(service_address(pc, NULL),
	    service_port(pc), (long)p->pid, pc->group->name, pc->name));
}

static struct registry_reg *
service_add_consul(const struct process *p)
{
	const struct process_config	*pc = p->config;
	struct registry_service		 s;
	struct registry_meta		*meta;
	struct registry_reg		*reg;
	char				*target = NULL, *eq;
	int				 i;

	memset(&s, 0, sizeof s);
	s.name = pc->ext->consul_service;
	s.id = registry_consul_id(pc->ext->consul_service, service_host, pc->name);
	s.address = service_address(pc, pc->ext->consul_address);
	s.port = pc->ext->consul_port != 0 ? pc->ext->consul_port : service_port(pc);
	s.tags = (const char **)pc->ext->consul_tags.items;
	s.ntags = pc->ext->consul_tags.n;
	meta = xcalloc(pc->ext->consul_meta.n + 1, sizeof *meta);
	for (i = 0; i < pc->ext->consul_meta.n; i++) {
		meta[s.nmeta].key = xstrdup(pc->ext->consul_meta.items[i]);
		if ((eq = strchr(meta[s.nmeta].key, '=')) == NULL) {
			free((char *)meta[s.nmeta].key);
			continue;
		}
		*eq = '\0';
		meta[s.nmeta++].value = eq + 1;
	}
	s.meta = meta;
	s.check = (enum registry_check)pc->ext->consul_check;
	if (s.check == REGISTRY_CHECK_HTTP && service_http_check(pc) != NULL)
		target = xstrdup(service_http_check(pc));
	else if (s.check == REGISTRY_CHECK_HTTP)
		xasprintf(&target, "http://%s:%d/", s.address, s.port);
	else if (s.check == REGISTRY_CHECK_TCP)
		xasprintf(&target, "%s:%d", s.address, s.port);
	s.check_target = target;
	reg = registry_add(service_registry[SERVICE_CONSUL], &s);
	for (i = 0; i < (int)s.nmeta; i++)
		free((char *)meta[i].key);
	free(meta);
	free(target);
	free((char *)s.id);
	return (reg);
}

static struct registry_reg *
service_add_etcd(const struct process *p, int *is_default)
{
	const struct process_config	*pc = p->config;
	struct registry_service		 s;
	struct registry_reg		*reg;
	char				*value = NULL;

	memset(&s, 0, sizeof s);
	s.name = pc->name;
	s.id = pc->ext->etcd_key;
	s.address = service_address(pc, NULL);
	s.port = service_port(pc);
	s.etcd_key = pc->ext->etcd_key;
	*is_default = pc->ext->etcd_value == NULL;
	if (*is_default)
		value = service_etcd_value(p);
	s.etcd_value = *is_default ? value : pc->ext->etcd_value;
	s.etcd_ttl = pc->ext->etcd_ttl;
	reg = registry_add(service_registry[SERVICE_ETCD], &s);
	free(value);
	return (reg);
}

/* The process's registrations, made on first need; NULL when it has none. */
static struct service *
service_get(struct process *p, int create)
{
	const struct process_config	*pc = p->config;
	struct service			*sv;

	if ((sv = hmap_get_int(&service_by_proc, (intptr_t)p)) != NULL ||
	    !create)
		return (sv);
	if ((pc->ext->consul_service == NULL ||
	    service_registry[SERVICE_CONSUL] == NULL) &&
	    (pc->ext->etcd_key == NULL || service_registry[SERVICE_ETCD] == NULL))
		return (NULL);
	sv = xcalloc(1, sizeof *sv);
	sv->p = p;
	if (pc->ext->consul_service != NULL &&
	    service_registry[SERVICE_CONSUL] != NULL)
		sv->reg[SERVICE_CONSUL] = service_add_consul(p);
	if (pc->ext->etcd_key != NULL && service_registry[SERVICE_ETCD] != NULL)
		sv->reg[SERVICE_ETCD] = service_add_etcd(p, &sv->etcd_default);
	hmap_put_int(&service_by_proc, (intptr_t)p, sv);
	return (sv);
}

/* Want every registration of the process in state. */
static void
service_set(struct service *sv, enum registry_state state, const char *why)
{
	int	i;

	for (i = 0; i < SERVICE_NREG; i++) {
		if (sv->reg[i] != NULL)
			registry_set(sv->reg[i], state, why);
	}
}

/* A running process's health turned: its registrations follow. */
static void
service_health_cb(struct process *p, int healthy, int turned,
    const char *result)
{
	struct service	*sv;

	if (!turned || p->state != PROCESS_RUNNING ||
	    (sv = service_get(p, 0)) == NULL)
		return;
	service_set(sv, healthy ? REGISTRY_PASSING : REGISTRY_FAILING,
	    healthy ? NULL : result);
}

static void
service_process_cb(struct process *p, enum process_state old, void *arg)
{
	struct service	*sv;
	char		*value;

	switch (p->state) {
	case PROCESS_RUNNING:
		if ((sv = service_get(p, 1)) == NULL)
			return;
		if (sv->etcd_default) {
			value = service_etcd_value(p);
			registry_set_etcd_value(sv->reg[SERVICE_ETCD], value);
			free(value);
		}
		service_set(sv, REGISTRY_PASSING, NULL);
		break;
	case PROCESS_EXITED:
	case PROCESS_BACKOFF:
	case PROCESS_FATAL:
	case PROCESS_UNKNOWN:
		/* It left on its own: failing now, not when Consul notices. */
		if ((sv = service_get(p, 0)) == NULL || old != PROCESS_RUNNING)
			return;
		service_set(sv, REGISTRY_FAILING, "exited unexpectedly");
		break;
	case PROCESS_STOPPED:
		/* Deregistered before the stopsignal; this covers the rest. */
		if ((sv = service_get(p, 0)) != NULL && sv->waiting == 0)
			service_set(sv, REGISTRY_ABSENT, NULL);
		break;
	default:
		break;
	}
}

static void
service_done_cb(struct registry_reg *reg, int status, void *arg)
{
	struct service	*sv = arg;
	struct process	*p = sv->p;

	if (status != 0)
		log_warn("%s: not deregistered before the stop; stopping "
		    "anyway", registry_reg_id(reg));
	if (--sv->waiting > 0)
		return;
	process_stop_continue(p);
	process_unref(p);
}

int
service_before_stop(struct process *p)
{
	struct service	*sv;
	int		 i;

	if ((sv = service_get(p, 0)) == NULL || sv->waiting > 0)
		return (0);
	for (i = 0; i < SERVICE_NREG; i++) {
		if (sv->reg[i] == NULL ||
		    (registry_desired(sv->reg[i]) == REGISTRY_ABSENT &&
		    registry_confirmed(sv->reg[i]) == REGISTRY_ABSENT))
			continue;
		sv->waiting++;
	}
	if (sv->waiting == 0)
		return (0);
	process_ref(p);
	/* The callbacks never run from inside registry_deregister. */
	for (i = 0; i < SERVICE_NREG; i++) {
		if (sv->reg[i] == NULL ||
		    (registry_desired(sv->reg[i]) == REGISTRY_ABSENT &&
		    registry_confirmed(sv->reg[i]) == REGISTRY_ABSENT))
			continue;
		registry_deregister(sv->reg[i], service_done_cb, sv);
	}
	return (1);
}

/* A group left the running set: its processes leave the registries. */
static void
service_group_cb(struct group *g, enum group_change change, void *arg)
{
	struct service	*sv;
	int		 i, j;

	if (change != GROUP_CHANGE_REMOVED)
		return;
	for (i = 0; i < g->nprocs; i++) {
		sv = hmap_del_int(&service_by_proc, (intptr_t)g->procs[i]);
		if (sv == NULL)
			continue;
		for (j = 0; j < SERVICE_NREG; j++) {
			if (sv->reg[j] != NULL)
				registry_remove(sv->reg[j]);
		}
		free(sv);
	}
}

void
service_start(void)
{
	if (service_registry[SERVICE_CONSUL] == NULL &&
	    service_registry[SERVICE_ETCD] == NULL)
		return;
	process_add_observer(service_process_cb, NULL);
	process_check_add_health_observer(service_health_cb);
	group_add_observer(service_group_cb, NULL);
}

void
service_done(void)
{
	size_t	i;

	for (i = 0; i < service_by_proc.cap; i++) {
		if (service_by_proc.slots[i].hash & 1)
			free(service_by_proc.slots[i].value);
	}
	hmap_free(&service_by_proc);
	for (i = 0; i < SERVICE_NREG; i++) {
		if (service_registry[i] != NULL)
			registry_free(service_registry[i]);
		service_registry[i] = NULL;
	}
}
