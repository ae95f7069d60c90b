/*
 * The depends_on graph. Nodes are process groups, because Supervisor
 * starts and stops a group as a unit; an edge g -> h means some program
 * of g named h (or a program of h) in its depends_on. The graph is built
 * and checked once, then both orders are computed with Kahn's algorithm,
 * so the daemon's questions cost a lookup or one walk over the groups.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps.h"
#include "hmap.h"
#include "xmalloc.h"

struct deps_node {
	char	*name;
	int	 priority;
	int	*req;		/* direct dependencies, start order */
	int	 nreq;
	int	*rby;		/* direct dependents, start order */
	int	 nrby;
};

struct deps {
	struct deps_node	*nodes;
	int			 n;
	int			*start;
	int			*stop;
	int			*pos;	/* each group's place in start */
	int			 any;
};

/* What a name in depends_on may mean: one or more groups, ascending. */
struct deps_target {
	int	*groups;
	int	 n;
};

/* State while building, freed before deps_create returns. */
struct deps_build {
	const struct deps_group	 *groups;
	struct deps		 *d;
	struct hmap		  names;	/* name -> struct deps_target */
	struct deps_target	**targets;	/* the same, to free them */
	int			  ntargets;
	int			**edge_prog;	/* program making each edge */
	int			 *stamp;
	char			 *errors;	/* one a line */
	size_t			  elen;
	size_t			  ecap;
};

/* Priority then name, as Supervisor's Config.__lt__. */
static int
deps_cmp(const struct deps *d, int a, int b)
{
	const struct deps_node	*na = &d->nodes[a], *nb = &d->nodes[b];

	if (na->priority != nb->priority)
		return (na->priority < nb->priority ? -1 : 1);
	return (strcmp(na->name, nb->name));
}

/* Add to the error text; grows by doubling, a config may have many errors. */
static void
deps_append(struct deps_build *b, const char *s)
{
	size_t	len = strlen(s);

	if (b->elen + len + 1 > b->ecap) {
		b->ecap = (b->elen + len + 1) * 2;
		b->errors = xrealloc(b->errors, b->ecap);
	}
	memcpy(b->errors + b->elen, s, len + 1);
	b->elen += len;
}

/* Start a new error line. */
static void
deps_error(struct deps_build *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	if (b->elen > 0)
		deps_append(b, "\n");
	deps_append(b, line);
	free(line);
}

static void
deps_name_add(struct deps_build *b, const char *name, int g)
{
	struct deps_target	*t;

	if ((t = hmap_get_str(&b->names, name)) == NULL) {
		t = xcalloc(1, sizeof *t);
		hmap_put_str(&b->names, name, t);
		b->targets = xreallocarray(b->targets, b->ntargets + 1,
		    sizeof *b->targets);
		b->targets[b->ntargets++] = t;
	}
	/* A program that is its own group is both names for one group. */
	if (t->n > 0 && t->groups[t->n - 1] == g)
		return;
	t->groups = xreallocarray(t->groups, t->n + 1, sizeof *t->groups);
	t->groups[t->n++] = g;
}

/*
 * Index every group name and every program name. A name that is a group
 * and also a program of another group (or a program listed in two
 * groups) means all of them: waiting for more is safe, guessing is not.
 */
static void
deps_names(struct deps_build *b)
{
	const struct deps_group	*gr;
	int			 g, i;

	hmap_init(&b->names);
	for (g = 0; g < b->d->n; g++) {
		gr = &b->groups[g];
		deps_name_add(b, gr->name, g);
		for (i = 0; i < gr->nprograms; i++)
			deps_name_add(b, gr->programs[i].name, g);
	}
}

static void
deps_names_free(struct deps_build *b)
{
	int	i;

	for (i = 0; i < b->ntargets; i++) {
		free(b->targets[i]->groups);
		free(b->targets[i]);
	}
	free(b->targets);
	hmap_free(&b->names);
}

/* The section as errors name it, "program:x" unless told. Caller frees. */
static char *
deps_section(const struct deps_program *p)
{
	if (p->section != NULL)
		return (xstrdup(p->section));
	return (xprintf("program:%s", p->name));
}

/*
 * A name that leads back to its own group can never be satisfied: the
 * program itself, its [group:], or another program in that group (a
 * group starts as a unit, so there is no order inside it to ask for).
 */
