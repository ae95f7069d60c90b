"""Config files as Supervisor 4.2.5 reads them: the RawConfigParser dialect,
[include], [group:x], numprocs, %(...)s expansions, option defaults,
environment=, [fcgi-program:x], [eventlistener:x], and bad configs that must
be refused with exit status 2 before anything is started."""
import os
import platform
import re
import socket
import stat
import xmlrpc.client

import pytest

from conftest import wait_until, free_port


def config_info(sup):
    """getAllConfigInfo keyed by (group, name)."""
    return {(c["group"], c["name"]): c for c in sup.rpc.getAllConfigInfo()}


def names(sup):
    return sorted("%s:%s" % (p["group"], p["name"]) for p in sup.rpc.getAllProcessInfo())


# -- the ini dialect ---------------------------------------------------------

def test_continuation_lines_join_a_value(sup):
    sup.probe()
    sup.write("""
        [program:cont]
        command=%(here)s/probe.py %(here)s/cont.json
            second-arg
        environment=A="1",
            B="2"
        startsecs=0
        """)
    sup.start()
    info = config_info(sup)[("cont", "cont")]
    assert info["command"] == "%s/probe.py %s/cont.json\nsecond-arg" % (sup.dir, sup.dir)
    seen = sup.read_probe("cont.json")
    assert seen["argv"] == ["second-arg"]
    assert seen["env"]["A"] == "1"
    assert seen["env"]["B"] == "2"


def test_inline_comment_needs_whitespace_before_it(sup):
    sup.write("""
        ; a whole-line comment
        # another whole-line comment
        [program:comments]
        command=/bin/echo a;b#c ; this is a comment
        startsecs=7 # so is this
        autostart=false
        """)
    sup.start()
    info = config_info(sup)[("comments", "comments")]
    assert info["command"] == "/bin/echo a;b#c"
    assert info["startsecs"] == 7


def test_program_section_name_may_have_a_space_after_colon(sup):
    sup.write("""
        [program: spaced]
        command=sleep 100
        startsecs=0
        """)
    sup.start()
    assert names(sup) == ["spaced:spaced"]
    sup.wait_state("spaced", "RUNNING")


def test_option_names_are_case_insensitive(sup):
    sup.write("""
        [program:upper]
        COMMAND=sleep 100
        AutoStart=FALSE
        StartSecs=0
        Priority=42
        """)
    sup.start()
    info = config_info(sup)[("upper", "upper")]
    assert info["command"] == "sleep 100"
    assert info["autostart"] is False
    assert info["process_prio"] == 42
    assert sup.state("upper") == "STOPPED"


def test_section_names_are_case_sensitive(sup):
    sup.write("""
        [Program:ignored]
        command=sleep 100

        [program:kept]
        command=sleep 100
        startsecs=0
        """)
    sup.start()
    assert names(sup) == ["kept:kept"]


def test_colon_separates_option_and_value_too(sup):
    sup.write("""
        [program:colon]
        command: sleep 100
        startsecs : 0
        """)
    sup.start()
    info = config_info(sup)[("colon", "colon")]
    assert info["command"] == "sleep 100"
    assert info["startsecs"] == 0


def test_duplicate_sections_merge_and_later_options_win(sup):
    sup.write("""
        [program:dup]
        command=sleep 100
        startsecs=5
        priority=1

        [program:dup]
        startsecs=0
        startsecs=3
        """)
    sup.start()
    assert names(sup) == ["dup:dup"]
    info = config_info(sup)[("dup", "dup")]
    assert info["command"] == "sleep 100"
    assert info["startsecs"] == 3
    assert info["process_prio"] == 1


def test_duplicate_supervisord_section_merges(sup):
    # The standard header already has a [supervisord] section.
    sup.write("""
        [supervisord]
        identifier=merged-id
        """)
    sup.start()
    assert sup.rpc.getIdentification() == "merged-id"
    assert sup.rpc.getState()["statename"] == "RUNNING"


# -- [include] ---------------------------------------------------------------

def write_include_tree(sup, files_line):
    """etc/supervisord.conf includes files_line; conf.d/ holds two programs."""
    os.makedirs(sup.path("etc", "conf.d"))
    os.makedirs(sup.path("etc", "extra"))
    sup.probe()
    conf = sup.write("""
        [include]
        files = %s

        [program:main]
        command={dir}/probe.py {dir}/main.json
        directory=%%(here)s
        startsecs=0
        """ % files_line, name="etc/supervisord.conf")
    for name in ("b", "a"):
        sup.write("""
            [program:inc_%s]
            command={dir}/probe.py {dir}/inc_%s.json %%(here)s
            directory=%%(here)s
            startsecs=0
            """ % (name, name), base=False, name="etc/conf.d/%s.conf" % name)
    sup.write("""
        [program:extra]
        command=sleep 100
        startsecs=0
        """, base=False, name="etc/extra/extra.ini")
    sup.write("""
        [program:not_included]
        command=sleep 100
        """, base=False, name="etc/conf.d/skip.txt")
    return conf


