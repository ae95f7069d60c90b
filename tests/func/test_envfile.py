"""environment_file= in [supervisord] and in programs: KEY=VALUE files as sh
reads them, never run. [supervisord]'s is read before the config's
expansions (its variables are %(ENV_x)s everywhere, [include] too) and
reaches every child; a program's is checked at load and read at each
spawn, so an edit takes effect on restart and a file gone bad is a spawn
error. Lowest first, a child gets: supd's environment, [supervisord]
environment_file, the program's environment_file, [supervisord]
environment=, the program's environment=."""
import os
import xmlrpc.client

import pytest

pytestmark = pytest.mark.supd_only


def envfile(sup, name, text):
    path = sup.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_program_file_reaches_the_child(sup):
    sup.probe()
    envfile(sup, "app.env", "# app\nexport APP_HOME=/srv/app\n"
            "GREETING='hello world'\nURL=\"http://$APP_HOST:80\"\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/app.env
        startsecs=0
        """)
    sup.start(env={"APP_HOST": "db.local"})
    env = sup.read_probe("p.json")["env"]
    assert env["APP_HOME"] == "/srv/app"
    assert env["GREETING"] == "hello world"
    assert env["URL"] == "http://db.local:80"


def test_environment_wins_over_the_file(sup):
    sup.probe()
    envfile(sup, "app.env", "A=from-file\nB=from-file\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/app.env
        environment=A="from-environment"
        startsecs=0
        """)
    sup.start()
    env = sup.read_probe("p.json")["env"]
    assert env["A"] == "from-environment"
    assert env["B"] == "from-file"


def test_the_layers_in_order(sup):
    sup.probe()
    envfile(sup, "global.env", "G1=global-file\nG2=global-file\n"
            "G3=global-file\nG4=global-file\n")
    envfile(sup, "prog.env", "G2=program-file\nG3=program-file\n"
            "G4=program-file\n")
    sup.write("""
        [supervisord]
        environment_file=%(here)s/global.env
        environment=G3="global-environment",G4="global-environment"

        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/prog.env
        environment=G4="program-environment"
        startsecs=0
        """)
    sup.start()
    env = sup.read_probe("p.json")["env"]
    assert env["G1"] == "global-file"
    assert env["G2"] == "program-file"
    assert env["G3"] == "global-environment"
    assert env["G4"] == "program-environment"


def test_global_file_is_read_before_expansion_and_reaches_every_child(sup):
    sup.probe()
    os.makedirs(sup.path("work"))
    envfile(sup, "global.env", "export WORK=%s\nINCLUDE=extra\n"
            % sup.path("work"))
    envfile(sup, "extra/q.conf", "[program:q]\n"
            "command=%(here)s/../probe.py %(here)s/../q.json\n"
            "startsecs=0\n")
    sup.write("""
        [supervisord]
        environment_file=%(here)s/global.env

        [include]
        files = %(ENV_INCLUDE)s/*.conf

        [program:p]
        command=%(here)s/probe.py %(ENV_WORK)s/p.json
        directory=%(ENV_WORK)s
        startsecs=0
        """)
    sup.start()
    p = sup.read_probe("work/p.json")
    assert p["cwd"] == sup.path("work")
    assert p["env"]["WORK"] == sup.path("work")
    assert sup.read_probe("q.json")["env"]["INCLUDE"] == "extra"


