/*
 * The etcd backend, through the v3 JSON gateway of etcd 3.4 (/v3/...). A
 * process is one key on its own lease: granted with etcd_ttl, the key put on
 * it, kept alive every TTL/3 while the process is ready and healthy and
 * revoked (which deletes the key) before the process is stopped. When the
 * process fails the keepalives stop and the key expires within the TTL, as
 * it does when supd is killed; the key's presence is its health, so a
 * balancer watching the prefix sees only live processes. A lease etcd has
 * lost (expired, or a cluster that lost its data) is granted again.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "log.h"
#include "registry-backend.h"
#include "registry-etcd.h"
#include "xmalloc.h"

enum registry_etcd_kind {
	REGISTRY_ETCD_GRANT,
	REGISTRY_ETCD_PUT,
	REGISTRY_ETCD_KEEPALIVE,
	REGISTRY_ETCD_REVOKE,
};

/* What supd knows of a registration in etcd. */
struct registry_etcd_reg {
	char	*lease;		/* decimal id; NULL: none */
	int	 put;		/* key put on this lease */
};

static const char registry_etcd_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode in base64. Caller frees. */
char *
registry_etcd_base64(const void *p, size_t len)
{
	const unsigned char	*in = p;
	char			*out, *o;
	unsigned long		 v;
	size_t			 i;

	o = out = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*o++ = registry_etcd_b64[v >> 18];
		*o++ = registry_etcd_b64[(v >> 12) & 63];
		*o++ = registry_etcd_b64[(v >> 6) & 63];
		*o++ = registry_etcd_b64[v & 63];
	}
	if (i < len) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= in[i + 1] << 8;
		*o++ = registry_etcd_b64[v >> 18];
		*o++ = registry_etcd_b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? registry_etcd_b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (out);
}

/* The body of /v3/kv/put. */
char *
registry_etcd_put_body(const char *key, const char *value, const char *lease)
{
	char	*k, *v, *body;
	json_t	*o;

	k = registry_etcd_base64(key, strlen(key));
	v = registry_etcd_base64(value, strlen(value));
	o = json_pack("{ssssss}", "key", k, "value", v, "lease", lease);
	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	free(k);
	free(v);
	return (body);
}

/* The default etcd_value. */
char *
registry_etcd_default_value(const char *address, int port, long pid,
    const char *group, const char *name)
{
	json_t	*o;
	char	*value;

	o = json_pack("{s:s?,s:o,s:I,s:s?,s:s?}", "address", address, "port",
	    port != 0 ? json_integer(port) : json_null(), "pid",
	    (json_int_t)pid, "group", group, "name", name);
	value = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return (value);
}

static struct registry_etcd_reg *
registry_etcd_data(struct registry_reg *reg)
{
	if (reg->data == NULL)
		reg->data = xcalloc(1, sizeof (struct registry_etcd_reg));
	return (reg->data);
}

static void
registry_etcd_forget_lease(struct registry_etcd_reg *e)
{
	free(e->lease);
	e->lease = NULL;
	e->put = 0;
}

static char *
registry_etcd_lease_body(const char *lease)
{
	return (xprintf("{\"ID\":\"%s\"}", lease));
}

/*
 * What to send: grant, put, then keepalives while passing; nothing while
 * failing (the key expires), and a revoke to take the key away.
 */
static int
registry_etcd_step(struct registry_reg *reg, struct registry_call *call,
    int *refresh_ms)
{
	struct registry_etcd_reg	*e = registry_etcd_data(reg);
	const struct registry_service	*s = &reg->svc;
	enum registry_state		 target = reg->desired;

	if (target == REGISTRY_FAILING && !reg->ever_passing)
		target = REGISTRY_ABSENT;
	call->target = target;
	call->method = EVHTTP_REQ_POST;
	if (target == REGISTRY_ABSENT) {
		if (e->lease == NULL) {
			registry_confirm(reg, REGISTRY_ABSENT);
			return (0);
		}
		call->kind = REGISTRY_ETCD_REVOKE;
		call->path = xstrdup("/v3/lease/revoke");
		call->body = registry_etcd_lease_body(e->lease);
		return (1);
	}
	if (target == REGISTRY_FAILING) {
		/* The key may expire now: put it again when passing. */
		e->put = 0;
		reg->stale = 1;
		registry_confirm(reg, e->lease != NULL ? REGISTRY_FAILING :
		    REGISTRY_ABSENT);
		return (0);
	}
	if (e->lease == NULL) {
		call->kind = REGISTRY_ETCD_GRANT;
		call->path = xstrdup("/v3/lease/grant");
		call->body = xprintf("{\"TTL\":%d}", s->etcd_ttl);
	} else if (!e->put) {
		call->kind = REGISTRY_ETCD_PUT;
		call->path = xstrdup("/v3/kv/put");
		call->body = registry_etcd_put_body(s->etcd_key,
		    s->etcd_value != NULL ? s->etcd_value : "", e->lease);
	} else if (reg->stale) {
		call->kind = REGISTRY_ETCD_KEEPALIVE;
		call->path = xstrdup("/v3/lease/keepalive");
		call->body = registry_etcd_lease_body(e->lease);
	} else {
		*refresh_ms = s->etcd_ttl * 1000 / 3;
		return (0);
	}
	return (1);
}

