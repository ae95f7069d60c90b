"""Fault injection: children that misbehave (ignore SIGTERM, fork and
exit, leave grandchildren that ignore SIGTERM, stop themselves, write a
100 MB line, write binary), a system that refuses (fork fails under a
pids cgroup or RLIMIT_NPROC, exec fails, the daemon runs out of
descriptors), a file system that fails (disk full on a tmpfs, the log
directory removed) and a wall clock that jumps. In each the daemon keeps
answering, the other programs keep running with the same pid, an error
is logged once rather than per write, and what was already written stays
written. Assertions on what only supd does (retrying a full disk,
reopening a removed log, pausing accept) are marked."""
import errno
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import xmlrpc.client

import pytest

from conftest import Daemon, check_daemon, cmdline, descendants_of, pid_alive, wait_until

STEADY = """
[program:steady]
command=sleep 1000
startsecs=0
"""


def write(sup, body):
    """The config: steady, then the test's programs."""
    sup.write(STEADY + textwrap.dedent(body))


def steady_pid(sup):
    return sup.wait_running("steady")["pid"]


def unaffected(sup, pid):
    """The daemon answers and steady runs on as the same process."""
    assert sup.proc.poll() is None, "daemon died:\n" + sup.output()
    assert sup.rpc.getState()["statename"] == "RUNNING"
    info = sup.info("steady")
    assert (info["statename"], info["pid"]) == ("RUNNING", pid)
    assert pid_alive(pid)


