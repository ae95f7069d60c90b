/*
 * Process control over XML-RPC (start, stop and signal, one, a group or
 * all, with waits that follow the state machine), and the namespec
 * lookup the other namespaces share.
 */
#ifndef RPC_PROCESS_H
#define RPC_PROCESS_H

struct process;
struct rpc_call;
struct xr_value;

/* Index the waits and watch process states. Once, at start. */
void		 rpc_process_init(void);
/* The process a namespec names, or NULL after a BAD_NAME fault. */
struct process	*rpc_process_find(struct rpc_call *, const struct xr_value *);

#endif