def test_include_globs_are_relative_to_the_including_file(sup):
    conf = write_include_tree(sup, "conf.d/*.conf extra/*.ini")
    sup.start(conf=conf)
    assert names(sup) == ["extra:extra", "inc_a:inc_a", "inc_b:inc_b", "main:main"]
    for name in ("inc_a", "inc_b", "extra", "main"):
        sup.wait_state(name, "RUNNING")


def test_include_logs_each_included_file(sup):
    conf = write_include_tree(sup, "conf.d/*.conf")
    sup.start(conf=conf)
    for name in ("a", "b"):
        sup.wait_log('Included extra file "%s" during parsing'
                     % sup.path("etc", "conf.d", "%s.conf" % name))


def test_here_in_an_included_file_is_that_files_directory(sup):
    conf = write_include_tree(sup, "conf.d/*.conf")
    sup.start(conf=conf)
    inc = sup.read_probe("inc_a.json")
    assert inc["cwd"] == sup.path("etc", "conf.d")
    assert inc["argv"] == [sup.path("etc", "conf.d")]
    main = sup.read_probe("main.json")
    assert main["cwd"] == sup.path("etc")


def test_include_accepts_absolute_patterns(sup):
    conf = write_include_tree(sup, "%s/etc/extra/*.ini" % sup.dir)
    sup.start(conf=conf)
    assert names(sup) == ["extra:extra", "main:main"]


def test_include_without_match_is_a_warning(sup):
    conf = write_include_tree(sup, "nomatch/*.conf conf.d/a.conf")
    sup.start(conf=conf)
    assert names(sup) == ["inc_a:inc_a", "main:main"]
    sup.wait_log('WARN No file matches via include "%s"'
                 % sup.path("etc", "nomatch", "*.conf"))


# -- groups and numprocs -----------------------------------------------------

def test_group_collects_programs_with_its_priority(sup):
    sup.write("""
        [group:web]
        programs=front,back
        priority=5

        [program:front]
        command=sleep 100
        startsecs=0
        priority=20

        [program:back]
        command=sleep 100
        startsecs=0
        priority=10

        [program:alone]
        command=sleep 100
        startsecs=0
        """)
    sup.start()
    assert names(sup) == ["alone:alone", "web:back", "web:front"]
    info = config_info(sup)
    assert info[("web", "front")]["group_prio"] == 5
    assert info[("web", "front")]["process_prio"] == 20
    assert info[("web", "back")]["process_prio"] == 10
    assert info[("alone", "alone")]["group_prio"] == 999
    sup.wait_state("web:front", "RUNNING")
    with pytest.raises(xmlrpc.client.Fault) as exc:
        sup.rpc.getProcessInfo("front")
    assert exc.value.faultString.startswith("BAD_NAME")


def test_group_members_see_the_group_name(sup):
    sup.probe()
    sup.write("""
        [group:grp]
        programs=member

        [program:member]
        command=%(here)s/probe.py %(here)s/member.json %(group_name)s %(program_name)s
        startsecs=0
        """)
    sup.start()
    seen = sup.read_probe("member.json")
    assert seen["argv"] == ["grp", "member"]
    assert seen["env"]["SUPERVISOR_GROUP_NAME"] == "grp"
    assert seen["env"]["SUPERVISOR_PROCESS_NAME"] == "member"


def test_numprocs_names_processes_from_numprocs_start(sup):
    sup.probe()
    sup.write("""
        [program:w]
        command=%(here)s/probe.py %(here)s/w_%(process_num)d.json %(process_num)d %(numprocs)d
        process_name=%(program_name)s_%(process_num)02d
        numprocs=3
        numprocs_start=5
        startsecs=0
        """)
    sup.start()
    assert names(sup) == ["w:w_05", "w:w_06", "w:w_07"]
    for num in (5, 6, 7):
        seen = sup.read_probe("w_%d.json" % num)
        assert seen["argv"] == [str(num), "3"]
        assert seen["env"]["SUPERVISOR_PROCESS_NAME"] == "w_%02d" % num
        assert seen["env"]["SUPERVISOR_GROUP_NAME"] == "w"


def test_numprocs_one_keeps_the_plain_name(sup):
    sup.write("""
        [program:single]
        command=sleep 100
        numprocs=1
        startsecs=0
        """)
    sup.start()
    assert names(sup) == ["single:single"]
    sup.wait_state("single:single", "RUNNING")
    sup.wait_state("single", "RUNNING")


