/*
 * The system namespace: introspection (listMethods, methodHelp,
 * methodSignature) and system.multicall, which runs calls one after the
 * other. A call inside a multicall that waits (startProcess with wait)
 * holds the rest back until it completes, as in Supervisor.
 */
#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "xmalloc.h"
#include "xmlrpc.h"

struct rpc_multi {
	struct rpc_call		*call;
	const struct xr_value	*calls;
	size_t			 next;
	struct evbuffer		*out;		/* the results so far */
	struct rpc_call		*sub;		/* the call under way */
	int			 stepping;	/* inside rpc_system_step */
};

static void	rpc_system_step(struct rpc_multi *);

static void
rpc_system_list_methods(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct evbuffer	 *b = rpc_result(c);
	const char	**names;
	int		  n, i;

	names = rpc_method_names(&n);
	xr_encode_array_begin(b);
	for (i = 0; i < n; i++)
		xr_encode_string(b, names[i]);
	xr_encode_array_end(b);
	rpc_done(c);
}

/* The method named by argv[0]; a name that is not a string names none. */
static const struct rpc_method *
rpc_system_named(struct xr_value *v)
{
	if (v->type != XR_STRING)
		return (NULL);
	return (rpc_find_method(v->u.s.ptr));
}

static void
rpc_system_method_help(struct rpc_call *c, struct xr_value **argv, int argc)
{
	const struct rpc_method	*m;

	if ((m = rpc_system_named(argv[0])) == NULL) {
		rpc_fault(c, FAULT_SIGNATURE_UNSUPPORTED, NULL);
		return;
	}
	rpc_return_string(c, m->help);
}

/* The signature is written "rtype ptype ...": one string per word. */
static void
rpc_system_method_signature(struct rpc_call *c, struct xr_value **argv,
    int argc)
{
	const struct rpc_method	*m;
	struct evbuffer		*b;
	const char		*p, *end;

	if ((m = rpc_system_named(argv[0])) == NULL) {
		rpc_fault(c, FAULT_SIGNATURE_UNSUPPORTED, NULL);
		return;
	}
	b = rpc_result(c);
	xr_encode_array_begin(b);
	for (p = m->signature; *p != '\0'; p = end) {
		while (*p == ' ')
			p++;
		if ((end = strchr(p, ' ')) == NULL)
			end = p + strlen(p);
		if (end > p)
			xr_encode_string_len(b, p, end - p);
	}
	xr_encode_array_end(b);
	rpc_done(c);
}

/*
 * Append a finished call's entry: its value, or a fault struct. The
 * multicall convention (and Supervisor's own docstring) says a value
 * comes wrapped in a one-item array, but Supervisor sends it bare and
 * its clients expect that.
 */
static void
rpc_system_add_result(struct evbuffer *out, struct rpc_call *sub)
{
	struct evbuffer	*value;
	const char	*text;
	int		 code;

	if ((code = rpc_call_outcome(sub, &value, &text)) == 0) {
		evbuffer_add_buffer(out, value);
		return;
	}
	xr_encode_struct_begin(out);
	xr_encode_member_begin(out, "faultCode");
	xr_encode_int(out, code);
	xr_encode_member_end(out);
	xr_encode_member_begin(out, "faultString");
	xr_encode_string(out, text);
	xr_encode_member_end(out);
	xr_encode_struct_end(out);
}

static void
rpc_system_fault_entry(struct evbuffer *out, int code, const char *extra)
{
	char	*text;

	text = rpc_fault_text(code, extra);
	xr_encode_struct_begin(out);
	xr_encode_member_begin(out, "faultCode");
	xr_encode_int(out, code);
	xr_encode_member_end(out);
	xr_encode_member_begin(out, "faultString");
	xr_encode_string(out, text);
	xr_encode_member_end(out);
	xr_encode_struct_end(out);
	free(text);
}

static void
rpc_system_sub_done(struct rpc_call *sub, void *arg)
{
	struct rpc_multi	*m = arg;

	rpc_system_add_result(m->out, sub);
	rpc_call_unref(sub);
	m->sub = NULL;
	if (!m->stepping)
		rpc_system_step(m);
}

/*
 * Python spreads params with *params: an array gives its items, a struct
 * its keys and a string its characters. Builds them in *tmp (freed by
 * the caller); -1 for anything else.
 */
