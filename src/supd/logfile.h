/*
 * Log files of the daemon and its children: appending, size rotation as
 * Supervisor names it (file, file.1 ... file.N), sharing one file between
 * several programs without splitting lines, reopening for logrotate, and
 * riding out write failures (full disk, removed directory) without
 * blocking or losing what was already written.
 */
#ifndef LOGFILE_H
#define LOGFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct event_base;
struct logfile;
struct logwriter;

/*
 * Once, before any other call: retry timers run on this base, so close
 * every log file before freeing it.
 */
void		 logfile_init(struct event_base *);
/* Stop watching log directories, at exit once every log is closed. */
void		 logfile_done(void);

/*
 * Open (or share) the log at path. Every caller naming the same path gets
 * the same struct logfile, with one more reference; the first caller's
 * maxbytes (0: never rotate) and backups apply. Returns NULL with *cause
 * (caller frees) when the file cannot be opened.
 */
struct logfile	*logfile_open(const char *path, int64_t maxbytes, int backups,
		     char **cause);
void		 logfile_ref(struct logfile *);
void		 logfile_unref(struct logfile *);
const char	*logfile_path(const struct logfile *);
int		 logfile_nwriters(const struct logfile *);
/*
 * Output waiting to be written after a failure, and output given up on
 * since the failure began.
 */
size_t		 logfile_pending(const struct logfile *);
uint64_t	 logfile_dropped(const struct logfile *);
/* Output dropped over the file's whole life, for /metrics. */
uint64_t	 logfile_dropped_total(const struct logfile *);

/*
 * Append len bytes as given (the main log, or a file with one writer).
 * Rotates once the file has reached maxbytes after the write, as
 * Supervisor's RotatingFileHandler does. Never blocks on a failed write:
 * the newest 64 KiB are kept and retried, older output is dropped and a
 * marker line in the file says how much; the failure is logged once.
 */
void		 logfile_write(struct logfile *, const void *, size_t);

/* Unlink the current file (not its backups) and start a new empty one. */
int		 logfile_remove(struct logfile *, char **cause);
/* Close and reopen every open log file (SIGUSR2, after logrotate). */
void		 logfile_reopen_all(void);

/*
 * A writer is one output channel (a process's stdout or stderr) feeding a
 * log file. When a file has more than one writer, each writer's bytes are
 * written in whole lines so lines of different programs never interleave;
 * a partial line waits in the writer until its newline arrives, until
 * logwriter_flush(), or until it grows past a bound.
 */
struct logwriter *logwriter_create(struct logfile *);
void		 logwriter_write(struct logwriter *, const void *, size_t);
void		 logwriter_flush(struct logwriter *);
/*
 * Move up to len bytes from the pipe fd into the writer's file with
 * splice(2). Returns the bytes moved, 0 at end of file, or -1: EAGAIN
 * when the pipe is empty, EOPNOTSUPP when this writer or file needs
 * read and logwriter_write instead (shared, held bytes, failing, not a
 * regular file, or the write failed).
 */
ssize_t		 logwriter_splice(struct logwriter *, int fd, size_t len);
void		 logwriter_free(struct logwriter *);	/* flushes first */
struct logfile	*logwriter_file(const struct logwriter *);
/* Bytes of a partial line held by the writer (at most 64 KiB). */
size_t		 logwriter_pending(const struct logwriter *);

/*
 * Syslog for child output (stdout_syslog=true). Supervisor sends each line
 * as "<program name> <line>" at LEVEL_INFO with the identity "supervisord"
 * (Python's default openlog: argv[0]'s base name, facility LOG_USER). A
 * struct logsyslog is one channel: it assembles whole lines across reads
 * so a line split by the pipe is still one message; a partial line goes
 * out on flush, on free or past 64 KiB.
 */
struct logsyslog;
struct logsyslog *logsyslog_create(const char *name);
void		 logsyslog_write(struct logsyslog *, const void *, size_t);
void		 logsyslog_flush(struct logsyslog *);
void		 logsyslog_free(struct logsyslog *);	/* flushes first */
/* Send "prefix line" (or just the line if prefix is NULL) to syslog. */
void		 logfile_syslog_line(const char *prefix, const char *, size_t);

#endif
