/*
 * The daemon's main log. Like Supervisor's make_logger it is a set of
 * log.h sinks: stdout when running in the foreground, then either a
 * rotating log file or, for logfile=syslog, syslog with each line of a
 * message sent separately under the same time and level.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"
#include "mainlog.h"
#include "xmalloc.h"

static char		*mainlog_name;
static struct logfile	*mainlog_lf;
static int		 mainlog_stdout;	/* also to stdout */

static void
mainlog_file_cb(enum log_level level, const char *line, size_t len,
    void *arg)
{
	logfile_write(mainlog_lf, line, len);
}

/* Like Supervisor, ignore a stdout that went away (EPIPE). */
static void
mainlog_stdout_cb(enum log_level level, const char *line, size_t len,
    void *arg)
{
	ssize_t	n;

	while (len > 0) {
		n = write(STDOUT_FILENO, line, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		line += n;
		len -= n;
	}
}

/*
 * Supervisor's SyslogHandler formats each line of the message on its own
 * with the record's time and level ("2024-05-01 12:00:00,123 INFO line").
 * Our line comes formatted, so split off that prefix (the first three
 * fields) and repeat it. The trailing newline is not sent.
 */
static void
mainlog_syslog_cb(enum log_level level, const char *line, size_t len,
    void *arg)
{
	char		 prefix[64];
	const char	*p = line, *end = line + len, *nl;
	int		 spaces = 0;

	while (p < end && spaces < 3) {
		if (*p++ == ' ')
			spaces++;
	}
	if (spaces < 3 || (size_t)(p - line) > sizeof prefix)
		p = line;
	if (p > line) {
		memcpy(prefix, line, p - line - 1);
		prefix[p - line - 1] = '\0';
	}
	while (end > p && end[-1] == '\n')
		end--;
	for (;;) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		logfile_syslog_line(p > line ? prefix : NULL, p, nl - p);
		if (nl == end)
			break;
		p = nl + 1;
	}
}

int
mainlog_open(const char *path, int64_t maxbytes, int backups,
    int also_stdout, char **cause)
{
	mainlog_close();
	if (path != NULL && strcmp(path, "syslog") != 0) {
		mainlog_lf = logfile_open(path, maxbytes, backups, cause);
		if (mainlog_lf == NULL)
			return (-1);
	}
	mainlog_stdout = also_stdout;
	if (also_stdout)
		log_add_sink(mainlog_stdout_cb, NULL);
	if (mainlog_lf != NULL)
		log_add_sink(mainlog_file_cb, NULL);
	else if (path != NULL)
		log_add_sink(mainlog_syslog_cb, NULL);
	if (path != NULL)
		mainlog_name = xstrdup(path);
	return (0);
}

/* Remove the sinks before closing so closing cannot log into itself. */
void
mainlog_close(void)
{
	log_remove_sink(mainlog_stdout_cb, NULL);
	log_remove_sink(mainlog_file_cb, NULL);
	log_remove_sink(mainlog_syslog_cb, NULL);
	mainlog_stdout = 0;
	if (mainlog_lf != NULL) {
		logfile_unref(mainlog_lf);
		mainlog_lf = NULL;
	}
	free(mainlog_name);
	mainlog_name = NULL;
}

const char *
mainlog_path(void)
{
	return (mainlog_name);
}

struct logfile *
mainlog_file(void)
{
	return (mainlog_lf);
}

/*
 * clearLog. Supervisor removes the file and then, for each handler of its
 * logger (stdout in the foreground, then the file), logs "reopening log
 * file" and reopens that handler: stdout shows the line once per handler
 * and the file's copies go into the removed file. Logging just before
 * the removal puts them in the same place.
 */
int
mainlog_clear(char **cause)
{
	int	i;

	if (mainlog_lf == NULL) {
		if (cause != NULL)
			*cause = xstrdup("no main log file");
		return (-1);
	}
	for (i = 0; i < 1 + mainlog_stdout; i++)
		log_info("reopening log file");
	return (logfile_remove(mainlog_lf, cause));
}
