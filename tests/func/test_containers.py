"""supd in containers and under systemd: PID 1 reaps orphans and exits
with a meaningful status, exit_on_fatal, /healthz and /readyz without auth,
and sd_notify to a socket that stands in for systemd."""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import textwrap
import urllib.error
import urllib.request

import pytest

from conftest import (BUILD, _popen_pids, children_of, proc_state, reap_orphans,
                      wait_until)

pytestmark = pytest.mark.supd_only

# A program that leaves an orphan: it forks a child that forks a grandchild
# and exits at once; the grandchild, reparented to supd, writes a marker and
# exits, and must not stay a zombie.
ORPHANER = """\
#!/usr/bin/python3
import os, sys, time
marker = sys.argv[1]
pid = os.fork()
if pid == 0:
    if os.fork() == 0:
        time.sleep(0.2)
        open(marker, "w").write(str(os.getppid()))
        os._exit(0)
    os._exit(0)
os.waitpid(pid, 0)
while True:
    time.sleep(1000)
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def zombies_under(pid):
    return [c for c in children_of(pid) if proc_state(c) == "Z"]


class Pid1:
    """supd as PID 1 of a new pid namespace (unshare --pid --fork)."""

    def __init__(self, sup, ready=True):
        self.sup = sup
        argv = ["unshare", "--pid", "--fork", "--mount-proc",
                os.path.join(BUILD, "supd"), "-c", sup.conf, "-n"]
        out = open(sup.out_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=sup.dir,
                                     start_new_session=True)
        out.close()
        _popen_pids.add(self.proc.pid)
        if not ready:
            return
        self.supd = wait_until(lambda: (children_of(self.proc.pid) or [None])[0],
                               what="supd under unshare")
        wait_until(lambda: sup.rpc.getState()["statename"] == "RUNNING",
                   what="supd as PID 1 to answer")

    def wait(self):
        try:
            return self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            _popen_pids.discard(self.proc.pid)
            reap_orphans()


needs_unshare = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="unshare --pid needs root")


@needs_unshare
def test_pid1_reaps_orphans_and_exits_0_on_sigterm(sup):
    sup.script("orphaner.py", ORPHANER)
    sup.write("""
        [program:orphaner]
        command={dir}/orphaner.py {dir}/orphan.done
        startsecs=0
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    ns = Pid1(sup)
    try:
        wait_until(lambda: os.path.exists(sup.path("orphan.done")),
                   what="the orphan to run")
        # The orphan's parent was supd, PID 1 of the namespace.
        wait_until(lambda: sup.read("orphan.done") == "1", what="orphan's ppid")
        sup.wait_log("reaped unknown pid")
        assert zombies_under(ns.supd) == []
        sup.wait_state("sleeper", "RUNNING")
        os.kill(ns.supd, signal.SIGTERM)
    finally:
        rc = ns.wait()
    assert rc == 0
    assert "stopped: sleeper" in sup.log()


