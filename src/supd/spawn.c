/*
 * Starting a child. Everything that can fail in a way Supervisor reports
 * from the parent (command not found, not executable, no pipes) is done
 * here before forking, with Supervisor's messages. The child itself runs
 * after clone() with CLONE_VM and CLONE_VFORK, as vfork(): it shares our
 * memory until it execs, so it only makes system calls on data prepared
 * here, and reports its own failures the
 * way Supervisor's child does: a "supervisor: ..." line on its stderr and
 * exit status 127.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/close_range.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "envfile.h"
#include "log.h"
#include "shlex.h"
#include "repr.h"
#include "spawn.h"
#include "xmalloc.h"

extern char **environ;

/*
 * Descriptors 3, 4 and 5 stay open on /dev/null for the daemon's whole
 * life (spawn_init). For a spawn the child's ends of its pipes are put
 * there, and the child, which shares our descriptor table, takes a private
 * copy of only descriptors 0 to 5 (close_range with CLOSE_RANGE_UNSHARE).
 * Otherwise every spawn copies and then closes every descriptor the
 * daemon has open, three per running program: with a thousand programs
 * that was nine tenths of the time the daemon waited for each child.
 */
#define SPAWN_SLOT_IN	3
#define SPAWN_SLOT_OUT	4
#define SPAWN_SLOT_ERR	5
#define SPAWN_SLOT_END	6

/* Stack for the child until it execs; we are stopped meanwhile. */
#define SPAWN_STACK_SIZE	(32 * 1024)
static char	 spawn_stack[SPAWN_STACK_SIZE] __attribute__((aligned(16)));

static char	*spawn_serverurl;
/* Our environment with SUPERVISOR_ENABLED and the URL, made once. */
static char	**spawn_base;
static int	  spawn_nbase;
static int	 spawn_null = -1;	/* /dev/null, to empty the slots */
static int	 spawn_unshare;		/* CLOSE_RANGE_UNSHARE works */

struct spawn_args {
	char		*name;
	char		*filename;
	char		**argv;
	char		**envp;		/* entries of spawn_base, or own[] */
	int		  nenv;
	char		**own;		/* entries made for this spawn */
	int		  nown;
	char		 *directory;
	int		  umask;
	int		  setuid;	/* 1: switch, -1: refuse (not root) */
	uid_t		  uid;
	gid_t		  gid;
	gid_t		 *groups;
	int		  ngroups;
	char		 *uidstr;	/* for "couldn't setuid to %s" */
};

/* Signals the daemon handles, back to their defaults in the child. */
static const int spawn_reset_signals[] = {
	SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGALRM,
};

/*
 * supervisord's children inherit Python's ignored SIGPIPE and SIGXFSZ;
 * programs run under it may rely on EPIPE instead of dying, so ours do too.
 */
static const int spawn_ignored_signals[] = { SIGPIPE, SIGXFSZ };

/*
 * Supervisor's drop_privileges() for the daemon itself: nothing to do when
 * already that user, refused when not root.
 */
int
spawn_drop_privileges(uid_t uid, char **cause)
{
	struct passwd	*pw;

	if ((pw = getpwuid(uid)) == NULL) {
		xasprintf(cause, "Can't find uid %u", (unsigned)uid);
		return (-1);
	}
	if (getuid() == uid)
		return (0);
	if (getuid() != 0) {
		*cause = xstrdup("Can't drop privilege as nonroot user");
		return (-1);
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0) {
		*cause = xstrdup("Could not set groups of effective user");
		return (-1);
	}
	if (setgid(pw->pw_gid) != 0) {
		*cause = xstrdup("Could not set group id of effective user");
		return (-1);
	}
	if (setuid(uid) != 0) {
		*cause = xstrdup("Could not set user id of effective user");
		return (-1);
	}
	return (0);
}

/* SUPERVISOR_SERVER_URL for programs without serverurl=. */
void
spawn_set_serverurl(const char *url)
{
	int	i;

	free(spawn_serverurl);
	spawn_serverurl = url != NULL ? xstrdup(url) : NULL;
	for (i = 0; i < spawn_nbase; i++)
		free(spawn_base[i]);
	free(spawn_base);
	spawn_base = NULL;
	spawn_nbase = 0;
}

