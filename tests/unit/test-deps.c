/* Unit tests for the depends_on graph: checks, orders and queries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "deps.h"
#include "xmalloc.h"

/*
 * A config written one group a line, "name priority program=dep,dep
 * program ...", so a test reads like the config it stands for; a
 * program's depends_on is on "supd.conf" at the line of its group.
 */
struct fixture {
	char			*text;
	struct deps_group	*groups;
	int			 ngroups;
	struct deps		*d;
	char			*cause;
};

static void
fixture_program(struct deps_program *p, char *word, int line)
{
	char	*eq, *name;

	p->file = "supd.conf";
	p->line = line;
	if ((eq = strchr(word, '=')) != NULL)
		*eq++ = '\0';
	p->name = word;
	while (eq != NULL && (name = strsep(&eq, ",")) != NULL) {
		p->depends_on = xreallocarray(p->depends_on,
		    p->ndepends_on + 1, sizeof *p->depends_on);
		p->depends_on[p->ndepends_on++] = name;
	}
}

static void
fixture_group(struct fixture *f, char *line, int lineno)
{
	struct deps_group	*g;
	struct deps_program	*progs = NULL;
	char			*word;
	int			 n = 0;

	f->groups = xreallocarray(f->groups, f->ngroups + 1,
	    sizeof *f->groups);
	g = &f->groups[f->ngroups++];
	g->name = strsep(&line, " ");
	g->priority = atoi(strsep(&line, " "));
	while ((word = strsep(&line, " ")) != NULL) {
		progs = xreallocarray(progs, n + 1, sizeof *progs);
		memset(&progs[n], 0, sizeof progs[n]);
		fixture_program(&progs[n++], word, lineno);
	}
	g->programs = progs;
	g->nprograms = n;
}

/* Build from spec; f->d is NULL and f->cause set if it has errors. */
static void
fixture_build(struct fixture *f, const char *spec)
{
	char	*rest, *line;
	int	 lineno = 0;

	memset(f, 0, sizeof *f);
	f->text = rest = xstrdup(spec);
	while ((line = strsep(&rest, "\n")) != NULL) {
		lineno++;
		if (*line != '\0')
			fixture_group(f, line, lineno);
	}
	f->d = deps_create(f->groups, f->ngroups, &f->cause);
}

static void
fixture_free(struct fixture *f)
{
	int	g, i;

	for (g = 0; g < f->ngroups; g++) {
		for (i = 0; i < f->groups[g].nprograms; i++)
			free(f->groups[g].programs[i].depends_on);
		free((void *)f->groups[g].programs);
	}
	free(f->groups);
	free(f->text);
	free(f->cause);
	deps_free(f->d);
}

/* Group names of an index array, space-separated, for one comparison. */
static char *
names(struct fixture *f, const int *v, int n)
{
	char	*s = xstrdup(""), *t;
	int	 i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%s", s, i == 0 ? "" : " ",
		    f->groups[v[i]].name);
		free(s);
		s = t;
	}
	return (s);
}

static int
index_of(struct fixture *f, const char *name)
{
	int	g;

	for (g = 0; g < f->ngroups; g++) {
		if (strcmp(f->groups[g].name, name) == 0)
			return (g);
	}
	fail_msg("no group %s", name);
	return (-1);
}

static void
check_start(struct fixture *f, const char *want)
{
	const int	*v;
	char		*s;
	int		 n;

	v = deps_start_order(f->d, &n);
	assert_int_equal(n, f->ngroups);
	s = names(f, v, n);
	assert_string_equal(s, want);
	free(s);
}

static void
check_stop(struct fixture *f, const char *want)
{
	const int	*v;
	char		*s;
	int		 n;

	v = deps_stop_order(f->d, &n);
	assert_int_equal(n, f->ngroups);
	s = names(f, v, n);
	assert_string_equal(s, want);
	free(s);
}

/* deps_requires or deps_required_by of a group, as names. */
static void
check_query(struct fixture *f, int up, const char *group, int transitive,
    const char *want)
{
	int	*v, n, g = index_of(f, group);
	char	*s;

	if (up)
		v = deps_requires(f->d, g, transitive, &n);
	else
		v = deps_required_by(f->d, g, transitive, &n);
	s = names(f, v, n);
	assert_string_equal(s, want);
	free(s);
	free(v);
}

static void
check_errors(const char *spec, const char *want)
{
	struct fixture	f;

	fixture_build(&f, spec);
	assert_null(f.d);
	assert_non_null(f.cause);
	assert_string_equal(f.cause, want);
	fixture_free(&f);
}

