/* What stop and signal share: see stop.c. */
#ifndef STOP_H
#define STOP_H

struct cmd_ctx;

/*
 * The line for one signal or stop result (_signalresult); a failure shows
 * the daemon's description alone. NULL for an odd code. Caller frees.
 */
char	*stop_result(const char *group, const char *name, int code,
	    const char *description, const char *success);
/*
 * Stop or signal each name: all, a group (g:*) or a process. sig is the
 * signal for signal, NULL for stop; success the word for a done result;
 * ignored the fault code that leaves the exit status alone. Returns the
 * command's exit status.
 */
int	 stop_run(struct cmd_ctx *, int argc, char **argv, const char *sig,
	    const char *success, int ignored);

#endif
