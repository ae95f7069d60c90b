/*
 * XML-RPC values and their wire format. The decoder is expat driving the
 * same stack machine as Python's xmlrpc.client.Unmarshaller, so it accepts
 * and rejects what supervisorctl's xmlrpc.client does and builds the same
 * values; the encoder writes byte for byte what xmlrpc.client.dumps writes.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <expat.h>

#include "utf8.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* Python's xmlrpc.client.MAXINT and MININT: the range of <int>. */
#define XR_INT_MAX	2147483647LL
#define XR_INT_MIN	(-2147483647LL - 1)

static const char xr_header[] = "<?xml version='1.0'?>\n";

static struct xr_value *
xr_new(enum xr_type type)
{
	struct xr_value	*v;

	v = xcalloc(1, sizeof *v);
	v->type = type;
	return (v);
}

struct xr_value *
xr_nil(void)
{
	return (xr_new(XR_NIL));
}

struct xr_value *
xr_bool(int b)
{
	struct xr_value	*v = xr_new(XR_BOOL);

	v->u.b = (b != 0);
	return (v);
}

struct xr_value *
xr_int(long long i)
{
	struct xr_value	*v = xr_new(XR_INT);

	v->u.i = i;
	return (v);
}

struct xr_value *
xr_double(double d)
{
	struct xr_value	*v = xr_new(XR_DOUBLE);

	v->u.d = d;
	return (v);
}

/*
 * A value with bytes: one allocation holds both, which halves the work of
 * decoding a large reply. xr_free knows such values by where ptr points.
 */
static struct xr_value *
xr_bytes(enum xr_type type, const void *p, size_t len)
{
	struct xr_value	*v;

	v = xmalloc(sizeof *v + len + 1);
	memset(v, 0, sizeof *v);
	v->type = type;
	v->u.s.ptr = (char *)(v + 1);
	if (len != 0)
		memcpy(v->u.s.ptr, p, len);
	v->u.s.ptr[len] = '\0';
	v->u.s.len = len;
	return (v);
}

struct xr_value *
xr_string(const char *s)
{
	return (xr_bytes(XR_STRING, s, strlen(s)));
}

struct xr_value *
xr_string_len(const char *s, size_t len)
{
	return (xr_bytes(XR_STRING, s, len));
}

struct xr_value *
xr_base64(const void *p, size_t len)
{
	return (xr_bytes(XR_BASE64, p, len));
}

struct xr_value *
xr_datetime(const char *s)
{
	return (xr_bytes(XR_DATETIME, s, strlen(s)));
}

struct xr_value *
xr_array(void)
{
	return (xr_new(XR_ARRAY));
}

struct xr_value *
xr_struct(void)
{
	return (xr_new(XR_STRUCT));
}

/* Append item to an array, taking ownership of it. */
void
xr_array_append(struct xr_value *a, struct xr_value *item)
{
	if (a->u.a.n == a->u.a.cap) {
		a->u.a.cap = a->u.a.cap == 0 ? 4 : a->u.a.cap * 2;
		a->u.a.items = xreallocarray(a->u.a.items, a->u.a.cap,
		    sizeof *a->u.a.items);
	}
	a->u.a.items[a->u.a.n++] = item;
}

static void
xr_struct_append(struct xr_value *st, char *name, struct xr_value *value)
{
	if (st->u.st.n == st->u.st.cap) {
		st->u.st.cap = st->u.st.cap == 0 ? 4 : st->u.st.cap * 2;
		st->u.st.members = xreallocarray(st->u.st.members,
		    st->u.st.cap, sizeof *st->u.st.members);
	}
	st->u.st.members[st->u.st.n].name = name;
	st->u.st.members[st->u.st.n].value = value;
	st->u.st.n++;
}

/*
 * Set a member, taking ownership of value. Like a Python dict, setting an
 * existing name replaces its value but keeps its place.
 */
void
xr_struct_set(struct xr_value *st, const char *name, struct xr_value *value)
{
	size_t	i;

	for (i = 0; i < st->u.st.n; i++) {
		if (strcmp(st->u.st.members[i].name, name) == 0) {
			xr_free(st->u.st.members[i].value);
			st->u.st.members[i].value = value;
			return;
		}
	}
	xr_struct_append(st, xstrdup(name), value);
}

/* Look a member up by name. Borrowed; NULL if absent or not a struct. */
struct xr_value *
xr_struct_get(const struct xr_value *st, const char *name)
{
	size_t	i;

	if (st == NULL || st->type != XR_STRUCT)
		return (NULL);
	for (i = 0; i < st->u.st.n; i++) {
		if (strcmp(st->u.st.members[i].name, name) == 0)
			return (st->u.st.members[i].value);
	}
	return (NULL);
}

/* Free a value and everything it holds. */
void
xr_free(struct xr_value *v)
{
	size_t	i;

	if (v == NULL)
		return;
	switch (v->type) {
	case XR_STRING:
	case XR_BASE64:
	case XR_DATETIME:
		if (v->u.s.ptr != (char *)(v + 1))
			free(v->u.s.ptr);
		break;
	case XR_ARRAY:
		for (i = 0; i < v->u.a.n; i++)
			xr_free(v->u.a.items[i]);
		free(v->u.a.items);
		break;
	case XR_STRUCT:
		for (i = 0; i < v->u.st.n; i++) {
			free(v->u.st.members[i].name);
			xr_free(v->u.st.members[i].value);
		}
		free(v->u.st.members);
		break;
	default:
		break;
	}
	free(v);
}

/* The XML-RPC element name of a type. */
const char *
xr_type_name(enum xr_type type)
{
	static const char *names[] = {
		[XR_NIL] = "nil",
		[XR_BOOL] = "boolean",
		[XR_INT] = "int",
		[XR_DOUBLE] = "double",
		[XR_STRING] = "string",
		[XR_BASE64] = "base64",
		[XR_DATETIME] = "dateTime.iso8601",
		[XR_ARRAY] = "array",
		[XR_STRUCT] = "struct",
	};

	if ((unsigned)type >= sizeof names / sizeof names[0])
		return ("unknown");
	return (names[type]);
}