/*
 * Without depends_on both orders are Supervisor's: groups sorted by
 * (priority, name) to start, and ordered_stop_groups pops that list from
 * its end, so descending priority and then reverse name to stop.
 */
static void
test_no_depends_on(void **state)
{
	struct fixture	f;

	fixture_build(&f,
	    "cat 999 cat\n"
	    "ant 999 ant\n"
	    "bee 100 bee\n"
	    "dog 5 dog\n"
	    "eel 100 eel\n"
	    "fox -1 fox\n");
	assert_non_null(f.d);
	assert_int_equal(deps_has_any(f.d), 0);
	check_start(&f, "fox dog bee eel ant cat");
	check_stop(&f, "cat ant eel bee dog fox");
	check_query(&f, 1, "cat", 1, "");
	check_query(&f, 0, "cat", 1, "");
	fixture_free(&f);
}

static void
test_chain(void **state)
{
	struct fixture	f;

	fixture_build(&f,
	    "web 999 web=api\n"
	    "api 999 api=db\n"
	    "db 999 db\n"
	    "cron 999 cron\n");
	assert_non_null(f.d);
	assert_int_equal(deps_has_any(f.d), 1);
	check_start(&f, "cron db api web");
	check_stop(&f, "web cron api db");
	check_query(&f, 1, "web", 0, "api");
	check_query(&f, 1, "web", 1, "db api");
	check_query(&f, 1, "db", 1, "");
	check_query(&f, 0, "db", 0, "api");
	check_query(&f, 0, "db", 1, "api web");
	check_query(&f, 0, "web", 1, "");
	fixture_free(&f);
}

static void
test_diamond(void **state)
{
	struct fixture	f;

	fixture_build(&f,
	    "app 999 app=worker,api\n"
	    "worker 999 worker=db\n"
	    "api 999 api=db\n"
	    "db 999 db\n");
	assert_non_null(f.d);
	check_start(&f, "db api worker app");
	check_stop(&f, "app worker api db");
	check_query(&f, 1, "app", 0, "api worker");
	check_query(&f, 1, "app", 1, "db api worker");
	check_query(&f, 0, "db", 0, "api worker");
	check_query(&f, 0, "db", 1, "api worker app");
	fixture_free(&f);
}

/*
 * Priority orders only what depends_on leaves free: web (priority 1)
 * waits for db (999), which still comes after everything of lower
 * priority, and stops before it although db's number is higher.
 */
static void
test_mixed_priorities(void **state)
{
	struct fixture	f;

	fixture_build(&f,
	    "web 1 web=db\n"
	    "db 999 db\n"
	    "other 500 other\n"
	    "early 2 early\n"
	    "late 999 late\n");
	assert_non_null(f.d);
	check_start(&f, "early other db web late");
	check_stop(&f, "late other early web db");
	fixture_free(&f);

	/* A dependency named first with a higher priority still goes first. */
	fixture_build(&f,
	    "a 10 a=b\n"
	    "b 20 b=c\n"
	    "c 30 c\n"
	    "d 15 d\n");
	assert_non_null(f.d);
	check_start(&f, "d c b a");
	check_stop(&f, "d a b c");
	fixture_free(&f);
}

/*
 * A [group:backend] holds api and worker: depends_on may name the group
 * or one of its programs, and both mean the whole group.
 */
static void
test_group_and_program_names(void **state)
{
	struct fixture	f;

	fixture_build(&f,
	    "web 999 web=api\n"
	    "cron 999 cron=backend\n"
	    "backend 10 api worker=db\n"
	    "db 999 db\n");
	assert_non_null(f.d);
	check_start(&f, "db backend cron web");
	check_stop(&f, "web cron backend db");
	check_query(&f, 1, "web", 1, "db backend");
	check_query(&f, 0, "backend", 0, "cron web");
	check_query(&f, 0, "db", 1, "backend cron web");
	fixture_free(&f);

	/* A program listed in two groups means both. */
	fixture_build(&f,
	    "g1 5 shared\n"
	    "g2 6 shared other\n"
	    "x 1 x=shared\n");
	assert_non_null(f.d);
	check_query(&f, 1, "x", 0, "g1 g2");
	check_start(&f, "g1 g2 x");
	fixture_free(&f);

	/* A group's name that is also a program elsewhere means both. */
	fixture_build(&f,
	    "api 5 x\n"
	    "other 6 api\n"
	    "web 1 web=api\n");
	assert_non_null(f.d);
	check_query(&f, 1, "web", 0, "api other");
	fixture_free(&f);
}

