"""The real supervisorctl (4.2.5) against the daemon: every command's
output text and exit status, as Supervisor's own daemon produces them."""
import os
import re
import signal
import subprocess
import textwrap
import threading

from conftest import SUPERVISORCTL, pid_alive, shared_daemon, wait_until

TWO = """
    [program:a]
    command=sleep 1000
    startsecs=0
    [program:b]
    command=sleep 1000
    startsecs=0
    autostart=false
    """

GROUP = """
    [program:x]
    command=sleep 1000
    startsecs=0
    autostart=false
    priority=1
    [program:y]
    command=sleep 1000
    startsecs=0
    autostart=false
    priority=2
    [group:g]
    programs=x,y
    """

CAT = """
    [program:cat]
    command=cat
    startsecs=0
    stdout_logfile={dir}/cat.out
    stderr_logfile={dir}/cat.err
    """


LONG = "p" * 40

# One daemon for the tests that only look or fail: a running, b stopped,
# g:x and g:y stopped, talk with known output, quiet without a stdout log,
# big with 2000 bytes of output, ghost FATAL, nofile never started.
SHARED = TWO + GROUP + """
    [program:talk]
    command=sh -c 'printf "hello stdout\\n"; printf "hello stderr\\n" >&2; exec sleep 1000'
    startsecs=0
    [program:quiet]
    command=sleep 1000
    startsecs=0
    stdout_logfile=NONE
    [program:big]
    command=sh -c 'i=0; while [ $i -lt 400 ]; do printf "%%04d\\n" $i; i=$((i+1)); done; exec sleep 1000'
    startsecs=0
    [program:ghost]
    command=/nonexistent/ghost
    startretries=0
    [program:nofile]
    command=/nonexistent/nofile
    autostart=false
    [program:LONG]
    command=sleep 1000
    autostart=false
    """.replace("LONG", LONG)
BIG = "".join("%04d\n" % i for i in range(400))


def _start_shared(d):
    d.write(SHARED)
    d.start()
    d.wait_state("a", "RUNNING")
    d.wait_state("ghost", "FATAL")
    d.wait_state("quiet", "RUNNING")
    wait_until(lambda: d.rpc.readProcessStdoutLog("talk", 0, 0) == "hello stdout\n"
               and d.rpc.readProcessStderrLog("talk", 0, 0) == "hello stderr\n"
               and d.rpc.readProcessStdoutLog("big", 0, 0) == BIG,
               what="talk's and big's output")


# A daemon shared by the tests of this module that change nothing.
shared = shared_daemon("ctl-shared", _start_shared)


def conf(*parts):
    """Join config fragments, each dedented on its own."""
    return "".join(textwrap.dedent(p) for p in parts)


def lines(result):
    return result.stdout.splitlines()


def status_line(namespec, state, desc, width=33):
    return ("%-" + str(width) + "s%-10s%s") % (namespec, state, desc)


def running_re(namespec, pid, width=33):
    return re.escape(("%-" + str(width) + "s%-10s") % (namespec, "RUNNING")) + \
        r"pid %d, uptime \d+:\d\d:\d\d$" % pid


