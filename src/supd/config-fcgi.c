/*
 * [fcgi-program:x]: a program group sharing one listening socket, which
 * supd binds and gives each process as fd 0 (Supervisor's FastCGI
 * support). The socket's options are rows; socket= itself is parsed here.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "config-parse.h"
#include "config-table.h"
#include "config-value.h"
#include "expand.h"
#include "ini.h"
#include "xmalloc.h"

/* Who owns an fcgi-program's unix socket unless socket_owner= says. */
struct config_fcgi_owner {
	char	*user;
	uid_t	 uid;
	gid_t	 gid;
};

/* Options.parse_fcgi_socket(): tcp://host:port or unix:///abs/path. */
static int
config_fcgi_socket(struct config_ctx *ctx, const char *sock,
    struct fcgi_socket_config *fs, const struct config_fcgi_owner *owner)
{
	const char	*colon;
	char		*cause = NULL;
	long long	 port;

	fs->url = xstrdup(sock);
	if (strncmp(sock, "unix://", 7) == 0) {
		if (sock[7] != '/') {
			config_error(ctx, "Unix socket path %s is not an "
			    "absolute path in [%s] socket", sock + 7,
			    ctx->sec->name);
			return (-1);
		}
		fs->is_unix = 1;
		fs->path = cv_normalize_path(sock + 7);
		free(fs->url);
		xasprintf(&fs->url, "unix://%s", fs->path);
		if (fs->mode == -1)
			fs->mode = 0700;
		if (fs->owner_uid == (uid_t)-1 && owner->user != NULL &&
		    owner->uid != getuid()) {
			fs->owner_uid = owner->uid;
			fs->owner_gid = owner->gid;
		}
		return (0);
	}
	if (fs->mode != -1 || fs->owner_uid != (uid_t)-1) {
		config_at(ctx, ctx->sec, fs->mode != -1 ? "socket_mode" :
		    "socket_owner");
		config_error(ctx, "socket_owner and socket_mode params should "
		    "only be used with a Unix domain socket (socket=unix:///"
		    "path)");
		return (-1);
	}
	if (strncmp(sock, "tcp://", 6) == 0 &&
	    (colon = strrchr(sock + 6, ':')) != NULL && colon > sock + 6 &&
	    strcspn(sock + 6, ": \t") == (size_t)(colon - sock - 6) &&
	    colon[1] != '\0' && strspn(colon + 1, "0123456789") ==
	    strlen(colon + 1) && cv_int(colon + 1, &port, &cause) == 0) {
		fs->host = xstrndup(sock + 6, colon - sock - 6);
		fs->port = (int)port;
		free(fs->url);
		xasprintf(&fs->url, "tcp://%s:%d", fs->host, fs->port);
		return (0);
	}
	free(cause);
	config_error(ctx, "Bad socket format %s in [%s] socket (expected "
	    "tcp://host:port or unix:///absolute/path)", sock, ctx->sec->name);
	return (-1);
}

static int
config_fcgi_conv_backlog(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	*why = NULL;

	if (cv_int_range(value, 1, 65535, CONFIG_FIELD(cp->obj, row),
	    &why) == 0)
		return (0);
	xasprintf(cause, "Invalid socket_backlog value %s: %s", value, why);
	free(why);
	return (-1);
}

static const struct config_type config_fcgi_type_backlog = {
	"socket_backlog", sizeof (int), 0, config_fcgi_conv_backlog, NULL,
	NULL, NULL, NULL
};

static int
config_fcgi_conv_owner(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	struct fcgi_socket_config	*fs = cp->obj;
	char				*why = NULL;

	if (cv_user_group(value, &fs->owner_uid, &fs->owner_gid, &why) == 0)
		return (0);
	xasprintf(cause, "Invalid socket_owner value %s: %s", value, why);
	free(why);
	return (-1);
}

static const struct config_type config_fcgi_type_owner = {
	"socket_owner", sizeof (uid_t), 0, config_fcgi_conv_owner, NULL,
	NULL, NULL, NULL
};

static int
config_fcgi_conv_mode(struct config_parse *cp,
    const struct config_row *row, const char *value, char **cause)
{
	char	*why = NULL;

	if (cv_octal(value, CONFIG_FIELD(cp->obj, row), &why) == 0)
		return (0);
	free(why);
	xasprintf(cause, "Invalid socket_mode value %s (expected octal "
	    "digits, e.g. 0700)", value);
	return (-1);
}

static const struct config_type config_fcgi_type_mode = {
	"socket_mode", sizeof (int), 0, config_fcgi_conv_mode, NULL, NULL,
	NULL, NULL
};

/* The options of an fcgi-program's socket, but socket= itself. */
#define F(f) offsetof(struct fcgi_socket_config, f)
static const struct config_row config_fcgi_rows[] = {
	{ "socket_backlog", CONFIG_S_FCGI, &config_fcgi_type_backlog, NULL,
	  F(backlog), 0, NULL, NULL },
	{ "socket_owner", CONFIG_S_FCGI, &config_fcgi_type_owner, NULL,
	  F(owner_uid), 0, NULL, NULL },
	{ "socket_mode", CONFIG_S_FCGI, &config_fcgi_type_mode, NULL,
	  F(mode), 0, NULL, NULL },
};
#undef F

/* The socket of an [fcgi-program:x]; -1 after reporting a problem. */
int
config_fcgi_socket_section(struct config_ctx *ctx,
    const struct ini_section *sec, const char *name,
    struct fcgi_socket_config *fs)
{
	struct config_fcgi_owner owner;
	struct config_parse	 cp;
	struct expand_vars	 vars;
	char			*sock, *cause = NULL;
	int			 bad;

	fs->mode = -1;
	fs->owner_uid = (uid_t)-1;
	fs->owner_gid = (gid_t)-1;
	memset(&owner, 0, sizeof owner);
	config_base_vars(ctx, &vars);
	bad = config_get(ctx, sec, "user", NULL, &vars, &owner.user);
	if (owner.user != NULL &&
	    cv_user(owner.user, &owner.uid, &owner.gid, &cause) != 0) {
		config_error(ctx, "%s", cause);
		free(cause);
		bad = 1;
	}
	config_parse_init(&cp, ctx, sec, CONFIG_S_FCGI, &vars, fs);
	bad |= config_table_parse(&cp, config_fcgi_rows,
	    sizeof config_fcgi_rows /
	    sizeof config_fcgi_rows[0], CONFIG_PHASE_ALL);
	expand_vars_set_str(&vars, "program_name", name);
	if (config_get(ctx, sec, "socket", NULL, &vars, &sock) == 0) {
		if (sock == NULL || *sock == '\0') {
			config_at(ctx, sec, NULL);
			config_error(ctx, "[%s] section requires a \"socket\" "
			    "line (e.g. socket=tcp://127.0.0.1:9000 or "
			    "socket=unix:///run/app.sock)", sec->name);
			bad = 1;
		} else if (config_fcgi_socket(ctx, sock, fs, &owner))
			bad = 1;
		free(sock);
	} else
		bad = 1;
	free(owner.user);
	expand_vars_free(&vars);
	return (bad ? -1 : 0);
}