/* ------------------------------------------------------------------ */
/* Encoding.                                                            */

/*
 * Append text escaped as Python's xmlrpc.client.escape does (only &, <
 * and > change), then made into characters XML 1.0 can carry. Python
 * sends the rest as they are, and the reader's parser then refuses the
 * whole reply: a program that prints colours or a NUL breaks "tail" in
 * supervisorctl. Log text reaches us as arbitrary bytes, so:
 *
 *  - tab, newline and carriage return stay (a parser reads a lone
 *    carriage return as a newline, as with Python's own output);
 *  - the other C0 controls become their Unicode control pictures,
 *    U+2400 + c (SYMBOL FOR NULL, ..., SYMBOL FOR ESCAPE): where a
 *    program coloured "red", a terminal shows the escape symbol, then
 *    "[31mred", which says what was there and cannot drive the terminal
 *    (U+FFFD would say only that something was lost);
 *  - U+FFFE and U+FFFF, which XML excludes, and each byte that does not
 *    begin well-formed UTF-8 become U+FFFD, as in decode("replace").
 *
 * Only the text changes: lengths and offsets the caller reports still
 * count the bytes it had. Text that needs none of this (Python's output
 * for it is well-formed) comes out byte for byte as Python writes it.
 */
static void
xr_add_escaped(struct evbuffer *b, const char *s, size_t len)
{
	static const char	 fffd[] = "\xef\xbf\xbd";
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + len, *run = p;
	char			 picture[3];
	const char		*rep;
	size_t			 n, replen;

	while (p < end) {
		n = 1;
		if (*p >= 0x20 && *p < 0x80) {
			if (*p == '&')
				rep = "&amp;";
			else if (*p == '<')
				rep = "&lt;";
			else if (*p == '>')
				rep = "&gt;";
			else {
				p++;
				continue;
			}
			replen = strlen(rep);
		} else if (*p < 0x20) {
			if (*p == '\t' || *p == '\n' || *p == '\r') {
				p++;
				continue;
			}
			picture[0] = (char)0xe2;	/* U+2400 + c */
			picture[1] = (char)0x90;
			picture[2] = (char)(0x80 + *p);
			rep = picture;
			replen = sizeof picture;
		} else if ((n = utf8_seq_len(p, end - p)) == 0) {
			n = 1;
			rep = fffd;
			replen = sizeof fffd - 1;
		} else if (n == 3 && p[0] == 0xef && p[1] == 0xbf &&
		    p[2] >= 0xbe) {
			rep = fffd;
			replen = sizeof fffd - 1;
		} else {
			p += n;
			continue;
		}
		evbuffer_add(b, run, p - run);
		evbuffer_add(b, rep, replen);
		p += n;
		run = p;
	}
	evbuffer_add(b, run, p - run);
}

static void
xr_add(struct evbuffer *b, const char *s)
{
	evbuffer_add(b, s, strlen(s));
}

/*
 * Digits and exponent of the shortest decimal, of at most 17 digits, that
 * reads back as d (d > 0 and finite). This is what Python's repr finds with
 * David Gay's dtoa in mode 0. The nearest p-digit decimal is the best
 * candidate of p digits; only just above a power of two, where the gap
 * below d is half the gap above, can the p-digit decimal on the far side
 * read back when the nearest does not, so that one is tried too.
 */
static void
xr_double_digits(double d, char *digits, int *exp10)
{
	char	 tmp[40], cand[40], *e;
	int	 p, i, k;

	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
		if (strtod(tmp, NULL) > d)
			continue;
		/* Add one unit in the last place, carrying to the left. */
		memcpy(cand, tmp, sizeof cand);
		e = strchr(cand, 'e');
		for (i = (int)(e - cand) - 1; i >= 0; i--) {
			if (cand[i] == '.')
				continue;
			if (cand[i] != '9') {
				cand[i]++;
				break;
			}
			cand[i] = '0';
		}
		if (i < 0)	/* 9.99e5 became 0.00e5: it is 1.00e6 */
			continue;
		if (strtod(cand, NULL) == d) {
			memcpy(tmp, cand, sizeof tmp);
			break;
		}
	}
	/* tmp is "D.DDDDe[+-]XX": gather the digits, drop trailing zeros. */
	for (i = 0, k = 0; tmp[i] != 'e'; i++) {
		if (tmp[i] != '.')
			digits[k++] = tmp[i];
	}
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	*exp10 = atoi(tmp + i + 1);
}

/*
 * Python's repr of a float: shortest round-trip digits, positional notation
 * when the decimal point falls within 16 places, otherwise d.ddde+XX.
 */
