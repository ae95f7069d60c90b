/* exit_on_fatal: a listed program's death stops the daemon with status 1. */
#ifndef EXIT_FATAL_H
#define EXIT_FATAL_H

/* Watch processes; after server_prepare. */
void	 exit_fatal_init(void);
void	 exit_fatal_done(void);

#endif
