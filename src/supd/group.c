/*
 * The running set of process groups. Supervisor keeps a dict of groups and
 * sorts it on every loop pass; here the list stays sorted (priority, then
 * name) as groups come and go, with hash indexes for names, so lookups
 * cost the same with ten processes or ten thousand.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "event.h"
#include "group.h"
#include "hmap.h"
#include "log.h"
#include "process.h"
#include "xmalloc.h"

static struct group	**group_list;
static int		  group_nlist;
static struct hmap	  group_by_name;

#define GROUP_INDEX_MIN	9

struct group_observer {
	group_observer_fn	 fn;
	void			*arg;
};
static struct group_observer	*group_observers;
static int			 group_nobservers;

void
group_add_observer(group_observer_fn fn, void *arg)
{
	group_observers = xreallocarray(group_observers, group_nobservers + 1,
	    sizeof *group_observers);
	group_observers[group_nobservers].fn = fn;
	group_observers[group_nobservers].arg = arg;
	group_nobservers++;
}

void
group_remove_observer(group_observer_fn fn, void *arg)
{
	int	i;

	for (i = 0; i < group_nobservers; i++) {
		if (group_observers[i].fn == fn &&
		    group_observers[i].arg == arg) {
			memmove(&group_observers[i], &group_observers[i + 1],
			    (group_nobservers - i - 1) *
			    sizeof *group_observers);
			group_nobservers--;
			return;
		}
	}
}

static void
group_notify(struct group *g, enum group_change change)
{
	int	i;

	for (i = 0; i < group_nobservers; i++)
		group_observers[i].fn(g, change, group_observers[i].arg);
}

static int
group_cmp(const struct group *a, const struct group *b)
{
	if (a->config->priority != b->config->priority)
		return (a->config->priority < b->config->priority ? -1 : 1);
	return (strcmp(a->config->name, b->config->name));
}

static void
group_insert_sorted(struct group *g)
{
	int	i;

	group_list = xreallocarray(group_list, group_nlist + 1,
	    sizeof *group_list);
	for (i = group_nlist; i > 0 && group_cmp(group_list[i - 1], g) > 0; i--)
		group_list[i] = group_list[i - 1];
	group_list[i] = g;
	group_nlist++;
}

static int
group_bind_unix(const struct fcgi_socket_config *fs, char **cause)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(fs->path) >= sizeof sun.sun_path) {
		xasprintf(cause, "socket path too long");
		return (-1);
	}
	strcpy(sun.sun_path, fs->path);
	unlink(fs->path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		goto fail;
	if (fs->owner_uid != (uid_t)-1 &&
	    chown(fs->path, fs->owner_uid, fs->owner_gid) != 0)
		goto fail;
	if (fs->mode != -1 && chmod(fs->path, fs->mode) != 0)
		goto fail;
	if (listen(fd, fs->backlog > 0 ? fs->backlog : SOMAXCONN) != 0)
		goto fail;
	return (fd);
fail:
	xasprintf(cause, "%s", strerror(errno));
	if (fd != -1)
		close(fd);
	return (-1);
}

static int
group_bind_tcp(const struct fcgi_socket_config *fs, char **cause)
{
	struct addrinfo	 hints, *res;
	char		 port[16];
	int		 fd, on = 1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(port, sizeof port, "%d", fs->port);
	if ((rc = getaddrinfo(fs->host, port, &hints, &res)) != 0) {
		xasprintf(cause, "%s", gai_strerror(rc));
		return (-1);
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, fs->backlog > 0 ? fs->backlog : SOMAXCONN) != 0) {
		xasprintf(cause, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return (fd);
}

/* Name AUTO logs now, as Supervisor's after_setuid() does. */
static int
group_name_auto_logs(const struct config *cf, struct process_config *pc,
    char **cause)
{
	if (pc->out.kind == LOGFILE_AUTO && pc->out.logfile == NULL &&
	    (pc->out.logfile = config_auto_logfile(cf, pc->name, "stdout",
	    cause)) == NULL)
		return (-1);
	if (pc->err.kind == LOGFILE_AUTO && pc->err.logfile == NULL &&
	    (pc->err.logfile = config_auto_logfile(cf, pc->name, "stderr",
	    cause)) == NULL)
		return (-1);
	return (0);
}

static void
group_emit(enum event_type type, const char *name)
{
	char	buf[512];
	int	n;

	if (!event_wanted(type))
		return;
	n = snprintf(buf, sizeof buf, "groupname:%s\n", name);
	event_emit(type, buf, n < (int)sizeof buf ? n : (int)sizeof buf - 1);
}

/*
 * Members by name for groups of GROUP_INDEX_MIN or more; smaller ones are
 * searched in order, since a map for each of a thousand one-process
 * groups costs more memory than it saves time.
 */