static void
deps_self_error(struct deps_build *b, int g, const struct deps_program *p,
    const char *name)
{
	const char	*gname = b->groups[g].name;
	char		*section = deps_section(p);

	if (strcmp(name, p->name) == 0) {
		deps_error(b, "%s:%d: [%s] depends_on: '%s' depends on itself",
		    p->file, p->line, section, name);
	} else if (strcmp(name, gname) == 0) {
		deps_error(b, "%s:%d: [%s] depends_on: '%s' is its own group",
		    p->file, p->line, section, name);
	} else {
		deps_error(b, "%s:%d: [%s] depends_on: '%s' is in its own "
		    "group '%s'", p->file, p->line, section, name, gname);
	}
	free(section);
}

static void
deps_edge_add(struct deps_build *b, int g, int h, int prog)
{
	struct deps_node	*node = &b->d->nodes[g];

	if (b->stamp[h] == g + 1)
		return;
	b->stamp[h] = g + 1;
	node->req = xreallocarray(node->req, node->nreq + 1,
	    sizeof *node->req);
	b->edge_prog[g] = xreallocarray(b->edge_prog[g], node->nreq + 1,
	    sizeof *b->edge_prog[g]);
	node->req[node->nreq] = h;
	b->edge_prog[g][node->nreq] = prog;
	node->nreq++;
	b->d->any = 1;
}

/* One name of one program's depends_on: an error, or edges. */
static void
deps_resolve(struct deps_build *b, int g, int prog, const char *name)
{
	const struct deps_program	*p = &b->groups[g].programs[prog];
	struct deps_target		*t;
	char				*section;
	int				 i;

	if ((t = hmap_get_str(&b->names, name)) == NULL) {
		section = deps_section(p);
		deps_error(b, "%s:%d: [%s] depends_on: unknown program or "
		    "group '%s'", p->file, p->line, section, name);
		free(section);
		return;
	}
	for (i = 0; i < t->n; i++) {
		if (t->groups[i] == g) {
			deps_self_error(b, g, p, name);
			return;
		}
	}
	for (i = 0; i < t->n; i++)
		deps_edge_add(b, g, t->groups[i], prog);
}

static void
deps_edges(struct deps_build *b)
{
	const struct deps_group	*gr;
	const struct deps_program	*p;
	int			 g, i, j;

	for (g = 0; g < b->d->n; g++) {
		gr = &b->groups[g];
		for (i = 0; i < gr->nprograms; i++) {
			p = &gr->programs[i];
			for (j = 0; j < p->ndepends_on; j++)
				deps_resolve(b, g, i, p->depends_on[j]);
		}
	}
}

/*
 * Tarjan's strongly connected components, iterative so a chain of ten
 * thousand groups does not need ten thousand stack frames. Each group
 * gets a component number in comp; size counts each component's groups.
 */
