/*
 * TLS client contexts for the registries: the server's certificate is
 * always verified (against ca_file or the system's CAs), and its name or IP
 * address checked per connection in registry-http.c.
 */
#include <stdlib.h>
#include <string.h>

#include "registry-tls.h"
#include "tls-lib.h"
#include "xmalloc.h"

static void
registry_tls_cause(const struct tls_lib *t, char **cause, const char *what,
    const char *file)
{
	char	buf[256];

	t->ERR_error_string_n(t->ERR_get_error(), buf, sizeof buf);
	xasprintf(cause, "%s %s: %s", what, file, buf);
	t->ERR_clear_error();
}

/* Make a client context; see registry-tls.h. */
SSL_CTX *
registry_tls_create(const char *ca_file, const char *cert_file,
    const char *key_file, char **cause)
{
	const struct tls_lib	*t;
	SSL_CTX			*ctx;

	if ((cert_file == NULL) != (key_file == NULL)) {
		*cause = xstrdup("cert_file and key_file go together");
		return (NULL);
	}
	if ((t = tls_lib(cause)) == NULL)
		return (NULL);
	if ((ctx = t->SSL_CTX_new(t->TLS_client_method())) == NULL) {
		registry_tls_cause(t, cause, "cannot make", "a TLS context");
		return (NULL);
	}
	t->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION,
	    NULL);
	t->SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file != NULL) {
		if (t->SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			registry_tls_cause(t, cause, "ca_file", ca_file);
			goto fail;
		}
	} else
		t->SSL_CTX_set_default_verify_paths(ctx);
	if (cert_file != NULL) {
		if (t->SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
			registry_tls_cause(t, cause, "cert_file", cert_file);
			goto fail;
		}
		if (t->SSL_CTX_use_PrivateKey_file(ctx, key_file,
		    SSL_FILETYPE_PEM) != 1 ||
		    t->SSL_CTX_check_private_key(ctx) != 1) {
			registry_tls_cause(t, cause, "key_file", key_file);
			goto fail;
		}
	}
	return (ctx);

fail:
	t->SSL_CTX_free(ctx);
	return (NULL);
}

/* Free a context; connections hold their own references. */
void
registry_tls_free(SSL_CTX *ctx)
{
	const struct tls_lib	*t = tls_lib_loaded();

	if (ctx != NULL && t != NULL)
		t->SSL_CTX_free(ctx);
}
