/* The daemon's main log (supervisord.log) as Supervisor's make_logger sets it up. */
#ifndef MAINLOG_H
#define MAINLOG_H

#include <stdint.h>

struct logfile;

/*
 * Send the log.h output to path, rotated at maxbytes (0: never) keeping
 * backups old files, or to syslog when path is "syslog"; also to stdout
 * when also_stdout (nodaemon and not silent). An open main log is closed
 * first. Returns -1 with *cause (caller frees) if the file cannot be opened.
 */
int		 mainlog_open(const char *path, int64_t maxbytes, int backups,
		     int also_stdout, char **cause);
void		 mainlog_close(void);
/* The logfile= value, "syslog", or NULL when closed. */
const char	*mainlog_path(void);
/* The open log file, or NULL (syslog, closed). Borrowed. */
struct logfile	*mainlog_file(void);
/* clearLog: remove the current file and start an empty one. */
int		 mainlog_clear(char **cause);

#endif
