/* SHA-1 (FIPS 180-4), for {SHA} passwords in the HTTP servers' basic auth. */
#ifndef SHA1_H
#define SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN	20

struct sha1 {
	uint32_t	h[5];
	uint64_t	bytes;		/* message length so far */
	unsigned char	block[64];
	size_t		used;		/* bytes waiting in block */
};

void	sha1_init(struct sha1 *);
void	sha1_update(struct sha1 *, const void *, size_t);
void	sha1_final(struct sha1 *, unsigned char digest[SHA1_DIGEST_LEN]);
/* The digest of buf as 40 lower-case hex digits and a NUL, like hexdigest(). */
void	sha1_hex(const void *buf, size_t len, char hex[2 * SHA1_DIGEST_LEN + 1]);

#endif
