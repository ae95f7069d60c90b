/*
 * Test driver for the XML-RPC codec: reads one JSON request per line on
 * stdin, answers one JSON line on stdout, so test_xmlrpc_vs_python.py can
 * put thousands of cases through one process and compare each with
 * Python's xmlrpc.client.
 *
 * Values travel as tagged JSON: ["nil"], ["boolean", true], ["int", 5],
 * ["double", "<16 hex digits of the IEEE bits>"], ["string", "text"],
 * ["base64", "<hex>"], ["datetime", "text"], ["array", [v, ...]],
 * ["struct", [["name", v], ...]]. Bytes in and out are hex; so is a
 * string of any bytes, not only UTF-8: ["string-bytes", "<hex>"].
 *
 * Requests:
 *	{"op": "encode-response", "value": v}	-> {"out": hex}
 *	{"op": "encode-call", "method": m, "params": [v...]} -> {"out": hex}
 *	{"op": "encode-fault", "code": n, "string": s} -> {"out": hex}
 *	{"op": "decode-response", "data": hex}
 *	    -> {"value": v} | {"fault": [code, string]} | {"error": cause}
 *	{"op": "decode-call", "data": hex}
 *	    -> {"method": m, "params": [v...]} | {"error": cause}
 *	{"op": "repr", "double": "<hex bits>"} -> {"out": "repr text"}
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "xmalloc.h"
#include "xmlrpc.h"

static char *
hex_encode(const unsigned char *p, size_t len)
{
	char	*s;
	size_t	 i;

	s = xmalloc(len * 2 + 1);
	for (i = 0; i < len; i++)
		sprintf(s + i * 2, "%02x", p[i]);
	s[len * 2] = '\0';
	return (s);
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (c - 'A' + 10);
}

static unsigned char *
hex_decode(const char *s, size_t *len)
{
	unsigned char	*p;
	size_t		 i, n = strlen(s) / 2;

	p = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		p[i] = hex_nibble(s[i * 2]) << 4 | hex_nibble(s[i * 2 + 1]);
	p[n] = '\0';
	*len = n;
	return (p);
}

static double
bits_to_double(const char *s)
{
	uint64_t	u = strtoull(s, NULL, 16);
	double		d;

	memcpy(&d, &u, sizeof d);
	return (d);
}

static json_t *
to_json(const struct xr_value *v)
{
	json_t		*items, *pair;
	char		 bits[17], *h;
	uint64_t	 u;
	size_t		 i;

	switch (v->type) {
	case XR_NIL:
		return (json_pack("[s]", "nil"));
	case XR_BOOL:
		return (json_pack("[sb]", "boolean", v->u.b));
	case XR_INT:
		return (json_pack("[sI]", "int", (json_int_t)v->u.i));
	case XR_DOUBLE:
		memcpy(&u, &v->u.d, sizeof u);
		snprintf(bits, sizeof bits, "%016llx", (unsigned long long)u);
		return (json_pack("[ss]", "double",
		    v->u.d != v->u.d ? "nan" : bits));
	case XR_STRING:
		return (json_pack("[ss%]", "string", v->u.s.ptr, v->u.s.len));
	case XR_BASE64:
		h = hex_encode((unsigned char *)v->u.s.ptr, v->u.s.len);
		items = json_pack("[ss]", "base64", h);
		free(h);
		return (items);
	case XR_DATETIME:
		return (json_pack("[ss]", "datetime", v->u.s.ptr));
	case XR_ARRAY:
		items = json_array();
		for (i = 0; i < v->u.a.n; i++)
			json_array_append_new(items, to_json(v->u.a.items[i]));
		return (json_pack("[so]", "array", items));
	case XR_STRUCT:
		items = json_array();
		for (i = 0; i < v->u.st.n; i++) {
			pair = json_pack("[so]", v->u.st.members[i].name,
			    to_json(v->u.st.members[i].value));
			json_array_append_new(items, pair);
		}
		return (json_pack("[so]", "struct", items));
	}
	return (json_null());
}

/* Build a value from tagged JSON; NULL if malformed. */
static struct xr_value *
from_json(json_t *j)
{
	const char	*tag, *s;
	json_t		*arg, *item;
	struct xr_value	*v, *sub;
	unsigned char	*bytes;
	size_t		 i, len;

	if (!json_is_array(j) || (tag = json_string_value(
	    json_array_get(j, 0))) == NULL)
		return (NULL);
	arg = json_array_get(j, 1);
	if (strcmp(tag, "nil") == 0)
		return (xr_nil());
	if (strcmp(tag, "boolean") == 0)
		return (xr_bool(json_is_true(arg)));
	if (strcmp(tag, "int") == 0)
		return (xr_int(json_integer_value(arg)));
	if (strcmp(tag, "double") == 0)
		return (xr_double(bits_to_double(json_string_value(arg))));
	if (strcmp(tag, "string") == 0)
		return (xr_string_len(json_string_value(arg),
		    json_string_length(arg)));
	if (strcmp(tag, "base64") == 0 || strcmp(tag, "string-bytes") == 0) {
		bytes = hex_decode(json_string_value(arg), &len);
		if (tag[0] == 'b')
			v = xr_base64(bytes, len);
		else
			v = xr_string_len((char *)bytes, len);
		free(bytes);
		return (v);
	}
	if (strcmp(tag, "datetime") == 0)
		return (xr_datetime(json_string_value(arg)));
	if (strcmp(tag, "array") == 0) {
		v = xr_array();
		json_array_foreach(arg, i, item) {
			if ((sub = from_json(item)) == NULL) {
				xr_free(v);
				return (NULL);
			}
			xr_array_append(v, sub);
		}
		return (v);
	}
	if (strcmp(tag, "struct") == 0) {
		v = xr_struct();
		json_array_foreach(arg, i, item) {
			s = json_string_value(json_array_get(item, 0));
			sub = from_json(json_array_get(item, 1));
			if (s == NULL || sub == NULL) {
				xr_free(sub);
				xr_free(v);
				return (NULL);
			}
			xr_struct_set(v, s, sub);
		}
		return (v);
	}
	return (NULL);
}