@needs_unshare
@pytest.mark.expect_crit(r"exit_on_fatal lists it")
def test_pid1_exit_on_fatal_exits_1(sup):
    sup.write("""
        [supervisord]
        exit_on_fatal = api, worker

        [program:api]
        command=/bin/false
        startsecs=1
        startretries=0
        autostart=true
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    ns = Pid1(sup, ready=False)
    rc = ns.wait()
    assert rc == 1
    log = sup.log()
    assert "api entered FATAL state" in log
    assert "stopped: sleeper" in log


def test_subreaper_reaps_orphans(sup):
    """Not PID 1: supd is a child subreaper, so orphans come to it."""
    sup.script("orphaner.py", ORPHANER)
    sup.write("""
        [program:orphaner]
        command={dir}/orphaner.py {dir}/orphan.done
        startsecs=0
        """)
    sup.start()
    wait_until(lambda: sup.read("orphan.done") == str(sup.proc.pid),
               what="the orphan, reparented to supd")
    sup.wait_log("reaped unknown pid")
    assert zombies_under(sup.proc.pid) == []


@pytest.mark.expect_crit(r"exit_on_fatal lists it")
def test_exit_on_fatal_exit_without_autorestart(sup):
    sup.write("""
        [supervisord]
        exit_on_fatal = *

        [program:once]
        command=sleep 0.5
        startsecs=0
        autorestart=false
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    proc = sup.launch()
    assert proc.wait(timeout=60) == 1
    assert "once exited and will not be restarted" in sup.log()


def test_exit_on_fatal_unlisted_program_keeps_running(sup):
    sup.write("""
        [supervisord]
        exit_on_fatal = api

        [program:other]
        command=/bin/false
        startsecs=1
        startretries=0
        [program:api]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    sup.wait_state("other", "FATAL")
    assert sup.state("api") == "RUNNING"
    assert sup.rpc.getState()["statename"] == "RUNNING"


def test_sigterm_exits_0(sup):
    sup.write("""
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    sup.wait_state("sleeper", "RUNNING")
    sup.proc.send_signal(signal.SIGTERM)
    assert sup.proc.wait(timeout=60) == 0


# -- /healthz and /readyz ------------------------------------------------

INET = """
[inet_http_server]
port=127.0.0.1:{port}
username=user
password=secret
"""


def get(port, path, auth=False):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path))
    if auth:
        req.add_header("Authorization", "Basic " +
                       base64.b64encode(b"user:secret").decode())
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_healthz_and_readyz_without_auth(sup):
    port = free_port()
    sup.write(INET.format(port=port) + textwrap.dedent("""
        [program:slow]
        command=sleep 1000
        startsecs=1000
        [program:fast]
        command=sleep 1000
        startsecs=0
        [program:manual]
        command=sleep 1000
        autostart=false
        """))
    sup.start()
    assert get(port, "/healthz")[0] == 200
    sup.wait_state("fast", "RUNNING")
    code, body = get(port, "/readyz")
    assert code == 503
    data = json.loads(body)
    assert data["ready"] is False
    assert data["processes"] == 3 and data["autostart"] == 2
    assert data["states"]["STARTING"] == 1 and data["states"]["STOPPED"] == 1
    assert "slow" not in body and "fast" not in body
    # Once slow is RUNNING (start it by hand: stop and start with no wait).
    sup.rpc.stopProcess("slow")
    sup.write(INET.format(port=port) + textwrap.dedent("""
        [program:slow]
        command=sleep 1000
        startsecs=0
        [program:fast]
        command=sleep 1000
        startsecs=0
        [program:manual]
        command=sleep 1000
        autostart=false
        """))
    sup.supctl("update")
    sup.wait_state("slow", "RUNNING")
    code, body = get(port, "/readyz")
    assert code == 200, body
    assert json.loads(body)["ready"] is True
    # With auth they answer the same.
    assert get(port, "/readyz", auth=True)[0] == 200
    assert get(port, "/healthz", auth=True)[0] == 200


@pytest.mark.parametrize("path", ["/", "/index.html", "/RPC2", "/logtail/fast",
                                  "/mainlogtail", "/healthzx", "/readyz/x",
                                  "/nosuch"])
def test_other_paths_still_need_auth(sup, path):
    port = free_port()
    sup.write(INET.format(port=port))
    sup.start()
    assert get(port, path)[0] == 401


# -- sd_notify -------------------------------------------------------------

def test_sd_notify(sup):
    sock_path = sup.path("notify.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    srv.bind(sock_path)
    srv.settimeout(30)
    sup.write("""
        [program:probe]
        command={dir}/probe.py {dir}/probe.json
        startsecs=0
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    sup.probe()
    try:
        sup.start(env={"NOTIFY_SOCKET": sock_path, "WATCHDOG_USEC": "200000"})
        got = []

        def until(word):
            while True:
                msg = srv.recv(4096).decode()
                got.append(msg)
                if word in msg.split("\n"):
                    return msg
        ready = until("READY=1")
        assert sup.state("probe") == "RUNNING"
        assert sup.state("sleeper") == "RUNNING"
        assert "MAINPID=%d" % sup.proc.pid in ready
        until("WATCHDOG=1")
        until("WATCHDOG=1")
        env = sup.read_probe("probe.json")["env"]
        assert "NOTIFY_SOCKET" not in env and "WATCHDOG_USEC" not in env
        assert sum("READY=1" in m.split("\n") for m in got) == 1
        # A restart re-executes supd: the same service, still watched.
        os.unlink(sup.path("probe.json"))
        sup.proc.send_signal(signal.SIGHUP)
        until("READY=1")
        until("WATCHDOG=1")
        env = sup.read_probe("probe.json")["env"]
        assert "NOTIFY_SOCKET" not in env
        sup.proc.send_signal(signal.SIGTERM)
        until("STOPPING=1")
        assert sup.proc.wait(timeout=60) == 0
    finally:
        srv.close()
