/*
 * The comparison reread and update make between a loaded group and the
 * running one: Supervisor's ProcessConfig.__eq__ and the group's. Every
 * option row takes part unless it is marked CONFIG_F_NOEQUAL.
 */
#include <string.h>

#include "config.h"
#include "config-parse.h"
#include "config-table.h"

/* Whether update can leave a process alone (numprocs does not count). */
int
config_process_equal(const struct process_config *a,
    const struct process_config *b)
{
	return (config_table_equal(config_process_rows, config_process_nrows,
	    a, b) && config_process_ext_equal(a->ext, b->ext));
}

/* Whether reread sees this group as unchanged. */
int
config_group_equal(const struct group_config *a, const struct group_config *b)
{
	int	i;

	if (strcmp(a->name, b->name) != 0 || a->kind != b->kind ||
	    a->nprocs != b->nprocs)
		return (0);
	if (!config_table_equal(config_group_rows, config_group_nrows, a, b))
		return (0);
	for (i = 0; i < a->nprocs; i++) {
		if (!config_process_equal(a->procs[i], b->procs[i]))
			return (0);
	}
	if (a->kind == GROUP_FCGI &&
	    strcmp(a->socket->url, b->socket->url) != 0)
		return (0);
	return (1);
}

/*
 * Whether a changed group can be updated process by process: same kind
 * and the group's own rows, the same fcgi socket, and not a listener pool
 * (a pool is built around its members). Otherwise it is replaced whole.
 */
int
config_group_members_only(const struct group_config *a,
    const struct group_config *b)
{
	if (strcmp(a->name, b->name) != 0 || a->kind != b->kind ||
	    a->kind == GROUP_LISTENER)
		return (0);
	if (!config_table_equal(config_group_rows, config_group_nrows, a, b))
		return (0);
	if (a->kind == GROUP_FCGI &&
	    strcmp(a->socket->url, b->socket->url) != 0)
		return (0);
	return (1);
}
