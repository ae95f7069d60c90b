/*
 * The [consul] and [etcd] sections: where the service registries are. The
 * per-program keys (consul_service, etcd_key, ...) are rows of
 * config-process.c; the clients are made by service.c.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-parse.h"
#include "ini.h"
#include "xmalloc.h"

static const struct {
	const char	*name;
	size_t		 offset;
} config_registry_consul[] = {
	{ "address", offsetof(struct registry_config, consul_address) },
	{ "scheme", offsetof(struct registry_config, consul_scheme) },
	{ "token", offsetof(struct registry_config, consul_token) },
	{ "ca_file", offsetof(struct registry_config, consul_ca_file) },
	{ "cert_file", offsetof(struct registry_config, consul_cert_file) },
	{ "key_file", offsetof(struct registry_config, consul_key_file) },
};

static void
config_registry_get(struct config_ctx *ctx, const struct ini_section *sec,
    const struct expand_vars *vars, const char *name, char **slot)
{
	char	*v;

	if (config_get(ctx, sec, name, NULL, vars, &v) != 0 || v == NULL)
		return;
	if (*v == '\0') {
		free(v);
		return;
	}
	*slot = v;
}

/* Read [consul] and [etcd] into cf->registry; errors go to the context. */
void
config_registry(struct config_ctx *ctx)
{
	struct registry_config	*rc = &ctx->cf->registry;
	struct ini_section	*sec;
	struct expand_vars	 vars;
	size_t			 i;

	config_base_vars(ctx, &vars);
	if ((sec = ini_find_section(ctx->ini, "consul")) != NULL) {
		rc->consul = 1;
		for (i = 0; i < sizeof config_registry_consul /
		    sizeof config_registry_consul[0]; i++) {
			config_registry_get(ctx, sec, &vars,
			    config_registry_consul[i].name,
			    (char **)((char *)rc +
			    config_registry_consul[i].offset));
		}
	}
	if ((sec = ini_find_section(ctx->ini, "etcd")) != NULL) {
		rc->etcd = 1;
		config_registry_get(ctx, sec, &vars, "endpoints",
		    &rc->etcd_endpoints);
	}
	expand_vars_free(&vars);
	config_at_none(ctx);
}

void
config_registry_free(struct registry_config *rc)
{
	free(rc->consul_address);
	free(rc->consul_scheme);
	free(rc->consul_token);
	free(rc->consul_ca_file);
	free(rc->consul_cert_file);
	free(rc->consul_key_file);
	free(rc->etcd_endpoints);
}
