"""XML-RPC calls that change things: start/stop/signal of processes,
groups and everything, sendProcessStdin, sendRemoteCommEvent, shutdown
and restart, with Supervisor 4.2.5's wait semantics, multi-process result
lists and exact faults."""
import os
import threading
import xmlrpc.client

import pytest

from conftest import pid_alive, shared_daemon, wait_until

# A program that ignores SIGTERM, so stopping it takes stopwaitsecs.
DEAF = """sh -c "trap '' TERM; exec sleep 1000" """.strip()

SIGPROG = r"""
import signal, sys
def handler(num, frame):
    sys.stdout.write("got %d\n" % num)
    sys.stdout.flush()
for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(s, handler)
sys.stdout.write("ready\n")
sys.stdout.flush()
while True:
    signal.pause()
"""

LISTENER = r"""
import sys
out = open(sys.argv[1], "a")
while True:
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    header = sys.stdin.readline()
    fields = dict(f.split(":", 1) for f in header.split())
    payload = sys.stdin.read(int(fields["len"]))
    out.write(fields["eventname"] + "|" + payload + "\n")
    out.flush()
    sys.stdout.write("RESULT 2\nOK")
    sys.stdout.flush()
"""


def fault_of(fn, *args):
    """Call fn(*args), expecting an XML-RPC fault; return (code, string)."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        fn(*args)
    return info.value.faultCode, info.value.faultString


def ok(name, group):
    return {"name": name, "group": group, "status": 80, "description": "OK"}


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def write_sigprog(sup, name="sig"):
    path = sup.path("sigprog.py")
    with open(path, "w") as f:
        f.write(SIGPROG)
    return """
        [program:%s]
        command=/usr/bin/python3 -u %s
        stdout_logfile={dir}/%s.out
        startsecs=0
        """ % (name, path, name)


def wait_output(sup, name, text):
    path = sup.path(name + ".out")
    return wait_until(lambda: text in read_file(path), timeout=10,
                      what="%r in %s" % (text, path))


def wait_deaf(sup, name):
    """Wait until the DEAF program has exec'd sleep (so SIGTERM is
    ignored); return its pid."""
    pid = sup.wait_state(name, "RUNNING")["pid"]

    def execed():
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().startswith(b"sleep")
    wait_until(execed, what="%s to ignore SIGTERM" % name)
    return pid


def in_thread(fn, *args):
    """Run fn(*args) in a thread; return a function that joins it and
    returns ('ok', value) or ('fault', (code, string))."""
    box = {}

    def run():
        try:
            box["r"] = ("ok", fn(*args))
        except xmlrpc.client.Fault as e:
            box["r"] = ("fault", (e.faultCode, e.faultString))
        except Exception as e:  # reported by join()
            box["r"] = ("error", repr(e))
    t = threading.Thread(target=run, daemon=True)
    t.start()

    def join(timeout=30):
        t.join(timeout)
        assert not t.is_alive(), "call did not return"
        return box["r"]
    return join


# One daemon for the tests that only fail or look: run and g:a running,
# slow STARTING, idle and cat never started, once EXITED, and programs
# that cannot be started.
SHARED = """
    [program:run]
    command=sleep 1000
    startsecs=0
    [program:slow]
    command=sleep 1000
    startsecs=600
    [program:a]
    command=sleep 1000
    startsecs=0
    [group:g]
    programs=a
    [program:idle]
    command=sleep 1000
    autostart=false
    [program:cat]
    command=cat
    autostart=false
    [program:once]
    command=true
    startsecs=0
    autorestart=false
    [program:nofile]
    command=/nonexistent/prog --flag
    autostart=false
    [program:onpath]
    command=no-such-command-xyz
    autostart=false
    [program:noexec]
    command={dir}/noexec.sh
    autostart=false
    [program:isdir]
    command=/tmp
    autostart=false
    """


def _start_shared(d):
    with open(d.path("noexec.sh"), "w") as f:
        f.write("#!/bin/sh\nsleep 1000\n")
    os.chmod(d.path("noexec.sh"), 0o644)
    d.write(SHARED)
    d.start()
    d.wait_state("run", "RUNNING")
    d.wait_state("g:a", "RUNNING")
    d.wait_state("slow", "STARTING")
    d.wait_state("once", "EXITED")


# A daemon shared by the tests of this module that change nothing.
shared = shared_daemon("control-shared", _start_shared)


# -- startProcess ------------------------------------------------------

def test_start_process_waits_until_running(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=1
        autostart=false
        """)
    sup.start()
    assert sup.rpc.startProcess("p") is True
    assert sup.state("p") == "RUNNING"