def uses_asan(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


# -- children that misbehave --------------------------------------------

def test_child_ignoring_sigterm_holds_up_only_itself(sup):
    script = sup.script("stubborn.sh", """
        #!/bin/sh
        trap '' TERM
        echo ready
        while :; do sleep 1; done
        """)
    write(sup, """
        [program:stubborn]
        command=%s
        startsecs=0
        stopwaitsecs=4
        """ % script)
    sup.start()
    pid = steady_pid(sup)
    sup.wait_running("stubborn")
    sup.rpc.stopProcess("stubborn", False)
    # While it waits out stopwaitsecs the daemon serves and steady runs.
    assert sup.state("stubborn") == "STOPPING"
    unaffected(sup, pid)
    sup.wait_state("stubborn", "STOPPED", timeout=20)
    unaffected(sup, pid)


def test_child_that_forks_and_exits_is_exited_and_restartable(sup):
    """The child leaves a grandchild behind holding its stdout; the child
    itself is reaped and reported at once, and can be started again."""
    write(sup, """
        [program:forker]
        command=sh -c 'echo before; sleep 1000 & exit 3'
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/forker.log
        """)
    sup.start()
    pid = steady_pid(sup)
    first = sup.wait_state("forker", "EXITED")
    assert first["exitstatus"] == 3
    assert sup.rpc.readProcessStdoutLog("forker", 0, 0).startswith("before\n")
    assert sup.rpc.startProcess("forker", False)
    second = sup.wait_state("forker", "EXITED")
    assert second["start"] >= first["start"]
    unaffected(sup, pid)


def test_grandchildren_are_stopped_with_stopasgroup(sup):
    write(sup, """
        [program:tree]
        command=sh -c 'sleep 1000 & sleep 1001 & wait'
        startsecs=0
        stopasgroup=true
        stopwaitsecs=5
        """)
    sup.start()
    pid = steady_pid(sup)
    tree = sup.wait_running("tree")["pid"]
    kids = wait_until(lambda: len(descendants_of(tree)) == 2 and descendants_of(tree),
                      what="both grandchildren")
    sup.rpc.stopProcess("tree")
    wait_until(lambda: not any(pid_alive(k) for k in kids), what="grandchildren to go")
    unaffected(sup, pid)


def test_grandchildren_ignoring_sigterm_are_killed_with_killasgroup(sup):
    """stopasgroup (which implies killasgroup): the child and its two
    grandchildren all ignore SIGTERM; after stopwaitsecs the whole group
    gets SIGKILL. What the child wrote stays in its log."""
    script = sup.script("tree.sh", """
        #!/bin/sh
        trap '' TERM
        echo started
        sh -c "trap '' TERM; sleep 1000" &
        sh -c "trap '' TERM; sleep 1001" &
        wait
        """)
    write(sup, """
        [program:tree]
        command=%s
        startsecs=0
        stopasgroup=true
        stopwaitsecs=1
        stdout_logfile={dir}/tree.log
        """ % script)
    sup.start()
    pid = steady_pid(sup)
    tree = sup.wait_running("tree")["pid"]

    def both_sleeping():
        kids = descendants_of(tree)
        sleeps = [k for k in kids if (cmdline(k) or [""])[0] == "sleep"]
        return len(sleeps) == 2 and kids
    kids = wait_until(both_sleeping, what="both grandchildren to sleep")
    assert sup.rpc.stopProcess("tree")
    sup.wait_log("stopped: tree (terminated by SIGKILL)")
    wait_until(lambda: not any(pid_alive(k) for k in kids), what="the whole group to go")
    assert sup.read("tree.log") == "started\n"
    unaffected(sup, pid)


def crashing_tree(sup, extra):
    write(sup, """
        [program:tree]
        command=sh -c 'sleep 1000 & sleep 1001 & wait'
        startsecs=0
        autorestart=true
        %s
        """ % extra)
    sup.start()
    pid = steady_pid(sup)
    tree = sup.wait_running("tree")["pid"]
    kids = wait_until(lambda: len(descendants_of(tree)) == 2 and descendants_of(tree),
                      what="both grandchildren")
    for k in kids:
        pid_alive(k)  # remember them
    os.kill(tree, signal.SIGKILL)
    wait_until(lambda: sup.info("tree")["pid"] not in (0, tree) and
               sup.state("tree") == "RUNNING", what="the tree restarted")
    return pid, kids


@pytest.mark.supd_only
def test_a_dead_masters_group_is_killed_with_killasgroup(sup):
    """A main process killed from outside (a uWSGI master the OOM killer
    took): with killasgroup, what it leaves in its process group is
    killed, as systemd does, instead of living on beside the restart."""
    pid, kids = crashing_tree(sup, "killasgroup=true")
    wait_until(lambda: not any(pid_alive(k) for k in kids),
               what="the dead master's children to go")
    unaffected(sup, pid)


def test_a_dead_masters_group_is_left_without_killasgroup(sup):
    """Supervisor's behaviour, kept without killasgroup: the orphans live."""
    pid, kids = crashing_tree(sup, "")
    time.sleep(0.5)
    assert all(pid_alive(k) for k in kids)
    for k in kids:
        os.kill(k, signal.SIGKILL)
    unaffected(sup, pid)


def test_sigstopped_child_is_still_killed_by_stop(sup):
    write(sup, """
        [program:frozen]
        command=sleep 1000
        startsecs=0
        stopwaitsecs=2
        """)
    sup.start()
    pid = steady_pid(sup)
    frozen = sup.wait_running("frozen", "sleep")["pid"]
    os.kill(frozen, signal.SIGSTOP)
    wait_until(lambda: open("/proc/%d/stat" % frozen).read().split(") ")[1][0] == "T",
               what="the child to stop")
    # A stopped (and continued) child is still RUNNING to the daemon.
    assert sup.info("frozen")["statename"] == "RUNNING"
    os.kill(frozen, signal.SIGCONT)
    os.kill(frozen, signal.SIGSTOP)
    assert sup.info("frozen")["pid"] == frozen
    unaffected(sup, pid)
    # SIGTERM stays pending on a stopped process; SIGKILL ends it anyway.
    assert sup.rpc.stopProcess("frozen")
    assert sup.state("frozen") == "STOPPED"
    assert not pid_alive(frozen)
    unaffected(sup, pid)


# -- output ---------------------------------------------------------------

@pytest.mark.memory
def test_100mb_line_without_newline(sup):
    total = 100 * 1000 * 1000
    writer = sup.script("writer.py", """
        #!/usr/bin/python3
        import os, time
        chunk = b"x" * 1000000
        for _ in range(100):
            os.write(1, chunk)
        time.sleep(1000)
        """)
    write(sup, """
        [program:writer]
        command=%s
        startsecs=0
        stdout_logfile={dir}/big.log
        stdout_logfile_maxbytes=0
        """ % writer)
    sup.start()
    pid = steady_pid(sup)
    path = sup.path("big.log")

    def done():
        sup.rpc.getState()     # answered all along
        return os.path.exists(path) and os.path.getsize(path) == total
    wait_until(done, timeout=120, interval=0.2, what="100 MB in the log")
    with open(path, "rb") as f:
        f.seek(total - 4096)
        assert f.read() == b"x" * 4096
    data, offset, overflow = sup.rpc.tailProcessStdoutLog("writer", 0, 100)
    assert (data, offset, overflow) == ("x" * 100, total, True)
    unaffected(sup, pid)
    if sup.is_supd and not uses_asan(sup.proc.pid):
        # The line went through, not into memory.
        with open("/proc/%d/status" % sup.proc.pid) as f:
            hwm = int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))
        assert hwm < 64 * 1024, "peak RSS %d kB" % hwm


