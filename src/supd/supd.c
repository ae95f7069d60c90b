/*
 * supd: main. Start-up follows supervisord 4.2.5 step for step: command
 * line, config (refused with exit status 2 before anything starts),
 * privileges, rlimits, main log, old AUTO logs, groups, control sockets,
 * signals, daemon, pidfile, then the loop. A restart (SIGHUP or the
 * restart call) stops everything and re-executes the binary, which reads
 * the config afresh.
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <nss.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "bounce.h"
#include "config.h"
#include "config-value.h"
#include "deps-run.h"
#include "event.h"
#include "exit-fatal.h"
#include "group.h"
#include "health.h"
#include "http.h"
#include "http-tail.h"
#include "listener.h"
#include "log.h"
#include "logfile.h"
#include "mainlog.h"
#include "metrics.h"
#include "service.h"
#include "process.h"
#include "process-check.h"
#include "recycle.h"
#include "rpc.h"
#include "rpc-process.h"
#include "sdnotify.h"
#include "server.h"
#include "spawn.h"
#include "supd-check.h"
#include "version.h"
#include "web.h"
#include "xmalloc.h"

#define SUPD_RESTART_ENV	"SUPD_RESTARTED"

static const char	*supd_progname = "supd";
static struct cmdline	 supd_cmdline;
static char		**supd_argv;
static int		 supd_pidfd = -1;
static int		 supd_pidfile_written;
static char		*supd_pidfile;
static const char	*supd_command;	/* "check", "echo-config" or NULL */
static int		 supd_print;	/* check --print */

static const char supd_help[] =
"supd -- run a set of programs as daemons (a drop-in supervisord).\n"
"\n"
"Usage: %s [options]\n"
"       %s [options] check [--print]\n"
"       %s echo-config\n"
"\n"
"Options:\n"
"-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
"-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)\n"
"-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)\n"
"-h/--help -- print this usage message and exit\n"
"-v/--version -- print supd version number and exit\n"
"-u/--user USER -- run supd as this user (or numeric uid)\n"
"-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)\n"
"-d/--directory DIRECTORY -- directory to chdir to when daemonized\n"
"-l/--logfile FILENAME -- use FILENAME as logfile path\n"
"-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile\n"
"-z/--logfile_backups NUM -- number of backups to keep when max bytes reached\n"
"-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)\n"
"-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME\n"
"-i/--identifier STR -- identifier used for this instance of supd\n"
"-q/--childlogdir DIRECTORY -- the log directory for child process logs\n"
"-k/--nocleanup --  prevent the process from performing cleanup (removal of\n"
"                   old automatic child log files) at startup.\n"
"-a/--minfds NUM -- the minimum number of file descriptors for start success\n"
"-t/--strip_ansi -- strip ansi escape codes from process output\n"
"--minprocs NUM  -- the minimum number of processes available for start success\n"
"--profile_options OPTIONS -- accepted for compatibility; supd ignores it\n"
"-P/--profile NAME -- the profile for %%(profile)s (dev, stag, prod, ...)\n"
"\n"
"check -- load the config, report every problem as file:line, start\n"
"         nothing; exit 0 or 2. --print also prints the effective config.\n"
"echo-config -- print a commented sample config\n";