char *
xr_double_repr(double d, char *buf)
{
	char	 digits[32], *out = buf;
	int	 exp10, decpt, ndigits, i;

	if (isnan(d))
		return (strcpy(buf, "nan"));
	if (isinf(d))
		return (strcpy(buf, d < 0 ? "-inf" : "inf"));
	if (signbit(d))
		*out++ = '-';
	if (d == 0)
		return (strcpy(out, "0.0"), buf);
	xr_double_digits(fabs(d), digits, &exp10);
	ndigits = strlen(digits);
	decpt = exp10 + 1;
	if (decpt <= -4 || decpt > 16) {
		*out++ = digits[0];
		if (ndigits > 1) {
			*out++ = '.';
			memcpy(out, digits + 1, ndigits - 1);
			out += ndigits - 1;
		}
		sprintf(out, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	} else if (decpt <= 0) {
		*out++ = '0';
		*out++ = '.';
		for (i = decpt; i < 0; i++)
			*out++ = '0';
		strcpy(out, digits);
	} else if (decpt < ndigits) {
		memcpy(out, digits, decpt);
		out += decpt;
		*out++ = '.';
		strcpy(out, digits + decpt);
	} else {
		memcpy(out, digits, ndigits);
		out += ndigits;
		for (i = ndigits; i < decpt; i++)
			*out++ = '0';
		strcpy(out, ".0");
	}
	return (buf);
}

/* Base64 as Python's base64.encodebytes: lines of 76 characters. */
static void
xr_add_base64(struct evbuffer *b, const unsigned char *p, size_t len)
{
	static const char	 alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 line[78];
	size_t			 i, n, k;
	uint32_t		 w;

	for (i = 0; i < len; i += 57) {
		n = len - i < 57 ? len - i : 57;
		for (k = 0; n >= 3; n -= 3, p += 3) {
			w = (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
			line[k++] = alphabet[w >> 18];
			line[k++] = alphabet[(w >> 12) & 63];
			line[k++] = alphabet[(w >> 6) & 63];
			line[k++] = alphabet[w & 63];
		}
		if (n != 0) {
			w = (uint32_t)p[0] << 16 | (n == 2 ? p[1] << 8 : 0);
			line[k++] = alphabet[w >> 18];
			line[k++] = alphabet[(w >> 12) & 63];
			line[k++] = n == 2 ? alphabet[(w >> 6) & 63] : '=';
			line[k++] = '=';
			p += n;
		}
		line[k++] = '\n';
		evbuffer_add(b, line, k);
	}
}

/* Append <value><nil/></value>; like Python, with no newline after it. */
void
xr_encode_nil(struct evbuffer *b)
{
	xr_add(b, "<value><nil/></value>");
}

void
xr_encode_bool(struct evbuffer *b, int v)
{
	xr_add(b, v ? "<value><boolean>1</boolean></value>\n" :
	    "<value><boolean>0</boolean></value>\n");
}

/*
 * Python refuses ints outside 32 bits; we write those as <i8>, which
 * xmlrpc.client reads back as an int.
 */
void
xr_encode_int(struct evbuffer *b, long long v)
{
	if (v > XR_INT_MAX || v < XR_INT_MIN)
		evbuffer_add_printf(b, "<value><i8>%lld</i8></value>\n", v);
	else
		evbuffer_add_printf(b, "<value><int>%lld</int></value>\n", v);
}

void
xr_encode_double(struct evbuffer *b, double v)
{
	char	buf[XR_DOUBLE_REPR_MAX];

	evbuffer_add_printf(b, "<value><double>%s</double></value>\n",
	    xr_double_repr(v, buf));
}

void
xr_encode_string_len(struct evbuffer *b, const char *s, size_t len)
{
	xr_add(b, "<value><string>");
	xr_add_escaped(b, s, len);
	xr_add(b, "</string></value>\n");
}

void
xr_encode_string(struct evbuffer *b, const char *s)
{
	xr_encode_string_len(b, s, strlen(s));
}

void
xr_encode_base64(struct evbuffer *b, const void *p, size_t len)
{
	xr_add(b, "<value><base64>\n");
	xr_add_base64(b, p, len);
	xr_add(b, "</base64></value>\n");
}

void
xr_encode_datetime(struct evbuffer *b, const char *s)
{
	xr_add(b, "<value><dateTime.iso8601>");
	xr_add_escaped(b, s, strlen(s));
	xr_add(b, "</dateTime.iso8601></value>\n");
}

void
xr_encode_array_begin(struct evbuffer *b)
{
	xr_add(b, "<value><array><data>\n");
}

void
xr_encode_array_end(struct evbuffer *b)
{
	xr_add(b, "</data></array></value>\n");
}

void
xr_encode_struct_begin(struct evbuffer *b)
{
	xr_add(b, "<value><struct>\n");
}

void
xr_encode_struct_end(struct evbuffer *b)
{
	xr_add(b, "</struct></value>\n");
}

void
xr_encode_member_begin(struct evbuffer *b, const char *name)
{
	xr_add(b, "<member>\n<name>");
	xr_add_escaped(b, name, strlen(name));
	xr_add(b, "</name>\n");
}

void
xr_encode_member_end(struct evbuffer *b)
{
	xr_add(b, "</member>\n");
}

/* Append a bare <value> element, as Python's Marshaller writes one. */
void
xr_encode_value(struct evbuffer *b, const struct xr_value *v)
{
	size_t	i;

	switch (v->type) {
	case XR_NIL:
		xr_encode_nil(b);
		break;
	case XR_BOOL:
		xr_encode_bool(b, v->u.b);
		break;
	case XR_INT:
		xr_encode_int(b, v->u.i);
		break;
	case XR_DOUBLE:
		xr_encode_double(b, v->u.d);
		break;
	case XR_STRING:
		xr_encode_string_len(b, v->u.s.ptr, v->u.s.len);
		break;
	case XR_BASE64:
		xr_encode_base64(b, v->u.s.ptr, v->u.s.len);
		break;
	case XR_DATETIME:
		xr_encode_datetime(b, v->u.s.ptr);
		break;
	case XR_ARRAY:
		xr_encode_array_begin(b);
		for (i = 0; i < v->u.a.n; i++)
			xr_encode_value(b, v->u.a.items[i]);
		xr_encode_array_end(b);
		break;
	case XR_STRUCT:
		xr_encode_struct_begin(b);
		for (i = 0; i < v->u.st.n; i++) {
			xr_encode_member_begin(b, v->u.st.members[i].name);
			xr_encode_value(b, v->u.st.members[i].value);
			xr_encode_member_end(b);
		}
		xr_encode_struct_end(b);
		break;
	}
}

void
xr_encode_response_begin(struct evbuffer *b)
{
	xr_add(b, xr_header);
	xr_add(b, "<methodResponse>\n<params>\n<param>\n");
}

void
xr_encode_response_end(struct evbuffer *b)
{
	xr_add(b, "</param>\n</params>\n</methodResponse>\n");
}

/* dumps((value,), methodresponse=True). */
void
xr_encode_response(struct evbuffer *b, const struct xr_value *v)
{
	xr_encode_response_begin(b);
	xr_encode_value(b, v);
	xr_encode_response_end(b);
}

/* dumps(Fault(code, string)). */
void
xr_encode_fault(struct evbuffer *b, int code, const char *string)
{
	xr_add(b, xr_header);
	xr_add(b, "<methodResponse>\n<fault>\n");
	xr_encode_struct_begin(b);
	xr_encode_member_begin(b, "faultCode");
	xr_encode_int(b, code);
	xr_encode_member_end(b);
	xr_encode_member_begin(b, "faultString");
	xr_encode_string(b, string);
	xr_encode_member_end(b);
	xr_encode_struct_end(b);
	xr_add(b, "</fault>\n</methodResponse>\n");
}

/*
 * dumps(tuple(params), methodname=method); params is an array (or NULL for
 * none). Python writes the method name unescaped; we escape it, which
 * changes nothing for any name that makes a well-formed document.
 */
void
xr_encode_call(struct evbuffer *b, const char *method,
    const struct xr_value *params)
{
	size_t	i;

	xr_add(b, xr_header);
	xr_add(b, "<methodCall>\n<methodName>");
	xr_add_escaped(b, method, strlen(method));
	xr_add(b, "</methodName>\n<params>\n");
	for (i = 0; params != NULL && i < params->u.a.n; i++) {
		xr_add(b, "<param>\n");
		xr_encode_value(b, params->u.a.items[i]);
		xr_add(b, "</param>\n");
	}
	xr_add(b, "</params>\n</methodCall>\n");
}

/* ------------------------------------------------------------------ */
/* Decoding.                                                            */

/* What the last <params>, <fault> or <methodName> said the document is. */
enum xr_doc {
	XR_DOC_NONE,
	XR_DOC_PARAMS,
	XR_DOC_FAULT,
	XR_DOC_METHOD,
};

/*
 * The state of Python's Unmarshaller: a flat stack of finished values,
 * marks where each open <array> or <struct> began on it, the text since
 * the last start tag, and whether the innermost element is a bare <value>.
 */
struct xr_parser {
	XML_Parser	  p;
	struct xr_value	**stack;
	size_t		  n, cap;
	size_t		 *marks;
	size_t		  nmarks, capmarks;
	char		 *data;
	size_t		  datalen, datacap;
	int		  value;
	enum xr_doc	  doc;
	char		 *method;
	int		  call;		/* the root element is <methodCall> */
	int		  depth;
	const struct xr_tag *open[XR_MAX_DEPTH + 1];	/* by depth */
	size_t		  nodes;
	char		 *cause;
};

static void
xr_parser_fail(struct xr_parser *xp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Stop the parse with a cause; the first failure wins. */
static void
xr_parser_fail(struct xr_parser *xp, const char *fmt, ...)
{
	va_list	ap;

	if (xp->cause == NULL) {
		va_start(ap, fmt);
		xvasprintf(&xp->cause, fmt, ap);
		va_end(ap);
	}
	XML_StopParser(xp->p, XML_FALSE);
}

static void
xr_parser_push(struct xr_parser *xp, struct xr_value *v)
{
	if (xp->n == xp->cap) {
		xp->cap = xp->cap == 0 ? 16 : xp->cap * 2;
		xp->stack = xreallocarray(xp->stack, xp->cap,
		    sizeof *xp->stack);
	}
	xp->stack[xp->n++] = v;
}

/* Python's str.isspace for one UTF-8 character at p; returns its length. */
static size_t
xr_space_len(const unsigned char *p, size_t left)
{
	static const uint32_t	 wide[] = {
		0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
		0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
		0x2029, 0x202f, 0x205f, 0x3000,
	};
	uint32_t		 c;
	size_t			 n, i;

	if (*p < 0x80)
		return ((*p >= 0x09 && *p <= 0x0d) ||
		    (*p >= 0x1c && *p <= 0x20) ? 1 : 0);
	if ((n = utf8_seq_len(p, left)) == 0)
		return (0);
	c = p[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++)
		c = c << 6 | (p[i] & 0x3f);
	for (i = 0; i < sizeof wide / sizeof wide[0]; i++) {
		if (wide[i] == c)
			return (n);
	}
	return (0);
}

/* Trailing whitespace length of s[0..len), as str.strip sees it. */
static size_t
xr_rspace_len(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 end = len, k;

	while (end > 0) {
		/* Back up to the start of the last character. */
		k = end - 1;
		while (k > 0 && end - k < 4 && (p[k] & 0xc0) == 0x80)
			k--;
		if (xr_space_len(p + k, end - k) != end - k)
			break;
		end = k;
	}
	return (len - end);
}

/* Strip like Python's str.strip(); returns a new string. */
static char *
xr_strip(const char *s, size_t len, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 start = 0, n;

	while (start < len &&
	    (n = xr_space_len(p + start, len - start)) != 0)
		start += n;
	len -= start;
	len -= xr_rspace_len(s + start, len);
	*outlen = len;
	return (xstrndup(s + start, len));
}

/*
 * Remove Python's digit-group underscores: each must sit between two
 * digits. Returns 0, or -1 if one is misplaced. s is changed in place.
 */
static int
xr_underscores(char *s)
{
	char	*in, *out;

	for (in = out = s; *in != '\0'; in++) {
		if (*in == '_') {
			if (in == s || in[-1] < '0' || in[-1] > '9' ||
			    in[1] < '0' || in[1] > '9')
				return (-1);
			continue;
		}
		*out++ = *in;
	}
	*out = '\0';
	return (0);
}

/* Python's int(text) for base 10 within long long. */
static int
xr_parse_int(const char *text, size_t len, long long *out)
{
	char		*s, *p, *end;
	size_t		 n;
	int		 rc = -1;

	/* Most ints are plain digits: no copy needed. */
	if (len > 0 && len < 19 && (text[0] == '-' ? len > 1 &&
	    strspn(text + 1, "0123456789") == len - 1 :
	    strspn(text, "0123456789") == len)) {
		*out = strtoll(text, NULL, 10);
		return (0);
	}
	s = xr_strip(text, len, &n);
	if (xr_underscores(s) != 0)
		goto done;
	p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
		goto done;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0')
		rc = 0;
	else
		rc = -2;
done:
	free(s);
	return (rc);
}

/* Digits, optionally with single underscores between them. */
static const char *
xr_digitpart(const char *p)
{
	if (*p < '0' || *p > '9')
		return (NULL);
	while ((*p >= '0' && *p <= '9') ||
	    (*p == '_' && p[1] >= '0' && p[1] <= '9'))
		p++;
	return (p);
}

/*
 * Python's float(text): a decimal with optional sign, point, exponent and
 * underscores between digits, or inf, infinity, nan in any case. strtod
 * alone would also take hex and nan(...), which Python refuses.
 */
static int
xr_parse_double(const char *text, size_t len, double *out)
{
	char		*s, *p;
	const char	*q;
	size_t		 n;
	int		 rc = -1;

	s = xr_strip(text, len, &n);
	p = s + (*s == '+' || *s == '-');
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0 ||
	    strcasecmp(p, "nan") == 0) {
		*out = strtod(s, NULL);
		rc = 0;
		goto done;
	}
	if ((q = xr_digitpart(p)) == NULL) {
		if (*p != '.' || (q = xr_digitpart(p + 1)) == NULL)
			goto done;
	} else if (*q == '.')
		q = xr_digitpart(q + 1) != NULL ? xr_digitpart(q + 1) : q + 1;
	if (*q == 'e' || *q == 'E') {
		q += (q[1] == '+' || q[1] == '-') ? 2 : 1;
		if ((q = xr_digitpart(q)) == NULL)
			goto done;
	}
	if (*q != '\0' || xr_underscores(s) != 0)
		goto done;
	*out = strtod(s, NULL);	/* overflow gives inf, as in Python */
	rc = 0;
done:
	free(s);
	return (rc);
}

/*
 * binascii.a2b_base64 in its default, lenient mode: characters outside
 * the alphabet are skipped, and enough '=' after two or three characters
 * of a quad ends the data. Returns 0 or -1.
 */
static int
xr_parse_base64(const char *s, size_t len, struct xr_value **out)
{
	unsigned char	*buf, *p;
	unsigned int	 left = 0, c;
	int		 quad = 0, pads = 0;
	size_t		 i;

	buf = p = xmalloc(len / 4 * 3 + 3);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x80)
			goto fail;	/* .encode("ascii") refuses it */
		if (c == '=') {
			if (quad >= 2 && quad + ++pads >= 4)
				break;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c -= 'A';
		else if (c >= 'a' && c <= 'z')
			c = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			c = c - '0' + 52;
		else if (c == '+')
			c = 62;
		else if (c == '/')
			c = 63;
		else
			continue;
		pads = 0;
		switch (quad) {
		case 0:
			left = c;
			break;
		case 1:
			*p++ = left << 2 | c >> 4;
			left = c & 0x0f;
			break;
		case 2:
			*p++ = left << 4 | c >> 2;
			left = c & 0x03;
			break;
		case 3:
			*p++ = left << 6 | c;
			break;
		}
		quad = (quad + 1) & 3;
	}
	if (i == len && quad != 0)
		goto fail;
	*out = xr_base64(buf, p - buf);
	free(buf);
	return (0);
fail:
	free(buf);
	return (-1);
}

static void
xr_end_nil(struct xr_parser *xp, const char *data, size_t len)
{
	xr_parser_push(xp, xr_nil());
}

static void
xr_end_boolean(struct xr_parser *xp, const char *data, size_t len)
{
	if (len == 1 && (data[0] == '0' || data[0] == '1'))
		xr_parser_push(xp, xr_bool(data[0] == '1'));
	else
		xr_parser_fail(xp, "bad boolean value");
}

static void
xr_end_int(struct xr_parser *xp, const char *data, size_t len)
{
	long long	i;

	switch (xr_parse_int(data, len, &i)) {
	case 0:
		xr_parser_push(xp, xr_int(i));
		break;
	case -2:
		xr_parser_fail(xp, "integer out of range: '%s'", data);
		break;
	default:
		xr_parser_fail(xp, "bad integer value: '%s'", data);
		break;
	}
}

static void
xr_end_double(struct xr_parser *xp, const char *data, size_t len)
{
	double	d;

	if (xr_parse_double(data, len, &d) == 0)
		xr_parser_push(xp, xr_double(d));
	else
		xr_parser_fail(xp, "bad double value: '%s'", data);
}

static void
xr_end_bigdecimal(struct xr_parser *xp, const char *data, size_t len)
{
	xr_parser_fail(xp, "bigdecimal values are not supported");
}

static void
xr_end_string(struct xr_parser *xp, const char *data, size_t len)
{
	xr_parser_push(xp, xr_string_len(data, len));
}

/*
 * A struct member name: a string whose bytes live apart, so that the
 * struct can take them over when the member is made.
 */
static void
xr_end_name(struct xr_parser *xp, const char *data, size_t len)
{
	struct xr_value	*v;

	v = xr_new(XR_STRING);
	v->u.s.ptr = xstrndup(data, len);
	v->u.s.len = len;
	xr_parser_push(xp, v);
}

static void
xr_end_base64(struct xr_parser *xp, const char *data, size_t len)
{
	struct xr_value	*v;

	if (xr_parse_base64(data, len, &v) == 0)
		xr_parser_push(xp, v);
	else
		xr_parser_fail(xp, "bad base64 value");
}

/* Like xmlrpc.client.DateTime.decode: the text, stripped, unchecked. */
static void
xr_end_datetime(struct xr_parser *xp, const char *data, size_t len)
{
	struct xr_value	*v;
	size_t		 n;

	v = xr_new(XR_DATETIME);
	v->u.s.ptr = xr_strip(data, len, &n);
	v->u.s.len = n;
	xr_parser_push(xp, v);
}

static void
xr_end_array(struct xr_parser *xp, const char *data, size_t len)
{
	struct xr_value	*a;
	size_t		 mark, i;

	mark = xp->marks[--xp->nmarks];
	a = xr_array();
	a->u.a.n = a->u.a.cap = xp->n - mark;
	if (a->u.a.n != 0) {
		a->u.a.items = xreallocarray(NULL, a->u.a.n,
		    sizeof *a->u.a.items);
		for (i = 0; i < a->u.a.n; i++)
			a->u.a.items[i] = xp->stack[mark + i];
	}
	xp->n = mark;
	xr_parser_push(xp, a);
}

static int
xr_member_cmp(const void *a, const void *b)
{
	const struct xr_member	*ma = a, *mb = b;
	int			 c;

	if ((c = strcmp(ma->name, mb->name)) != 0)
		return (c);
	return (ma->value < mb->value ? -1 : ma->value > mb->value);
}

/*
 * Python builds a dict from the pairs, so a repeated name keeps its first
 * place and takes its last value. Small structs are checked pair by pair;
 * large ones are sorted (by name, then by place, which the spare value
 * pointer slot holds) so hostile input cannot make this quadratic.
 */
static void
xr_struct_dedup(struct xr_value *st)
{
	struct xr_member	*m = st->u.st.members, *sorted;
	size_t			 n = st->u.st.n, i, j, k;

	if (n < 2)
		return;
	if (n < 32) {
		for (i = 1, k = 1; i < n; i++) {
			for (j = 0; j < k; j++) {
				if (m[j].name[0] == m[i].name[0] &&
				    strcmp(m[j].name, m[i].name) == 0)
					break;
			}
			if (j < k) {
				free(m[i].name);
				xr_free(m[j].value);
				m[j].value = m[i].value;
			} else
				m[k++] = m[i];
		}
		st->u.st.n = k;
		return;
	}
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	for (i = 0; i < n; i++) {
		sorted[i].name = m[i].name;
		sorted[i].value = (struct xr_value *)(m + i);
	}
	qsort(sorted, n, sizeof *sorted, xr_member_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n &&
		    strcmp(sorted[i].name, sorted[j].name) == 0; j++) {
			struct xr_member *first, *dup;

			first = (struct xr_member *)sorted[i].value;
			dup = (struct xr_member *)sorted[j].value;
			xr_free(first->value);
			first->value = dup->value;
			free(dup->name);
			dup->name = NULL;
		}
	}
	free(sorted);
	for (i = 0, k = 0; i < n; i++) {
		if (m[i].name != NULL)
			m[k++] = m[i];
	}
	st->u.st.n = k;
}