static void
deps_tarjan(const struct deps *d, int *comp, int *size)
{
	int	*index, *low, *stack, *frame, *iter, *onstack;
	int	 counter = 0, sp = 0, fp = 0, ncomp = 0, s, v, w;

	index = xcalloc(d->n + 1, sizeof *index);
	low = xcalloc(d->n + 1, sizeof *low);
	stack = xcalloc(d->n + 1, sizeof *stack);
	frame = xcalloc(d->n + 1, sizeof *frame);
	iter = xcalloc(d->n + 1, sizeof *iter);
	onstack = xcalloc(d->n + 1, sizeof *onstack);
	for (v = 0; v < d->n; v++)
		index[v] = -1;
	for (s = 0; s < d->n; s++) {
		if (index[s] != -1)
			continue;
		index[s] = low[s] = counter++;
		stack[sp++] = s;
		onstack[s] = 1;
		frame[fp++] = s;
		while (fp > 0) {
			v = frame[fp - 1];
			if (iter[v] < d->nodes[v].nreq) {
				w = d->nodes[v].req[iter[v]++];
				if (index[w] == -1) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					onstack[w] = 1;
					frame[fp++] = w;
				} else if (onstack[w] && index[w] < low[v])
					low[v] = index[w];
				continue;
			}
			fp--;
			if (low[v] == index[v]) {
				size[ncomp] = 0;
				do {
					w = stack[--sp];
					onstack[w] = 0;
					comp[w] = ncomp;
					size[ncomp]++;
				} while (w != v);
				ncomp++;
			}
			if (fp > 0 && low[v] < low[frame[fp - 1]])
				low[frame[fp - 1]] = low[v];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(frame);
	free(iter);
	free(onstack);
}

/* How a group appears in a cycle: the program whose depends_on leaves it. */
static char *
deps_cycle_name(struct deps_build *b, int g, int edge)
{
	const char	*pname, *gname = b->groups[g].name;

	pname = b->groups[g].programs[b->edge_prog[g][edge]].name;
	if (strcmp(pname, gname) == 0)
		return (xstrdup(pname));
	return (xprintf("%s:%s", gname, pname));
}

/* Scratch arrays for the searches of deps_cycle_find, reset after each. */
struct deps_bfs {
	int	*parent;	/* -1: not reached yet */
	int	*pedge;		/* the parent's edge that reached it */
	int	*queue;
	int	*path;
	int	*pathedge;	/* the edge leaving each group of path */
};

/*
 * The shortest cycle through s, found breadth first within its
 * component with edges in config order, so the text is the same every
 * time: fills path from s on and returns its length. One cycle per
 * component is enough to act on; listing every elementary cycle could
 * take exponential time.
 */
static int
deps_cycle_find(const struct deps *d, struct deps_bfs *q, int s,
    const int *comp)
{
	int	qh = 0, qt = 0, v, w, i, last = -1, lastedge = -1, n = 0, k, t;

	q->parent[s] = s;
	q->queue[qt++] = s;
	while (qh < qt && last == -1) {
		v = q->queue[qh++];
		for (i = 0; i < d->nodes[v].nreq; i++) {
			w = d->nodes[v].req[i];
			if (w == s) {
				last = v;
				lastedge = i;
				break;
			}
			if (comp[w] != comp[s] || q->parent[w] != -1)
				continue;
			q->parent[w] = v;
			q->pedge[w] = i;
			q->queue[qt++] = w;
		}
	}
	for (v = last, i = lastedge; v != s;
	    i = q->pedge[v], v = q->parent[v]) {
		q->path[n] = v;
		q->pathedge[n++] = i;
	}
	q->path[n] = s;
	q->pathedge[n++] = i;
	for (k = 0; k < n / 2; k++) {
		t = q->path[k];
		q->path[k] = q->path[n - 1 - k];
		q->path[n - 1 - k] = t;
		t = q->pathedge[k];
		q->pathedge[k] = q->pathedge[n - 1 - k];
		q->pathedge[n - 1 - k] = t;
	}
	for (k = 0; k < qt; k++)
		q->parent[q->queue[k]] = -1;
	return (n);
}

/* "file:line: depends_on cycle: a -> b -> a", where a's depends_on is. */
static void
deps_cycle_report(struct deps_build *b, struct deps_bfs *q, int n)
{
	const struct deps_program	*first;
	char				*name;
	int				 k, s = q->path[0];

	first = &b->groups[s].programs[b->edge_prog[s][q->pathedge[0]]];
	deps_error(b, "%s:%d: depends_on cycle: ", first->file, first->line);
	for (k = 0; k <= n; k++) {
		name = deps_cycle_name(b, q->path[k % n], q->pathedge[k % n]);
		deps_append(b, name);
		if (k < n)
			deps_append(b, " -> ");
		free(name);
	}
}

/* Report each component of more than one group once, in config order. */
static void
deps_cycles(struct deps_build *b)
{
	const struct deps	*d = b->d;
	struct deps_bfs		 q;
	int			*comp, *size, *done, g, n;

	comp = xcalloc(d->n + 1, sizeof *comp);
	size = xcalloc(d->n + 1, sizeof *size);
	done = xcalloc(d->n + 1, sizeof *done);
	deps_tarjan(d, comp, size);
	q.parent = xcalloc(d->n + 1, sizeof *q.parent);
	q.pedge = xcalloc(d->n + 1, sizeof *q.pedge);
	q.queue = xcalloc(d->n + 1, sizeof *q.queue);
	q.path = xcalloc(d->n + 1, sizeof *q.path);
	q.pathedge = xcalloc(d->n + 1, sizeof *q.pathedge);
	for (g = 0; g < d->n; g++)
		q.parent[g] = -1;
	for (g = 0; g < d->n; g++) {
		if (size[comp[g]] < 2 || done[comp[g]])
			continue;
		done[comp[g]] = 1;
		n = deps_cycle_find(d, &q, g, comp);
		deps_cycle_report(b, &q, n);
	}
	free(q.parent);
	free(q.pedge);
	free(q.queue);
	free(q.path);
	free(q.pathedge);
	free(comp);
	free(size);
	free(done);
}

/* A binary heap of group indices, least first by sign * deps_cmp. */
struct deps_heap {
	const struct deps	*d;
	int			*v;
	int			 n;
	int			 sign;
};

static int
deps_heap_less(struct deps_heap *h, int i, int j)
{
	return (h->sign * deps_cmp(h->d, h->v[i], h->v[j]) < 0);
}

static void
deps_heap_swap(struct deps_heap *h, int i, int j)
{
	int	t = h->v[i];

	h->v[i] = h->v[j];
	h->v[j] = t;
}

static void
deps_heap_push(struct deps_heap *h, int g)
{
	int	i = h->n++;

	h->v[i] = g;
	for (; i > 0 && deps_heap_less(h, i, (i - 1) / 2); i = (i - 1) / 2)
		deps_heap_swap(h, i, (i - 1) / 2);
}

static int
deps_heap_pop(struct deps_heap *h)
{
	int	top = h->v[0], i = 0, c;

	h->v[0] = h->v[--h->n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && deps_heap_less(h, c + 1, c))
			c++;
		if (!deps_heap_less(h, c, i))
			break;
		deps_heap_swap(h, i, c);
		i = c;
	}
	return (top);
}

