/*
 * Process groups: the running set. Groups are kept sorted by priority
 * (then name) for start and stop order, and indexed by name; processes
 * are indexed by name within their group.
 */
#ifndef GROUP_H
#define GROUP_H

#include "hmap.h"

struct config;
struct group_config;
struct process;

struct group {
	struct group_config	 *config;	/* referenced */
	struct process		**procs;	/* config order */
	int			  nprocs;
	struct hmap		  by_name;	/* big groups only (group.c) */
	int			  fcgi_fd;	/* GROUP_FCGI: listening socket */
	void			 *pool;		/* GROUP_LISTENER: the pool */
};

/*
 * Observers see a group join the running set (before its
 * PROCESS_GROUP_ADDED event, so a listener pool hears of its own arrival)
 * and leave it (before PROCESS_GROUP_REMOVED). Those above (the shutdown
 * sequence, listener pools) register; a group never reaches up to them.
 */
enum group_change {
	GROUP_CHANGE_ADDED,
	GROUP_CHANGE_REMOVED,
	GROUP_CHANGE_UPDATED,	/* new config; members may come and go */
};
typedef void (*group_observer_fn)(struct group *, enum group_change,
    void *arg);
void		 group_add_observer(group_observer_fn, void *arg);
void		 group_remove_observer(group_observer_fn, void *arg);

/*
 * Add a group to the running set (creates its processes, names AUTO logs,
 * binds an fcgi socket) and emits PROCESS_GROUP_ADDED. Does not start
 * anything. NULL with *cause if the fcgi socket cannot be bound; the group
 * must not exist yet.
 */
struct group	*group_add(const struct config *, struct group_config *,
		     char **cause);
/*
 * Give a running group a new config whose group settings are the same
 * (config_group_members_only): members whose name is gone are removed
 * and must be stopped, the others point at their new config, and new
 * names get processes, not started. -1 with *cause, nothing changed, if
 * a member to remove is not stopped or a log cannot be named.
 */
int		 group_update(struct group *, const struct config *,
		     struct group_config *, char **cause);
/* Remove a group whose processes are all stopped; -1 if one is not. */
int		 group_remove(struct group *);
struct group	*group_find(const char *name);
/* All groups, sorted by priority then name. Borrowed. */
struct group	**group_all(int *n);
int		 group_count(void);

struct process	*group_find_process(const struct group *, const char *name);
/*
 * Supervisor's split_namespec + lookup: "g:p", "g:*" or "g:" (whole
 * group: *process = NULL), "p" (group p, process p). Returns 0, or -1 if
 * the group or process does not exist.
 */
int		 group_lookup(const char *namespec, struct group **,
		     struct process **);

/* Processes not in a stopped state. */
int		 group_unstopped(const struct group *);
/* Stop every running process, highest priority first; BACKOFF -> FATAL. */
void		 group_stop_all(struct group *);
/* Start autostart processes that never ran, in order. */
void		 group_autostart(struct group *);

/* Remove every group (shutdown). */
void		 group_remove_all(void);

/*
 * A group's processes in Supervisor's order for acting on them: by
 * priority, equal priorities as configured. Caller frees.
 */
struct process	**group_by_priority(const struct group *);

#endif
