/* Unit tests for the option tables: defaults, types, copy, equality, info. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "config.h"
#include "config-parse.h"
#include "config-table.h"
#include "ini.h"
#include "xmalloc.h"

struct test_obj {
	int			 i;
	int			 b;
	int64_t			 bytes;
	int			 secs;
	char			*s;
	char			*e;
	int			 sig;
	int			 oct;
	struct config_list	 list;
	int			 other;		/* another kind's row */
	int			 noequal;
};

#define F(f) offsetof(struct test_obj, f)
#define K CONFIG_S_PROGRAM
static const struct config_row test_rows[] = {
	{ "i", K, &config_type_int, "7", F(i), 0, "i", NULL },
	{ "b", K, &config_type_bool, "true", F(b), 0, "b", NULL },
	{ "bytes", K, &config_type_bytes, "16MB", F(bytes), 0, "bytes", NULL },
	{ "secs", K, &config_type_seconds, "30", F(secs), 0, "secs", NULL },
	{ "s", K, &config_type_string, NULL, F(s), 0, "s", NULL },
	{ "e", K, &config_type_expanded, "%(process_num)d", F(e), 0, NULL,
	  NULL },
	{ "sig", K, &config_type_signal, "TERM", F(sig), 0, "sig", NULL },
	{ "oct", K, &config_type_octal, "022", F(oct), 0, NULL, NULL },
	{ "list", K, &config_type_list, "a, b,,c", F(list), 0, NULL, NULL },
	{ "other", CONFIG_S_LISTENER, &config_type_int, "5", F(other), 0,
	  NULL, NULL },
	{ "noequal", K, &config_type_int, "0", F(noequal), CONFIG_F_NOEQUAL,
	  NULL, NULL },
};
#undef K
#undef F
#define NROWS (sizeof test_rows / sizeof test_rows[0])

struct test_env {
	struct config_ctx	 ctx;
	struct config		 cf;
	struct expand_vars	 vars;
	struct config_parse	 cp;
	struct test_obj		 obj;
};

/* Read body as [program:x] of t.conf into env->obj. */
static int
test_parse(struct test_env *env, const char *body, enum config_phase phase)
{
	char	*text;
	int	 rc;

	memset(env, 0, sizeof *env);
	env->cf.configfile = "t.conf";
	env->ctx.cf = &env->cf;
	env->ctx.ini = ini_create();
	xasprintf(&text, "[program:x]\n%s", body);
	assert_int_equal(ini_read_buffer(env->ctx.ini, "t.conf", text,
	    strlen(text), NULL), 0);
	free(text);
	expand_vars_init(&env->vars);
	expand_vars_set_int(&env->vars, "process_num", 3);
	env->cp.ctx = &env->ctx;
	env->cp.sec = ini_find_section(env->ctx.ini, "program:x");
	env->cp.kind = CONFIG_S_PROGRAM;
	env->cp.vars = &env->vars;
	env->cp.obj = &env->obj;
	rc = config_table_parse(&env->cp, test_rows, NROWS, phase);
	return (rc);
}

static void
test_done(struct test_env *env)
{
	config_table_free(test_rows, NROWS, &env->obj);
	config_free_errors(env->ctx.errors, env->ctx.nerrors);
	expand_vars_free(&env->vars);
	ini_free(env->ctx.ini);
}

static void
test_defaults(void **state)
{
	struct test_env	env;

	assert_int_equal(test_parse(&env, "", CONFIG_PHASE_ALL), 0);
	assert_int_equal(env.obj.i, 7);
	assert_int_equal(env.obj.b, 1);
	assert_int_equal(env.obj.bytes, 16 * 1024 * 1024);
	assert_int_equal(env.obj.secs, 30);
	assert_null(env.obj.s);
	assert_string_equal(env.obj.e, "3");
	assert_int_equal(env.obj.sig, 15);
	assert_int_equal(env.obj.oct, 022);
	assert_int_equal(env.obj.list.n, 3);
	assert_string_equal(env.obj.list.items[1], "b");
	assert_string_equal(env.obj.list.items[2], "c");
	assert_int_equal(env.obj.other, 0);	/* not a [program] row */
	assert_int_equal(env.ctx.nerrors, 0);
	test_done(&env);
}