/* Supervisor's usage(): "Error: ..." and a pointer to -h, status 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
supd_usage(const char *fmt, ...)
{
	va_list	ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nFor help, use %s -h\n", supd_progname);
	exit(2);
}

static void
supd_set_str(char **dst, const char *opt, const char *value)
{
	if (*dst != NULL)
		supd_usage("conflicting command line option '%s'", opt);
	*dst = xstrdup(value);
}

static void
supd_set_int(int *dst, const char *opt, int value)
{
	if (*dst != -1)
		supd_usage("conflicting command line option '%s'", opt);
	*dst = value;
}

/* The checks Supervisor's option handlers make on the value. */
static void
supd_check_value(int ch, const char *opt, const char *arg)
{
	struct stat	 st;
	char		*cause = NULL, *path, *dir;
	long long	 v;
	int		 iv;
	int64_t		 bytes;

	switch (ch) {
	case 'm':
		if (cv_octal(arg, &iv, &cause) == 0)
			return;
		break;
	case 'd':
	case 'q':
		path = cv_expanduser(arg);
		iv = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		free(path);
		if (iv)
			return;
		xasprintf(&cause, "%s is not an existing directory", arg);
		break;
	case 'l':
	case 'j':
		path = cv_expanduser(arg);
		dir = cv_dirname(path);
		iv = *dir == '\0' || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
		free(dir);
		free(path);
		if (iv)
			return;
		xasprintf(&cause, "The directory named as part of the path %s "
		    "does not exist", arg);
		break;
	case 'y':
		if (cv_byte_size(arg, &bytes, &cause) == 0)
			return;
		break;
	case 'z':
	case 'a':
	case 'M':
		if (cv_int(arg, &v, &cause) == 0)
			return;
		break;
	case 'e':
		if (cv_loglevel(arg, &iv, &cause) == 0)
			return;
		break;
	default:
		return;
	}
	supd_usage("invalid value for %s '%s': %s", opt, arg, cause);
}

static const struct option supd_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "configuration", required_argument, NULL, 'c' },
	{ "nodaemon", no_argument, NULL, 'n' },
	{ "silent", no_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'v' },
	{ "user", required_argument, NULL, 'u' },
	{ "umask", required_argument, NULL, 'm' },
	{ "directory", required_argument, NULL, 'd' },
	{ "logfile", required_argument, NULL, 'l' },
	{ "logfile_maxbytes", required_argument, NULL, 'y' },
	{ "logfile_backups", required_argument, NULL, 'z' },
	{ "loglevel", required_argument, NULL, 'e' },
	{ "pidfile", required_argument, NULL, 'j' },
	{ "identifier", required_argument, NULL, 'i' },
	{ "childlogdir", required_argument, NULL, 'q' },
	{ "nocleanup", no_argument, NULL, 'k' },
	{ "minfds", required_argument, NULL, 'a' },
	{ "minprocs", required_argument, NULL, 'M' },
	{ "profile", required_argument, NULL, 'P' },
	{ "print", no_argument, NULL, 'R' },
	{ "strip_ansi", no_argument, NULL, 't' },
	{ "profile_options", required_argument, NULL, 'O' },
	{ NULL, 0, NULL, 0 },
};

