/*
 * Basic authentication as Supervisor's HTTP servers do it (medusa's
 * auth_handler with Supervisor's authorizer): the scheme is matched without
 * case, the credentials are base64 decoded leniently, split at the first
 * colon, and the password is compared as given or, for "{SHA}" passwords,
 * as the lower-case hex SHA-1 of what the client sent. Comparisons take
 * the same time wherever the strings differ.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http-auth.h"
#include "utf8.h"
#include "sha1.h"
#include "xmalloc.h"

static int
http_auth_b64value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/*
 * binascii.a2b_base64 in its default (non-strict) mode. Padding counts only
 * once two data characters of a quantum are in; after enough of it the
 * rest of the input is ignored. A quantum left incomplete is an error.
 */
int
http_auth_base64(const char *in, size_t len, char **out, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	unsigned char		*o;
	unsigned int		 left = 0;
	size_t			 i, n = 0;
	int			 quad = 0, pads = 0, v;

	o = xmalloc(len / 4 * 3 + 4);
	for (i = 0; i < len; i++) {
		if (p[i] == '=') {
			if (quad >= 2 && quad + ++pads >= 4)
				goto done;
			continue;
		}
		if ((v = http_auth_b64value(p[i])) == -1)
			continue;
		pads = 0;
		switch (quad) {
		case 0:
			left = v;
			break;
		case 1:
			o[n++] = (unsigned char)(left << 2 | v >> 4);
			left = v & 0x0f;
			break;
		case 2:
			o[n++] = (unsigned char)(left << 4 | v >> 2);
			left = v & 0x03;
			break;
		case 3:
			o[n++] = (unsigned char)(left << 6 | v);
			break;
		}
		quad = (quad + 1) % 4;
	}
	if (quad != 0) {
		free(o);
		return (-1);
	}
done:
	o[n] = '\0';
	*out = (char *)o;
	*outlen = n;
	return (0);
}

/* Whether a and b are equal, in time that depends on their lengths only. */
int
http_auth_equal(const char *a, const char *b)
{
	size_t		la = strlen(a), lb = strlen(b), i, n;
	unsigned char	diff = la != lb;

	n = la > lb ? la : lb;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(i < la ? a[i] : 0) ^
		    (unsigned char)(i < lb ? b[i] : 0);
	return (diff == 0);
}

/* The stored password against what the client sent. */
static int
http_auth_password(const char *stored, const char *given)
{
	char	hex[2 * SHA1_DIGEST_LEN + 1];

	if (strncmp(stored, "{SHA}", 5) == 0) {
		sha1_hex(given, strlen(given), hex);
		return (http_auth_equal(stored + 5, hex));
	}
	return (http_auth_equal(stored, given));
}

/*
 * medusa reads the header with "Authorization: ([^ ]+) (.*)": a scheme,
 * one space, then the credentials. No header, another scheme or a wrong
 * user or password is a 401; credentials that do not decode are a 400.
 */
enum http_auth
http_auth_check(const char *header, const char *username,
    const char *password)
{
	const char	*space;
	char		*plain, *colon;
	size_t		 len;
	int		 ok;

	if (header == NULL || (space = strchr(header, ' ')) == NULL ||
	    space == header)
		return (HTTP_AUTH_DENIED);
	if ((size_t)(space - header) != 5 ||
	    strncasecmp(header, "basic", 5) != 0)
		return (HTTP_AUTH_DENIED);
	if (http_auth_base64(space + 1, strlen(space + 1), &plain, &len) != 0)
		return (HTTP_AUTH_MALFORMED);
	if (!utf8_valid((unsigned char *)plain, len)) {
		free(plain);
		return (HTTP_AUTH_MALFORMED);
	}
	/* A NUL cannot match a configured name; no colon cannot either. */
	if (memchr(plain, '\0', len) != NULL ||
	    (colon = strchr(plain, ':')) == NULL) {
		free(plain);
		return (HTTP_AUTH_DENIED);
	}
	*colon = '\0';
	ok = http_auth_equal(plain, username);
	ok &= http_auth_password(password != NULL ? password : "", colon + 1);
	free(plain);
	return (ok ? HTTP_AUTH_OK : HTTP_AUTH_DENIED);
}
