"""How children are spawned and stopped, as Supervisor 4.2.5 does it: own
process group, directory, umask, user, SUPERVISOR_* environment, nothing but
fds 0-2 inherited, rlimits from minfds/minprocs; stopsignal, SIGKILL after
stopwaitsecs, stopasgroup/killasgroup on process trees."""
import contextlib
import os
import resource
import shutil
import signal
import tempfile
import xmlrpc.client

import pytest

from conftest import wait_until, pid_alive, reap_orphans, free_port

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch user")


def fds_of(pid):
    """{fd: link target} of a live process, read from outside."""
    out = {}
    base = "/proc/%d/fd" % pid
    for name in os.listdir(base):
        try:
            out[int(name)] = os.readlink(os.path.join(base, name))
        except FileNotFoundError:
            pass
    return out


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


# -- process group, directory, umask, user -----------------------------------

def test_child_leads_its_own_process_group_in_the_daemons_session(sup):
    sup.probe()
    sup.write("""
        [program:pg]
        command=%(here)s/probe.py %(here)s/pg.json
        startsecs=0
        """)
    sup.start()
    seen = sup.read_probe("pg.json")
    assert seen["pgid"] == seen["pid"]
    assert seen["pid"] == sup.info("pg")["pid"]
    assert seen["ppid"] == sup.proc.pid
    # setpgrp, not setsid: the child stays in the daemon's session.
    assert seen["sid"] == os.getsid(sup.proc.pid)