# -- expansions --------------------------------------------------------------

def test_expansions_in_command(sup):
    sup.probe()
    sup.write("""
        [program:exp]
        command=%(here)s/probe.py %(here)s/exp.json %(program_name)s %(process_num)d
            %(group_name)s %(host_node_name)s %(numprocs)d %(ENV_SUPD_TEST_VAR)s
            %(here)s 100%%
        startsecs=0
        """)
    sup.start(env={"SUPD_TEST_VAR": "from-env"})
    seen = sup.read_probe("exp.json")
    assert seen["argv"] == ["exp", "0", "exp", platform.node(), "1", "from-env",
                            sup.dir, "100%"]


def test_expansions_in_environment_directory_and_logfile(sup):
    sup.probe()
    os.makedirs(sup.path("dir_exp_0"))
    sup.write("""
        [program:exp]
        command=%(here)s/probe.py %(here)s/exp.json
        environment=E_NAME="%(program_name)s-%(process_num)d",E_ENV="%(ENV_SUPD_TEST_VAR)s",
            E_HERE="%(here)s",E_NUM="%(numprocs)d",E_GROUP="%(group_name)s"
        directory=%(here)s/dir_%(program_name)s_%(process_num)d
        stdout_logfile=%(here)s/out_%(program_name)s_%(process_num)d.log
        startsecs=0
        """)
    sup.start(env={"SUPD_TEST_VAR": "from-env"})
    seen = sup.read_probe("exp.json")
    assert seen["env"]["E_NAME"] == "exp-0"
    assert seen["env"]["E_ENV"] == "from-env"
    assert seen["env"]["E_HERE"] == sup.dir
    assert seen["env"]["E_NUM"] == "1"
    assert seen["env"]["E_GROUP"] == "exp"
    assert seen["cwd"] == sup.path("dir_exp_0")
    assert sup.info("exp")["stdout_logfile"] == sup.path("out_exp_0.log")
    assert os.path.exists(sup.path("out_exp_0.log"))