class Follower:
    """A long-running supervisorctl (tail -f, maintail -f) whose output is
    collected by a thread."""

    def __init__(self, sup, *args):
        self.proc = subprocess.Popen([SUPERVISORCTL, "-c", sup.conf] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     cwd=sup.dir)
        self.buf = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                return
            self.buf += chunk

    def text(self):
        return self.buf.decode("utf-8", "replace")

    def wait_for(self, text, timeout=10):
        wait_until(lambda: text in self.text(), timeout=timeout,
                   what="%r from supervisorctl" % text)

    def interrupt(self, timeout=10):
        """Ctrl-C it; return its exit status (killing it if it hangs)."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.thread.join(5)


# -- status ------------------------------------------------------------

def test_status_all(sup):
    sup.write(TWO)
    sup.start()
    pid = sup.wait_state("a", "RUNNING")["pid"]
    r = sup.ctl("status")
    out = lines(r)
    assert len(out) == 2
    assert re.match(running_re("a", pid), out[0]), out[0]
    assert out[1] == status_line("b", "STOPPED", "Not started")
    assert r.returncode == 3        # something is not running


def test_status_all_running_exits_0(shared):
    shared.wait_state("a", "RUNNING")
    r = shared.ctl("status", "a")
    assert len(lines(r)) == 1
    assert r.returncode == 0


def test_status_no_such_process(shared):
    r = shared.ctl("status", "nosuch")
    assert lines(r) == ["nosuch: ERROR (no such process)"]
    assert r.returncode == 4


def test_status_no_such_group(shared):
    r = shared.ctl("status", "nosuch:*")
    assert lines(r) == ["nosuch: ERROR (no such group)"]
    assert r.returncode == 4


def test_status_group_and_long_names(shared):
    r = shared.ctl("status", "g:*", LONG)
    width = len(LONG) + 3
    assert lines(r) == [
        status_line("g:x", "STOPPED", "Not started", width),
        status_line("g:y", "STOPPED", "Not started", width),
        status_line(LONG, "STOPPED", "Not started", width),
    ]
    assert r.returncode == 3


def test_status_fatal_shows_spawnerr(shared):
    r = shared.ctl("status", "ghost")
    assert lines(r) == [status_line("ghost", "FATAL", "can't find command '/nonexistent/ghost'")]
    assert r.returncode == 3


def test_status_daemon_gone(sup):
    sup.write(TWO)
    sup.start()
    sup.rpc.shutdown()
    sup.proc.wait(timeout=30)
    r = sup.ctl("status")
    assert lines(r) == ["unix://%s no such file" % sup.sock]
    assert r.returncode == 4


# -- start / stop / restart --------------------------------------------

def test_start_one(sup):
    sup.write(TWO)
    sup.start()
    r = sup.ctl("start", "b")
    assert (lines(r), r.returncode) == (["b: started"], 0)
    assert sup.state("b") == "RUNNING"


def test_start_already_started(shared):
    shared.wait_state("a", "RUNNING")
    r = shared.ctl("start", "a")
    assert (lines(r), r.returncode) == (["a: ERROR (already started)"], 0)


def test_start_no_such_process(shared):
    r = shared.ctl("start", "nosuch")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such process)"], 1)


def test_start_no_such_group(shared):
    r = shared.ctl("start", "nosuch:*")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such group)"], 2)


def test_start_spawn_error(sup):
    sup.write("""
        [program:quick]
        command=sh -c 'exit 1'
        startsecs=1
        startretries=0
        autostart=false
        """)
    sup.start()
    r = sup.ctl("start", "quick")
    assert (lines(r), r.returncode) == (["quick: ERROR (spawn error)"], 7)


def test_start_no_such_file(shared):
    r = shared.ctl("start", "nofile")
    assert (lines(r), r.returncode) == (["nofile: ERROR (no such file)"], 1)


def test_start_group(sup):
    sup.write(GROUP)
    sup.start()
    r = sup.ctl("start", "g:*")
    assert (lines(r), r.returncode) == (["g:x: started", "g:y: started"], 0)


def test_start_all(sup):
    sup.write(conf(TWO, GROUP))
    sup.start()
    sup.wait_state("a", "RUNNING")
    r = sup.ctl("start", "all")
    assert sorted(lines(r)) == ["b: started", "g:x: started", "g:y: started"]
    assert r.returncode == 0


def test_start_requires_a_name(shared):
    r = shared.ctl("start")
    assert lines(r)[0] == "Error: start requires a process name"
    assert r.returncode == 2


def test_stop_one(sup):
    sup.write(TWO)
    sup.start()
    pid = sup.wait_state("a", "RUNNING")["pid"]
    r = sup.ctl("stop", "a")
    assert (lines(r), r.returncode) == (["a: stopped"], 0)
    assert sup.state("a") == "STOPPED"
    assert not pid_alive(pid)


def test_stop_not_running(shared):
    r = shared.ctl("stop", "b")
    assert (lines(r), r.returncode) == (["b: ERROR (not running)"], 0)


def test_stop_no_such_process(shared):
    r = shared.ctl("stop", "nosuch")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such process)"], 1)


def test_stop_no_such_group(shared):
    r = shared.ctl("stop", "nosuch:*")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such group)"], 1)


def test_stop_group_and_all(sup):
    sup.write(conf(TWO, GROUP))
    sup.start()
    sup.rpc.startAllProcesses()
    r = sup.ctl("stop", "g:*")
    assert (sorted(lines(r)), r.returncode) == (["g:x: stopped", "g:y: stopped"], 0)
    r = sup.ctl("stop", "all")
    assert (sorted(lines(r)), r.returncode) == (["a: stopped", "b: stopped"], 0)
    assert {i["statename"] for i in sup.rpc.getAllProcessInfo()} == {"STOPPED"}


def test_stop_requires_a_name(shared):
    r = shared.ctl("stop")
    assert lines(r)[0] == "Error: stop requires a process name"
    assert r.returncode == 1


def test_restart_one(sup):
    sup.write(TWO)
    sup.start()
    pid = sup.wait_state("a", "RUNNING")["pid"]
    r = sup.ctl("restart", "a")
    assert (lines(r), r.returncode) == (["a: stopped", "a: started"], 0)
    info = sup.info("a")
    assert info["statename"] == "RUNNING" and info["pid"] != pid


def test_restart_not_running(sup):
    sup.write(TWO)
    sup.start()
    r = sup.ctl("restart", "b")
    assert (lines(r), r.returncode) == (["b: ERROR (not running)", "b: started"], 0)


def test_restart_group(sup):
    sup.write(GROUP)
    sup.start()
    sup.rpc.startProcessGroup("g")
    r = sup.ctl("restart", "g:*")
    out = lines(r)
    assert sorted(out[:2]) == ["g:x: stopped", "g:y: stopped"]
    assert out[2:] == ["g:x: started", "g:y: started"]
    assert r.returncode == 0


def test_restart_all(sup):
    sup.write(conf(TWO, GROUP))
    sup.start()
    pid = sup.wait_state("a", "RUNNING")["pid"]
    r = sup.ctl("restart", "all")
    out = lines(r)
    # stop all reports only what was running; start all then starts all.
    assert out[0] == "a: stopped"
    assert sorted(out[1:]) == ["a: started", "b: started", "g:x: started", "g:y: started"]
    assert r.returncode == 0
    assert sup.info("a")["pid"] != pid


def test_restart_requires_a_name(shared):
    r = shared.ctl("restart")
    assert lines(r)[0] == "Error: restart requires a process name"
    assert r.returncode == 1


# -- signal ------------------------------------------------------------

def test_signal_one(sup):
    sup.write(TWO)
    sup.start()
    pid = sup.wait_state("a", "RUNNING")["pid"]
    r = sup.ctl("signal", "KILL", "a")
    assert (lines(r), r.returncode) == (["a: signalled"], 0)
    wait_until(lambda: not pid_alive(pid), what="a to die")


def test_signal_bad_signal(shared):
    shared.wait_state("a", "RUNNING")
    r = shared.ctl("signal", "BOGUS", "a")
    assert (lines(r), r.returncode) == (["a: ERROR (bad signal name)"], 1)


def test_signal_not_running(shared):
    r = shared.ctl("signal", "HUP", "b")
    assert (lines(r), r.returncode) == (["b: ERROR (not running)"], 7)


def test_signal_no_such_process(shared):
    r = shared.ctl("signal", "HUP", "nosuch")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such process)"], 1)


def test_signal_group_and_all(sup):
    sup.write(conf(TWO, GROUP))
    sup.start()
    sup.rpc.startProcessGroup("g")
    sup.wait_state("a", "RUNNING")
    r = sup.ctl("signal", "CONT", "g:*")
    assert (lines(r), r.returncode) == (["g:x: signalled", "g:y: signalled"], 0)
    r = sup.ctl("signal", "CONT", "all")
    assert (sorted(lines(r)), r.returncode) == (
        ["a: signalled", "g:x: signalled", "g:y: signalled"], 0)


def test_signal_requires_two_arguments(shared):
    r = shared.ctl("signal", "HUP")
    assert lines(r)[0] == "Error: signal requires a signal name and a process name"
    assert r.returncode == 1


# -- tail / maintail ---------------------------------------------------

def test_tail_stdout(shared):
    r = shared.ctl("tail", "talk")
    assert (r.stdout, r.returncode) == ("hello stdout\n\n", 0)


def test_tail_bytes(shared):
    r = shared.ctl("tail", "-7", "talk")
    assert (r.stdout, r.returncode) == ("stdout\n\n", 0)


def test_tail_stderr(shared):
    r = shared.ctl("tail", "talk", "stderr")
    assert (r.stdout, r.returncode) == ("hello stderr\n\n", 0)
    r = shared.ctl("tail", "-3", "talk", "stderr")
    assert (r.stdout, r.returncode) == ("rr\n\n", 0)


def test_tail_last_1600_bytes_by_default(shared):
    r = shared.ctl("tail", "big")
    assert r.stdout == BIG[-1600:] + "\n"


def test_tail_no_such_process(shared):
    r = shared.ctl("tail", "nosuch")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such process name)"], 1)


def test_tail_no_log_file(shared):
    r = shared.ctl("tail", "quiet")
    assert (lines(r), r.returncode) == (["quiet: ERROR (no log file)"], 1)


def test_tail_f_follows_and_stops_on_interrupt(sup):
    sup.write(CAT)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    sup.rpc.sendProcessStdin("cat", "line one\n")
    wait_until(lambda: sup.read("cat.out") == "line one\n", what="first line logged")
    follower = Follower(sup, "tail", "-f", "cat")
    try:
        follower.wait_for("==> Press Ctrl-C to exit <==")
        follower.wait_for("line one\n")
        sup.rpc.sendProcessStdin("cat", "line two\n")
        follower.wait_for("line two\n")
    finally:
        rc = follower.interrupt()
    assert rc == 0


def test_tail_f_stderr(sup):
    sup.write("""
        [program:err]
        command=sh -c 'while read l; do echo "$l" >&2; done'
        startsecs=0
        """)
    sup.start()
    sup.wait_state("err", "RUNNING")
    sup.rpc.sendProcessStdin("err", "oops one\n")
    wait_until(lambda: "oops one" in sup.rpc.readProcessStderrLog("err", 0, 0),
               what="stderr logged")
    follower = Follower(sup, "tail", "-f", "err", "stderr")
    try:
        follower.wait_for("oops one\n")
        sup.rpc.sendProcessStdin("err", "oops two\n")
        follower.wait_for("oops two\n")
    finally:
        follower.interrupt()


def test_maintail(sup):
    sup.write(TWO)
    sup.start()
    sup.wait_state("a", "RUNNING")
    log = sup.rpc.readLog(0, 0)
    r = sup.ctl("maintail")
    assert r.returncode == 0
    assert r.stdout.endswith("\n")
    assert log[-1600:].startswith(r.stdout[:-1][:100])
    r = sup.ctl("maintail", "-20")
    assert r.returncode == 0
    assert len(r.stdout) == 21
    assert r.stdout[:-1] in sup.rpc.readLog(0, 0)


def test_maintail_bad_argument(shared):
    r = shared.ctl("maintail", "foo")
    assert (lines(r), r.returncode) == (["Error: bad argument foo"], 1)


def test_maintail_f(sup):
    sup.write(TWO)
    sup.start()
    follower = Follower(sup, "maintail", "-f")
    try:
        follower.wait_for("==> Press Ctrl-C to exit <==")
        wait_until(lambda: len(follower.text()) > len("==> Press Ctrl-C to exit <==\n"),
                   what="main log text")
        # A state change makes the daemon log something new.
        before = len(follower.text())
        sup.rpc.startProcess("b")
        wait_until(lambda: len(follower.text()) > before, what="new main log text")
    finally:
        assert follower.interrupt() == 0


# -- clear -------------------------------------------------------------

def test_clear_one(sup):
    sup.write("""
        [program:talk]
        command=sh -c 'printf "out\\n"; printf "err\\n" >&2; exec sleep 1000'
        startsecs=0
        """)
    sup.start()
    wait_until(lambda: sup.rpc.readProcessStdoutLog("talk", 0, 0) == "out\n"
               and sup.rpc.readProcessStderrLog("talk", 0, 0) == "err\n",
               what="talk's output")
    r = sup.ctl("clear", "talk")
    assert (lines(r), r.returncode) == (["talk: cleared"], 0)
    assert sup.rpc.readProcessStdoutLog("talk", 0, 0) == ""
    assert sup.rpc.readProcessStderrLog("talk", 0, 0) == ""


def test_clear_all(sup):
    sup.write(conf(TWO, GROUP))
    sup.start()
    r = sup.ctl("clear", "all")
    assert sorted(lines(r)) == ["a: cleared", "b: cleared", "g:x: cleared", "g:y: cleared"]
    assert r.returncode == 0


def test_clear_no_such_process(shared):
    r = shared.ctl("clear", "nosuch")
    assert (lines(r), r.returncode) == (["nosuch: ERROR (no such process)"], 1)


def test_clear_requires_a_name(shared):
    r = shared.ctl("clear")
    assert lines(r)[0] == "Error: clear requires a process name"
    assert r.returncode == 1


# -- pid ---------------------------------------------------------------

def test_pid_of_daemon(shared):
    r = shared.ctl("pid")
    assert (lines(r), r.returncode) == ([str(shared.proc.pid)], 0)


def test_pid_of_process(shared):
    pid = shared.wait_state("a", "RUNNING")["pid"]
    r = shared.ctl("pid", "a")
    assert (lines(r), r.returncode) == ([str(pid)], 0)


def test_pid_of_stopped_process(shared):
    r = shared.ctl("pid", "b")
    assert (lines(r), r.returncode) == (["0"], 7)


def test_pid_no_such_process(shared):
    r = shared.ctl("pid", "nosuch")
    assert (lines(r), r.returncode) == (["No such process nosuch"], 1)


def test_pid_all(shared):
    expected = [str(i["pid"]) for i in shared.rpc.getAllProcessInfo()]
    assert "0" in expected and str(shared.info("a")["pid"]) in expected
    r = shared.ctl("pid", "all")
    assert (lines(r), r.returncode) == (expected, 0)


# -- avail / reread / update / add / remove ----------------------------

def test_avail(sup):
    sup.write(conf(TWO, GROUP))
    sup.start()
    r = sup.ctl("avail")
    assert lines(r) == [
        "%-32s %-9s %-9s %s" % ("a", "in use", "auto", "999:999"),
        "%-32s %-9s %-9s %s" % ("b", "in use", "manual", "999:999"),
        "%-32s %-9s %-9s %s" % ("g:x", "in use", "manual", "999:1"),
        "%-32s %-9s %-9s %s" % ("g:y", "in use", "manual", "999:2"),
    ]
    assert r.returncode == 0


def test_avail_shows_removed_as_avail(sup):
    sup.write(TWO)
    sup.start()
    sup.rpc.removeProcessGroup("b")
    r = sup.ctl("avail")
    assert lines(r)[1] == "%-32s %-9s %-9s %s" % ("b", "avail", "manual", "999:999")


def test_avail_rejects_arguments(shared):
    r = shared.ctl("avail", "x")
    assert lines(r)[0] == "Error: avail accepts no arguments"
    assert r.returncode == 1


def test_reread_no_changes(shared):
    r = shared.ctl("reread")
    assert (lines(r), r.returncode) == (["No config updates to processes"], 0)


def test_reread_reports_changes(sup):
    sup.write(TWO)
    sup.start()
    sup.write("""
        [program:a]
        command=sleep 2000
        startsecs=0
        [program:c]
        command=sleep 1000
        """)
    r = sup.ctl("reread")
    assert (lines(r), r.returncode) == (["a: changed", "b: disappeared", "c: available"], 0)


def test_reread_broken_config(sup):
    sup.write(TWO)
    sup.start()
    sup.write(conf(TWO, """
        [program:c]
        startsecs=0
        """))
    r = sup.ctl("reread")
    out = lines(r)
    assert len(out) == 1 and out[0].startswith("ERROR: CANT_REREAD: ")
    assert r.returncode == 1


def test_update_applies_everything(sup):
    sup.write(TWO)
    sup.start()
    pid_a = sup.wait_state("a", "RUNNING")["pid"]
    sup.write("""
        [program:a]
        command=sleep 2000
        startsecs=0
        [program:c]
        command=sleep 1000
        startsecs=0
        """)
    r = sup.ctl("update")
    assert lines(r) == [
        "b: stopped", "b: removed process group",
        "a: stopped", "a: updated process group",
        "c: added process group",
    ]
    assert r.returncode == 0
    assert [i["name"] for i in sup.rpc.getAllProcessInfo()] == ["a", "c"]
    assert sup.wait_state("a", "RUNNING")["pid"] != pid_a
    sup.wait_state("c", "RUNNING")


def test_update_nothing_to_do(shared):
    r = shared.ctl("update")
    assert (r.stdout, r.returncode) == ("", 0)


def test_update_named_groups_only(sup):
    sup.write(TWO)
    sup.start()
    pid_a = sup.wait_state("a", "RUNNING")["pid"]
    sup.write("""
        [program:a]
        command=sleep 2000
        startsecs=0
        [program:b]
        command=sleep 1000
        autostart=false
        [program:c]
        command=sleep 1000
        startsecs=0
        """)
    r = sup.ctl("update", "c")
    assert (lines(r), r.returncode) == (["c: added process group"], 0)
    assert sup.info("a")["pid"] == pid_a
    r = sup.ctl("update", "a")
    assert (lines(r), r.returncode) == (["a: stopped", "a: updated process group"], 0)


def test_update_all_is_like_no_argument(sup):
    sup.write(TWO)
    sup.start()
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        autostart=false
        """))
    r = sup.ctl("update", "all")
    assert (lines(r), r.returncode) == (["c: added process group"], 0)


