/*
 * Option value conversions with the rules of Supervisor's datatypes.py.
 * Supervisor leans on Python's int(), str.lower() and friends; each helper
 * here reproduces the Python behaviour a config file can reach, so a value
 * Supervisor accepts is accepted here and one it refuses is refused.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config-value.h"
#include "log.h"
#include "xmalloc.h"

/* Python's str.isspace() for the ASCII range, which is all a config has. */
int
cv_isspace(int c)
{
	return (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f));
}

/* A copy without leading and trailing whitespace. Caller frees. */
char *
cv_strip(const char *s)
{
	const char	*end;

	while (*s != '\0' && cv_isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && cv_isspace((unsigned char)end[-1]))
		end--;
	return (xstrndup(s, end - s));
}

/* A lower-cased copy (ASCII; Python's lower() agrees there). Caller frees. */
char *
cv_lower(const char *s)
{
	char	*copy, *p;

	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return (copy);
}

static int
cv_digit(int c, int base)
{
	int	v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else
		return (-1);
	return (v < base ? v : -1);
}

/*
 * Python's int(s, base) for base 10 and 8: surrounding whitespace, a sign,
 * an optional 0o prefix in base 8, and single underscores between digits.
 */
static int
cv_parse_int(const char *s, int base, long long *out)
{
	char		*copy, *p;
	long long	 v = 0;
	int		 neg = 0, digits = 0, d, ok = 0;

	copy = cv_strip(s);
	p = copy;
	if (*p == '+' || *p == '-')
		neg = (*p++ == '-');
	if (base == 8 && p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		p += 2;
		if (*p == '_')
			p++;
	}
	for (; *p != '\0'; p++) {
		if (*p == '_' && digits > 0 && cv_digit(p[1], base) >= 0)
			continue;
		if ((d = cv_digit((unsigned char)*p, base)) < 0)
			goto out;
		if (v > (LLONG_MAX - d) / base)
			goto out;
		v = v * base + d;
		digits++;
	}
	if (digits == 0)
		goto out;
	*out = neg ? -v : v;
	ok = 1;
out:
	free(copy);
	return (ok ? 0 : -1);
}

int
cv_int(const char *s, long long *out, char **cause)
{
	if (cv_parse_int(s, 10, out) == 0)
		return (0);
	xasprintf(cause, "'%s' is not an integer (expected a whole number)", s);
	return (-1);
}

int
cv_int_range(const char *s, long long min, long long max, int *out,
    char **cause)
{
	long long	v;

	if (cv_int(s, &v, cause) != 0)
		return (-1);
	if (v < min || v > max) {
		xasprintf(cause, "%lld is out of range (expected %lld to %lld)",
		    v, min, max);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

int
cv_bool(const char *s, int *out, char **cause)
{
	static const char *truthy[] = { "yes", "true", "on", "1" };
	static const char *falsy[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, truthy[i]) == 0) {
			*out = 1;
			return (0);
		}
		if (strcasecmp(s, falsy[i]) == 0) {
			*out = 0;
			return (0);
		}
	}
	xasprintf(cause, "not a valid boolean value: '%s' (expected true/false, "
	    "yes/no, on/off or 1/0)", s);
	return (-1);
}

