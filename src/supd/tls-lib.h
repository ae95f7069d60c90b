/*
 * OpenSSL and libevent's OpenSSL bufferevents, loaded on first use. Only
 * a registry reached over https needs them, and mapping libcrypto costs
 * every supd about 1.7 MiB of resident memory and milliseconds of start-up
 * (relocations), so a dynamic supd dlopen()s them when a TLS context is
 * first made. A static supd has no TLS: https is a clear error there.
 */
#ifndef TLS_LIB_H
#define TLS_LIB_H

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct tls_lib {
	const SSL_METHOD *(*TLS_client_method)(void);
	SSL_CTX		*(*SSL_CTX_new)(const SSL_METHOD *);
	void		 (*SSL_CTX_free)(SSL_CTX *);
	long		 (*SSL_CTX_ctrl)(SSL_CTX *, int, long, void *);
	void		 (*SSL_CTX_set_verify)(SSL_CTX *, int, SSL_verify_cb);
	int		 (*SSL_CTX_load_verify_locations)(SSL_CTX *,
			     const char *, const char *);
	int		 (*SSL_CTX_set_default_verify_paths)(SSL_CTX *);
	int		 (*SSL_CTX_use_certificate_chain_file)(SSL_CTX *,
			     const char *);
	int		 (*SSL_CTX_use_PrivateKey_file)(SSL_CTX *, const char *,
			     int);
	int		 (*SSL_CTX_check_private_key)(const SSL_CTX *);
	unsigned long	 (*ERR_get_error)(void);
	void		 (*ERR_error_string_n)(unsigned long, char *, size_t);
	void		 (*ERR_clear_error)(void);
	SSL		*(*SSL_new)(SSL_CTX *);
	void		 (*SSL_free)(SSL *);
	long		 (*SSL_ctrl)(SSL *, int, long, void *);
	X509_VERIFY_PARAM *(*SSL_get0_param)(SSL *);
	int		 (*X509_VERIFY_PARAM_set1_host)(X509_VERIFY_PARAM *,
			     const char *, size_t);
	int		 (*X509_VERIFY_PARAM_set1_ip_asc)(X509_VERIFY_PARAM *,
			     const char *);
	struct bufferevent *(*bufferevent_openssl_socket_new)(
			     struct event_base *, evutil_socket_t, SSL *,
			     enum bufferevent_ssl_state, int);
	void		 (*bufferevent_openssl_set_allow_dirty_shutdown)(
			     struct bufferevent *, int);
	unsigned long	 (*bufferevent_get_openssl_error)(struct bufferevent *);
};

/*
 * The functions, loading the libraries the first time. NULL with *cause
 * (caller frees) when they cannot be loaded.
 */
const struct tls_lib *tls_lib(char **cause);
/* The functions if already loaded, else NULL (no loading). */
const struct tls_lib *tls_lib_loaded(void);

#endif
