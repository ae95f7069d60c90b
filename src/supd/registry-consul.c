/*
 * The Consul backend: only the documented agent endpoints. A process is one
 * service with the id NAME-HOST-PROCESSNAME, registered with its check; with
 * the default TTL check supd itself passes and fails it and refreshes it
 * before the TTL runs out, so a killed supd leaves its services critical
 * (and registered again under the same ids when it comes back). With http
 * or tcp checks Consul finds a failing process on its own. https goes
 * through registry-tls.c.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "registry-backend.h"
#include "registry-consul.h"
#include "registry-tls.h"
#include "xmalloc.h"

enum registry_consul_kind {
	REGISTRY_CONSUL_REGISTER,
	REGISTRY_CONSUL_UPDATE,
	REGISTRY_CONSUL_DEREGISTER,
};

struct registry_consul {
	char	*token;
};

/* The service id: NAME-HOST-PROCESSNAME. */
char *
registry_consul_id(const char *name, const char *host, const char *process)
{
	return (xprintf("%s-%s-%s", name, host, process));
}

static json_t *
registry_consul_check(const struct registry_service *s,
    enum registry_state state)
{
	char	*target, ttl[16];
	json_t	*check;

	switch (s->check) {
	case REGISTRY_CHECK_TTL:
		snprintf(ttl, sizeof ttl, "%ds", REGISTRY_CONSUL_TTL);
		return (json_pack("{s:s,s:s,s:s,s:s}", "Name", "supd", "TTL", ttl,
		    "Status", state == REGISTRY_PASSING ? "passing" :
		    "critical", "Notes", "supd passes and fails this check "
		    "from the process's state"));
	case REGISTRY_CHECK_HTTP:
		if (s->check_target == NULL)
			return (NULL);
		return (json_pack("{s:s,s:s,s:s,s:s,s:s}", "Name", "http", "HTTP",
		    s->check_target, "Interval", REGISTRY_CONSUL_INTERVAL,
		    "Timeout", REGISTRY_CONSUL_CHECK_TIMEOUT, "Method", "GET"));
	case REGISTRY_CHECK_TCP:
		if (s->check_target != NULL)
			target = xstrdup(s->check_target);
		else if (s->address != NULL && s->port != 0)
			target = xprintf("%s:%d", s->address, s->port);
		else
			return (NULL);
		check = json_pack("{s:s,s:s,s:s,s:s}", "Name", "tcp", "TCP", target,
		    "Interval", REGISTRY_CONSUL_INTERVAL, "Timeout",
		    REGISTRY_CONSUL_CHECK_TIMEOUT);
		free(target);
		return (check);
	case REGISTRY_CHECK_NONE:
		break;
	}
	return (NULL);
}

/* The body of /v1/agent/service/register; see registry-consul.h. */
char *
registry_consul_register_body(const struct registry_service *s,
    enum registry_state state)
{
	json_t	*o, *tags, *meta, *check;
	char	*body;
	size_t	 i;

	o = json_pack("{ssss}", "ID", s->id, "Name", s->name);
	if (s->address != NULL)
		json_object_set_new(o, "Address", json_string(s->address));
	if (s->port != 0)
		json_object_set_new(o, "Port", json_integer(s->port));
	tags = json_array();
	for (i = 0; i < s->ntags; i++)
		json_array_append_new(tags, json_string(s->tags[i]));
	json_object_set_new(o, "Tags", tags);
	if (s->nmeta != 0) {
		meta = json_object();
		for (i = 0; i < s->nmeta; i++) {
			json_object_set_new(meta, s->meta[i].key,
			    json_string(s->meta[i].value));
		}
		json_object_set_new(o, "Meta", meta);
	}
	if ((check = registry_consul_check(s, state)) != NULL)
		json_object_set_new(o, "Check", check);
	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return (body);
}

/* The body of /v1/agent/check/update/service:ID. */
char *
registry_consul_update_body(enum registry_state state, const char *why)
{
	json_t	*o;
	char	*body;

	if (why == NULL)
		why = state == REGISTRY_PASSING ? "ready" : "not ready";
	o = json_pack("{ssss}", "Status", state == REGISTRY_PASSING ?
	    "passing" : "critical", "Output", why);
	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return (body);
}

static char *
registry_consul_path(const char *prefix, const char *id)
{
	char	*enc, *path;

	enc = evhttp_uriencode(id, -1, 0);
	path = xprintf("%s%s", prefix, enc);
	free(enc);
	return (path);
}

/*
 * What to send: a process that never became ready is not registered, even
 * failing; an unknown state (after a failure) is registered again, which
 * also sets the check; a TTL check is updated on a change and refreshed
 * while passing.
 */
