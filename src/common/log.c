/*
 * The daemon's main log. Lines look like Supervisor's:
 * "2024-05-01 12:00:00,123 INFO spawned: 'x' with pid 42". Output goes to
 * sinks (file, stdout, syslog) registered by the daemon; before any sink
 * exists, messages go to stderr so start-up errors are never lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

#define LOG_MAX_SINKS 8

struct log_sink {
	log_sink_fn	 fn;
	void		*arg;
};

static enum log_level	 log_level = LEVEL_INFO;
static struct log_sink	 log_sinks[LOG_MAX_SINKS];
static int		 log_nsinks;
static int		 log_to_stderr = 1;
static const char	*log_progname = "supd";

static const struct {
	const char	*name;
	const char	*tag;
	enum log_level	 level;
} log_levels[] = {
	{ "critical", "CRIT", LEVEL_CRITICAL },
	{ "error", "ERRO", LEVEL_ERROR },
	{ "warn", "WARN", LEVEL_WARN },
	{ "info", "INFO", LEVEL_INFO },
	{ "debug", "DEBG", LEVEL_DEBUG },
	{ "trace", "TRAC", LEVEL_TRACE },
	{ "blather", "BLAT", LEVEL_BLATHER },
};

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return (log_level);
}

/* Map a loglevel= name to its number; names are case-insensitive. */
int
log_level_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof log_levels / sizeof log_levels[0]; i++) {
		if (strcasecmp(name, log_levels[i].name) == 0)
			return (log_levels[i].level);
	}
	return (-1);
}

const char *
log_level_tag(enum log_level level)
{
	size_t	i;

	for (i = 0; i < sizeof log_levels / sizeof log_levels[0]; i++) {
		if (log_levels[i].level == level)
			return (log_levels[i].tag);
	}
	return ("INFO");
}

int
log_add_sink(log_sink_fn fn, void *arg)
{
	if (log_nsinks == LOG_MAX_SINKS)
		return (-1);
	log_sinks[log_nsinks].fn = fn;
	log_sinks[log_nsinks].arg = arg;
	log_nsinks++;
	return (0);
}

void
log_remove_sink(log_sink_fn fn, void *arg)
{
	int	i;

	for (i = 0; i < log_nsinks; i++) {
		if (log_sinks[i].fn == fn && log_sinks[i].arg == arg) {
			memmove(&log_sinks[i], &log_sinks[i + 1],
			    (log_nsinks - i - 1) * sizeof log_sinks[0]);
			log_nsinks--;
			return;
		}
	}
}

void
log_remove_all_sinks(void)
{
	log_nsinks = 0;
}

void
log_set_stderr(int on)
{
	log_to_stderr = on;
}

void
log_set_progname(const char *name)
{
	log_progname = name;
}

int
log_enabled(enum log_level level)
{
	return (level >= log_level);
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 stamp[32], *msg, *line;
	int		 i, len;

	if (level < log_level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	xvasprintf(&msg, fmt, ap);
	len = xasprintf(&line, "%s,%03d %s %s\n", stamp,
	    (int)(tv.tv_usec / 1000), log_level_tag(level), msg);
	free(msg);

	for (i = 0; i < log_nsinks; i++)
		log_sinks[i].fn(level, line, len, log_sinks[i].arg);
	if (log_nsinks == 0 && log_to_stderr)
		fwrite(line, 1, len, stderr);
	free(line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	fprintf(stderr, "%s: ", log_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", log_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
