/*
 * INI reader with the exact semantics of Python 3.11's
 * configparser.RawConfigParser(inline_comment_prefixes=(';', '#'),
 * strict=False), as Supervisor 4.2.5 reads supervisord.conf.
 */
#ifndef INI_H
#define INI_H

#include <stddef.h>

#include "hmap.h"

struct ini_option {
	char		*name;	/* lower-cased (optionxform) */
	char		*value;	/* continuation lines joined with '\n' */
	const char	*file;	/* file of the definition in effect */
	int		 line;	/* line of the option's first line */
};

struct ini_section {
	char			*name;	/* exactly as between [ and ] */
	const char		*file;	/* file where the section first appeared */
	int			 line;
	struct ini_option	*options;	/* in order of first appearance */
	size_t			 noptions;
	size_t			 optcap;
	struct hmap		 index;		/* name to position + 1 */
};

struct ini {
	struct ini_section	*sections;	/* in order of first appearance */
	size_t			 nsections;
	size_t			 seccap;
	struct hmap		 index;		/* name to position + 1 */
	struct ini_section	 defaults;	/* [DEFAULT]: applies to all */
	char			**files;	/* owned copies of file names */
	size_t			 nfiles;
};

struct ini	*ini_create(void);
void		 ini_free(struct ini *);

/*
 * Parse a file into ini, merging with what is already there (a repeated
 * section adds to the first, a repeated option replaces the value).
 * Returns 0, or -1 with *cause set (caller frees) to one line per problem,
 * each "file:line: message". Nothing is changed on -1.
 */
int		 ini_read_file(struct ini *, const char *path, char **cause);
int		 ini_read_buffer(struct ini *, const char *name, const char *buf,
		     size_t len, char **cause);

struct ini_section *ini_find_section(const struct ini *, const char *name);
/* Look the option up in the section, then in [DEFAULT]. NULL if absent. */
const struct ini_option *ini_find_option(const struct ini *,
		     const struct ini_section *, const char *name);
/* Set (or add) an option's value in a section; file/line are kept. */
void		 ini_set_value(struct ini_section *, const char *name,
		     const char *value);

#endif
