/*
 * Environment files: the part of sh that assigns variables, parsed the way
 * bash reads a file it sources, with everything that would run a command
 * refused. The files are sourced by shells too (BK-LOG's environ.sh), so
 * where sh and systemd's EnvironmentFile= differ, sh wins; where sh would
 * do something we cannot do without running code, the file is refused
 * with file:line rather than read some other way.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envfile.h"
#include "xmalloc.h"

/* A growing string. */
struct envfile_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

struct envfile_parser {
	const char		*path;
	const char		*text;	/* the start, for line numbers */
	const char		*p;
	const char		*end;
	envfile_lookup_fn	 lookup;
	void			*arg;
	struct envfile_var	*vars;
	int			 nvars;
	int			 nold;	/* variables there before this file */
	char			*cause;
};

static int	envfile_word(struct envfile_parser *, struct envfile_buf *,
		    int);
static int	envfile_dquote(struct envfile_parser *, struct envfile_buf *,
		    int);

static void
envfile_buf_add(struct envfile_buf *b, const char *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void
envfile_buf_addc(struct envfile_buf *b, char c)
{
	envfile_buf_add(b, &c, 1);
}

/* Take the string out of b. Caller frees. */
static char *
envfile_buf_take(struct envfile_buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	memset(b, 0, sizeof *b);
	return (s);
}

/* Record the first error, at the line of at. Returns -1. */
static int __attribute__((format(printf, 3, 4)))
envfile_error(struct envfile_parser *ps, const char *at, const char *fmt, ...)
{
	const char	*q;
	va_list		 ap;
	char		*msg;
	int		 line = 1;

	if (ps->cause != NULL)
		return (-1);
	for (q = ps->text; q < at && q < ps->end; q++) {
		if (*q == '\n')
			line++;
	}
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&ps->cause, "%s:%d: %s", ps->path, line, msg);
	free(msg);
	return (-1);
}

static int
envfile_name_start(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
}

static int
envfile_name_char(char c)
{
	return (envfile_name_start(c) || (c >= '0' && c <= '9'));
}

/* Length of the name at p, 0 if there is none. */
static size_t
envfile_name_len(const struct envfile_parser *ps, const char *p)
{
	const char	*q = p;

	if (q >= ps->end || !envfile_name_start(*q))
		return (0);
	while (q < ps->end && envfile_name_char(*q))
		q++;
	return (q - p);
}

/* The latest value of a variable: this file, earlier files, lookup. */
static const char *
envfile_get(struct envfile_parser *ps, const char *name)
{
	int	i;

	for (i = ps->nvars - 1; i >= 0; i--) {
		if (strcmp(ps->vars[i].name, name) == 0)
			return (ps->vars[i].value);
	}
	if (ps->lookup != NULL)
		return (ps->lookup(name, ps->arg));
	return (NULL);
}

/*
 * Set a variable. One set earlier in this file is replaced in place; one
 * from before is shadowed by a new entry, so that a failed parse can drop
 * every entry past nold and leave the caller's variables untouched.
 */
static void
envfile_set(struct envfile_parser *ps, char *name, char *value)
{
	int	i;

	for (i = ps->nold; i < ps->nvars; i++) {
		if (strcmp(ps->vars[i].name, name) == 0) {
			free(name);
			free(ps->vars[i].value);
			ps->vars[i].value = value;
			return;
		}
	}
	ps->vars = xreallocarray(ps->vars, ps->nvars + 1, sizeof *ps->vars);
	ps->vars[ps->nvars].name = name;
	ps->vars[ps->nvars].value = value;
	ps->nvars++;
}

/* After success: fold entries that shadow older ones into their place. */
static void
envfile_commit(struct envfile_parser *ps)
{
	int	i, j, n = ps->nold;

	for (i = ps->nold; i < ps->nvars; i++) {
		for (j = 0; j < ps->nold; j++) {
			if (strcmp(ps->vars[j].name, ps->vars[i].name) == 0)
				break;
		}
		if (j < ps->nold) {
			free(ps->vars[j].value);
			ps->vars[j].value = ps->vars[i].value;
			free(ps->vars[i].name);
		} else
			ps->vars[n++] = ps->vars[i];
	}
	ps->nvars = n;
}

