/* The etcd backend's encodings, for the unit tests. */
#ifndef REGISTRY_ETCD_H
#define REGISTRY_ETCD_H

#include <stddef.h>

/* Standard base64 with padding, as the JSON gateway wants bytes. */
char	*registry_etcd_base64(const void *, size_t);
/* The body of /v3/kv/put for key and value on a lease. Caller frees. */
char	*registry_etcd_put_body(const char *key, const char *value,
	     const char *lease);

#endif