static int
rpc_system_params(const struct xr_value *p, struct xr_value ***argv,
    int *argc, struct xr_value **tmp)
{
	const unsigned char	*s;
	size_t			 i, n;

	*tmp = NULL;
	if (p == NULL) {
		*argv = NULL;
		*argc = 0;
		return (0);
	}
	if (p->type == XR_ARRAY) {
		*argv = p->u.a.items;
		*argc = (int)p->u.a.n;
		return (0);
	}
	*tmp = xr_array();
	if (p->type == XR_STRUCT) {
		for (i = 0; i < p->u.st.n; i++)
			xr_array_append(*tmp, xr_string(p->u.st.members[i].name));
	} else if (p->type == XR_STRING) {
		s = (const unsigned char *)p->u.s.ptr;
		for (i = 0; i < p->u.s.len; i += n) {
			for (n = 1; i + n < p->u.s.len &&
			    (s[i + n] & 0xc0) == 0x80; n++)
				;
			xr_array_append(*tmp,
			    xr_string_len((const char *)s + i, n));
		}
	} else {
		xr_free(*tmp);
		*tmp = NULL;
		return (-1);
	}
	*argv = (*tmp)->u.a.items;
	*argc = (int)(*tmp)->u.a.n;
	return (0);
}

/* Start the call at index m->next; its result lands in m->out. */
static void
rpc_system_start_one(struct rpc_multi *m)
{
	const struct xr_value	*entry, *name;
	struct xr_value		**argv, *tmp;
	int			  argc;

	entry = m->calls->u.a.items[m->next++];
	name = xr_struct_get(entry, "methodName");
	if (name == NULL) {
		rpc_system_fault_entry(m->out, FAULT_INCORRECT_PARAMETERS,
		    "No methodName");
		return;
	}
	if (name->type != XR_STRING) {
		rpc_system_fault_entry(m->out, FAULT_UNKNOWN_METHOD, NULL);
		return;
	}
	if (strcmp(name->u.s.ptr, "system.multicall") == 0) {
		rpc_system_fault_entry(m->out, FAULT_INCORRECT_PARAMETERS,
		    "Recursive system.multicall forbidden");
		return;
	}
	if (rpc_system_params(xr_struct_get(entry, "params"), &argv, &argc,
	    &tmp) != 0) {
		rpc_system_fault_entry(m->out, FAULT_INCORRECT_PARAMETERS, NULL);
		return;
	}
	m->sub = rpc_call_new(m->call, rpc_system_sub_done, m);
	rpc_call_run(m->sub, name->u.s.ptr, argv, argc);
	if (tmp != NULL)
		xr_free(tmp);
}

static void
rpc_system_multi_free(struct rpc_multi *m)
{
	evbuffer_free(m->out);
	rpc_call_unref(m->call);
	free(m);
}

/* Run calls until one waits or none is left; then answer. */
static void
rpc_system_step(struct rpc_multi *m)
{
	struct evbuffer	*b;

	m->stepping = 1;
	while (m->sub == NULL && m->next < m->calls->u.a.n)
		rpc_system_start_one(m);
	m->stepping = 0;
	if (m->sub != NULL)
		return;
	b = rpc_result(m->call);
	xr_encode_array_begin(b);
	evbuffer_add_buffer(b, m->out);
	xr_encode_array_end(b);
	rpc_done(m->call);
	rpc_system_multi_free(m);
}

static void
rpc_system_multi_cancel(struct rpc_call *c, void *arg)
{
	struct rpc_multi	*m = arg;

	if (m->sub != NULL) {
		rpc_call_cancel(m->sub);
		rpc_call_unref(m->sub);
	}
	rpc_system_multi_free(m);
}

static void
rpc_system_multicall(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct rpc_multi	*m;
	size_t			 i;

	if (argv[0]->type != XR_ARRAY) {
		rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
		return;
	}
	for (i = 0; i < argv[0]->u.a.n; i++) {
		if (argv[0]->u.a.items[i]->type != XR_STRUCT) {
			rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
			return;
		}
	}
	m = xcalloc(1, sizeof *m);
	m->call = c;
	rpc_call_ref(c);
	m->calls = argv[0];
	m->out = evbuffer_new();
	rpc_call_set_cancel(c, rpc_system_multi_cancel, m);
	rpc_system_step(m);
}

const struct rpc_method rpc_system_methods[] = {
	{ "system.listMethods", rpc_system_list_methods, 0, 0, 0,
	  "array",
	  "List the names of every method this server offers, sorted.\n\n"
	  "@return array result  Method names (strings)." },
	{ "system.methodHelp", rpc_system_method_help, 1, 1, 0,
	  "string string",
	  "Describe one method.\n\n"
	  "@param string name  The method's name.\n"
	  "@return string result  What the method does." },
	{ "system.methodSignature", rpc_system_method_signature, 1, 1, 0,
	  "array string",
	  "Give a method's types: its return type, then the type of each\n"
	  "argument in order.\n\n"
	  "@param string name  The method's name.\n"
	  "@return array result  Type names (strings)." },
	{ "system.multicall", rpc_system_multicall, 1, 1, 0,
	  "array array",
	  "Run several calls, one after the other, in a single request.\n"
	  "Each call is a struct {'methodName': string, 'params': array};\n"
	  "each result is the call's value, or a struct\n"
	  "{'faultCode': int, 'faultString': string}.\n\n"
	  "@param array calls  The calls.\n"
	  "@return array result  Their results, in order." },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};
