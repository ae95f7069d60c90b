/*
 * render: fill in a directory of deployment templates (BK-LOG's
 * support-files/templates) from environment files and install them under
 * a root. Needs no daemon. Everything is read and checked first; one
 * unresolved placeholder and nothing at all is written.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "envfile.h"
#include "xmalloc.h"

static int	cmd_render_exec(struct cmd_ctx *, int, char **);

const struct cmd_entry cmd_render_entry = {
	.name = "render",
	.usage = "render <dir> --vars <file> [--vars <file>...] --out <root> "
	    "[--check]",
	.help = "render <dir> --vars <file> [--vars <file>...] --out <root> "
	    "[--check]\n"
	    "\t\t\tWrite every file under the template directory <dir>\n"
	    "\t\t\tto <root>, '#' in its name meaning '/'\n"
	    "\t\t\t(#etc#x.conf is <root>/etc/x.conf), with __NAME__,\n"
	    "\t\t\t{{.NAME}} and {{ .NAME }} replaced by NAME from the\n"
	    "\t\t\tvars files (NAME=VALUE lines as sh reads them, never\n"
	    "\t\t\trun; later files win), then from the environment.\n"
	    "\t\t\tAn unresolved placeholder is listed as file:line and\n"
	    "\t\t\tnothing is written (exit status 2). Files are\n"
	    "\t\t\treplaced atomically and keep the template's mode.\n"
	    "\t\t\tNeeds no daemon.\n"
	    "render ... --check\tOnly check and list what would be written\n",
	.flags = CMD_ARGS_HELP | CMD_HIDDEN | CMD_NOCONFIG,
	.args = { 1, -1, "Error: render requires a template directory",
	    CMD_INVALID_ARGS },
	.exec = cmd_render_exec,
};

/* One template and what it becomes. */
struct cmd_render_file {
	char	*src;		/* the template, as <dir>/<relative path> */
	char	*dst;		/* the file to write */
	mode_t	 mode;
	char	*text;		/* rendered */
	size_t	 len;
	int	 replaced;	/* placeholders filled in */
};

struct cmd_render {
	const char		*dir;
	const char		*root;
	char			**varfiles;
	int			 nvarfiles;
	int			 check;

	struct envfile_var	*vars;
	int			 nvars;
	struct cmd_render_file	*files;
	size_t			 nfiles;
	int			 problems;
};

/* A problem that stops anything being written; printed at once. */
static void __attribute__((format(printf, 2, 3)))
cmd_render_problem(struct cmd_render *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	r->problems++;
}

/* The command line: one directory, --vars (repeated), --out, --check. */
static int
cmd_render_args(struct cmd_render *r, int argc, char **argv)
{
	const char	*opt, *value;
	size_t		 len;
	int		 i;

	for (i = 0; i < argc; i++) {
		opt = argv[i];
		len = strcspn(opt, "=");
		if (strcmp(opt, "--check") == 0) {
			r->check = 1;
			continue;
		}
		if (opt[0] != '-') {
			if (r->dir != NULL) {
				cmd_output("Error: render takes one template "
				    "directory");
				return (-1);
			}
			r->dir = opt;
			continue;
		}
		if ((len != 6 || strncmp(opt, "--vars", 6) != 0) &&
		    (len != 5 || strncmp(opt, "--out", 5) != 0)) {
			cmd_output("Error: render: unknown option %s", opt);
			return (-1);
		}
		if (opt[len] == '=')
			value = opt + len + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			cmd_output("Error: %s needs a value", opt);
			return (-1);
		}
		if (len == 5)
			r->root = value;
		else {
			r->varfiles = xreallocarray(r->varfiles,
			    r->nvarfiles + 1, sizeof *r->varfiles);
			r->varfiles[r->nvarfiles++] = xstrdup(value);
		}
	}
	if (r->dir == NULL || r->root == NULL || *r->root == '\0' ||
	    r->nvarfiles == 0) {
		cmd_output("Error: render requires a template directory, "
		    "--vars FILE and --out ROOT");
		return (-1);
	}
	return (0);
}

