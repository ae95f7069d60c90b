/*
 * libFuzzer target for the XML-RPC decoders. Every input goes through
 * xr_parse_call and xr_parse_response; a response that decodes is encoded
 * again and decoded once more, and must come back as the same value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

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
	return (0);
}