/* Add the value of name to b; an unset variable adds nothing. */
static void
envfile_expand(struct envfile_parser *ps, struct envfile_buf *b,
    const char *p, size_t len)
{
	const char	*value;
	char		*name;

	name = xstrndup(p, len);
	if ((value = envfile_get(ps, name)) != NULL)
		envfile_buf_add(b, value, strlen(value));
	free(name);
}

/*
 * ${NAME}, ${NAME-word}, ${NAME:-word}, ${NAME+word}, ${NAME:+word}, with
 * p just past "${". The word is parsed (and checked) even when unused. In
 * double quotes (quoted) it reads as double-quoted text, in which bash
 * keeps single quotes; nested double quotes are refused.
 */
static int
envfile_brace(struct envfile_parser *ps, struct envfile_buf *b, int quoted)
{
	struct envfile_buf	 word = { NULL, 0, 0 };
	const char		*open = ps->p - 2, *value;
	char			*name, op;
	size_t			 n;
	int			 colon = 0, rc, unset;

	if ((n = envfile_name_len(ps, ps->p)) == 0) {
		if (ps->p < ps->end && strchr("#!@*?$-0123456789", *ps->p))
			return (envfile_error(ps, open, "${%c...} is not "
			    "supported in an environment file", *ps->p));
		return (envfile_error(ps, open, "bad substitution: ${ must "
		    "be followed by a variable name"));
	}
	name = xstrndup(ps->p, n);
	ps->p += n;
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		envfile_expand(ps, b, name, n);
		free(name);
		return (0);
	}
	if (ps->p < ps->end && *ps->p == ':') {
		colon = 1;
		ps->p++;
	}
	if (ps->p >= ps->end || (*ps->p != '-' && *ps->p != '+')) {
		if (ps->p >= ps->end)
			rc = envfile_error(ps, open, "unterminated ${%s", name);
		else {
			rc = envfile_error(ps, open, "${%s%s%c...} is not "
			    "supported in an environment file (only ${NAME}, "
			    "${NAME:-word}, ${NAME-word}, ${NAME:+word} and "
			    "${NAME+word})", name, colon ? ":" : "", *ps->p);
		}
		free(name);
		return (rc);
	}
	op = *ps->p++;
	rc = quoted ? envfile_dquote(ps, &word, '}') :
	    envfile_word(ps, &word, '}');
	if (rc == 0) {
		value = envfile_get(ps, name);
		unset = value == NULL || (colon && *value == '\0');
		if (op == '-' && !unset)
			envfile_buf_add(b, value, strlen(value));
		else if (op == '-' || !unset)
			envfile_buf_add(b, word.s != NULL ? word.s : "",
			    word.len);
	} else if (ps->p >= ps->end)
		envfile_error(ps, open, "unterminated ${%s", name);
	free(word.s);
	free(name);
	return (rc);
}

/* What follows a $, with p on the $. */
static int
envfile_dollar(struct envfile_parser *ps, struct envfile_buf *b, int quoted)
{
	const char	*at = ps->p++;
	size_t		 n;
	char		 c;

	if (ps->p >= ps->end) {
		envfile_buf_addc(b, '$');
		return (0);
	}
	c = *ps->p;
	if (c == '(' && ps->p + 1 < ps->end && ps->p[1] == '(')
		return (envfile_error(ps, at, "arithmetic expansion $((...)) "
		    "is not allowed in an environment file"));
	if (c == '(')
		return (envfile_error(ps, at, "command substitution $(...) "
		    "is not allowed in an environment file"));
	if (c == '[')
		return (envfile_error(ps, at, "arithmetic expansion $[...] "
		    "is not allowed in an environment file"));
	if (c == '{') {
		ps->p++;
		return (envfile_brace(ps, b, quoted));
	}
	if (!quoted && (c == '\'' || c == '"'))
		return (envfile_error(ps, at, "bash quoting $%c...%c is not "
		    "supported in an environment file", c, c));
	if (strchr("@*#?-$!0123456789", c) != NULL)
		return (envfile_error(ps, at, "special parameter $%c is not "
		    "supported in an environment file", c));
	if ((n = envfile_name_len(ps, ps->p)) == 0) {
		envfile_buf_addc(b, '$');
		return (0);
	}
	envfile_expand(ps, b, ps->p, n);
	ps->p += n;
	return (0);
}