/* A placeholder's value: the vars files, then the environment. */
static const char *
cmd_render_lookup(struct cmd_render *r, const char *name)
{
	const char	*v;

	if ((v = envfile_find(r->vars, r->nvars, name)) != NULL)
		return (v);
	return (getenv(name));
}

static int
cmd_render_name_start(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
}

static int
cmd_render_name_char(char c)
{
	return (cmd_render_name_start(c) || (c >= '0' && c <= '9'));
}

/*
 * Is there a placeholder at p? Sets the name and the placeholder's whole
 * length. __NAME__ is the shortest match: the name starts with a letter
 * (___X__ would be ambiguous) and ends at the first "__", so
 * __BK_HOME__/cert/__X__ is two placeholders. {{.NAME}} and {{ .NAME }}
 * allow blanks inside the braces and nothing else of Go's templates.
 */
static int
cmd_render_placeholder(const char *p, const char *end, const char **name,
    size_t *namelen, size_t *len)
{
	const char	*q;

	if (end - p >= 5 && p[0] == '_' && p[1] == '_' &&
	    cmd_render_name_start(p[2]) && p[2] != '_') {
		for (q = p + 2; q < end && cmd_render_name_char(*q); q++) {
			if (q[0] == '_' && q + 1 < end && q[1] == '_') {
				*name = p + 2;
				*namelen = q - *name;
				*len = q + 2 - p;
				return (1);
			}
		}
		return (0);
	}
	if (end - p < 5 || p[0] != '{' || p[1] != '{')
		return (0);
	for (q = p + 2; q < end && (*q == ' ' || *q == '\t'); q++)
		;
	if (q + 1 >= end || *q != '.' || !cmd_render_name_start(q[1]))
		return (0);
	*name = ++q;
	while (q < end && cmd_render_name_char(*q))
		q++;
	*namelen = q - *name;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q + 1 >= end || q[0] != '}' || q[1] != '}')
		return (0);
	*len = q + 2 - p;
	return (1);
}

/* Append len bytes to f's text. */
static void
cmd_render_add(struct cmd_render_file *f, size_t *cap, const char *p,
    size_t len)
{
	if (f->len + len + 1 > *cap) {
		*cap = (f->len + len + 1) * 2;
		f->text = xrealloc(f->text, *cap);
	}
	memcpy(f->text + f->len, p, len);
	f->len += len;
}

/* Whether the placeholder at p was already listed for this line. */
static int
cmd_render_listed(const char **seen, size_t *lens, size_t nseen,
    const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < nseen; i++) {
		if (lens[i] == len && memcmp(seen[i], p, len) == 0)
			return (1);
	}
	return (0);
}

/*
 * Fill in the placeholders of a template's text into f, listing those
 * without a value, each once per line. Values are not scanned again, so a
 * value may contain __X__ or {{.X}} itself.
 */
static void
cmd_render_fill(struct cmd_render *r, struct cmd_render_file *f,
    const char *text, size_t len)
{
	const char	*p = text, *end = text + len, *name, *value;
	const char	**seen = NULL;
	char		*n;
	size_t		 namelen, plen, cap = 0, nseen = 0, *lens = NULL;
	int		 line = 1;

	while (p < end) {
		if (!cmd_render_placeholder(p, end, &name, &namelen, &plen)) {
			if (*p == '\n') {
				line++;
				nseen = 0;
			}
			cmd_render_add(f, &cap, p++, 1);
			continue;
		}
		n = xstrndup(name, namelen);
		if ((value = cmd_render_lookup(r, n)) != NULL) {
			cmd_render_add(f, &cap, value, strlen(value));
			f->replaced++;
		} else if (!cmd_render_listed(seen, lens, nseen, p, plen)) {
			cmd_render_problem(r, "%s:%d: unresolved placeholder "
			    "%.*s", f->src, line, (int)plen, p);
			seen = xreallocarray(seen, nseen + 1, sizeof *seen);
			lens = xreallocarray(lens, nseen + 1, sizeof *lens);
			seen[nseen] = p;
			lens[nseen++] = plen;
		}
		free(n);
		p += plen;
	}
	free(seen);
	free(lens);
	if (f->text == NULL)
		f->text = xstrdup("");
}

