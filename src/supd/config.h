/*
 * The loaded configuration: supervisord.conf read the way Supervisor 4.2.5
 * reads it, turned into immutable structs. A reload builds a new struct
 * config and diffs it against the running one; the old one stays on error.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdint.h>
#include <sys/types.h>

enum autorestart {
	AUTORESTART_FALSE,
	AUTORESTART_UNEXPECTED,
	AUTORESTART_TRUE,
};

enum logfile_kind {
	LOGFILE_NONE,		/* NONE, OFF, or syslog only */
	LOGFILE_AUTO,		/* AUTO: a file in childlogdir */
	LOGFILE_PATH,
};

/* One output channel of a program: stdout or stderr. */
struct channel_config {
	char			*logfile;	/* LOGFILE_PATH, or AUTO once named */
	int64_t			 maxbytes;
	int64_t			 capture_maxbytes;
	enum logfile_kind	 kind;
	int			 backups;
	int			 events_enabled;
	int			 syslog;
};

struct env_var {
	char	*name;
	char	*value;
};

enum group_kind {
	GROUP_PROGRAM,		/* [program:x] or [group:x] */
	GROUP_FCGI,		/* [fcgi-program:x] */
	GROUP_LISTENER,		/* [eventlistener:x] */
};

struct group_config;
struct check_spec;

/* A list of strings, for comma-separated values. */
struct config_list {
	char	**items;
	int	  n;
};

/* [consul] and [etcd]; NULL strings take the defaults (registry.h). */
struct registry_config {
	int	 consul;		/* a [consul] section exists */
	char	*consul_address;
	char	*consul_scheme;
	char	*consul_token;
	char	*consul_ca_file;
	char	*consul_cert_file;
	char	*consul_key_file;
	int	 etcd;			/* an [etcd] section exists */
	char	*etcd_endpoints;
};

/*
 * depends_on=: the names as written (split at commas, stripped) and where
 * the option was set, so the graph's errors can say file:line.
 */
struct depends_config {
	char	**names;
	int	  nnames;
	char	 *file;
	int	  line;
};
struct config_dump;

/*
 * supd's own options of a process, which Supervisor has no keys for:
 * readiness, health, registration, dependencies, recycling. Out of line
 * and immutable once read, so that processes with equal settings share
 * one (config_process_ext_share): most programs set none of these, and a
 * thousand of them then cost one copy, not a thousand.
 */
struct process_ext {
	int			 refs;
	/* Readiness and health checks (supd's own; not in listeners). */
	struct check_spec	*ready_check;	/* NULL: ready once started */
	int			 ready_timeout;	/* s */
	struct check_spec	*health_check;	/* NULL: none */
	int			 health_interval;	/* s */
	int			 health_timeout;	/* s */
	int			 health_retries;
	/* Service registration (config-registry.c reads [consul], [etcd]). */
	char			*consul_service;	/* NULL: not in Consul */
	int			 consul_port;		/* 0: service_port */
	char			*consul_address;	/* NULL: service_address */
	struct config_list	 consul_tags;
	struct config_list	 consul_meta;		/* "k=v" items */
	int			 consul_check;		/* enum registry_check */
	char			*etcd_key;		/* NULL: not in etcd */
	char			*etcd_value;		/* NULL: the default JSON */
	int			 etcd_ttl;
	char			*service_address;	/* NULL: this host's name */
	int			 service_port;		/* 0: none */
	struct depends_config	 depends_on;	/* read once per section */
	/* Recycling (recycle.c); 0 is off. Supervisor has none of these. */
	int64_t			 max_rss;	/* bytes, with descendants */
	int			 max_rss_secs;
	int			 max_uptime;	/* seconds in RUNNING */
	int			 max_uptime_jitter;
};

/* One process of a program; fields are ordered to leave no holes. */
struct process_config {
	char			*name;
	char			*program;	/* the section's program name */
	struct group_config	*group;
	char			*command;
	char			*directory;	/* NULL: the daemon's */
	char			*user;		/* NULL: no switch */
	char			*serverurl;	/* NULL: the daemon's own */
	/* supd's own options, shared (see struct process_ext). */
	struct process_ext	*ext;
	struct channel_config	 out;
	struct channel_config	 err;
	uid_t			 uid;
	gid_t			 gid;
	int			 umask;		/* -1: inherit */
	int			 priority;
	int			 autostart;
	enum autorestart	 autorestart;
	int			 startsecs;
	int			 startretries;
	int			 stopsignal;
	int			 stopwaitsecs;
	int			 stopasgroup;
	int			 killasgroup;
	int			 redirect_stderr;
	int			 process_num;
	int			 numprocs;
	int			 numprocs_start;
	int			*exitcodes;
	int			 nexitcodes;
	int			 nenv;
	struct env_var		*env;	/* [supervisord] environment, then ours */
	/* environment_file=: read at each spawn, under env. */
	char			**envfiles;
	int			 nenvfiles;
	int			 nfileenv;
	/* [supervisord] environment_file's variables, under envfiles'. */
	struct env_var		*fileenv;
};

/* The socket of an [fcgi-program:x], bound by supd and given as fd 0. */
struct fcgi_socket_config {
	char	*url;		/* "tcp://host:port" or "unix:///path" */
	int	 is_unix;
	char	*path;		/* unix */
	char	*host;		/* tcp */
	int	 port;
	int	 backlog;	/* 0: SOMAXCONN */
	int	 mode;		/* unix: -1 unless set (then 0700 default) */
	uid_t	 owner_uid;	/* unix: (uid_t)-1 unless set */
	gid_t	 owner_gid;
};