BINARY = bytes(range(256)) + b"\xc3\x28\xed\xa0\x80\xff\xfe"


def test_binary_output_is_logged_byte_exact(sup):
    writer = sup.script("binary.py", """
        #!/usr/bin/python3
        import sys, time
        sys.stdout.buffer.write(%r + b"end\\n")
        sys.stdout.flush()
        time.sleep(1000)
        """ % BINARY)
    write(sup, """
        [program:binary]
        command=%s
        startsecs=0
        stdout_logfile={dir}/binary.log
        """ % writer)
    sup.start()
    pid = steady_pid(sup)
    wait_until(lambda: sup.read("binary.log").endswith("end\n"), what="the output")
    with open(sup.path("binary.log"), "rb") as f:
        assert f.read() == BINARY + b"end\n"
    # The valid tail of it reads back over the API as text.
    assert sup.rpc.readProcessStdoutLog("binary", len(BINARY), 0) == "end\n"
    assert sup.rpc.tailProcessStdoutLog("binary", 0, 4)[0] == "end\n"
    unaffected(sup, pid)


def test_invalid_utf8_output_read_over_the_api(sup):
    """supd replaces undecodable bytes with U+FFFD; Supervisor 4.2.5 fails
    the call with HTTP 500 (a UnicodeDecodeError in readFile). Either way
    the daemon serves on and the log keeps the bytes."""
    writer = sup.script("latin.py", """
        #!/usr/bin/python3
        import sys, time
        sys.stdout.buffer.write(b"caf\\xe9 \\xff\\xfe ok\\n")
        sys.stdout.flush()
        time.sleep(1000)
        """)
    write(sup, """
        [program:latin]
        command=%s
        startsecs=0
        stdout_logfile={dir}/latin.log
        """ % writer)
    sup.start()
    pid = steady_pid(sup)
    wait_until(lambda: sup.read("latin.log").endswith("ok\n"), what="the output")
    if sup.is_supd:
        assert sup.rpc.readProcessStdoutLog("latin", 0, 0) == "caf\ufffd \ufffd\ufffd ok\n"
        assert sup.rpc.tailProcessStdoutLog("latin", 0, 100)[0] == "caf\ufffd \ufffd\ufffd ok\n"
    else:
        # ... and logs the exception as CRIT (supervisor/xmlrpc.py).
        sup.expect_crit.append(r"^Handling XML-RPC request with data .*"
                               r"supervisor\.readProcessStdoutLog.* raised an "
                               r"unexpected exception: Traceback")
        with pytest.raises(xmlrpc.client.ProtocolError):
            sup.rpc.readProcessStdoutLog("latin", 0, 0)
    with open(sup.path("latin.log"), "rb") as f:
        assert f.read() == b"caf\xe9 \xff\xfe ok\n"
    unaffected(sup, pid)


# -- the system refuses -----------------------------------------------------

PIDS_CGROUP = "/sys/fs/cgroup/pids"