def test_several_files_later_wins_and_dash_is_optional(sup):
    sup.probe()
    envfile(sup, "a.env", "A=1\nB=1\n")
    envfile(sup, "b.env", "B=2\nC=$A$B\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/a.env, %(here)s/b.env, -%(here)s/none.env
        startsecs=0
        """)
    sup.start()
    env = sup.read_probe("p.json")["env"]
    assert (env["A"], env["B"], env["C"]) == ("1", "2", "12")


def test_a_relative_path_is_from_the_config_files_directory(sup):
    sup.probe()
    envfile(sup, "rel/app.env", "REL=yes\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=rel/app.env
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("p.json")["env"]["REL"] == "yes"


def test_a_missing_file_without_dash_is_a_config_error(sup):
    sup.write("""
        [program:p]
        command=/bin/true
        environment_file=%(here)s/none.env
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2
    assert "[program:p] environment_file: " in out
    assert "none.env" in out


@pytest.mark.parametrize("line", ["B=$(id -u)", "B=`id -u`", "B=1; id",
                                  "id", "B=$((1+1))"])
def test_what_a_shell_would_run_is_a_config_error(sup, line):
    envfile(sup, "app.env", "A=1\n%s\n" % line)
    sup.write("""
        [program:p]
        command=/bin/true
        environment_file=%(here)s/app.env
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2
    assert "[program:p] environment_file: %s:2: " % sup.path("app.env") in out


def test_a_bad_global_file_is_a_config_error(sup):
    envfile(sup, "global.env", "export X=`hostname`\n")
    sup.write("""
        [supervisord]
        environment_file=%(here)s/global.env
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2
    assert ("[supervisord] environment_file: %s:1: "
            % sup.path("global.env")) in out


def test_backquotes_in_single_quotes_are_plain_text(sup):
    sup.probe()
    envfile(sup, "app.env", "Q='$(id) `id`'\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/app.env
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("p.json")["env"]["Q"] == "$(id) `id`"


def test_an_edited_file_takes_effect_on_restart(sup):
    sup.probe()
    envfile(sup, "app.env", "V=one\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/app.env
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("p.json")["env"]["V"] == "one"
    os.unlink(sup.path("p.json"))
    envfile(sup, "app.env", "V=two\n")
    sup.rpc.stopProcess("p")
    sup.rpc.startProcess("p")
    assert sup.read_probe("p.json")["env"]["V"] == "two"


def test_a_file_gone_bad_is_a_spawn_error(sup):
    sup.probe()
    envfile(sup, "app.env", "V=one\n")
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file=%(here)s/app.env
        startsecs=0
        startretries=0
        """)
    sup.start()
    sup.wait_state("p", "RUNNING")
    envfile(sup, "app.env", "V=one\nW=$(reboot)\n")
    sup.rpc.stopProcess("p")
    # Not a fault about the command (NO_FILE): the spawn is tried, fails.
    with pytest.raises(xmlrpc.client.Fault) as fault:
        sup.rpc.startProcess("p")
    assert fault.value.faultCode == 50       # SPAWN_ERROR
    info = sup.wait_state("p", "FATAL", "BACKOFF")
    assert "%s:2: command substitution" % sup.path("app.env") in info["spawnerr"]
    assert sup.proc.poll() is None      # the daemon goes on


def test_a_file_gone_bad_sends_an_autorestart_to_backoff(sup):
    envfile(sup, "app.env", "V=one\n")
    sup.write("""
        [program:p]
        command=/bin/sleep 1000
        environment_file=%(here)s/app.env
        autorestart=true
        startsecs=0
        startretries=1000
        """)
    sup.start()
    pid = sup.wait_state("p", "RUNNING")["pid"]
    envfile(sup, "app.env", "V=`reboot`\n")
    os.kill(pid, 9)
    info = sup.wait_state("p", "BACKOFF")
    assert "%s:1: " % sup.path("app.env") in info["spawnerr"]
    envfile(sup, "app.env", "V=two\n")
    sup.wait_state("p", "RUNNING", timeout=30)


def test_bklog_environ_sh_loads(sup):
    sup.probe()
    envfile(sup, "api/bin/environ.sh", """#!/bin/sh
# Environment of the BK-LOG API, sourced by its supervisor command line.
export LAN_IP="10.0.0.5"
export BKLOG_API_PORT="10300"
export PATH=%s/.envs/bklog-api/bin:$PATH
export BK_ENV="production"
export DB_PASSWORD="p@ss w0rd's"
export BKAPP_GRAFANA_URL="http://10.0.0.6:3000"
export BK_BKLOG_REDIS_HOST=redis.service.consul
""" % sup.dir)
    os.makedirs(sup.path(".envs/bklog-api/bin"))
    os.symlink(sup.path("probe.py"), sup.path(".envs/bklog-api/bin/gunicorn"))
    sup.write("""
        [program:api]
        command=gunicorn %(here)s/p.json
        environment_file=%(here)s/api/bin/environ.sh
        startsecs=0
        """)
    sup.start(env={"PATH": "/usr/bin:/bin"})
    env = sup.read_probe("p.json")["env"]
    assert env["PATH"] == sup.path(".envs/bklog-api/bin") + ":/usr/bin:/bin"
    assert env["DB_PASSWORD"] == "p@ss w0rd's"
    assert env["BK_ENV"] == "production"
    assert env["BKAPP_GRAFANA_URL"] == "http://10.0.0.6:3000"


def test_start_process_finds_the_command_on_the_files_path(sup):
    os.makedirs(sup.path("venv/bin"))
    sup.script("venv/bin/serve", "#!/bin/sh\nexec sleep 1000\n")
    envfile(sup, "app.env", "export PATH=%s/venv/bin:$PATH\n" % sup.dir)
    sup.write("""
        [program:p]
        command=serve
        environment_file=%(here)s/app.env
        autostart=false
        startsecs=0
        """)
    sup.start()
    assert sup.rpc.startProcess("p") is True
    sup.wait_state("p", "RUNNING")
