/*
 * Options as data: one row per option (key, the sections it is valid in,
 * its type, default and place in a struct) drives parsing, defaults,
 * copying, the equality reread uses and getAllConfigInfo. A new option is
 * one row, plus a type when none of the common ones fits.
 */
#ifndef CONFIG_TABLE_H
#define CONFIG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct config_ctx;
struct config_list;
struct config_row;
struct expand_vars;
struct ini_section;

/* Section kinds, as a mask in each row. */
#define CONFIG_S_PROGRAM	0x0001	/* [program:x] */
#define CONFIG_S_FCGI		0x0002	/* [fcgi-program:x] */
#define CONFIG_S_LISTENER	0x0004	/* [eventlistener:x] */
#define CONFIG_S_GROUP		0x0008	/* [group:x] */
#define CONFIG_S_UNIX		0x0010	/* [unix_http_server] */
#define CONFIG_S_INET		0x0020	/* [inet_http_server] */
#define CONFIG_S_CTL		0x0040	/* [supervisorctl] */
#define CONFIG_S_SUPERVISORD	0x0080	/* [supervisord] */
#define CONFIG_S_PROCESS \
	(CONFIG_S_PROGRAM|CONFIG_S_FCGI|CONFIG_S_LISTENER)

/* Row flags. */
#define CONFIG_F_RAW		0x01	/* fetched without %(name)s expansion */
#define CONFIG_F_PROCESS	0x02	/* read again for each process_num */
#define CONFIG_F_NOEQUAL	0x04	/* not compared by reread */

/* What getAllConfigInfo reports for one row. */
enum config_info_type {
	CONFIG_INFO_BOOL,
	CONFIG_INFO_INT,
	CONFIG_INFO_STRING,
	CONFIG_INFO_INTS,	/* an array of ints */
};

struct config_info {
	const char		*key;
	enum config_info_type	 type;
	long long		 num;
	const char		*str;
	const int		*ints;
	int			 nints;
};

/* One object being read from one section. */
struct config_parse {
	struct config_ctx		*ctx;
	const struct ini_section	*sec;
	int				 kind;	/* CONFIG_S_* of sec */
	struct expand_vars		*vars;
	void				*obj;
};

/*
 * A type: how a value becomes a field and what the field takes to free,
 * copy, compare and report. conv returns 0, or -1 with *cause (caller
 * frees) in the house form ("'ten' is not an integer (expected ...)");
 * the caller adds file, line, section and key. Hooks left NULL mean a
 * plain value of size bytes (no heap memory, memcmp equality).
 */
struct config_type {
	const char	*name;
	size_t		 size;
	int		 flags;		/* CONFIG_F_* implied by the type */
	int		(*conv)(struct config_parse *,
			    const struct config_row *, const char *value,
			    char **cause);
	void		(*free)(const struct config_row *, void *obj);
	void		(*copy)(const struct config_row *, void *dst,
			    const void *src);
	int		(*equal)(const struct config_row *, const void *a,
			    const void *b);
	/* Fill in type/num/str/ints; inuse is getAllConfigInfo's. */
	void		(*info)(const struct config_row *, const void *obj,
			    int inuse, struct config_info *);
};

struct config_row {
	const char		*name;		/* NULL: reported, not read */
	int			 sections;	/* CONFIG_S_* */
	const struct config_type *type;
	const char		*def;		/* NULL: absent unless set */
	size_t			 offset;
	int			 flags;		/* CONFIG_F_* */
	const char		*info;		/* getAllConfigInfo key */
	/* A default that depends on other values (killasgroup, TMPDIR). */
	const char		*(*def_fn)(struct config_parse *);
};

/* struct config_list is in config.h. */

extern const struct config_type config_type_int;	/* Python int() */
extern const struct config_type config_type_bool;
extern const struct config_type config_type_bytes;	/* int64_t, 16MB */
extern const struct config_type config_type_seconds;	/* 30, 30s, 5m, 2h */
extern const struct config_type config_type_string;	/* char *, expanded */
extern const struct config_type config_type_expanded;	/* per process */
extern const struct config_type config_type_optional;	/* "" is NULL */
extern const struct config_type config_type_signal;
extern const struct config_type config_type_octal;
extern const struct config_type config_type_list;	/* struct config_list */

#define CONFIG_FIELD(obj, row) ((void *)((char *)(obj) + (row)->offset))
#define CONFIG_CFIELD(obj, row) \
	((const void *)((const char *)(obj) + (row)->offset))

/* Whether a row applies in this phase: all rows, or only per process. */
enum config_phase {
	CONFIG_PHASE_ONCE,	/* rows read once per section */
	CONFIG_PHASE_PROCESS,	/* rows read for each process_num */
	CONFIG_PHASE_ALL,
};

/*
 * Read the rows of table valid in cp->kind and phase from cp->sec into
 * cp->obj, defaults included. Every problem is reported through the
 * context; returns -1 if there was one.
 */
int	 config_table_parse(struct config_parse *, const struct config_row *,
	     size_t, enum config_phase);
int	 config_row_parse(struct config_parse *, const struct config_row *);
void	 config_table_free(const struct config_row *, size_t, void *obj);
/* Copy every row's field from src into dst (a fresh zeroed object). */
void	 config_table_copy(const struct config_row *, size_t, void *dst,
	     const void *src);
int	 config_table_equal(const struct config_row *, size_t, const void *,
	     const void *);
/* Call cb for every reported row, in table order. */
void	 config_table_info(const struct config_row *, size_t, const void *obj,
	     int inuse, void (*cb)(const struct config_info *, void *),
	     void *arg);
const struct config_row *config_table_find(const struct config_row *, size_t,
	     const char *name, int kind);

void	 config_list_free(struct config_list *);
/* Two arrays of strings, element by element. */
int	 config_strings_equal(char *const *, int, char *const *, int);

/* The hooks of config_type_string, for types that convert differently. */
void	 config_string_free(const struct config_row *, void *);
void	 config_string_copy(const struct config_row *, void *, const void *);
int	 config_string_equal(const struct config_row *, const void *,
	     const void *);
void	 config_string_info(const struct config_row *, const void *, int,
	     struct config_info *);

#endif