static json_t *
out_buffer(struct evbuffer *b)
{
	json_t	*j;
	char	*h;

	h = hex_encode(evbuffer_pullup(b, -1), evbuffer_get_length(b));
	j = json_pack("{ss}", "out", h);
	free(h);
	evbuffer_free(b);
	return (j);
}

static json_t *
op_encode(const char *op, json_t *req)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*v;
	json_t		*tmp;

	if (strcmp(op, "encode-fault") == 0) {
		xr_encode_fault(b, (int)json_integer_value(json_object_get(req,
		    "code")), json_string_value(json_object_get(req, "string")));
		return (out_buffer(b));
	}
	if (strcmp(op, "encode-call") == 0) {
		tmp = json_pack("[sO]", "array", json_object_get(req, "params"));
		v = from_json(tmp);
		json_decref(tmp);
		if (v == NULL)
			goto bad;
		xr_encode_call(b, json_string_value(json_object_get(req,
		    "method")), v);
	} else {
		if ((v = from_json(json_object_get(req, "value"))) == NULL)
			goto bad;
		xr_encode_response(b, v);
	}
	xr_free(v);
	return (out_buffer(b));
bad:
	evbuffer_free(b);
	return (json_pack("{ss}", "error", "bad value"));
}

static json_t *
op_decode(const char *op, json_t *req)
{
	struct xr_value	*v;
	struct xr_call	*call;
	unsigned char	*data;
	char		*cause, *fs;
	size_t		 len;
	int		 rc, fc;
	json_t		*j = NULL, *tmp;

	data = hex_decode(json_string_value(json_object_get(req, "data")),
	    &len);
	if (strcmp(op, "decode-call") == 0) {
		rc = xr_parse_call((char *)data, len, &call, &cause);
		if (rc == 0) {
			tmp = to_json(call->params);
			j = json_pack("{sssO}", "method", call->method, "params",
			    json_array_get(tmp, 1));
			json_decref(tmp);
			xr_call_free(call);
		}
	} else {
		rc = xr_parse_response((char *)data, len, &v, &fc, &fs, &cause);
		if (rc == 0) {
			j = json_pack("{so}", "value", to_json(v));
			xr_free(v);
		} else if (rc == 1) {
			j = json_pack("{s[is]}", "fault", fc, fs);
			free(fs);
		}
	}
	if (rc == -1) {
		j = json_pack("{ss}", "error", cause);
		free(cause);
	}
	free(data);
	return (j);
}

int
main(void)
{
	char		*line = NULL, *out, buf[XR_DOUBLE_REPR_MAX];
	size_t		 cap = 0;
	json_t		*req, *res;
	json_error_t	 err;
	const char	*op;

	while (getline(&line, &cap, stdin) != -1) {
		if ((req = json_loads(line, JSON_ALLOW_NUL, &err)) == NULL) {
			fprintf(stderr, "bad request: %s\n", err.text);
			return (1);
		}
		op = json_string_value(json_object_get(req, "op"));
		if (op == NULL)
			res = json_pack("{ss}", "error", "no op");
		else if (strncmp(op, "encode-", 7) == 0)
			res = op_encode(op, req);
		else if (strncmp(op, "decode-", 7) == 0)
			res = op_decode(op, req);
		else if (strcmp(op, "repr") == 0) {
			res = json_pack("{ss}", "out", xr_double_repr(
			    bits_to_double(json_string_value(
			    json_object_get(req, "double"))), buf));
		} else
			res = json_pack("{ss}", "error", "unknown op");
		out = json_dumps(res, JSON_COMPACT | JSON_ENSURE_ASCII);
		puts(out);
		free(out);
		json_decref(res);
		json_decref(req);
	}
	free(line);
	return (0);
}