static void
xr_end_struct(struct xr_parser *xp, const char *data, size_t len)
{
	struct xr_value	*st, *key;
	size_t		 mark, i;

	mark = xp->marks[--xp->nmarks];
	if ((xp->n - mark) % 2 != 0) {
		xr_parser_fail(xp, "struct member without a value");
		return;
	}
	for (i = mark; i < xp->n; i += 2) {
		if (xp->stack[i]->type != XR_STRING) {
			xr_parser_fail(xp, "struct member name is %s, "
			    "not string", xr_type_name(xp->stack[i]->type));
			return;
		}
	}
	st = xr_struct();
	st->u.st.cap = (xp->n - mark) / 2;
	if (st->u.st.cap != 0) {
		st->u.st.members = xreallocarray(NULL, st->u.st.cap,
		    sizeof *st->u.st.members);
	}
	for (i = mark; i < xp->n; i += 2) {
		key = xp->stack[i];
		if (key->u.s.ptr == (char *)(key + 1))
			xr_struct_append(st, xstrdup(key->u.s.ptr),
			    xp->stack[i + 1]);
		else
			xr_struct_append(st, key->u.s.ptr, xp->stack[i + 1]);
		free(key);
	}
	xp->n = mark;
	xr_struct_dedup(st);
	xr_parser_push(xp, st);
}

