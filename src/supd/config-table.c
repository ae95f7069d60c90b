/*
 * The engine behind option tables and the common value types. Sections
 * are read, defaulted, copied, compared and reported row by row; what is
 * particular to one option lives in its type (config-process.c,
 * config-program.c, config-fcgi.c and config-server.c define the odd
 * ones).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-dump.h"
#include "config-parse.h"
#include "config-table.h"
#include "config-value.h"
#include "expand.h"
#include "ini.h"
#include "xmalloc.h"

static int
config_table_conv_int(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	long long	v;

	if (cv_int(value, &v, cause) != 0)
		return (-1);
	if (v < INT_MIN || v > INT_MAX) {
		xasprintf(cause, "%lld is out of range (expected %d to %d)", v,
		    INT_MIN, INT_MAX);
		return (-1);
	}
	*(int *)CONFIG_FIELD(cp->obj, row) = (int)v;
	return (0);
}

static void
config_table_info_int(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_INT;
	ci->num = *(const int *)CONFIG_CFIELD(obj, row);
}

const struct config_type config_type_int = {
	"int", sizeof (int), 0, config_table_conv_int, NULL, NULL, NULL,
	config_table_info_int
};

static int
config_table_conv_bool(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	return (cv_bool(value, CONFIG_FIELD(cp->obj, row), cause));
}

static void
config_table_info_bool(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_BOOL;
	ci->num = *(const int *)CONFIG_CFIELD(obj, row);
}

const struct config_type config_type_bool = {
	"bool", sizeof (int), 0, config_table_conv_bool, NULL, NULL, NULL,
	config_table_info_bool
};

static int
config_table_conv_bytes(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	return (cv_byte_size(value, CONFIG_FIELD(cp->obj, row), cause));
}

static void
config_table_info_bytes(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	ci->type = CONFIG_INFO_INT;
	ci->num = *(const int64_t *)CONFIG_CFIELD(obj, row);
}

const struct config_type config_type_bytes = {
	"bytes", sizeof (int64_t), 0, config_table_conv_bytes, NULL, NULL,
	NULL, config_table_info_bytes
};

/*
 * A duration in whole seconds for options Supervisor does not have: a
 * number, optionally followed by s, m, h or d.
 */
static int
config_table_conv_seconds(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	static const struct {
		char		unit;
		long long	mult;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char		*s, *end;
	size_t		 len, i;
	long long	 v, mult = 1;
	int		 ok;

	s = cv_strip(value);
	len = strlen(s);
	for (i = 0; len > 1 && i < sizeof units / sizeof units[0]; i++) {
		if (s[len - 1] == units[i].unit) {
			s[--len] = '\0';
			mult = units[i].mult;
			break;
		}
	}
	end = NULL;
	ok = len > 0 && s[0] >= '0' && s[0] <= '9';
	if (ok) {
		v = strtoll(s, &end, 10);
		ok = *end == '\0' && v <= INT_MAX / mult;
	}
	free(s);
	if (!ok) {
		xasprintf(cause, "'%s' is not a duration (expected whole "
		    "seconds, or a number with s, m, h or d, e.g. 30s or 5m)",
		    value);
		return (-1);
	}
	*(int *)CONFIG_FIELD(cp->obj, row) = (int)(v * mult);
	return (0);
}

const struct config_type config_type_seconds = {
	"seconds", sizeof (int), 0, config_table_conv_seconds, NULL, NULL,
	NULL, config_table_info_int
};

static int
config_table_conv_string(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	**field = CONFIG_FIELD(cp->obj, row);

	free(*field);
	*field = xstrdup(value);
	return (0);
}

void
config_string_free(const struct config_row *row, void *obj)
{
	char	**field = CONFIG_FIELD(obj, row);

	free(*field);
	*field = NULL;
}

void
config_string_copy(const struct config_row *row, void *dst,
    const void *src)
{
	const char	*s = *(char *const *)CONFIG_CFIELD(src, row);

	*(char **)CONFIG_FIELD(dst, row) = s != NULL ? xstrdup(s) : NULL;
}

int
config_string_equal(const struct config_row *row, const void *a,
    const void *b)
{
	const char	*x = *(char *const *)CONFIG_CFIELD(a, row);
	const char	*y = *(char *const *)CONFIG_CFIELD(b, row);

	if (x == NULL || y == NULL)
		return (x == y);
	return (strcmp(x, y) == 0);
}

/* Supervisor reports an unset string as "none". */
void
config_string_info(const struct config_row *row, const void *obj,
    int inuse, struct config_info *ci)
{
	const char	*s = *(char *const *)CONFIG_CFIELD(obj, row);

	ci->type = CONFIG_INFO_STRING;
	ci->str = s != NULL ? s : "none";
}

const struct config_type config_type_string = {
	"string", sizeof (char *), 0, config_table_conv_string,
	config_string_free, config_string_copy,
	config_string_equal, config_string_info
};

const struct config_type config_type_expanded = {
	"expanded", sizeof (char *), CONFIG_F_PROCESS,
	config_table_conv_string, config_string_free,
	config_string_copy, config_string_equal,
	config_string_info
};

/* As expanded, but an empty value is no value, so a variable can turn
 * the option off (consul_service = %(ENV_X)s with X empty). */
static int
config_table_conv_optional(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	**field = CONFIG_FIELD(cp->obj, row);

	free(*field);
	*field = *value == '\0' ? NULL : xstrdup(value);
	return (0);
}

const struct config_type config_type_optional = {
	"optional", sizeof (char *), CONFIG_F_PROCESS,
	config_table_conv_optional, config_string_free,
	config_string_copy, config_string_equal,
	config_string_info
};

static int
config_table_conv_signal(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	return (cv_signal(value, CONFIG_FIELD(cp->obj, row), cause));
}

const struct config_type config_type_signal = {
	"signal", sizeof (int), 0, config_table_conv_signal, NULL, NULL, NULL,
	config_table_info_int
};

static int
config_table_conv_octal(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	return (cv_octal(value, CONFIG_FIELD(cp->obj, row), cause));
}

const struct config_type config_type_octal = {
	"octal", sizeof (int), 0, config_table_conv_octal, NULL, NULL, NULL,
	config_table_info_int
};

/* Comma-separated, each item stripped, empty items dropped. */
static int
config_table_conv_list(struct config_parse *cp, const struct config_row *row,
    const char *value, char **cause)
{
	struct config_list	*l = CONFIG_FIELD(cp->obj, row);
	char			*copy, *item, *save, *s;

	config_list_free(l);
	copy = xstrdup(value);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		s = cv_strip(item);
		if (*s == '\0') {
			free(s);
			continue;
		}
		l->items = xreallocarray(l->items, l->n + 1, sizeof *l->items);
		l->items[l->n++] = s;
	}
	free(copy);
	return (0);
}