static void
test_values(void **state)
{
	struct test_env	env;

	assert_int_equal(test_parse(&env, "i=-12\nb=off\nbytes=2kb\n"
	    "secs=5m\ns=%(process_num)02d\ne=n%(process_num)d\nsig=HUP\n"
	    "oct=0o750\nlist=x\nother=9\n", CONFIG_PHASE_ALL), 0);
	assert_int_equal(env.obj.i, -12);
	assert_int_equal(env.obj.b, 0);
	assert_int_equal(env.obj.bytes, 2048);
	assert_int_equal(env.obj.secs, 300);
	assert_string_equal(env.obj.s, "03");
	assert_string_equal(env.obj.e, "n3");
	assert_int_equal(env.obj.sig, 1);
	assert_int_equal(env.obj.oct, 0750);
	assert_int_equal(env.obj.list.n, 1);
	assert_int_equal(env.obj.other, 0);
	test_done(&env);
}

/* One bad value: the error, with where, what and what would be right. */
static void
test_one_error(const char *body, const char *want)
{
	struct test_env	env;

	assert_int_equal(test_parse(&env, body, CONFIG_PHASE_ALL), -1);
	assert_int_equal(env.ctx.nerrors, 1);
	assert_string_equal(env.ctx.errors[0], want);
	test_done(&env);
}

static void
test_errors(void **state)
{
	test_one_error("i=ten\n", "t.conf:2: [program:x] i: 'ten' is not an "
	    "integer (expected a whole number)");
	test_one_error("i=9999999999\n", "t.conf:2: [program:x] i: 9999999999 "
	    "is out of range (expected -2147483648 to 2147483647)");
	test_one_error("b=maybe\n", "t.conf:2: [program:x] b: not a valid "
	    "boolean value: 'maybe' (expected true/false, yes/no, on/off or "
	    "1/0)");
	test_one_error("bytes=lots\n", "t.conf:2: [program:x] bytes: 'lots' is "
	    "not a byte size (expected a whole number with an optional KB, MB "
	    "or GB suffix, e.g. 50MB)");
	test_one_error("secs=soon\n", "t.conf:2: [program:x] secs: 'soon' is "
	    "not a duration (expected whole seconds, or a number with s, m, h "
	    "or d, e.g. 30s or 5m)");
	test_one_error("s=%(nope)s\n", "t.conf:2: [program:x] s: Format string "
	    "'%(nope)s' for 'program:x.s' contains names ('nope') which cannot "
	    "be expanded. Available names: process_num");
	test_one_error("s=%(ENV_NOPE)s\n", "t.conf:2: [program:x] s: ENV_NOPE "
	    "is not set (export NOPE before starting supd, or set it in "
	    "[supervisord] environment=)");
	test_one_error("sig=BOGUS\n", "t.conf:2: [program:x] sig: value "
	    "'BOGUS' is not a valid signal name (expected e.g. TERM, HUP, INT, QUIT, "
	    "KILL, USR1, USR2 or a number)");
	test_one_error("oct=999\n", "t.conf:2: [program:x] oct: 999 can not be "
	    "converted to an octal type (expected octal digits, e.g. 022)");
	test_one_error("i={{.workers}}\n", "t.conf:2: [program:x] i: "
	    "'{{.workers}}' is not an integer (expected a whole number) "
	    "({{.workers}} is a template placeholder: this file was not "
	    "rendered from its template)");
}

static void
test_phases(void **state)
{
	struct test_env	env;

	assert_int_equal(test_parse(&env, "", CONFIG_PHASE_ONCE), 0);
	assert_null(env.obj.e);		/* expanded strings are per process */
	assert_int_equal(env.obj.i, 7);
	test_done(&env);
	assert_int_equal(test_parse(&env, "", CONFIG_PHASE_PROCESS), 0);
	assert_string_equal(env.obj.e, "3");
	assert_int_equal(env.obj.i, 0);
	test_done(&env);
}

