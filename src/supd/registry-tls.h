/* TLS for the registries' HTTP client (Consul's scheme = https). */
#ifndef REGISTRY_TLS_H
#define REGISTRY_TLS_H

struct ssl_ctx_st;

/*
 * A client context that verifies the server against ca_file (NULL: the
 * system's CAs) and, with cert_file and key_file, presents a client
 * certificate. Returns NULL and *cause (caller frees) when a file cannot be
 * loaded.
 */
struct ssl_ctx_st *registry_tls_create(const char *ca_file,
		     const char *cert_file, const char *key_file,
		     char **cause);
void		 registry_tls_free(struct ssl_ctx_st *);

#endif