static void
supd_parse_args(int argc, char **argv, struct cmdline *cmd)
{
	char		 optname[64];
	long long	 v;
	int64_t		 bytes;
	int		 ch, iv, longidx;
	char		*cause = NULL;

	memset(cmd, 0, sizeof *cmd);
	cmd->nodaemon = cmd->umask = cmd->loglevel = -1;
	cmd->logfile_maxbytes = cmd->logfile_backups = -1;
	cmd->minfds = cmd->minprocs = -1;
	opterr = 0;
	for (;;) {
		longidx = -1;
		ch = getopt_long(argc, argv, ":hc:nsvu:m:d:l:y:z:e:j:i:q:kta:P:?",
		    supd_longopts, &longidx);
		if (ch == -1)
			break;
		if (longidx >= 0)
			snprintf(optname, sizeof optname, "--%s",
			    supd_longopts[longidx].name);
		else
			snprintf(optname, sizeof optname, "-%c", ch);
		if (optarg != NULL)
			supd_check_value(ch, optname, optarg);
		switch (ch) {
		case 'h':
			printf(supd_help, supd_progname, supd_progname,
			    supd_progname);
			exit(0);
		case 'v':
			printf("%s\n", SUPD_VERSION);
			exit(0);
		case 'c':
			supd_set_str(&cmd->configfile, optname, optarg);
			break;
		case 'n':
			cmd->nodaemon = 1;
			break;
		case 's':
			cmd->silent = 1;
			break;
		case 'u':
			supd_set_str(&cmd->user, optname, optarg);
			break;
		case 'm':
			cv_octal(optarg, &iv, &cause);
			supd_set_int(&cmd->umask, optname, iv);
			break;
		case 'd':
			supd_set_str(&cmd->directory, optname, optarg);
			break;
		case 'l':
			supd_set_str(&cmd->logfile, optname, optarg);
			break;
		case 'y':
			cv_byte_size(optarg, &bytes, &cause);
			if (cmd->logfile_maxbytes != -1)
				supd_usage("conflicting command line option "
				    "'%s'", optname);
			cmd->logfile_maxbytes = bytes;
			break;
		case 'z':
			cv_int(optarg, &v, &cause);
			supd_set_int(&cmd->logfile_backups, optname, (int)v);
			break;
		case 'e':
			cv_loglevel(optarg, &iv, &cause);
			supd_set_int(&cmd->loglevel, optname, iv);
			break;
		case 'j':
			supd_set_str(&cmd->pidfile, optname, optarg);
			break;
		case 'i':
			supd_set_str(&cmd->identifier, optname, optarg);
			break;
		case 'q':
			supd_set_str(&cmd->childlogdir, optname, optarg);
			break;
		case 'k':
			cmd->nocleanup = 1;
			break;
		case 't':
			cmd->strip_ansi = 1;
			break;
		case 'a':
			cv_int(optarg, &v, &cause);
			supd_set_int(&cmd->minfds, optname, (int)v);
			break;
		case 'M':
			cv_int(optarg, &v, &cause);
			supd_set_int(&cmd->minprocs, optname, (int)v);
			break;
		case 'P':
			supd_set_str(&cmd->profile, optname, optarg);
			break;
		case 'R':
			supd_print = 1;
			break;
		case 'O':
			break;
		case ':':
			supd_usage("option %s requires argument",
			    argv[optind - 1]);
		default:
			if (optopt == '?' && ch == '?' &&
			    strcmp(argv[optind - 1], "-?") == 0) {
				printf(supd_help, supd_progname, supd_progname,
				    supd_progname);
				exit(0);
			}
			supd_usage("option %s not recognized", argv[optind - 1]);
		}
	}
	free(cause);
	if (optind == argc - 1 && (strcmp(argv[optind], "check") == 0 ||
	    strcmp(argv[optind], "echo-config") == 0)) {
		supd_command = argv[optind];
		return;
	}
	if (supd_print)
		supd_usage("--print goes with check (supd check --print)");
	if (optind < argc) {
		char	*list = xstrdup("");
		char	*next;
		int	 i;

		for (i = optind; i < argc; i++) {
			xasprintf(&next, "%s%s'%s'", list, i > optind ? ", " :
			    "", argv[i]);
			free(list);
			list = next;
		}
		supd_usage("positional arguments are not supported: [%s]", list);
	}
}

static void
supd_load_config(struct config **cfp)
{
	char	**errors;
	int	  nerrors, i;

	if ((*cfp = config_load(&supd_cmdline, &errors, &nerrors)) != NULL) {
		/* Mistakes Supervisor passes over: say so before detaching. */
		for (i = 0; i < (*cfp)->nlint; i++)
			fprintf(stderr, "Warning: %s\n", (*cfp)->lint[i]);
		return;
	}
	for (i = 0; i < nerrors; i++)
		fprintf(stderr, "Error: %s\n", errors[i]);
	fprintf(stderr, "For help, use %s -h\n", supd_progname);
	config_free_errors(errors, nerrors);
	exit(2);
}

/* Supervisor's set_uid_or_exit() for the daemon itself ([supervisord] user). */
static void
supd_set_uid(struct config *cf)
{
	char	*cause = NULL;

	if (cf->user == NULL) {
		if (getuid() == 0) {
			config_add_critical(cf, xstrdup("Supervisor is running "
			    "as root.  Privileges were not dropped because no "
			    "user is specified in the config file.  If you "
			    "intend to run as root, you can set user=root in the "
			    "config file to avoid this message."));
		}
		return;
	}
	if (spawn_drop_privileges(cf->uid, &cause) != 0)
		supd_usage("%s", cause);
	config_add_info(cf, xprintf("Set uid to user %u succeeded",
	    (unsigned)cf->uid));
}

