/* UTF-8 as Python's strict decoder accepts it (RFC 3629). */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the well-formed sequence at s (1 for ASCII), or 0 when s does
 * not start one: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Reads at most left bytes and stops at the first bad one, so a
 * NUL-terminated string may pass a generous left.
 */
size_t		utf8_seq_len(const unsigned char *s, size_t left);
/* Whether all len bytes are valid UTF-8. */
int		utf8_valid(const void *, size_t len);
/*
 * Decode one code point at s (left > 0), setting *used. A byte that does
 * not start a well-formed sequence decodes alone to U+DC00 + byte, as
 * Python's surrogateescape does, so any byte string round-trips.
 */
uint32_t	utf8_decode(const unsigned char *s, size_t left, size_t *used);

#endif
