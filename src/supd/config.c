/*
 * What the daemon asks of a loaded config: finding a group, holding one,
 * naming AUTO child logs, signal names, and the messages queued for the
 * main log. config-load.c builds the struct; nothing here reads a file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config-value.h"
#include "xmalloc.h"

void
config_free_errors(char **errors, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		free(errors[i]);
	free(errors);
}

/* Append msg (taken) to a message list. */
static void
config_push(char ***list, int *n, char *msg)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = msg;
}

void
config_add_critical(struct config *cf, char *msg)
{
	config_push(&cf->criticals, &cf->ncriticals, msg);
}

void
config_add_info(struct config *cf, char *msg)
{
	config_push(&cf->infos, &cf->ninfos, msg);
}

void
config_group_ref(struct group_config *g)
{
	g->refs++;
}

struct group_config *
config_find_group(const struct config *cf, const char *name)
{
	int	i;

	for (i = 0; i < cf->ngroups; i++) {
		if (strcmp(cf->groups[i]->name, name) == 0)
			return (cf->groups[i]);
	}
	return (NULL);
}

/*
 * Name and create an AUTO child log the way supervisord does:
 * <childlogdir>/<name>-<channel>---<identifier>-<random>.log, where the
 * random part is Python's tempfile.mkstemp one: eight characters from
 * [a-z0-9_] (mkstemps would give six of [A-Za-z0-9]), created with
 * O_EXCL and mode 0600, retried on a name already taken. Caller frees.
 */
char *
config_auto_logfile(const struct config *cf, const char *name,
    const char *channel, char **cause)
{
	static const char	 chars[] =
	    "abcdefghijklmnopqrstuvwxyz0123456789_";
	char			*path, *rnd;
	int			 fd = -1, tries, i;

	xasprintf(&path, "%s/%s-%s---%s-XXXXXXXX.log", cf->childlogdir, name,
	    channel, cf->identifier);
	rnd = path + strlen(path) - 12;
	for (tries = 0; tries < 10000; tries++) {
		for (i = 0; i < 8; i++)
			rnd[i] = chars[arc4random_uniform(sizeof chars - 1)];
		fd = open(path, O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW,
		    0600);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		xasprintf(cause, "cannot create an AUTO log file in %s: %s",
		    cf->childlogdir, strerror(errno));
		free(path);
		return (NULL);
	}
	close(fd);
	return (path);
}

int
config_signal_number(const char *s)
{
	char	*cause = NULL;
	int	 sig;

	if (cv_signal(s, &sig, &cause) != 0) {
		free(cause);
		return (-1);
	}
	return (sig);
}

const char *
config_signal_name(int sig)
{
	return (cv_signame(sig));
}