def test_update_unknown_group(shared):
    r = shared.ctl("update", "nosuch")
    assert (lines(r), r.returncode) == (["ERROR: no such group: nosuch"], 1)


def test_add(sup):
    sup.write(TWO)
    sup.start()
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        startsecs=0
        """))
    sup.ctl("reread")
    r = sup.ctl("add", "c")
    assert (lines(r), r.returncode) == (["c: added process group"], 0)
    sup.wait_state("c", "RUNNING")
    r = sup.ctl("add", "c")
    assert (lines(r), r.returncode) == (["ERROR: process group already active"], 0)


def test_add_unknown(shared):
    r = shared.ctl("add", "nosuch")
    assert (lines(r), r.returncode) == (["ERROR: no such process/group: nosuch"], 1)


def test_remove(sup):
    sup.write(TWO)
    sup.start()
    r = sup.ctl("remove", "b")
    assert (lines(r), r.returncode) == (["b: removed process group"], 0)
    assert [i["name"] for i in sup.rpc.getAllProcessInfo()] == ["a"]


def test_remove_running(shared):
    shared.wait_state("a", "RUNNING")
    r = shared.ctl("remove", "a")
    assert (lines(r), r.returncode) == (["ERROR: process/group still running: a"], 1)


def test_remove_unknown(shared):
    r = shared.ctl("remove", "nosuch")
    assert (lines(r), r.returncode) == (["ERROR: no such process/group: nosuch"], 1)


# -- reload / shutdown / version / help --------------------------------

def test_reload(sup):
    sup.write(TWO)
    sup.start()
    pid = sup.wait_state("a", "RUNNING")["pid"]
    r = sup.ctl("reload")
    assert (lines(r), r.returncode) == (["Restarted supervisord"], 0)
    wait_until(lambda: not pid_alive(pid), what="old child to stop")

    def back():
        info = sup.info("a")
        return info["statename"] == "RUNNING" and info["pid"] != pid
    wait_until(back, timeout=20, what="daemon to come back")
    assert sup.rpc.getPID() == sup.proc.pid


def test_reload_rejects_arguments(shared):
    r = shared.ctl("reload", "now")
    assert lines(r)[0] == "Error: reload accepts no arguments"
    assert r.returncode == 1


def test_shutdown(sup):
    sup.write(TWO)
    sup.start()
    r = sup.ctl("shutdown")
    assert (lines(r), r.returncode) == (["Shut down"], 0)
    assert sup.proc.wait(timeout=30) == 0
    r = sup.ctl("shutdown")
    assert (lines(r), r.returncode) == (
        ["ERROR: unix://%s no such file (already shut down?)" % sup.sock], 1)


def test_shutdown_while_shutting_down(sup):
    sup.write("""
        [program:deaf]
        command=sh -c "trap '' TERM; exec sleep 1000"
        startsecs=0
        stopwaitsecs=30
        """)
    sup.start()
    pid = sup.wait_state("deaf", "RUNNING")["pid"]

    def execed():
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().startswith(b"sleep")
    wait_until(execed, what="deaf to ignore SIGTERM")
    sup.rpc.shutdown()
    r = sup.ctl("shutdown")
    assert (lines(r), r.returncode) == (["ERROR: already shutting down"], 0)
    os.kill(pid, 9)     # rather than wait stopwaitsecs
    assert sup.proc.wait(timeout=30) == 0


def test_version(shared):
    r = shared.ctl("version")
    assert (lines(r), r.returncode) == ([shared.rpc.getSupervisorVersion()], 0)
    if not shared.is_supd:
        assert lines(r) == ["4.2.5"]


def test_version_rejects_arguments(shared):
    r = shared.ctl("version", "x")
    assert lines(r)[0] == "Error: version accepts no arguments"
    assert r.returncode == 1


def test_help(shared):
    r = shared.ctl("help")
    assert r.returncode == 0
    assert "default commands (type help <topic>):" in r.stdout
    for command in ("add", "avail", "clear", "maintail", "pid", "reload", "reread",
                    "remove", "restart", "shutdown", "signal", "start", "status",
                    "stop", "tail", "update", "version"):
        assert re.search(r"\b%s\b" % command, r.stdout), command
    r = shared.ctl("help", "start")
    assert lines(r)[0] == "start <name>\t\tStart a process"


def test_unknown_command(shared):
    r = shared.ctl("frobnicate")
    assert (lines(r), r.returncode) == (["*** Unknown syntax: frobnicate"], 1)


def test_fg_not_running(shared):
    r = shared.ctl("fg", "b")
    assert (lines(r), r.returncode) == (["ERROR: process not running"], 1)
    r = shared.ctl("fg", "nosuch")
    assert (lines(r), r.returncode) == (["ERROR: bad process name supplied"], 1)


# -- authentication ----------------------------------------------------

AUTH_HEADER = """\
[unix_http_server]
file={dir}/supervisor.sock
username=alice
password=s3cret

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}/logs

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:a]
command=sleep 1000
startsecs=0