/*
 * Double-quoted text, with p past the opening quote, up to the closing
 * one; or, with stop '}', the word of a ${NAME:-word} inside double quotes,
 * up to the closing brace.
 */
static int
envfile_dquote(struct envfile_parser *ps, struct envfile_buf *b, int stop)
{
	const char	*open = ps->p - 1;
	char		 c;

	while (ps->p < ps->end) {
		c = *ps->p;
		if (stop == '}' && c == '}') {
			ps->p++;
			return (0);
		}
		if (c == '"') {
			if (stop == '}')
				return (envfile_error(ps, ps->p, "quotes "
				    "inside a quoted ${...} are not supported "
				    "in an environment file"));
			ps->p++;
			return (0);
		}
		if (c == '`')
			return (envfile_error(ps, ps->p, "command substitution "
			    "`...` is not allowed in an environment file"));
		if (c == '$') {
			if (envfile_dollar(ps, b, 1) != 0)
				return (-1);
			continue;
		}
		if (c == '\\' && ps->p + 1 < ps->end &&
		    strchr("$`\"\\\n", ps->p[1]) != NULL) {
			if (ps->p[1] != '\n')
				envfile_buf_addc(b, ps->p[1]);
			ps->p += 2;
			continue;
		}
		envfile_buf_addc(b, c);
		ps->p++;
	}
	if (stop == '}')
		return (-1);	/* the caller says which ${ */
	return (envfile_error(ps, open, "unterminated double quote"));
}

/* Single-quoted text, with p past the opening quote: all literal. */
static int
envfile_squote(struct envfile_parser *ps, struct envfile_buf *b)
{
	const char	*open = ps->p - 1, *close;

	close = memchr(ps->p, '\'', ps->end - ps->p);
	if (close == NULL)
		return (envfile_error(ps, open, "unterminated single quote"));
	envfile_buf_add(b, ps->p, close - ps->p);
	ps->p = close + 1;
	return (0);
}

/*
 * A ~ where sh expands it (start of a value or after an unquoted ':'):
 * alone it is $HOME; ~user would need the user database, so it is refused.
 */
static int
envfile_tilde(struct envfile_parser *ps, struct envfile_buf *b, int stop)
{
	const char	*at = ps->p, *home;
	char		 c;

	ps->p++;
	c = ps->p < ps->end ? *ps->p : '\0';
	if (c != '\0' && c != '/' && c != ':' && c != ' ' && c != '\t' &&
	    c != '\n' && !(stop == '}' && c == '}'))
		return (envfile_error(ps, at, "~%c... is not supported in an "
		    "environment file; quote the ~ or write $HOME", c));
	if ((home = envfile_get(ps, "HOME")) == NULL)
		return (envfile_error(ps, at, "~ needs HOME, which is not "
		    "set"));
	envfile_buf_add(b, home, strlen(home));
	return (0);
}

/*
 * One shell word outside quotes, up to a blank or newline; or, with stop
 * '}', the word of ${NAME:-word}, up to the closing brace, in which blanks
 * and operator characters are plain text, as in bash.
 */
