/*
 * supctl: supervisorctl's equal. Reads the options and the [supervisorctl]
 * section as supervisorctl 4.2.5 does, then runs one action from the
 * command line or a shell of them.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "expand.h"
#include "multi.h"
#include "ini.h"
#include "profile.h"
#include "repr.h"
#include "shell.h"
#include "xmalloc.h"

extern char **environ;

/* The usage, printed by -h with %s as the program name. */
static const char supctl_doc[] =
"supctl -- control the programs that supd (or supervisord) runs.\n"
"\n"
"Usage: %s [options] [action [arguments]]\n"
"\n"
"Options:\n"
"-c/--configuration FILENAME -- the config file (searched for if not given)\n"
"-h/--help -- show this text and exit\n"
"-i/--interactive -- open the shell (the default when no action is given)\n"
"-s/--serverurl URL -- where the daemon listens\n"
"     (default \"http://localhost:9001\")\n"
"-u/--username USERNAME -- user name for the daemon's HTTP server\n"
"-p/--password PASSWORD -- password for the daemon's HTTP server\n"
"-r/--history_file FILE -- keep the shell's history in FILE\n"
"--timeout SECONDS -- give up on a connect or reply after this (default 30)\n"
"\n"
"Several -s (or a [hosts] section listing server URLs) make \"status\"\n"
"ask every server in parallel and print one table with a HOST column.\n"
"-P/--profile NAME -- the profile for %(profile)s in the config file, as\n"
"     supd -P (else SUPD_PROFILE, BKPAAS_ENVIRONMENT, BK_ENV, \"default\")\n"
"\n"
"action [arguments] -- an action such as \"status\" or \"tail\"; \"help\"\n"
"lists them, \"help <action>\" describes one. Without an action, supctl\n"
"reads actions from its shell. \"status --json\" and \"avail --json\"\n"
"print JSON. \"render\" fills in deployment templates and needs no\n"
"daemon or config file.\n";

/* What the command line said; NULL or -1 when not given. */
struct supctl_opts {
	const char	*progname;
	char		*configfile;
	int		 interactive;
	char		*serverurl;
	char		*username;
	char		*password;
	char		*history;
	char		*timeout;
	char		**urls;		/* every -s, in order */
	int		 nurls;
	char		*second_s;	/* how the second -s was spelled */
	char		*profile;
	char		**args;
	int		 nargs;
};

/* What the [supervisorctl] section said, expanded. */
struct supctl_config {
	char		*path;
	char		*serverurl;
	int		 serverurl_set;
	char		*prompt;
	char		*username;
	char		*password;
	char		*history_file;
	char		**hosts;	/* [hosts]: server URLs */
	int		 nhosts;
};

static const char	*supctl_progname = "supctl";

/* Options.usage: a short error on stderr and exit 2. */
static void __attribute__((noreturn))
supctl_usage(const char *fmt, ...)
{
	va_list	ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nFor help, use %s -h\n", supctl_progname);
	exit(2);
}

static void __attribute__((noreturn))
supctl_help(void)
{
	const char	*p, *s;

	/* Options.help: every %s becomes the program name. */
	for (p = supctl_doc; (s = strstr(p, "%s")) != NULL; p = s + 2) {
		fwrite(p, 1, s - p, stdout);
		fputs(supctl_progname, stdout);
	}
	fputs(p, stdout);
	putchar('\n');
	exit(0);
}

/* ------------------------------------------------------------------ */
/* The command line, as Python's getopt.getopt reads it.               */

static const char	 supctl_shortopts[] = "h?c:is:u:p:r:P:";
static const char	*supctl_longopts[] = {
	"help", "configuration=", "interactive", "serverurl=", "username=",
	"password=", "history_file=", "timeout=", "profile=", NULL
};

/* Find a long option by name or unique prefix; returns it, or exits. */
static const char *
supctl_long_match(const char *name, size_t len)
{
	const char	**o, *found = NULL;
	int		  n = 0;

	for (o = supctl_longopts; *o != NULL; o++) {
		if (strncmp(*o, name, len) != 0)
			continue;
		if ((*o)[len] == '\0' || ((*o)[len] == '=' &&
		    (*o)[len + 1] == '\0'))
			return (*o);
		found = *o;
		n++;
	}
	if (n == 0)
		supctl_usage("option --%.*s not recognized", (int)len, name);
	if (n > 1)
		supctl_usage("option --%.*s not a unique prefix", (int)len,
		    name);
	return (found);
}