def test_start_process_wait_true_explicit(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=1
        autostart=false
        """)
    sup.start()
    assert sup.rpc.startProcess("p", True) is True
    assert sup.state("p") == "RUNNING"


def test_start_process_nowait_returns_while_starting(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=30
        autostart=false
        """)
    sup.start()
    assert sup.rpc.startProcess("p", False) is True
    info = sup.info("p")
    assert info["statename"] == "STARTING"
    assert pid_alive(info["pid"])


def test_start_process_already_started(shared):
    assert fault_of(shared.rpc.startProcess, "run") == (60, "ALREADY_STARTED: run")


def test_start_process_already_started_while_starting(shared):
    assert fault_of(shared.rpc.startProcess, "slow", False) == (60, "ALREADY_STARTED: slow")


def test_start_process_already_started_uses_namespec_given(shared):
    assert fault_of(shared.rpc.startProcess, "g:a") == (60, "ALREADY_STARTED: g:a")


def test_start_process_bad_name(shared):
    for name in ("nosuch", "nosuch:*", "g:nosuch", "a"):
        assert fault_of(shared.rpc.startProcess, name) == (10, "BAD_NAME: " + name)


def test_start_process_no_file_absolute(shared):
    assert fault_of(shared.rpc.startProcess, "nofile") == (
        20, "NO_FILE: can't find command '/nonexistent/prog'")
    assert shared.state("nofile") == "STOPPED"


def test_start_process_no_file_on_path(shared):
    assert fault_of(shared.rpc.startProcess, "onpath") == (
        20, "NO_FILE: can't find command 'no-such-command-xyz'")


def test_start_process_not_executable(shared):
    assert fault_of(shared.rpc.startProcess, "noexec") == (
        21, "NOT_EXECUTABLE: command at '%s' is not executable" % shared.path("noexec.sh"))


def test_start_process_directory_is_not_executable(shared):
    assert fault_of(shared.rpc.startProcess, "isdir") == (
        21, "NOT_EXECUTABLE: command at '/tmp' is a directory")


def test_start_process_spawn_error_when_exiting_before_startsecs(sup):
    sup.write("""
        [program:p]
        command=sh -c 'exit 1'
        startsecs=1
        startretries=0
        autostart=false
        """)
    sup.start()
    assert fault_of(sup.rpc.startProcess, "p") == (50, "SPAWN_ERROR: p")
    assert sup.wait_state("p", "FATAL")["statename"] == "FATAL"


def test_start_process_nowait_does_not_wait_for_the_outcome(sup):
    sup.write("""
        [program:p]
        command=sh -c 'sleep 1; exit 1'
        startsecs=5
        startretries=0
        autostart=false
        """)
    sup.start()
    assert sup.rpc.startProcess("p", False) is True
    sup.wait_state("p", "FATAL")


def test_start_process_abnormal_termination_when_stopped_while_waiting(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=30
        autostart=false
        """)
    sup.start()
    join = in_thread(sup.proxy().supervisor.startProcess, "p")
    sup.wait_state("p", "STARTING")
    assert sup.rpc.stopProcess("p") is True
    assert join() == ("fault", (40, "ABNORMAL_TERMINATION: p"))


def test_start_process_restarts_exited_process(sup):
    sup.write("""
        [program:p]
        command=sh -c 'exec sleep 1000'
        startsecs=0
        autorestart=false
        """)
    sup.start()
    first = sup.wait_state("p", "RUNNING")["pid"]
    os.kill(first, 9)
    sup.wait_state("p", "EXITED")
    assert sup.rpc.startProcess("p") is True
    info = sup.info("p")
    assert info["statename"] == "RUNNING"
    assert info["pid"] != first


def test_start_process_group_spec_returns_results(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        startsecs=0
        autostart=false
        [program:b]
        command=sleep 1000
        startsecs=0
        autostart=false
        [group:g]
        programs=a,b
        """)
    sup.start()
    results = sup.rpc.startProcess("g:*")
    assert sorted(results, key=lambda r: r["name"]) == [ok("a", "g"), ok("b", "g")]
    assert sup.state("g:a") == sup.state("g:b") == "RUNNING"