static void
config_table_free_list(const struct config_row *row, void *obj)
{
	config_list_free(CONFIG_FIELD(obj, row));
}

static void
config_table_copy_list(const struct config_row *row, void *dst,
    const void *src)
{
	const struct config_list	*s = CONFIG_CFIELD(src, row);
	struct config_list		*d = CONFIG_FIELD(dst, row);
	int				 i;

	d->n = s->n;
	d->items = s->n > 0 ? xcalloc(s->n, sizeof *d->items) : NULL;
	for (i = 0; i < s->n; i++)
		d->items[i] = xstrdup(s->items[i]);
}

int
config_strings_equal(char *const *a, int na, char *const *b, int nb)
{
	int	i;

	if (na != nb)
		return (0);
	for (i = 0; i < na; i++) {
		if (strcmp(a[i], b[i]) != 0)
			return (0);
	}
	return (1);
}

static int
config_table_equal_list(const struct config_row *row, const void *a,
    const void *b)
{
	const struct config_list	*x = CONFIG_CFIELD(a, row);
	const struct config_list	*y = CONFIG_CFIELD(b, row);

	return (config_strings_equal(x->items, x->n, y->items, y->n));
}

const struct config_type config_type_list = {
	"list", sizeof (struct config_list), 0, config_table_conv_list,
	config_table_free_list, config_table_copy_list,
	config_table_equal_list, NULL
};