def test_directory_option_sets_the_working_directory(sup):
    sup.probe()
    os.makedirs(sup.path("work"))
    sup.write("""
        [program:cwd]
        command=%(here)s/probe.py %(here)s/cwd.json
        directory=%(here)s/work
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("cwd.json")["cwd"] == sup.path("work")


def test_default_working_directory_is_the_daemons(sup):
    sup.probe()
    sup.write("""
        [program:cwd]
        command=%(here)s/probe.py %(here)s/cwd.json
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("cwd.json")["cwd"] == os.readlink("/proc/%d/cwd" % sup.proc.pid)


def test_umask_option(sup):
    sup.probe()
    sup.write("""
        [program:um]
        command=%(here)s/probe.py %(here)s/um.json
        umask=027
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("um.json")["umask"] == "0027"


def test_default_umask_is_inherited_from_the_daemon(sup):
    # Without daemonizing, supervisord leaves its own umask alone (the 022
    # default of -m/umask= only applies when it daemonizes).
    sup.probe()
    sup.write("""
        [program:um]
        command=%(here)s/probe.py %(here)s/um.json
        startsecs=0
        """)
    old = os.umask(0o077)
    try:
        sup.start()
    finally:
        os.umask(old)
    assert proc_status(sup.proc.pid, "Umask") == "0077"
    assert sup.read_probe("um.json")["umask"] == "0077"


@pytest.fixture
def public_dir():
    """A directory user nobody can reach (pytest's own tmp is 0700)."""
    path = tempfile.mkdtemp(prefix="supd-spawn-")
    os.chmod(path, 0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@needs_root
def test_user_option_switches_uid_gid_and_groups(sup, public_dir):
    sup.probe()
    shutil.copy(sup.path("probe.py"), public_dir)
    sup.write("""
        [program:asnobody]
        command=%s/probe.py %s/nobody.json
        user=nobody
        startsecs=0
        """ % (public_dir, public_dir))
    sup.start()
    seen = sup.read_probe(os.path.join(public_dir, "nobody.json"))
    assert seen["uid"] == 65534
    assert seen["gid"] == 65534
    assert seen["groups"] == [65534]
    assert config_uid(sup, "asnobody") == 65534


def config_uid(sup, name):
    return [c for c in sup.rpc.getAllConfigInfo() if c["name"] == name][0]["uid"]


@needs_root
def test_user_option_leaves_home_and_user_variables_alone(sup, public_dir):
    # Supervisor only calls setuid/setgid/setgroups; HOME, USER and LOGNAME
    # are whatever the daemon had.
    sup.probe()
    shutil.copy(sup.path("probe.py"), public_dir)
    sup.write("""
        [program:asnobody]
        command=%s/probe.py %s/nobody.json
        user=nobody
        startsecs=0
        """ % (public_dir, public_dir))
    sup.start(env={"HOME": "/root", "USER": "root", "LOGNAME": "root"})
    env = sup.read_probe(os.path.join(public_dir, "nobody.json"))["env"]
    assert env["HOME"] == "/root"
    assert env["USER"] == "root"
    assert env["LOGNAME"] == "root"


# -- environment -------------------------------------------------------------

def test_supervisor_variables_in_the_environment(sup):
    sup.probe()
    sup.write("""
        [group:grp]
        programs=member

        [program:member]
        command=%(here)s/probe.py %(here)s/member.json
        startsecs=0
        """)
    sup.start()
    env = sup.read_probe("member.json")["env"]
    assert env["SUPERVISOR_ENABLED"] == "1"
    assert env["SUPERVISOR_PROCESS_NAME"] == "member"
    assert env["SUPERVISOR_GROUP_NAME"] == "grp"
    assert env["SUPERVISOR_SERVER_URL"] == "unix://" + sup.sock


def test_server_url_falls_back_to_the_inet_server(sup):
    port = free_port()
    sup.probe()
    sup.write("""
        [inet_http_server]
        port=%d

        [supervisord]
        logfile={dir}/supervisord.log
        pidfile={dir}/supervisord.pid
        childlogdir={dir}/logs

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [program:inet]
        command=%%(here)s/probe.py %%(here)s/inet.json
        startsecs=0
        """ % port, base=False)
    sup.launch()
    env = sup.read_probe("inet.json")["env"]
    # An inet server without a host is reached through "localhost".
    assert env["SUPERVISOR_SERVER_URL"] == "http://localhost:%d" % port
    rpc = sup.proxy(serverurl="http://127.0.0.1:%d" % port).supervisor
    assert rpc.getProcessInfo("inet")["statename"] in ("STARTING", "RUNNING")


def test_program_serverurl_overrides_the_default(sup):
    sup.probe()
    sup.write("""
        [program:custom]
        command=%(here)s/probe.py %(here)s/custom.json
        serverurl=http://127.0.0.1:9999
        startsecs=0

        [program:auto]
        command=%(here)s/probe.py %(here)s/auto.json
        serverurl=AUTO
        startsecs=0
        """)
    sup.start()
    assert sup.read_probe("custom.json")["env"]["SUPERVISOR_SERVER_URL"] == "http://127.0.0.1:9999"
    assert sup.read_probe("auto.json")["env"]["SUPERVISOR_SERVER_URL"] == "unix://" + sup.sock


def test_numprocs_processes_get_their_own_names(sup):
    sup.probe()
    sup.write("""
        [program:multi]
        command=%(here)s/probe.py %(here)s/multi_%(process_num)d.json
        process_name=%(program_name)s_%(process_num)d
        numprocs=2
        startsecs=0
        """)
    sup.start()
    for num in (0, 1):
        env = sup.read_probe("multi_%d.json" % num)["env"]
        assert env["SUPERVISOR_PROCESS_NAME"] == "multi_%d" % num
        assert env["SUPERVISOR_GROUP_NAME"] == "multi"


# -- file descriptors and rlimits --------------------------------------------

LEAKY_CONFIG = """
    [inet_http_server]
    port=127.0.0.1:%d

    [program:one]
    command=sleep 1000
    startsecs=0
    stdout_logfile={dir}/one.log
    stderr_logfile={dir}/one.err

    [program:two]
    command=sleep 1000
    startsecs=0
    redirect_stderr=true

    [program:three]
    command=sleep 1000
    startsecs=0
    stdout_logfile=NONE
    stderr_logfile=NONE
    """


def test_children_inherit_only_stdin_stdout_stderr(sup):
    sup.write(LEAKY_CONFIG % free_port())
    sup.start()
    for name in ("one", "two", "three"):
        pid = sup.wait_running(name, "sleep")["pid"]
        # sleep opens locale files of its own while it starts; a leaked
        # descriptor is there from exec on and never goes away.
        seen = []

        def only_std():
            seen[:] = [fds_of(pid)]
            return sorted(seen[0]) == [0, 1, 2]
        try:
            wait_until(only_std, timeout=5, what="descriptors 0-2 only")
        except AssertionError:
            raise AssertionError((name, seen[0]))
        fds = seen[0]
        assert fds[0].startswith("pipe:"), (name, fds)
        for fd in (1, 2):
            if name == "three" and sup.is_supd:
                # Output nobody takes goes straight to /dev/null.
                assert fds[fd] == "/dev/null", (name, fds)
            else:
                assert fds[fd].startswith("pipe:"), (name, fds)


DISCARD_CONFIG = """
    [program:none]
    command=sh -c 'echo said-none; exec sleep 1000'
    startsecs=0
    stdout_logfile=NONE
    stderr_logfile=NONE

    [program:devnull]
    command=sh -c 'echo said-devnull >&2; exec sleep 1000'
    startsecs=0
    stdout_logfile=/dev/null
    stderr_logfile=/dev/null

    [program:events]
    command=sleep 1000
    startsecs=0
    stdout_logfile=NONE
    stdout_events_enabled=true
    stderr_logfile=NONE

    [program:syslog]
    command=sleep 1000
    startsecs=0
    stdout_logfile=NONE
    stdout_syslog=true
    redirect_stderr=true
    """


@pytest.mark.supd_only
def test_output_nobody_takes_goes_to_dev_null(sup):
    sup.write(DISCARD_CONFIG)
    sup.start()
    for name, want in (("none", ["/dev/null", "/dev/null"]),
                       ("devnull", ["/dev/null", "/dev/null"]),
                       ("events", ["pipe:", "/dev/null"]),
                       ("syslog", ["pipe:", "pipe:"])):
        fds = fds_of(sup.wait_running(name)["pid"])
        assert fds[0].startswith("pipe:"), (name, fds)
        assert [fds[1][:len(want[0])], fds[2][:len(want[1])]] == want, (name, fds)
    # stdin is still a pipe the daemon holds: sendProcessStdin works.
    assert sup.rpc.sendProcessStdin("none", "x\n") is True


@pytest.mark.supd_only
def test_output_goes_through_the_daemon_when_the_main_log_wants_it(sup):
    # At loglevel debug the main log records what children say.
    sup.write(DISCARD_CONFIG, loglevel="debug")
    sup.start()
    for name in ("none", "devnull"):
        fds = fds_of(sup.wait_running(name)["pid"])
        assert fds[1].startswith("pipe:") and fds[2].startswith("pipe:"), (name, fds)
    wait_until(lambda: "said-none" in sup.log() and "said-devnull" in sup.log(),
               what="children's output in the main log")


def test_redirect_stderr_shares_the_stdout_pipe(sup):
    sup.write("""
        [program:joined]
        command=sleep 1000
        startsecs=0
        redirect_stderr=true

        [program:apart]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    joined = fds_of(sup.wait_running("joined", "sleep")["pid"])
    apart = fds_of(sup.wait_running("apart", "sleep")["pid"])
    assert joined[1] == joined[2]
    assert apart[1] != apart[2]
    assert len({apart[0], apart[1], apart[2]}) == 3


def test_children_inherit_only_stdio_after_a_reload(sup):
    sup.write(LEAKY_CONFIG % free_port())
    sup.start()
    old = sup.wait_running("one", "sleep")["pid"]
    os.kill(sup.proc.pid, signal.SIGHUP)
    wait_until(lambda: sup.info("one")["pid"] not in (0, old), what="respawn after SIGHUP")
    for name in ("one", "two", "three"):
        pid = sup.wait_running(name, "sleep")["pid"]
        assert sorted(fds_of(pid)) == [0, 1, 2], (name, fds_of(pid))


@contextlib.contextmanager
def lowered_soft_limit(res):
    """Run the block with the soft limit of `res` below the hard one (the
    daemon inherits it) and yield a value for minfds/minprocs that the
    daemon can reach by raising its soft limit up to the hard one."""
    soft, hard = resource.getrlimit(res)
    if hard == resource.RLIM_INFINITY:
        low, want = 4096, 8192
    else:
        low, want = max(hard - 1000, 64), hard
    resource.setrlimit(res, (low, hard))
    try:
        yield low, want
    finally:
        resource.setrlimit(res, (soft, hard))


def test_minfds_raises_the_childs_open_file_limit(sup):
    sup.probe()
    with lowered_soft_limit(resource.RLIMIT_NOFILE) as (low, want):
        sup.write("""
            [supervisord]
            minfds=%d

            [program:limits]
            command=%%(here)s/probe.py %%(here)s/limits.json
            startsecs=0
            """ % want)
        sup.start()
    seen = sup.read_probe("limits.json")
    assert seen["nofile"][0] >= want > low


def test_minprocs_raises_the_childs_process_limit(sup):
    sup.probe()
    with lowered_soft_limit(resource.RLIMIT_NPROC) as (low, want):
        sup.write("""
            [supervisord]
            minprocs=%d

            [program:limits]
            command=%%(here)s/probe.py %%(here)s/limits.json
            startsecs=0
            """ % want)
        sup.start()
    seen = sup.read_probe("limits.json")
    assert seen["nproc"][0] >= want > low


# -- stopping ----------------------------------------------------------------

@pytest.mark.parametrize("value,name", [("INT", "SIGINT"), ("hup", "SIGHUP"),
                                        ("SIGUSR1", "SIGUSR1"), ("9", "SIGKILL")])
def test_stopsignal_is_what_the_child_gets(sup, value, name):
    sup.write("""
        [program:sig]
        command=sleep 1000
        startsecs=0
        stopsignal=%s
        """ % value)
    sup.start()
    sup.wait_running("sig", "sleep")
    assert sup.rpc.stopProcess("sig") is True
    assert sup.state("sig") == "STOPPED"
    sup.wait_log("stopped: sig (terminated by %s)" % name)


def test_process_ignoring_term_is_killed_after_stopwaitsecs(sup):
    sup.write("""
        [program:stubborn]
        command=/bin/sh -c "trap '' TERM; exec sleep 1000"
        startsecs=0
        stopwaitsecs=1
        """)
    sup.start()
    pid = sup.wait_running("stubborn", "sleep")["pid"]
    assert sup.rpc.stopProcess("stubborn", False) is True
    assert sup.state("stubborn") == "STOPPING"
    assert pid_alive(pid)
    sup.wait_state("stubborn", "STOPPED", timeout=15)
    sup.wait_log("killing 'stubborn' (%d) with SIGKILL" % pid)
    sup.wait_log("stopped: stubborn (terminated by SIGKILL)")
    assert not pid_alive(pid)


def test_stop_of_a_stopped_process_is_a_fault(sup):
    sup.write("""
        [program:idle]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    with pytest.raises(xmlrpc.client.Fault) as exc:
        sup.rpc.stopProcess("idle")
    assert exc.value.faultString.startswith("NOT_RUNNING")


TREE = ("bash -c \"sleep 0.1 && exec sh -c 'sleep 1000 & echo $! > {dir}/gc.pid; wait'\"")


def grandchild(sup):
    return int(wait_until(lambda: sup.read("gc.pid").strip(), what="grandchild pid"))


def test_stopasgroup_stops_the_whole_tree(sup):
    sup.write("""
        [program:tree]
        command=%s
        startsecs=0
        stopasgroup=true
        """ % TREE)
    sup.start()
    child = sup.wait_state("tree", "RUNNING")["pid"]
    gc = grandchild(sup)
    assert os.getpgid(gc) == child
    assert sup.rpc.stopProcess("tree") is True
    sup.wait_log("stopped: tree (terminated by SIGTERM)")
    wait_until(lambda: not pid_alive(gc), what="grandchild to die")


def test_killasgroup_kills_the_tree_after_stopwaitsecs(sup):
    sup.write("""
        [program:tree]
        command=/bin/sh -c "trap '' TERM; sleep 1000 & echo $! > {dir}/gc.pid; wait"
        startsecs=0
        stopwaitsecs=1
        killasgroup=true
        """)
    sup.start()
    sup.wait_state("tree", "RUNNING")
    gc = grandchild(sup)
    assert sup.rpc.stopProcess("tree") is True
    sup.wait_log("stopped: tree (terminated by SIGKILL)")
    wait_until(lambda: not pid_alive(gc), what="grandchild to be killed")


def test_without_stopasgroup_a_grandchild_survives(sup):
    sup.write("""
        [program:tree]
        command=%s
        startsecs=0
        """ % TREE)
    sup.start()
    sup.wait_state("tree", "RUNNING")
    gc = grandchild(sup)
    try:
        assert sup.rpc.stopProcess("tree") is True
        # The grandchild still holds the stdout/stderr pipes open; the
        # process is STOPPED anyway, as soon as it is reaped.
        assert sup.state("tree") == "STOPPED"
        sup.wait_log("stopped: tree (terminated by SIGTERM)")
        assert pid_alive(gc)
        assert fds_of(gc)[1].startswith("pipe:")
    finally:
        if pid_alive(gc):
            os.kill(gc, signal.SIGKILL)
        wait_until(lambda: (reap_orphans(), not pid_alive(gc))[1], what="grandchild gone")
