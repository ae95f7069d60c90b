/*
 * XML-RPC values, decoding with expat and encoding into evbuffers: the
 * wire format of Supervisor's API, shared by the daemon and supctl.
 */
#ifndef XMLRPC_H
#define XMLRPC_H

#include <stddef.h>

struct evbuffer;

enum xr_type {
	XR_NIL,
	XR_BOOL,
	XR_INT,
	XR_DOUBLE,
	XR_STRING,
	XR_BASE64,
	XR_DATETIME,
	XR_ARRAY,
	XR_STRUCT,
};

struct xr_value;

struct xr_member {
	char		*name;
	struct xr_value	*value;
};

struct xr_value {
	enum xr_type	 type;
	union {
		int		 b;	/* XR_BOOL: 0 or 1 */
		long long	 i;	/* XR_INT */
		double		 d;	/* XR_DOUBLE */
		struct {		/* XR_STRING, XR_BASE64 (decoded bytes), */
			char	*ptr;	/* XR_DATETIME ("20240101T12:00:00"); */
			size_t	 len;	/* always NUL-terminated too; the bytes */
		} s;			/* may share the value's allocation, so */
					/* never free or take ptr itself */
		struct {
			struct xr_value	**items;
			size_t		  n, cap;
		} a;
		struct {
			struct xr_member *members;	/* in order */
			size_t		  n, cap;
		} st;
	} u;
};

/* Constructors; each returns a new value. Strings are copied. */
struct xr_value	*xr_nil(void);
struct xr_value	*xr_bool(int);
struct xr_value	*xr_int(long long);
struct xr_value	*xr_double(double);
struct xr_value	*xr_string(const char *);
struct xr_value	*xr_string_len(const char *, size_t);
struct xr_value	*xr_base64(const void *, size_t);
struct xr_value	*xr_datetime(const char *);
struct xr_value	*xr_array(void);
struct xr_value	*xr_struct(void);
/* Take ownership of item / value. */
void		 xr_array_append(struct xr_value *, struct xr_value *item);
void		 xr_struct_set(struct xr_value *, const char *name,
		     struct xr_value *value);
/* Borrowed; NULL if absent or not a struct. */
struct xr_value	*xr_struct_get(const struct xr_value *, const char *name);
void		 xr_free(struct xr_value *);
const char	*xr_type_name(enum xr_type);	/* "int", "string", ... */

/* A decoded <methodCall>. */
struct xr_call {
	char		*method;
	struct xr_value	*params;	/* XR_ARRAY, possibly empty */
};

/*
 * Decoding limits: the caller bounds the body size; the decoder bounds
 * nesting depth and element count so hostile input costs little. Python
 * has no depth limit; a thousand elements (some 330 arrays in arrays) is
 * far beyond any real call or reply (getAllProcessInfo nests 8 deep)
 * and keeps the walks over a value (free, encode, compare) shallow.
 */
#define XR_MAX_DEPTH	1000
#define XR_MAX_NODES	1000000

/* Decode a request. 0, or -1 with *cause (caller frees). */
int		 xr_parse_call(const char *buf, size_t len,
		     struct xr_call **call, char **cause);
void		 xr_call_free(struct xr_call *);

/*
 * Decode a <methodResponse>. Returns 0 and sets *result, or 1 for a fault
 * and sets *fault_code and *fault_string (caller frees), or -1 with *cause
 * (caller frees) when the body is not a valid response.
 */
int		 xr_parse_response(const char *buf, size_t len,
		     struct xr_value **result, int *fault_code,
		     char **fault_string, char **cause);

/* Encoders append complete documents (or a bare <value>) to buf. */
void		 xr_encode_call(struct evbuffer *, const char *method,
		     const struct xr_value *params);
void		 xr_encode_response(struct evbuffer *, const struct xr_value *);
void		 xr_encode_fault(struct evbuffer *, int code, const char *string);
void		 xr_encode_value(struct evbuffer *, const struct xr_value *);

/*
 * A streaming writer for replies too large to build as a tree first
 * (getAllProcessInfo with thousands of processes). The pieces produce the
 * same bytes as xr_encode_response on the equivalent tree:
 *
 *	xr_encode_response_begin(b);
 *	xr_encode_array_begin(b);
 *	xr_encode_struct_begin(b);
 *	xr_encode_member_begin(b, "pid");
 *	xr_encode_int(b, 42);
 *	xr_encode_member_end(b);
 *	xr_encode_struct_end(b);
 *	xr_encode_array_end(b);
 *	xr_encode_response_end(b);
 */
void		 xr_encode_response_begin(struct evbuffer *);
void		 xr_encode_response_end(struct evbuffer *);
void		 xr_encode_array_begin(struct evbuffer *);
void		 xr_encode_array_end(struct evbuffer *);
void		 xr_encode_struct_begin(struct evbuffer *);
void		 xr_encode_struct_end(struct evbuffer *);
void		 xr_encode_member_begin(struct evbuffer *, const char *name);
void		 xr_encode_member_end(struct evbuffer *);
void		 xr_encode_nil(struct evbuffer *);
void		 xr_encode_bool(struct evbuffer *, int);
void		 xr_encode_int(struct evbuffer *, long long);
void		 xr_encode_double(struct evbuffer *, double);
void		 xr_encode_string(struct evbuffer *, const char *);
void		 xr_encode_string_len(struct evbuffer *, const char *, size_t);
void		 xr_encode_base64(struct evbuffer *, const void *, size_t);
void		 xr_encode_datetime(struct evbuffer *, const char *);

/*
 * Format a double as Python's repr() does ("0.1", "1e+16", "-0.0", "inf"):
 * the shortest string that reads back as the same double. buf holds at
 * least XR_DOUBLE_REPR_MAX bytes. Returns buf.
 */
#define XR_DOUBLE_REPR_MAX	32
char		*xr_double_repr(double, char *buf);

#endif
