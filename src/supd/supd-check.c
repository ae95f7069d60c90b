/*
 * supd check [-c FILE] [-P NAME] [--print], like nginx -t: everything a
 * start would read is read (includes, expansions, environment files) and
 * every command is resolved, so what check passes starts. And supd
 * echo-config, a sample config to begin from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-dump.h"
#include "profile.h"
#include "spawn.h"
#include "supd-check.h"
#include "xmalloc.h"

/* The section a process comes from, as in the config file. */
static char *
supd_check_section(const struct process_config *pc)
{
	static const char	*prefix[] = {
		[GROUP_PROGRAM] = "program",
		[GROUP_FCGI] = "fcgi-program",
		[GROUP_LISTENER] = "eventlistener",
	};

	return (xprintf("%s:%s", prefix[pc->group->kind], pc->program));
}

/*
 * What only a spawn would find out: a command that cannot be found or
 * run, an environment file gone. Reported at the command= line.
 */
static int
supd_check_spawns(const struct config *cf)
{
	struct spawn_args	*sa;
	struct process_config	*pc;
	const char		*where;
	char			*cause, *section;
	int			 i, j, problems = 0;

	for (i = 0; i < cf->ngroups; i++) {
		for (j = 0; j < cf->groups[i]->nprocs; j++) {
			pc = cf->groups[i]->procs[j];
			cause = NULL;
			if ((sa = spawn_prepare(pc, &cause)) != NULL) {
				spawn_args_free(sa);
				continue;
			}
			section = supd_check_section(pc);
			where = config_dump_where(cf->dump, section, "command");
			fprintf(stderr, "Error: %s: [%s] command: %s%s%s%s\n",
			    where != NULL ? where : cf->configfile, section,
			    cause, pc->numprocs > 1 ? " (process " : "",
			    pc->numprocs > 1 ? pc->name : "",
			    pc->numprocs > 1 ? ")" : "");
			free(section);
			free(cause);
			problems++;
		}
	}
	return (problems);
}

static int
supd_check_count(const struct config *cf)
{
	int	i, n = 0;

	for (i = 0; i < cf->ngroups; i++)
		n += cf->groups[i]->nprocs;
	return (n);
}

/* Load, report, and print; see supd-check.h. */
int
supd_check(struct cmdline *cmd, int print)
{
	struct config	 *cf;
	const char	 *source;
	char		**errors, *profile, *cause = NULL;
	int		  nerrors, i, n, problems;

	if (profile_resolve(cmd->profile, NULL, &profile, &source,
	    &cause) == 0) {
		fprintf(stderr, "supd: profile: %s (from %s)\n", profile,
		    source);
		free(profile);
	} else
		free(cause);	/* config_load reports it as an error */
	cmd->dump = 1;
	if ((cf = config_load(cmd, &errors, &nerrors)) == NULL) {
		for (i = 0; i < nerrors; i++)
			fprintf(stderr, "Error: %s\n", errors[i]);
		fprintf(stderr, "supd: configuration check failed: %d "
		    "problem%s\n", nerrors, nerrors == 1 ? "" : "s");
		config_free_errors(errors, nerrors);
		return (2);
	}
	for (i = 0; i < cf->nlint; i++)
		fprintf(stderr, "Warning: %s\n", cf->lint[i]);
	if ((problems = supd_check_spawns(cf)) != 0) {
		fprintf(stderr, "supd: configuration check failed: %d "
		    "problem%s\n", problems, problems == 1 ? "" : "s");
		config_free(cf);
		return (2);
	}
	if (print) {
		printf("; effective configuration of %s\n; profile: %s (from "
		    "%s)\n\n", cf->configfile, cf->profile,
		    cf->profile_source);
		config_dump_write(cf->dump, stdout);
		fflush(stdout);
	}
	n = supd_check_count(cf);
	fprintf(stderr, "supd: configuration file %s is ok: %d program%s, "
	    "%d process%s\n", cf->configfile, cf->ngroups,
	    cf->ngroups == 1 ? "" : "s", n, n == 1 ? "" : "es");
	config_free(cf);
	return (0);
}

static const char supd_check_sample[] =
"; A sample supd configuration. supd reads Supervisor's supervisord.conf\n"
"; unchanged; lines starting with ';' are comments. Check a config with\n"
"; 'supd check -c FILE' and see what it amounts to with --print.\n"
"\n"
"; The socket supctl (and supervisorctl) talk to.\n"
"[unix_http_server]\n"
"file = %(here)s/supd.sock\n"
"chmod = 0700\n"
";username = admin\n"
";password = {SHA}... (or a plain password)\n"
"\n"
"; An HTTP port as well, for remote supctl, the dashboard and /metrics.\n"
";[inet_http_server]\n"
";port = 127.0.0.1:9001\n"
"\n"
"[supervisord]\n"
"logfile = %(here)s/supd.log\n"
"logfile_maxbytes = 50MB\n"
"logfile_backups = 10\n"
"loglevel = info\n"
"pidfile = %(here)s/supd.pid\n"
";nodaemon = false\n"
";childlogdir = /tmp\n"
"; Variables for every program, and for %(ENV_NAME)s in this file.\n"
"; KEY=VALUE lines as sh reads them (never run); '-' means optional.\n"
";environment_file = -%(here)s/common.env\n"
";environment = TZ=\"UTC\"\n"
"\n"
"[rpcinterface:supervisor]\n"
"supervisor.rpcinterface_factory = "
"supervisor.rpcinterface:make_main_rpcinterface\n"
"\n"
"[supervisorctl]\n"
"serverurl = unix://%(here)s/supd.sock\n"
"\n"
"; One section per program; every option but command is optional.\n"
";[program:web]\n"
";command = /usr/bin/gunicorn -c gunicorn.py wsgi:application\n"
";directory = /srv/web\n"
";numprocs = 1\n"
";process_name = %(program_name)s\n"
";autostart = true\n"
";autorestart = unexpected\n"
";startsecs = 1\n"
";startretries = 3\n"
";stopsignal = TERM\n"
";stopwaitsecs = 10\n"
";stopasgroup = false\n"
";user = www-data\n"
";redirect_stderr = true\n"
";stdout_logfile = AUTO\n"
";stdout_logfile_maxbytes = 50MB\n"
"; Read again at each start, so an edit takes effect on restart;\n"
"; environment= wins over it.\n"
";environment_file = /srv/web/bin/environ.sh\n"
";environment = DJANGO_SETTINGS_MODULE=\"settings\"\n"
"\n"
"; More files: %(profile)s is dev, stag, prod... from supd -P, or\n"
"; SUPD_PROFILE, BKPAAS_ENVIRONMENT or BK_ENV, else 'default'.\n"
";[include]\n"
";files = conf.d/*.conf profiles/%(profile)s/*.conf\n";

void
supd_echo_config(FILE *f)
{
	fputs(supd_check_sample, f);
}