void
config_list_free(struct config_list *l)
{
	int	i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/*
 * Record a row's value for check --print. A raw row (its type expands
 * it, or not at all) is shown expanded when it can be, quietly as it is
 * when not: process_name then reads as the name, not %(program_name)s.
 */
static void
config_table_dump(struct config_parse *cp, const struct config_row *row,
    const char *value, int flags)
{
	const struct ini_option	*opt = cp->ctx->opt;
	char			*shown = NULL, *cause = NULL;

	if (value != NULL && (flags & CONFIG_F_RAW) && cp->vars != NULL)
		shown = expand_format(value, cp->vars, row->name, &cause);
	free(cause);
	config_dump_add(cp->ctx->cf->dump, cp->sec->name, row->name,
	    shown != NULL ? shown : value, opt != NULL ? opt->file : NULL,
	    opt != NULL ? opt->line : 0);
	free(shown);
}

/* Read one row: the value or its default, expanded, then converted. */
int
config_row_parse(struct config_parse *cp, const struct config_row *row)
{
	const char	*def;
	char		*value, *cause = NULL;
	int		 flags = row->flags | row->type->flags, rc;

	def = row->def_fn != NULL ? row->def_fn(cp) : row->def;
	if (config_get(cp->ctx, cp->sec, row->name, def,
	    (flags & CONFIG_F_RAW) ? NULL : cp->vars, &value) != 0)
		return (-1);
	if (cp->ctx->cf->dump != NULL)
		config_table_dump(cp, row, value, flags);
	if (value == NULL)
		return (0);
	if ((rc = row->type->conv(cp, row, value, &cause)) != 0 &&
	    cause != NULL)
		config_error(cp->ctx, "%s", cause);
	free(cause);
	free(value);
	return (rc);
}

static int
config_table_in_phase(const struct config_row *row, enum config_phase phase)
{
	int	per = (row->flags | row->type->flags) & CONFIG_F_PROCESS;

	switch (phase) {
	case CONFIG_PHASE_ONCE:
		return (!per);
	case CONFIG_PHASE_PROCESS:
		return (per);
	default:
		return (1);
	}
}

int
config_table_parse(struct config_parse *cp, const struct config_row *table,
    size_t n, enum config_phase phase)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < n; i++) {
		if (table[i].name == NULL ||
		    (table[i].sections & cp->kind) == 0 ||
		    !config_table_in_phase(&table[i], phase))
			continue;
		if (config_row_parse(cp, &table[i]) != 0)
			bad = 1;
	}
	config_at_none(cp->ctx);
	return (bad ? -1 : 0);
}

/* Whether an earlier row holds the same field (priority in two kinds). */
static int
config_table_shared(const struct config_row *table, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++) {
		if (table[j].name != NULL &&
		    table[j].offset == table[i].offset &&
		    table[j].type == table[i].type)
			return (1);
	}
	return (0);
}

void
config_table_free(const struct config_row *table, size_t n, void *obj)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (table[i].name != NULL && table[i].type->free != NULL &&
		    !config_table_shared(table, i))
			table[i].type->free(&table[i], obj);
	}
}

void
config_table_copy(const struct config_row *table, size_t n, void *dst,
    const void *src)
{
	const struct config_row	*row;
	size_t			 i;

	for (i = 0; i < n; i++) {
		row = &table[i];
		if (row->name == NULL || config_table_shared(table, i))
			continue;
		if (row->type->copy != NULL)
			row->type->copy(row, dst, src);
		else {
			memcpy(CONFIG_FIELD(dst, row), CONFIG_CFIELD(src, row),
			    row->type->size);
		}
	}
}

int
config_table_equal(const struct config_row *table, size_t n, const void *a,
    const void *b)
{
	const struct config_row	*row;
	size_t			 i;

	for (i = 0; i < n; i++) {
		row = &table[i];
		if (row->name == NULL || (row->flags & CONFIG_F_NOEQUAL))
			continue;
		if (row->type->equal != NULL) {
			if (!row->type->equal(row, a, b))
				return (0);
		} else if (memcmp(CONFIG_CFIELD(a, row), CONFIG_CFIELD(b, row),
		    row->type->size) != 0)
			return (0);
	}
	return (1);
}

void
config_table_info(const struct config_row *table, size_t n, const void *obj,
    int inuse, void (*cb)(const struct config_info *, void *), void *arg)
{
	struct config_info	ci;
	size_t			i;

	for (i = 0; i < n; i++) {
		if (table[i].info == NULL || table[i].type->info == NULL)
			continue;
		memset(&ci, 0, sizeof ci);
		ci.key = table[i].info;
		table[i].type->info(&table[i], obj, inuse, &ci);
		cb(&ci, arg);
	}
}

/* The first row named name valid in one of the kinds, or NULL. */
const struct config_row *
config_table_find(const struct config_row *table, size_t n, const char *name,
    int kinds)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (table[i].name != NULL && (table[i].sections & kinds) &&
		    strcmp(table[i].name, name) == 0)
			return (&table[i]);
	}
	return (NULL);
}

/* Start reading one object of a section. */
void
config_parse_init(struct config_parse *cp, struct config_ctx *ctx,
    const struct ini_section *sec, int kind, struct expand_vars *vars,
    void *obj)
{
	memset(cp, 0, sizeof *cp);
	cp->ctx = ctx;
	cp->sec = sec;
	cp->kind = kind;
	cp->vars = vars;
	cp->obj = obj;
}