"""


def start_auth(sup):
    sup.write(AUTH_HEADER + """\
[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
username=alice
password=s3cret
""", base=False)
    sup.write(AUTH_HEADER + """\
[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
""", base=False, name="noauth.conf")
    sup.launch()

    def ready():
        if sup.proc.poll() is not None:
            return "exited"
        rpc = sup.proxy(timeout=5, username="alice", password="s3cret").supervisor
        return rpc.getState()["statename"] == "RUNNING"
    wait_until(ready, timeout=15, what="daemon to answer")
    assert sup.proc.poll() is None, sup.output()


def test_ctl_with_credentials(sup):
    start_auth(sup)
    r = sup.ctl("pid")
    assert (lines(r), r.returncode) == ([str(sup.proc.pid)], 0)


def test_ctl_without_credentials(sup):
    start_auth(sup)
    r = sup.ctl("status", conf=sup.path("noauth.conf"))
    # supervisorctl 4.2.5 then retries once and prints the 401 error too.
    assert lines(r)[0] == "Server requires authentication"
    assert "401" in r.stdout
    assert r.returncode == 1


def test_ctl_wrong_password_on_command_line(sup):
    start_auth(sup)
    r = sup.ctl("-u", "alice", "-p", "nope", "pid", conf=sup.path("noauth.conf"))
    # supervisorctl 4.2.5 then retries once and prints the 401 error too.
    assert lines(r)[0] == "Server requires authentication"
    assert "401" in r.stdout
    assert r.returncode == 1