static int
registry_etcd_answer(struct registry_reg *reg,
    const struct registry_call *call, int code, const char *body, size_t len,
    char **cause)
{
	struct registry_etcd_reg	*e = registry_etcd_data(reg);
	json_t				*o, *v;
	const char			*ttl;
	int				 gone;

	o = json_loadb(body, len, JSON_DISABLE_EOF_CHECK, NULL);
	gone = code == 404 && o != NULL &&
	    json_integer_value(json_object_get(o, "code")) == 5;
	if (code != 200 && !gone) {
		v = json_object_get(o, "message");
		xasprintf(cause, "HTTP %d: %s", code, json_is_string(v) ?
		    json_string_value(v) : "no message");
		json_decref(o);
		return (-1);
	}
	switch (call->kind) {
	case REGISTRY_ETCD_GRANT:
		v = json_object_get(o, "ID");
		if (!json_is_string(v)) {
			*cause = xstrdup("lease grant: no ID");
			json_decref(o);
			return (-1);
		}
		registry_etcd_forget_lease(e);
		e->lease = xstrdup(json_string_value(v));
		reg->stale = 0;
		break;
	case REGISTRY_ETCD_PUT:
		if (gone) {
			/* "requested lease not found": grant another. */
			log_info("etcd: %s: lease %s is gone; granting another",
			    reg->svc.id, e->lease);
			registry_etcd_forget_lease(e);
			break;
		}
		e->put = 1;
		registry_confirm(reg, REGISTRY_PASSING);
		break;
	case REGISTRY_ETCD_KEEPALIVE:
		/* A lost lease is answered with no TTL. */
		v = json_object_get(json_object_get(o, "result"), "TTL");
		ttl = json_string_value(v);
		if (ttl == NULL || strtol(ttl, NULL, 10) <= 0) {
			log_info("etcd: %s: lease %s is gone; granting "
			    "another", reg->svc.id, e->lease);
			registry_etcd_forget_lease(e);
		} else
			reg->stale = 0;
		break;
	case REGISTRY_ETCD_REVOKE:
		registry_etcd_forget_lease(e);
		registry_confirm(reg, REGISTRY_ABSENT);
		break;
	}
	json_decref(o);
	return (0);
}

/* After a failure, put the key again and check the lease, in that order. */
static void
registry_etcd_failed(struct registry_reg *reg)
{
	struct registry_etcd_reg	*e = registry_etcd_data(reg);

	e->put = 0;
	reg->stale = 1;
}

static void
registry_etcd_reg_free(struct registry_reg *reg)
{
	struct registry_etcd_reg	*e = reg->data;

	if (e == NULL)
		return;
	free(e->lease);
	free(e);
}

static const struct registry_backend registry_etcd_backend = {
	.name = "etcd",
	.step = registry_etcd_step,
	.answer = registry_etcd_answer,
	.failed = registry_etcd_failed,
	.reg_free = registry_etcd_reg_free,
};

/* Create the etcd client for a list of endpoints, tried in turn. */
struct registry *
registry_etcd_create(struct event_base *base,
    const struct registry_etcd_config *cfg, char **cause)
{
	struct registry	*r;
	char		*why;

	r = registry_create(base, &registry_etcd_backend);
	if (registry_endpoints_parse(r, cfg->endpoints != NULL ?
	    cfg->endpoints : "http://127.0.0.1:2379", 2379, "http",
	    &why) != 0) {
		xasprintf(cause, "etcd: %s", why);
		free(why);
		registry_free(r);
		return (NULL);
	}
	return (r);
}
