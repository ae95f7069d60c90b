/*
 * TLS client contexts for the registries: the server's certificate is
 * always verified (against ca_file or the system's CAs), and its name or IP
 * address checked per connection in registry-http.c.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "registry-tls.h"
#include "xmalloc.h"

static void
registry_tls_cause(char **cause, const char *what, const char *file)
{
	char	buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	xasprintf(cause, "%s %s: %s", what, file, buf);
	ERR_clear_error();
}

/* Make a client context; see registry-tls.h. */
SSL_CTX *
registry_tls_create(const char *ca_file, const char *cert_file,
    const char *key_file, char **cause)
{
	SSL_CTX	*ctx;

	if ((cert_file == NULL) != (key_file == NULL)) {
		*cause = xstrdup("cert_file and key_file go together");
		return (NULL);
	}
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		registry_tls_cause(cause, "cannot make", "a TLS context");
		return (NULL);
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			registry_tls_cause(cause, "ca_file", ca_file);
			goto fail;
		}
	} else
		SSL_CTX_set_default_verify_paths(ctx);
	if (cert_file != NULL) {
		if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
			registry_tls_cause(cause, "cert_file", cert_file);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, key_file,
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			registry_tls_cause(cause, "key_file", key_file);
			goto fail;
		}
	}
	return (ctx);

fail:
	SSL_CTX_free(ctx);
	return (NULL);
}

/* Free a context; connections hold their own references. */
void
registry_tls_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}
