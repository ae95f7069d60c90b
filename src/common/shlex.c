/*
 * The two Python shlex dialects Supervisor uses. shlex.split() (POSIX
 * mode, whitespace_split, no comments) turns command= into argv; the
 * non-POSIX lexer with extra word characters feeds dict_of_key_value_pairs()
 * for environment=. Both follow shlex.read_token() state by state, since
 * the odd corners (quotes inside words, comments that do not end a word)
 * are part of what configs depend on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shlex.h"
#include "utf8.h"
#include "xmalloc.h"

/* shlex's default whitespace; Unicode spaces are ordinary characters. */
#define SHLEX_SPACE	" \t\r\n"

/* Characters of a word for dict_of_key_value_pairs(). */
#define SHLEX_WORD \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" \
	"/.+-():"

enum shlex_state {
	SHLEX_BLANK,		/* between tokens (shlex's ' ') */
	SHLEX_WORD_STATE,	/* in a word ('a') */
	SHLEX_SQUOTE,
	SHLEX_DQUOTE,
	SHLEX_ESCAPE,		/* after a backslash (POSIX only) */
	SHLEX_END		/* past the end (None) */
};

/* A growing string. */
struct shlex_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* A growing list of strings. */
struct shlex_list {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static void
shlex_buf_add(struct shlex_buf *b, const char *p, size_t len)
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
shlex_list_add(struct shlex_list *l, char *s)
{
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap == 0 ? 8 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

static void
shlex_list_free(struct shlex_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Take the token out of b as a new string and empty b. */
static char *
shlex_take(struct shlex_buf *b)
{
	char	*s;

	s = b->s != NULL ? b->s : xstrdup("");
	memset(b, 0, sizeof *b);
	return (s);
}

static int
shlex_in(const char *set, char c)
{
	return (c != '\0' && strchr(set, c) != NULL);
}

/*
 * Length of the character at s: a well-formed UTF-8 sequence is one
 * Python character; any other byte counts alone. s is NUL-terminated, so
 * the check stops at its end.
 */
static size_t
shlex_char_len(const char *s)
{
	size_t	n = utf8_seq_len((const unsigned char *)s, 4);

	return (n == 0 ? 1 : n);
}

/*
 * One step of shlex.split()'s lexer on character c ('\0' at the end).
 * Returns 1 when the token in tok is complete, 0 to go on, -1 on error.
 */
static int
shlex_split_step(enum shlex_state *state, enum shlex_state *escaped,
    int *quoted, struct shlex_buf *tok, char c, char **cause)
{
	switch (*state) {
	case SHLEX_BLANK:
	case SHLEX_WORD_STATE:
		if (c == '\0') {
			*state = SHLEX_END;
			return (tok->len > 0 || *quoted);
		}
		if (shlex_in(SHLEX_SPACE, c)) {
			*state = SHLEX_BLANK;
			return (tok->len > 0 || *quoted);
		}
		if (c == '\'')
			*state = SHLEX_SQUOTE;
		else if (c == '"')
			*state = SHLEX_DQUOTE;
		else if (c == '\\') {
			*escaped = SHLEX_WORD_STATE;
			*state = SHLEX_ESCAPE;
		} else {
			shlex_buf_add(tok, &c, 1);
			*state = SHLEX_WORD_STATE;
		}
		return (0);
	case SHLEX_SQUOTE:
	case SHLEX_DQUOTE:
		*quoted = 1;
		if (c == '\0') {
			*cause = xstrdup("No closing quotation");
			return (-1);
		}
		if (c == (*state == SHLEX_SQUOTE ? '\'' : '"'))
			*state = SHLEX_WORD_STATE;
		else if (c == '\\' && *state == SHLEX_DQUOTE) {
			*escaped = SHLEX_DQUOTE;
			*state = SHLEX_ESCAPE;
		} else
			shlex_buf_add(tok, &c, 1);
		return (0);
	case SHLEX_ESCAPE:
		if (c == '\0') {
			*cause = xstrdup("No escaped character");
			return (-1);
		}
		/* In double quotes only '"' and '\' lose the backslash. */
		if (*escaped == SHLEX_DQUOTE && c != '\\' && c != '"')
			shlex_buf_add(tok, "\\", 1);
		shlex_buf_add(tok, &c, 1);
		*state = *escaped;
		return (0);
	case SHLEX_END:
		break;
	}
	return (0);
}

/* Split like Python's shlex.split(s); see shlex.h. */
char **
shlex_split(const char *s, int *argc, char **cause)
{
	struct shlex_list	 args = { NULL, 0, 0 };
	struct shlex_buf	 tok = { NULL, 0, 0 };
	enum shlex_state	 state = SHLEX_BLANK;
	enum shlex_state	 escaped = SHLEX_WORD_STATE;
	int			 quoted = 0, r;

	shlex_list_add(&args, NULL);
	args.n = 0;
	for (;;) {
		r = shlex_split_step(&state, &escaped, &quoted, &tok, *s,
		    cause);
		if (r == -1) {
			free(tok.s);
			shlex_list_free(&args);
			return (NULL);
		}
		if (r == 1) {
			shlex_list_add(&args, shlex_take(&tok));
			quoted = 0;
		}
		if (state == SHLEX_END)
			break;
		s++;
	}
	free(tok.s);
	*argc = args.n;
	return (args.v);
}

/* Free what shlex_split returned. */
void
shlex_free_argv(char **argv)
{
	char	**p;

	if (argv == NULL)
		return;
	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

/* Skip a comment: the rest of the line and its newline (readline()). */
static const char *
shlex_skip_comment(const char *s)
{
	const char	*nl;

	if ((nl = strchr(s, '\n')) != NULL)
		return (nl + 1);
	return (s + strlen(s));
}

/*
 * Read one token of the non-POSIX lexer into tok, as shlex.read_token()
 * with posix=False. Returns 1 for a token, 0 at the end, -1 on error. A
 * character that ends a word is handed back through *pushback and becomes
 * the next token by itself, as shlex's pushback deque does.
 */
static int
shlex_pairs_token(const char **sp, struct shlex_buf *tok, const char **pushback,
    size_t *pushlen, char **cause)
{
	enum shlex_state	 state = SHLEX_BLANK;
	const char		*s = *sp;
	size_t			 n;
	char			 q = 0;

	for (;; s += n) {
		n = *s == '\0' ? 0 : shlex_char_len(s);
		if (state == SHLEX_SQUOTE) {
			if (*s == '\0') {
				*cause = xstrdup("No closing quotation");
				return (-1);
			}
			shlex_buf_add(tok, s, n);
			if (*s == q) {
				*sp = s + n;
				return (1);
			}
			continue;
		}
		if (*s == '\0') {
			*sp = s;
			return (state == SHLEX_WORD_STATE);
		}
		if (shlex_in(SHLEX_SPACE, *s)) {
			if (state == SHLEX_WORD_STATE) {
				*sp = s + n;
				return (1);
			}
			continue;
		}
		if (*s == '#') {
			/* A comment does not end a word: "a#x\nb" is "ab". */
			s = shlex_skip_comment(s);
			n = 0;
			continue;
		}
		if (n == 1 && shlex_in(SHLEX_WORD, *s)) {
			shlex_buf_add(tok, s, 1);
			state = SHLEX_WORD_STATE;
		} else if (*s == '\'' || *s == '"') {
			shlex_buf_add(tok, s, 1);
			if (state == SHLEX_BLANK) {
				q = *s;
				state = SHLEX_SQUOTE;
			}
		} else if (state == SHLEX_BLANK) {
			shlex_buf_add(tok, s, n);
			*sp = s + n;
			return (1);
		} else {
			*pushback = s;
			*pushlen = n;
			*sp = s + n;
			return (1);
		}
	}
}

/* Split s into the non-POSIX lexer's tokens. */
static int
shlex_pairs_tokens(const char *s, struct shlex_list *l, char **cause)
{
	struct shlex_buf	 tok = { NULL, 0, 0 };
	const char		*pushback = NULL;
	size_t			 pushlen = 0;
	int			 r;

	for (;;) {
		if (pushback != NULL) {
			shlex_list_add(l, xstrndup(pushback, pushlen));
			pushback = NULL;
			continue;
		}
		r = shlex_pairs_token(&s, &tok, &pushback, &pushlen, cause);
		if (r == -1) {
			free(tok.s);
			return (-1);
		}
		if (r == 0)
			break;
		shlex_list_add(l, shlex_take(&tok));
	}
	free(tok.s);
	return (0);
}

/* Python's value.strip('\'"'). Caller frees. */
static char *
shlex_strip_quotes(const char *s)
{
	size_t	 len = strlen(s);

	while (*s == '\'' || *s == '"') {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == '\'' || s[len - 1] == '"'))
		len--;
	return (xstrndup(s, len));
}

/* Set key to value, replacing an earlier value but keeping its place. */
static int
shlex_pairs_set(struct shlex_pair **pairs, int n, const char *key,
    const char *value)
{
	int	 i;

	for (i = 0; i < n; i++) {
		if (strcmp((*pairs)[i].key, key) == 0) {
			free((*pairs)[i].value);
			(*pairs)[i].value = shlex_strip_quotes(value);
			return (n);
		}
	}
	*pairs = xreallocarray(*pairs, n + 1, sizeof **pairs);
	(*pairs)[n].key = xstrdup(key);
	(*pairs)[n].value = shlex_strip_quotes(value);
	return (n + 1);
}

/*
 * Parse environment= like dict_of_key_value_pairs(): tokens go in groups
 * of key, '=', value and one more token that is skipped whatever it is
 * (normally ','). So "A=1 B=2" fails: the space ends a token but is not
 * one, and "B" is taken as the separator.
 */
int
shlex_parse_pairs(const char *s, struct shlex_pair **pairs, char **cause)
{
	struct shlex_list	 l = { NULL, 0, 0 };
	size_t			 i;
	int			 n = 0;

	*pairs = NULL;
	if (shlex_pairs_tokens(s, &l, cause) != 0) {
		shlex_list_free(&l);
		return (-1);
	}
	for (i = 0; i < l.n; i += 4) {
		if (l.n - i < 3 || strcmp(l.v[i + 1], "=") != 0) {
			xasprintf(cause, "Unexpected end of key/value pairs in "
			    "value '%s'", s);
			shlex_free_pairs(*pairs, n);
			*pairs = NULL;
			shlex_list_free(&l);
			return (-1);
		}
		n = shlex_pairs_set(pairs, n, l.v[i], l.v[i + 2]);
	}
	shlex_list_free(&l);
	return (n);
}

/* Free what shlex_parse_pairs returned. */
void
shlex_free_pairs(struct shlex_pair *pairs, int n)
{
	int	 i;

	for (i = 0; i < n; i++) {
		free(pairs[i].key);
		free(pairs[i].value);
	}
	free(pairs);
}
