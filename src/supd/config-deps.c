/*
 * depends_on across groups: the graph deps.c checks, built from group
 * configs. config.c checks a config as it is loaded and reports what is
 * wrong with file:line; the daemon builds the graph of its running set,
 * where after a partial update a name may have no running group yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-deps.h"
#include "deps.h"
#include "hmap.h"
#include "xmalloc.h"

/* What deps_create reads, and what must be freed after it. */
struct config_deps_build {
	struct deps_group	 *groups;
	int			  ngroups;
	struct hmap		  known;	/* lenient: group, program names */
	int			  lenient;
};

/* Keep only the names something in the running set answers to. */
static const char **
config_deps_names(struct config_deps_build *b, const struct depends_config *d,
    int *n)
{
	const char	**names;
	int		  i;

	names = xcalloc(d->nnames + 1, sizeof *names);
	*n = 0;
	for (i = 0; i < d->nnames; i++) {
		if (b->lenient && hmap_get_str(&b->known, d->names[i]) == NULL)
			continue;
		names[(*n)++] = d->names[i];
	}
	return (names);
}

/*
 * One deps_program per program section of the group: the processes of a
 * numprocs program share it, and depends_on is read once per section.
 */
static void
config_deps_group(struct config_deps_build *b, struct deps_group *dg,
    const struct group_config *gc)
{
	struct deps_program		*progs, *dp;
	const struct process_config	*pc;
	int				 i, j, n = 0;

	progs = xcalloc(gc->nprocs + 1, sizeof *progs);
	for (i = 0; i < gc->nprocs; i++) {
		pc = gc->procs[i];
		for (j = 0; j < n; j++) {
			if (strcmp(progs[j].name, pc->program) == 0)
				break;
		}
		if (j < n)
			continue;
		dp = &progs[n++];
		dp->name = pc->program;
		if (gc->kind == GROUP_FCGI)
			dp->section = xprintf("fcgi-program:%s", pc->program);
		dp->depends_on = config_deps_names(b, &pc->ext->depends_on,
		    &dp->ndepends_on);
		dp->file = pc->ext->depends_on.file;
		dp->line = pc->ext->depends_on.line;
	}
	dg->name = gc->name;
	dg->priority = gc->priority;
	dg->programs = progs;
	dg->nprograms = n;
}

static void
config_deps_known(struct config_deps_build *b, struct group_config **groups,
    int n)
{
	int	g, i;

	hmap_init(&b->known);
	for (g = 0; g < n; g++) {
		hmap_put_str(&b->known, groups[g]->name, groups[g]);
		for (i = 0; i < groups[g]->nprocs; i++) {
			hmap_put_str(&b->known, groups[g]->procs[i]->program,
			    groups[g]);
		}
	}
}

int
config_deps_any(struct group_config *const *groups, int n)
{
	int	g, i;

	for (g = 0; g < n; g++) {
		for (i = 0; i < groups[g]->nprocs; i++) {
			if (groups[g]->procs[i]->ext->depends_on.nnames > 0)
				return (1);
		}
	}
	return (0);
}

struct deps *
config_deps(struct group_config **groups, int n, int lenient, char **cause)
{
	struct config_deps_build	 b;
	struct deps			*d;
	int				 g, i;

	memset(&b, 0, sizeof b);
	b.lenient = lenient;
	if (lenient)
		config_deps_known(&b, groups, n);
	b.groups = xcalloc(n + 1, sizeof *b.groups);
	b.ngroups = n;
	for (g = 0; g < n; g++)
		config_deps_group(&b, &b.groups[g], groups[g]);
	d = deps_create(b.groups, n, cause);
	for (g = 0; g < n; g++) {
		for (i = 0; i < b.groups[g].nprograms; i++) {
			free((void *)b.groups[g].programs[i].section);
			free(b.groups[g].programs[i].depends_on);
		}
		free((void *)b.groups[g].programs);
	}
	free(b.groups);
	if (lenient)
		hmap_free(&b.known);
	return (d);
}

const char **
config_group_depends_on(const struct group_config *gc, int *n)
{
	const struct depends_config	 *d;
	const char			**names = NULL;
	int				  i, j, k;

	*n = 0;
	for (i = 0; i < gc->nprocs; i++) {
		d = &gc->procs[i]->ext->depends_on;
		for (j = 0; j < d->nnames; j++) {
			for (k = 0; k < *n; k++) {
				if (strcmp(names[k], d->names[j]) == 0)
					break;
			}
			if (k < *n)
				continue;
			names = xreallocarray(names, *n + 1, sizeof *names);
			names[(*n)++] = d->names[j];
		}
	}
	return (names);
}