struct group_config {
	char			 *name;
	int			  refs;	/* the config and a running group */
	enum group_kind		  kind;
	int			  priority;
	int			  nprocs;
	struct process_config	**procs;	/* sorted by priority, name */
	struct fcgi_socket_config *socket;	/* GROUP_FCGI */
	/* GROUP_LISTENER: the pool's buffer, its events (a mask, names). */
	int			  buffer_size;
	int			  nevent_names;
	uint64_t		  events;
	char			**event_names;
	char			 *result_handler;
};

enum server_family {
	SERVER_UNIX,
	SERVER_INET,
};

struct server_config {
	enum server_family	 family;
	char			*section;
	char			*path;		/* unix */
	int			 chmod;		/* unix */
	uid_t			 chown_uid;	/* unix, (uid_t)-1: unchanged */
	gid_t			 chown_gid;
	char			*host;		/* inet: "" for all */
	int			 port;
	char			*username;
	char			*password;	/* may be "{SHA}hex" */
	int64_t			 max_request_body;	/* bytes */
};

/* Values of the command line that override the config file. */
struct cmdline {
	char	*configfile;
	int	 nodaemon;	/* -1: not given */
	int	 silent;
	char	*user;
	int	 umask;		/* -1 */
	char	*directory;
	char	*logfile;
	int64_t	 logfile_maxbytes;	/* -1 */
	int	 logfile_backups;	/* -1 */
	int	 loglevel;		/* -1 */
	char	*pidfile;
	char	*identifier;
	char	*childlogdir;
	int	 nocleanup;
	int	 minfds;		/* -1 */
	int	 minprocs;		/* -1 */
	int	 strip_ansi;
	char	*profile;	/* -P */
	int	 dump;		/* record the effective config (check) */
};

struct config {
	char			 *configfile;	/* absolute */
	char			 *here;		/* its directory */

	/* [supervisord] */
	int			  minfds;
	int			  minprocs;
	char			 *directory;
	char			 *user;
	uid_t			  uid;
	gid_t			  gid;
	int			  umask;
	char			 *logfile;	/* absolute, or "syslog" */
	int64_t			  logfile_maxbytes;
	int			  logfile_backups;
	int			  loglevel;
	char			 *pidfile;
	char			 *identifier;
	int			  nodaemon;
	int			  silent;
	char			 *childlogdir;
	int			  nocleanup;
	int			  strip_ansi;
	struct env_var		 *env;
	int			  nenv;
	/* supd: programs whose death ends the daemon ("*": any). */
	struct config_list	  exit_on_fatal;
	/* environment_file=: its variables, for every child. */
	struct env_var		 *fileenv;
	int			  nfileenv;

	/* %(profile)s and where it came from ("-P", "BK_ENV", ...). */
	char			 *profile;
	const char		 *profile_source;
	/* The effective config, when cmdline's dump asked for it. */
	struct config_dump	 *dump;

	struct group_config	**groups;	/* sorted by priority, name */
	int			  ngroups;
	struct server_config	 *servers;
	int			  nservers;
	char			 *serverurl;	/* for children; NULL if none */
	struct registry_config	  registry;

	/* Messages for the main log once it is open (Supervisor's order). */
	char			**criticals;
	int			  ncriticals;
	char			**warnings;
	int			  nwarnings;
	char			**infos;
	int			  ninfos;
	/* supd's own warnings (also in warnings), for stderr at start. */
	char			**lint;
	int			  nlint;
};

/*
 * Read path (or search Supervisor's default locations when NULL) with the
 * command line's overrides. Returns NULL and sets *errors (caller frees
 * with config_free_errors) to one line per problem found.
 */
struct config	*config_load(const struct cmdline *, char ***errors,
		     int *nerrors);
void		 config_free(struct config *);
void		 config_free_errors(char **, int);
/* Queue a message for the main log; takes ownership of msg. */
void		 config_add_critical(struct config *, char *msg);
void		 config_add_info(struct config *, char *msg);

struct group_config *config_find_group(const struct config *, const char *);
void		 config_group_ref(struct group_config *);
void		 config_group_unref(struct group_config *);
int		 config_group_equal(const struct group_config *,
		     const struct group_config *);
/* One process's settings, numprocs aside (supd.update). */
int		 config_process_equal(const struct process_config *,
		     const struct process_config *);
/* Whether only the group's processes differ, not the group itself. */
int		 config_group_members_only(const struct group_config *,
		     const struct group_config *);
/*
 * supd.scale: the next config_load gives program this numprocs instead
 * of the file's; NULL clears it.
 */
void		 config_override_numprocs(const char *program, int n);
/*
 * The depends_on names of a group's programs as written, each name once,
 * in order (getProcessInfo's depends_on). Caller frees the array; the
 * names are borrowed from the group.
 */
const char	**config_group_depends_on(const struct group_config *, int *n);
/*
 * getAllConfigInfo: call cb with each key, type and value of a process's
 * config, in Supervisor's order. inuse is reported as given.
 */
struct config_info;
void		 config_process_info(const struct process_config *, int inuse,
		     void (*cb)(const struct config_info *, void *), void *arg);
/* The name supervisord gives an AUTO child log; creates the file. */
char		*config_auto_logfile(const struct config *, const char *name,
		     const char *channel, char **cause);

/*
 * Read a program's environment_file= files, as at each spawn: their
 * variables in *vars (free with envfile_free), or -1 with *cause (caller
 * frees) as "path:line: what is wrong".
 */
struct envfile_var;
int		 config_envfile_load(const struct process_config *,
		     struct envfile_var **vars, int *nvars, char **cause);

/* Helpers shared with the RPC layer and supctl. */
int		 config_signal_number(const char *);	/* -1 if unknown */
const char	*config_signal_name(int);	/* "SIGTERM", or NULL */

#endif
