/*
 * Rolling restarts: restart the members of a group a batch at a time,
 * each batch only once the one before is back, so a group behind a load
 * balancer never loses more than a batch of members.
 */
#ifndef ROLLING_H
#define ROLLING_H

struct group;
struct process;
struct rolling;

/*
 * The end of a roll: failed is NULL on success, else the member that did
 * not come back (borrowed for the call).
 */
typedef void (*rolling_done_fn)(struct process *failed, void *arg);
/* A member came back. */
typedef void (*rolling_member_fn)(struct process *, void *arg);

/*
 * The members of g in the order a roll takes them: by process_num, then
 * as the group lists them. Caller frees the array.
 */
struct process	**rolling_members(const struct group *, int *n);

/*
 * Restart members[0..n), n > 0, batch at a time (the array is copied).
 * back runs for each member that came back and done once at the end,
 * each from an event of their own, unless cancelled. If a member does not
 * come back, no further batch is begun: members not reached keep running
 * untouched.
 */
struct rolling	*rolling_start(struct process **members, int n, int batch,
		     rolling_member_fn back, rolling_done_fn done, void *arg);
/*
 * Forget the callbacks and begin no further batch; members already taken
 * down are still started again. The roll frees itself.
 */
void		 rolling_cancel(struct rolling *);

#endif