static void	supctl_apply(struct supctl_opts *, const char *, const char *);
static int	supctl_timeout_ms(const struct supctl_opts *);

/* A "--name[=value]" word; may take the next word as its value. */
static int
supctl_long(struct supctl_opts *o, char *word, char *next)
{
	const char	*opt, *eq;
	char		*key;
	size_t		 len;
	int		 used = 0;

	eq = strchr(word, '=');
	len = eq != NULL ? (size_t)(eq - word) : strlen(word);
	opt = supctl_long_match(word, len);
	len = strcspn(opt, "=");
	xasprintf(&key, "--%.*s", (int)len, opt);
	if (opt[len] == '=') {
		if (eq == NULL) {
			if (next == NULL)
				supctl_usage("option %s requires argument",
				    key);
			eq = next - 1;
			used = 1;
		}
		supctl_apply(o, key, eq + 1);
	} else {
		if (eq != NULL)
			supctl_usage("option %s must not have an argument",
			    key);
		supctl_apply(o, key, "");
	}
	free(key);
	return (used);
}

/* A "-xyz" word of short options; may take the next word as a value. */
static int
supctl_shorts(struct supctl_opts *o, const char *word, char *next)
{
	const char	*p;
	char		 key[3] = "-?";

	for (; *word != '\0'; word++) {
		key[1] = *word;
		if (*word == ':' || (p = strchr(supctl_shortopts,
		    *word)) == NULL)
			supctl_usage("option %s not recognized", key);
		if (p[1] != ':') {
			supctl_apply(o, key, "");
			continue;
		}
		if (word[1] != '\0') {
			supctl_apply(o, key, word + 1);
			return (0);
		}
		if (next == NULL)
			supctl_usage("option %s requires argument", key);
		supctl_apply(o, key, next);
		return (1);
	}
	return (0);
}

/*
 * datatypes.url, with urlparse's rules: a scheme (a letter, then letters,
 * digits, "+-."), then a host after "//" or a path.
 */
static int
supctl_url_ok(const char *url)
{
	const char	*rest;
	size_t		 n;

	n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-.");
	if (n == 0 || url[n] != ':' || !((url[0] >= 'a' && url[0] <= 'z') ||
	    (url[0] >= 'A' && url[0] <= 'Z')))
		return (0);
	rest = url + n + 1;
	if (strncmp(rest, "//", 2) == 0) {
		if (strcspn(rest + 2, "/?#") != 0)
			return (1);
		rest += 2;
	}
	return (strcspn(rest, "?#") != 0);
}

/*
 * A string as Python's repr() shows it, for usage messages. The result
 * lives until the next call but one (usage messages need two at most).
 */
static const char *
supctl_repr(const char *s)
{
	static char	*reprs[2];
	static int	 next;
	char		*r;

	r = repr_string(s);
	free(reprs[next]);
	reprs[next] = r;
	next = (next + 1) % 2;
	return (r);
}

/* Set one option, refusing a second of the same kind as Options does. */
static void
supctl_set(char **slot, const char *key, const char *value)
{
	if (*slot != NULL) {
		supctl_usage("conflicting command line option %s",
		    supctl_repr(key));
	}
	*slot = xstrdup(value);
}