@pytest.fixture
def pids_cgroup(tmp_path):
    """A pids cgroup (v1) of our own; yields its directory. Processes put
    in it are moved back to the root group at teardown."""
    if not os.access(os.path.join(PIDS_CGROUP, "cgroup.procs"), os.W_OK):
        pytest.skip("no writable pids cgroup")
    path = os.path.join(PIDS_CGROUP, "supd-test-%d-%d" % (os.getpid(), time.monotonic_ns()))
    os.mkdir(path)
    yield path
    with open(os.path.join(path, "cgroup.procs")) as f:
        pids = f.read().split()
    for p in pids:
        try:
            with open(os.path.join(PIDS_CGROUP, "cgroup.procs"), "w") as f:
                f.write(p)
        except OSError:
            pass
    wait_until(lambda: not open(os.path.join(path, "cgroup.procs")).read().strip(),
               what="the cgroup to empty")
    os.rmdir(path)


def cgroup_write(path, name, value):
    with open(os.path.join(path, name), "w") as f:
        f.write(str(value))


@pytest.mark.supd_only
def test_fork_failing_is_a_spawn_error_and_recovers(sup, pids_cgroup):
    """fork() fails (EAGAIN) while the daemon sits in a pids cgroup that
    allows it alone. supervisord 4.2.5 reports the same spawn error but
    then spins (state R) and stops answering getProcessInfo here, so this
    runs on supd only."""
    write(sup, """
        [program:late]
        command=sleep 1000
        autostart=false
        startsecs=0
        startretries=1
        """)
    sup.start()
    pid = steady_pid(sup)
    # The daemon alone in a group that allows one process: fork fails.
    cgroup_write(pids_cgroup, "cgroup.procs", sup.proc.pid)
    cgroup_write(pids_cgroup, "pids.max", 1)
    with pytest.raises(xmlrpc.client.Fault) as info:
        sup.rpc.startProcess("late")
    assert info.value.faultCode == 50    # SPAWN_ERROR
    late = sup.wait_state("late", "FATAL", timeout=20)
    assert late["description"] == "Too many processes in process table to spawn 'late'"
    unaffected(sup, pid)
    cgroup_write(pids_cgroup, "pids.max", "max")
    assert sup.rpc.startProcess("late")
    assert sup.state("late") == "RUNNING"
    unaffected(sup, pid)