/*
 * Where a template goes: <root>/<relative path with '#' as '/'>. Empty
 * parts are dropped; "." and ".." are refused, so nothing lands outside
 * root. Returns the path (caller frees) or NULL.
 */
static char *
cmd_render_target(const char *root, const char *rel)
{
	char	*copy, *part, *save, *dst, *next;
	int	 n = 0;

	copy = xstrdup(rel);
	for (part = copy; *part != '\0'; part++) {
		if (*part == '#')
			*part = '/';
	}
	dst = xstrdup(root);
	for (part = strtok_r(copy, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0) {
			free(dst);
			free(copy);
			return (NULL);
		}
		xasprintf(&next, "%s%s%s", dst, dst[strlen(dst) - 1] == '/' ?
		    "" : "/", part);
		free(dst);
		dst = next;
		n++;
	}
	free(copy);
	if (n == 0) {
		free(dst);
		return (NULL);
	}
	return (dst);
}

/* Read a whole file. Returns 0, or -1 with errno set. */
static int
cmd_render_read(const char *path, char **text, size_t *len)
{
	char	*buf = NULL;
	size_t	 n = 0, cap = 0;
	ssize_t	 got;
	int	 fd, saved;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	for (;;) {
		if (cap - n < 4096) {
			cap = cap == 0 ? 8192 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		if ((got = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			free(buf);
			errno = saved;
			return (-1);
		}
		if (got == 0)
			break;
		n += got;
	}
	close(fd);
	*text = buf;
	*len = n;
	return (0);
}

/* Read one template, render it and check where it goes. */
static void
cmd_render_one(struct cmd_render *r, const char *src, const char *rel,
    mode_t mode)
{
	struct cmd_render_file	*f;
	struct stat		 sb;
	char			*text;
	size_t			 len, i;

	r->files = xreallocarray(r->files, r->nfiles + 1, sizeof *r->files);
	f = &r->files[r->nfiles++];
	memset(f, 0, sizeof *f);
	f->src = xstrdup(src);
	f->mode = mode & 07777;
	if ((f->dst = cmd_render_target(r->root, rel)) == NULL) {
		cmd_render_problem(r, "%s: the name does not give a path under "
		    "%s", src, r->root);
		return;
	}
	for (i = 0; i + 1 < r->nfiles; i++) {
		if (r->files[i].dst != NULL &&
		    strcmp(r->files[i].dst, f->dst) == 0)
			cmd_render_problem(r, "%s: goes to %s, as %s does", src,
			    f->dst, r->files[i].src);
	}
	if (stat(f->dst, &sb) == 0 && S_ISDIR(sb.st_mode))
		cmd_render_problem(r, "%s: goes to %s, which is a directory",
		    src, f->dst);
	if (cmd_render_read(src, &text, &len) != 0) {
		cmd_render_problem(r, "%s: %s", src, strerror(errno));
		return;
	}
	cmd_render_fill(r, f, text, len);
	free(text);
}

/* Every template under dir/rel, in name order. */
static void
cmd_render_walk(struct cmd_render *r, const char *rel)
{
	struct dirent	**ents;
	struct stat	  sb;
	char		 *path, *sub, *dir;
	int		  n, i;

	xasprintf(&dir, "%s%s%s", r->dir, *rel != '\0' ? "/" : "", rel);
	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1) {
		cmd_render_problem(r, "%s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") == 0 ||
		    strcmp(ents[i]->d_name, "..") == 0) {
			free(ents[i]);
			continue;
		}
		xasprintf(&path, "%s/%s", dir, ents[i]->d_name);
		xasprintf(&sub, "%s%s%s", rel, *rel != '\0' ? "/" : "",
		    ents[i]->d_name);
		if (stat(path, &sb) != 0)
			cmd_render_problem(r, "%s: %s", path, strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			cmd_render_walk(r, sub);
		else if (S_ISREG(sb.st_mode))
			cmd_render_one(r, path, sub, sb.st_mode);
		else
			cmd_render_problem(r, "%s: not a regular file", path);
		free(sub);
		free(path);
		free(ents[i]);
	}
	free(ents);
	free(dir);
}

/* mkdir -p for the directory part of path. */
static int
cmd_render_mkdirs(const char *path)
{
	struct stat	 sb;
	char		*copy, *p;
	int		 rc = 0;

	copy = xstrdup(path);
	for (p = copy + 1; rc == 0 && (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0777) != 0 && (errno != EEXIST ||
		    stat(copy, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			fprintf(stderr, "%s: %s\n", copy, strerror(errno));
			rc = -1;
		}
		*p = '/';
	}
	free(copy);
	return (rc);
}

/* Write all of buf to fd. */
static int
cmd_render_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n;
		len -= n;
	}
	return (0);
}

