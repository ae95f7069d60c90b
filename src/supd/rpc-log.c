/*
 * The log calls of the supervisor namespace: reading and tailing the main
 * log and the children's logs with Supervisor's readFile and tailFile
 * rules for offsets and lengths, and clearing them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "group.h"
#include "log.h"
#include "logfile.h"
#include "mainlog.h"
#include "process.h"
#include "rpc.h"
#include "rpc-out.h"
#include "rpc-process.h"
#include "xmalloc.h"
#include "xmlrpc.h"

/* Bytes at pos of an open file, at most len; what could be read. */
static char *
rpc_log_pread(int fd, long long pos, long long len, size_t *got)
{
	char	*buf;
	size_t	 n = 0;
	ssize_t	 r;

	buf = xmalloc(len > 0 ? (size_t)len : 1);
	while ((long long)n < len) {
		r = pread(fd, buf + n, len - n, pos + n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	*got = n;
	return (buf);
}

static int
rpc_log_open(const char *path, long long *size)
{
	struct stat	st;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		close(fd);
		return (-1);
	}
	*size = st.st_size;
	return (fd);
}

/*
 * Supervisor's readFile(): a negative offset reads that many bytes from
 * the end (length must then be 0); otherwise length bytes from offset,
 * or everything after it when length is 0. Returns 0 and appends the
 * bytes to out as a string value, or a fault code.
 */
static int
rpc_log_read_file(const char *path, long long offset, long long length,
    struct evbuffer *out)
{
	long long	 size, pos, len;
	size_t		 got;
	char		*data;
	int		 fd;

	if ((fd = rpc_log_open(path, &size)) == -1)
		return (FAULT_FAILED);
	if (offset < 0) {
		if (length != 0) {
			close(fd);
			return (FAULT_BAD_ARGUMENTS);
		}
		len = offset == LLONG_MIN ? LLONG_MAX : -offset;
		pos = size > len ? size - len : 0;
		len = size - pos;
	} else {
		if (length < 0) {
			close(fd);
			return (FAULT_BAD_ARGUMENTS);
		}
		pos = offset;
		len = size > pos ? size - pos : 0;
		if (length != 0 && length < len)
			len = length;
	}
	data = rpc_log_pread(fd, pos, len, &got);
	close(fd);
	xr_encode_string_len(out, data, got);
	free(data);
	return (0);
}

static long long
rpc_log_add(long long a, long long b)
{
	long long	r;

	if (__builtin_add_overflow(a, b, &r))
		return (a > 0 ? LLONG_MAX : LLONG_MIN);
	return (r);
}

/*
 * Supervisor's tailFile(): up to length bytes ending at the end of the
 * file, flagging overflow when more than length bytes follow offset;
 * returns [bytes, size, overflow] into out.
 */
static void
rpc_log_tail_file(const char *path, long long offset, long long length,
    struct evbuffer *out)
{
	long long	 size;
	size_t		 got = 0;
	char		*data = NULL;
	int		 fd, overflow = 0;

	if (path == NULL || (fd = rpc_log_open(path, &size)) == -1) {
		xr_encode_array_begin(out);
		xr_encode_string(out, "");
		xr_encode_int(out, path == NULL ? 0 : offset);
		xr_encode_bool(out, 0);
		xr_encode_array_end(out);
		return;
	}
	if (size > rpc_log_add(offset, length)) {
		overflow = 1;
		offset = size - 1;
	}
	if (rpc_log_add(offset, length) > size) {
		if (offset > size - 1)
			length = 0;
		offset = size - length;
	}
	if (offset < 0)
		offset = 0;
	if (length < 0)
		length = 0;
	if (length > 0)
		data = rpc_log_pread(fd, offset, length, &got);
	close(fd);
	xr_encode_array_begin(out);
	xr_encode_string_len(out, data != NULL ? data : "", got);
	xr_encode_int(out, size);
	xr_encode_bool(out, overflow);
	xr_encode_array_end(out);
	free(data);
}

static int
rpc_log_exists(const char *path)
{
	struct stat	st;

	return (path != NULL && stat(path, &st) == 0);
}

/* Read path for a call whose offset and length are argv[0] and argv[1]. */
static void
rpc_log_read(struct rpc_call *c, const char *path, struct xr_value **argv)
{
	long long	offset, length;
	int		code;

	if (!rpc_log_exists(path)) {
		rpc_fault(c, FAULT_NO_FILE, path);
		return;
	}
	if (rpc_arg_int(c, argv[0], &offset) != 0 ||
	    rpc_arg_int(c, argv[1], &length) != 0)
		return;
	if ((code = rpc_log_read_file(path, offset, length, rpc_result(c))) != 0)
		rpc_fault(c, code, NULL);
	else
		rpc_done(c);
}

/* A channel's log file as the config names it, or NULL. */
static const char *
rpc_log_channel_path(const struct channel_config *ch)
{
	if (ch->kind == LOGFILE_NONE)
		return (NULL);
	return (ch->logfile);
}

/* readLog(offset, length), also readMainLog. */
static void
rpc_log_read_main(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_log_read(c, mainlog_path(), argv);
}

/*
 * clearLog(): Supervisor removes the file, then logs "reopening log
 * file" (into the removed file) and reopens; mainlog_clear() does both.
 */
static void
rpc_log_clear_main(struct rpc_call *c, struct xr_value **argv, int argc)
{
	const char	*path = mainlog_path();
	char		*cause = NULL;

	if (!rpc_log_exists(path)) {
		rpc_fault(c, FAULT_NO_FILE, NULL);
		return;
	}
	if (mainlog_clear(&cause) != 0) {
		free(cause);
		rpc_fault(c, FAULT_FAILED, NULL);
		return;
	}
	rpc_return_bool(c, 1);
}

static void
rpc_log_read_channel(struct rpc_call *c, struct xr_value **argv, int err)
{
	struct process	*p;

	if ((p = rpc_process_find(c, argv[0])) == NULL)
		return;
	rpc_log_read(c, rpc_log_channel_path(err ? &p->config->err :
	    &p->config->out), argv + 1);
}

/* readProcessStdoutLog(name, offset, length), also readProcessLog. */
static void
rpc_log_read_stdout(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_log_read_channel(c, argv, 0);
}

/* readProcessStderrLog(name, offset, length). */
static void
rpc_log_read_stderr(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_log_read_channel(c, argv, 1);
}

static void
rpc_log_tail_channel(struct rpc_call *c, struct xr_value **argv, int err)
{
	struct process	*p;
	const char	*path;
	long long	 offset, length;

	if ((p = rpc_process_find(c, argv[0])) == NULL)
		return;
	path = rpc_log_channel_path(err ? &p->config->err : &p->config->out);
	if (!rpc_log_exists(path)) {
		rpc_log_tail_file(NULL, 0, 0, rpc_result(c));
		rpc_done(c);
		return;
	}
	if (rpc_arg_int(c, argv[1], &offset) != 0 ||
	    rpc_arg_int(c, argv[2], &length) != 0)
		return;
	rpc_log_tail_file(path, offset, length, rpc_result(c));
	rpc_done(c);
}

/* tailProcessStdoutLog(name, offset, length), also tailProcessLog. */
static void
rpc_log_tail_stdout(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_log_tail_channel(c, argv, 0);
}

/* tailProcessStderrLog(name, offset, length). */
static void
rpc_log_tail_stderr(struct rpc_call *c, struct xr_value **argv, int argc)
{
	rpc_log_tail_channel(c, argv, 1);
}

/*
 * Remove one channel's log and start it again empty. The open log of a
 * running process is shared by path, so this reaches the file its output
 * goes to.
 */
static int
rpc_log_clear_channel(const struct channel_config *ch)
{
	struct logfile	*lf;
	const char	*path;
	char		*cause = NULL;
	int		 rc;

	if ((path = rpc_log_channel_path(ch)) == NULL)
		return (0);
	if ((lf = logfile_open(path, ch->maxbytes, ch->backups, &cause)) ==
	    NULL) {
		free(cause);
		return (-1);
	}
	rc = logfile_remove(lf, &cause);
	free(cause);
	logfile_unref(lf);
	return (rc);
}

/*
 * Supervisor's removelogs(): only a process that has been started has
 * log handlers to clear; one that never ran keeps its files.
 */
static int
rpc_log_clear_process(struct process *p)
{
	int	rc = 0;

	if (p->laststart == 0)
		return (0);
	if (rpc_log_clear_channel(&p->config->out) != 0)
		rc = -1;
	if (!p->config->redirect_stderr &&
	    rpc_log_clear_channel(&p->config->err) != 0)
		rc = -1;
	return (rc);
}

/* clearProcessLogs(name), also clearProcessLog. */
static void
rpc_log_clear(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct process	*p;

	if ((p = rpc_process_find(c, argv[0])) == NULL)
		return;
	if (rpc_log_clear_process(p) != 0) {
		rpc_fault(c, FAULT_FAILED, argv[0]->u.s.ptr);
		return;
	}
	rpc_return_bool(c, 1);
}

/* clearAllProcessLogs(): one status struct per process, priority order. */
static void
rpc_log_clear_all(struct rpc_call *c, struct xr_value **argv, int argc)
{
	struct evbuffer	 *b = rpc_result(c);
	struct group	**groups;
	struct process	 *p, **procs;
	char		 *namespec;
	int		  n, i, j;

	groups = group_all(&n);
	xr_encode_array_begin(b);
	for (i = 0; i < n; i++) {
		procs = group_by_priority(groups[i]);
		for (j = 0; j < groups[i]->nprocs; j++) {
			p = procs[j];
			if (rpc_log_clear_process(p) == 0) {
				rpc_out_status(b, p->config->name,
				    groups[i]->config->name, FAULT_SUCCESS, NULL);
				continue;
			}
			namespec = rpc_namespec(
			    groups[i]->config->name, p->config->name);
			rpc_out_status(b, p->config->name,
			    groups[i]->config->name, FAULT_FAILED, namespec);
			free(namespec);
		}
		free(procs);
	}
	xr_encode_array_end(b);
	rpc_done(c);
}

#define S	RPC_CHECK_STATE

static const char rpc_help_read_log[] =
    "Bytes of the main log: length bytes from offset, everything after\n"
    "offset when length is 0, or the last -offset bytes when offset is\n"
    "negative (length 0).\n\n"
    "@param int offset  Where to start.\n"
    "@param int length  How many bytes.\n"
    "@return string result  The bytes.";
static const char rpc_help_read_stdout[] =
    "Bytes of a process's stdout log, by the rules of readLog.\n\n"
    "@param string name  The process (or 'group:name').\n"
    "@param int offset  Where to start.\n"
    "@param int length  How many bytes.\n"
    "@return string result  The bytes.";
static const char rpc_help_tail_stdout[] =
    "The end of a process's stdout log for following it: at most length\n"
    "bytes ending at the end of the file. overflow is true when more than\n"
    "length bytes came after offset. The offset returned is the size of\n"
    "the log, where the next call should start.\n\n"
    "@param string name  The process (or 'group:name').\n"
    "@param int offset  Where the previous call ended.\n"
    "@param int length  Most bytes to return.\n"
    "@return array result  [string bytes, int offset, bool overflow]";
static const char rpc_help_clear[] =
    "Empty a process's stdout and stderr logs and start them again.\n\n"
    "@param string name  The process (or 'group:name').\n"
    "@return boolean result  True unless there was an error.";

/* The log methods of the supervisor namespace. */
const struct rpc_method rpc_log_methods[] = {
	{ "supervisor.readLog", rpc_log_read_main, 2, 2, S,
	  "string int int", rpc_help_read_log },
	{ "supervisor.readMainLog", rpc_log_read_main, 2, 2, S,
	  "string int int", rpc_help_read_log },
	{ "supervisor.clearLog", rpc_log_clear_main, 0, 0, S, "boolean",
	  "Empty the main log and start it again.\n\n"
	  "@return boolean result  True unless there was an error." },
	{ "supervisor.readProcessStdoutLog", rpc_log_read_stdout, 3, 3, S,
	  "string string int int", rpc_help_read_stdout },
	{ "supervisor.readProcessLog", rpc_log_read_stdout, 3, 3, S,
	  "string string int int", rpc_help_read_stdout },
	{ "supervisor.readProcessStderrLog", rpc_log_read_stderr, 3, 3, S,
	  "string string int int",
	  "Bytes of a process's stderr log, by the rules of readLog.\n\n"
	  "@param string name  The process (or 'group:name').\n"
	  "@param int offset  Where to start.\n"
	  "@param int length  How many bytes.\n"
	  "@return string result  The bytes." },
	{ "supervisor.tailProcessStdoutLog", rpc_log_tail_stdout, 3, 3, S,
	  "array string int int", rpc_help_tail_stdout },
	{ "supervisor.tailProcessLog", rpc_log_tail_stdout, 3, 3, S,
	  "array string int int", rpc_help_tail_stdout },
	{ "supervisor.tailProcessStderrLog", rpc_log_tail_stderr, 3, 3, S,
	  "array string int int",
	  "tailProcessStdoutLog for the stderr log.\n\n"
	  "@param string name  The process (or 'group:name').\n"
	  "@param int offset  Where the previous call ended.\n"
	  "@param int length  Most bytes to return.\n"
	  "@return array result  [string bytes, int offset, bool overflow]" },
	{ "supervisor.clearProcessLogs", rpc_log_clear, 1, 1, S,
	  "boolean string", rpc_help_clear },
	{ "supervisor.clearProcessLog", rpc_log_clear, 1, 1, S,
	  "boolean string", rpc_help_clear },
	{ "supervisor.clearAllProcessLogs", rpc_log_clear_all, 0, 0, S,
	  "array",
	  "clearProcessLogs for every process.\n\n"
	  "@return array result  One status struct per process." },

	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};