/*
 * Kahn's algorithm: of the groups whose turn may come (forward: all
 * dependencies placed; backward: all dependents placed), place the least
 * by priority and name (forward) or the greatest (backward). The graph
 * has no cycle here, so every group is placed.
 */
static void
deps_order(struct deps *d, int *order, int forward)
{
	struct deps_heap	 h;
	const int		*next;
	int			*left, i, k = 0, g, nnext;

	h.d = d;
	h.v = xcalloc(d->n + 1, sizeof *h.v);
	h.n = 0;
	h.sign = forward ? 1 : -1;
	left = xcalloc(d->n + 1, sizeof *left);
	for (g = 0; g < d->n; g++) {
		left[g] = forward ? d->nodes[g].nreq : d->nodes[g].nrby;
		if (left[g] == 0)
			deps_heap_push(&h, g);
	}
	while (h.n > 0) {
		g = deps_heap_pop(&h);
		order[k++] = g;
		next = forward ? d->nodes[g].rby : d->nodes[g].req;
		nnext = forward ? d->nodes[g].nrby : d->nodes[g].nreq;
		for (i = 0; i < nnext; i++) {
			if (--left[next[i]] == 0)
				deps_heap_push(&h, next[i]);
		}
	}
	free(left);
	free(h.v);
}

static int
deps_pos_cmp(const void *a, const void *b, void *arg)
{
	const int	*pos = arg;

	return (pos[*(const int *)a] - pos[*(const int *)b]);
}

/* Dependents lists, both orders, then every list sorted by start order. */
static void
deps_finish(struct deps *d)
{
	struct deps_node	*node;
	int			 g, i, h;

	for (g = 0; g < d->n; g++) {
		for (i = 0; i < d->nodes[g].nreq; i++) {
			node = &d->nodes[d->nodes[g].req[i]];
			node->rby = xreallocarray(node->rby, node->nrby + 1,
			    sizeof *node->rby);
			node->rby[node->nrby++] = g;
		}
	}
	d->start = xcalloc(d->n + 1, sizeof *d->start);
	d->stop = xcalloc(d->n + 1, sizeof *d->stop);
	d->pos = xcalloc(d->n + 1, sizeof *d->pos);
	deps_order(d, d->start, 1);
	deps_order(d, d->stop, 0);
	for (i = 0; i < d->n; i++)
		d->pos[d->start[i]] = i;
	for (h = 0; h < d->n; h++) {
		node = &d->nodes[h];
		/* An empty list is a NULL pointer, which qsort_r must not get. */
		if (node->nreq > 1)
			qsort_r(node->req, node->nreq, sizeof *node->req,
			    deps_pos_cmp, d->pos);
		if (node->nrby > 1)
			qsort_r(node->rby, node->nrby, sizeof *node->rby,
			    deps_pos_cmp, d->pos);
	}
}

