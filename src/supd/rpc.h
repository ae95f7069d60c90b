/*
 * The XML-RPC layer: method tables, argument checks, faults, and calls
 * that answer later. The /RPC2 route hands POST bodies to rpc_http(); the
 * namespaces (rpc-supervisor.c, rpc-process.c, rpc-log.c, rpc-system.c)
 * export tables of methods that main gives to rpc_init().
 */
#ifndef RPC_H
#define RPC_H

#include <stddef.h>

#include "supervisor.h"

struct config;
struct evbuffer;
struct evhttp_request;
struct xr_value;


/* One call in progress: a request's, or one inside system.multicall. */
struct rpc_call;

/* A method's handler; argc is within the table's limits. */
typedef void (*rpc_fn)(struct rpc_call *, struct xr_value **argv, int argc);

/* Fail with SHUTDOWN_STATE unless running, as Supervisor's _update(). */
#define RPC_CHECK_STATE	0x1

struct rpc_method {
	const char	*name;		/* "supervisor.getState" */
	rpc_fn		 fn;
	int		 min, max;	/* number of arguments */
	int		 flags;
	const char	*signature;	/* return type, then argument types */
	const char	*help;
};

/*
 * Each file of methods exports its table, ended by an entry with a NULL
 * name; main lists them for rpc_init(), so this layer knows none of them.
 * A new namespace is one file and one line in supd.c.
 */
extern const struct rpc_method rpc_supervisor_methods[];	/* rpc-supervisor.c */
extern const struct rpc_method rpc_process_methods[];	/* rpc-process.c */
extern const struct rpc_method rpc_log_methods[];	/* rpc-log.c */
extern const struct rpc_method rpc_system_methods[];	/* rpc-system.c */
extern const struct rpc_method rpc_supd_methods[];	/* rpc-supervisor.c */
extern const struct rpc_method rpc_update_methods[];	/* rpc-update.c */
extern const struct rpc_method rpc_supd_process_methods[];	/* rpc-supd.c */

/* Index the tables (borrowed, kept). Once, at start. */
void		 rpc_init(const struct rpc_method *const *, size_t ntables);
/* Every published method name, sorted (system.listMethods). Borrowed. */
const char	**rpc_method_names(int *n);
const struct rpc_method *rpc_find_method(const char *name);

/* Answer a POST /RPC2 whose body is buf. */
void		 rpc_http(struct evhttp_request *, const char *buf, size_t len);
/* The /RPC2 route (http.h): the request's body, whole, to rpc_http. */
void		 rpc_http_route(struct evhttp_request *, const char *path);

/*
 * Completing a call. Exactly one of these ends every call, either from
 * the handler itself or later for a call that waits (see rpc_call_ref).
 * rpc_result() gives the buffer for one encoded <value> (the xr_encode_*
 * functions), then rpc_done() says it is complete.
 */
struct evbuffer	*rpc_result(struct rpc_call *);
void		 rpc_done(struct rpc_call *);
void		 rpc_return_bool(struct rpc_call *, int);
void		 rpc_return_int(struct rpc_call *, long long);
void		 rpc_return_string(struct rpc_call *, const char *);
/* Fault with Supervisor's text: the code's name, or "NAME: extra". */
void		 rpc_fault(struct rpc_call *, enum fault, const char *extra);
void		 rpc_faultf(struct rpc_call *, enum fault, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
/* "BAD_NAME" for 10, "UNKNOWN" for a code Supervisor does not know. */
const char	*rpc_fault_name(int);
/* "NAME" or "NAME: extra". Caller frees. */
char		*rpc_fault_text(int, const char *extra);

/*
 * A handler that cannot answer yet takes a reference and completes the
 * call later (from any callback); the reply goes out from a fresh event
 * so waiting code never runs inside the state machine. If the client
 * leaves first, the cancel callback runs once: drop what the wait holds,
 * complete nothing, and unref.
 */
void		 rpc_call_ref(struct rpc_call *);
void		 rpc_call_unref(struct rpc_call *);
typedef void	 (*rpc_cancel_fn)(struct rpc_call *, void *);
void		 rpc_call_set_cancel(struct rpc_call *, rpc_cancel_fn, void *);
/* Run fn once the whole reply has been written (or the client left). */
void		 rpc_call_after_reply(struct rpc_call *, void (*)(void));

/*
 * Calls made by the layer itself (system.multicall): run method with
 * argv; done runs when the call completes, at once or later. The caller
 * holds the only reference until it unrefs.
 */
typedef void	 (*rpc_done_fn)(struct rpc_call *, void *);
struct rpc_call	*rpc_call_new(struct rpc_call *parent, rpc_done_fn, void *);
void		 rpc_call_run(struct rpc_call *, const char *method,
		     struct xr_value **argv, int argc);
/* After completion: 0 and the encoded value, or the fault and its text. */
int		 rpc_call_outcome(struct rpc_call *, struct evbuffer **value,
		     const char **fault);
/* Cancel a waiting call (its client left). */
void		 rpc_call_cancel(struct rpc_call *);

/*
 * Arguments with Python's conversions: any string (or base64); int() of
 * an int, bool, double or decimal string; and truth of any value. On a
 * wrong value these send INCORRECT_PARAMETERS and return -1.
 */
int		 rpc_arg_string(struct rpc_call *, const struct xr_value *,
		     const char **);
int		 rpc_arg_int(struct rpc_call *, const struct xr_value *,
		     long long *);
int		 rpc_truth(const struct xr_value *);
/* Python's str() of a value, for fault texts. Caller frees. */
char		*rpc_str(const struct xr_value *);
/* Supervisor's make_namespec(): "name", or "group:name". Caller frees. */
char		*rpc_namespec(const char *group, const char *name);
/* Whether the daemon is running (Supervisor's mood check). */
int		 rpc_check_state(struct rpc_call *);

/*
 * Called once per request's call when it completes (after any wait):
 * the method's full name, NULL when no table has it, and its duration
 * in seconds. For /metrics; main sets it.
 */
typedef void	 (*rpc_hook_fn)(const char *method, double seconds);
void		 rpc_set_hook(rpc_hook_fn);

/*
 * reloadConfig reads the config file again with the daemon's command
 * line; supd.c provides the loader (config_load with its struct cmdline).
 */
typedef struct config *(*rpc_loader_fn)(char ***errors, int *nerrors);
void		 rpc_set_config_loader(rpc_loader_fn);
struct config	*rpc_load_config(char ***errors, int *nerrors);

#endif