static void
supd_raise_limit(struct config *cf, int resource, const char *name,
    long min, const char *what, const char *option)
{
	struct rlimit	rl;

	if (getrlimit(resource, &rl) != 0)
		return;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)min)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)min)
		rl.rlim_max = min;
	rl.rlim_cur = min;
	if (setrlimit(resource, &rl) != 0) {
		supd_usage("The minimum number of %s required to run this "
		    "process is %ld as per the \"%s\" command-line argument or "
		    "config file setting. The current environment will only "
		    "allow you to open %ld %s.  Either raise the number of "
		    "usable %s in your environment or lower the %s setting in "
		    "the config file to allow the process to start.", what, min,
		    option, (long)rl.rlim_max, what, what, option);
	}
	config_add_info(cf, xprintf("Increased %s limit to %ld", name, min));
}

static void
supd_set_rlimits(struct config *cf)
{
	supd_raise_limit(cf, RLIMIT_NOFILE, "RLIMIT_NOFILE", cf->minfds,
	    "file descriptors", "minfds");
	supd_raise_limit(cf, RLIMIT_NPROC, "RLIMIT_NPROC", cf->minprocs,
	    "available processes", "minprocs");
}

static void
supd_make_logger(struct config *cf)
{
	char	*cause = NULL;
	int	 i;

	log_set_level(cf->loglevel);
	if (mainlog_open(cf->logfile, cf->logfile_maxbytes, cf->logfile_backups,
	    cf->nodaemon && !cf->silent, &cause) != 0)
		supd_usage("cannot open the log file: %s", cause);
	log_set_stderr(0);
	for (i = 0; i < cf->ncriticals; i++)
		log_crit("%s", cf->criticals[i]);
	for (i = 0; i < cf->nwarnings; i++)
		log_warn("%s", cf->warnings[i]);
	for (i = 0; i < cf->ninfos; i++)
		log_info("%s", cf->infos[i]);
}

/* Supervisor's clear_autochildlogdir(): old AUTO logs of this identifier. */
static int
supd_is_auto_log(const char *name, const char *identifier)
{
	char		*tag;
	const char	*hit, *log;

	xasprintf(&tag, "---%s-", identifier);
	hit = strstr(name + 1, tag);
	log = hit != NULL ? strstr(hit + strlen(tag) + 1, ".log") : NULL;
	if (log != NULL && strpbrk(hit, " \t\n\r\f\v") != NULL &&
	    strpbrk(hit, " \t\n\r\f\v") < log)
		log = NULL;
	free(tag);
	return (*name != '\0' && log != NULL);
}

static void
supd_clear_auto_logs(struct config *cf)
{
	DIR		*d;
	struct dirent	*de;
	char		*path;

	if ((d = opendir(cf->childlogdir)) == NULL) {
		log_warn("Could not clear childlog dir");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!supd_is_auto_log(de->d_name, cf->identifier))
			continue;
		xasprintf(&path, "%s/%s", cf->childlogdir, de->d_name);
		if (unlink(path) != 0)
			log_warn("Failed to clean up '%s'", path);
		free(path);
	}
	closedir(d);
}

static void
supd_add_groups(struct config *cf)
{
	char	*cause = NULL;
	int	 i;

	for (i = 0; i < cf->ngroups; i++) {
		if (group_add(cf, cf->groups[i], &cause) == NULL)
			supd_usage("%s", cause);
	}
}

/*
 * Lock the pidfile for our whole life, so a second daemon on the same
 * pidfile is refused; the lock survives daemonizing (same open file).
 */
