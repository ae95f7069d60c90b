/*
 * supctl's commands: one struct cmd_entry per command (cmd-<name>.c), the
 * table in cmd.c, and the helpers the commands share.
 */
#ifndef CMD_H
#define CMD_H

#include <signal.h>
#include <stddef.h>

struct client;
struct xr_value;

/* Exit statuses, as supervisorctl's LSBInitExitStatuses. */
#define CMD_SUCCESS		0
#define CMD_GENERIC		1
#define CMD_INVALID_ARGS	2
#define CMD_UNIMPLEMENTED	3
#define CMD_INSUFFICIENT_PRIVS	4
#define CMD_NOT_INSTALLED	5
#define CMD_NOT_RUNNING		7
/* And LSBStatusExitStatuses, for status only. */
#define CMD_STATUS_NOT_RUNNING	3
#define CMD_STATUS_UNKNOWN	4

/*
 * What exec returns when a call failed in a way the command does not
 * handle (supervisorctl lets the exception reach onecmd): the dispatcher
 * reports the client's error or fault and the status becomes 1.
 */
#define CMD_FAILED		(-1)
/* What quit, exit and EOF return: leave the shell. */
#define CMD_STOP		(-2)

/* Where settings came from, for error messages that say what to fix. */
struct cmd_origin {
	const char	*config;	/* config file read, or NULL */
	const char	*serverurl;	/* "-s", "config" or "default" */
	const char	*auth;		/* "-u/-p", "config" or NULL */
};

struct cmd_ctx {
	struct client		*client;
	int			 interactive;
	struct cmd_origin	 origin;
	const char		*arg;	/* the arguments as typed, stripped */
};

#define CMD_UPCHECK	0x1	/* check the server before the arguments */
#define CMD_ARGS_HELP	0x2	/* print the help after an argument error */
#define CMD_HIDDEN	0x4	/* not in the "help" list */
#define CMD_NOCONFIG	0x8	/* reads no config file unless -c says */

struct cmd_entry {
	const char	*name;
	const char	*alias;
	const char	*usage;		/* synopsis for supctl -h */
	const char	*help;		/* what "help <name>" prints */
	int		 flags;

	/* Checked before exec; -1 for no limit. */
	struct {
		int		 lower;
		int		 upper;
		const char	*error;	/* printed when outside */
		int		 status;
	} args;

	int		(*exec)(struct cmd_ctx *, int, char **);
};

extern const struct cmd_entry	*cmd_table[];

const struct cmd_entry *cmd_find(const char *);
/* Run one line as supervisorctl's onecmd does; returns the exit status. */
int		 cmd_execute(struct cmd_ctx *, const char *line);
void		 cmd_print_help(const struct cmd_entry *);

/* Helpers for commands. */
void		 cmd_output(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
int		 cmd_upcheck(struct cmd_ctx *);
void		 cmd_split_namespec(const char *, char **group, char **name);
char		*cmd_namespec(const char *group, const char *name);
const char	*cmd_get_string(const struct xr_value *, const char *key);
long long	 cmd_get_int(const struct xr_value *, const char *key);
int		 cmd_exitstatus_from_fault(int code, int ignored);
int		 cmd_has_arg(int, char **, const char *);
size_t		 cmd_utf8_width(const char *);
void		 cmd_print_padded(const char *, size_t width);
int		 cmd_read_line(const char *prompt, char **line);
int		 cmd_confirm(struct cmd_ctx *, const char *question);
int		 cmd_parse_int(const char *, long long *);
void		 cmd_print_repr(const char *);
char		*cmd_strip(const char *);

/* Set by SIGINT while cmd_catch_interrupts is in force. */
extern volatile sig_atomic_t cmd_interrupted;
void		 cmd_catch_interrupts(int);

extern const struct cmd_entry cmd_add_entry;
extern const struct cmd_entry cmd_avail_entry;
extern const struct cmd_entry cmd_clear_entry;
extern const struct cmd_entry cmd_eof_entry;
extern const struct cmd_entry cmd_exit_entry;
extern const struct cmd_entry cmd_fg_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_maintail_entry;
extern const struct cmd_entry cmd_open_entry;
extern const struct cmd_entry cmd_pid_entry;
extern const struct cmd_entry cmd_quit_entry;
extern const struct cmd_entry cmd_reload_entry;
extern const struct cmd_entry cmd_remove_entry;
extern const struct cmd_entry cmd_render_entry;
extern const struct cmd_entry cmd_reread_entry;
extern const struct cmd_entry cmd_restart_entry;
extern const struct cmd_entry cmd_shutdown_entry;
extern const struct cmd_entry cmd_scale_entry;
extern const struct cmd_entry cmd_signal_entry;
extern const struct cmd_entry cmd_start_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_stop_entry;
extern const struct cmd_entry cmd_tail_entry;
extern const struct cmd_entry cmd_update_entry;
extern const struct cmd_entry cmd_version_entry;

/* Shared by start and restart. */
char		*cmd_start_result(const char *group, const char *name,
		     int code);
/* Shared by status and avail: infos as a JSON array. */
void		 cmd_status_json(const struct xr_value **, size_t);
/* Shared by tail -f, maintail -f and fg: stream paths until Ctrl-C. */
int		 cmd_tail_follow(struct cmd_ctx *, const char *path);

#endif
