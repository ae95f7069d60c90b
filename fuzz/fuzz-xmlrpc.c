/*
 * libFuzzer target for the XML-RPC codec. Every input goes through
 * xr_parse_call and xr_parse_response; a response that decodes is encoded
 * again and decoded once more, and must come back as the same value.
 * The input's bytes are also sent out as they are, as a string, a member
 * name, a fault string and a method name, the way log text and names
 * reach the encoder: whatever they hold, expat must read the document,
 * and each text must come back as fuzz_xmlrpc_expect() maps it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "utf8.h"
#include "xmlrpc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Whether any text holds a carriage return: read from &#13;, it is written
 * raw (as Python's dumps writes it) and read back as a newline, so such a
 * value cannot come back the same and is not compared.
 */
static int
fuzz_xmlrpc_has_cr(const struct xr_value *v)
{
	size_t	i;

	switch (v->type) {
	case XR_STRING:
	case XR_DATETIME:
		return (memchr(v->u.s.ptr, '\r', v->u.s.len) != NULL);
	case XR_ARRAY:
		for (i = 0; i < v->u.a.n; i++) {
			if (fuzz_xmlrpc_has_cr(v->u.a.items[i]))
				return (1);
		}
		return (0);
	case XR_STRUCT:
		for (i = 0; i < v->u.st.n; i++) {
			if (strchr(v->u.st.members[i].name, '\r') != NULL ||
			    fuzz_xmlrpc_has_cr(v->u.st.members[i].value))
				return (1);
		}
		return (0);
	default:
		return (0);
	}
}

/* Deep equality; NaN equals NaN. */
static int
fuzz_xmlrpc_equal(const struct xr_value *a, const struct xr_value *b)
{
	size_t	i;

	if (a->type != b->type)
		return (0);
	switch (a->type) {
	case XR_NIL:
		return (1);
	case XR_BOOL:
		return (a->u.b == b->u.b);
	case XR_INT:
		return (a->u.i == b->u.i);
	case XR_DOUBLE:
		return (a->u.d == b->u.d || (a->u.d != a->u.d &&
		    b->u.d != b->u.d));
	case XR_STRING:
	case XR_BASE64:
	case XR_DATETIME:
		return (a->u.s.len == b->u.s.len &&
		    memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
	case XR_ARRAY:
		if (a->u.a.n != b->u.a.n)
			return (0);
		for (i = 0; i < a->u.a.n; i++) {
			if (!fuzz_xmlrpc_equal(a->u.a.items[i],
			    b->u.a.items[i]))
				return (0);
		}
		return (1);
	case XR_STRUCT:
		if (a->u.st.n != b->u.st.n)
			return (0);
		for (i = 0; i < a->u.st.n; i++) {
			if (strcmp(a->u.st.members[i].name,
			    b->u.st.members[i].name) != 0 ||
			    !fuzz_xmlrpc_equal(a->u.st.members[i].value,
			    b->u.st.members[i].value))
				return (0);
		}
		return (1);
	}
	return (0);
}

/* Encode v and decode it again; anything but the same value is a bug. */
static void
fuzz_xmlrpc_round_trip(const struct xr_value *v)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*back = NULL;
	char		*cause = NULL, *fs = NULL;
	int		 fc, rc;

	xr_encode_response(b, v);
	rc = xr_parse_response((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &back, &fc, &fs, &cause);
	if (rc == -1 && strstr(cause, "nested deeper") == NULL)
		abort();	/* our own output must parse */
	if (rc == 0 && !fuzz_xmlrpc_has_cr(v) && !fuzz_xmlrpc_equal(v, back))
		abort();
	if (rc == 1)
		abort();
	xr_free(back);
	free(cause);
	evbuffer_free(b);
}

/*
 * What text of any bytes reads back as, worked out apart from the encoder:
 * C0 controls but tab, newline and carriage return are control pictures
 * (U+2400 + c); U+FFFE, U+FFFF and bytes that do not begin well-formed
 * UTF-8 are U+FFFD; and the parser reads "\r\n" and a lone "\r" as "\n".
 * Caller frees.
 */
static char *
fuzz_xmlrpc_expect(const uint8_t *p, size_t len, size_t *outlen)
{
	char		*out, *o;
	size_t		 i, n;
	uint32_t	 c;

	o = out = malloc(len * 3 + 1);
	for (i = 0; i < len; i += n) {
		n = 1;
		if (p[i] == '\r') {
			*o++ = '\n';
			if (i + 1 < len && p[i + 1] == '\n')
				n = 2;
		} else if (p[i] == '\t' || p[i] == '\n' ||
		    (p[i] >= 0x20 && p[i] < 0x80))
			*o++ = p[i];
		else if (p[i] < 0x20) {
			*o++ = (char)0xe2;
			*o++ = (char)0x90;
			*o++ = (char)(0x80 + p[i]);
		} else if (utf8_seq_len(p + i, len - i) == 0 ||
		    (c = utf8_decode(p + i, len - i, &n)) == 0xfffe ||
		    c == 0xffff) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(o, p + i, n);
			o += n;
		}
	}
	*o = '\0';
	*outlen = o - out;
	return (out);
}