def test_program_environment_extends_env_expansions(sup):
    sup.probe()
    sup.write("""
        [program:envexp]
        command=%(here)s/probe.py %(here)s/envexp.json %(ENV_FROM_PROGRAM)s
        environment=FROM_PROGRAM="prog-value"
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("envexp.json")["argv"] == ["prog-value"]


def test_supervisord_environment_reaches_children_and_expansions(sup):
    sup.probe()
    sup.write("""
        [supervisord]
        environment=FROM_SUPD="supd-value",SHARED="from-supervisord"

        [program:child]
        command=%(here)s/probe.py %(here)s/child.json %(ENV_FROM_SUPD)s
        environment=SHARED="from-program"
        startsecs=0
        """)
    sup.start()
    seen = sup.read_probe("child.json")
    assert seen["argv"] == ["supd-value"]
    assert seen["env"]["FROM_SUPD"] == "supd-value"
    assert seen["env"]["SHARED"] == "from-program"


def test_children_inherit_the_daemon_environment(sup):
    sup.probe()
    sup.write("""
        [program:inherit]
        command=%(here)s/probe.py %(here)s/inherit.json
        environment=OVERRIDDEN="by-config"
        startsecs=0
        """)
    sup.start(env={"SUPD_INHERITED": "yes", "OVERRIDDEN": "by-daemon-env"})
    seen = sup.read_probe("inherit.json")
    assert seen["env"]["SUPD_INHERITED"] == "yes"
    assert seen["env"]["OVERRIDDEN"] == "by-config"
    assert seen["env"]["PATH"] == os.environ["PATH"]


def test_environment_quoting_and_commas(sup):
    sup.probe()
    sup.write("""
        [program:quoting]
        command=%(here)s/probe.py %(here)s/quoting.json
        environment=COMMA="a,b,c",SPACE='one two',PLAIN=plain,EMPTY="",
            PATHLIKE=/usr/local/bin:/usr/bin,CHARS=x.y+z-(1)
        startsecs=0
        """)
    sup.start()
    env = sup.read_probe("quoting.json")["env"]
    assert env["COMMA"] == "a,b,c"
    assert env["SPACE"] == "one two"
    assert env["PLAIN"] == "plain"
    assert env["EMPTY"] == ""
    assert env["PATHLIKE"] == "/usr/local/bin:/usr/bin"
    assert env["CHARS"] == "x.y+z-(1)"


# -- option defaults and values ----------------------------------------------

PROGRAM_DEFAULTS = {
    "autostart": True,
    "directory": "none",
    "uid": "none",
    "exitcodes": [0],
    "group_prio": 999,
    "inuse": True,
    "killasgroup": False,
    "process_prio": 999,
    "redirect_stderr": False,
    "startretries": 3,
    "startsecs": 1,
    "stdout_capture_maxbytes": 0,
    "stdout_events_enabled": False,
    "stdout_logfile_backups": 10,
    "stdout_logfile_maxbytes": 50 * 1024 * 1024,
    "stdout_syslog": False,
    "stderr_capture_maxbytes": 0,
    "stderr_events_enabled": False,
    "stderr_logfile_backups": 10,
    "stderr_logfile_maxbytes": 50 * 1024 * 1024,
    "stderr_syslog": False,
    "stopsignal": 15,
    "stopwaitsecs": 10,
    "serverurl": "none",
}


def test_program_option_defaults(sup):
    sup.write("""
        [program:plain]
        command=sleep 100
        """)
    sup.start()
    info = config_info(sup)[("plain", "plain")]
    assert info["command"] == "sleep 100"
    assert info["name"] == "plain"
    assert info["group"] == "plain"
    for key, value in PROGRAM_DEFAULTS.items():
        assert info[key] == value, key
    # AUTO logs: a file in childlogdir, also what getProcessInfo reports.
    proc = sup.info("plain")
    for channel in ("stdout", "stderr"):
        path = info["%s_logfile" % channel]
        assert os.path.dirname(path) == sup.path("logs")
        assert os.path.basename(path).startswith("plain-%s---supervisor-" % channel)
        assert proc["%s_logfile" % channel] == path


def test_program_option_values(sup):
    sup.write("""
        [program:valued]
        command=sleep 100
        autostart=false
        directory=/tmp
        user=nobody
        exitcodes=0,2,255
        priority=7
        redirect_stderr=true
        startretries=5
        startsecs=0
        stdout_capture_maxbytes=1KB
        stdout_events_enabled=true
        stdout_logfile={dir}/valued.log
        stdout_logfile_backups=3
        stdout_logfile_maxbytes=2MB
        stdout_syslog=true
        stderr_logfile_maxbytes=1GB
        stderr_logfile_backups=0
        stopsignal=INT
        stopwaitsecs=3
        stopasgroup=true
        serverurl=AUTO
        """)
    sup.start()
    info = config_info(sup)[("valued", "valued")]
    expected = dict(autostart=False, directory="/tmp", uid=65534, exitcodes=[0, 2, 255],
                    process_prio=7, group_prio=7, redirect_stderr=True, startretries=5,
                    startsecs=0, stdout_capture_maxbytes=1024, stdout_events_enabled=True,
                    stdout_logfile=sup.path("valued.log"), stdout_logfile_backups=3,
                    stdout_logfile_maxbytes=2 * 1024 * 1024, stdout_syslog=True,
                    stderr_logfile="none", stderr_logfile_maxbytes=1024 ** 3,
                    stderr_logfile_backups=0, stopsignal=2, stopwaitsecs=3,
                    killasgroup=True, serverurl="none")
    for key, value in expected.items():
        assert info[key] == value, key


def test_group_priority_defaults_to_program_priority(sup):
    sup.write("""
        [program:prio]
        command=sleep 100
        priority=123
        autostart=false
        """)
    sup.start()
    info = config_info(sup)[("prio", "prio")]
    assert info["group_prio"] == 123
    assert info["process_prio"] == 123


def test_nonexistent_directory_is_not_a_config_error(sup):
    # directory= is only checked when the child chdirs (see test_process.py).
    sup.write("""
        [program:nodir]
        command=sleep 100
        directory=/nonexistent/supd-test-dir
        autostart=false
        """)
    sup.start()
    assert config_info(sup)[("nodir", "nodir")]["directory"] == "/nonexistent/supd-test-dir"


# -- [fcgi-program:x] --------------------------------------------------------

FCGI_SERVER = """
    #!/usr/bin/python3
    # Answers each connection on the listening socket it finds on fd 0.
    import os, socket, stat
    is_sock = stat.S_ISSOCK(os.fstat(0).st_mode)
    listener = socket.socket(fileno=0)
    while True:
        conn, _ = listener.accept()
        conn.sendall(("hello from %s fd0-socket=%s\\n"
                      % (os.environ["SUPERVISOR_PROCESS_NAME"], is_sock)).encode())
        conn.close()
    """


def talk(family, address):
    def attempt():
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(address)
            data = b""
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    return data.decode()
                data += chunk
        finally:
            s.close()
    return wait_until(attempt, what="fcgi program to answer on %r" % (address,))


def test_fcgi_program_tcp_socket_is_the_childs_stdin(sup):
    sup.script("fcgi.py", FCGI_SERVER)
    port = free_port()
    sup.write("""
        [fcgi-program:fcgi]
        command=%%(here)s/fcgi.py
        socket=tcp://127.0.0.1:%d
        startsecs=0
        """ % port)
    sup.start()
    sup.wait_state("fcgi", "RUNNING")
    assert talk(socket.AF_INET, ("127.0.0.1", port)) == "hello from fcgi fd0-socket=True\n"


def test_fcgi_program_unix_socket_with_socket_mode(sup):
    sup.script("fcgi.py", FCGI_SERVER)
    sup.write("""
        [fcgi-program:fcgiu]
        command=%(here)s/fcgi.py
        socket=unix://%(here)s/%(program_name)s.sock
        socket_mode=0660
        process_name=%(program_name)s_%(process_num)d
        numprocs=2
        startsecs=0
        """)
    sup.start()
    path = sup.path("fcgiu.sock")
    assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
    sup.wait_state("fcgiu:fcgiu_0", "RUNNING")
    sup.wait_state("fcgiu:fcgiu_1", "RUNNING")
    answer = talk(socket.AF_UNIX, path)
    assert re.match(r"^hello from fcgiu_[01] fd0-socket=True\n$", answer)


def test_fcgi_program_unix_socket_mode_defaults_to_0700(sup):
    sup.script("fcgi.py", FCGI_SERVER)
    sup.write("""
        [fcgi-program:fcgid]
        command=%(here)s/fcgi.py
        socket=unix://%(here)s/fcgid.sock
        startsecs=0
        """)
    sup.start()
    assert stat.S_IMODE(os.stat(sup.path("fcgid.sock")).st_mode) == 0o700
    assert talk(socket.AF_UNIX, sup.path("fcgid.sock")).startswith("hello from fcgid")


# -- [eventlistener:x] -------------------------------------------------------

LISTENER = """
    #!/usr/bin/python3
    import sys
    while True:
        sys.stdout.write("READY\\n")
        sys.stdout.flush()
        header = dict(x.split(":", 1) for x in sys.stdin.readline().split())
        sys.stdin.read(int(header["len"]))
        sys.stdout.write("RESULT 2\\nOK")
        sys.stdout.flush()
    """


def test_eventlistener_section_is_accepted(sup):
    sup.script("listener.py", LISTENER)
    sup.write("""
        [eventlistener:listener]
        command=%(here)s/listener.py
        events=PROCESS_STATE,TICK_5
        startsecs=0

        [program:watched]
        command=sleep 100
        startsecs=0
        """)
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.wait_state("watched", "RUNNING")
    info = config_info(sup)[("listener", "listener")]
    # Listener pools default to priority -1 (started first, stopped last),
    # but the process itself keeps the ordinary default of 999.
    assert info["group_prio"] == -1
    assert info["process_prio"] == 999


# -- bad configs -------------------------------------------------------------

GOOD_PROGRAM = """
[program:good]
command=/bin/sh -c "touch {dir}/started; exec sleep 100"
startsecs=0
"""

MINI_HEADER = """\
[unix_http_server]
file={dir}/supervisor.sock

"""

SUPERVISORD_SECTION = """\
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}/logs