/* Every error at once, one a line, in config order, then the cycles. */
static void
test_errors_together(void **state)
{
	check_errors(
	    "a 999 a=b,nope\n"
	    "b 999 b=a\n"
	    "c 999 c=c\n"
	    "g 999 p=q q=missing,g\n",
	    "supd.conf:1: [program:a] depends_on: unknown program or "
	    "group 'nope'\n"
	    "supd.conf:3: [program:c] depends_on: 'c' depends on itself\n"
	    "supd.conf:4: [program:p] depends_on: 'q' is in its own "
	    "group 'g'\n"
	    "supd.conf:4: [program:q] depends_on: unknown program or "
	    "group 'missing'\n"
	    "supd.conf:4: [program:q] depends_on: 'g' is its own group\n"
	    "supd.conf:1: depends_on cycle: a -> b -> a");
}

static void
test_cycle_forms(void **state)
{
	struct fixture	f;
	char		*first;

	check_errors("x 999 x=x\n",
	    "supd.conf:1: [program:x] depends_on: 'x' depends on itself");
	check_errors(
	    "api 999 api=worker\n"
	    "worker 999 worker=api\n",
	    "supd.conf:1: depends_on cycle: api -> worker -> api");

	/* Starts from the group first in config, whatever the names. */
	check_errors(
	    "zeta 999 zeta\n"
	    "c 999 c=a\n"
	    "b 999 b=c\n"
	    "a 999 a=b\n",
	    "supd.conf:2: depends_on cycle: c -> a -> b -> c");

	/* Two separate cycles, each once, plus something hanging off one. */
	check_errors(
	    "p 999 p=q\n"
	    "r 999 r=s\n"
	    "q 999 q=p\n"
	    "s 999 s=t\n"
	    "t 999 t=r\n"
	    "u 999 u=p\n",
	    "supd.conf:1: depends_on cycle: p -> q -> p\n"
	    "supd.conf:2: depends_on cycle: r -> s -> t -> r");

	/* One component with two cycles: the shortest through its first. */
	check_errors(
	    "a 999 a=b\n"
	    "b 999 b=c,a\n"
	    "c 999 c=a\n",
	    "supd.conf:1: depends_on cycle: a -> b -> a");

	/* A program in a [group:] is shown as group:program. */
	check_errors(
	    "x 999 x=q\n"
	    "g 999 p=x q\n",
	    "supd.conf:1: depends_on cycle: x -> g:p -> x");

	/* The same text every time. */
	fixture_build(&f, "m 1 m=n\nn 2 n=o\no 3 o=m\n");
	assert_null(f.d);
	first = xstrdup(f.cause);
	fixture_free(&f);
	fixture_build(&f, "m 1 m=n\nn 2 n=o\no 3 o=m\n");
	assert_string_equal(f.cause, first);
	assert_string_equal(first, "supd.conf:1: depends_on cycle: "
	    "m -> n -> o -> m");
	free(first);
	fixture_free(&f);
}

/* Sections other than [program:x] are named as the caller writes them. */
static void
test_section_name(void **state)
{
	const char		*dep[] = { "nothere" };
	struct deps_program	 prog = { "ev", "eventlistener:ev", dep, 1,
				     "/etc/supd.d/ev.conf", 7 };
	struct deps_group	 group = { "ev", 999, &prog, 1 };
	char			*cause = NULL;

	assert_null(deps_create(&group, 1, &cause));
	assert_string_equal(cause, "/etc/supd.d/ev.conf:7: "
	    "[eventlistener:ev] depends_on: unknown program or group "
	    "'nothere'");
	free(cause);
}

static int
up_cb(int g, void *arg)
{
	const int	*up = arg;

	return (up[g]);
}

static void
test_waiting(void **state)
{
	struct fixture	f;
	int		 up[4] = { 0, 0, 0, 0 };
	char		*s;

	fixture_build(&f,
	    "x 999 x=redis,api\n"
	    "api 999 api=redis\n"
	    "redis 999 redis\n"
	    "backend 999 y=api\n");
	assert_non_null(f.d);
	s = deps_waiting(f.d, 0, up_cb, up);
	assert_string_equal(s, "redis, api");
	free(s);
	up[2] = 1;
	s = deps_waiting(f.d, 0, up_cb, up);
	assert_string_equal(s, "api");
	free(s);
	up[1] = 1;
	assert_null(deps_waiting(f.d, 0, up_cb, up));
	assert_null(deps_waiting(f.d, 2, up_cb, up));
	up[1] = 0;
	s = deps_waiting(f.d, 3, up_cb, up);
	assert_string_equal(s, "api");
	free(s);
	fixture_free(&f);
}

