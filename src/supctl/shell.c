/*
 * The shell: supervisorctl's cmdloop. On a terminal, libedit edits lines,
 * keeps history (in the plain one-line-per-entry format GNU readline
 * writes, so supervisorctl and supctl can share a history_file) and
 * completes actions and process names with Tab. Otherwise the prompt is
 * written and lines are read plainly, as Python's input() does.
 */
#include <sys/types.h>

#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "client.h"
#include "cmd.h"
#include "shell.h"
#include "xmalloc.h"
#include "xmlrpc.h"

struct shell {
	struct cmd_ctx	*ctx;
	char		*prompt;
	EditLine	*el;
	History		*hist;
	struct xr_value	*infos;		/* completion cache for one line */
};

static struct shell	*shell_current;

static char *
shell_prompt_cb(EditLine *el)
{
	return (shell_current->prompt);
}

/*
 * libedit's reader, so that Ctrl-C at the prompt ends el_gets at once
 * (the built-in one retries an interrupted read) and the shell can leave
 * as supervisorctl does on KeyboardInterrupt.
 */
static int
shell_getc_cb(EditLine *el, wchar_t *wc)
{
	mbstate_t	st;
	char		c;
	ssize_t		n;
	size_t		r;

	memset(&st, 0, sizeof st);
	for (;;) {
		if ((n = read(STDIN_FILENO, &c, 1)) == -1 && errno == EINTR) {
			if (cmd_interrupted)
				return (-1);
			continue;
		}
		if (n <= 0)
			return (n == 0 ? 0 : -1);
		r = mbrtowc(wc, &c, 1, &st);
		if (r == (size_t)-2)
			continue;
		if (r == (size_t)-1)
			*wc = (unsigned char)c;
		return (1);
	}
}

/* ------------------------------------------------------------------ */
/* Completion, as supervisorctl's Controller.complete.                 */

struct shell_matches {
	char	**v;
	size_t	  n;
};

static void
shell_match_add(struct shell_matches *m, const char *s, const char *text)
{
	size_t	i;

	if (strncmp(s, text, strlen(text)) != 0)
		return;
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i], s) == 0)
			return;
	}
	m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
	m->v[m->n++] = xstrdup(s);
}

static void
shell_complete_actions(struct shell_matches *m, const char *text)
{
	const struct cmd_entry	**e;

	shell_match_add(m, "help", text);
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, "EOF") != 0)
			shell_match_add(m, (*e)->name, text);
	}
}

static const struct xr_value *
shell_infos(struct shell *sh)
{
	if (sh->infos == NULL && client_call(sh->ctx->client, &sh->infos,
	    "supervisor.getAllProcessInfo", "") != 0)
		sh->infos = NULL;
	return (sh->infos);
}

/* Group names, or process names ("g:p", "g:*", or "p" alone). */
static void
shell_complete_names(struct shell *sh, struct shell_matches *m,
    const char *text, int groups)
{
	const struct xr_value	*all = shell_infos(sh), *info;
	const char		*g, *p;
	char			*s;
	size_t			 i;

	for (i = 0; all != NULL && all->type == XR_ARRAY && i < all->u.a.n;
	    i++) {
		info = all->u.a.items[i];
		g = cmd_get_string(info, "group");
		p = cmd_get_string(info, "name");
		if (groups)
			shell_match_add(m, g, text);
		else if (strchr(text, ':') != NULL || strcmp(g, p) != 0) {
			xasprintf(&s, "%s:%s", g, p);
			shell_match_add(m, s, text);
			free(s);
			xasprintf(&s, "%s:*", g);
			shell_match_add(m, s, text);
			free(s);
		} else
			shell_match_add(m, p, text);
	}
}

/* Which list to complete from, given the line before the word. */
static void
shell_complete_list(struct shell *sh, const char *line, const char *text,
    struct shell_matches *m)
{
	static const char	*procs[] = { "clear", "fg", "pid", "restart",
	    "signal", "start", "status", "stop", "tail", NULL };
	char			 word[64];
	size_t			 n, i;

	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	if (line[n] == '\0' || n >= sizeof word) {
		shell_complete_actions(m, text);
		return;
	}
	memcpy(word, line, n);
	word[n] = '\0';
	/* supervisorctl tests "action in ('help')", a substring test. */
	if (strstr("help", word) != NULL)
		shell_complete_actions(m, text);
	else if (strcmp(word, "add") == 0 || strcmp(word, "remove") == 0 ||
	    strcmp(word, "update") == 0)
		shell_complete_names(sh, m, text, 1);
	else {
		for (i = 0; procs[i] != NULL; i++) {
			if (strcmp(word, procs[i]) == 0)
				shell_complete_names(sh, m, text, 0);
		}
	}
}

/* Insert the longest common extension; list the choices if none. */
static unsigned char
shell_complete_insert(EditLine *el, struct shell_matches *m, size_t tlen)
{
	size_t	 common, i;
	char	*add;

	if (m->n == 0)
		return (CC_REFRESH_BEEP);
	if (m->n == 1) {
		xasprintf(&add, "%s ", m->v[0] + tlen);
		el_insertstr(el, add);
		free(add);
		return (CC_REFRESH);
	}
	common = strlen(m->v[0]);
	for (i = 1; i < m->n; i++) {
		while (common > 0 && strncmp(m->v[0], m->v[i], common) != 0)
			common--;
	}
	if (common > tlen) {
		add = xstrndup(m->v[0] + tlen, common - tlen);
		el_insertstr(el, add);
		free(add);
		return (CC_REFRESH);
	}
	putchar('\n');
	for (i = 0; i < m->n; i++)
		printf("%s%s", i > 0 ? "  " : "", m->v[i]);
	putchar('\n');
	return (CC_REDISPLAY);
}