def nproc_as_nobody(pid, soft):
    """Set the soft RLIMIT_NPROC of pid, a process of nobody's, and return
    the old one. Done as nobody: root may not change another user's limits
    without CAP_SYS_RESOURCE, which a container may lack."""
    code = ("import resource, sys\n"
            "pid, soft = int(sys.argv[1]), int(sys.argv[2])\n"
            "old, hard = resource.prlimit(pid, resource.RLIMIT_NPROC)\n"
            "resource.prlimit(pid, resource.RLIMIT_NPROC, (soft, hard))\n"
            "print(old)\n")
    out = subprocess.run([sys.executable, "-c", code, str(pid), str(soft)],
                         user=65534, group=65534, extra_groups=[],
                         capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.supd_only
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the daemon as nobody")
def test_fork_failing_over_nproc_limit(daemon_kind):
    """RLIMIT_NPROC stops fork() only for a process without privileges, so
    the daemon runs as nobody (-u) in a directory nobody can write; with
    its soft limit at 0, fork fails (EAGAIN): a spawn error, the program
    goes FATAL, and starts again once the limit is back. supervisord 4.2.5
    gives the same spawn error and FATAL, then stops answering, as in the
    pids cgroup test above, so this runs on supd only."""
    public = tempfile.mkdtemp(prefix="supd-nproc-")
    os.chmod(public, 0o777)
    sup = Daemon(daemon_kind, public)
    os.chmod(sup.path("logs"), 0o777)
    try:
        write(sup, """
            [program:late]
            command=sleep 1000
            autostart=false
            startsecs=0
            startretries=1
            """)
        sup.start("-u", "nobody")
        pid = steady_pid(sup)
        old = nproc_as_nobody(sup.proc.pid, 0)
        try:
            with pytest.raises(xmlrpc.client.Fault) as info:
                sup.rpc.startProcess("late")
            assert info.value.faultCode == 50    # SPAWN_ERROR
            late = sup.wait_state("late", "FATAL", timeout=20)
            assert late["description"] == "Too many processes in process table to spawn 'late'"
            sup.wait_log("spawnerr: Too many processes in process table to spawn 'late'")
            unaffected(sup, pid)
        finally:
            nproc_as_nobody(sup.proc.pid, old)
        assert sup.rpc.startProcess("late")
        assert sup.state("late") == "RUNNING"
        unaffected(sup, pid)
    finally:
        sup.stop()
        try:
            check_daemon(sup)
        finally:
            shutil.rmtree(public, ignore_errors=True)


def test_exec_failing_is_fatal_and_others_unaffected(sup):
    # Executable but not a program: execve fails with ENOEXEC in the child.
    junk = sup.script("junk", "\x7fELF not really\n")
    write(sup, """
        [program:junk]
        command=%s
        startsecs=1
        startretries=1
        stderr_logfile={dir}/junk.err
        """ % junk)
    sup.start()
    pid = steady_pid(sup)
    sup.wait_state("junk", "FATAL", timeout=20)
    assert "couldn't exec %s: ENOEXEC" % junk in sup.read("junk.err")
    unaffected(sup, pid)


def test_exec_failing_over_nproc_limit_for_a_user_program(sup):
    """RLIMIT_NPROC 0 on the daemon: root may still fork, but the child,
    once it is nobody (who already runs one process), is over the limit
    and its execve fails (EAGAIN)."""
    write(sup, """
        [program:firstnobody]
        command=sleep 1000
        user=nobody
        startsecs=0

        [program:asnobody]
        command=sleep 1000
        user=nobody
        autostart=false
        startsecs=1
        startretries=0
        stderr_logfile={dir}/nobody.err
        """)
    sup.start()
    pid = steady_pid(sup)
    sup.wait_running("firstnobody", "sleep")
    # Only the soft limit: raising a hard one again needs CAP_SYS_RESOURCE.
    old = resource.prlimit(sup.proc.pid, resource.RLIMIT_NPROC)
    resource.prlimit(sup.proc.pid, resource.RLIMIT_NPROC, (0, old[1]))
    try:
        with pytest.raises(xmlrpc.client.Fault):
            sup.rpc.startProcess("asnobody")
        wait_until(lambda: sup.state("asnobody") == "FATAL", what="FATAL")
        assert "couldn't exec sleep: EAGAIN" in sup.read("nobody.err")
        unaffected(sup, pid)
    finally:
        resource.prlimit(sup.proc.pid, resource.RLIMIT_NPROC, old)
    assert sup.rpc.startProcess("asnobody")
    unaffected(sup, pid)


@pytest.mark.supd_only
def test_out_of_descriptors_in_the_daemon(sup):
    """The daemon's RLIMIT_NOFILE is lowered to what it has open: spawns
    fail with Supervisor's message and back off, accept pauses (the client
    waits in the backlog), and once the limit is back everything resumes:
    the waiting client is answered, the program runs again."""
    write(sup, """
        [program:flap]
        command=sh -c 'sleep 0.3; exit 1'
        startsecs=0
        startretries=100
        """)
    sup.start()
    pid = steady_pid(sup)
    daemon = sup.proc.pid
    open_fds = len(os.listdir("/proc/%d/fd" % daemon))
    old = resource.prlimit(daemon, resource.RLIMIT_NOFILE)
    resource.prlimit(daemon, resource.RLIMIT_NOFILE, (open_fds, old[1]))
    try:
        sup.wait_log("too many open files to spawn 'flap'", timeout=30)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(60)
        client.connect(sup.sock)
        body = xmlrpc.client.dumps((), "supervisor.getState").encode()
        client.sendall(b"POST /RPC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        assert pid_alive(pid)
    finally:
        resource.prlimit(daemon, resource.RLIMIT_NOFILE, old)
    reply = b""
    while True:
        chunk = client.recv(65536)
        if not chunk:
            break
        reply += chunk
    assert reply.startswith(b"HTTP/1.0 200"), reply[:200]
    assert b"RUNNING" in reply
    sup.wait_state("flap", "RUNNING", "EXITED", timeout=30)
    unaffected(sup, pid)
    assert sup.log().count("cannot accept connections") <= 1


# -- the file system fails ----------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    """A 1 MiB tmpfs; lazily unmounted at teardown (the daemon may still
    hold files there)."""
    path = tmp_path / "small"
    path.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(path)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs")
    yield str(path)
    subprocess.run(["umount", "-l", str(path)], check=True)


LINES = """
    #!/usr/bin/python3
    import itertools, sys, time
    for i in itertools.count():
        sys.stdout.write("line %08d\\n" % i)
        sys.stdout.flush()
        time.sleep(0.001)
    """


def consecutive_lines(data):
    """How many lines from the start are 'line 0', 'line 1', ... in order."""
    n = 0
    for line in data.split(b"\n")[:-1]:
        if line != b"line %08d" % n:
            break
        n += 1
    return n


def test_log_disk_full(sup, tmpfs):
    lines = sup.script("lines.py", LINES)
    write(sup, """
        [program:chatty]
        command=%s
        startsecs=0
        stdout_logfile=%s/chatty.log
        stdout_logfile_maxbytes=0
        """ % (lines, tmpfs))
    # Leave 32 KiB: it fills in a few seconds.
    st = os.statvfs(tmpfs)
    filler = os.path.join(tmpfs, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * (st.f_bavail * st.f_frsize - 32 * 1024))
    sup.start()
    pid = steady_pid(sup)
    log = os.path.join(tmpfs, "chatty.log")

    def full():
        st = os.statvfs(tmpfs)
        return st.f_bavail == 0 and os.path.getsize(log) > 0
    wait_until(full, timeout=30, what="the disk to fill")
    unaffected(sup, pid)
    with open(log, "rb") as f:
        before = f.read()
    # What went in before the disk filled is all there, in order.
    kept = consecutive_lines(before)
    assert kept > 100
    assert before.startswith(b"".join(b"line %08d\n" % i for i in range(kept)))
    if sup.is_supd:
        sup.wait_log("cannot write log file %s/chatty.log: No space left on device" % tmpfs)
        os.unlink(filler)
        sup.wait_log("writing log file %s/chatty.log resumed" % tmpfs, timeout=20)
        assert sup.log().count("cannot write log file") == 1
        with open(log, "rb") as f:
            after = f.read()
        assert after.startswith(before[:len(before) - len(before) % 14])
        assert len(after) > len(before)
    unaffected(sup, pid)


COUNTED_LINES = """
    #!/usr/bin/python3
    import itertools, os, sys, time
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
    for i in itertools.count():
        sys.stdout.write("line %08d\\n" % i)
        sys.stdout.flush()
        if i % 20 == 0:
            os.pwrite(fd, b"%08d\\n" % i, 0)
        time.sleep(0.001)
    """


@pytest.mark.supd_only
def test_log_disk_full_newest_output_comes_first(sup, tmpfs):
    """When a full disk gets a little room back (less than supd held),
    the newest lines reach the log within seconds: supd holds only the
    newest 64 KiB and drops the oldest, with one marker line saying how
    much, rather than filling the room with old output."""
    lines = sup.script("counted.py", COUNTED_LINES)
    write(sup, """
        [program:chatty]
        command=%s {dir}/counter
        startsecs=0
        stdout_logfile=%s/chatty.log
        stdout_logfile_maxbytes=0
        """ % (lines, tmpfs))
    st = os.statvfs(tmpfs)
    room = os.path.join(tmpfs, "room")
    with open(room, "wb") as f:
        f.write(b"\0" * (256 * 1024))
    filler = os.path.join(tmpfs, "filler")
    st = os.statvfs(tmpfs)
    with open(filler, "wb") as f:
        f.write(b"\0" * (st.f_bavail * st.f_frsize - 32 * 1024))
    sup.start()
    pid = steady_pid(sup)
    log = os.path.join(tmpfs, "chatty.log")
    sup.wait_log("cannot write log file %s: No space left on device" % log, timeout=30)

    def counter():
        with open(sup.path("counter")) as f:
            return int(f.read().split()[0])
    # Well past what supd holds (64 KiB is about 4700 of these lines).
    start = counter()
    wait_until(lambda: counter() > start + 10000, timeout=60,
               what="the program to write on")
    os.unlink(room)
    newest = counter()
    wait_until(lambda: b"line %08d\n" % newest in open(log, "rb").read(),
               what="line %d in the log" % newest)
    sup.wait_log("writing log file %s resumed" % log)
    data = open(log, "rb").read()
    marker = re.search(rb"\n?\[supd: (\d+) bytes dropped while the log could "
                       rb"not be written\]\n", data)
    assert marker, data[-2000:]
    assert data.count(b"bytes dropped while") == 1
    # Whole lines, in order, on both sides of the marker.
    before = data[:marker.start()].split(b"\n")
    after = data[marker.end():].split(b"\n")[:-1]
    first = int(after[0].split()[1])
    assert [int(x.split()[1]) for x in after] == list(range(first, first + len(after)))
    assert before[0] == b"line 00000000"
    last_before = int(before[-2].split()[1]) if len(before) > 1 else 0
    assert first > last_before + 4000
    unaffected(sup, pid)


def remove_tree(path):
    """rm -rf path; True once it is gone. The daemon may make the log
    file again between rmtree's unlink and its rmdir (it reopens a log
    that was removed), so callers retry."""
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno != errno.ENOTEMPTY:
            raise
    return not os.path.exists(path)


def test_log_directory_removed(sup):
    lines = sup.script("lines.py", LINES)
    os.mkdir(sup.path("logdir"))
    write(sup, """
        [program:chatty]
        command=%s
        startsecs=0
        startretries=0
        stdout_logfile={dir}/logdir/chatty.log
        """ % lines)
    sup.start()
    pid = steady_pid(sup)
    log = sup.path("logdir", "chatty.log")
    wait_until(lambda: os.path.exists(log) and os.path.getsize(log) > 1000,
               what="output in the log")
    wait_until(lambda: remove_tree(sup.path("logdir")), what="logdir removed")
    if sup.is_supd:
        # Noticed within a second of writing; said once, then retried.
        sup.wait_log("cannot write log file %s" % log, timeout=20)
    unaffected(sup, pid)
    assert sup.state("chatty") == "RUNNING"
    # A fresh spawn opens its log again, and cannot.
    assert sup.rpc.stopProcess("chatty")
    with pytest.raises(xmlrpc.client.Fault):
        sup.rpc.startProcess("chatty")
    info = sup.wait_state("chatty", "FATAL")
    assert info["description"] == "unknown error making dispatchers for 'chatty': ENOENT"
    unaffected(sup, pid)
    os.mkdir(sup.path("logdir"))
    assert sup.rpc.startProcess("chatty")
    wait_until(lambda: os.path.exists(log) and consecutive_lines(open(log, "rb").read()) > 10,
               what="the log to come back")
    if sup.is_supd:
        assert sup.log().count("cannot write log file %s" % log) == 1
    unaffected(sup, pid)


@pytest.mark.supd_only
def test_log_directory_coming_back_resumes_the_same_log(sup):
    """supd notices the removed file, keeps what it could not write and
    retries; once the directory is back it writes the backlog into a new
    file and goes on, without a restart: the new file's lines run on
    without a gap and nothing is dropped. One warning, one resume."""
    lines = sup.script("lines.py", LINES)
    os.mkdir(sup.path("logdir"))
    write(sup, """
        [program:chatty]
        command=%s
        startsecs=0
        stdout_logfile={dir}/logdir/chatty.log
        stdout_logfile_maxbytes=0
        """ % lines)
    sup.start()
    pid = steady_pid(sup)
    chatty = sup.wait_running("chatty")["pid"]
    log = sup.path("logdir", "chatty.log")
    wait_until(lambda: os.path.exists(log) and os.path.getsize(log) > 1000,
               what="output in the log")
    # supd reopens a removed log at once, so rm -rf can find the file back
    # in the directory it is emptying: remove until the directory is gone.
    wait_until(lambda: remove_tree(sup.path("logdir")), what="logdir removed")
    sup.wait_log("cannot write log file %s: No such file or directory" % log, timeout=20)
    unaffected(sup, pid)
    os.mkdir(sup.path("logdir"))
    sup.wait_log("writing log file %s resumed, 0 bytes dropped" % log, timeout=30)
    wait_until(lambda: os.path.getsize(log) > 1000, what="output in the new log")
    with open(log, "rb") as f:
        data = f.read()
    first = int(data.split(b"\n", 1)[0].split()[1])
    numbers = [int(line.split()[1]) for line in data.split(b"\n")[:-1]]
    assert numbers == list(range(first, first + len(numbers)))
    info = sup.info("chatty")
    assert (info["statename"], info["pid"]) == ("RUNNING", chatty)
    assert sup.log().count("cannot write log file %s" % log) == 1
    assert sup.log().count("writing log file %s resumed" % log) == 1
    unaffected(sup, pid)


# -- the wall clock jumps ---------------------------------------------------

CLOCK_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_REALTIME plus the seconds in the file $FAKE_CLOCK_FILE. */
static volatile long long *offset;

static long long
get_offset(void)
{
	const char *path;
	int fd;
	void *p;

	if (offset == NULL && (path = getenv("FAKE_CLOCK_FILE")) != NULL &&
	    (fd = open(path, O_RDONLY)) != -1) {
		p = mmap(NULL, sizeof *offset, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p != MAP_FAILED)
			offset = p;
	}
	return (offset != NULL ? *offset : 0);
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int rc;

	if (real == NULL)
		real = dlsym(RTLD_NEXT, "clock_gettime");
	rc = real(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		ts->tv_sec += get_offset();
	return (rc);
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return (0);
}

time_t
time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t != NULL)
		*t = ts.tv_sec;
	return (ts.tv_sec);
}
"""