/* Whether got holds exactly the mapping of the bytes p[0..len). */
static int
fuzz_xmlrpc_is_expected(const char *got, size_t gotlen, const uint8_t *p,
    size_t len)
{
	char	*want;
	size_t	 wantlen;
	int	 same;

	want = fuzz_xmlrpc_expect(p, len, &wantlen);
	same = (gotlen == wantlen && memcmp(got, want, wantlen) == 0);
	free(want);
	return (same);
}

/*
 * The input as text in every place the encoder writes text. Names and
 * fault strings are C strings: they take the input up to its first NUL.
 */
static void
fuzz_xmlrpc_any_bytes(const uint8_t *data, size_t size)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*st, *back = NULL, *params;
	struct xr_call	*call = NULL;
	char		*name, *cause = NULL, *fs = NULL;
	size_t		 namelen;
	int		 fc;

	namelen = strnlen((const char *)data, size);
	name = strndup((const char *)data, namelen);

	st = xr_struct();
	xr_struct_set(st, name, xr_string_len((const char *)data, size));
	xr_encode_response(b, st);
	if (xr_parse_response((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &back, &fc, &fs, &cause) != 0)
		abort();
	if (back->type != XR_STRUCT || back->u.st.n != 1 ||
	    !fuzz_xmlrpc_is_expected(back->u.st.members[0].name,
	    strlen(back->u.st.members[0].name), data, namelen) ||
	    back->u.st.members[0].value->type != XR_STRING ||
	    !fuzz_xmlrpc_is_expected(back->u.st.members[0].value->u.s.ptr,
	    back->u.st.members[0].value->u.s.len, data, size))
		abort();
	xr_free(back);
	xr_free(st);
	evbuffer_drain(b, evbuffer_get_length(b));

	xr_encode_fault(b, 10, name);
	if (xr_parse_response((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &back, &fc, &fs, &cause) != 1 ||
	    fc != 10 || !fuzz_xmlrpc_is_expected(fs, strlen(fs), data, namelen))
		abort();
	free(fs);
	evbuffer_drain(b, evbuffer_get_length(b));

	/* A call needs a method name; one that maps to nothing is refused. */
	params = xr_array();
	xr_array_append(params, xr_string_len((const char *)data, size));
	xr_encode_call(b, name, params);
	if (xr_parse_call((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &call, &cause) == 0) {
		if (!fuzz_xmlrpc_is_expected(call->method,
		    strlen(call->method), data, namelen) ||
		    call->params->u.a.n != 1 ||
		    !fuzz_xmlrpc_is_expected(call->params->u.a.items[0]->u.s.ptr,
		    call->params->u.a.items[0]->u.s.len, data, size))
			abort();
		xr_call_free(call);
	} else {
		if (namelen != 0 || strcmp(cause, "no method name") != 0)
			abort();
		free(cause);
	}
	xr_free(params);
	free(name);
	evbuffer_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xr_call	*call = NULL;
	struct xr_value	*v = NULL;
	char		*cause = NULL, *fs = NULL;
	int		 fc, rc;

	if (xr_parse_call((const char *)data, size, &call, &cause) == 0)
		xr_call_free(call);
	free(cause);
	cause = NULL;

	rc = xr_parse_response((const char *)data, size, &v, &fc, &fs, &cause);
	if (rc == 0) {
		fuzz_xmlrpc_round_trip(v);
		xr_free(v);
	}
	free(fs);
	free(cause);

	fuzz_xmlrpc_any_bytes(data, size);
	return (0);
}