/*
 * Reserve the descriptor slots. Must run before anything else is opened:
 * whatever holds 3 to 5 then (inherited from our parent) is closed, as a
 * child would have closed it anyway. Closed stdio is opened on /dev/null
 * first, or the slots would end up there.
 */
void
spawn_init(void)
{
	const char	*pre;
	int		 fd, i;

	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd < 3)
		/* nothing */;
	if (fd == -1)
		return;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	for (i = SPAWN_SLOT_IN; i < SPAWN_SLOT_END; i++) {
		if (fd != i && dup3(fd, i, O_CLOEXEC) == -1)
			return;
	}
	if (fd >= SPAWN_SLOT_END)
		spawn_null = fd;
	else
		spawn_null = fcntl(fd, F_DUPFD_CLOEXEC, SPAWN_SLOT_END);
	/*
	 * Linux 5.9; without it each child copies the whole table. Valgrind
	 * stops a program that clones with CLONE_FILES; vfork it can run.
	 */
	spawn_unshare = syscall(SYS_close_range, ~0U, ~0U,
	    CLOSE_RANGE_UNSHARE) == 0;
	if ((pre = getenv("LD_PRELOAD")) != NULL &&
	    strstr(pre, "vgpreload") != NULL)
		spawn_unshare = 0;
}

static char *
spawn_msg(const char *fmt, const char *arg)
{
	char	*repr, *out;

	repr = repr_string(arg);
	xasprintf(&out, fmt, repr);
	free(repr);
	return (out);
}

/*
 * The PATH a program is looked up in: its environment's (environment=,
 * or an environment file's), or ours.
 */
static const char *
spawn_path(const struct process_config *pc, char **envp)
{
	const char	*path = NULL;
	int		 i;

	for (i = pc->nenv - 1; i >= 0; i--) {
		if (strcmp(pc->env[i].name, "PATH") == 0)
			return (pc->env[i].value);
	}
	for (i = 0; envp != NULL && envp[i] != NULL; i++) {
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	}
	if (path != NULL && *path != '\0')
		return (path);
	return ("/bin:/usr/bin:/usr/local/bin");
}

/* Supervisor's get_execv_args(): the file to exec for argv[0]. */
static char *
spawn_resolve(const struct process_config *pc, char **envp,
    const char *program, char **cause)
{
	struct stat	 st;
	const char	*path, *p, *colon;
	char		*candidate = NULL, *dir;
	int		 found = 0;

	if (strchr(program, '/') != NULL) {
		candidate = xstrdup(program);
		found = stat(candidate, &st) == 0;
	} else {
		path = spawn_path(pc, envp);
		for (p = path;; p = colon + 1) {
			colon = strchr(p, ':');
			dir = colon ? xstrndup(p, colon - p) : xstrdup(p);
			free(candidate);
			if (*dir == '\0')
				candidate = xstrdup(program);
			else if (dir[strlen(dir) - 1] == '/')
				xasprintf(&candidate, "%s%s", dir, program);
			else
				xasprintf(&candidate, "%s/%s", dir, program);
			free(dir);
			if (stat(candidate, &st) == 0) {
				found = 1;
				break;
			}
			if (colon == NULL)
				break;
		}
		if (!found) {
			free(candidate);
			candidate = xstrdup(program);
		}
	}
	if (!found)
		*cause = spawn_msg("can't find command %s", candidate);
	else if (S_ISDIR(st.st_mode))
		*cause = spawn_msg("command at %s is a directory", candidate);
	else if ((st.st_mode & 0111) == 0)
		*cause = spawn_msg("command at %s is not executable", candidate);
	else if (access(candidate, X_OK) != 0)
		*cause = spawn_msg("no permission to run command %s", candidate);
	else
		return (candidate);
	free(candidate);
	return (NULL);
}

/*
 * Put entry ("name=value") in an envp array, replacing the entry of the
 * same name in its place (a dict update, as Supervisor's env is) or
 * appending. Returns the entry replaced, or NULL.
 */
static char *
spawn_putenv(char ***envp, int *n, char *entry)
{
	size_t	 len = strcspn(entry, "=");
	char	*old;
	int	 i;

	for (i = 0; i < *n; i++) {
		if (strncmp((*envp)[i], entry, len) == 0 &&
		    (*envp)[i][len] == '=') {
			old = (*envp)[i];
			(*envp)[i] = entry;
			return (old);
		}
	}
	*envp = xreallocarray(*envp, *n + 2, sizeof **envp);
	(*envp)[(*n)++] = entry;
	(*envp)[*n] = NULL;
	return (NULL);
}

