/*
 * The effective config as it was read: every row of every section, with
 * its value after includes, expansions and defaults, for supd check
 * --print. Recorded by the option table engine as it reads each row, so a
 * new option shows up without anything here knowing of it.
 */
#ifndef CONFIG_DUMP_H
#define CONFIG_DUMP_H

#include <stdio.h>

struct config_dump;

struct config_dump *config_dump_create(void);
void	 config_dump_free(struct config_dump *);
/*
 * Record key = value (NULL: not set and no default) of section, at
 * file:line (NULL, 0: a default). A key seen before in the section keeps
 * its first value: numprocs reads some rows once per process.
 */
void	 config_dump_add(struct config_dump *, const char *section,
	     const char *key, const char *value, const char *file, int line);
/* Where section's key was given, as "file:line", or NULL. Borrowed. */
const char *config_dump_where(const struct config_dump *,
	     const char *section, const char *key);
/* Write it as INI, one section after another, in the order read. */
void	 config_dump_write(const struct config_dump *, FILE *);

#endif