static void
test_copy_equal(void **state)
{
	struct test_env	env;
	struct test_obj	copy;

	assert_int_equal(test_parse(&env, "s=x\n", CONFIG_PHASE_ALL), 0);
	memset(&copy, 0, sizeof copy);
	config_table_copy(test_rows, NROWS, &copy, &env.obj);
	assert_ptr_not_equal(copy.s, env.obj.s);
	assert_ptr_not_equal(copy.list.items, env.obj.list.items);
	assert_true(config_table_equal(test_rows, NROWS, &copy, &env.obj));
	copy.noequal = 42;
	assert_true(config_table_equal(test_rows, NROWS, &copy, &env.obj));
	free(copy.list.items[2]);
	copy.list.items[2] = xstrdup("z");
	assert_false(config_table_equal(test_rows, NROWS, &copy, &env.obj));
	free(copy.list.items[2]);
	copy.list.items[2] = xstrdup("c");
	free(copy.s);
	copy.s = NULL;
	assert_false(config_table_equal(test_rows, NROWS, &copy, &env.obj));
	config_table_free(test_rows, NROWS, &copy);
	test_done(&env);
}

struct test_info {
	char	keys[64][64];
	int	n;
};

static void
test_info_cb(const struct config_info *ci, void *arg)
{
	struct test_info	*ti = arg;

	snprintf(ti->keys[ti->n++], sizeof ti->keys[0], "%s", ci->key);
}

static void
test_table_info_order(void **state)
{
	struct test_env		env;
	struct test_info	ti;

	assert_int_equal(test_parse(&env, "", CONFIG_PHASE_ALL), 0);
	memset(&ti, 0, sizeof ti);
	config_table_info(test_rows, NROWS, &env.obj, 0, test_info_cb, &ti);
	assert_int_equal(ti.n, 6);
	assert_string_equal(ti.keys[0], "i");
	assert_string_equal(ti.keys[4], "s");
	assert_string_equal(ti.keys[5], "sig");
	test_done(&env);
}

static void
test_find(void **state)
{
	assert_ptr_equal(config_table_find(test_rows, NROWS, "i",
	    CONFIG_S_PROGRAM), &test_rows[0]);
	assert_null(config_table_find(test_rows, NROWS, "other",
	    CONFIG_S_PROGRAM));
	assert_non_null(config_table_find(test_rows, NROWS, "other",
	    CONFIG_S_LISTENER));
	assert_non_null(config_table_find(config_process_rows,
	    config_process_nrows, "stopwaitsecs", CONFIG_S_FCGI));
	assert_non_null(config_table_find(config_group_rows,
	    config_group_nrows, "buffer_size", CONFIG_S_LISTENER));
	assert_null(config_table_find(config_group_rows, config_group_nrows,
	    "buffer_size", CONFIG_S_PROGRAM));
}

/* Load a real file; dir is a fresh temporary directory. */
static struct config *
test_load(const char *dir, const char *body)
{
	struct cmdline	 cmd;
	struct config	*cf;
	char		*path, **errors;
	FILE		*f;
	int		 nerrors;

	xasprintf(&path, "%s/supervisord.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "[supervisord]\nlogfile=%s/s.log\npidfile=%s/s.pid\n"
	    "childlogdir=%s\n%s", dir, dir, dir, body);
	fclose(f);
	memset(&cmd, 0, sizeof cmd);
	cmd.configfile = path;
	cmd.nodaemon = cmd.umask = cmd.loglevel = -1;
	cmd.logfile_maxbytes = cmd.logfile_backups = -1;
	cmd.minfds = cmd.minprocs = -1;
	cf = config_load(&cmd, &errors, &nerrors);
	if (cf == NULL) {
		fprintf(stderr, "%s\n", nerrors > 0 ? errors[0] : "?");
		fail();
	}
	config_free_errors(errors, nerrors);
	free(path);
	return (cf);
}

