/*
 * What the supervisor namespace shares with the supd namespace's richer
 * process information (rpc-supd.c).
 */
#ifndef RPC_SUPERVISOR_H
#define RPC_SUPERVISOR_H

#include <stddef.h>

struct process;
struct rpc_call;
struct rpc_out;

/* getProcessInfo's members, in Supervisor's order, without the struct. */
void	rpc_supervisor_info_members(struct rpc_out *, const struct process *,
	    double now);

/*
 * Answer an array with one entry per process, groups and processes in
 * name order (getAllProcessInfo's), each about bytes_each bytes by put.
 */
void	rpc_supervisor_each_process(struct rpc_call *, size_t bytes_each,
	    void (*put)(struct rpc_out *, const struct process *, double));

#endif