static void
group_index(struct group *g)
{
	int	i;

	hmap_free(&g->by_name);
	if (g->nprocs < GROUP_INDEX_MIN)
		return;
	for (i = 0; i < g->nprocs; i++)
		hmap_put_str(&g->by_name, g->procs[i]->config->name,
		    g->procs[i]);
}

struct group *
group_add(const struct config *cf, struct group_config *gc, char **cause)
{
	struct group	*g;
	char		*bind_error = NULL;
	int		 i, fd = -1;

	if (gc->kind == GROUP_FCGI) {
		fd = gc->socket->is_unix ?
		    group_bind_unix(gc->socket, &bind_error) :
		    group_bind_tcp(gc->socket, &bind_error);
		if (fd == -1) {
			xasprintf(cause, "Could not create FastCGI socket %s: %s",
			    gc->socket->url, bind_error);
			free(bind_error);
			return (NULL);
		}
	}
	for (i = 0; i < gc->nprocs; i++) {
		if (group_name_auto_logs(cf, gc->procs[i], cause) != 0) {
			if (fd != -1)
				close(fd);
			return (NULL);
		}
	}
	g = xcalloc(1, sizeof *g);
	config_group_ref(gc);
	g->config = gc;
	g->fcgi_fd = fd;
	hmap_init(&g->by_name);
	g->procs = xcalloc(gc->nprocs + 1, sizeof *g->procs);
	for (i = 0; i < gc->nprocs; i++) {
		g->procs[i] = process_create(gc->procs[i], g);
		g->procs[i]->fcgi_fd = fd;
	}
	g->nprocs = gc->nprocs;
	group_index(g);
	group_insert_sorted(g);
	hmap_put_str(&group_by_name, gc->name, g);
	group_notify(g, GROUP_CHANGE_ADDED);
	group_emit(EVENT_PROCESS_GROUP_ADDED, gc->name);
	return (g);
}

/* The new config of a kept member keeps the AUTO log it writes to. */
static void
group_keep_auto_log(struct channel_config *to, const struct channel_config *from)
{
	if (to->kind == LOGFILE_AUTO && to->logfile == NULL &&
	    from->kind == LOGFILE_AUTO && from->logfile != NULL)
		to->logfile = xstrdup(from->logfile);
}

/* Members of g whose names gc no longer has; -1 if one is not stopped. */
static int
group_check_gone(struct group *g, struct group_config *gc, char **cause)
{
	struct process	*p;
	int		 i, j;

	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		for (j = 0; j < gc->nprocs; j++) {
			if (strcmp(gc->procs[j]->name, p->config->name) == 0)
				break;
		}
		if (j == gc->nprocs && !process_is_stopped_state(p->state)) {
			xasprintf(cause, "%s is still running", p->namespec);
			return (-1);
		}
	}
	return (0);
}

int
group_update(struct group *g, const struct config *cf,
    struct group_config *gc, char **cause)
{
	struct process	**procs, **old, *p;
	int		  i, nold;

	if (group_check_gone(g, gc, cause) != 0)
		return (-1);
	for (i = 0; i < gc->nprocs; i++) {
		if ((p = group_find_process(g, gc->procs[i]->name)) != NULL) {
			group_keep_auto_log(&gc->procs[i]->out, &p->config->out);
			group_keep_auto_log(&gc->procs[i]->err, &p->config->err);
		}
		if (group_name_auto_logs(cf, gc->procs[i], cause) != 0)
			return (-1);
	}
	/*
	 * Kept members take their new config; the old index still finds
	 * them, its keys being the old config's names, alive until the end.
	 */
	procs = xcalloc(gc->nprocs + 1, sizeof *procs);
	for (i = 0; i < gc->nprocs; i++) {
		if ((p = group_find_process(g, gc->procs[i]->name)) != NULL)
			p->config = gc->procs[i];
		else {
			p = process_create(gc->procs[i], g);
			p->fcgi_fd = g->fcgi_fd;
		}
		procs[i] = p;
	}
	old = g->procs;
	nold = g->nprocs;
	g->procs = procs;
	g->nprocs = gc->nprocs;
	group_index(g);
	/* Old members the new set does not find are gone from the config. */
	for (i = 0; i < nold; i++) {
		p = old[i];
		if (group_find_process(g, p->config->name) == p)
			continue;
		p->dead = 1;
		process_unref(p);
	}
	free(old);
	/* The indexes borrow their keys from the config. */
	hmap_del_str(&group_by_name, g->config->name);
	hmap_put_str(&group_by_name, gc->name, g);
	config_group_ref(gc);
	config_group_unref(g->config);
	g->config = gc;
	group_notify(g, GROUP_CHANGE_UPDATED);
	return (0);
}

int
group_unstopped(const struct group *g)
{
	int	i, n = 0;

	for (i = 0; i < g->nprocs; i++) {
		if (!process_is_stopped_state(g->procs[i]->state))
			n++;
	}
	return (n);
}