def test_start_process_wrong_argument_count(shared):
    assert fault_of(shared.rpc.startProcess) == (2, "INCORRECT_PARAMETERS")
    assert fault_of(shared.rpc.startProcess, "a", True, 3) == (2, "INCORRECT_PARAMETERS")


# -- startProcessGroup / startAllProcesses -----------------------------

GROUP3 = """
    [program:a]
    command=sleep 1000
    startsecs=0
    autostart=false
    priority=30
    [program:b]
    command=sleep 1000
    startsecs=0
    autostart=false
    priority=10
    [program:c]
    command=sleep 1000
    startsecs=0
    autostart=false
    priority=20
    [group:g]
    programs=a,b,c
    """


def test_start_process_group_results_in_priority_order(sup):
    sup.write(GROUP3)
    sup.start()
    results = sup.rpc.startProcessGroup("g")
    assert results == [ok("b", "g"), ok("c", "g"), ok("a", "g")]
    for name in ("a", "b", "c"):
        assert sup.state("g:" + name) == "RUNNING"


def test_start_process_group_skips_running(sup):
    sup.write(GROUP3)
    sup.start()
    sup.rpc.startProcess("g:c")
    assert sup.rpc.startProcessGroup("g") == [ok("b", "g"), ok("a", "g")]
    assert sup.rpc.startProcessGroup("g") == []


def test_start_process_group_bad_name(shared):
    assert fault_of(shared.rpc.startProcessGroup, "nosuch") == (10, "BAD_NAME: nosuch")


def test_start_process_group_reports_failures_per_process(sup):
    sup.write("""
        [program:good]
        command=sleep 1000
        startsecs=0
        autostart=false
        priority=1
        [program:nofile]
        command=/nonexistent/prog
        autostart=false
        priority=2
        [program:quick]
        command=sh -c 'exit 1'
        startsecs=1
        startretries=0
        autostart=false
        priority=3
        [group:g]
        programs=good,nofile,quick
        """)
    sup.start()
    results = sup.rpc.startProcessGroup("g")
    by_name = {r["name"]: r for r in results}
    assert len(results) == 3
    assert by_name["good"] == ok("good", "g")
    assert by_name["nofile"] == {
        "name": "nofile", "group": "g", "status": 20,
        "description": "NO_FILE: can't find command '/nonexistent/prog'"}
    assert by_name["quick"] == {
        "name": "quick", "group": "g", "status": 50,
        "description": "SPAWN_ERROR: g:quick"}


