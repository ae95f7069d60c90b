"""supd.rollingRestart and supctl restart --rolling: a group of small
HTTP servers on 127.0.0.1 is restarted member by member while a client
counts which members answer (supd extensions Supervisor 4.2.5 lacks)."""
import http.client
import os
import re
import socket
import threading
import xmlrpc.client

import pytest

from conftest import wait_until

PY = "/usr/bin/python3"
MEMBERS = 4

# argv: BASE NUM DIR. Serves GET / with its own name on 127.0.0.1:BASE+NUM.
# With DIR/broken-NUM present it exits at once instead (a member that
# cannot come back). Binding waits a moment, as a real app's start does.
SERVER = r"""
import http.server, os, sys, time
base, num, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if os.path.exists(os.path.join(d, "broken-%d" % num)):
    sys.exit(3)
time.sleep(0.2)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"web_%d" % num
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer.allow_reuse_address = True
http.server.HTTPServer(("127.0.0.1", base + num), H).serve_forever()
"""


def free_base(n):
    """A base port with n free ports after it on 127.0.0.1."""
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        base = s.getsockname()[1]
        s.close()
        if base + n > 60000:
            continue
        ok = True
        for p in range(base, base + n):
            t = socket.socket()
            try:
                t.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            finally:
                t.close()
        if ok:
            return base
    pytest.skip("no free port range")


def setup_group(sup, startsecs=1):
    srv = sup.script("server.py", SERVER)
    base = free_base(MEMBERS)
    sup.write("""
        [program:web]
        command=%s %s %d %%(process_num)s {dir}
        process_name=web_%%(process_num)s
        numprocs=%d
        startsecs=%d
        startretries=0
        stopwaitsecs=5
        """ % (PY, srv, base, MEMBERS, startsecs))
    sup.start()
    for i in range(MEMBERS):
        sup.wait_running("web:web_%d" % i)
    # Every member answers before the roll begins.
    wait_until(lambda: len(answering(base)) == MEMBERS, timeout=10,
               what="every member to answer")
    return base


def answering(base):
    """The members that answer a GET now, one try each."""
    up = []
    for i in range(MEMBERS):
        c = http.client.HTTPConnection("127.0.0.1", base + i, timeout=5)
        try:
            c.request("GET", "/")
            r = c.getresponse()
            if r.status == 200 and r.read() == b"web_%d" % i:
                up.append(i)
        except (OSError, http.client.HTTPException):
            # Refused, reset, or cut mid-answer by a member going down.
            pass
        finally:
            c.close()
    return up


class Prober(threading.Thread):
    """Counts the members answering, round after round, until stopped
    (bounded by max_rounds)."""

    def __init__(self, base, max_rounds=100000):
        super().__init__(daemon=True)
        self.base = base
        self.max_rounds = max_rounds
        self.rounds = []
        self.halt = threading.Event()

    def run(self):
        # At least one whole round, however quick the roll was.
        while (not self.halt.is_set() or not self.rounds) and \
                len(self.rounds) < self.max_rounds:
            self.rounds.append(answering(self.base))

    def finish(self):
        self.halt.set()
        self.join(60)
        return min(len(r) for r in self.rounds)


def pids(sup):
    return {i["name"]: i["pid"] for i in sup.rpc.getAllProcessInfo()
            if i["group"] == "web"}


def roll_order(sup):
    return re.findall(r"rolling restart: restarting (web:web_\d)", sup.log())


@pytest.mark.supd_only
@pytest.mark.parametrize("batch,floor", [(1, 3), (2, 2)])
def test_rolling_restart_keeps_members_up(sup, batch, floor):
    base = setup_group(sup)
    before = pids(sup)
    prober = Prober(base)
    prober.start()
    assert sup.proxy().supd.rollingRestart("web", batch) is True
    worst = prober.finish()
    assert len(prober.rounds) > 0
    assert worst >= floor, prober.rounds
    after = pids(sup)
    assert all(after[n] not in (0, before[n]) for n in before), (before, after)
    assert roll_order(sup) == ["web:web_%d" % i for i in range(MEMBERS)]
    assert len(answering(base)) == MEMBERS


@pytest.mark.supd_only
def test_rolling_restart_stops_at_a_member_that_fails(sup):
    base = setup_group(sup)
    before = pids(sup)
    open(sup.path("broken-2"), "w").close()
    with pytest.raises(xmlrpc.client.Fault) as exc:
        sup.proxy().supd.rollingRestart("web:*", 1)
    assert exc.value.faultCode == 30
    assert "web:web_2" in exc.value.faultString
    after = pids(sup)
    assert after["web_0"] not in (0, before["web_0"])
    assert after["web_1"] not in (0, before["web_1"])
    # The member after the failed one was left untouched.
    assert after["web_3"] == before["web_3"]
    assert roll_order(sup) == ["web:web_0", "web:web_1", "web:web_2"]
    assert sorted(answering(base)) == [0, 1, 3]


@pytest.mark.supd_only
def test_rolling_restart_bad_arguments(sup):
    setup_group(sup)
    supd = sup.proxy().supd
    with pytest.raises(xmlrpc.client.Fault) as exc:
        supd.rollingRestart("nosuch", 1)
    assert exc.value.faultCode == 10
    with pytest.raises(xmlrpc.client.Fault) as exc:
        supd.rollingRestart("web:web_0", 1)
    assert exc.value.faultCode == 10
    with pytest.raises(xmlrpc.client.Fault) as exc:
        supd.rollingRestart("web", 0)
    assert exc.value.faultCode == 3


@pytest.mark.supd_only
def test_supctl_restart_rolling_prints_progress(sup):
    setup_group(sup)
    before = pids(sup)
    r = sup.supctl("restart", "--rolling", "--batch", "2", "web")
    assert r.returncode == 0, r
    assert r.stdout.splitlines() == [
        "web:web_0: restarted (1)", "web:web_1: restarted (2)",
        "web:web_2: restarted (3)", "web:web_3: restarted (4)",
        "web: rolling restart done"], r.stdout
    after = pids(sup)
    assert all(after[n] != before[n] for n in before)
    open(sup.path("broken-1"), "w").close()
    r = sup.supctl("restart", "--rolling", "web")
    assert r.returncode != 0
    assert r.stdout.splitlines()[0] == "web:web_0: restarted (1)"
    assert "web: ERROR (FAILED: web:web_1" in r.stdout


@pytest.mark.supd_only
def test_rolling_restart_and_recycling_never_two_down(sup):
    # Members recycle every second or so while a roll goes through them:
    # the roll waits for a recycle and a recycle for the roll.
    sleeper = sup.script("sleeper.py", "import time\nwhile True:\n"
                         "    time.sleep(1)\n")
    sup.write("""
        [program:w]
        command=%s %s
        process_name=w_%%(process_num)s
        numprocs=3
        startsecs=1
        max_uptime=1
        """ % (PY, sleeper))
    sup.start()
    for i in range(3):
        sup.wait_running("w:w_%d" % i)
    worst = []
    halt = threading.Event()

    def watch():
        proxy = sup.proxy()
        while not halt.is_set():
            infos = proxy.supervisor.getAllProcessInfo()
            worst.append(sum(1 for i in infos if i["statename"] != "RUNNING"))

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        assert sup.proxy().supd.rollingRestart("w", 1) is True
    finally:
        halt.set()
        t.join(60)
    assert worst and max(worst) <= 1, worst