static int
envfile_word(struct envfile_parser *ps, struct envfile_buf *b, int stop)
{
	int	tilde = 1;
	char	c;

	while (ps->p < ps->end) {
		c = *ps->p;
		if (stop == '}' && c == '}') {
			ps->p++;
			return (0);
		}
		if (stop != '}' && (c == ' ' || c == '\t' || c == '\n'))
			return (0);
		if (c == '~' && tilde) {
			if (envfile_tilde(ps, b, stop) != 0)
				return (-1);
			continue;
		}
		tilde = stop != '}' && c == ':';
		if (c == '\\') {
			if (ps->p + 1 >= ps->end)
				envfile_buf_addc(b, '\\');
			else if (ps->p[1] != '\n')
				envfile_buf_addc(b, ps->p[1]);
			ps->p += ps->p + 1 >= ps->end ? 1 : 2;
			continue;
		}
		if (c == '\'' || c == '"') {
			ps->p++;
			if ((c == '\'' ? envfile_squote(ps, b) :
			    envfile_dquote(ps, b, c)) != 0)
				return (-1);
			continue;
		}
		if (c == '$') {
			if (envfile_dollar(ps, b, 0) != 0)
				return (-1);
			continue;
		}
		if (c == '`')
			return (envfile_error(ps, ps->p, "command substitution "
			    "`...` is not allowed in an environment file"));
		if (stop != '}' && strchr(";&|<>(){}", c) != NULL)
			return (envfile_error(ps, ps->p, "unquoted '%c' (a "
			    "shell would read it as syntax); quote the value",
			    c));
		if (stop != '}' && c == '\r')
			return (envfile_error(ps, ps->p, "carriage return "
			    "outside quotes (a file with CRLF line ends?)"));
		envfile_buf_addc(b, c);
		ps->p++;
	}
	return (stop == '}' ? -1 : 0);
}

/* Skip blanks and backslash-newlines; return the character there or 0. */
static char
envfile_blanks(struct envfile_parser *ps)
{
	while (ps->p < ps->end) {
		if (*ps->p == ' ' || *ps->p == '\t')
			ps->p++;
		else if (*ps->p == '\\' && ps->p + 1 < ps->end &&
		    ps->p[1] == '\n')
			ps->p += 2;
		else
			return (*ps->p);
	}
	return ('\0');
}

/* Say what is at p that is not an assignment: the rest of its line. */
static int
envfile_not_assignment(struct envfile_parser *ps, const char *p, size_t n)
{
	const char	*eol, *q = p + n;

	if (n > 0 && q < ps->end && (*q == ' ' || *q == '\t')) {
		while (q < ps->end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < ps->end && *q == '=')
			return (envfile_error(ps, p, "blank before '=' (a "
			    "shell would run %.*s as a command); write "
			    "NAME=VALUE", (int)n, p));
	}
	if (n > 0 && q + 1 < ps->end && q[0] == '+' && q[1] == '=')
		return (envfile_error(ps, p, "'+=' is not supported in an "
		    "environment file"));
	if ((eol = memchr(p, '\n', ps->end - p)) == NULL)
		eol = ps->end;
	if (eol - p > 60)
		eol = p + 60;
	return (envfile_error(ps, p, "expected NAME=VALUE or export "
	    "NAME=VALUE, found \"%.*s\" (an environment file is never run)",
	    (int)(eol - p), p));
}

/* One NAME=VALUE (or, after export, NAME alone), with p on NAME. */
static int
envfile_assignment(struct envfile_parser *ps, int export)
{
	struct envfile_buf	 value = { NULL, 0, 0 };
	const char		*start = ps->p, *q;
	size_t			 n;

	n = envfile_name_len(ps, start);
	q = start + n;
	if (n > 0 && q < ps->end && *q == '=') {
		ps->p = q + 1;
		if (envfile_word(ps, &value, 0) != 0) {
			free(value.s);
			return (-1);
		}
		envfile_set(ps, xstrndup(start, n), envfile_buf_take(&value));
		return (0);
	}
	if (export && n > 0 && (q == ps->end || strchr(" \t\n", *q) != NULL)) {
		ps->p = q;	/* "export NAME": already exported */
		return (0);
	}
	if (export && *start == '-')
		return (envfile_error(ps, start, "export options are not "
		    "supported in an environment file"));
	return (envfile_not_assignment(ps, start, n));
}