"""

# (id, body, base header?, what supervisord prints, marker of the bad line,
#  option name the message must carry (supd))
BAD_CONFIGS = [
    ("bad_boolean", "[program:x]\ncommand=sleep 1\nautostart=maybe\n", True,
     "not a valid boolean value: 'maybe'", "autostart=maybe", "autostart"),
    ("bad_integer", "[program:x]\ncommand=sleep 1\nstartsecs=abc\n", True,
     {"supervisord": "invalid literal for int() with base 10: 'abc'",
      "supd": "startsecs: 'abc' is not an integer (expected a whole number)"},
     "startsecs=abc", "startsecs"),
    ("bad_numprocs", "[program:x]\ncommand=sleep 1\nnumprocs=two\n", True,
     {"supervisord": "invalid literal for int() with base 10: 'two'",
      "supd": "numprocs: 'two' is not an integer (expected a whole number)"},
     "numprocs=two", "numprocs"),
    ("bad_priority", "[program:x]\ncommand=sleep 1\npriority=high\n", True,
     {"supervisord": "invalid literal for int() with base 10: 'high'",
      "supd": "priority: 'high' is not an integer (expected a whole number)"},
     "priority=high", "priority"),
    ("unknown_signal", "[program:x]\ncommand=sleep 1\nstopsignal=BOGUS\n", True,
     "value 'BOGUS' is not a valid signal name", "stopsignal=BOGUS", "stopsignal"),
    ("bad_exitcodes", "[program:x]\ncommand=sleep 1\nexitcodes=0,abc\n", True,
     "not a valid list of exit codes: '0,abc'", "exitcodes=0,abc", "exitcodes"),
    ("exitcode_out_of_range", "[program:x]\ncommand=sleep 1\nexitcodes=256\n", True,
     "not a valid list of exit codes: '256'", "exitcodes=256", "exitcodes"),
    ("numprocs_without_process_num", "[program:x]\ncommand=sleep 1\nnumprocs=2\n", True,
     "%(process_num) must be present within process_name when numprocs > 1",
     "numprocs=2", "process_name"),
    ("stopasgroup_without_killasgroup",
     "[program:x]\ncommand=sleep 1\nstopasgroup=true\nkillasgroup=false\n", True,
     "Cannot set stopasgroup=true and killasgroup=false", "killasgroup=false", "killasgroup"),
    ("unknown_expansion", "[program:x]\ncommand=echo %(nosuch)s\n", True,
     "contains names ('nosuch') which cannot be expanded", "command=echo", "command"),
    ("badly_formatted_expansion", "[program:x]\ncommand=echo %(program_name)\n", True,
     "is badly formatted", "command=echo", "command"),
    ("missing_command", "[program:x]\nstartsecs=0\n", True,
     "program section program:x does not specify a command", "[program:x]", "command"),
    ("group_names_unknown_program", "[group:g]\nprograms=good,nosuch\n", True,
     # supervisord names the wrong section here ("[program:good] names ..."),
     # a bug in its loop; only the rest of the message is required.
     "names unknown program or fcgi-program nosuch", "programs=", "programs"),
    ("bad_autorestart", "[program:x]\ncommand=sleep 1\nautorestart=sometimes\n", True,
     "invalid 'autorestart' value 'sometimes'", "autorestart=", "autorestart"),
    ("bad_umask", "[program:x]\ncommand=sleep 1\numask=999\n", True,
     "999 can not be converted to an octal type", "umask=999", "umask"),
    ("bad_byte_size", "[program:x]\ncommand=sleep 1\nstdout_logfile_maxbytes=lots\n", True,
     {"supervisord": "invalid literal for int()",
      "supd": "stdout_logfile_maxbytes: 'lots' is not a byte size"},
     "maxbytes=lots", "stdout_logfile_maxbytes"),
    ("logfile_directory_missing",
     "[program:x]\ncommand=sleep 1\nstdout_logfile=/nonexistent/dir/x.log\n", True,
     "The directory named as part of the path /nonexistent/dir/x.log does not exist",
     "stdout_logfile=", "stdout_logfile"),
    ("unknown_user", "[program:x]\ncommand=sleep 1\nuser=nosuchuser_supd\n", True,
     "Invalid user name nosuchuser_supd", "user=", "user"),
    ("slash_in_program_name", "[program:a/b]\ncommand=sleep 1\n", True,
     "Invalid name: 'a/b' because of character: '/'", "[program:a/b]", None),
    ("colon_in_process_name", "[program:x]\ncommand=sleep 1\nprocess_name=a:b\n", True,
     "Invalid name: 'a:b' because of character: ':'", "process_name=", "process_name"),
    ("bad_environment", "[program:x]\ncommand=sleep 1\nenvironment=A\n", True,
     "Unexpected end of key/value pairs in value 'A'", "environment=A", "environment"),
    ("bad_loglevel", "[supervisord]\nloglevel=loud\n", True,
     "bad logging level name 'loud'", "loglevel=loud", "loglevel"),
    ("childlogdir_missing", "[supervisord]\nchildlogdir=/nonexistent/supd-dir\n", True,
     "/nonexistent/supd-dir is not an existing directory", "childlogdir=/non", "childlogdir"),
    ("bad_minfds", "[supervisord]\nminfds=many\n", True,
     {"supervisord": "invalid literal for int() with base 10: 'many'",
      "supd": "[supervisord] minfds: 'many' is not an integer (expected a whole number)"},
     "minfds=", "minfds"),
    ("bad_nodaemon", "[supervisord]\nnodaemon=perhaps\n", True,
     "not a valid boolean value: 'perhaps'", "nodaemon=", "nodaemon"),
    ("supervisord_unknown_user", "[supervisord]\nuser=nosuchuser_supd\n", True,
     "Invalid user name nosuchuser_supd", "user=", "user"),
    ("include_without_files", "[include]\n", True,
     ".ini file has [include] section, but no files setting", "[include]", "files"),
    # Python's ParsingError says "[line  3]"; supd says "file:3: cannot parse".
    ("parse_error", "[program:x]\ncommand=sleep 1\nthis line has no delimiter\n", True,
     ("[line", "cannot parse 'this line has no delimiter'"),
     "this line has no delimiter", None),
    ("fcgi_bad_socket", "[fcgi-program:f]\ncommand=sleep 1\nsocket=bogus\n", True,
     "in [fcgi-program:f] socket", "socket=bogus", "socket"),
    ("fcgi_relative_unix_socket",
     "[fcgi-program:f]\ncommand=sleep 1\nsocket=unix://relative.sock\n", True,
     "in [fcgi-program:f] socket", "socket=unix", "socket"),
    ("fcgi_missing_socket", "[fcgi-program:f]\ncommand=sleep 1\n", True,
     '[fcgi-program:f] section requires a "socket" line', "[fcgi-program:f]", "socket"),
    ("fcgi_socket_mode_on_tcp",
     "[fcgi-program:f]\ncommand=sleep 1\nsocket=tcp://127.0.0.1:9\nsocket_mode=0600\n", True,
     "socket_owner and socket_mode params should only be used with a Unix domain socket",
     "socket_mode=", "socket_mode"),
    ("fcgi_bad_socket_mode",
     "[fcgi-program:f]\ncommand=sleep 1\nsocket=unix:///tmp/x.sock\nsocket_mode=rw\n", True,
     "Invalid socket_mode value rw", "socket_mode=", "socket_mode"),
    ("eventlistener_redirect_stderr",
     "[eventlistener:l]\ncommand=sleep 1\nevents=TICK_5\nredirect_stderr=true\n", True,
     "[eventlistener:l] section sets redirect_stderr=true but this is not allowed",
     "redirect_stderr=", "redirect_stderr"),
    ("eventlistener_without_events", "[eventlistener:l]\ncommand=sleep 1\n", True,
     '[eventlistener:l] section requires an "events" line', "[eventlistener:l]", "events"),
    ("eventlistener_unknown_event",
     "[eventlistener:l]\ncommand=sleep 1\nevents=NO_SUCH_EVENT\n", True,
     "Unknown event type NO_SUCH_EVENT in [eventlistener:l] events", "events=", "events"),
    ("eventlistener_bad_buffer_size",
     "[eventlistener:l]\ncommand=sleep 1\nevents=TICK_5\nbuffer_size=0\n", True,
     "[eventlistener:l] section sets invalid buffer_size (0)", "buffer_size=", "buffer_size"),
    ("incomplete_authentication", "[unix_http_server]\nusername=alice\n", True,
     "Section [unix_http_server] contains incomplete authentication", "username=", "password"),
    ("missing_supervisord_section", MINI_HEADER, False,
     ".ini file does not include supervisord section", None, None),
    ("unknown_rpcinterface_factory",
     MINI_HEADER + SUPERVISORD_SECTION +
     "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.nosuch:make\n",
     False, "supervisor.nosuch:make cannot be resolved within [rpcinterface:supervisor]",
     "rpcinterface_factory", "supervisor.rpcinterface_factory"),
    ("rpcinterface_without_factory", "[rpcinterface:other]\nsome_option=1\n", True,
     "section [rpcinterface:other] does not specify a supervisor.rpcinterface_factory",
     "[rpcinterface:other]", "supervisor.rpcinterface_factory"),
]


def write_bad(sup, body, base):
    return sup.write(body + GOOD_PROGRAM, base=base)


@pytest.mark.parametrize("case", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_refused_before_anything_starts(sup, case):
    _id, body, base, message, _marker, _option = case
    write_bad(sup, body, base)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    if isinstance(message, dict):
        # supd words some errors its own way; Supervisor's stay the judge.
        message = message["supd" if sup.is_supd else "supervisord"]
    messages = message if isinstance(message, tuple) else (message,)
    assert any(m in out for m in messages), out
    assert not os.path.exists(sup.path("started"))
    assert not os.path.exists(sup.path("supervisor.sock"))


@pytest.mark.supd_only
@pytest.mark.parametrize("case", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_error_names_file_line_and_option(sup, case):
    _id, body, base, _message, marker, option = case
    conf = write_bad(sup, body, base)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    assert conf in out, out
    if marker is not None:
        with open(conf) as f:
            lines = f.read().split("\n")
        lineno = 1 + next(i for i, line in enumerate(lines) if marker in line)
        assert "%s:%d" % (conf, lineno) in out, out
    if option is not None:
        assert option in out, out


# -- mistakes Supervisor passes over, and plainer words ------------------------

def line_of(path, text):
    with open(path) as f:
        return 1 + next(i for i, line in enumerate(f.read().split("\n")) if text in line)


@pytest.mark.supd_only
def test_unknown_section_type_is_a_warning_with_file_and_line(sup):
    conf = sup.write("""
        [program:ok]
        command=sleep 100
        startsecs=0

        [programm:web]
        command=sleep 100
        """)
    sup.start()
    where = "%s:%d: [programm:web]" % (conf, line_of(conf, "[programm:web]"))
    sup.wait_log("WARN " + where + " unknown section type, ignored")
    assert "Warning: " + where + " unknown section type" in sup.output()
    assert names(sup) == ["ok:ok"]


@pytest.mark.supd_only
def test_program_defined_in_two_files_is_a_warning(sup):
    conf = write_include_tree(sup, "conf.d/*.conf")
    again = sup.write("""
        [program:main]
        startsecs=1
        """, base=False, name="etc/conf.d/c.conf")
    sup.start(conf=conf)
    where = "%s:%d: [program:main]" % (again, line_of(again, "startsecs"))
    sup.wait_log("WARN %s section defined again (first at %s:%d)"
                 % (where, conf, line_of(conf, "[program:main]")))
    assert "Warning: " + where in sup.output()
    # Supervisor's behaviour stays: the two are merged, later values win.
    info = {i["name"]: i for i in sup.rpc.getAllConfigInfo()}
    assert info["main"]["startsecs"] == 1


@pytest.mark.supd_only
def test_include_without_match_names_file_and_line(sup):
    conf = write_include_tree(sup, "nomatch/*.conf conf.d/a.conf")
    sup.start(conf=conf)
    text = 'No file matches via include "%s" (%s:%d: [include] files)' % (
        sup.path("etc", "nomatch", "*.conf"), conf, line_of(conf, "files ="))
    sup.wait_log("WARN " + text)
    assert "Warning: " + text in sup.output()


def test_unset_env_variable_is_named_briefly(sup):
    sup.write("""
        [program:x]
        command=echo %(ENV_SUPD_SURELY_UNSET)s
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    if sup.is_supd:
        assert ("[program:x] command: ENV_SUPD_SURELY_UNSET is not set "
                "(export SUPD_SURELY_UNSET before starting supd") in out, out
        assert "Available names" not in out
        assert "ENV_PATH" not in out
    else:
        assert "contains names ('ENV_SUPD_SURELY_UNSET') which cannot be expanded" in out