/* Set name=value for one spawn; the entry joins sa->own. */
static void
spawn_setenv(struct spawn_args *sa, const char *name, const char *value)
{
	char	*entry;

	xasprintf(&entry, "%s=%s", name, value);
	sa->own = xreallocarray(sa->own, sa->nown + 1, sizeof *sa->own);
	sa->own[sa->nown++] = entry;
	spawn_putenv(&sa->envp, &sa->nenv, entry);
}

/*
 * What every child's environment starts from: the daemon's environment
 * (which does not change once the loop runs), SUPERVISOR_ENABLED and the
 * server URL. Made at the first spawn, not copied anew for each: that
 * was some forty allocations per spawn.
 */
static void
spawn_base_env(void)
{
	char	*entry;
	int	 i, n = 0;

	if (spawn_base != NULL)
		return;
	for (i = 0; environ[i] != NULL; i++)
		n++;
	spawn_base = xcalloc(n + 1, sizeof *spawn_base);
	for (i = 0; i < n; i++)
		spawn_base[i] = xstrdup(environ[i]);
	spawn_nbase = n;
	free(spawn_putenv(&spawn_base, &spawn_nbase,
	    xstrdup("SUPERVISOR_ENABLED=1")));
	if (spawn_serverurl != NULL) {
		xasprintf(&entry, "SUPERVISOR_SERVER_URL=%s", spawn_serverurl);
		free(spawn_putenv(&spawn_base, &spawn_nbase, entry));
	}
}

/*
 * The daemon's environment, then SUPERVISOR_*, then the configured
 * environment (which may override SUPERVISOR_* as in Supervisor). The
 * entries of spawn_base are shared, not copied.
 */
static int
spawn_build_env(struct spawn_args *sa, const struct process_config *pc,
    int envfiles, char **cause)
{
	struct envfile_var	*fv = NULL;
	int			 i, nfv = 0;

	/* Read first: a file gone bad since load is a spawn error. */
	if (envfiles && config_envfile_load(pc, &fv, &nfv, cause) != 0)
		return (-1);
	spawn_base_env();
	sa->envp = xcalloc(spawn_nbase + 1, sizeof *sa->envp);
	memcpy(sa->envp, spawn_base, spawn_nbase * sizeof *sa->envp);
	sa->nenv = spawn_nbase;
	if (pc->serverurl != NULL)
		spawn_setenv(sa, "SUPERVISOR_SERVER_URL", pc->serverurl);
	spawn_setenv(sa, "SUPERVISOR_PROCESS_NAME", pc->name);
	spawn_setenv(sa, "SUPERVISOR_GROUP_NAME", pc->group->name);
	/* environment_file= below environment=; see config-envfile.c. */
	for (i = 0; i < pc->nfileenv; i++)
		spawn_setenv(sa, pc->fileenv[i].name, pc->fileenv[i].value);
	for (i = 0; i < nfv; i++)
		spawn_setenv(sa, fv[i].name, fv[i].value);
	envfile_free(fv, nfv);
	for (i = 0; i < pc->nenv; i++)
		spawn_setenv(sa, pc->env[i].name, pc->env[i].value);
	return (0);
}

/* Supervisor's drop_privileges(), decided here and applied in the child. */
static void
spawn_user(struct spawn_args *sa, const struct process_config *pc)
{
	struct passwd	*pw;
	int		 n = 32;

	if (pc->user == NULL)
		return;
	xasprintf(&sa->uidstr, "%u", (unsigned)pc->uid);
	if (getuid() == pc->uid)
		return;
	if (getuid() != 0) {
		sa->setuid = -1;
		return;
	}
	sa->setuid = 1;
	sa->uid = pc->uid;
	sa->gid = pc->gid;
	if ((pw = getpwuid(pc->uid)) == NULL)
		return;
	sa->groups = xcalloc(n, sizeof *sa->groups);
	if (getgrouplist(pw->pw_name, pw->pw_gid, sa->groups, &n) == -1) {
		sa->groups = xreallocarray(sa->groups, n, sizeof *sa->groups);
		getgrouplist(pw->pw_name, pw->pw_gid, sa->groups, &n);
	}
	sa->ngroups = n;
}

