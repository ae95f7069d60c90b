/*
 * Conversions of option values with the exact rules of Supervisor's
 * datatypes.py (Python's int(), boolean words, byte sizes, signals, ...).
 * Each returns 0, or -1 with *cause (caller frees) saying what is wrong and
 * what would be right, without naming the option: the caller adds where.
 */
#ifndef CONFIG_VALUE_H
#define CONFIG_VALUE_H

#include <stdint.h>
#include <sys/types.h>

int	cv_int(const char *, long long *, char **cause);
int	cv_int_range(const char *, long long min, long long max, int *,
	    char **cause);
int	cv_bool(const char *, int *, char **cause);
int	cv_octal(const char *, int *, char **cause);
int	cv_byte_size(const char *, int64_t *, char **cause);
int	cv_signal(const char *, int *, char **cause);
int	cv_exitcodes(const char *, int **codes, int *n, char **cause);
int	cv_autorestart(const char *, int *, char **cause);
int	cv_loglevel(const char *, int *, char **cause);
/* A user name or uid that exists; sets its uid and primary gid. */
int	cv_user(const char *, uid_t *, gid_t *, char **cause);
/* "user" or "user:group" (names or ids), as chown= and socket_owner=. */
int	cv_user_group(const char *, uid_t *, gid_t *, char **cause);
/* Supervisor's process_or_group_name(): strip, refuse ' ', ':' and '/'. */
int	cv_name(const char *, char **name, char **cause);
/* "host:port", "*:port", ":port" or "port", as inet_http_server's port=. */
int	cv_inet_address(const char *, char **host, int *port, char **cause);

/* Python's str.strip() whitespace, and string helpers. */
int	cv_isspace(int);
char	*cv_strip(const char *);	/* caller frees */
char	*cv_lower(const char *);	/* caller frees */
/* os.path.normpath(os.path.abspath(os.path.expanduser(p))). Caller frees. */
char	*cv_normalize_path(const char *);
/* os.path.expanduser(p). Caller frees. */
char	*cv_expanduser(const char *);
/* os.path.join(dir, p) with p absolute winning. Caller frees. */
char	*cv_path_join(const char *, const char *);
/* os.path.dirname(p). Caller frees. */
char	*cv_dirname(const char *);

/* Supervisor's signame(): "SIGTERM", or "signal 35". Static storage. */
const char *cv_signame(int);

#endif
