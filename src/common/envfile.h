/*
 * Environment files: KEY=VALUE lines with shell quoting, read without
 * running anything. Shared by supd (environment_file=) and supctl render.
 */
#ifndef ENVFILE_H
#define ENVFILE_H

#include <stddef.h>

struct envfile_var {
	char	*name;
	char	*value;
};

/*
 * Where $NAME comes from when no earlier line set it, normally the
 * environment. Returns the value (borrowed) or NULL when NAME is unset.
 */
typedef const char *(*envfile_lookup_fn)(const char *name, void *arg);

/*
 * Parse text (len bytes, need not be NUL-terminated) as an environment
 * file named path in messages. *vars and *nvars are in and out: start with
 * NULL and 0; each call adds the file's variables, a name set again keeps
 * its place and takes the new value, and $NAME sees what is already there
 * before asking lookup (which may be NULL). Returns 0, or -1 with *cause
 * set (caller frees) to "path:line: message" for the first error, and
 * *vars and *nvars as they were before the call.
 *
 * The rules (sh's, as bash applies them when it sources the file):
 *  - a line is blank, a comment (# first), or one or more assignments
 *    NAME=VALUE, optionally after "export"; "export NAME" alone is
 *    allowed and does nothing; a comment may follow after a blank;
 *  - no blanks around '=' ("A = 1" runs A in a shell: an error);
 *  - VALUE is one shell word: parts outside quotes, in '...' (literal)
 *    and in "..." concatenate; a blank ends it unless quoted;
 *  - outside quotes, \c is c and backslash-newline is removed; in "...",
 *    \ escapes only $ ` " \ and newline, otherwise it stays; a backslash
 *    at the very end of the text is kept;
 *  - quotes may span lines;
 *  - $NAME, ${NAME}, ${NAME-word}, ${NAME:-word}, ${NAME+word} and
 *    ${NAME:+word}; an unset NAME is ""; $ before anything else that is
 *    not special is a literal $;
 *  - ~ at the start of a value or after an unquoted : is $HOME;
 *  - errors, never run or guessed at: $(...), `...`, $((...)), $[...],
 *    other ${...} operators, $1 $@ $? and the other special parameters,
 *    $'...' and $"...", ~user, unquoted ; & | < > ( ) { }, a carriage
 *    return outside quotes, a NUL byte, and any line that is not an
 *    assignment (source x, if ..., A=1 cmd).
 */
int	envfile_parse(const char *path, const char *text, size_t len,
	    envfile_lookup_fn lookup, void *arg, struct envfile_var **vars,
	    int *nvars, char **cause);

/*
 * Read and parse the file at path, as envfile_parse. A leading '-' makes
 * the file optional, as in systemd: "-/etc/x.env" that does not exist
 * adds nothing and returns 0.
 */
int	envfile_load(const char *path, envfile_lookup_fn lookup, void *arg,
	    struct envfile_var **vars, int *nvars, char **cause);

/* The value of name (borrowed), or NULL. */
const char *envfile_find(const struct envfile_var *vars, int nvars,
	    const char *name);

/* A lookup function for getenv(3); arg is unused. */
const char *envfile_getenv(const char *name, void *arg);

void	envfile_free(struct envfile_var *vars, int nvars);

#endif