static void
test_rmdir(const char *dir)
{
	char	*path;

	xasprintf(&path, "%s/supervisord.conf", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}

/* getAllConfigInfo's keys, in Supervisor 4.2.5's order. */
static void
test_process_info_order(void **state)
{
	static const char	*want[] = { "autostart", "directory", "uid",
	    "command", "exitcodes", "group", "group_prio", "inuse",
	    "killasgroup", "name", "process_prio", "redirect_stderr",
	    "startretries", "startsecs", "stdout_capture_maxbytes",
	    "stdout_events_enabled", "stdout_logfile",
	    "stdout_logfile_backups", "stdout_logfile_maxbytes",
	    "stdout_syslog", "stopsignal", "stopwaitsecs",
	    "stderr_capture_maxbytes", "stderr_events_enabled",
	    "stderr_logfile", "stderr_logfile_backups",
	    "stderr_logfile_maxbytes", "stderr_syslog", "serverurl" };
	char			 dir[] = "/tmp/test-config-table.XXXXXX";
	struct config		*cf;
	struct test_info	 ti;
	size_t			 i;

	assert_non_null(mkdtemp(dir));
	cf = test_load(dir, "[program:p]\ncommand=sleep 1\n"
	    "[unix_http_server]\nfile=%(here)s/s.sock\n");
	memset(&ti, 0, sizeof ti);
	config_process_info(cf->groups[0]->procs[0], 1, test_info_cb, &ti);
	assert_int_equal(ti.n, sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(ti.keys[i], want[i]);
	assert_int_equal(cf->nservers, 1);
	assert_int_equal(cf->servers[0].max_request_body, 16 * 1024 * 1024);
	config_free(cf);
	test_rmdir(dir);
}

/* A process's defaults, and the copies numprocs makes of one section. */
static void
test_process_defaults_and_copies(void **state)
{
	char			 dir[] = "/tmp/test-config-table.XXXXXX";
	struct config		*cf;
	struct process_config	*a, *b;

	assert_non_null(mkdtemp(dir));
	cf = test_load(dir, "[program:p]\ncommand=sleep %(process_num)d\n"
	    "process_name=%(program_name)s_%(process_num)d\nnumprocs=2\n"
	    "exitcodes=0,2\nenvironment=A=%(process_num)d\n"
	    "[inet_http_server]\nport=127.0.0.1:9\nmax_request_body=1MB\n");
	assert_int_equal(cf->ngroups, 1);
	assert_int_equal(cf->groups[0]->nprocs, 2);
	a = cf->groups[0]->procs[0];
	b = cf->groups[0]->procs[1];
	assert_string_equal(a->name, "p_0");
	assert_string_equal(b->command, "sleep 1");
	assert_int_equal(a->startsecs, 1);
	assert_int_equal(a->stopwaitsecs, 10);
	assert_int_equal(a->autorestart, AUTORESTART_UNEXPECTED);
	assert_int_equal(a->umask, -1);
	assert_int_equal(a->out.kind, LOGFILE_AUTO);
	assert_int_equal(a->out.maxbytes, 50 * 1024 * 1024);
	assert_int_equal(b->nexitcodes, 2);
	assert_ptr_not_equal(a->exitcodes, b->exitcodes);
	assert_string_equal(b->env[0].value, "1");
	assert_int_equal(cf->servers[0].max_request_body, 1024 * 1024);
	config_free(cf);
	test_rmdir(dir);
}

/* Reread's equality: any compared option differs, or none does. */
static void
test_group_equal(void **state)
{
	char		 dir[] = "/tmp/test-config-table.XXXXXX";
	struct config	*x, *y, *z;

	assert_non_null(mkdtemp(dir));
	x = test_load(dir, "[program:p]\ncommand=sleep 1\n");
	y = test_load(dir, "[program:p]\ncommand=sleep 1\nstartsecs=1\n");
	z = test_load(dir, "[program:p]\ncommand=sleep 1\nstopwaitsecs=3\n");
	assert_true(config_group_equal(x->groups[0], y->groups[0]));
	assert_false(config_group_equal(x->groups[0], z->groups[0]));
	config_free(x);
	config_free(y);
	config_free(z);
	test_rmdir(dir);
}

/*
 * supd's own options are shared by processes that set them alike, and
 * not by those that differ; reread still sees every difference.
 */
static void
test_process_ext_shared(void **state)
{
	char		 dir[] = "/tmp/test-config-table.XXXXXX";
	struct config	*x, *y;
	struct process_ext *plain, *api0, *api1;

	assert_non_null(mkdtemp(dir));
	x = test_load(dir, "[program:a]\ncommand=sleep 1\n"
	    "[program:b]\ncommand=sleep 1\nstartsecs=3\n"
	    "[program:api]\ncommand=sleep 1\nnumprocs=2\n"
	    "process_name=api_%(process_num)d\n"
	    "health_check=tcp:127.0.0.1:80%(process_num)d\n"
	    "etcd_key=/svc/api_%(process_num)d\nmax_rss=64MB\n");
	y = test_load(dir, "[program:a]\ncommand=sleep 1\n"
	    "[program:b]\ncommand=sleep 1\nstartsecs=3\nmax_uptime=1h\n"
	    "[program:api]\ncommand=sleep 1\nnumprocs=2\n"
	    "process_name=api_%(process_num)d\n"
	    "health_check=tcp:127.0.0.1:80%(process_num)d\n"
	    "etcd_key=/svc/api_%(process_num)d\nmax_rss=64MB\n");
	plain = config_find_group(x, "a")->procs[0]->ext;
	assert_ptr_equal(config_find_group(x, "b")->procs[0]->ext, plain);
	/* One copy of the defaults, for every config loaded. */
	assert_ptr_equal(config_find_group(y, "a")->procs[0]->ext, plain);
	assert_int_equal(plain->refs, 3);
	assert_ptr_not_equal(config_find_group(y, "b")->procs[0]->ext, plain);
	assert_null(plain->health_check);
	assert_int_equal(plain->ready_timeout, 60);
	assert_int_equal(plain->health_retries, 3);
	assert_int_equal(plain->etcd_ttl, 10);
	api0 = config_find_group(x, "api")->procs[0]->ext;
	api1 = config_find_group(x, "api")->procs[1]->ext;
	assert_ptr_not_equal(api0, plain);
	assert_ptr_not_equal(api0, api1);
	assert_string_equal(api0->etcd_key, "/svc/api_0");
	assert_string_equal(api1->etcd_key, "/svc/api_1");
	assert_string_equal(api1->health_check->text, "tcp:127.0.0.1:801");
	assert_int_equal(api1->max_rss, 64 * 1024 * 1024);
	/* Reread: a and api unchanged, b changed only in its ext. */
	assert_true(config_group_equal(config_find_group(x, "a"),
	    config_find_group(y, "a")));
	assert_true(config_group_equal(config_find_group(x, "api"),
	    config_find_group(y, "api")));
	assert_false(config_group_equal(config_find_group(x, "b"),
	    config_find_group(y, "b")));
	config_free(x);
	config_free(y);
	/* [DEFAULT] counts; listeners have defaults of their own. */
	x = test_load(dir, "[DEFAULT]\nhealth_retries=7\n"
	    "[program:a]\ncommand=sleep 1\n");
	assert_int_equal(config_find_group(x, "a")->procs[0]->ext->
	    health_retries, 7);
	y = test_load(dir, "[program:a]\ncommand=sleep 1\n"
	    "[eventlistener:l]\ncommand=sleep 1\nevents=TICK_60\n");
	assert_int_equal(config_find_group(y, "a")->procs[0]->ext->
	    ready_timeout, 60);
	assert_int_equal(config_find_group(y, "l")->procs[0]->ext->
	    ready_timeout, 0);
	assert_int_equal(config_find_group(y, "l")->procs[0]->ext->
	    etcd_ttl, 10);
	config_free(x);
	config_free(y);
	test_rmdir(dir);
}

/* depends_on=: names split and kept per process, where, equality. */
static void
test_depends_on(void **state)
{
	char			 dir[] = "/tmp/test-config-table.XXXXXX";
	struct config		*x, *y;
	struct process_config	*a, *b;
	const char		**names;
	int			  n;

	assert_non_null(mkdtemp(dir));
	x = test_load(dir, "[program:api]\ncommand=sleep 1\n"
	    "[program:p]\ncommand=sleep 1\nnumprocs=2\n"
	    "process_name=p_%(process_num)d\ndepends_on = api, ,api2\n"
	    "[program:api2]\ncommand=sleep 1\n");
	y = test_load(dir, "[program:api]\ncommand=sleep 1\n"
	    "[program:p]\ncommand=sleep 1\nnumprocs=2\n"
	    "process_name=p_%(process_num)d\n\ndepends_on=api,api2\n"
	    "[program:api2]\ncommand=sleep 1\n");
	a = config_find_group(x, "p")->procs[0];
	b = config_find_group(x, "p")->procs[1];
	assert_int_equal(a->ext->depends_on.nnames, 2);
	assert_string_equal(a->ext->depends_on.names[0], "api");
	assert_string_equal(b->ext->depends_on.names[1], "api2");
	/* Not shared: each keeps where it was written. */
	assert_ptr_not_equal(a->ext, b->ext);
	assert_ptr_not_equal(a->ext->depends_on.names,
	    b->ext->depends_on.names);
	assert_int_equal(a->ext->depends_on.line, 11);
	assert_int_equal(config_find_group(y, "p")->procs[0]->ext->
	    depends_on.line, 12);
	/* Where it was written does not count for reread. */
	assert_true(config_group_equal(config_find_group(x, "p"),
	    config_find_group(y, "p")));
	names = config_group_depends_on(config_find_group(x, "p"), &n);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "api");
	assert_string_equal(names[1], "api2");
	free(names);
	assert_int_equal(config_find_group(x, "api")->procs[0]->ext->
	    depends_on.nnames, 0);
	config_free(x);
	config_free(y);
	test_rmdir(dir);
}

/* Unknown names and cycles fail the load, with file:line, all at once. */
static void
test_depends_on_errors(void **state)
{
	char		 dir[] = "/tmp/test-config-table.XXXXXX";
	struct cmdline	 cmd;
	struct config	*cf;
	char		*path, **errors, *want;
	FILE		*f;
	int		 nerrors;

	assert_non_null(mkdtemp(dir));
	xasprintf(&path, "%s/supervisord.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "[supervisord]\nlogfile=%s/s.log\n"
	    "[program:api]\ncommand=sleep 1\ndepends_on=worker\n"
	    "[program:worker]\ncommand=sleep 1\ndepends_on=api\n"
	    "[program:web]\ncommand=sleep 1\ndepends_on=redis\n", dir);
	fclose(f);
	memset(&cmd, 0, sizeof cmd);
	cmd.configfile = path;
	cmd.nodaemon = cmd.umask = cmd.loglevel = -1;
	cmd.logfile_maxbytes = cmd.logfile_backups = -1;
	cmd.minfds = cmd.minprocs = -1;
	cf = config_load(&cmd, &errors, &nerrors);
	assert_null(cf);
	assert_int_equal(nerrors, 2);
	xasprintf(&want, "%s:5: depends_on cycle: api -> worker -> api",
	    path);
	assert_string_equal(errors[0], want);
	free(want);
	xasprintf(&want, "%s:11: [program:web] depends_on: unknown program "
	    "or group 'redis'", path);
	assert_string_equal(errors[1], want);
	free(want);
	config_free_errors(errors, nerrors);
	free(path);
	test_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_copy_equal),
		cmocka_unit_test(test_table_info_order),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_process_info_order),
		cmocka_unit_test(test_process_defaults_and_copies),
		cmocka_unit_test(test_group_equal),
		cmocka_unit_test(test_process_ext_shared),
		cmocka_unit_test(test_depends_on),
		cmocka_unit_test(test_depends_on_errors),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
