/*
 * UTF-8 checks shared by the parsers, the event payloads and HTTP auth:
 * Supervisor hands bytes to Python, so "valid" here means what Python's
 * strict decoder accepts.
 */
#include "utf8.h"

size_t
utf8_seq_len(const unsigned char *s, size_t left)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (left == 0)
		return (0);
	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (left < 2 || s[1] < lo || s[1] > hi)
		return (0);
	for (i = 2; i < n; i++) {
		if (left <= i || s[i] < 0x80 || s[i] > 0xbf)
			return (0);
	}
	return (n);
}

int
utf8_valid(const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i = 0, n;

	while (i < len) {
		if ((n = utf8_seq_len(s + i, len - i)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

uint32_t
utf8_decode(const unsigned char *s, size_t left, size_t *used)
{
	static const unsigned char	mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t			c;
	size_t				n, i;

	if ((n = utf8_seq_len(s, left)) == 0) {
		*used = 1;
		return (0xdc00 + s[0]);
	}
	c = s[0] & mask[n];
	for (i = 1; i < n; i++)
		c = (c << 6) | (s[i] & 0x3f);
	*used = n;
	return (c);
}
