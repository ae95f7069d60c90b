/*
 * What the config-*.c files share while a config is being read: the
 * loading context, error and warning reporting with file:line, and value
 * lookup with Supervisor's %(name)s expansion. Not for use outside them.
 */
#ifndef CONFIG_PARSE_H
#define CONFIG_PARSE_H

#include <stddef.h>

#include "config.h"
#include "config-table.h"
#include "expand.h"

struct cmdline;
struct config;
struct env_var;
struct group_config;
struct ini;
struct ini_option;
struct ini_section;

struct config_ctx {
	struct ini		*ini;
	const struct cmdline	*cmd;
	struct config		*cf;
	char			**errors;
	int			  nerrors;
	struct expand_vars	  env;		/* ENV_* expansions */
	char			 *node;		/* host_node_name */
	/* The option looked up last, for conversion errors. */
	const struct ini_section *sec;
	const struct ini_option	*opt;
	const char		*optname;
};

void	 config_add_msg(char ***, int *, char *msg);
/* A template placeholder left in v ("{{.x}}", "__X__"), or NULL. */
char	*config_placeholder(const char *v);
/* Report a problem at the option looked up last (see config_at). */
void	 config_error(struct config_ctx *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
/* Queue a warning of supd's own (takes msg), for the main log and stderr. */
void	 config_lint(struct config *, char *msg);
/* The same with file:line of the option looked up last. */
void	 config_warn(struct config_ctx *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 config_at(struct config_ctx *, const struct ini_section *,
	     const char *name);
void	 config_at_none(struct config_ctx *);
int	 config_get(struct config_ctx *, const struct ini_section *,
	     const char *name, const char *def, const struct expand_vars *,
	     char **out);
char	*config_expand(struct config_ctx *, const char *value,
	     const struct expand_vars *, const char *what);
void	 config_base_vars(struct config_ctx *, struct expand_vars *);
int	 config_is_section(const char *name, const char *prefix);

/* [consul] and [etcd] (config-registry.c). */
void	 config_registry(struct config_ctx *);
void	 config_registry_free(struct registry_config *);

/* Environment lists (environment=). */
int	 config_parse_env(struct config_ctx *, const char *,
	     struct env_var **, int *);
void	 config_free_env(struct env_var *, int);
void	 config_merge_env(struct env_var **, int *, const struct env_var *,
	     int);

/* datatypes.existing_directory and existing_dirpath. */
char	*config_existing_directory(struct config_ctx *, const char *);
char	*config_existing_dirpath(struct config_ctx *, const char *);

/* Sections, by role. */
void	 config_supervisord(struct config_ctx *, const struct ini_section *);
void	 config_servers(struct config_ctx *);
void	 config_serverurl(struct config *);
void	 config_free_servers(struct config *);
void	 config_groups(struct config_ctx *);

/* Shared by the program-like sections (config-program.c, config-fcgi.c). */
void	 config_parse_init(struct config_parse *, struct config_ctx *,
	     const struct ini_section *, int kind, struct expand_vars *,
	     void *obj);
int	 config_program_kind(const char *section);
int	 config_program(struct config_ctx *, const struct ini_section *,
	     const char *group_name, struct process_config ***, int *);
struct group_config *config_group_new(struct config_ctx *,
	     const struct ini_section *, enum group_kind, int *bad);
void	 config_add_group(struct config *, struct group_config *);
void	 config_group_free(struct group_config *);
void	 config_fcgi_group(struct config_ctx *, const struct ini_section *);
/* [fcgi-program:x] socket=, into fs (config-fcgi.c). 0 or -1. */
int	 config_fcgi_socket_section(struct config_ctx *,
	     const struct ini_section *, const char *group,
	     struct fcgi_socket_config *);
void	 config_process_free(struct process_config *);
/* A process's struct process_ext: shared by equal ones, freed by the last. */
struct process_ext *config_process_ext_new(void);
struct process_ext *config_process_ext_share(struct process_ext *);
/* The shared defaults, for a section that sets none of supd's keys. */
struct process_ext *config_process_ext_plain(struct config_parse *);
void	 config_process_ext_unref(struct process_ext *);
int	 config_process_ext_equal(const struct process_ext *,
	     const struct process_ext *);

/* environment_file= (config-envfile.c). */
int	 config_envfile_supervisord(struct config_ctx *);
extern const struct config_type	config_type_envfile_server;
extern const struct config_type	config_type_envfile;

/* The option tables of processes (config-process.c) and groups. */
extern const struct config_row	config_process_rows[];
extern const size_t		config_process_nrows;
extern const struct config_row	config_process_ext_rows[];
extern const size_t		config_process_ext_nrows;
extern const struct config_row	config_group_rows[];
extern const size_t		config_group_nrows;

#endif