class FakeClock:
    """CLOCK_REALTIME of the daemon (not CLOCK_MONOTONIC), moved by the
    test through an LD_PRELOAD shim: faketime is not available, and a
    time namespace cannot move CLOCK_REALTIME."""

    def __init__(self, tmp_path):
        src = tmp_path / "clockshim.c"
        src.write_text(CLOCK_SHIM)
        self.lib = str(tmp_path / "clockshim.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", self.lib, str(src), "-ldl"],
                       check=True)
        self.file = str(tmp_path / "clock.offset")
        self.set(0)

    def set(self, seconds):
        # In place: the shim has the file mapped.
        with open(self.file, "r+b" if os.path.exists(self.file) else "wb") as f:
            f.write(int(seconds).to_bytes(8, "little", signed=True))

    def env(self):
        return {"LD_PRELOAD": self.lib, "FAKE_CLOCK_FILE": self.file,
                # The shim comes before ASan's runtime; that is fine here.
                "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") +
                ":verify_asan_link_order=0"}


@pytest.fixture
def clock(tmp_path):
    if shutil.which("cc") is None:
        pytest.skip("no C compiler for the clock shim")
    return FakeClock(tmp_path)


def test_clock_jumping_back_does_not_stall_startsecs(sup, clock):
    write(sup, """
        [program:slow]
        command=sleep 1000
        startsecs=3
        """)
    sup.start(env=clock.env())
    pid = steady_pid(sup)
    assert sup.state("slow") == "STARTING"
    clock.set(-3600)
    sup.wait_state("slow", "RUNNING", timeout=20)
    info = sup.info("slow")
    # Uptime is never negative, whatever the clock did.
    assert "uptime 0:00:0" in info["description"]
    unaffected(sup, pid)