def test_start_process_group_nowait(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        startsecs=30
        autostart=false
        [group:g]
        programs=a
        """)
    sup.start()
    assert sup.rpc.startProcessGroup("g", False) == [ok("a", "g")]
    assert sup.state("g:a") == "STARTING"


def test_start_all_processes_in_priority_order(sup):
    sup.write("""
        [program:x]
        command=sleep 1000
        startsecs=0
        autostart=false
        priority=300
        [program:y]
        command=sleep 1000
        startsecs=0
        autostart=false
        priority=100
        [program:z]
        command=sleep 1000
        startsecs=0
        autostart=false
        priority=200
        """)
    sup.start()
    assert sup.rpc.startAllProcesses() == [ok("y", "y"), ok("z", "z"), ok("x", "x")]
    assert [i["statename"] for i in sup.rpc.getAllProcessInfo()] == ["RUNNING"] * 3


def test_start_all_processes_skips_running_and_is_empty_when_all_up(sup):
    sup.write("""
        [program:x]
        command=sleep 1000
        startsecs=0
        [program:y]
        command=sleep 1000
        startsecs=0
        autostart=false
        """)
    sup.start()
    sup.wait_state("x", "RUNNING")
    assert sup.rpc.startAllProcesses() == [ok("y", "y")]
    assert sup.rpc.startAllProcesses() == []


def test_start_all_processes_nowait(sup):
    sup.write("""
        [program:x]
        command=sleep 1000
        startsecs=30
        autostart=false
        """)
    sup.start()
    assert sup.rpc.startAllProcesses(False) == [ok("x", "x")]
    assert sup.state("x") == "STARTING"


# -- stopProcess -------------------------------------------------------

def test_stop_process_waits_until_stopped(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    pid = sup.wait_state("p", "RUNNING")["pid"]
    assert sup.rpc.stopProcess("p") is True
    info = sup.info("p")
    assert info["statename"] == "STOPPED"
    assert info["pid"] == 0
    wait_until(lambda: not pid_alive(pid), what="child to be gone")


def test_stop_process_nowait_returns_while_stopping(sup):
    sup.write("""
        [program:p]
        command=%s
        startsecs=0
        stopwaitsecs=30
        """ % DEAF)
    sup.start()
    pid = wait_deaf(sup, "p")
    assert sup.rpc.stopProcess("p", False) is True
    assert sup.state("p") == "STOPPING"
    os.kill(pid, 9)     # rather than wait stopwaitsecs
    sup.wait_state("p", "STOPPED")


def test_stop_process_escalates_to_sigkill(sup):
    sup.write("""
        [program:p]
        command=%s
        startsecs=0
        stopwaitsecs=1
        """ % DEAF)
    sup.start()
    pid = wait_deaf(sup, "p")
    assert sup.rpc.stopProcess("p") is True
    info = sup.info("p")
    assert info["statename"] == "STOPPED"
    assert not pid_alive(pid)


def test_stop_process_not_running(shared):
    assert fault_of(shared.rpc.stopProcess, "idle") == (70, "NOT_RUNNING: idle")


def test_stop_process_exited_is_not_running(shared):
    assert fault_of(shared.rpc.stopProcess, "once") == (70, "NOT_RUNNING: once")


def test_stop_process_bad_name(shared):
    for name in ("nosuch", "nosuch:*", "g:nosuch", "a"):
        assert fault_of(shared.rpc.stopProcess, name) == (10, "BAD_NAME: " + name)


def test_stop_process_from_backoff(sup):
    sup.write("""
        [program:p]
        command=sh -c 'exit 1'
        startsecs=1
        startretries=100
        """)
    sup.start()
    sup.wait_state("p", "BACKOFF")
    assert sup.rpc.stopProcess("p") is True
    assert sup.state("p") == "STOPPED"


def test_stop_process_from_starting(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=30
        """)
    sup.start()
    pid = sup.wait_state("p", "STARTING")["pid"]
    assert sup.rpc.stopProcess("p") is True
    assert sup.state("p") == "STOPPED"
    wait_until(lambda: not pid_alive(pid), what="child to be gone")