static void
supd_lock_pidfile(struct config *cf)
{
	char	buf[32];
	ssize_t	n;

	supd_pidfd = open(cf->pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (supd_pidfd == -1)
		return;
	if (flock(supd_pidfd, LOCK_EX | LOCK_NB) != 0) {
		n = read(supd_pidfd, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		supd_usage("Another supd (pid %s) is already running with "
		    "pidfile %s.  Shut it down first, or use a different "
		    "pidfile (-j).", *buf ? buf : "?", cf->pidfile);
	}
}

static void
supd_write_pidfile(struct config *cf)
{
	char	buf[32];
	int	n;

	n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	if (supd_pidfd == -1 || ftruncate(supd_pidfd, 0) != 0 ||
	    pwrite(supd_pidfd, buf, n, 0) != n) {
		log_crit("could not write pidfile %s", cf->pidfile);
		return;
	}
	supd_pidfile_written = 1;
	supd_pidfile = xstrdup(cf->pidfile);
	log_info("supervisord started with pid %d", (int)getpid());
}

static void
supd_mainlogtail(struct evhttp_request *req, const char *path)
{
	http_tail_main(req);
}

/*
 * What the control sockets serve, tried in this order (medusa's
 * handlers). A new page or API is one line here.
 */
static const struct http_route supd_routes[] = {
	/* Probes for orchestrators: no auth, exact paths, counts only. */
	{ NULL, health_match_healthz, EVHTTP_REQ_GET|EVHTTP_REQ_HEAD, 0,
	  health_healthz, NULL },
	{ NULL, health_match_readyz, EVHTTP_REQ_GET|EVHTTP_REQ_HEAD, 0,
	  health_readyz, NULL },
	{ "/RPC2", NULL, EVHTTP_REQ_POST, HTTP_ROUTE_AUTH|HTTP_ROUTE_BODY,
	  rpc_http_route, NULL },
	{ "/logtail", NULL, 0, HTTP_ROUTE_AUTH, http_tail_process,
	  http_tail_close_all },
	{ "/mainlogtail", NULL, 0, HTTP_ROUTE_AUTH, supd_mainlogtail, NULL },
	{ "/metrics", NULL, EVHTTP_REQ_GET|EVHTTP_REQ_HEAD, HTTP_ROUTE_AUTH,
	  metrics_route, NULL },
	{ "/api/v1/", NULL, 0, HTTP_ROUTE_AUTH|HTTP_ROUTE_JSON, api_route,
	  api_close },
	{ NULL, web_match, 0, HTTP_ROUTE_AUTH, web_page, NULL },
};

/* The XML-RPC namespaces: each file of methods, one line. */
static const struct rpc_method *const supd_rpc_tables[] = {
	rpc_supervisor_methods,
	rpc_process_methods,
	rpc_log_methods,
	rpc_system_methods,
	rpc_supd_methods,
	rpc_update_methods,
	rpc_supd_process_methods,
};

/* The XML-RPC methods and the routes, before the sockets open. */
static void
supd_add_routes(void)
{
	size_t	i;

	rpc_init(supd_rpc_tables, sizeof supd_rpc_tables /
	    sizeof supd_rpc_tables[0]);
	rpc_process_init();
	api_init();
	for (i = 0; i < sizeof supd_routes / sizeof supd_routes[0]; i++)
		http_add_route(&supd_routes[i]);
}

static void
supd_daemonize(struct config *cf)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0)
		_exit(0);
	event_reinit(server_base);
	log_info("daemonizing the supervisord process");
	if (cf->directory != NULL) {
		if (chdir(cf->directory) != 0)
			log_crit("can't chdir into '%s': %s", cf->directory,
			    strerror(errno));
		else
			log_info("set current directory: '%s'", cf->directory);
	}
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setsid();
	umask(cf->umask);
}

/* reloadConfig reads the file again with our command line's overrides. */
static struct config *
supd_config_loader(char ***errors, int *nerrors)
{
	return (config_load(&supd_cmdline, errors, nerrors));
}

/* For SIGHUP: only restart if the config on disk still loads. */
static int
supd_reload_check(void)
{
	struct config	 *cf;
	char		**errors;
	int		  nerrors, i;

	if ((cf = config_load(&supd_cmdline, &errors, &nerrors)) != NULL) {
		config_free(cf);
		return (0);
	}
	for (i = 0; i < nerrors; i++)
		log_error("%s", errors[i]);
	log_error("not restarting: the configuration has %d error%s; the "
	    "running processes are left as they are", nerrors,
	    nerrors == 1 ? "" : "s");
	config_free_errors(errors, nerrors);
	return (-1);
}

static void
supd_start_cb(evutil_socket_t fd, short what, void *arg)
{
	struct group	**groups;
	int		  n, i;

	event_emit(EVENT_SUPERVISOR_STATE_CHANGE_RUNNING, "", 0);
	groups = group_all(&n);
	for (i = 0; i < n; i++)
		deps_run_autostart(groups[i]);
	/* With nothing to start, systemd hears READY=1 now. */
	health_notify();
	/* Hand back the pages reading the config freed in mid-heap. */
	malloc_trim(0);
}