/* A line that is not blank or a comment, with p on its first word. */
static int
envfile_line(struct envfile_parser *ps)
{
	char	c;
	int	export = 0;

	if (ps->end - ps->p > 6 && strncmp(ps->p, "export", 6) == 0 &&
	    (ps->p[6] == ' ' || ps->p[6] == '\t')) {
		export = 1;
		ps->p += 6;
		c = envfile_blanks(ps);
		if (c == '\0' || c == '\n' || c == '#')
			return (envfile_error(ps, ps->p, "export without a "
			    "variable"));
	}
	for (;;) {
		if (envfile_assignment(ps, export) != 0)
			return (-1);
		c = envfile_blanks(ps);
		if (c == '\0' || c == '\n' || c == '#')
			return (0);
	}
}

/* Parse an environment file's text; see envfile.h. */
int
envfile_parse(const char *path, const char *text, size_t len,
    envfile_lookup_fn lookup, void *arg, struct envfile_var **vars,
    int *nvars, char **cause)
{
	struct envfile_parser	 ps;
	const char		*nul;
	char			 c;
	int			 i;

	memset(&ps, 0, sizeof ps);
	ps.path = path;
	ps.text = ps.p = text;
	ps.end = text + len;
	ps.lookup = lookup;
	ps.arg = arg;
	ps.vars = *vars;
	ps.nvars = ps.nold = *nvars;
	if ((nul = memchr(text, '\0', len)) != NULL)
		envfile_error(&ps, nul, "NUL byte in an environment file");
	while (ps.cause == NULL && (c = envfile_blanks(&ps)) != '\0') {
		if (c == '#') {
			while (ps.p < ps.end && *ps.p != '\n')
				ps.p++;
		} else if (c == '\n')
			ps.p++;
		else
			envfile_line(&ps);
	}
	if (ps.cause != NULL) {
		for (i = ps.nold; i < ps.nvars; i++) {
			free(ps.vars[i].name);
			free(ps.vars[i].value);
		}
		*nvars = ps.nold;
		*vars = ps.vars;
		*cause = ps.cause;
		return (-1);
	}
	envfile_commit(&ps);
	*vars = ps.vars;
	*nvars = ps.nvars;
	return (0);
}

/* Read a whole file. Returns 0, or -1 with errno set. */
static int
envfile_read(const char *path, char **text, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 n = 0, cap = 0, got;
	int	 saved;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	for (;;) {
		if (cap - n < 4096) {
			cap = cap == 0 ? 8192 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		saved = errno;
		fclose(f);
		free(buf);
		errno = saved;
		return (-1);
	}
	fclose(f);
	*text = buf;
	*len = n;
	return (0);
}

/* Load an environment file, optional with a leading '-'; see envfile.h. */
int
envfile_load(const char *path, envfile_lookup_fn lookup, void *arg,
    struct envfile_var **vars, int *nvars, char **cause)
{
	char	*text;
	size_t	 len;
	int	 optional = 0, rc;

	if (*path == '-') {
		optional = 1;
		path++;
	}
	if (envfile_read(path, &text, &len) != 0) {
		if (optional && errno == ENOENT)
			return (0);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	rc = envfile_parse(path, text, len, lookup, arg, vars, nvars, cause);
	free(text);
	return (rc);
}

/* The value of name; see envfile.h. */
const char *
envfile_find(const struct envfile_var *vars, int nvars, const char *name)
{
	int	i;

	for (i = 0; i < nvars; i++) {
		if (strcmp(vars[i].name, name) == 0)
			return (vars[i].value);
	}
	return (NULL);
}

/* getenv(3) as a lookup function. */
const char *
envfile_getenv(const char *name, void *arg)
{
	return (getenv(name));
}

/* Free variables from envfile_parse or envfile_load. */
void
envfile_free(struct envfile_var *vars, int nvars)
{
	int	i;

	for (i = 0; i < nvars; i++) {
		free(vars[i].name);
		free(vars[i].value);
	}
	free(vars);
}
