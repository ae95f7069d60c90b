/* Basic authentication of the HTTP servers, with Supervisor's rules. */
#ifndef HTTP_AUTH_H
#define HTTP_AUTH_H

#include <stddef.h>

enum http_auth {
	HTTP_AUTH_OK,
	HTTP_AUTH_DENIED,	/* answer 401 */
	HTTP_AUTH_MALFORMED,	/* answer 400, as medusa does */
};

/*
 * Check an Authorization header value (NULL when absent) against the
 * configured username and password ("{SHA}" and 40 hex digits, or plain).
 */
enum http_auth	 http_auth_check(const char *header, const char *username,
		     const char *password);

/*
 * Decode base64 the lenient way Python's binascii.a2b_base64 does: bytes
 * outside the alphabet are skipped and decoding stops at complete padding.
 * Returns 0 and a NUL-terminated *out (caller frees), or -1 for incorrect
 * padding.
 */
int		 http_auth_base64(const char *, size_t, char **out,
		     size_t *outlen);

/* Compare without leaking where two strings first differ. */
int		 http_auth_equal(const char *, const char *);

#endif
