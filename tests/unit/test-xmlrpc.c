/* Unit tests for the XML-RPC codec: values, exact encodings, decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>
#include <event2/buffer.h>

#include "xmlrpc.h"

#define HDR	"<?xml version='1.0'?>\n"
#define RESP(v)	HDR "<methodResponse>\n<params>\n<param>\n" v \
		"</param>\n</params>\n</methodResponse>\n"

/* Encode v as a response and compare with want; frees v. */
static void
check_response(struct xr_value *v, const char *want)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 len;

	xr_encode_response(b, v);
	len = evbuffer_get_length(b);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(evbuffer_pullup(b, -1), want, len);
	evbuffer_free(b);
	xr_free(v);
}

static struct xr_value *
decode_ok(const char *doc)
{
	struct xr_value	*v = NULL;
	char		*cause = NULL, *fs = NULL;
	int		 fc;

	assert_int_equal(xr_parse_response(doc, strlen(doc), &v, &fc, &fs,
	    &cause), 0);
	assert_non_null(v);
	return (v);
}

/* Decode doc expecting an error whose cause contains want. */
static void
decode_error(const char *doc, const char *want)
{
	struct xr_value	*v = NULL;
	char		*cause = NULL, *fs = NULL;
	size_t		 len = strlen(doc);
	int		 fc;

	assert_int_equal(xr_parse_response(doc, len, &v, &fc, &fs, &cause),
	    -1);
	assert_null(v);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

static void
test_scalars_encode_like_dumps(void **state)
{
	check_response(xr_int(42), RESP("<value><int>42</int></value>\n"));
	check_response(xr_int(-2147483648LL),
	    RESP("<value><int>-2147483648</int></value>\n"));
	check_response(xr_int(2147483648LL),
	    RESP("<value><i8>2147483648</i8></value>\n"));
	check_response(xr_bool(7),
	    RESP("<value><boolean>1</boolean></value>\n"));
	check_response(xr_nil(), RESP("<value><nil/></value>"));
	check_response(xr_double(0.1),
	    RESP("<value><double>0.1</double></value>\n"));
	check_response(xr_string("a<b>&c\t\n\r"),
	    RESP("<value><string>a&lt;b&gt;&amp;c\t\n\r</string></value>\n"));
	check_response(xr_datetime("20240101T12:00:00"),
	    RESP("<value><dateTime.iso8601>20240101T12:00:00"
	    "</dateTime.iso8601></value>\n"));
	check_response(xr_base64("", 0),
	    RESP("<value><base64>\n</base64></value>\n"));
	check_response(xr_base64("hi", 2),
	    RESP("<value><base64>\naGk=\n</base64></value>\n"));
}

static void
test_invalid_utf8_is_replaced(void **state)
{
	/* A lone continuation byte, an overlong, a surrogate, then valid é. */
	check_response(xr_string_len("\x80x\xc0\xaf\xed\xa0\x80\xc3\xa9", 9),
	    RESP("<value><string>\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9</string></value>\n"));
}

static void
test_base64_wraps_at_76(void **state)
{
	unsigned char	 bytes[58];
	struct evbuffer	*b = evbuffer_new();
	char		*s;

	memset(bytes, 0xff, sizeof bytes);
	xr_encode_base64(b, bytes, sizeof bytes);
	evbuffer_add(b, "", 1);
	s = (char *)evbuffer_pullup(b, -1);
	/* 57 bytes make one full line of 76, the 58th a line of its own. */
	assert_string_equal(s, "<value><base64>\n"
	    "////////////////////////////////////////////////////////////"
	    "////////////////\n/w==\n</base64></value>\n");
	evbuffer_free(b);
}

static void
test_double_repr(void **state)
{
	static const struct {
		double		 d;
		const char	*want;
	} cases[] = {
		{ 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" },
		{ 0.1, "0.1" }, { 1.0 / 3, "0.3333333333333333" },
		{ 1e16, "1e+16" }, { 1234567890123456.0, "1234567890123456.0" },
		{ 0.0001, "0.0001" }, { 0.00001, "1e-05" }, { 1.5e300, "1.5e+300" },
		{ 5e-324, "5e-324" }, { 1e23, "1e+23" }, { -2.5, "-2.5" },
		{ 9007199254740993.0, "9007199254740992.0" },
		{ 1.7976931348623157e308, "1.7976931348623157e+308" },
	};
	char	buf[XR_DOUBLE_REPR_MAX];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(xr_double_repr(cases[i].d, buf),
		    cases[i].want);
	assert_string_equal(xr_double_repr(INFINITY, buf), "inf");
	assert_string_equal(xr_double_repr(-INFINITY, buf), "-inf");
	assert_string_equal(xr_double_repr(NAN, buf), "nan");
}

static void
test_struct_and_array_encode(void **state)
{
	struct xr_value	*st, *a;

	st = xr_struct();
	xr_struct_set(st, "b", xr_int(1));
	xr_struct_set(st, "a&", xr_string("x"));
	xr_struct_set(st, "b", xr_int(2));	/* replaces, keeps place */
	assert_int_equal(st->u.st.n, 2);
	assert_int_equal(xr_struct_get(st, "b")->u.i, 2);
	assert_null(xr_struct_get(st, "c"));
	a = xr_array();
	xr_array_append(a, st);
	xr_array_append(a, xr_array());
	check_response(a, RESP("<value><array><data>\n"
	    "<value><struct>\n"
	    "<member>\n<name>b</name>\n<value><int>2</int></value>\n</member>\n"
	    "<member>\n<name>a&amp;</name>\n<value><string>x</string></value>\n"
	    "</member>\n"
	    "</struct></value>\n"
	    "<value><array><data>\n</data></array></value>\n"
	    "</data></array></value>\n"));
}

static void
test_streaming_equals_tree(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*a, *st;
	char		*tree;
	size_t		 len;

	a = xr_array();
	st = xr_struct();
	xr_struct_set(st, "name", xr_string("web"));
	xr_struct_set(st, "pid", xr_int(42));
	xr_array_append(a, st);
	xr_encode_response(b, a);
	len = evbuffer_get_length(b);
	tree = malloc(len);
	evbuffer_remove(b, tree, len);
	xr_free(a);

	xr_encode_response_begin(b);
	xr_encode_array_begin(b);
	xr_encode_struct_begin(b);
	xr_encode_member_begin(b, "name");
	xr_encode_string(b, "web");
	xr_encode_member_end(b);
	xr_encode_member_begin(b, "pid");
	xr_encode_int(b, 42);
	xr_encode_member_end(b);
	xr_encode_struct_end(b);
	xr_encode_array_end(b);
	xr_encode_response_end(b);
	assert_int_equal(evbuffer_get_length(b), len);
	assert_memory_equal(evbuffer_pullup(b, -1), tree, len);
	free(tree);
	evbuffer_free(b);
}

static void
test_fault_and_call_encode(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*params = xr_array();
	const char	*want;

	xr_encode_fault(b, 10, "BAD_NAME: x");
	want = HDR "<methodResponse>\n<fault>\n<value><struct>\n"
	    "<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n"
	    "</member>\n<member>\n<name>faultString</name>\n"
	    "<value><string>BAD_NAME: x</string></value>\n</member>\n"
	    "</struct></value>\n</fault>\n</methodResponse>\n";
	assert_int_equal(evbuffer_get_length(b), strlen(want));
	assert_memory_equal(evbuffer_pullup(b, -1), want, strlen(want));
	evbuffer_drain(b, evbuffer_get_length(b));

	xr_array_append(params, xr_string("web"));
	xr_array_append(params, xr_bool(1));
	xr_encode_call(b, "supervisor.startProcess", params);
	want = HDR "<methodCall>\n<methodName>supervisor.startProcess"
	    "</methodName>\n<params>\n<param>\n<value><string>web</string>"
	    "</value>\n</param>\n<param>\n<value><boolean>1</boolean></value>\n"
	    "</param>\n</params>\n</methodCall>\n";
	assert_int_equal(evbuffer_get_length(b), strlen(want));
	assert_memory_equal(evbuffer_pullup(b, -1), want, strlen(want));
	xr_free(params);
	evbuffer_free(b);
}

static void
test_decode_values(void **state)
{
	struct xr_value	*v, *m;

	v = decode_ok("<methodResponse><params><param><value><struct>"
	    "<member><name>a</name><value> bare </value></member>"
	    "<member><name>b</name><value>\n <i4> -7 </i4>\n</value></member>"
	    "<member><name>a</name><value><ex:nil/></value></member>"
	    "<member><name>c</name><value><base64>aGk=</base64></value>"
	    "</member><member><name>d</name><value><double>1_0.5</double>"
	    "</value></member></struct></value></param></params>"
	    "</methodResponse>");
	assert_int_equal(v->type, XR_STRUCT);
	assert_int_equal(v->u.st.n, 4);
	/* A repeated name keeps its first place and takes the last value. */
	assert_string_equal(v->u.st.members[0].name, "a");
	assert_int_equal(v->u.st.members[0].value->type, XR_NIL);
	m = xr_struct_get(v, "b");
	assert_int_equal(m->type, XR_INT);
	assert_int_equal(m->u.i, -7);
	m = xr_struct_get(v, "c");
	assert_int_equal(m->type, XR_BASE64);
	assert_int_equal(m->u.s.len, 2);
	assert_memory_equal(m->u.s.ptr, "hi", 2);
	assert_true(xr_struct_get(v, "d")->u.d == 10.5);
	xr_free(v);

	v = decode_ok("<methodResponse><params><param><value> x </value>"
	    "</param></params></methodResponse>");
	assert_int_equal(v->type, XR_STRING);
	assert_string_equal(v->u.s.ptr, " x ");
	xr_free(v);
}

static void
test_decode_param_counts(void **state)
{
	struct xr_value	*v;

	v = decode_ok("<methodResponse><params/></methodResponse>");
	assert_int_equal(v->type, XR_ARRAY);
	assert_int_equal(v->u.a.n, 0);
	xr_free(v);
	v = decode_ok("<methodResponse><params><param><value>a</value></param>"
	    "<param><value>b</value></param></params></methodResponse>");
	assert_int_equal(v->type, XR_ARRAY);
	assert_int_equal(v->u.a.n, 2);
	xr_free(v);
}

static void
test_decode_fault(void **state)
{
	const char	*doc = HDR "<methodResponse><fault><value><struct>"
	    "<member><name>faultCode</name><value><int>70</int></value></member>"
	    "<member><name>faultString</name><value><string>NOT_RUNNING"
	    "</string></value></member></struct></value></fault>"
	    "</methodResponse>";
	struct xr_value	*v = NULL;
	char		*cause = NULL, *fs = NULL;
	int		 fc = 0;

	assert_int_equal(xr_parse_response(doc, strlen(doc), &v, &fc, &fs,
	    &cause), 1);
	assert_int_equal(fc, 70);
	assert_string_equal(fs, "NOT_RUNNING");
	assert_null(v);
	free(fs);
}

static void
test_decode_errors(void **state)
{
	decode_error("", "no element found: line 1, column 0");
	decode_error("<methodResponse><params>", "no element found");
	decode_error("<methodResponse/>", "no params, fault or methodName");
	decode_error("<methodResponse><params><param><value><boolean>yes"
	    "</boolean></value></param></params></methodResponse>",
	    "bad boolean");
	decode_error("<methodResponse><params><param><value><int>0x1</int>"
	    "</value></param></params></methodResponse>", "bad integer");
	decode_error("<methodResponse><params><param><value><i8>"
	    "99999999999999999999</i8></value></param></params>"
	    "</methodResponse>", "out of range");
	decode_error("<methodResponse><params><param><value><foo/></value>"
	    "</param></params></methodResponse>", "unknown tag 'foo'");
	decode_error("<methodResponse><params><param><value><struct><member>"
	    "<name>a</name></member></struct></value></param></params>"
	    "</methodResponse>", "without a value");
	decode_error("<methodResponse><fault><value>x</value></fault>"
	    "</methodResponse>", "fault without a struct");
	decode_error("<methodResponse><params><param><value><base64>Q"
	    "</base64></value></param></params></methodResponse>",
	    "bad base64");
}

static void
test_decode_refuses_dtd(void **state)
{
	const char	*doc = "<?xml version='1.0'?>\n<!DOCTYPE x [\n"
	    "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n"
	    "<methodResponse><params><param><value>&b;</value></param>"
	    "</params></methodResponse>";

	decode_error(doc, "document type declarations are not "
	    "allowed");
}

static void
test_decode_limits(void **state)
{
	char	*doc, *p;
	int	 i;

	doc = malloc(XR_MAX_DEPTH * 16 + 128);
	p = doc + sprintf(doc, "<methodResponse><params><param>");
	for (i = 0; i < XR_MAX_DEPTH - 2; i++)
		p += sprintf(p, "<value>");
	decode_error(doc, "nested deeper than 1000");
	free(doc);
}

/* At the limit a document still decodes: 1000 elements deep is legal. */
static void
test_decode_at_the_depth_limit(void **state)
{
	struct xr_value	*v, *inner;
	char		*doc, *p;
	int		 i, levels = (XR_MAX_DEPTH - 4) / 3;

	doc = malloc(XR_MAX_DEPTH * 24 + 128);
	p = doc + sprintf(doc, "<methodResponse><params><param>");
	for (i = 0; i < levels; i++)
		p += sprintf(p, "<value><array><data>");
	p += sprintf(p, "<value>x</value>");
	for (i = 0; i < levels; i++)
		p += sprintf(p, "</data></array></value>");
	sprintf(p, "</param></params></methodResponse>");
	v = decode_ok(doc);
	for (inner = v, i = 0; i < levels; i++) {
		assert_int_equal(inner->type, XR_ARRAY);
		assert_int_equal(inner->u.a.n, 1);
		inner = inner->u.a.items[0];
	}
	assert_string_equal(inner->u.s.ptr, "x");
	xr_free(v);
	free(doc);
}

static void
test_parse_call(void **state)
{
	const char	*doc = HDR "<methodCall>\n<methodName>supervisor."
	    "startProcess</methodName>\n<params>\n<param>\n<value><string>web"
	    "</string></value>\n</param>\n<param>\n<value><boolean>0</boolean>"
	    "</value>\n</param>\n</params>\n</methodCall>\n";
	struct xr_call	*call = NULL;
	char		*cause = NULL;

	assert_int_equal(xr_parse_call(doc, strlen(doc), &call, &cause), 0);
	assert_string_equal(call->method, "supervisor.startProcess");
	assert_int_equal(call->params->u.a.n, 2);
	assert_string_equal(call->params->u.a.items[0]->u.s.ptr, "web");
	assert_int_equal(call->params->u.a.items[1]->u.b, 0);
	xr_call_free(call);

	doc = "<methodCall><methodName>x.y</methodName></methodCall>";
	assert_int_equal(xr_parse_call(doc, strlen(doc), &call, &cause), 0);
	assert_int_equal(call->params->type, XR_ARRAY);
	assert_int_equal(call->params->u.a.n, 0);
	xr_call_free(call);

	doc = "<methodCall><params/></methodCall>";
	assert_int_equal(xr_parse_call(doc, strlen(doc), &call, &cause), -1);
	assert_string_equal(cause, "no method name");
	assert_null(call);
	free(cause);

	/* A prefix is ignored, as on every other tag. */
	doc = "<x:methodCall xmlns:x='u'><methodName>x.y</methodName>"
	    "</x:methodCall>";
	assert_int_equal(xr_parse_call(doc, strlen(doc), &call, &cause), 0);
	xr_call_free(call);
}

/*
 * Python runs any document with a <methodName> in it as a call; a request
 * whose root is not <methodCall> is refused here, whatever it holds.
 */
static void
test_parse_call_needs_method_call_root(void **state)
{
	static const char	*docs[] = {
		"<methodResponse><methodName>supervisor.getState</methodName>"
		"<params/></methodResponse>",
		"<foo><methodName>supervisor.getState</methodName></foo>",
		"<methodCallx><methodName>x.y</methodName></methodCallx>",
		"<params><methodCall><methodName>x.y</methodName></methodCall>"
		"</params>",
	};
	struct xr_call		*call = NULL;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		assert_int_equal(xr_parse_call(docs[i], strlen(docs[i]), &call,
		    &cause), -1);
		assert_null(call);
		assert_string_equal(cause, "the root element is not methodCall");
		free(cause);
		cause = NULL;
	}
}

/* Encode a string alone and compare the text between the tags. */
static void
check_string(const char *s, size_t len, const char *want)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*open = "<value><string>", *close =
			    "</string></value>\n";
	size_t		 n;

	xr_encode_string_len(b, s, len);
	n = evbuffer_get_length(b);
	assert_int_equal(n, strlen(open) + strlen(want) + strlen(close));
	assert_memory_equal(evbuffer_pullup(b, -1), open, strlen(open));
	assert_memory_equal((char *)evbuffer_pullup(b, -1) + strlen(open),
	    want, strlen(want));
	evbuffer_free(b);
}