/* A <value> with no element inside is a string. */
static void
xr_end_value(struct xr_parser *xp, const char *data, size_t len)
{
	if (xp->value)
		xr_end_string(xp, data, len);
}

static void
xr_end_params(struct xr_parser *xp, const char *data, size_t len)
{
	xp->doc = XR_DOC_PARAMS;
}

static void
xr_end_fault(struct xr_parser *xp, const char *data, size_t len)
{
	xp->doc = XR_DOC_FAULT;
}

static void
xr_end_method(struct xr_parser *xp, const char *data, size_t len)
{
	free(xp->method);
	xp->method = xstrndup(data, len);
	xp->doc = XR_DOC_METHOD;
}

/* How an element acts besides its end handler. */
#define XR_TAG_MARK	0x1	/* array, struct: mark the stack at start */
#define XR_TAG_VALUE	0x2	/* value: a bare value may follow */
#define XR_TAG_KEEP	0x4	/* leaves the bare-value flag alone at end */

/*
 * Unmarshaller.dispatch: the elements that mean something at their end,
 * grouped by first letter for a quick lookup.
 */
static const struct xr_tag {
	const char	*tag;
	void		(*end)(struct xr_parser *, const char *, size_t);
	int		 flags;
} xr_tags[] = {
	{ "array", xr_end_array, XR_TAG_MARK },
	{ "base64", xr_end_base64, 0 },
	{ "bigdecimal", xr_end_bigdecimal, 0 },
	{ "biginteger", xr_end_int, 0 },
	{ "boolean", xr_end_boolean, 0 },
	{ "dateTime.iso8601", xr_end_datetime, XR_TAG_KEEP },
	{ "double", xr_end_double, 0 },
	{ "fault", xr_end_fault, XR_TAG_KEEP },
	{ "float", xr_end_double, 0 },
	{ "i1", xr_end_int, 0 },
	{ "i2", xr_end_int, 0 },
	{ "i4", xr_end_int, 0 },
	{ "i8", xr_end_int, 0 },
	{ "int", xr_end_int, 0 },
	{ "methodName", xr_end_method, XR_TAG_KEEP },
	{ "name", xr_end_name, 0 },
	{ "nil", xr_end_nil, 0 },
	{ "params", xr_end_params, XR_TAG_KEEP },
	{ "string", xr_end_string, 0 },
	{ "struct", xr_end_struct, XR_TAG_MARK },
	{ "value", xr_end_value, XR_TAG_VALUE },
};

