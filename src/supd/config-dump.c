/*
 * Recording the effective config for supd check --print; see
 * config-dump.h. Small and mostly linear: it is filled once, for one
 * command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-dump.h"
#include "xmalloc.h"

struct config_dump_key {
	char	*key;
	char	*value;		/* NULL: not set */
	char	*where;		/* "file:line", or NULL for a default */
};

struct config_dump_section {
	char			*name;
	struct config_dump_key	*keys;
	size_t			 nkeys;
};

struct config_dump {
	struct config_dump_section	*sections;
	size_t				 nsections;
};

struct config_dump *
config_dump_create(void)
{
	return (xcalloc(1, sizeof (struct config_dump)));
}

void
config_dump_free(struct config_dump *d)
{
	struct config_dump_section	*s;
	size_t				 i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsections; i++) {
		s = &d->sections[i];
		for (j = 0; j < s->nkeys; j++) {
			free(s->keys[j].key);
			free(s->keys[j].value);
			free(s->keys[j].where);
		}
		free(s->keys);
		free(s->name);
	}
	free(d->sections);
	free(d);
}

static struct config_dump_section *
config_dump_section(const struct config_dump *d, const char *name)
{
	size_t	i;

	/*
	 * Rows come section after section: the latest one first, or a
	 * config of thousands of programs takes a quadratic time to check.
	 */
	if (d->nsections > 0 &&
	    strcmp(d->sections[d->nsections - 1].name, name) == 0)
		return (&d->sections[d->nsections - 1]);
	for (i = 0; i < d->nsections; i++) {
		if (strcmp(d->sections[i].name, name) == 0)
			return (&d->sections[i]);
	}
	return (NULL);
}

static struct config_dump_key *
config_dump_key(const struct config_dump_section *s, const char *key)
{
	size_t	i;

	for (i = 0; i < s->nkeys; i++) {
		if (strcmp(s->keys[i].key, key) == 0)
			return (&s->keys[i]);
	}
	return (NULL);
}

/* Record one row's value; see config-dump.h. */
void
config_dump_add(struct config_dump *d, const char *section, const char *key,
    const char *value, const char *file, int line)
{
	struct config_dump_section	*s;
	struct config_dump_key		*k;

	if ((s = config_dump_section(d, section)) == NULL) {
		d->sections = xreallocarray(d->sections, d->nsections + 1,
		    sizeof *d->sections);
		s = &d->sections[d->nsections++];
		memset(s, 0, sizeof *s);
		s->name = xstrdup(section);
	}
	if (config_dump_key(s, key) != NULL)
		return;
	s->keys = xreallocarray(s->keys, s->nkeys + 1, sizeof *s->keys);
	k = &s->keys[s->nkeys++];
	k->key = xstrdup(key);
	k->value = value != NULL ? xstrdup(value) : NULL;
	k->where = file != NULL ? xprintf("%s:%d", file, line) : NULL;
}

const char *
config_dump_where(const struct config_dump *d, const char *section,
    const char *key)
{
	const struct config_dump_section	*s;
	const struct config_dump_key		*k;

	if ((s = config_dump_section(d, section)) == NULL ||
	    (k = config_dump_key(s, key)) == NULL)
		return (NULL);
	return (k->where);
}

/* A value on continuation lines where it has newlines, as INI reads it. */
static void
config_dump_value(const char *v, FILE *f)
{
	for (; *v != '\0'; v++) {
		fputc(*v, f);
		if (*v == '\n')
			fputs("    ", f);
	}
}

void
config_dump_write(const struct config_dump *d, FILE *f)
{
	const struct config_dump_section	*s;
	const struct config_dump_key		*k;
	size_t					 i, j;

	for (i = 0; i < d->nsections; i++) {
		s = &d->sections[i];
		fprintf(f, "%s[%s]\n", i > 0 ? "\n" : "", s->name);
		for (j = 0; j < s->nkeys; j++) {
			k = &s->keys[j];
			if (k->value == NULL) {
				fprintf(f, "; %s is not set\n", k->key);
				continue;
			}
			fprintf(f, "%s = ", k->key);
			config_dump_value(k->value, f);
			fputc('\n', f);
		}
	}
}