/*
 * Tab: the word under the cursor runs back to a delimiter of readline's
 * default set less ':', '*' and '-' (so "group:*" is one word).
 */
static unsigned char
shell_complete_cb(EditLine *el, int ch)
{
	const LineInfo		*li = el_line(el);
	struct shell_matches	 m = { NULL, 0 };
	const char		*start;
	char			*line, *text;
	unsigned char		 rc;
	size_t			 i;

	for (start = li->cursor; start > li->buffer; start--) {
		if (strchr(" \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?",
		    start[-1]) != NULL)
			break;
	}
	line = xstrndup(li->buffer, start - li->buffer);
	text = xstrndup(start, li->cursor - start);
	if (strspn(line, " \t") == strlen(line) && *text == '\0')
		shell_complete_actions(&m, text);
	else if (strspn(line, " \t") == strlen(line))
		shell_complete_actions(&m, text);
	else
		shell_complete_list(shell_current, line, text, &m);
	rc = shell_complete_insert(el, &m, strlen(text));
	for (i = 0; i < m.n; i++)
		free(m.v[i]);
	free(m.v);
	free(line);
	free(text);
	return (rc);
}

/*
 * Ctrl-D: end of input on an empty line, without the "^D" libedit's own
 * binding prints (readline prints nothing); otherwise delete forward.
 */
static unsigned char
shell_eof_cb(EditLine *el, int ch)
{
	const LineInfo	*li = el_line(el);

	if (li->buffer == li->lastchar)
		return (CC_EOF);
	if (li->cursor == li->lastchar)
		return (CC_NORM);
	el_cursor(el, 1);
	el_deletestr(el, 1);
	return (CC_REFRESH);
}

/* ------------------------------------------------------------------ */
/* History files: one entry a line, as GNU readline writes them.       */

static void
shell_history_load(struct shell *sh, const char *path)
{
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;
	HistEvent	 ev;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return;
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		history(sh->hist, &ev, H_ENTER, line);
	}
	free(line);
	fclose(f);
}

static void
shell_history_save(struct shell *sh, const char *path)
{
	FILE		*f;
	HistEvent	 ev;
	int		 rc;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	/* H_LAST is the oldest entry; H_PREV walks toward the newest. */
	for (rc = history(sh->hist, &ev, H_LAST); rc != -1;
	    rc = history(sh->hist, &ev, H_PREV))
		fprintf(f, "%s\n", ev.str);
	fclose(f);
}

static void
shell_edit_init(struct shell *sh, const char *progname)
{
	HistEvent	ev;

	setlocale(LC_CTYPE, "");
	sh->el = el_init(progname, stdin, stdout, stderr);
	sh->hist = history_init();
	history(sh->hist, &ev, H_SETSIZE, 100000);
	el_set(sh->el, EL_EDITOR, "emacs");
	el_set(sh->el, EL_PROMPT, shell_prompt_cb);
	el_set(sh->el, EL_HIST, history, sh->hist);
	el_set(sh->el, EL_GETCFN, shell_getc_cb);
	/*
	 * The wide call: the narrow EL_ADDFN duplicates the name and help
	 * and never frees them (LeakSanitizer sees it); these live for ever.
	 */
	el_wset(sh->el, EL_ADDFN, L"supctl-complete", L"Complete an action "
	    "or a name", shell_complete_cb);
	el_set(sh->el, EL_BIND, "^I", "supctl-complete", NULL);
	el_wset(sh->el, EL_ADDFN, L"supctl-eof", L"End of input or delete",
	    shell_eof_cb);
	el_set(sh->el, EL_BIND, "^D", "supctl-eof", NULL);
	el_source(sh->el, NULL);
}

/* One line from libedit or a plain read; NULL at the end of input. */
static char *
shell_read(struct shell *sh)
{
	const char	*got;
	char		*line;
	int		 count;
	HistEvent	 ev;

	if (sh->el == NULL)
		return (cmd_read_line(sh->prompt, &line) == 0 ? line : NULL);
	if ((got = el_gets(sh->el, &count)) == NULL || count <= 0)
		return (NULL);
	line = xstrdup(got);
	line[strcspn(line, "\n")] = '\0';
	if (*line != '\0')
		history(sh->hist, &ev, H_ENTER, line);
	return (line);
}

/*
 * cmdloop: queue "status", then read and run lines. End of input runs
 * "EOF"; Ctrl-C leaves with an empty line, as KeyboardInterrupt does.
 */
void
shell_run(struct cmd_ctx *ctx, const char *prompt, const char *history)
{
	struct shell	 sh;
	char		*line;
	int		 rc;

	memset(&sh, 0, sizeof sh);
	sh.ctx = ctx;
	xasprintf(&sh.prompt, "%s> ", prompt);
	shell_current = &sh;
	cmd_catch_interrupts(1);
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		shell_edit_init(&sh, "supctl");
		shell_history_load(&sh, history);
	}
	rc = cmd_execute(ctx, "status");
	while (rc != CMD_STOP && !cmd_interrupted) {
		fflush(stdout);
		xr_free(sh.infos);
		sh.infos = NULL;
		if ((line = shell_read(&sh)) == NULL) {
			if (cmd_interrupted)
				break;
			line = xstrdup("EOF");
		}
		rc = cmd_execute(ctx, line);
		free(line);
	}
	if (cmd_interrupted)
		putchar('\n');
	if (sh.el != NULL) {
		shell_history_save(&sh, history);
		el_end(sh.el);
		history_end(sh.hist);
	}
	xr_free(sh.infos);
	free(sh.prompt);
}
