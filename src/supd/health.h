/* /healthz and /readyz, and systemd's READY=1 from the same readiness. */
#ifndef HEALTH_H
#define HEALTH_H

struct evhttp_request;

/* Whether every autostart process is RUNNING and ready. */
int	 health_ready(void);
/* The routes (http.h); they need no auth. */
int	 health_match_healthz(struct evhttp_request *, const char *path);
int	 health_match_readyz(struct evhttp_request *, const char *path);
void	 health_healthz(struct evhttp_request *, const char *path);
void	 health_readyz(struct evhttp_request *, const char *path);
/* Send READY=1 if everything is up now (once; sdnotify keeps count). */
void	 health_notify(void);
/* notify: sdnotify_init found systemd's socket. */
void	 health_init(int notify);
void	 health_done(void);

#endif
