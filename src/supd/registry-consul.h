/* The Consul agent backend's request bodies, for the unit tests. */
#ifndef REGISTRY_CONSUL_H
#define REGISTRY_CONSUL_H

#include "registry.h"

#define REGISTRY_CONSUL_TTL		30	/* seconds, of the TTL check */
#define REGISTRY_CONSUL_REFRESH		10	/* seconds, passing refresh */
#define REGISTRY_CONSUL_INTERVAL	"10s"	/* of http and tcp checks */
#define REGISTRY_CONSUL_CHECK_TIMEOUT	"5s"

/* The body of /v1/agent/service/register. Caller frees. */
char	*registry_consul_register_body(const struct registry_service *,
	     enum registry_state);
/* The body of /v1/agent/check/update/service:ID. Caller frees. */
char	*registry_consul_update_body(enum registry_state, const char *why);

#endif