def test_unrendered_template_value_gets_a_hint(sup):
    conf = sup.write("""
        [program:x]
        command=sleep 100
        startsecs={{ .startsecs }}
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    if sup.is_supd:
        assert ("%s:%d: [program:x] startsecs: '{{ .startsecs }}' is not an "
                "integer (expected a whole number) ({{ .startsecs }} is a template "
                "placeholder: this file was not rendered from its template)"
                % (conf, line_of(conf, "startsecs="))) in out, out
    else:
        assert "invalid literal for int() with base 10: '{{ .startsecs }}'" in out


@pytest.mark.supd_only
def test_unrendered_template_placeholder_that_loads_is_a_warning(sup):
    conf = sup.write("""
        [program:x]
        command=sleep 100
        startsecs=0
        directory=__BK_HOME__/api

        [program:{{.app_code}}_api]
        command=sleep 100
        autostart=false
        """)
    sup.start()
    sup.wait_log("WARN %s:%d: [program:x] directory: __BK_HOME__ is a template "
                 "placeholder: this file was not rendered from its template"
                 % (conf, line_of(conf, "directory=")))
    sup.wait_log("WARN %s:%d: [program:{{.app_code}}_api] {{.app_code}} is a "
                 "template placeholder" % (conf, line_of(conf, "_api]")))


@pytest.mark.supd_only
def test_bad_integer_reads_as_the_readme_says(sup):
    conf = sup.write("""
        [program:api]
        command=sleep 100
        startsecs=ten
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    assert ("Error: %s:%d: [program:api] startsecs: 'ten' is not an integer "
            "(expected a whole number)\n" % (conf, line_of(conf, "startsecs="))) in out


@pytest.mark.supd_only
def test_max_request_body_is_a_byte_size(sup):
    sup.write("""
        [inet_http_server]
        port=127.0.0.1:0
        max_request_body=lots
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    assert "[inet_http_server] max_request_body: 'lots' is not a byte size" in out


def test_bad_default_value_copied_by_here_is_reported(sup):
    # [DEFAULT] values holding %(here)s are copied into each section when
    # there is an [include]; an error in one has no line of its own.
    conf = sup.write("""
        [DEFAULT]
        startsecs=%(here)s

        [include]
        files=nomatch/*.conf

        [program:x]
        command=sleep 100
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    if sup.is_supd:
        assert ("%s:%d: [program:x] startsecs: '%s' is not an integer"
                % (conf, line_of(conf, "[program:x]"), sup.dir)) in out, out
    else:
        assert "invalid literal for int() with base 10: '%s'" % sup.dir in out, out