static int
registry_consul_step(struct registry_reg *reg, struct registry_call *call,
    int *refresh_ms)
{
	const struct registry_service	*s = &reg->svc;
	enum registry_state		 target = reg->desired;

	if (target == REGISTRY_FAILING && !reg->ever_passing)
		target = REGISTRY_ABSENT;
	call->target = target;
	call->method = EVHTTP_REQ_PUT;
	if (target == REGISTRY_ABSENT) {
		if (reg->confirmed == REGISTRY_ABSENT)
			return (0);
		call->kind = REGISTRY_CONSUL_DEREGISTER;
		call->path = registry_consul_path(
		    "/v1/agent/service/deregister/", s->id);
		return (1);
	}
	if (reg->confirmed == REGISTRY_ABSENT ||
	    reg->confirmed == REGISTRY_UNKNOWN) {
		call->kind = REGISTRY_CONSUL_REGISTER;
		call->path = xstrdup("/v1/agent/service/register");
		call->body = registry_consul_register_body(s, target);
		return (1);
	}
	if (s->check != REGISTRY_CHECK_TTL) {
		registry_confirm(reg, target);
		return (0);
	}
	if (reg->confirmed != target || reg->stale) {
		call->kind = REGISTRY_CONSUL_UPDATE;
		call->path = registry_consul_path(
		    "/v1/agent/check/update/service:", s->id);
		call->body = registry_consul_update_body(target, reg->why);
		return (1);
	}
	/* A failing check turns critical on its own; refresh it seldom. */
	*refresh_ms = (target == REGISTRY_PASSING ? REGISTRY_CONSUL_REFRESH :
	    REGISTRY_CONSUL_TTL) * 1000;
	return (0);
}

static int
registry_consul_answer(struct registry_reg *reg,
    const struct registry_call *call, int code, const char *body, size_t len,
    char **cause)
{
	if (call->kind == REGISTRY_CONSUL_DEREGISTER && code == 404) {
		/* "Unknown service ID": gone already. */
		code = 200;
	}
	if (code != 200) {
		len = strcspn(body, "\r\n");
		xasprintf(cause, "HTTP %d: %.*s", code,
		    (int)(len > 200 ? 200 : len), body);
		return (-1);
	}
	reg->stale = 0;
	registry_confirm(reg, call->target);
	return (0);
}

static void
registry_consul_headers(struct registry *r, struct evkeyvalq *headers)
{
	struct registry_consul	*c = r->data;

	if (c->token != NULL && *c->token != '\0')
		evhttp_add_header(headers, "X-Consul-Token", c->token);
}

static void
registry_consul_free(struct registry *r)
{
	struct registry_consul	*c = r->data;

	free(c->token);
	free(c);
}

static const struct registry_backend registry_consul_backend = {
	.name = "consul",
	.step = registry_consul_step,
	.answer = registry_consul_answer,
	.headers = registry_consul_headers,
	.free = registry_consul_free,
};

/*
 * The scheme: the [consul] one, else the address's (CONSUL_HTTP_ADDR may be
 * https://...), else http.
 */
static const char *
registry_consul_scheme(const struct registry_consul_config *cfg,
    const char *address)
{
	if (cfg->scheme != NULL)
		return (cfg->scheme);
	if (strncmp(address, "https://", 8) == 0)
		return ("https");
	return ("http");
}

/*
 * Create the Consul client. With https the agent's certificate is verified
 * against ca_file (or the system's CAs) and cert_file and key_file are
 * presented when the agent asks for a client certificate.
 */
struct registry *
registry_consul_create(struct event_base *base,
    const struct registry_consul_config *cfg, char **cause)
{
	struct registry		*r;
	struct registry_consul	*c;
	const char		*address, *token, *scheme;
	char			*why;

	if ((address = cfg->address) == NULL &&
	    (address = getenv("CONSUL_HTTP_ADDR")) == NULL)
		address = "127.0.0.1:8500";
	if ((token = cfg->token) == NULL)
		token = getenv("CONSUL_HTTP_TOKEN");
	scheme = registry_consul_scheme(cfg, address);
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		xasprintf(cause, "consul: scheme %s is not supported, only "
		    "http or https", scheme);
		return (NULL);
	}

	r = registry_create(base, &registry_consul_backend);
	c = xcalloc(1, sizeof *c);
	c->token = token == NULL ? NULL : xstrdup(token);
	r->data = c;
	if (registry_endpoints_parse(r, address, 8500, scheme, &why) != 0)
		goto fail;
	if (r->nendpoints != 1) {
		why = xprintf("one address only: %s", address);
		goto fail;
	}
	if (strcmp(scheme, "https") == 0 && (r->tls = registry_tls_create(
	    cfg->ca_file, cfg->cert_file, cfg->key_file, &why)) == NULL)
		goto fail;
	return (r);

fail:
	xasprintf(cause, "consul: %s", why);
	free(why);
	registry_free(r);
	return (NULL);
}