/* A tag's name after any "prefix:", which Python ignores. */
static const char *
xr_local_name(const char *tag)
{
	const char	*p;

	for (p = tag; *p != '\0'; p++) {
		if (*p == ':')
			tag = p + 1;
	}
	return (tag);
}

/*
 * The handler for a tag, looked up after any "prefix:" as Python does.
 * Every element of a reply comes through here twice, so the table is
 * entered at the first entry with the tag's first letter.
 */
static const struct xr_tag *
xr_tag_find(const char *tag)
{
	static const unsigned char	 first[26] = {
		['a' - 'a'] = 1, ['b' - 'a'] = 2, ['d' - 'a'] = 6,
		['f' - 'a'] = 8, ['i' - 'a'] = 10, ['m' - 'a'] = 15,
		['n' - 'a'] = 16, ['p' - 'a'] = 18, ['s' - 'a'] = 19,
		['v' - 'a'] = 21,
	};
	size_t				 i;

	tag = xr_local_name(tag);
	if (*tag < 'a' || *tag > 'z' || first[*tag - 'a'] == 0)
		return (NULL);
	for (i = first[*tag - 'a'] - 1; i < sizeof xr_tags / sizeof xr_tags[0] &&
	    xr_tags[i].tag[0] == *tag; i++) {
		if (strcmp(xr_tags[i].tag + 1, tag + 1) == 0)
			return (&xr_tags[i]);
	}
	return (NULL);
}