/* Set name=value in a prepared child's environment. */
void
spawn_args_setenv(struct spawn_args *sa, const char *name, const char *value)
{
	spawn_setenv(sa, name, value);
}

/*
 * Everything for one spawn of command (the program's own, or an exec:
 * check's), run as the program would be; with envfiles 0, without
 * reading the program's environment files (spawn_check_command).
 */
static struct spawn_args *
spawn_prepare_command(const struct process_config *pc, const char *command,
    int envfiles, char **cause)
{
	struct spawn_args	*sa;
	char			*parse_error = NULL, *repr;
	char			**argv;
	int			 argc;

	if ((argv = shlex_split(command, &argc, &parse_error)) == NULL) {
		repr = repr_string(command);
		xasprintf(cause, "can't parse command %s: %s", repr,
		    parse_error);
		free(repr);
		free(parse_error);
		return (NULL);
	}
	if (argc == 0) {
		shlex_free_argv(argv);
		*cause = xstrdup("command is empty");
		return (NULL);
	}
	sa = xcalloc(1, sizeof *sa);
	sa->name = xstrdup(pc->name);
	sa->argv = argv;
	if (spawn_build_env(sa, pc, envfiles, cause) != 0 ||
	    (sa->filename = spawn_resolve(pc, sa->envp, argv[0],
	    cause)) == NULL) {
		spawn_args_free(sa);
		return (NULL);
	}
	spawn_user(sa, pc);
	sa->directory = pc->directory ? xstrdup(pc->directory) : NULL;
	sa->umask = pc->umask;
	return (sa);
}

struct spawn_args *
spawn_prepare(const struct process_config *pc, char **cause)
{
	return (spawn_prepare_command(pc, pc->command, 1, cause));
}

/*
 * Whether the command can be found and run, as startProcess asks before
 * it starts anything. The environment files are left to the spawn, where
 * a bad one is a spawn error with file:line, not a fault about the
 * command; their PATH is used when they can be read.
 */
int
spawn_check_command(const struct process_config *pc, char **cause)
{
	struct spawn_args	*sa;
	struct envfile_var	*fv;
	char			*why = NULL;
	int			 nfv, envfiles;

	envfiles = config_envfile_load(pc, &fv, &nfv, &why) == 0;
	envfile_free(fv, nfv);
	free(why);
	if ((sa = spawn_prepare_command(pc, pc->command, envfiles,
	    cause)) == NULL)
		return (-1);
	spawn_args_free(sa);
	return (0);
}

void
spawn_args_free(struct spawn_args *sa)
{
	int	i;

	if (sa == NULL)
		return;
	free(sa->name);
	free(sa->filename);
	shlex_free_argv(sa->argv);
	for (i = 0; i < sa->nown; i++)
		free(sa->own[i]);
	free(sa->own);
	free(sa->envp);
	free(sa->directory);
	free(sa->groups);
	free(sa->uidstr);
	free(sa);
}

static void
spawn_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

void
spawn_close_child_fds(struct spawn_fds *fds)
{
	spawn_close(&fds->in_child);
	spawn_close(&fds->out_child);
	spawn_close(&fds->err_child);
}

static void
spawn_close_all(struct spawn_fds *fds)
{
	spawn_close_child_fds(fds);
	spawn_close(&fds->in_parent);
	spawn_close(&fds->out_parent);
	spawn_close(&fds->err_parent);
}

static int
spawn_pipe(int *parent, int *child, int parent_reads)
{
	int	p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return (-1);
	*parent = parent_reads ? p[0] : p[1];
	*child = parent_reads ? p[1] : p[0];
	fcntl(*parent, F_SETFL, fcntl(*parent, F_GETFL) | O_NONBLOCK);
	return (0);
}

/* The child's end of a channel nobody reads: /dev/null itself. */
static int
spawn_null_end(int *parent, int *child)
{
	*parent = -1;
	*child = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return (*child == -1 ? -1 : 0);
}