/*
 * XML 1.0 has no place for C0 controls but tab, newline and carriage
 * return: the others go out as their control pictures, U+2400 + c.
 */
static void
test_controls_become_pictures(void **state)
{
	char	in[32], want[32 * 3 + 1], *w = want;
	int	c;

	check_string("\x1b[31mred\x1b[0m", 12,
	    "\xe2\x90\x9b[31mred\xe2\x90\x9b[0m");
	check_string("a\0b", 3, "a\xe2\x90\x80" "b");
	check_string("\t\n\r\x7f", 4, "\t\n\r\x7f");
	for (c = 0; c < 32; c++) {
		in[c] = (char)c;
		if (c == '\t' || c == '\n' || c == '\r')
			*w++ = (char)c;
		else {
			*w++ = (char)0xe2;
			*w++ = (char)0x90;
			*w++ = (char)(0x80 + c);
		}
	}
	*w = '\0';
	check_string(in, sizeof in, want);
}

/*
 * U+FFFE and U+FFFF are not XML characters either; U+FFFD, U+FFFC and
 * the C1 controls are, and pass.
 */
static void
test_nonchars_become_replacement(void **state)
{
	check_string("\xef\xbf\xbe|\xef\xbf\xbf|\xef\xbf\xbd|\xef\xbf\xbc",
	    15, "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbc");
	check_string("\xc2\x80\xc2\x9b", 4, "\xc2\x80\xc2\x9b");
	/* Cut short at the end: each byte alone is not UTF-8. */
	check_string("ok\xe2\x82", 4, "ok\xef\xbf\xbd\xef\xbf\xbd");
}