static void
xr_start_cb(void *arg, const XML_Char *tag, const XML_Char **attrs)
{
	struct xr_parser	*xp = arg;
	const struct xr_tag	*t;

	/* Expat may call a handler or two after a stop; ignore them. */
	if (xp->cause != NULL)
		return;
	if (++xp->depth > XR_MAX_DEPTH) {
		xr_parser_fail(xp, "elements nested deeper than %d",
		    XR_MAX_DEPTH);
		return;
	}
	if (++xp->nodes > XR_MAX_NODES) {
		xr_parser_fail(xp, "more than %d elements", XR_MAX_NODES);
		return;
	}
	if (xp->depth == 1)
		xp->call = strcmp(xr_local_name(tag), "methodCall") == 0;
	t = xp->open[xp->depth] = xr_tag_find(tag);
	if (t != NULL && (t->flags & XR_TAG_MARK)) {
		if (xp->nmarks == xp->capmarks) {
			xp->capmarks = xp->capmarks == 0 ? 8 :
			    xp->capmarks * 2;
			xp->marks = xreallocarray(xp->marks, xp->capmarks,
			    sizeof *xp->marks);
		}
		xp->marks[xp->nmarks++] = xp->n;
	}
	xp->datalen = 0;
	if (xp->value && t == NULL) {
		xr_parser_fail(xp, "unknown tag '%s' in a value", tag);
		return;
	}
	xp->value = t != NULL && (t->flags & XR_TAG_VALUE);
}

/*
 * Run the handler with the text gathered since the last start tag. The
 * flag for a bare <value> is cleared by every typed value, as Python's
 * handlers do (dateTime.iso8601 alone leaves it, to no effect, since its
 * start tag already cleared it).
 */
static void
xr_end_cb(void *arg, const XML_Char *tag)
{
	struct xr_parser	*xp = arg;
	const struct xr_tag	*t;

	if (xp->cause != NULL)
		return;
	/* Well-formed XML ends what it started: no second lookup. */
	t = xp->open[xp->depth--];
	if (t == NULL)
		return;
	if (xp->datalen == xp->datacap) {
		xp->datacap = xp->datacap == 0 ? 64 : xp->datacap * 2;
		xp->data = xrealloc(xp->data, xp->datacap);
	}
	xp->data[xp->datalen] = '\0';
	t->end(xp, xp->data, xp->datalen);
	if ((t->flags & XR_TAG_KEEP) == 0)
		xp->value = 0;
}

static void
xr_data_cb(void *arg, const XML_Char *s, int len)
{
	struct xr_parser	*xp = arg;

	if (xp->cause != NULL)
		return;
	if (xp->datalen + len + 1 > xp->datacap) {
		while (xp->datalen + len + 1 > xp->datacap)
			xp->datacap = xp->datacap == 0 ? 64 : xp->datacap * 2;
		xp->data = xrealloc(xp->data, xp->datacap);
	}
	memcpy(xp->data + xp->datalen, s, len);
	xp->datalen += len;
}

/*
 * A document type declaration is where entities are declared, and
 * entities are how a few hundred bytes expand to gigabytes ("billion
 * laughs"). XML-RPC never needs one, so any DOCTYPE ends the parse.
 */
static void
xr_doctype_cb(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	xr_parser_fail(arg, "document type declarations are not allowed "
	    "(they can declare entities that expand without bound)");
}

static void
xr_entity_cb(void *arg, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	xr_parser_fail(arg, "entity declarations are not allowed");
}

static void
xr_parser_clear(struct xr_parser *xp)
{
	size_t	i;

	for (i = 0; i < xp->n; i++)
		xr_free(xp->stack[i]);
	free(xp->stack);
	free(xp->marks);
	free(xp->data);
	free(xp->method);
	free(xp->cause);
	/* The expat parser stays for the next document (xr_parser_get). */
}

/*
 * One expat parser, reset between documents. Making a new one per call
 * allocated its tables afresh and drew a hash salt with getrandom(2): a
 * fifth of the daemon's work on a small call. The salt is drawn once per
 * process, as Python keeps one hash seed per process.
 */
