/*
 * Applying a new config to the running set in the daemon (supd.update,
 * supd.scale): stop what must stop, one process after another, then
 * change the groups and start what is new or was running.
 */
#ifndef UPDATE_H
#define UPDATE_H

struct config;
struct group_config;

/* One line of the report: "name: action", as supervisorctl prints. */
struct update_line {
	char		*name;
	const char	*action;
};

/*
 * Called once when the update is done: lines says what was done (freed
 * after the call). fault is 0, or a FAULT_* when it could not finish
 * (SHUTDOWN_STATE when the daemon began to stop meanwhile).
 */
typedef void (*update_done_fn)(int fault, const struct update_line *,
    int nlines, void *arg);

/*
 * Apply cf's groups (only those named, when names is not NULL) to the
 * running set: groups removed, replaced or added whole, as Supervisor's
 * update, except a group whose own settings are the same, where only
 * changed members restart and added or removed ones start or stop.
 * -1 if another update is under way; else done is called, maybe at once.
 */
int	 update_config(const struct config *cf, char **names, int nnames,
	     update_done_fn, void *arg);

/*
 * Make the running group of gc's name look like gc (same group settings,
 * other members): members removed highest process_num first, one after
 * another, new ones started. -1 if another update is under way.
 */
int	 update_group(const struct config *cf, struct group_config *gc,
	     update_done_fn, void *arg);

/* Forget a caller that went away: done will not be called. */
void	 update_forget(void *arg);

#endif