def test_stop_process_group_spec_returns_results(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        startsecs=0
        [group:g]
        programs=a
        """)
    sup.start()
    sup.wait_state("g:a", "RUNNING")
    assert sup.rpc.stopProcess("g:*") == [ok("a", "g")]
    assert sup.state("g:a") == "STOPPED"


# -- stopProcessGroup / stopAllProcesses -------------------------------

def by_name(results):
    return sorted(results, key=lambda r: (r["group"], r["name"]))


def test_stop_process_group_results(sup):
    # Results come in completion order, so compare them sorted.
    sup.write(GROUP3)
    sup.start()
    sup.rpc.startProcessGroup("g")
    assert by_name(sup.rpc.stopProcessGroup("g")) == [ok("a", "g"), ok("b", "g"), ok("c", "g")]
    for name in ("a", "b", "c"):
        assert sup.state("g:" + name) == "STOPPED"


def test_stop_process_group_skips_stopped(sup):
    sup.write(GROUP3)
    sup.start()
    sup.rpc.startProcess("g:a")
    assert sup.rpc.stopProcessGroup("g") == [ok("a", "g")]
    assert sup.rpc.stopProcessGroup("g") == []


def test_stop_process_group_bad_name(shared):
    assert fault_of(shared.rpc.stopProcessGroup, "nosuch") == (10, "BAD_NAME: nosuch")


def test_stop_process_group_nowait(sup):
    sup.write("""
        [program:a]
        command=%s
        startsecs=0
        stopwaitsecs=30
        [group:g]
        programs=a
        """ % DEAF)
    sup.start()
    pid = wait_deaf(sup, "g:a")
    assert sup.rpc.stopProcessGroup("g", False) == [ok("a", "g")]
    assert sup.state("g:a") == "STOPPING"
    os.kill(pid, 9)     # rather than wait stopwaitsecs
    sup.wait_state("g:a", "STOPPED")


def test_stop_all_processes_results(sup):
    sup.write("""
        [program:x]
        command=sleep 1000
        startsecs=0
        priority=300
        [program:y]
        command=sleep 1000
        startsecs=0
        priority=100
        [program:z]
        command=sleep 1000
        startsecs=0
        priority=200
        [program:idle]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    for name in "xyz":
        sup.wait_state(name, "RUNNING")
    assert by_name(sup.rpc.stopAllProcesses()) == [ok("x", "x"), ok("y", "y"), ok("z", "z")]
    assert [i["statename"] for i in sup.rpc.getAllProcessInfo()] == ["STOPPED"] * 4
    assert sup.rpc.stopAllProcesses() == []


def test_stop_all_processes_nowait(sup):
    sup.write("""
        [program:x]
        command=%s
        startsecs=0
        stopwaitsecs=30
        """ % DEAF)
    sup.start()
    pid = wait_deaf(sup, "x")
    assert sup.rpc.stopAllProcesses(False) == [ok("x", "x")]
    assert sup.state("x") == "STOPPING"
    os.kill(pid, 9)     # rather than wait stopwaitsecs
    sup.wait_state("x", "STOPPED")


# -- signalProcess / signalProcessGroup / signalAllProcesses -----------

def test_signal_process_by_name_or_number(sup):
    sup.write(write_sigprog(sup))
    sup.start()
    wait_output(sup, "sig", "ready\n")
    expect = "ready\n"
    # Names with or without SIG, any case; numbers as strings or ints.
    for sig, num in (("HUP", 1), ("SIGUSR1", 10), ("usr2", 12), ("1", 1), (10, 10)):
        assert sup.rpc.signalProcess("sig", sig) is True
        expect += "got %d\n" % num
        wait_output(sup, "sig", expect)
    assert sup.state("sig") == "RUNNING"


def test_signal_process_bad_signal(shared):
    for sig in ("FOO", "SIGFOO", "999", "-1", ""):
        assert fault_of(shared.rpc.signalProcess, "run", sig) == (11, "BAD_SIGNAL: " + sig)
    assert shared.state("run") == "RUNNING"


def test_signal_process_bad_signal_checked_before_state(shared):
    assert fault_of(shared.rpc.signalProcess, "idle", "FOO") == (11, "BAD_SIGNAL: FOO")


def test_signal_process_not_running(shared):
    assert fault_of(shared.rpc.signalProcess, "idle", "HUP") == (70, "NOT_RUNNING: idle")


def test_signal_process_bad_name(shared):
    assert fault_of(shared.rpc.signalProcess, "nosuch", "HUP") == (10, "BAD_NAME: nosuch")


def test_signal_process_stopping_process_can_be_killed(sup):
    sup.write("""
        [program:p]
        command=%s
        startsecs=0
        stopwaitsecs=30
        """ % DEAF)
    sup.start()
    pid = wait_deaf(sup, "p")
    sup.rpc.stopProcess("p", False)
    assert sup.state("p") == "STOPPING"
    assert sup.rpc.signalProcess("p", "KILL") is True
    sup.wait_state("p", "STOPPED")
    assert not pid_alive(pid)


def test_signal_process_group_spec_returns_results(sup):
    sup.write(write_sigprog(sup) + """
        [group:g]
        programs=sig
        """)
    sup.start()
    wait_output(sup, "sig", "ready\n")
    assert sup.rpc.signalProcess("g:*", "USR2") == [
        {"name": "sig", "group": "g", "status": 80, "description": "OK"}]
    wait_output(sup, "sig", "got 12\n")


def test_signal_process_group_only_running_members(sup):
    sup.write(write_sigprog(sup) + """
        [program:idle]
        command=sleep 1000
        autostart=false
        [group:g]
        programs=sig,idle
        """)
    sup.start()
    wait_output(sup, "sig", "ready\n")
    assert sup.rpc.signalProcessGroup("g", "HUP") == [ok("sig", "g")]
    wait_output(sup, "sig", "got 1\n")


def test_signal_process_group_bad_name(shared):
    assert fault_of(shared.rpc.signalProcessGroup, "nosuch", "HUP") == (10, "BAD_NAME: nosuch")


def test_signal_process_group_bad_signal_reported_per_process(shared):
    assert shared.rpc.signalProcessGroup("g", "FOO") == [
        {"name": "a", "group": "g", "status": 11, "description": "BAD_SIGNAL: FOO"}]


def test_signal_all_processes(sup):
    sup.write(write_sigprog(sup, "s1") + write_sigprog(sup, "s2") + """
        [program:idle]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    wait_output(sup, "s1", "ready\n")
    wait_output(sup, "s2", "ready\n")
    results = sup.rpc.signalAllProcesses("USR1")
    assert sorted(results, key=lambda r: r["name"]) == [ok("s1", "s1"), ok("s2", "s2")]
    wait_output(sup, "s1", "got 10\n")
    wait_output(sup, "s2", "got 10\n")


def test_signal_all_processes_nothing_running(sup):
    sup.write("""
        [program:idle]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    assert sup.rpc.signalAllProcesses("HUP") == []


# -- sendProcessStdin --------------------------------------------------

CAT = """
    [program:cat]
    command=cat
    startsecs=0
    stdout_logfile={dir}/cat.out
    """


def test_send_process_stdin_reaches_program(sup):
    sup.write(CAT)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    assert sup.rpc.sendProcessStdin("cat", "hello world\n") is True
    assert sup.rpc.sendProcessStdin("cat", "second line\n") is True
    wait_output(sup, "cat", "hello world\nsecond line\n")


def test_send_process_stdin_unicode_is_utf8(sup):
    sup.write(CAT)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    sup.rpc.sendProcessStdin("cat", "h\u00e9llo \u2603\n")
    path = sup.path("cat.out")
    wait_until(lambda: open(path, "rb").read() == "h\u00e9llo \u2603\n".encode("utf-8"),
               what="utf-8 bytes in cat.out")


def test_send_process_stdin_empty_after_restart_is_true(sup):
    """An empty string writes nothing and succeeds, also on a fresh spawn
    after stop and start (supd once read a stale errno there)."""
    sup.write(CAT)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    assert sup.rpc.sendProcessStdin("cat", "") is True
    assert sup.rpc.stopProcess("cat") is True
    assert sup.rpc.startProcess("cat") is True
    assert sup.rpc.sendProcessStdin("cat", "") is True
    assert sup.rpc.sendProcessStdin("cat", "after\n") is True
    wait_output(sup, "cat", "after\n")


def test_send_process_stdin_not_running(shared):
    assert fault_of(shared.rpc.sendProcessStdin, "cat", "x") == (70, "NOT_RUNNING: cat")


def test_send_process_stdin_bad_name(shared):
    assert fault_of(shared.rpc.sendProcessStdin, "nosuch", "x") == (10, "BAD_NAME: nosuch")


def test_send_process_stdin_non_string(shared):
    # The type is checked before the name and the state.
    assert fault_of(shared.rpc.sendProcessStdin, "cat", 5) == (2, "INCORRECT_PARAMETERS: 5")
    assert fault_of(shared.rpc.sendProcessStdin, "nosuch", 5) == (2, "INCORRECT_PARAMETERS: 5")


def test_send_process_stdin_closed_stdin_is_no_file(sup):
    sup.write("""
        [program:p]
        command=sh -c 'exec 0<&-; exec sleep 1000'
        startsecs=0
        """)
    sup.start()
    pid = sup.wait_state("p", "RUNNING")["pid"]

    def stdin_closed():
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            if not f.read().startswith(b"sleep"):
                return False
        return not os.path.exists("/proc/%d/fd/0" % pid)
    wait_until(stdin_closed, what="child to close stdin")
    assert fault_of(sup.rpc.sendProcessStdin, "p", "x\n") == (20, "NO_FILE: p")


# -- sendRemoteCommEvent -----------------------------------------------

def test_send_remote_comm_event_reaches_listener(sup):
    script = sup.path("listener.py")
    with open(script, "w") as f:
        f.write(LISTENER)
    sup.write("""
        [eventlistener:l]
        command=/usr/bin/python3 -u %s {dir}/events.out
        events=REMOTE_COMMUNICATION
        startsecs=0
        """ % script)
    sup.start()
    sup.wait_state("l", "RUNNING")
    assert sup.rpc.sendRemoteCommEvent("mytype", "hello data") is True
    path = sup.path("events.out")
    wait_until(lambda: "REMOTE_COMMUNICATION|type:mytype\nhello data\n" in read_file(path),
               what="listener to receive the event")


def test_send_remote_comm_event_without_listener(shared):
    assert shared.rpc.sendRemoteCommEvent("t", "d") is True


# -- shutdown / restart ------------------------------------------------

def test_shutdown_stops_children_and_exits(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    pid = sup.wait_state("p", "RUNNING")["pid"]
    assert sup.rpc.shutdown() is True
    assert sup.proc.wait(timeout=30) == 0
    assert not pid_alive(pid)
    assert not os.path.exists(sup.sock)
    assert not os.path.exists(sup.path("supervisord.pid"))


def test_shutdown_state_faults_while_stopping(sup):
    sup.write("""
        [program:deaf]
        command=%s
        startsecs=0
        stopwaitsecs=30
        """ % DEAF)
    sup.start()
    pid = wait_deaf(sup, "deaf")
    rpc = sup.rpc
    assert rpc.shutdown() is True
    assert fault_of(rpc.getState) == (6, "SHUTDOWN_STATE")
    assert fault_of(rpc.getProcessInfo, "deaf") == (6, "SHUTDOWN_STATE")
    assert fault_of(rpc.startProcess, "deaf") == (6, "SHUTDOWN_STATE")
    assert fault_of(rpc.shutdown) == (6, "SHUTDOWN_STATE")
    assert fault_of(rpc.restart) == (6, "SHUTDOWN_STATE")
    # The system namespace does not check the state.
    assert "system.listMethods" in sup.system.listMethods()
    os.kill(pid, 9)     # rather than wait stopwaitsecs
    assert sup.proc.wait(timeout=30) == 0


def test_restart_keeps_pid_and_respawns_children(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    daemon_pid = sup.rpc.getPID()
    child = sup.wait_state("p", "RUNNING")["pid"]
    assert sup.rpc.restart() is True
    wait_until(lambda: not pid_alive(child), what="old child to be stopped")

    def new_child():
        info = sup.info("p")
        return info if info["statename"] == "RUNNING" and info["pid"] != child else None
    wait_until(new_child, timeout=20, what="p to be respawned")
    assert sup.rpc.getPID() == daemon_pid
    assert sup.rpc.getState()["statename"] == "RUNNING"


def test_restart_rereads_config(sup):
    sup.write("""
        [program:old]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    sup.wait_state("old", "RUNNING")
    sup.write("""
        [program:new]
        command=sleep 1000
        startsecs=0
        """)
    assert sup.rpc.restart() is True

    def names():
        return [i["name"] for i in sup.rpc.getAllProcessInfo()] == ["new"]
    wait_until(names, timeout=20, what="config to be reloaded")
    sup.wait_state("new", "RUNNING")