static XML_Parser
xr_parser_get(void)
{
	static XML_Parser	p;
	static unsigned long	salt;

	if (salt == 0 && (getentropy(&salt, sizeof salt) != 0 || salt == 0))
		salt = 1;	/* 0 would make expat draw its own each time */
	if (p == NULL) {
		/* expat fails only when out of memory; xmalloc aborts too. */
		if ((p = XML_ParserCreate(NULL)) == NULL)
			abort();
	} else if (!XML_ParserReset(p, NULL))
		abort();
	XML_SetHashSalt(p, salt);
	return (p);
}

/*
 * Feed the whole body to expat and run Python's close() checks. Returns 0,
 * or -1 with xp->cause set.
 */
static int
xr_parser_run(struct xr_parser *xp, const char *buf, size_t len)
{
	const size_t	chunk = 1 << 20;
	size_t		n;
	int		final;

	memset(xp, 0, sizeof *xp);
	xp->p = xr_parser_get();
	XML_SetUserData(xp->p, xp);
	XML_SetElementHandler(xp->p, xr_start_cb, xr_end_cb);
	XML_SetCharacterDataHandler(xp->p, xr_data_cb);
	XML_SetStartDoctypeDeclHandler(xp->p, xr_doctype_cb);
	XML_SetEntityDeclHandler(xp->p, xr_entity_cb);
	do {
		n = len > chunk ? chunk : len;
		final = (n == len);
		if (XML_Parse(xp->p, buf, (int)n, final) != XML_STATUS_OK) {
			if (xp->cause == NULL) {
				xasprintf(&xp->cause, "%s: line %lu, column %lu",
				    XML_ErrorString(XML_GetErrorCode(xp->p)),
				    XML_GetCurrentLineNumber(xp->p),
				    XML_GetCurrentColumnNumber(xp->p));
			}
			return (-1);
		}
		buf += n;
		len -= n;
	} while (!final);
	if (xp->doc == XR_DOC_NONE) {
		xp->cause = xstrdup("no params, fault or methodName in the "
		    "document");
		return (-1);
	}
	return (0);
}

/* The values on the stack as one array; the stack is left empty. */
static struct xr_value *
xr_parser_take_all(struct xr_parser *xp)
{
	struct xr_value	*a;

	a = xr_array();
	a->u.a.items = xp->stack;
	a->u.a.n = xp->n;
	a->u.a.cap = xp->cap;
	xp->stack = NULL;
	xp->n = xp->cap = 0;
	return (a);
}

/*
 * Decode a <methodCall>. Like Supervisor, a request without a method name
 * (or with an empty one) is refused; so is a fault. Neither Supervisor
 * nor xmlrpc.client looks at the root element, so that any document with
 * a <methodName> somewhere was run as a call (a <methodResponse> echoed
 * back, say); here anything but a <methodCall> is not a request.
 */
int
xr_parse_call(const char *buf, size_t len, struct xr_call **call,
    char **cause)
{
	struct xr_parser	 xp;
	struct xr_call		*c;

	*call = NULL;
	if (xr_parser_run(&xp, buf, len) != 0)
		goto fail;
	if (!xp.call) {
		xp.cause = xstrdup("the root element is not methodCall");
		goto fail;
	}
	if (xp.doc == XR_DOC_FAULT) {
		xp.cause = xstrdup("a request cannot be a fault");
		goto fail;
	}
	if (xp.method == NULL || *xp.method == '\0') {
		xp.cause = xstrdup("no method name");
		goto fail;
	}
	c = xmalloc(sizeof *c);
	c->method = xp.method;
	xp.method = NULL;
	c->params = xr_parser_take_all(&xp);
	*call = c;
	xr_parser_clear(&xp);
	return (0);
fail:
	*cause = xp.cause;
	xp.cause = NULL;
	xr_parser_clear(&xp);
	return (-1);
}

void
xr_call_free(struct xr_call *c)
{
	if (c == NULL)
		return;
	free(c->method);
	xr_free(c->params);
	free(c);
}

/*
 * Python raises Fault(**stack[0]): the first value must be a struct with
 * faultCode and faultString. Python takes a code of any type; we want the
 * int every server sends, and a string.
 */
static int
xr_parser_fault(struct xr_parser *xp, int *code, char **string)
{
	struct xr_value	*fc, *fs;

	if (xp->n == 0 || xp->stack[0]->type != XR_STRUCT) {
		xp->cause = xstrdup("fault without a struct");
		return (-1);
	}
	fc = xr_struct_get(xp->stack[0], "faultCode");
	fs = xr_struct_get(xp->stack[0], "faultString");
	if (fc == NULL || fs == NULL) {
		xp->cause = xstrdup("fault without faultCode and faultString");
		return (-1);
	}
	if (fc->type != XR_INT || fc->u.i < INT_MIN || fc->u.i > INT_MAX ||
	    fs->type != XR_STRING) {
		xp->cause = xstrdup("fault with a faultCode that is not an "
		    "int or a faultString that is not a string");
		return (-1);
	}
	*code = (int)fc->u.i;
	*string = xstrdup(fs->u.s.ptr);
	return (0);
}

/*
 * Decode a <methodResponse>. A response normally holds one param; like
 * xmlrpc.client.ServerProxy, we give back that value alone, and any other
 * number of values (none, or several) as an array of them.
 */
int
xr_parse_response(const char *buf, size_t len, struct xr_value **result,
    int *fault_code, char **fault_string, char **cause)
{
	struct xr_parser	xp;
	int			rc;

	*result = NULL;
	if (xr_parser_run(&xp, buf, len) != 0)
		rc = -1;
	else if (xp.doc == XR_DOC_FAULT)
		rc = xr_parser_fault(&xp, fault_code, fault_string) == 0 ? 1 : -1;
	else {
		if (xp.n == 1) {
			*result = xp.stack[0];
			xp.n = 0;
		} else
			*result = xr_parser_take_all(&xp);
		rc = 0;
	}
	if (rc == -1) {
		*cause = xp.cause;
		xp.cause = NULL;
	}
	xr_parser_clear(&xp);
	return (rc);
}