/*
 * Every place text goes out is mapped: member names, fault strings,
 * method names; and whatever bytes go in, expat reads the result.
 */
static void
test_mapped_everywhere_and_parses(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*st, *back = NULL, *params;
	struct xr_call	*call = NULL;
	char		*cause = NULL, *fs = NULL, all[256];
	int		 fc, i;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	st = xr_struct();
	xr_struct_set(st, "na\x01me", xr_string_len(all, sizeof all));
	xr_encode_response(b, st);
	assert_int_equal(xr_parse_response((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &back, &fc, &fs, &cause), 0);
	assert_non_null(xr_struct_get(back, "na\xe2\x90\x81me"));
	xr_free(back);
	xr_free(st);
	evbuffer_drain(b, evbuffer_get_length(b));

	xr_encode_fault(b, 10, "BAD_NAME: \x1b\xff");
	assert_int_equal(xr_parse_response((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &back, &fc, &fs, &cause), 1);
	assert_string_equal(fs, "BAD_NAME: \xe2\x90\x9b\xef\xbf\xbd");
	free(fs);
	evbuffer_drain(b, evbuffer_get_length(b));

	params = xr_array();
	xr_array_append(params, xr_string_len(all, sizeof all));
	xr_encode_call(b, "a\x02" "b", params);
	assert_int_equal(xr_parse_call((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &call, &cause), 0);
	assert_string_equal(call->method, "a\xe2\x90\x82" "b");
	xr_call_free(call);
	xr_free(params);
	evbuffer_free(b);
}

static void
test_round_trip(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	struct xr_value	*v, *back, *st;
	char		*cause = NULL, *fs = NULL;
	int		 fc;

	v = xr_array();
	xr_array_append(v, xr_string("é & <x>\t\n"));
	xr_array_append(v, xr_int(-5000000000LL));
	xr_array_append(v, xr_double(-1e-300));
	xr_array_append(v, xr_base64("\0\1\2\377", 4));
	xr_array_append(v, xr_nil());
	st = xr_struct();
	xr_struct_set(st, "", xr_bool(0));
	xr_array_append(v, st);
	xr_encode_response(b, v);
	assert_int_equal(xr_parse_response((char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), &back, &fc, &fs, &cause), 0);
	assert_int_equal(back->u.a.n, 6);
	assert_string_equal(back->u.a.items[0]->u.s.ptr, "é & <x>\t\n");
	assert_int_equal(back->u.a.items[1]->u.i, -5000000000LL);
	assert_true(back->u.a.items[2]->u.d == -1e-300);
	assert_int_equal(back->u.a.items[3]->u.s.len, 4);
	assert_memory_equal(back->u.a.items[3]->u.s.ptr, "\0\1\2\377", 4);
	assert_int_equal(back->u.a.items[4]->type, XR_NIL);
	assert_int_equal(xr_struct_get(back->u.a.items[5], "")->type, XR_BOOL);
	xr_free(v);
	xr_free(back);
	evbuffer_free(b);
}

/*
 * Found by fuzz-xmlrpc: expat still calls the end handler of an empty
 * element whose start handler stopped the parse (here at the depth
 * limit), which then read past the table of open elements.
 */
static void
test_empty_element_past_the_limit(void **state)
{
	char	*doc, *p;
	int	 i;

	doc = malloc(XR_MAX_DEPTH * 16 + 128);
	p = doc + sprintf(doc, "<methodResponse><params><param>");
	for (i = 0; i < XR_MAX_DEPTH - 3; i++)
		p += sprintf(p, "<value>");
	p += sprintf(p, "<array/><nil/>");
	for (i = 0; i < XR_MAX_DEPTH - 3; i++)
		p += sprintf(p, "</value>");
	sprintf(p, "</param></params></methodResponse>");
	decode_error(doc, "nested deeper than 1000");
	free(doc);
}

/*
 * Found by fuzz-xmlrpc: a name read from &#13; holds a carriage return,
 * which goes out raw as in Python's dumps, and XML reads back as "\n".
 */
static void
test_carriage_return_goes_out_raw(void **state)
{
	struct xr_value	*v;

	v = decode_ok("<methodResponse><params><param><value><struct><member>"
	    "<name>&#13;x</name><value>&#13;</value></member></struct></value>"
	    "</param></params></methodResponse>");
	assert_string_equal(v->u.st.members[0].name, "\rx");
	check_response(v, RESP("<value><struct>\n<member>\n<name>\rx</name>\n"
	    "<value><string>\r</string></value>\n</member>\n"
	    "</struct></value>\n"));
}

static void
test_type_names(void **state)
{
	assert_string_equal(xr_type_name(XR_INT), "int");
	assert_string_equal(xr_type_name(XR_STRING), "string");
	assert_string_equal(xr_type_name(XR_DATETIME), "dateTime.iso8601");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars_encode_like_dumps),
		cmocka_unit_test(test_invalid_utf8_is_replaced),
		cmocka_unit_test(test_base64_wraps_at_76),
		cmocka_unit_test(test_double_repr),
		cmocka_unit_test(test_struct_and_array_encode),
		cmocka_unit_test(test_streaming_equals_tree),
		cmocka_unit_test(test_fault_and_call_encode),
		cmocka_unit_test(test_decode_values),
		cmocka_unit_test(test_decode_param_counts),
		cmocka_unit_test(test_decode_fault),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_decode_refuses_dtd),
		cmocka_unit_test(test_decode_limits),
		cmocka_unit_test(test_parse_call),
		cmocka_unit_test(test_parse_call_needs_method_call_root),
		cmocka_unit_test(test_controls_become_pictures),
		cmocka_unit_test(test_nonchars_become_replacement),
		cmocka_unit_test(test_mapped_everywhere_and_parses),
		cmocka_unit_test(test_decode_at_the_depth_limit),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_carriage_return_goes_out_raw),
		cmocka_unit_test(test_empty_element_past_the_limit),
		cmocka_unit_test(test_type_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