int
cv_octal(const char *s, int *out, char **cause)
{
	long long	v;

	if (cv_parse_int(s, 8, &v) != 0 || v < INT_MIN || v > INT_MAX) {
		xasprintf(cause, "%s can not be converted to an octal type "
		    "(expected octal digits, e.g. 022)", s);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

/* datatypes.byte_size: a number with an optional KB, MB or GB suffix. */
int
cv_byte_size(const char *s, int64_t *out, char **cause)
{
	static const struct {
		const char	*suffix;
		int64_t		 mult;
	} units[] = {
		{ "kb", 1024 }, { "mb", 1024 * 1024 },
		{ "gb", 1024LL * 1024 * 1024 },
	};
	char		*lower, *num;
	size_t		 len, i;
	long long	 v;
	int64_t		 mult = 1;
	int		 ok;

	lower = cv_lower(s);
	len = strlen(lower);
	num = xstrdup(lower);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (len >= 2 && strcmp(lower + len - 2, units[i].suffix) == 0) {
			num[len - 2] = '\0';
			mult = units[i].mult;
			break;
		}
	}
	ok = cv_parse_int(num, 10, &v) == 0 &&
	    (v == 0 || (v > 0 ? v <= INT64_MAX / mult : v >= INT64_MIN / mult));
	free(num);
	free(lower);
	if (!ok) {
		xasprintf(cause, "'%s' is not a byte size (expected a whole "
		    "number with an optional KB, MB or GB suffix, e.g. 50MB)",
		    s);
		return (-1);
	}
	*out = v * mult;
	return (0);
}

/* Names Python's signal module knows, and the numbers it has constants for. */
static const struct {
	const char	*name;
	int		 num;
} cv_signals[] = {
	{ "SIGHUP", SIGHUP }, { "SIGINT", SIGINT }, { "SIGQUIT", SIGQUIT },
	{ "SIGILL", SIGILL }, { "SIGTRAP", SIGTRAP }, { "SIGABRT", SIGABRT },
	{ "SIGBUS", SIGBUS }, { "SIGFPE", SIGFPE }, { "SIGKILL", SIGKILL },
	{ "SIGUSR1", SIGUSR1 }, { "SIGSEGV", SIGSEGV }, { "SIGUSR2", SIGUSR2 },
	{ "SIGPIPE", SIGPIPE }, { "SIGALRM", SIGALRM }, { "SIGTERM", SIGTERM },
	{ "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD },
	{ "SIGCONT", SIGCONT }, { "SIGSTOP", SIGSTOP }, { "SIGTSTP", SIGTSTP },
	{ "SIGTTIN", SIGTTIN }, { "SIGTTOU", SIGTTOU }, { "SIGURG", SIGURG },
	{ "SIGXCPU", SIGXCPU }, { "SIGXFSZ", SIGXFSZ },
	{ "SIGVTALRM", SIGVTALRM }, { "SIGPROF", SIGPROF },
	{ "SIGWINCH", SIGWINCH }, { "SIGPOLL", SIGPOLL }, { "SIGPWR", SIGPWR },
	{ "SIGSYS", SIGSYS }, { "SIGRTMIN", 34 }, { "SIGRTMAX", 64 },
	/* Aliases, after the names signame() prints. */
	{ "SIGIO", SIGIO }, { "SIGIOT", SIGIOT }, { "SIGCLD", SIGCHLD },
	/* Python's other SIG* constants, which signal_number() accepts. */
	{ "SIG_DFL", 0 }, { "SIG_IGN", 1 }, { "SIG_BLOCK", 0 },
	{ "SIG_UNBLOCK", 1 }, { "SIG_SETMASK", 2 },
};
#define CV_NSIGNALS (sizeof cv_signals / sizeof cv_signals[0])

static int
cv_signal_valid(long long num)
{
	return ((num >= 0 && num <= 31) || num == 34 || num == 64);
}

int
cv_signal(const char *s, int *out, char **cause)
{
	long long	 num;
	char		*name, *full;
	size_t		 i;

	if (cv_parse_int(s, 10, &num) == 0) {
		if (!cv_signal_valid(num)) {
			xasprintf(cause, "value %lld is not a valid signal number",
			    num);
			return (-1);
		}
		*out = (int)num;
		return (0);
	}
	name = cv_strip(s);
	for (full = name; *full != '\0'; full++)
		*full = toupper((unsigned char)*full);
	if (strncmp(name, "SIG", 3) != 0)
		xasprintf(&full, "SIG%s", name);
	else
		full = xstrdup(name);
	free(name);
	for (i = 0; i < CV_NSIGNALS; i++) {
		if (strcmp(full, cv_signals[i].name) == 0) {
			*out = cv_signals[i].num;
			free(full);
			return (0);
		}
	}
	free(full);
	xasprintf(cause, "value '%s' is not a valid signal name (expected e.g. "
	    "TERM, HUP, INT, QUIT, KILL, USR1, USR2 or a number)", s);
	return (-1);
}

/* Supervisor's signame(): the name Python prints, or "signal N". */
const char *
cv_signame(int sig)
{
	static char	buf[32];
	size_t		i;

	for (i = 0; i < CV_NSIGNALS; i++) {
		if (cv_signals[i].num == sig && sig != 0 &&
		    strncmp(cv_signals[i].name, "SIG_", 4) != 0)
			return (cv_signals[i].name);
	}
	snprintf(buf, sizeof buf, "signal %d", sig);
	return (buf);
}

/* list_of_exitcodes: comma-separated ints in 0..255; empty is no codes. */
int
cv_exitcodes(const char *s, int **codes, int *n, char **cause)
{
	char		*copy, *item, *next;
	long long	 v;
	int		*list = NULL, count = 0;

	*codes = NULL;
	*n = 0;
	if (*s == '\0')
		return (0);
	copy = xstrdup(s);
	for (item = copy; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if (cv_parse_int(item, 10, &v) != 0 || v < 0 || v > 255) {
			free(copy);
			free(list);
			xasprintf(cause, "not a valid list of exit codes: '%s' "
			    "(expected numbers 0 to 255 separated by commas)", s);
			return (-1);
		}
		list = xreallocarray(list, count + 1, sizeof *list);
		list[count++] = (int)v;
	}
	free(copy);
	*codes = list;
	*n = count;
	return (0);
}

int
cv_autorestart(const char *s, int *out, char **cause)
{
	int	b;
	char	*ignored = NULL;

	if (cv_bool(s, &b, &ignored) == 0) {
		*out = b ? 2 : 0;
		return (0);
	}
	free(ignored);
	if (strcasecmp(s, "unexpected") == 0) {
		*out = 1;
		return (0);
	}
	xasprintf(cause, "invalid 'autorestart' value '%s' (expected true, "
	    "false or unexpected)", s);
	return (-1);
}

int
cv_loglevel(const char *s, int *out, char **cause)
{
	int	level;

	if ((level = log_level_from_name(s)) < 0) {
		xasprintf(cause, "bad logging level name '%s' (expected "
		    "critical, error, warn, info, debug, trace or blather)", s);
		return (-1);
	}
	*out = level;
	return (0);
}

/* name_to_uid(): a number must be an existing uid, a name an existing user. */
int
cv_user(const char *s, uid_t *uid, gid_t *gid, char **cause)
{
	struct passwd	*pw;
	long long	 v;

	if (cv_parse_int(s, 10, &v) == 0) {
		if (v < 0 || v > UINT_MAX || (pw = getpwuid((uid_t)v)) == NULL) {
			xasprintf(cause, "Invalid user id %s (no such uid in "
			    "/etc/passwd)", s);
			return (-1);
		}
	} else if ((pw = getpwnam(s)) == NULL) {
		xasprintf(cause, "Invalid user name %s (expected a user name or "
		    "uid from /etc/passwd)", s);
		return (-1);
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return (0);
}

static int
cv_group(const char *s, gid_t *gid, char **cause)
{
	struct group	*gr;
	long long	 v;

	if (cv_parse_int(s, 10, &v) == 0) {
		if (v < 0 || v > UINT_MAX || (gr = getgrgid((gid_t)v)) == NULL) {
			xasprintf(cause, "Invalid group id %s", s);
			return (-1);
		}
	} else if ((gr = getgrnam(s)) == NULL) {
		xasprintf(cause, "Invalid group name %s", s);
		return (-1);
	}
	*gid = gr->gr_gid;
	return (0);
}

int
cv_user_group(const char *s, uid_t *uid, gid_t *gid, char **cause)
{
	char	*copy, *colon;
	gid_t	 primary;
	int	 rc;

	copy = xstrdup(s);
	if ((colon = strchr(copy, ':')) != NULL)
		*colon++ = '\0';
	rc = cv_user(copy, uid, &primary, cause);
	if (rc == 0 && colon != NULL)
		rc = cv_group(colon, gid, cause);
	else if (rc == 0)
		*gid = (gid_t)-1;
	free(copy);
	return (rc);
}

int
cv_name(const char *s, char **name, char **cause)
{
	char	*stripped;
	int	 bad;

	stripped = cv_strip(s);
	if ((bad = strcspn(stripped, " :/")) != (int)strlen(stripped)) {
		xasprintf(cause, "Invalid name: '%s' because of character: '%c' "
		    "(names may not contain spaces, ':' or '/')", s,
		    stripped[bad]);
		free(stripped);
		return (-1);
	}
	*name = stripped;
	return (0);
}

static int
cv_port(const char *s, int *port, char **cause)
{
	long long	v;

	if (cv_parse_int(s, 10, &v) != 0 || v < 1 || v > 65535) {
		xasprintf(cause, "'%s' is not a valid port number (expected 1 to "
		    "65535)", s);
		return (-1);
	}
	*port = (int)v;
	return (0);
}

int
cv_inet_address(const char *s, char **host, int *port, char **cause)
{
	const char	*colon;
	char		*h;

	if ((colon = strrchr(s, ':')) == NULL) {
		if (cv_port(s, port, cause) != 0)
			return (-1);
		*host = xstrdup("");
		return (0);
	}
	if (colon[1] == '\0') {
		xasprintf(cause, "no port number in '%s' (expected host:port, "
		    "*:port or port)", s);
		return (-1);
	}
	if (cv_port(colon + 1, port, cause) != 0)
		return (-1);
	h = xstrndup(s, colon - s);
	*host = cv_lower(h);
	free(h);
	if (strcmp(*host, "*") == 0)
		(*host)[0] = '\0';
	return (0);
}

char *
cv_expanduser(const char *p)
{
	const char	*rest, *home = NULL;
	struct passwd	*pw;
	char		*user, *out;

	if (p[0] != '~')
		return (xstrdup(p));
	rest = strchr(p, '/');
	if (rest == NULL)
		rest = p + strlen(p);
	if (rest == p + 1) {
		if ((home = getenv("HOME")) == NULL &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
	} else {
		user = xstrndup(p + 1, rest - p - 1);
		if ((pw = getpwnam(user)) != NULL)
			home = pw->pw_dir;
		free(user);
	}
	if (home == NULL)
		return (xstrdup(p));
	if (strcmp(home, "/") == 0 && *rest == '/')
		home = "";
	xasprintf(&out, "%s%s", home, rest);
	if (*out == '\0') {
		free(out);
		out = xstrdup("/");
	}
	return (out);
}

char *
cv_path_join(const char *dir, const char *p)
{
	char	*out;

	if (p[0] == '/' || dir[0] == '\0')
		return (xstrdup(p));
	if (dir[strlen(dir) - 1] == '/')
		xasprintf(&out, "%s%s", dir, p);
	else
		xasprintf(&out, "%s/%s", dir, p);
	return (out);
}

char *
cv_dirname(const char *p)
{
	const char	*slash;
	char		*out;
	size_t		 len;

	if ((slash = strrchr(p, '/')) == NULL)
		return (xstrdup(""));
	len = slash - p + 1;
	out = xstrndup(p, len);
	/* Strip trailing slashes unless the head is all slashes. */
	if (strspn(out, "/") != len) {
		while (len > 0 && out[len - 1] == '/')
			out[--len] = '\0';
	}
	return (out);
}

/* posixpath.normpath on an absolute path. */
static char *
cv_normpath(const char *p)
{
	char	 *copy, *tok, *save, **parts, *out;
	size_t	  n = 0, i, len = 0;
	int	  initial;

	initial = (p[0] == '/') ? ((p[1] == '/' && p[2] != '/') ? 2 : 1) : 0;
	copy = xstrdup(p);
	parts = xcalloc(strlen(p) + 1, sizeof *parts);
	for (tok = strtok_r(copy, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n > 0 && strcmp(parts[n - 1], "..") != 0) {
				n--;
				continue;
			}
			if (initial)
				continue;
		}
		parts[n++] = tok;
	}
	for (i = 0; i < n; i++)
		len += strlen(parts[i]) + 1;
	out = xmalloc(len + initial + 2);
	memset(out, '/', initial);
	out[initial] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, "/");
		strcat(out, parts[i]);
	}
	if (*out == '\0')
		strcpy(out, ".");
	free(parts);
	free(copy);
	return (out);
}

char *
cv_normalize_path(const char *p)
{
	char	*user, *abs, *norm, cwd[PATH_MAX];

	user = cv_expanduser(p);
	if (user[0] != '/' && getcwd(cwd, sizeof cwd) != NULL) {
		abs = cv_path_join(cwd, user);
		free(user);
	} else
		abs = user;
	norm = cv_normpath(abs);
	free(abs);
	return (norm);
}