/*
 * Replace f->dst atomically: a temporary file beside it, the template's
 * mode (fchmod, so the umask does not change it), fsync, rename, and an
 * fsync of the directory so the rename survives a crash.
 */
static int
cmd_render_install(const struct cmd_render_file *f)
{
	char	*tmp, *slash, *dir;
	int	 fd, dfd;

	if (cmd_render_mkdirs(f->dst) != 0)
		return (-1);
	slash = strrchr(f->dst, '/');
	dir = xstrndup(f->dst, slash - f->dst + 1);
	xasprintf(&tmp, "%s.%s.XXXXXX", dir, slash + 1);
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "%s: %s\n", tmp, strerror(errno));
		free(tmp);
		free(dir);
		return (-1);
	}
	if (cmd_render_write_all(fd, f->text, f->len) != 0 ||
	    fchmod(fd, f->mode) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, f->dst) != 0) {
		fprintf(stderr, "%s: %s\n", f->dst, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		free(dir);
		return (-1);
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dir);
	return (0);
}

/* Load the vars files in turn, each seeing the ones before. */
static int
cmd_render_load(struct cmd_render *r)
{
	char	*cause;
	int	 i;

	for (i = 0; i < r->nvarfiles; i++) {
		if (envfile_load(r->varfiles[i], envfile_getenv, NULL,
		    &r->vars, &r->nvars, &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			return (-1);
		}
	}
	return (0);
}

static void
cmd_render_free(struct cmd_render *r)
{
	size_t	i;

	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].src);
		free(r->files[i].dst);
		free(r->files[i].text);
	}
	free(r->files);
	for (i = 0; i < (size_t)r->nvarfiles; i++)
		free(r->varfiles[i]);
	free(r->varfiles);
	envfile_free(r->vars, r->nvars);
}

/* Write (or with --check list) every rendered file; exit status. */
static int
cmd_render_output(struct cmd_render *r)
{
	struct cmd_render_file	*f;
	size_t			 i;

	for (i = 0; i < r->nfiles; i++) {
		f = &r->files[i];
		if (!r->check && cmd_render_install(f) != 0)
			return (CMD_GENERIC);
		printf("%s %s (mode %04o, %d placeholder%s) from %s\n",
		    r->check ? "would write" : "wrote", f->dst,
		    (unsigned)f->mode, f->replaced, f->replaced == 1 ? "" : "s",
		    f->src);
	}
	return (CMD_SUCCESS);
}

static int
cmd_render_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_render	r;
	int			rc;

	memset(&r, 0, sizeof r);
	if (cmd_render_args(&r, argc, argv) != 0) {
		cmd_print_help(&cmd_render_entry);
		cmd_render_free(&r);
		return (CMD_INVALID_ARGS);
	}
	if (cmd_render_load(&r) != 0) {
		cmd_render_free(&r);
		return (CMD_INVALID_ARGS);
	}
	cmd_render_walk(&r, "");
	if (r.problems > 0) {
		fprintf(stderr, "supctl: render: %d problem%s, nothing "
		    "written\n", r.problems, r.problems == 1 ? "" : "s");
		rc = CMD_INVALID_ARGS;
	} else
		rc = cmd_render_output(&r);
	cmd_render_free(&r);
	return (rc);
}
