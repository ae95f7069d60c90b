"""The daemon itself as Supervisor 4.2.5 runs: command line options, the
pidfile, refusing a second instance, SIGTERM/SIGINT/SIGQUIT shutdown in
reverse priority, SIGHUP restart with a re-read config, daemonizing,
nodaemon= and silent=."""
import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap

import pytest

import conftest
from conftest import Daemon, check_daemon, free_port, cmdline, descendants_of, pid_alive, reap_orphans, wait_exec, wait_until


def raw_launch(sup, args, cwd=None, env=None, track=True):
    """Start the daemon with exactly `args` (no -c or -n added). With track,
    the harness owns the process (sup.proc) and stops it at teardown."""
    full_env = dict(os.environ)
    full_env.pop("SUPERVISOR_ENABLED", None)
    full_env.update(env or {})
    with open(sup.out_path, "ab") as out:
        proc = subprocess.Popen(sup.daemon_argv + list(args), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=cwd or sup.dir, env=full_env, start_new_session=True)
    if track:
        sup.proc = proc
        conftest._popen_pids.add(proc.pid)
    return proc


def run(sup, *args, timeout=15):
    """Run the daemon with args to completion; return (status, output)."""
    proc = subprocess.run(sup.daemon_argv + list(args), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, cwd=sup.dir, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def wait_ready(sup):
    wait_until(lambda: sup.rpc.getState()["statename"] == "RUNNING", what="daemon ready")


def kill_tree(pid):
    for p in [pid] + descendants_of(pid):
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


@contextlib.contextmanager
def daemonized(sup, *args, env=None):
    """Run the daemon without -n; yield (parent's exit status, daemon pid).
    Shuts the daemon down (or kills it) afterwards."""
    parent = raw_launch(sup, ["-c", sup.conf] + list(args), env=env, track=False)
    rc = parent.wait(timeout=30)
    pid = None
    try:
        pid = int(wait_until(lambda: sup.read("supervisord.pid").strip(),
                             what="pidfile of the daemonized process"))
        wait_ready(sup)
        yield rc, pid
    finally:
        if pid and pid_alive(pid):
            left = descendants_of(pid)
            try:
                sup.proxy(timeout=5).supervisor.shutdown()
                wait_until(lambda: (reap_orphans(), not pid_alive(pid))[1], timeout=30,
                           what="daemonized supervisor to exit")
            except Exception:
                kill_tree(pid)
            for p in left:
                if pid_alive(p):
                    os.kill(p, signal.SIGKILL)
        reap_orphans()


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


def conf(*parts):
    """Join config fragments written with different indentation."""
    return "".join(textwrap.dedent(part) for part in parts)


SLEEPER = """
    [program:sleeper]
    command=sleep 1000
    startsecs=0
    """


# -- command line ------------------------------------------------------------

def test_version_prints_a_version_and_exits_0(sup):
    rc, out = run(sup, "-v")
    assert rc == 0
    assert re.match(r"^\d+\.\d+(\.\d+)?\S*\n$", out), out
    if not sup.is_supd:
        assert out == "4.2.5\n"


def test_long_version_option(sup):
    assert run(sup, "--version") == run(sup, "-v")


def test_help_prints_usage_and_exits_0(sup):
    rc, out = run(sup, "-h")
    assert rc == 0
    for option in ("-c/--configuration", "-n/--nodaemon", "-s/--silent", "-v/--version",
                   "-u/--user", "-m/--umask", "-d/--directory", "-l/--logfile",
                   "-y/--logfile_maxbytes", "-z/--logfile_backups", "-e/--loglevel",
                   "-j/--pidfile", "-i/--identifier", "-q/--childlogdir", "-k/--nocleanup",
                   "-a/--minfds", "-t/--strip_ansi", "--minprocs"):
        assert option in out, option


@pytest.mark.parametrize("args", [["--bogus"], ["-x"], ["-c"]],
                         ids=["unknown_long", "unknown_short", "missing_argument"])
def test_bad_option_exits_2(sup, args):
    sup.write(SLEEPER)
    rc, out = run(sup, *args)
    assert rc == 2
    assert out.startswith("Error: "), out


def test_unknown_option_is_named(sup):
    rc, out = run(sup, "--bogus")
    assert rc == 2
    assert "--bogus" in out


def test_positional_arguments_are_refused(sup):
    sup.write(SLEEPER)
    rc, out = run(sup, "-c", sup.conf, "-n", "extra")
    assert rc == 2
    assert "positional arguments are not supported" in out


def test_missing_config_file(sup):
    rc, out = run(sup, "-c", sup.path("nonexistent.conf"))
    assert rc == 2
    assert "could not find config file %s" % sup.path("nonexistent.conf") in out


def test_config_is_found_in_the_working_directory(sup):
    sup.write(SLEEPER)
    raw_launch(sup, ["-n"])
    wait_ready(sup)
    assert sup.wait_state("sleeper", "RUNNING")


def test_logfile_option_overrides_config(sup):
    sup.write(SLEEPER)
    sup.start("-l", sup.path("cli.log"))
    wait_until(lambda: "spawned: 'sleeper'" in sup.read("cli.log"), what="log in cli.log")
    assert not os.path.exists(sup.logfile)


def test_pidfile_option_overrides_config(sup):
    sup.write(SLEEPER)
    sup.start("-j", sup.path("cli.pid"))
    assert sup.read("cli.pid") == "%d\n" % sup.proc.pid
    assert not os.path.exists(sup.path("supervisord.pid"))


def test_identifier_option_overrides_config(sup):
    sup.write(conf("""
        [supervisord]
        identifier=from-config
        """, SLEEPER))
    sup.start("-i", "from-cli")
    assert sup.rpc.getIdentification() == "from-cli"
    assert "---from-cli-" in sup.info("sleeper")["stdout_logfile"]


def test_loglevel_option_overrides_config(sup):
    sup.write("""
        [program:chatty]
        command=/bin/sh -c "echo hello-cli; exec sleep 1000"
        startsecs=0
        """, loglevel="warn")
    sup.start("-e", "debug")
    sup.wait_log("DEBG 'chatty' stdout output:\nhello-cli")


def test_childlogdir_option_overrides_config(sup):
    os.makedirs(sup.path("clilogs"))
    sup.write(SLEEPER)
    sup.start("-q", sup.path("clilogs"))
    assert os.path.dirname(sup.info("sleeper")["stdout_logfile"]) == sup.path("clilogs")


def test_nocleanup_option(sup):
    old = sup.path("logs", "old-stdout---supervisor-abc123.log")
    open(old, "w").close()
    sup.write(SLEEPER)
    sup.start("-k")
    assert os.path.exists(old)


def test_strip_ansi_option(sup):
    sup.write(r"""
        [program:colour]
        command=/usr/bin/printf "\033[1mbold\033[0m text\n"
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/colour.out
        """)
    sup.start("-t")
    assert wait_until(lambda: sup.read("colour.out")) == "bold text\n"


def test_minfds_option(sup):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low, want = (4096, 8192) if hard == resource.RLIM_INFINITY else (max(hard - 1000, 64), hard)
    sup.probe()
    sup.write("""
        [program:limits]
        command=%(here)s/probe.py %(here)s/limits.json
        startsecs=0
        """)
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    try:
        sup.start("-a", str(want))
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert sup.read_probe("limits.json")["nofile"][0] >= want


def test_main_log_rotation_options(sup):
    sup.script("noisy.sh", """
        #!/bin/sh
        i=0
        while [ $i -lt 100 ]; do echo "noise line $i padded out to a decent length"; i=$((i+1)); done
        exec sleep 1000
        """)
    sup.write("""
        [program:noisy]
        command=%(here)s/noisy.sh
        startsecs=0
        """)
    sup.start("-e", "debug", "-y", "2KB", "-z", "1")
    wait_until(lambda: os.path.exists(sup.logfile + ".1"), what="main log to rotate")
    wait_until(lambda: "noise line 99" in sup.log() + sup.read(sup.logfile + ".1"),
               what="all output in the main log")
    assert not os.path.exists(sup.logfile + ".2")
    assert os.path.getsize(sup.logfile + ".1") >= 2048


def test_long_options(sup):
    sup.write("""
        [program:chatty]
        command=/bin/sh -c "echo hello-long; exec sleep 1000"
        startsecs=0
        """)
    sup.start("--logfile=%s" % sup.path("long.log"), "--pidfile", sup.path("long.pid"),
              "--identifier=long-id", "--loglevel=debug")
    assert sup.rpc.getIdentification() == "long-id"
    assert sup.read("long.pid") == "%d\n" % sup.proc.pid
    wait_until(lambda: "DEBG 'chatty' stdout output:\nhello-long" in sup.read("long.log"),
               what="debug lines in long.log")


def test_conflicting_option_is_refused(sup):
    sup.write(SLEEPER)
    rc, out = run(sup, "-c", sup.conf, "-c", sup.conf, "-n")
    assert rc == 2
    assert "conflicting command line option" in out


def test_unknown_user_option(sup):
    sup.write(SLEEPER)
    rc, out = run(sup, "-c", sup.conf, "-n", "-u", "nosuchuser_supd")
    assert rc == 2
    assert "Invalid user name nosuchuser_supd" in out


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_user_root_silences_the_running_as_root_warning(sup):
    sup.write(SLEEPER)
    sup.start("-u", "root")
    sup.wait_log("spawned: 'sleeper'")
    assert "Supervisor is running as root" not in sup.log()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_running_as_root_without_user_is_reported(sup):
    sup.write(SLEEPER)
    sup.start()
    sup.wait_log("CRIT Supervisor is running as root.  Privileges were not dropped because "
                 "no user is specified in the config file.")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_user_option_drops_privileges(daemon_kind):
    public = tempfile.mkdtemp(prefix="supd-daemon-")
    os.chmod(public, 0o777)
    d = Daemon(daemon_kind, public)
    os.chmod(d.path("logs"), 0o777)
    try:
        d.probe()
        d.write("""
            [program:probe]
            command=%(here)s/probe.py %(here)s/probe.json
            startsecs=0
            """)
        d.start("-u", "nobody")
        assert proc_status(d.proc.pid, "Uid").split()[:2] == ["65534", "65534"]
        seen = d.read_probe("probe.json")
        assert seen["uid"] == 65534
        assert os.stat(d.logfile).st_uid == 65534
    finally:
        d.stop()
        try:
            check_daemon(d)
        finally:
            shutil.rmtree(public, ignore_errors=True)


# -- pidfile and second instances -------------------------------------------

def test_pidfile_is_written_and_removed(sup):
    sup.write(SLEEPER)
    sup.start()
    pidfile = sup.path("supervisord.pid")
    assert sup.read(pidfile) == "%d\n" % sup.proc.pid
    sup.wait_log("supervisord started with pid %d" % sup.proc.pid)
    sup.stop()
    assert sup.proc.returncode == 0
    assert not os.path.exists(pidfile)
    assert not os.path.exists(sup.sock)


@pytest.mark.expect_crit(r"^could not write pidfile .*/logs$")
def test_unwritable_pidfile_is_critical_not_fatal(sup):
    """Supervisor logs a pidfile it cannot write (here: a directory) as
    CRIT and carries on."""
    sup.write(SLEEPER)
    with open(sup.conf) as f:
        text = f.read()
    with open(sup.conf, "w") as f:
        f.write(text.replace("pidfile=%s/supervisord.pid" % sup.dir,
                             "pidfile=%s/logs" % sup.dir, 1))
    sup.start()
    sup.wait_log("CRIT could not write pidfile %s\n" % sup.path("logs"))
    sup.wait_state("sleeper", "RUNNING")
    assert os.path.isdir(sup.path("logs"))


def test_second_instance_on_the_same_socket_is_refused(sup):
    sup.write(SLEEPER)
    sup.start()
    first_pid = sup.wait_state("sleeper", "RUNNING")["pid"]
    rc, out = run(sup, "-c", sup.conf, "-n")
    assert rc == 2
    assert ("Another program is already listening on a port that one of our HTTP "
            "servers is configured to use.  Shut this program down first before "
            "starting supervisord.") in out
    # The first one is untouched: socket, pidfile, processes.
    assert sup.rpc.getState()["statename"] == "RUNNING"
    assert sup.read("supervisord.pid") == "%d\n" % sup.proc.pid
    assert sup.info("sleeper")["pid"] == first_pid
    assert sup.log().count("spawned: 'sleeper'") == 1


def test_second_instance_on_the_same_inet_port_is_refused(sup):
    port = free_port()
    sup.write(conf("""
        [inet_http_server]
        port=127.0.0.1:%d
        """ % port, SLEEPER))
    sup.start()
    other = sup.write("""
        [unix_http_server]
        file={dir}/other.sock

        [inet_http_server]
        port=127.0.0.1:%d

        [supervisord]
        logfile={dir}/other.log
        pidfile={dir}/other.pid

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
        """ % port, base=False, name="other.conf")
    rc, out = run(sup, "-c", other, "-n")
    assert rc == 2
    assert "Another program is already listening" in out
    assert sup.rpc.getState()["statename"] == "RUNNING"


def test_stale_socket_file_is_replaced(sup):
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(sup.sock)
    stale.close()
    sup.write(SLEEPER)
    sup.start()
    sup.wait_state("sleeper", "RUNNING")


def test_socket_file_mode_defaults_to_0700(sup):
    sup.write(SLEEPER)
    sup.start()
    assert os.stat(sup.sock).st_mode & 0o777 == 0o700


def test_socket_file_chmod_option(sup):
    sup.write(conf("""
        [unix_http_server]
        chmod=0770
        """, SLEEPER))
    sup.start()
    assert os.stat(sup.sock).st_mode & 0o777 == 0o770


# -- signals -----------------------------------------------------------------

STAMPER = """
    #!/bin/sh
    trap 'echo "$1" >> {dir}/stamps; sleep 0.2; exit 0' TERM
    touch {dir}/ready.$1
    while :; do sleep 0.1; done
    """


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGQUIT],
                         ids=["TERM", "INT", "QUIT"])
