/*
 * Starting a child: resolving the command as Supervisor does, building its
 * environment, and the fork/exec itself (vfork-style: the child only makes
 * system calls on data prepared by the parent).
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <sys/types.h>

struct process_config;

/* Both ends of the child's stdin/stdout/stderr pipes; -1 when absent. */
struct spawn_fds {
	int	in_parent, in_child;
	int	out_parent, out_child;
	int	err_parent, err_child;	/* -1 with redirect_stderr */
	int	fcgi;			/* listening socket for fd 0, or -1 */
};

struct spawn_args;

/*
 * Resolve the command (shlex split, PATH search, checks) and prepare
 * everything the child needs. NULL with *cause (caller frees) in
 * Supervisor's words: "can't find command 'x'", ...
 */
struct spawn_args *spawn_prepare(const struct process_config *, char **cause);
void		 spawn_args_free(struct spawn_args *);
/* Set name=value in the child's environment, over what is there. */
void		 spawn_args_setenv(struct spawn_args *, const char *name,
		     const char *value);
/*
 * Only whether the command resolves (startProcess's NO_FILE and
 * NOT_EXECUTABLE): 0, or -1 with *cause as spawn_prepare's. A bad
 * environment file is left for the spawn to report.
 */
int		 spawn_check_command(const struct process_config *,
		     char **cause);

/*
 * Create the pipes; a discarded channel gets /dev/null instead of a pipe.
 * -1 with *cause ("too many open files to spawn 'x'").
 */
int		 spawn_make_pipes(const struct process_config *,
		     struct spawn_fds *, int discard_out, int discard_err,
		     char **cause);
void		 spawn_close_child_fds(struct spawn_fds *);

/*
 * Fork and exec; closes the child's pipe ends in the parent. Returns the
 * pid, or -1 with *cause when the fork itself failed.
 */
pid_t		 spawn_exec(struct spawn_args *, struct spawn_fds *,
		     char **cause);

/*
 * Start command (shlex split, looked up in the program's PATH) as the
 * program's user, with its environment and directory, stdin on /dev/null
 * and stdout and stderr on outfd, in its own process group. Returns the
 * pid, or -1 with *cause.
 */
pid_t		 spawn_command(const struct process_config *, const char *command,
		     int outfd, char **cause);

/*
 * Reserve descriptors 3 to 5 for spawning. First thing in main, before
 * anything else is opened.
 */
void		 spawn_init(void);

/* Switch the daemon itself to uid (and its groups). -1 with *cause. */
int		 spawn_drop_privileges(uid_t, char **cause);

/* SUPERVISOR_SERVER_URL for programs without serverurl= (NULL: none). */
void		 spawn_set_serverurl(const char *);

#endif