struct deps *
deps_create(const struct deps_group *groups, int ngroups, char **cause)
{
	struct deps_build	 b;
	struct deps		*d;
	int			 g;

	d = xcalloc(1, sizeof *d);
	d->n = ngroups;
	d->nodes = xcalloc(ngroups + 1, sizeof *d->nodes);
	for (g = 0; g < ngroups; g++) {
		d->nodes[g].name = xstrdup(groups[g].name);
		d->nodes[g].priority = groups[g].priority;
	}

	memset(&b, 0, sizeof b);
	b.groups = groups;
	b.d = d;
	b.edge_prog = xcalloc(ngroups + 1, sizeof *b.edge_prog);
	b.stamp = xcalloc(ngroups + 1, sizeof *b.stamp);
	deps_names(&b);
	deps_edges(&b);
	deps_cycles(&b);
	deps_names_free(&b);
	for (g = 0; g < ngroups; g++)
		free(b.edge_prog[g]);
	free(b.edge_prog);
	free(b.stamp);
	if (b.errors != NULL) {
		*cause = b.errors;
		deps_free(d);
		return (NULL);
	}
	deps_finish(d);
	return (d);
}

void
deps_free(struct deps *d)
{
	int	g;

	if (d == NULL)
		return;
	for (g = 0; g < d->n; g++) {
		free(d->nodes[g].name);
		free(d->nodes[g].req);
		free(d->nodes[g].rby);
	}
	free(d->nodes);
	free(d->start);
	free(d->stop);
	free(d->pos);
	free(d);
}

int
deps_has_any(const struct deps *d)
{
	return (d->any);
}

const int *
deps_start_order(const struct deps *d, int *n)
{
	*n = d->n;
	return (d->start);
}

const int *
deps_stop_order(const struct deps *d, int *n)
{
	*n = d->n;
	return (d->stop);
}

/*
 * Direct or transitive neighbours of g one way or the other, in start
 * order. Marks what is reachable, then reads the marks in start order,
 * so a query costs one walk over the groups and no sort.
 */
static int *
deps_walk(const struct deps *d, int g, int transitive, int up, int *n)
{
	const struct deps_node	*node;
	const int		*next;
	int			*seen, *todo, *out, ntodo = 0, nnext, i, v;

	seen = xcalloc(d->n + 1, sizeof *seen);
	todo = xcalloc(d->n + 1, sizeof *todo);
	todo[ntodo++] = g;
	while (ntodo > 0) {
		node = &d->nodes[todo[--ntodo]];
		next = up ? node->req : node->rby;
		nnext = up ? node->nreq : node->nrby;
		for (i = 0; i < nnext; i++) {
			if (seen[next[i]])
				continue;
			seen[next[i]] = 1;
			if (transitive)
				todo[ntodo++] = next[i];
		}
	}
	out = todo;
	*n = 0;
	for (i = 0; i < d->n; i++) {
		v = d->start[i];
		if (seen[v])
			out[(*n)++] = v;
	}
	free(seen);
	return (out);
}

int *
deps_requires(const struct deps *d, int g, int transitive, int *n)
{
	return (deps_walk(d, g, transitive, 1, n));
}

int *
deps_required_by(const struct deps *d, int g, int transitive, int *n)
{
	return (deps_walk(d, g, transitive, 0, n));
}

char *
deps_waiting(const struct deps *d, int g, int (*up_cb)(int, void *),
    void *arg)
{
	const struct deps_node	*node = &d->nodes[g];
	char			*text = NULL, *t;
	int			 i, h;

	for (i = 0; i < node->nreq; i++) {
		h = node->req[i];
		if (up_cb(h, arg))
			continue;
		if (text == NULL)
			text = xstrdup(d->nodes[h].name);
		else {
			xasprintf(&t, "%s, %s", text, d->nodes[h].name);
			free(text);
			text = t;
		}
	}
	return (text);
}