static void
supctl_apply(struct supctl_opts *o, const char *key, const char *value)
{
	char		 c = key[1] == '-' ? key[2] : key[1];
	const char	*r;

	/* -P and --profile first: --profile would read as -p. */
	if (strcmp(key, "-P") == 0 || strcmp(key, "--profile") == 0)
		supctl_set(&o->profile, key, value);
	else if (c == 'h' || c == '?')
		supctl_help();
	else if (c == 'c')
		supctl_set(&o->configfile, key, value);
	else if (c == 'i') {
		if (o->interactive != -1) {
			supctl_usage("conflicting command line option %s",
			    supctl_repr(key));
		}
		o->interactive = 1;
	} else if (c == 's') {
		if (!supctl_url_ok(value)) {
			r = supctl_repr(value);
			supctl_usage("invalid value for %s %s: value %s is not "
			    "a URL", key, r, r);
		}
		/* More than one: status asks them all (multi.c). */
		o->urls = xreallocarray(o->urls, o->nurls + 1,
		    sizeof *o->urls);
		o->urls[o->nurls++] = xstrdup(value);
		if (o->serverurl == NULL)
			o->serverurl = xstrdup(value);
		else if (o->second_s == NULL)
			o->second_s = xstrdup(key);
	} else if (c == 't')
		supctl_set(&o->timeout, key, value);
	else if (c == 'u')
		supctl_set(&o->username, key, value);
	else if (c == 'p')
		supctl_set(&o->password, key, value);
	else if (c == 'r')
		supctl_set(&o->history, key, value);
}

/*
 * getopt.getopt: options until the first word that is not one ("-" is
 * not, "--" ends them); the rest is the action.
 */
static void
supctl_parse_args(struct supctl_opts *o, int argc, char **argv)
{
	int	i;

	o->interactive = -1;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
			break;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][1] == '-')
			i += supctl_long(o, argv[i] + 2, argv[i + 1]);
		else
			i += supctl_shorts(o, argv[i] + 1, argv[i + 1]);
	}
	o->args = argv + i;
	o->nargs = argc - i;
}

/* ------------------------------------------------------------------ */
/* Paths, as Python's os.path.                                         */

/* normpath: collapse "//", "." and ".."; keep a leading "//". */
static char *
supctl_normpath(const char *path)
{
	char		*out, *copy, *comp, *save;
	const char	**comps;
	size_t		 n = 0, i, len;
	int		 slashes;

	slashes = path[0] == '/' ? (strncmp(path, "//", 2) == 0 &&
	    path[2] != '/' ? 2 : 1) : 0;
	copy = xstrdup(path);
	comps = xreallocarray(NULL, strlen(path) + 1, sizeof *comps);
	for (comp = strtok_r(copy, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") != 0 || (slashes == 0 && n == 0) ||
		    (n > 0 && strcmp(comps[n - 1], "..") == 0))
			comps[n++] = comp;
		else if (n > 0)
			n--;
	}
	for (len = slashes + 2, i = 0; i < n; i++)
		len += strlen(comps[i]) + 1;
	out = xcalloc(1, len);
	for (i = 0; i < (size_t)slashes; i++)
		strcat(out, "/");
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, "/");
		strcat(out, comps[i]);
	}
	if (*out == '\0')
		strcpy(out, ".");
	free(comps);
	free(copy);
	return (out);
}

/* expanduser: "~" and "~user" at the start. */
static char *
supctl_expanduser(const char *path)
{
	struct passwd	*pw;
	const char	*home, *rest;
	char		*name, *out, *h;
	size_t		 n;

	if (path[0] != '~')
		return (xstrdup(path));
	rest = strchr(path, '/');
	n = rest != NULL ? (size_t)(rest - path) : strlen(path);
	rest = path + n;
	if (n == 1) {
		if ((home = getenv("HOME")) == NULL) {
			if ((pw = getpwuid(getuid())) == NULL)
				return (xstrdup(path));
			home = pw->pw_dir;
		}
	} else {
		name = xstrndup(path + 1, n - 1);
		pw = getpwnam(name);
		free(name);
		if (pw == NULL)
			return (xstrdup(path));
		home = pw->pw_dir;
	}
	h = xstrdup(home);
	for (n = strlen(h); n > 0 && h[n - 1] == '/'; n--)
		h[n - 1] = '\0';
	xasprintf(&out, "%s%s", h, rest);
	free(h);
	if (*out == '\0') {
		free(out);
		out = xstrdup("/");
	}
	return (out);
}

/* normalize_path: expanduser, abspath, normpath. */
static char *
supctl_normalize(const char *path)
{
	char	*user, *abs, *out, cwd[PATH_MAX];

	user = supctl_expanduser(path);
	if (user[0] != '/' && getcwd(cwd, sizeof cwd) != NULL) {
		xasprintf(&abs, "%s/%s", cwd, user);
		free(user);
		user = abs;
	}
	out = supctl_normpath(user);
	free(user);
	return (out);
}