/* A long chain: no recursion to overflow, and the order still exact. */
static void
test_long_chain(void **state)
{
	struct deps_group	*groups;
	struct deps_program	*progs;
	struct deps		*d;
	const char		**deps;
	char			**nm, *cause = NULL;
	const int		*v;
	int			*r, n, i, count = 20000;

	groups = xcalloc(count, sizeof *groups);
	progs = xcalloc(count, sizeof *progs);
	deps = xcalloc(count, sizeof *deps);
	nm = xcalloc(count, sizeof *nm);
	for (i = 0; i < count; i++)
		xasprintf(&nm[i], "p%05d", i);
	for (i = 0; i < count; i++) {
		progs[i].name = nm[i];
		progs[i].file = "supd.conf";
		progs[i].line = i + 1;
		if (i + 1 < count) {
			deps[i] = nm[i + 1];
			progs[i].depends_on = &deps[i];
			progs[i].ndepends_on = 1;
		}
		groups[i].name = nm[i];
		groups[i].priority = 999;
		groups[i].programs = &progs[i];
		groups[i].nprograms = 1;
	}
	d = deps_create(groups, count, &cause);
	assert_non_null(d);
	v = deps_start_order(d, &n);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], count - 1 - i);
	r = deps_requires(d, 0, 1, &n);
	assert_int_equal(n, count - 1);
	assert_int_equal(r[0], count - 1);
	free(r);
	deps_free(d);

	/* Close the chain into one cycle of every group. */
	deps[count - 1] = nm[0];
	progs[count - 1].depends_on = &deps[count - 1];
	progs[count - 1].ndepends_on = 1;
	assert_null(deps_create(groups, count, &cause));
	assert_non_null(strstr(cause, "supd.conf:1: depends_on cycle: "
	    "p00000 -> p00001 -> "));
	assert_non_null(strstr(cause, " -> p19999 -> p00000"));
	assert_null(strchr(cause, '\n'));
	free(cause);

	for (i = 0; i < count; i++)
		free(nm[i]);
	free(nm);
	free(deps);
	free(progs);
	free(groups);
}

/* Many separate cycles: each reported once, in config order, quickly. */
static void
test_many_cycles(void **state)
{
	struct deps_group	*groups;
	struct deps_program	*progs;
	const char		**deps;
	char			**nm, *cause = NULL, *line, *rest, want[128];
	int			 i, count = 10000;

	groups = xcalloc(count, sizeof *groups);
	progs = xcalloc(count, sizeof *progs);
	deps = xcalloc(count, sizeof *deps);
	nm = xcalloc(count, sizeof *nm);
	for (i = 0; i < count; i++)
		xasprintf(&nm[i], "p%05d", i);
	for (i = 0; i < count; i++) {
		deps[i] = nm[i ^ 1];
		progs[i].name = nm[i];
		progs[i].file = "supd.conf";
		progs[i].line = i + 1;
		progs[i].depends_on = &deps[i];
		progs[i].ndepends_on = 1;
		groups[i].name = nm[i];
		groups[i].priority = 999;
		groups[i].programs = &progs[i];
		groups[i].nprograms = 1;
	}
	assert_null(deps_create(groups, count, &cause));
	rest = cause;
	for (i = 0; i < count; i += 2) {
		line = strsep(&rest, "\n");
		assert_non_null(line);
		snprintf(want, sizeof want, "supd.conf:%d: depends_on cycle: "
		    "%s -> %s -> %s", i + 1, nm[i], nm[i + 1], nm[i]);
		assert_string_equal(line, want);
	}
	assert_null(rest);
	free(cause);

	for (i = 0; i < count; i++)
		free(nm[i]);
	free(nm);
	free(deps);
	free(progs);
	free(groups);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_depends_on),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_diamond),
		cmocka_unit_test(test_mixed_priorities),
		cmocka_unit_test(test_group_and_program_names),
		cmocka_unit_test(test_errors_together),
		cmocka_unit_test(test_cycle_forms),
		cmocka_unit_test(test_section_name),
		cmocka_unit_test(test_waiting),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_many_cycles),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
