/*
 * Handlers of the supervisor namespace that live outside rpc-supervisor.c,
 * which holds the table: process control (rpc-process.c) and logs
 * (rpc-log.c).
 */
#ifndef RPC_SUPERVISOR_H
#define RPC_SUPERVISOR_H

struct evbuffer;
struct group;
struct process;
struct rpc_call;
struct xr_value;

#define RPC_HANDLER(name) \
	void name(struct rpc_call *, struct xr_value **, int)

/* rpc-process.c */
RPC_HANDLER(rpc_process_start);
RPC_HANDLER(rpc_process_start_group);
RPC_HANDLER(rpc_process_start_all);
RPC_HANDLER(rpc_process_stop);
RPC_HANDLER(rpc_process_stop_group);
RPC_HANDLER(rpc_process_stop_all);
RPC_HANDLER(rpc_process_signal);
RPC_HANDLER(rpc_process_signal_group);
RPC_HANDLER(rpc_process_signal_all);
void	rpc_process_init(void);

/* rpc-log.c */
RPC_HANDLER(rpc_log_read_main);
RPC_HANDLER(rpc_log_clear_main);
RPC_HANDLER(rpc_log_read_stdout);
RPC_HANDLER(rpc_log_read_stderr);
RPC_HANDLER(rpc_log_tail_stdout);
RPC_HANDLER(rpc_log_tail_stderr);
RPC_HANDLER(rpc_log_clear);
RPC_HANDLER(rpc_log_clear_all);

/* Shared by the above: the process of a namespec or BAD_NAME. */
struct process *rpc_supervisor_process(struct rpc_call *,
	    const struct xr_value *);
/* One {name, group, status, description} struct of a result list. */
void	 rpc_supervisor_status(struct evbuffer *, const char *name,
	    const char *group, int code, const char *extra);
#endif
