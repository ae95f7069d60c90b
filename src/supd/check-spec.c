/* Parsing and comparing check specs: the values of ready_check and
 * health_check. */

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xmalloc.h"

#define CHECK_EXPECTED \
	"expected tcp:HOST:PORT, unix:PATH, http://HOST[:PORT]/PATH, " \
	"exec:COMMAND, log:REGEX or notify"

static const char *check_kind_names[] = {
	[CHECK_NONE] = "none",
	[CHECK_TCP] = "tcp",
	[CHECK_UNIX] = "unix",
	[CHECK_HTTP] = "http",
	[CHECK_EXEC] = "exec",
	[CHECK_LOG] = "log",
	[CHECK_NOTIFY] = "notify",
};

const char *
check_kind_name(enum check_kind kind)
{
	return (check_kind_names[kind]);
}

/* A port: 1 to 65535 in decimal, the whole string. -1 if not. */
static int
check_parse_port(const char *s)
{
	char	*end;
	long	 v;

	if (!isdigit((unsigned char)*s))
		return (-1);
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return (-1);
	return ((int)v);
}

/*
 * Split "HOST:PORT" (HOST may be "[v6]") into spec->host and spec->port.
 * A missing port is dflt (-1: required).
 */
static int
check_parse_hostport(const char *s, int dflt, struct check_spec *spec)
{
	const char	*colon, *host_end;
	size_t		 hostlen;

	if (*s == '[') {
		if ((host_end = strchr(s, ']')) == NULL)
			return (-1);
		colon = host_end[1] == ':' ? host_end + 1 : NULL;
		if (colon == NULL && host_end[1] != '\0')
			return (-1);
		s++;
		hostlen = host_end - s;
	} else {
		colon = strrchr(s, ':');
		hostlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
	}
	if (hostlen == 0)
		return (-1);
	if (colon != NULL)
		spec->port = check_parse_port(colon + 1);
	else
		spec->port = dflt;
	if (spec->port == -1)
		return (-1);
	spec->host = xstrndup(s, hostlen);
	return (0);
}

static int
check_parse_http(const char *rest, struct check_spec *spec, char **cause)
{
	const char	*slash;
	char		*hostport;
	int		 rc;

	slash = strchr(rest, '/');
	hostport = slash != NULL ? xstrndup(rest, slash - rest) : xstrdup(rest);
	rc = check_parse_hostport(hostport, 80, spec);
	free(hostport);
	if (rc != 0) {
		xasprintf(cause, "bad http check '%s': expected "
		    "http://HOST[:PORT]/PATH with a port from 1 to 65535",
		    spec->text);
		return (-1);
	}
	spec->path = xstrdup(slash != NULL ? slash : "/");
	return (0);
}

static int
check_parse_log(const char *rest, struct check_spec *spec, char **cause)
{
	char	msg[256];
	int	rc;

	if (*rest == '\0') {
		xasprintf(cause, "log check '%s' has no regular expression",
		    spec->text);
		return (-1);
	}
	rc = regcomp(&spec->regex, rest, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &spec->regex, msg, sizeof msg);
		xasprintf(cause, "bad regular expression in '%s': %s",
		    spec->text, msg);
		return (-1);
	}
	spec->has_regex = 1;
	return (0);
}

/* The value after "kind:", or NULL if text does not start with it. */
static const char *
check_after(const char *text, const char *prefix)
{
	size_t	n = strlen(prefix);

	return (strncmp(text, prefix, n) == 0 ? text + n : NULL);
}

int
check_spec_parse(const char *text, struct check_spec *spec, char **cause)
{
	const char	*rest;

	memset(spec, 0, sizeof *spec);
	while (isspace((unsigned char)*text))
		text++;
	spec->text = xstrdup(text);
	while (*spec->text != '\0' &&
	    isspace((unsigned char)spec->text[strlen(spec->text) - 1]))
		spec->text[strlen(spec->text) - 1] = '\0';
	text = spec->text;

	if (strcmp(text, "notify") == 0) {
		spec->kind = CHECK_NOTIFY;
		return (0);
	}
	if ((rest = check_after(text, "tcp:")) != NULL) {
		spec->kind = CHECK_TCP;
		if (check_parse_hostport(rest, -1, spec) != 0) {
			xasprintf(cause, "bad tcp check '%s': expected "
			    "tcp:HOST:PORT with a port from 1 to 65535", text);
			goto fail;
		}
		return (0);
	}
	if ((rest = check_after(text, "unix:")) != NULL) {
		spec->kind = CHECK_UNIX;
		if (*rest == '\0') {
			xasprintf(cause, "unix check '%s' has no path", text);
			goto fail;
		}
		spec->path = xstrdup(rest);
		return (0);
	}
	if ((rest = check_after(text, "http://")) != NULL) {
		spec->kind = CHECK_HTTP;
		if (check_parse_http(rest, spec, cause) != 0)
			goto fail;
		return (0);
	}
	if (check_after(text, "https://") != NULL) {
		xasprintf(cause, "https checks are not supported ('%s'): probe "
		    "the plain port or use exec:", text);
		goto fail;
	}
	if ((rest = check_after(text, "exec:")) != NULL) {
		spec->kind = CHECK_EXEC;
		while (isspace((unsigned char)*rest))
			rest++;
		if (*rest == '\0') {
			xasprintf(cause, "exec check '%s' has no command", text);
			goto fail;
		}
		spec->command = xstrdup(rest);
		return (0);
	}
	if ((rest = check_after(text, "log:")) != NULL) {
		spec->kind = CHECK_LOG;
		if (check_parse_log(rest, spec, cause) != 0)
			goto fail;
		return (0);
	}
	xasprintf(cause, "unknown check '%s': %s", text, CHECK_EXPECTED);
fail:
	check_spec_clear(spec);
	return (-1);
}

void
check_spec_clear(struct check_spec *spec)
{
	free(spec->text);
	free(spec->host);
	free(spec->path);
	free(spec->command);
	if (spec->has_regex)
		regfree(&spec->regex);
	memset(spec, 0, sizeof *spec);
}

/* Two specs are equal when they were written the same (after expansion). */
int
check_spec_equal(const struct check_spec *a, const struct check_spec *b)
{
	if (a->kind != b->kind)
		return (0);
	if (a->text == NULL || b->text == NULL)
		return (a->text == b->text);
	return (strcmp(a->text, b->text) == 0);
}

int
check_log_match(const struct check_spec *spec, const char *line, size_t len)
{
	char	 buf[1024], *copy;
	int	 rc;

	if (spec->kind != CHECK_LOG || !spec->has_regex)
		return (0);
	/* regexec wants a C string; most lines fit the stack buffer. */
	if (len < sizeof buf) {
		memcpy(buf, line, len);
		buf[len] = '\0';
		return (regexec(&spec->regex, buf, 0, NULL, 0) == 0);
	}
	copy = xstrndup(line, len);
	rc = regexec(&spec->regex, copy, 0, NULL, 0);
	free(copy);
	return (rc == 0);
}
