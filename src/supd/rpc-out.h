/*
 * A fast writer for large replies (getAllProcessInfo): the same bytes as
 * the codec's xr_encode_* functions, written into one flat buffer and
 * handed to an evbuffer in one piece.
 */
#ifndef RPC_OUT_H
#define RPC_OUT_H

#include <stddef.h>
#include <string.h>

struct evbuffer;

struct rpc_out {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

void	rpc_out_init(struct rpc_out *, size_t hint);
/* Move the bytes to the end of b without copying; o is empty after. */
void	rpc_out_flush(struct rpc_out *, struct evbuffer *b);
void	rpc_out_free(struct rpc_out *);

void	rpc_out_grow(struct rpc_out *, size_t);

/*
 * Raw bytes, for the fixed markup of the functions below. Inline, so the
 * copy of a literal of known length is a few moves, not a call.
 */
static inline void
rpc_out_raw(struct rpc_out *o, const char *s, size_t n)
{
	if (o->cap - o->len < n)
		rpc_out_grow(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}
#define rpc_out_lit(o, s)	rpc_out_raw((o), (s), sizeof (s) - 1)

/* As xr_encode_int, xr_encode_string_len, xr_encode_string, xr_encode_bool. */
void	rpc_out_int(struct rpc_out *, long long);
void	rpc_out_string(struct rpc_out *, const char *, size_t);
void	rpc_out_cstring(struct rpc_out *, const char *);
void	rpc_out_bool(struct rpc_out *, int);

/* xr_encode_struct_begin/end and member_begin/end; name is markup-safe. */
#define rpc_out_struct_begin(o)	rpc_out_lit((o), "<value><struct>\n")
#define rpc_out_struct_end(o)	rpc_out_lit((o), "</struct></value>\n")
#define rpc_out_member_begin(o, name) \
	rpc_out_lit((o), "<member>\n<name>" name "</name>\n")
#define rpc_out_member_end(o)	rpc_out_lit((o), "</member>\n")

/*
 * One {name, group, status, description} struct of a result list (the
 * start, stop, signal and clear calls on many processes), written with
 * the codec into b.
 */
void	rpc_out_status(struct evbuffer *b, const char *name,
	    const char *group, int code, const char *extra);

#endif
