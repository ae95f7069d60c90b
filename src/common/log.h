/* The daemon's main log: Supervisor's levels, format and sinks. */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Numeric values are Supervisor's (loggers.LevelsByName). */
enum log_level {
	LEVEL_BLATHER = 3,
	LEVEL_TRACE = 5,
	LEVEL_DEBUG = 10,
	LEVEL_INFO = 20,
	LEVEL_WARN = 30,
	LEVEL_ERROR = 40,
	LEVEL_CRITICAL = 50,
};

/*
 * A sink receives every formatted line at or above the log level, with the
 * trailing newline. The main log file, stdout (nodaemon) and syslog are sinks.
 */
typedef void (*log_sink_fn)(enum log_level, const char *line, size_t len,
    void *arg);

void	 log_set_level(enum log_level);
enum log_level log_get_level(void);
int	 log_level_from_name(const char *);	/* -1 if unknown */
const char *log_level_tag(enum log_level);	/* "INFO" */
int	 log_add_sink(log_sink_fn, void *arg);
void	 log_remove_sink(log_sink_fn, void *arg);
void	 log_remove_all_sinks(void);
void	 log_set_stderr(int);	/* write to stderr while no sink is set */
void	 log_set_progname(const char *);

void	 log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 log_vmsg(enum log_level, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
int	 log_enabled(enum log_level);

#define log_crit(...)	log_msg(LEVEL_CRITICAL, __VA_ARGS__)
#define log_error(...)	log_msg(LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LEVEL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LEVEL_DEBUG, __VA_ARGS__)
#define log_trace(...)	log_msg(LEVEL_TRACE, __VA_ARGS__)
#define log_blather(...) log_msg(LEVEL_BLATHER, __VA_ARGS__)

/* Print "progname: message[: strerror]" to stderr and exit(1). */
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
void	 fatalx(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif
