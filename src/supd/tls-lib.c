/*
 * Loading OpenSSL on first use (see tls-lib.h). The sonames are those of
 * Debian 12's libssl3 and libevent-2.1-7; a missing library is a clear
 * error for the https registry that needed it, nothing else.
 */
#include <stddef.h>
#include <string.h>

#include "tls-lib.h"
#include "version.h"
#include "xmalloc.h"

#if SUPD_STATIC

/*
 * A static supd is built without OpenSSL: linked in, Debian's static
 * libcrypto adds about 1 MiB to every supd's resident memory, and dlopen
 * cannot load it into a static program.
 */
const struct tls_lib *
tls_lib(char **cause)
{
	*cause = xstrdup("https needs a dynamically linked supd (this one is "
	    "static, built without OpenSSL)");
	return (NULL);
}

const struct tls_lib *
tls_lib_loaded(void)
{
	return (NULL);
}

#else

#include <dlfcn.h>

#define TLS_LIB_SSL	"libssl.so.3"
#define TLS_LIB_EVENT	"libevent_openssl-2.1.so.7"

static struct tls_lib	 tls_lib_fns;
static int		 tls_lib_state;	/* 0 not tried, 1 loaded, -1 failed */
static char		*tls_lib_error;

/* Each field's symbol, in the order of struct tls_lib, and its library. */
static const struct {
	const char	*name;
	size_t		 offset;
	int		 event;		/* from libevent_openssl */
} tls_lib_syms[] = {
#define S(f, e) { #f, offsetof(struct tls_lib, f), e }
	S(TLS_client_method, 0), S(SSL_CTX_new, 0), S(SSL_CTX_free, 0),
	S(SSL_CTX_ctrl, 0), S(SSL_CTX_set_verify, 0),
	S(SSL_CTX_load_verify_locations, 0),
	S(SSL_CTX_set_default_verify_paths, 0),
	S(SSL_CTX_use_certificate_chain_file, 0),
	S(SSL_CTX_use_PrivateKey_file, 0), S(SSL_CTX_check_private_key, 0),
	S(ERR_get_error, 0), S(ERR_error_string_n, 0), S(ERR_clear_error, 0),
	S(SSL_new, 0), S(SSL_free, 0), S(SSL_ctrl, 0), S(SSL_get0_param, 0),
	S(X509_VERIFY_PARAM_set1_host, 0), S(X509_VERIFY_PARAM_set1_ip_asc, 0),
	S(bufferevent_openssl_socket_new, 1),
	S(bufferevent_openssl_set_allow_dirty_shutdown, 1),
	S(bufferevent_get_openssl_error, 1),
#undef S
};

static int
tls_lib_open(void)
{
	void	*ssl, *ev, *sym;
	size_t	 i;

	/* libssl brings libcrypto, where the ERR_ and X509_ ones live. */
	if ((ssl = dlopen(TLS_LIB_SSL, RTLD_NOW | RTLD_GLOBAL)) == NULL ||
	    (ev = dlopen(TLS_LIB_EVENT, RTLD_NOW)) == NULL) {
		xasprintf(&tls_lib_error, "https needs OpenSSL: %s",
		    dlerror());
		return (-1);
	}
	for (i = 0; i < sizeof tls_lib_syms / sizeof tls_lib_syms[0]; i++) {
		sym = dlsym(tls_lib_syms[i].event ? ev : RTLD_DEFAULT,
		    tls_lib_syms[i].name);
		if (sym == NULL) {
			xasprintf(&tls_lib_error, "https needs OpenSSL: %s "
			    "not found", tls_lib_syms[i].name);
			return (-1);
		}
		memcpy((char *)&tls_lib_fns + tls_lib_syms[i].offset, &sym,
		    sizeof sym);
	}
	return (0);
}

const struct tls_lib *
tls_lib(char **cause)
{
	if (tls_lib_state == 0)
		tls_lib_state = tls_lib_open() == 0 ? 1 : -1;
	if (tls_lib_state == 1)
		return (&tls_lib_fns);
	*cause = xstrdup(tls_lib_error);
	return (NULL);
}

const struct tls_lib *
tls_lib_loaded(void)
{
	return (tls_lib_state == 1 ? &tls_lib_fns : NULL);
}

#endif