/* os.path.dirname: up to the last slash, less trailing slashes. */
static char *
supctl_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');
	size_t		 n, k;

	if (slash == NULL)
		return (xstrdup(""));
	n = slash - path + 1;
	for (k = 0; k < n && path[k] == '/'; k++)
		;
	if (k == n)
		return (xstrndup(path, n));	/* only slashes: keep them */
	while (n > 0 && path[n - 1] == '/')
		n--;
	return (xstrndup(path, n));
}

/*
 * The search path when -c is absent: relative to the program's grand-
 * parent directory, then the current directory, then /etc.
 */
static char *
supctl_search_config(const char *argv0)
{
	char		 self[PATH_MAX], *d1, *d2, *path;
	const char	*prog = argv0, *rest[] = {
		"supervisord.conf", "etc/supervisord.conf",
		"/etc/supervisord.conf", "/etc/supervisor/supervisord.conf",
	};
	struct stat	 sb;
	ssize_t		 n;
	size_t		 i;

	/* Python sees the script's path even when run through PATH. */
	if (strchr(argv0, '/') == NULL &&
	    (n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		prog = self;
	}
	d1 = supctl_dirname(prog);
	d2 = supctl_dirname(d1);
	free(d1);
	for (i = 0; i < 2; i++) {
		xasprintf(&path, "%s%s%s", d2, *d2 == '\0' ? "" : "/",
		    i == 0 ? "etc/supervisord.conf" : "supervisord.conf");
		if (stat(path, &sb) == 0) {
			free(d2);
			return (path);
		}
		free(path);
	}
	free(d2);
	for (i = 0; i < sizeof rest / sizeof rest[0]; i++) {
		if (stat(rest[i], &sb) == 0)
			return (xstrdup(rest[i]));
	}
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* The [supervisorctl] section.                                         */

/* getdefault: the option, expanded; def (unexpanded is fine) if absent. */
static char *
supctl_get(struct ini *ini, struct ini_section *sec, const char *name,
    const char *def, const struct expand_vars *vars, int *set)
{
	const struct ini_option	*opt;
	char			*what, *value, *cause;
	const char		*raw;

	opt = ini_find_option(ini, sec, name);
	if (set != NULL)
		*set = opt != NULL;
	raw = opt != NULL ? opt->value : def;
	if (raw == NULL)
		return (NULL);
	xasprintf(&what, "supervisorctl.%s", name);
	value = expand_format(raw, vars, what, &cause);
	free(what);
	if (value == NULL)
		supctl_usage("%s", cause);
	return (value);
}

/* [hosts]: every value is a list of server URLs (commas or spaces). */
static void
supctl_read_hosts(struct ini *ini, struct supctl_config *cf)
{
	struct ini_section	*sec;
	char			*copy, *word, *save;
	size_t			 i;

	if ((sec = ini_find_section(ini, "hosts")) == NULL)
		return;
	for (i = 0; i < sec->noptions; i++) {
		copy = xstrdup(sec->options[i].value);
		for (word = strtok_r(copy, ", \t\n", &save); word != NULL;
		    word = strtok_r(NULL, ", \t\n", &save)) {
			if (!supctl_url_ok(word))
				supctl_usage("[hosts] %s: %s is not a URL",
				    sec->options[i].name, supctl_repr(word));
			cf->hosts = xreallocarray(cf->hosts, cf->nhosts + 1,
			    sizeof *cf->hosts);
			cf->hosts[cf->nhosts++] = xstrdup(word);
		}
		free(copy);
	}
}

/* %(profile)s, as supd would choose it, so both read the same file. */
static void
supctl_add_profile(struct expand_vars *vars, const char *opt)
{
	const char	*source;
	char		*name, *cause = NULL;

	if (profile_resolve(opt, NULL, &name, &source, &cause) != 0)
		supctl_usage("%s", cause);
	expand_vars_set_str(vars, "profile", name);
	expand_vars_hide(vars, "profile");
	free(name);
}

static void
supctl_read_config(const char *path, const char *profile,
    struct supctl_config *cf)
{
	struct ini		*ini;
	struct ini_section	*sec;
	struct expand_vars	 env, here;
	struct stat		 sb;
	char			*norm, *dir, *cause, *v;

	norm = supctl_normalize(path);
	dir = supctl_dirname(norm);
	free(norm);
	if (stat(path, &sb) != 0)
		supctl_usage("could not find config file %s", path);
	if (access(path, R_OK) != 0)
		supctl_usage("could not read config file %s", path);
	ini = ini_create();
	if (ini_read_file(ini, path, &cause) != 0)
		supctl_usage("%s", cause);
	if ((sec = ini_find_section(ini, "supervisorctl")) == NULL)
		supctl_usage(".ini file does not include supervisorctl "
		    "section");
	expand_vars_init(&env);
	expand_vars_add_environ(&env, environ);
	expand_vars_init(&here);
	expand_vars_add_environ(&here, environ);
	expand_vars_set_str(&here, "here", dir);
	supctl_add_profile(&env, profile);
	supctl_add_profile(&here, profile);

	cf->path = supctl_normalize(path);
	v = supctl_get(ini, sec, "serverurl", "http://localhost:9001", &here,
	    &cf->serverurl_set);
	if (strncmp(v, "unix://", 7) == 0) {
		norm = supctl_normalize(v + 7);
		xasprintf(&cf->serverurl, "unix://%s", norm);
		free(norm);
		free(v);
	} else
		cf->serverurl = v;
	cf->prompt = supctl_get(ini, sec, "prompt", "supervisor", &env, NULL);
	cf->username = supctl_get(ini, sec, "username", NULL, &env, NULL);
	cf->password = supctl_get(ini, sec, "password", NULL, &env, NULL);
	v = supctl_get(ini, sec, "history_file", NULL, &here, NULL);
	if (v != NULL && *v != '\0')
		cf->history_file = supctl_normalize(v);
	free(v);
	supctl_read_hosts(ini, cf);
	expand_vars_free(&env);
	expand_vars_free(&here);
	ini_free(ini);
	free(dir);
}

static void
supctl_free(struct supctl_opts *o, struct supctl_config *cf, char *conf)
{
	int	i;

	if (conf != o->configfile)
		free(conf);
	free(o->configfile);
	free(o->serverurl);
	free(o->username);
	free(o->password);
	free(o->history);
	free(o->timeout);
	free(o->second_s);
	for (i = 0; i < o->nurls; i++)
		free(o->urls[i]);
	free(o->urls);
	for (i = 0; i < cf->nhosts; i++)
		free(cf->hosts[i]);
	free(cf->hosts);
	free(o->profile);
	free(cf->path);
	free(cf->serverurl);
	free(cf->prompt);
	free(cf->username);
	free(cf->password);
	free(cf->history_file);
}

/* The command line's words, joined with spaces, as one action line. */
static char *
supctl_join(char **args, int n)
{
	char	*line, *next;
	int	 i;

	line = xstrdup("");
	for (i = 0; i < n; i++) {
		xasprintf(&next, "%s%s%s", line, i > 0 ? " " : "", args[i]);
		free(line);
		line = next;
	}
	return (line);
}

/*
 * Whether the action works without a daemon (render): then a config file
 * found by searching, broken or not, has nothing to say and is not read.
 */
static int
supctl_needs_no_config(const struct supctl_opts *o)
{
	const struct cmd_entry	*e;

	if (o->nargs == 0 || (e = cmd_find(o->args[0])) == NULL)
		return (0);
	return ((e->flags & CMD_NOCONFIG) != 0);
}

/* The client and what the messages need to know, from options and file. */
static void
supctl_setup(struct cmd_ctx *ctx, const struct supctl_opts *o,
    const struct supctl_config *cf)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->interactive = o->interactive == 1 || o->nargs == 0;
	ctx->origin.config = cf->path;
	ctx->origin.serverurl = o->serverurl != NULL ? "-s" :
	    cf->serverurl_set ? "config" : "default";
	if (o->username != NULL || o->password != NULL)
		ctx->origin.auth = "-u/-p";
	else if (cf->username != NULL || cf->password != NULL)
		ctx->origin.auth = "config";
	ctx->client = client_create(o->serverurl != NULL ? o->serverurl :
	    cf->serverurl != NULL ? cf->serverurl : "http://localhost:9001",
	    o->username != NULL ? o->username : cf->username,
	    o->password != NULL ? o->password : cf->password);
	client_set_timeout(ctx->client, supctl_timeout_ms(o));
}

/* --timeout in milliseconds: 30 s unless given; 0 waits for ever. */
static int
supctl_timeout_ms(const struct supctl_opts *o)
{
	char	*end;
	double	 secs;

	if (o->timeout == NULL)
		return (30000);
	secs = strtod(o->timeout, &end);
	if (*o->timeout == '\0' || *end != '\0' || secs < 0 || secs > 86400)
		supctl_usage("invalid value for --timeout %s: not a number of "
		    "seconds", supctl_repr(o->timeout));
	return ((int)(secs * 1000));
}

/*
 * Several servers (-s more than once, or [hosts] without -s): only
 * status, asked of them all. Returns -1 when this is not such a call.
 */
static int
supctl_multi(const struct supctl_opts *o, const struct supctl_config *cf)
{
	struct multi_opts	mo;

	memset(&mo, 0, sizeof mo);
	if (o->nurls > 1) {
		mo.urls = o->urls;
		mo.nurls = o->nurls;
	} else if (o->nurls == 0 && cf->nhosts > 0) {
		mo.urls = cf->hosts;
		mo.nurls = cf->nhosts;
	} else
		return (-1);
	if (o->nargs == 0 && o->nurls > 1) {
		/* The shell talks to one server: supervisorctl's error. */
		supctl_usage("conflicting command line option %s",
		    supctl_repr(o->second_s));
	}
	if (o->nargs == 0 || strcmp(o->args[0], "status") != 0) {
		if (o->nurls > 1)
			supctl_usage("several servers (-s) work only with "
			    "\"status\"");
		return (-1);	/* [hosts] is for status; the rest: serverurl */
	}
	if (o->nargs > 1)
		supctl_usage("status of several servers takes no names");
	mo.username = o->username != NULL ? o->username : cf->username;
	mo.password = o->password != NULL ? o->password : cf->password;
	mo.timeout_ms = supctl_timeout_ms(o);
	return (multi_status(&mo));
}

/* The shell; -r works too (supervisorctl reads it but never uses it). */
static void
supctl_shell(struct cmd_ctx *ctx, const struct supctl_opts *o,
    const struct supctl_config *cf)
{
	char	*history;

	history = o->history != NULL ? supctl_normalize(o->history) :
	    cf->history_file != NULL ? xstrdup(cf->history_file) : NULL;
	shell_run(ctx, cf->prompt != NULL ? cf->prompt : "supervisor",
	    history);
	free(history);
}

int
main(int argc, char **argv)
{
	struct supctl_opts	 o;
	struct supctl_config	 cf;
	struct cmd_ctx		 ctx;
	char			*conf, *line;
	int			 rc = 0;

	memset(&o, 0, sizeof o);
	memset(&cf, 0, sizeof cf);
	supctl_progname = argv[0] != NULL ? argv[0] : "supctl";
	supctl_parse_args(&o, argc, argv);
	conf = o.configfile;
	if (conf == NULL && !supctl_needs_no_config(&o))
		conf = supctl_search_config(supctl_progname);
	if (conf != NULL)
		supctl_read_config(conf, o.profile, &cf);
	if ((rc = supctl_multi(&o, &cf)) != -1) {
		supctl_free(&o, &cf, conf);
		return (rc);
	}
	rc = 0;
	supctl_setup(&ctx, &o, &cf);

	if (o.nargs > 0) {
		line = supctl_join(o.args, o.nargs);
		if ((rc = cmd_execute(&ctx, line)) == CMD_STOP)
			rc = 0;
		free(line);
	} else
		supctl_shell(&ctx, &o, &cf);	/* always exits 0 */

	fflush(stdout);
	client_free(ctx.client);
	supctl_free(&o, &cf, conf);
	return (rc);
}