int
spawn_make_pipes(const struct process_config *pc, struct spawn_fds *fds,
    int discard_out, int discard_err, char **cause)
{
	char	*repr;

	memset(fds, -1, sizeof *fds);
	if (spawn_pipe(&fds->in_parent, &fds->in_child, 0) == 0 &&
	    (discard_out ? spawn_null_end(&fds->out_parent, &fds->out_child) :
	    spawn_pipe(&fds->out_parent, &fds->out_child, 1)) == 0 &&
	    (pc->redirect_stderr ||
	    (discard_err ? spawn_null_end(&fds->err_parent, &fds->err_child) :
	    spawn_pipe(&fds->err_parent, &fds->err_child, 1)) == 0))
		return (0);
	repr = repr_string(pc->name);
	if (errno == EMFILE || errno == ENFILE)
		xasprintf(cause, "too many open files to spawn %s", repr);
	else
		xasprintf(cause, "unknown error making dispatchers for %s: %s",
		    repr, strerrorname_np(errno));
	free(repr);
	spawn_close_all(fds);
	return (-1);
}

/* Back to /dev/null: the pipe ends in the slots are the child's alone. */
static void
spawn_empty_slots(void)
{
	int	i;

	if (spawn_null == -1)
		return;
	for (i = SPAWN_SLOT_IN; i < SPAWN_SLOT_END; i++)
		dup3(spawn_null, i, O_CLOEXEC);
}

/* Write "supervisor: " and the parts as one line to fd 2; signal-safe. */
static void
spawn_child_say(const char *a, const char *b, const char *c, const char *d)
{
	const char	*parts[] = { "supervisor: ", a, b, c, d, "\n" };
	char		 buf[1024];
	size_t		 n = 0, i, l;

	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (parts[i] == NULL)
			continue;
		l = strlen(parts[i]);
		if (l > sizeof buf - n)
			l = sizeof buf - n;
		memcpy(buf + n, parts[i], l);
		n += l;
	}
	(void)write(2, buf, n);
}

static const char *
spawn_errname(int err)
{
	const char	*name = strerrorname_np(err);

	return (name != NULL ? name : "EUNKNOWN");
}

/* What the child needs besides its spawn_args. */
struct spawn_child_ctx {
	struct spawn_args	*sa;
	int			 in, out, err;	/* become 0, 1 and 2 */
	int			 unshare;	/* table shared until then */
	const sigset_t		*oldmask;
};

/*
 * The child after clone, in Supervisor's order: own process group, stdio,
 * no other descriptors, user, directory, umask, exec. Until it has its
 * own descriptor table (the first thing it does) it must not touch a
 * descriptor: they are ours. Never returns.
 */
static int __attribute__((noreturn))
spawn_child(void *arg)
{
	struct spawn_child_ctx	*cx = arg;
	struct spawn_args	*sa = cx->sa;
	struct sigaction	 sa_dfl, sa_ign;
	size_t			 i;

	if (cx->unshare && syscall(SYS_close_range, SPAWN_SLOT_END, ~0U,
	    CLOSE_RANGE_UNSHARE) != 0)
		_exit(127);
	memset(&sa_dfl, 0, sizeof sa_dfl);
	sa_dfl.sa_handler = SIG_DFL;
	sa_ign = sa_dfl;
	sa_ign.sa_handler = SIG_IGN;
	for (i = 0; i < sizeof spawn_reset_signals / sizeof (int); i++)
		sigaction(spawn_reset_signals[i], &sa_dfl, NULL);
	for (i = 0; i < sizeof spawn_ignored_signals / sizeof (int); i++)
		sigaction(spawn_ignored_signals[i], &sa_ign, NULL);
	setpgid(0, 0);
	dup2(cx->in, 0);
	dup2(cx->out, 1);
	dup2(cx->err, 2);
	syscall(SYS_close_range, 3, ~0U, 0);

	if (sa->setuid == -1) {
		spawn_child_say("couldn't setuid to ", sa->uidstr, ": ",
		    "Can't drop privilege as nonroot user");
		goto fail;
	}
	if (sa->setuid == 1) {
		if (setgroups(sa->ngroups, sa->groups) != 0) {
			spawn_child_say("couldn't setuid to ", sa->uidstr, ": ",
			    "Could not set groups of effective user");
			goto fail;
		}
		if (setgid(sa->gid) != 0) {
			spawn_child_say("couldn't setuid to ", sa->uidstr, ": ",
			    "Could not set group id of effective user");
			goto fail;
		}
		if (setuid(sa->uid) != 0) {
			spawn_child_say("couldn't setuid to ", sa->uidstr, ": ",
			    "Could not set user id of effective user");
			goto fail;
		}
	}
	if (sa->directory != NULL && chdir(sa->directory) != 0) {
		spawn_child_say("couldn't chdir to ", sa->directory, ": ",
		    spawn_errname(errno));
		goto fail;
	}
	if (sa->umask != -1)
		umask(sa->umask);
	sigprocmask(SIG_SETMASK, cx->oldmask, NULL);
	execve(sa->filename, sa->argv, sa->envp);
	spawn_child_say("couldn't exec ", sa->argv[0], ": ",
	    spawn_errname(errno));
fail:
	spawn_child_say("child process was not spawned", NULL, NULL, NULL);
	_exit(127);
}