def test_clock_jumping_forward_and_back_keeps_processes_and_api(sup, clock):
    write(sup, """
        [program:other]
        command=sleep 1000
        startsecs=0
        """)
    sup.start(env=clock.env())
    pid = steady_pid(sup)
    other = sup.wait_running("other")["pid"]
    clock.set(86400 * 3)
    wait_until(lambda: "3 days" in sup.info("other")["description"], what="the jump to show")
    clock.set(-86400)
    wait_until(lambda: sup.info("other")["description"].endswith("uptime 0:00:00"),
               what="the jump back to show")
    assert sup.info("other")["pid"] == other
    assert sup.rpc.stopProcess("other")
    assert sup.rpc.startProcess("other")
    unaffected(sup, pid)


@pytest.mark.supd_only
def test_clock_jumping_forward_does_not_cut_startsecs_short(sup, clock):
    """supd times startsecs on the monotonic clock; Supervisor on the wall
    clock, so a jump forward would end STARTING at once there."""
    write(sup, """
        [program:slow]
        command=sleep 1000
        startsecs=60
        """)
    sup.start(env=clock.env())
    pid = steady_pid(sup)
    clock.set(86400)
    wait_until(lambda: sup.rpc.getState(), what="an answer after the jump")
    assert sup.state("slow") == "STARTING"
    unaffected(sup, pid)