int
group_remove(struct group *g)
{
	char	*name;
	int	 i;

	if (group_unstopped(g) > 0)
		return (-1);
	group_notify(g, GROUP_CHANGE_REMOVED);
	for (i = 0; i < group_nlist; i++) {
		if (group_list[i] == g)
			break;
	}
	memmove(&group_list[i], &group_list[i + 1],
	    (group_nlist - i - 1) * sizeof *group_list);
	group_nlist--;
	hmap_del_str(&group_by_name, g->config->name);
	name = xstrdup(g->config->name);
	for (i = 0; i < g->nprocs; i++) {
		g->procs[i]->dead = 1;
		process_unref(g->procs[i]);
	}
	free(g->procs);
	hmap_free(&g->by_name);
	if (g->fcgi_fd != -1)
		close(g->fcgi_fd);
	if (g->config->kind == GROUP_FCGI && g->config->socket->is_unix)
		unlink(g->config->socket->path);
	config_group_unref(g->config);
	free(g);
	group_emit(EVENT_PROCESS_GROUP_REMOVED, name);
	free(name);
	return (0);
}

void
group_remove_all(void)
{
	while (group_nlist > 0)
		group_remove(group_list[group_nlist - 1]);
	free(group_list);
	group_list = NULL;
	hmap_free(&group_by_name);
}

struct group *
group_find(const char *name)
{
	return (hmap_get_str(&group_by_name, name));
}

struct group **
group_all(int *n)
{
	*n = group_nlist;
	return (group_list);
}

int
group_count(void)
{
	return (group_nlist);
}

struct process *
group_find_process(const struct group *g, const char *name)
{
	int	i;

	if (g->nprocs >= GROUP_INDEX_MIN)
		return (hmap_get_str(&g->by_name, name));
	for (i = 0; i < g->nprocs; i++) {
		if (strcmp(g->procs[i]->config->name, name) == 0)
			return (g->procs[i]);
	}
	return (NULL);
}

int
group_lookup(const char *namespec, struct group **gp, struct process **pp)
{
	const char	*colon;
	char		*gname;
	struct group	*g;

	*gp = NULL;
	*pp = NULL;
	if ((colon = strchr(namespec, ':')) == NULL) {
		if ((g = group_find(namespec)) == NULL)
			return (-1);
		*gp = g;
		*pp = group_find_process(g, namespec);
		return (*pp == NULL ? -1 : 0);
	}
	gname = xstrndup(namespec, colon - namespec);
	g = group_find(gname);
	free(gname);
	if (g == NULL)
		return (-1);
	*gp = g;
	if (colon[1] == '\0' || strcmp(colon + 1, "*") == 0)
		return (0);
	*pp = group_find_process(g, colon + 1);
	return (*pp == NULL ? -1 : 0);
}

/* Indexes by descending priority; among equals, later in the group first. */
static int
group_stop_cmp(const void *a, const void *b, void *arg)
{
	const struct group	*g = arg;
	int			 ia = *(const int *)a, ib = *(const int *)b;
	int			 pa = g->procs[ia]->config->priority;
	int			 pb = g->procs[ib]->config->priority;

	if (pa != pb)
		return (pa > pb ? -1 : 1);
	return (ib - ia);
}

/*
 * Supervisor's stop_all(): running and starting processes get their stop
 * signal, highest priority first; BACKOFF ones give up.
 */
void
group_stop_all(struct group *g)
{
	struct process	*p;
	int		*order, i;

	order = xcalloc(g->nprocs + 1, sizeof *order);
	for (i = 0; i < g->nprocs; i++)
		order[i] = i;
	qsort_r(order, g->nprocs, sizeof *order, group_stop_cmp, g);
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[order[i]];
		if (p->state == PROCESS_RUNNING || p->state == PROCESS_STARTING)
			process_stop(p);
		else if (p->state == PROCESS_BACKOFF)
			process_give_up(p);
	}
	free(order);
}

static int
group_priority_cmp(const struct process *x, const struct process *y)
{
	if (x->config->priority != y->config->priority)
		return (x->config->priority < y->config->priority ? -1 : 1);
	return (0);
}

/* Insertion sort: stable, and groups are small. */
struct process **
group_by_priority(const struct group *g)
{
	struct process	**procs, *p;
	int		  i, j;

	procs = xreallocarray(NULL, g->nprocs + 1, sizeof *procs);
	for (i = 0; i < g->nprocs; i++) {
		p = g->procs[i];
		for (j = i; j > 0 && group_priority_cmp(procs[j - 1], p) > 0;
		    j--)
			procs[j] = procs[j - 1];
		procs[j] = p;
	}
	return (procs);
}

void
group_autostart(struct group *g)
{
	int	i;

	for (i = 0; i < g->nprocs; i++)
		process_autostart(g->procs[i]);
}
