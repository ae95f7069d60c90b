/* Service registration of processes in Consul and etcd ([consul], [etcd]). */
#ifndef SERVICE_H
#define SERVICE_H

struct config;
struct event_base;
struct process;

/* Make the registry clients the config asks for; -1 with *cause. */
int	service_init(struct event_base *, const struct config *, char **cause);
/* Watch processes and groups (once groups exist, before autostart). */
void	service_start(void);
/* The process_hooks before_stop hook: deregister first (1) or not (0). */
int	service_before_stop(struct process *);
/* Free the clients and registrations, sending nothing more. */
void	service_done(void);

#endif