static void
supd_cleanup(void)
{
	http_close();
	if (supd_pidfile_written)
		unlink(supd_pidfile);
	if (supd_pidfd != -1)
		close(supd_pidfd);
}

int
main(int argc, char **argv)
{
	struct config	*cf;
	const char	*slash;
	char		*cause = NULL;
	int		 first, notify;

	spawn_init();	/* before anything is opened: it takes fds 3-5 */
#if SUPD_STATIC
	/*
	 * A static glibc loads NSS modules with dlopen, and one built
	 * against the shared libc (nsswitch.conf's "systemd") crashes it
	 * as soon as a user is not in /etc/passwd. The static build looks
	 * users and groups up in the files only.
	 */
	__nss_configure_lookup("passwd", "files");
	__nss_configure_lookup("group", "files");
#endif
	/*
	 * Large blocks (replies of megabytes) come from the heap, and free()
	 * does not give the top of the heap back: back-to-back calls reuse
	 * the pages instead of faulting in fresh ones each time (a third of
	 * a getAllProcessInfo of a thousand programs). server_trim_soon()
	 * trims a second after the last big reply, and the autostart burst
	 * ends with a trim, so an idle daemon keeps no free heap.
	 */
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	if ((slash = strrchr(argv[0], '/')) != NULL)
		supd_progname = argv[0];
	log_set_progname("supd");
	supd_argv = argv;
	first = getenv(SUPD_RESTART_ENV) == NULL;
	unsetenv(SUPD_RESTART_ENV);

	supd_parse_args(argc, argv, &supd_cmdline);
	if (supd_command != NULL && strcmp(supd_command, "check") == 0)
		return (supd_check(&supd_cmdline, supd_print));
	if (supd_command != NULL) {
		supd_echo_config(stdout);
		return (0);
	}
	supd_load_config(&cf);
	server_set_config(cf);
	supd_set_uid(cf);
	if (first)
		supd_set_rlimits(cf);
	supd_make_logger(cf);
	if (!cf->nocleanup)
		supd_clear_auto_logs(cf);

	server_base = event_base_new();
	/* Before the first spawn builds the children's environment. */
	notify = sdnotify_init(server_base);
	server_prepare();
	deps_run_init(server_base);	/* before groups: it counts them */
	exit_fatal_init();
	health_init(notify);
	bounce_init();	/* before recycle: it asks bounces who is busy */
	recycle_init();
	logfile_init(server_base);
	spawn_set_serverurl(cf->serverurl);
	listener_init();	/* before groups: pools subscribe as they come */
	process_check_init(server_base);
	supd_add_groups(cf);
	metrics_init(server_base);
	if (service_init(server_base, cf, &cause) != 0)
		supd_usage("%s", cause);
	service_start();
	server_set_before_stop(service_before_stop);
	supd_add_routes();
	if (http_open(cf, &cause) != 0)
		supd_usage("%s", cause);
	supd_lock_pidfile(cf);
	server_init();
	server_set_reload_check(supd_reload_check);
	rpc_set_config_loader(supd_config_loader);
	if (!cf->nodaemon && first)
		supd_daemonize(cf);
	supd_write_pidfile(cf);
	event_base_once(server_base, -1, EV_TIMEOUT, supd_start_cb, NULL, NULL);

	server_loop();

	/* reloadConfig may have replaced cf; the pidfile is the first one's. */
	supd_cleanup();
	if (server_is_restarting()) {
		setenv(SUPD_RESTART_ENV, "1", 1);
		listener_keep_serial();	/* event serials go on, as in Supervisor */
		sdnotify_restore_env();
		execv("/proc/self/exe", supd_argv);
		log_crit("cannot restart: %s", strerror(errno));
		return (1);
	}
	recycle_done();
	bounce_done();
	group_remove_all();
	process_check_done();
	service_done();
	metrics_done();
	deps_run_done();
	listener_done();
	health_done();
	exit_fatal_done();
	server_done();
	sdnotify_free();
	logfile_done();
	mainlog_close();
	event_base_free(server_base);
	server_set_config(NULL);
	return (server_exit_status());
}
