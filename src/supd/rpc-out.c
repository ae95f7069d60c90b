/*
 * The fast writer of big replies. A getAllProcessInfo reply for a
 * thousand processes is a megabyte made of some seventy thousand small
 * pieces; appending each to an evbuffer (with its bookkeeping and
 * callbacks) and printf-ing each number costs milliseconds. Here the
 * pieces are copied into one flat buffer and numbers are converted by
 * hand; the result goes to the evbuffer as one reference, without a copy.
 *
 * The bytes must be exactly those of the codec (xmlrpc.c), so only the
 * common case is done here: a string of plain ASCII without markup or
 * control characters is copied as it is; any other string is escaped by
 * the codec itself.
 *
 * Also the status struct that the calls on many processes (start, stop,
 * signal, clearAllProcessLogs) return one of per process.
 */
#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "rpc-out.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* An empty buffer with room for hint bytes. */
void
rpc_out_init(struct rpc_out *o, size_t hint)
{
	o->cap = hint > 64 ? hint : 64;
	o->buf = xmalloc(o->cap);
	o->len = 0;
}

static void
rpc_out_free_cb(const void *data, size_t len, void *arg)
{
	free(arg);
}

/* Hand the bytes to b by reference; they are freed with it. */
void
rpc_out_flush(struct rpc_out *o, struct evbuffer *b)
{
	if (o->len > 0)
		evbuffer_add_reference(b, o->buf, o->len, rpc_out_free_cb,
		    o->buf);
	else
		free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

/* Drop the bytes. */
void
rpc_out_free(struct rpc_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

/* Make room for need more bytes. */
void
rpc_out_grow(struct rpc_out *o, size_t need)
{
	while (o->cap - o->len < need)
		o->cap = o->cap * 2;
	o->buf = xrealloc(o->buf, o->cap);
}

/* Decimal digits of v, the way %lld writes them. */
static void
rpc_out_decimal(struct rpc_out *o, long long v)
{
	char			 tmp[24], *p = tmp + sizeof tmp;
	unsigned long long	 u;

	u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = '0' + u % 10;
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	rpc_out_raw(o, p, tmp + sizeof tmp - p);
}

/* Like the codec, <i8> for what does not fit Python's 32-bit <int>. */
void
rpc_out_int(struct rpc_out *o, long long v)
{
	if (v > 2147483647LL || v < -2147483648LL) {
		rpc_out_lit(o, "<value><i8>");
		rpc_out_decimal(o, v);
		rpc_out_lit(o, "</i8></value>\n");
		return;
	}
	rpc_out_lit(o, "<value><int>");
	rpc_out_decimal(o, v);
	rpc_out_lit(o, "</int></value>\n");
}

/* As xr_encode_bool. */
void
rpc_out_bool(struct rpc_out *o, int v)
{
	if (v)
		rpc_out_lit(o, "<value><boolean>1</boolean></value>\n");
	else
		rpc_out_lit(o, "<value><boolean>0</boolean></value>\n");
}

static int rpc_out_special(unsigned char);

static int
rpc_out_plain(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (rpc_out_special(p[i]))
			return (0);
	}
	return (1);
}

/* As xr_encode_string_len; only plain strings bypass the codec. */
void
rpc_out_string(struct rpc_out *o, const char *s, size_t n)
{
	struct evbuffer	*tmp;
	size_t		 len;

	if (rpc_out_plain(s, n)) {
		rpc_out_lit(o, "<value><string>");
		rpc_out_raw(o, s, n);
		rpc_out_lit(o, "</string></value>\n");
		return;
	}
	tmp = evbuffer_new();
	xr_encode_string_len(tmp, s, n);
	len = evbuffer_get_length(tmp);
	if (o->cap - o->len < len)
		rpc_out_grow(o, len);
	evbuffer_remove(tmp, o->buf + o->len, len);
	o->len += len;
	evbuffer_free(tmp);
}

/*
 * Bytes the codec would change: markup characters, controls other than
 * tab, newline and carriage return, and all non-ASCII.
 */
static int
rpc_out_special(unsigned char c)
{
	if (c < 0x20)
		return (c != '\t' && c != '\n' && c != '\r');
	return (c >= 0x80 || c == '&' || c == '<' || c == '>');
}

/*
 * A NUL-terminated string: a tight scan for anything the codec would
 * change, then one copy; a string that is not plain goes to
 * rpc_out_string().
 */
void
rpc_out_cstring(struct rpc_out *o, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	while (*p != '\0' && !rpc_out_special(*p))
		p++;
	if (*p != '\0') {
		rpc_out_string(o, s, strlen(s));
		return;
	}
	rpc_out_lit(o, "<value><string>");
	rpc_out_raw(o, s, (const char *)p - s);
	rpc_out_lit(o, "</string></value>\n");
}

static void
rpc_out_member_string(struct evbuffer *b, const char *name, const char *value)
{
	xr_encode_member_begin(b, name);
	xr_encode_string(b, value);
	xr_encode_member_end(b);
}

static void
rpc_out_member_int(struct evbuffer *b, const char *name, long long v)
{
	xr_encode_member_begin(b, name);
	xr_encode_int(b, v);
	xr_encode_member_end(b);
}

/* One status struct of a result list, keys in Supervisor's order. */
void
rpc_out_status(struct evbuffer *b, const char *name, const char *group,
    int code, const char *extra)
{
	char	*text;

	xr_encode_struct_begin(b);
	rpc_out_member_string(b, "name", name);
	rpc_out_member_string(b, "group", group);
	rpc_out_member_int(b, "status", code);
	if (code == FAULT_SUCCESS)
		rpc_out_member_string(b, "description", "OK");
	else {
		text = rpc_fault_text(code, extra);
		rpc_out_member_string(b, "description", text);
		free(text);
	}
	xr_encode_struct_end(b);
}