/*
 * Put the child's ends of its pipes in the reserved slots, so the child
 * can keep them when it drops the rest of our table. Returns 0, or -1 when
 * the slots are not there (spawn_init not run): the child then gets a
 * whole copy of the table and closes what it does not need.
 */
static int
spawn_fill_slots(struct spawn_fds *fds, struct spawn_child_ctx *cx)
{
	int	in = fds->fcgi != -1 ? fds->fcgi : fds->in_child;

	cx->in = in;
	cx->out = fds->out_child;
	cx->err = fds->err_child != -1 ? fds->err_child : fds->out_child;
	cx->unshare = 0;
	if (spawn_null == -1)
		return (-1);
	if (dup3(in, SPAWN_SLOT_IN, O_CLOEXEC) == -1 ||
	    dup3(fds->out_child, SPAWN_SLOT_OUT, O_CLOEXEC) == -1 ||
	    (fds->err_child != -1 &&
	    dup3(fds->err_child, SPAWN_SLOT_ERR, O_CLOEXEC) == -1)) {
		spawn_empty_slots();
		return (-1);
	}
	cx->in = SPAWN_SLOT_IN;
	cx->out = SPAWN_SLOT_OUT;
	cx->err = fds->err_child != -1 ? SPAWN_SLOT_ERR : SPAWN_SLOT_OUT;
	cx->unshare = spawn_unshare;
	return (0);
}

pid_t
spawn_exec(struct spawn_args *sa, struct spawn_fds *fds, char **cause)
{
	struct spawn_child_ctx	 cx;
	sigset_t		 all, old;
	pid_t			 pid;
	int			 err;
	char			*repr;

	spawn_fill_slots(fds, &cx);
	cx.sa = sa;
	cx.oldmask = &old;

	/* No handler of ours may run in the child before it execs. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	if (cx.unshare) {
		pid = clone(spawn_child, spawn_stack + SPAWN_STACK_SIZE,
		    CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &cx);
	} else if ((pid = vfork()) == 0)
		spawn_child(&cx);
	err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	spawn_empty_slots();
	spawn_close_child_fds(fds);
	if (pid == -1) {
		repr = repr_string(sa->name);
		if (err == EAGAIN)
			xasprintf(cause, "Too many processes in process table to "
			    "spawn %s", repr);
		else
			xasprintf(cause, "unknown error during fork for %s: %s",
			    repr, spawn_errname(err));
		free(repr);
		spawn_close(&fds->in_parent);
		spawn_close(&fds->out_parent);
		spawn_close(&fds->err_parent);
		return (-1);
	}
	return (pid);
}

/*
 * A helper command of a program (an exec: check): with the program's
 * user, environment, directory and umask, stdin on /dev/null, stdout and
 * stderr on outfd (which stays the caller's), in a process group of its
 * own so that it can be killed with whatever it started.
 */
pid_t
spawn_command(const struct process_config *pc, const char *command,
    int outfd, char **cause)
{
	struct spawn_args	*sa;
	struct spawn_fds	 fds;
	pid_t			 pid;

	if ((sa = spawn_prepare_command(pc, command, 1, cause)) == NULL)
		return (-1);
	memset(&fds, -1, sizeof fds);
	if ((fds.in_child = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    (fds.out_child = fcntl(outfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "cannot start %s: %s", command,
		    strerror(errno));
		spawn_close_child_fds(&fds);
		spawn_args_free(sa);
		return (-1);
	}
	pid = spawn_exec(sa, &fds, cause);
	spawn_args_free(sa);
	return (pid);
}