def test_exit_signal_stops_children_in_reverse_priority(sup, sig):
    sup.script("stamper.sh", STAMPER)
    sup.write("""
        [program:early]
        command=%(here)s/stamper.sh early
        priority=1
        startsecs=0

        [program:late]
        command=%(here)s/stamper.sh late
        priority=50
        startsecs=0

        [program:middle]
        command=%(here)s/stamper.sh middle
        priority=20
        startsecs=0
        """)
    sup.start()
    pids = [sup.wait_state(n, "RUNNING")["pid"] for n in ("early", "late", "middle")]
    for name in ("early", "late", "middle"):
        wait_until(lambda: os.path.exists(sup.path("ready." + name)), what=name + " ready")
    os.kill(sup.proc.pid, sig)
    assert sup.proc.wait(timeout=30) == 0
    assert sup.read("stamps").split() == ["late", "middle", "early"]
    assert "received %s indicating exit request" % sig.name in sup.log()
    for pid in pids:
        assert not pid_alive(pid)
    assert not os.path.exists(sup.path("supervisord.pid"))
    assert not os.path.exists(sup.sock)


def test_sighup_restarts_with_the_changed_config(sup):
    sup.write("""
        [program:kept]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    old_pid = sup.wait_running("kept", "sleep")["pid"]
    sup.write("""
        [program:kept]
        command=sleep 1001
        startsecs=0

        [program:added]
        command=sleep 1000
        startsecs=0
        """)
    os.kill(sup.proc.pid, signal.SIGHUP)
    sup.wait_log("received SIGHUP indicating restart request")
    info = wait_until(lambda: sup.info("added")["statename"] == "RUNNING" and sup.info("kept"),
                      what="added to be running after SIGHUP")
    assert info["pid"] != old_pid
    assert not pid_alive(old_pid)
    assert sup.proc.poll() is None
    assert sup.read("supervisord.pid") == "%d\n" % sup.proc.pid
    kept = sup.wait_running("kept", "sleep")["pid"]
    assert cmdline(kept) == ["sleep", "1001"]


def test_sighup_drops_removed_programs(sup):
    sup.write("""
        [program:kept]
        command=sleep 1000
        startsecs=0

        [program:dropped]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    sup.wait_running("kept", "sleep")
    dropped = sup.wait_running("dropped", "sleep")["pid"]
    sup.write("""
        [program:kept]
        command=sleep 1000
        startsecs=0
        """)
    os.kill(sup.proc.pid, signal.SIGHUP)
    wait_until(lambda: [p["name"] for p in sup.rpc.getAllProcessInfo()] == ["kept"],
               what="dropped to disappear")
    wait_until(lambda: not pid_alive(dropped), what="dropped to be stopped")


# -- daemonizing -------------------------------------------------------------

def test_daemonizes_without_n(sup):
    sup.write(SLEEPER)
    with daemonized(sup) as (rc, pid):
        assert rc == 0
        assert pid_alive(pid)
        # A new session, detached from ours, stdio on /dev/null.
        assert os.getsid(pid) == pid
        for fd in (0, 1, 2):
            assert os.readlink("/proc/%d/fd/%d" % (pid, fd)) == "/dev/null"
        sleeper = sup.wait_state("sleeper", "RUNNING")["pid"]
        wait_exec(sleeper, pid, "sleep")
        sup.rpc.shutdown()
        wait_until(lambda: (reap_orphans(), not pid_alive(pid))[1], what="daemon to exit")
        assert not pid_alive(sleeper)
        assert not os.path.exists(sup.path("supervisord.pid"))


def test_daemonized_process_chdirs_to_directory_option(sup):
    os.makedirs(sup.path("home"))
    sup.write(SLEEPER)
    with daemonized(sup, "-d", sup.path("home")) as (rc, pid):
        assert os.readlink("/proc/%d/cwd" % pid) == sup.path("home")
        child = sup.wait_state("sleeper", "RUNNING")["pid"]
        assert os.readlink("/proc/%d/cwd" % child) == sup.path("home")


def test_daemonized_process_chdirs_to_directory_in_config(sup):
    os.makedirs(sup.path("home"))
    sup.write(conf("""
        [supervisord]
        directory={dir}/home
        """, SLEEPER))
    with daemonized(sup) as (rc, pid):
        assert os.readlink("/proc/%d/cwd" % pid) == sup.path("home")


def test_daemonized_process_sets_umask_022_by_default(sup):
    sup.write(SLEEPER)
    old = os.umask(0o077)
    try:
        with daemonized(sup) as (rc, pid):
            assert proc_status(pid, "Umask") == "0022"
            child = sup.wait_state("sleeper", "RUNNING")["pid"]
            assert proc_status(child, "Umask") == "0022"
    finally:
        os.umask(old)


def test_daemonized_process_takes_umask_option(sup):
    sup.write(SLEEPER)
    with daemonized(sup, "-m", "027") as (rc, pid):
        assert proc_status(pid, "Umask") == "0027"
        child = sup.wait_state("sleeper", "RUNNING")["pid"]
        assert proc_status(child, "Umask") == "0027"


def test_nodaemon_in_config_stays_in_the_foreground(sup):
    sup.write(conf("""
        [supervisord]
        nodaemon=true
        """, SLEEPER))
    proc = raw_launch(sup, ["-c", sup.conf])
    wait_ready(sup)
    assert proc.poll() is None
    assert sup.read("supervisord.pid") == "%d\n" % proc.pid
    sup.wait_state("sleeper", "RUNNING")


# -- stdout of a foreground daemon -------------------------------------------

def test_foreground_daemon_logs_to_stdout_too(sup):
    sup.write(SLEEPER)
    sup.start()
    sup.wait_log("spawned: 'sleeper'")
    wait_until(lambda: "spawned: 'sleeper'" in sup.output(), what="log lines on stdout")


@pytest.mark.parametrize("how", ["option", "config"])
def test_silent_keeps_stdout_quiet(sup, how):
    if how == "config":
        sup.write(conf("""
            [supervisord]
            silent=true
            """, SLEEPER))
        sup.start()
    else:
        sup.write(SLEEPER)
        sup.start("-s")
    sup.wait_running("sleeper", "sleep")
    sup.rpc.stopProcess("sleeper")
    sup.wait_log("stopped: sleeper")
    assert "spawned:" not in sup.output()
    assert "INFO" not in sup.output()
