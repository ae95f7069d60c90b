"""Service registration clients (src/supd/registry*.c) driven through
tests/tools/registry-drive, against tests/consul_double.py (Debian has no
Consul) and a real etcd (Debian's etcd-server) started here on 127.0.0.1.

The driver takes commands on stdin (add, up, fail, down, remove, state,
quit) and prints the registrations' events; see registry-drive.c. Request
timeouts and back-off are shortened with -t and -b so the tests run fast.
"""
import base64
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import BUILD, ROOT, SANITIZER_MARKERS, wait_until  # noqa: E402

DRIVE = os.path.join(BUILD, "tests", "tools", "registry-drive")
DOUBLE = os.path.join(ROOT, "tests", "consul_double.py")
ETCD = "/usr/bin/etcd"

pytestmark = pytest.mark.supd_only


@pytest.fixture(autouse=True, scope="module")
def _only_once(request):
    # Nothing here involves the daemon; do not repeat under supervisord.
    if request.config.getoption("--daemon", default="supd") != "supd":
        pytest.skip("registry client tests do not depend on the daemon")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """registry-drive as a child: send commands, read events."""

    def __init__(self, tmp_path, *args):
        if not os.path.exists(DRIVE):
            pytest.fail("%s is not built (ninja -C %s)" % (DRIVE, BUILD))
        self.errpath = str(tmp_path / ("drive-%d.err" % id(self)))
        self.err = open(self.errpath, "w")
        self.proc = subprocess.Popen([DRIVE, "-v", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err,
                                     text=True, bufsize=1)
        self.lines = []
        self.killed = False
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_line(lambda l: l in ("ready",) or l.startswith("error "))

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def wait_line(self, pred, timeout=10.0, start=0, what=None):
        """Wait for a line matching pred from index start; return it."""
        deadline = time.monotonic() + timeout * 3
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    if self.lines[i] is not None and pred(self.lines[i]):
                        return self.lines[i]
                if None in self.lines or time.monotonic() > deadline:
                    raise AssertionError("no line for %s in %r" % (what or pred, self.lines))
                self.cond.wait(0.1)

    def mark(self):
        with self.cond:
            return len(self.lines)

    def cmd(self, line):
        start = self.mark()
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        self.wait_line(lambda l: l == "ok", start=start, what="ok after " + line)
        return start

    def wait_event(self, name, state, start=0, timeout=10.0):
        return self.wait_line(lambda l: l == "event %s %s" % (name, state),
                              timeout=timeout, start=start, what=(name, state))

    def errors(self, name):
        with self.cond:
            return [l for l in self.lines if l and l.startswith("error %s " % name)]

    def kill(self):
        self.proc.kill()
        self.proc.wait()
        self.killed = True

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.err.close()
        with open(self.errpath) as f:
            out = f.read()
        for marker in SANITIZER_MARKERS + ("runtime error:",):
            assert marker not in out, "sanitizer report from driver:\n" + out
        assert self.killed or self.proc.returncode == 0, out


@pytest.fixture
def drivers(tmp_path):
    made = []

    def make(*args):
        d = Driver(tmp_path, *args)
        made.append(d)
        return d
    yield make
    for d in made:
        d.close()


# --- Consul, against the double -------------------------------------------

class Double:
    def __init__(self, tmp_path, *tls, client=None):
        self.ctx = None
        if client is not None:
            # The control requests go over TLS too, with a client certificate.
            self.ctx = ssl.create_default_context(cafile=client[2])
            self.ctx.load_cert_chain(client[0], client[1])
        self.log = str(tmp_path / "consul.jsonl")
        self.proc = subprocess.Popen([sys.executable, DOUBLE, self.log, *tls],
                                     stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline().split()[1])
        self.address = "127.0.0.1:%d" % self.port

    def control(self, path, body=b"", method="PUT"):
        scheme = "https" if self.ctx else "http"
        req = urllib.request.Request("%s://%s%s" % (scheme, self.address, path),
                                     data=body if method == "PUT" else None,
                                     method=method)
        with urllib.request.urlopen(req, timeout=10, context=self.ctx) as r:
            return r.read()

    def mode(self, mode):
        self.control("/_double/mode", mode.encode())

    def state(self):
        return json.loads(self.control("/_double/state", method="GET"))

    def requests(self, path_prefix=""):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            out = [json.loads(l) for l in f if l.strip()]
        return [r for r in out if r["path"].startswith(path_prefix)]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


@pytest.fixture
def consul(tmp_path):
    d = Double(tmp_path)
    yield d
    d.stop()


ADD_API = ("add api_0 name=api id=api-host1-api_0 address=127.0.0.1 port=8080 "
           "tags=web,v2 meta=zone=a,team=core")


def test_consul_register_ttl_passing(consul, drivers):
    d = drivers("consul", consul.address, "s3cret")
    d.cmd(ADD_API)
    assert consul.requests() == []  # added is not registered
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    reg = consul.requests("/v1/agent/service/register")
    assert len(reg) == 1
    assert reg[0]["method"] == "PUT"
    assert reg[0]["headers"].get("X-Consul-Token") == "s3cret"
    body = json.loads(reg[0]["body"])
    assert body["ID"] == "api-host1-api_0" and body["Name"] == "api"
    assert body["Address"] == "127.0.0.1" and body["Port"] == 8080
    assert body["Tags"] == ["web", "v2"]
    assert body["Meta"] == {"zone": "a", "team": "core"}
    assert body["Check"]["TTL"] == "30s" and body["Check"]["Status"] == "passing"
    assert "DeregisterCriticalServiceAfter" not in body["Check"]
    assert consul.state()["checks"] == {"service:api-host1-api_0": "passing"}


def test_consul_fail_marks_critical_then_deregister(consul, drivers):
    d = drivers("consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    start = d.cmd("fail api_0 exited unexpectedly")
    d.wait_event("api_0", "failing", start=start)
    upd = consul.requests("/v1/agent/check/update/")
    assert upd[-1]["path"] == "/v1/agent/check/update/service:api-host1-api_0"
    assert json.loads(upd[-1]["body"]) == {"Status": "critical",
                                           "Output": "exited unexpectedly"}
    assert "X-Consul-Token" not in upd[-1]["headers"]
    # Failing is not removed: the service stays until stopped on purpose.
    assert "api-host1-api_0" in consul.state()["services"]
    start = d.cmd("down api_0")
    line = d.wait_line(lambda l: l.startswith("done api_0 "), start=start)
    assert line.split()[2] == "0"
    assert consul.requests()[-1]["path"] == "/v1/agent/service/deregister/api-host1-api_0"
    assert consul.state()["services"] == {}


def test_consul_never_ready_is_never_registered(consul, drivers):
    d = drivers("consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("fail api_0")
    start = d.cmd("down api_0")
    d.wait_line(lambda l: l.startswith("done api_0 0"), start=start)
    d.cmd("state api_0")
    assert consul.requests() == []


@pytest.mark.parametrize("kind,target,want", [
    ("http", "http://127.0.0.1:8080/health", {"HTTP": "http://127.0.0.1:8080/health"}),
    ("tcp", None, {"TCP": "127.0.0.1:8080"}),
    ("none", None, None),
])
def test_consul_check_kinds(consul, drivers, kind, target, want):
    d = drivers("consul", consul.address)
    d.cmd(ADD_API + " check=" + kind + (" target=" + target if target else ""))
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    body = json.loads(consul.requests("/v1/agent/service/register")[0]["body"])
    if want is None:
        assert "Check" not in body
    else:
        for k, v in want.items():
            assert body["Check"][k] == v
        assert body["Check"]["Interval"] == "10s"
    start = d.cmd("fail api_0")
    d.wait_event("api_0", "failing", start=start)
    # Consul runs these checks itself: nothing to push.
    assert consul.requests("/v1/agent/check/update/") == []


def test_consul_remove_deregisters(consul, drivers):
    d = drivers("consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    start = d.cmd("remove api_0")
    d.wait_event("api_0", "absent", start=start)
    wait_until(lambda: consul.state()["services"] == {}, what="deregistered")


@pytest.mark.slow
def test_consul_ttl_refreshed_while_passing(consul, drivers):
    d = drivers("consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    # The TTL is 30 s, refreshed every 10 s.
    wait_until(lambda: len(consul.requests("/v1/agent/check/update/")) >= 1,
               timeout=8, what="a TTL refresh")
    upd = consul.requests("/v1/agent/check/update/")
    assert json.loads(upd[0]["body"])["Status"] == "passing"


def test_consul_hung_agent_cut_backoff_and_catch_up(consul, drivers):
    d = drivers("-t", "300", "-b", "100:800", "consul", consul.address)
    d.cmd(ADD_API)
    consul.mode("hang")
    d.cmd("up api_0")
    wait_until(lambda: len(d.errors("api_0")) >= 4, timeout=15,
               what="four cut requests")
    assert "no answer after 300 ms" in d.errors("api_0")[0]
    # Retries back off: later gaps are longer than the first ones.
    times = [r["t"] for r in consul.requests("/v1/agent/service/register")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) >= 3 and max(gaps[2:]) > min(gaps[:1]), gaps
    start = d.mark()
    consul.mode("ok")
    d.wait_event("api_0", "passing", start=start)
    assert consul.state()["checks"] == {"service:api-host1-api_0": "passing"}


def test_consul_failing_agent_retries(consul, drivers):
    d = drivers("-b", "50:200", "consul", consul.address)
    d.cmd(ADD_API)
    consul.mode("fail")
    d.cmd("up api_0")
    wait_until(lambda: len(d.errors("api_0")) >= 2, what="failed requests")
    assert "HTTP 500: double told to fail" in d.errors("api_0")[0]
    start = d.mark()
    consul.mode("ok")
    d.wait_event("api_0", "passing", start=start)


def test_consul_deregister_waits_at_most_the_timeout(consul, drivers):
    d = drivers("-t", "700", "-b", "100:400", "consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    consul.mode("hang")
    start = d.cmd("down api_0")
    line = d.wait_line(lambda l: l.startswith("done api_0 "), start=start)
    _, _, status, ms = line.split()
    assert status == "-1" and int(ms) < 700 * 3
    # It keeps trying, and gets through once the agent answers.
    consul.mode("ok")
    wait_until(lambda: consul.state()["services"] == {}, what="deregistered later")


def test_consul_down_agent_deregister_answers(drivers):
    port = free_port()  # nothing listens there
    d = drivers("-b", "100:200", "consul", "127.0.0.1:%d" % port)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    wait_until(lambda: d.errors("api_0"), what="connection refused")
    start = d.cmd("down api_0")
    line = d.wait_line(lambda l: l.startswith("done api_0 "), start=start)
    assert line.split()[2] == "-1"


def test_consul_agent_lost_state_is_caught_up(consul, drivers):
    d = drivers("-b", "50:200", "consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    consul.control("/_double/forget")
    start = d.cmd("fail api_0")
    # The update is refused (unknown check), so the service is registered
    # again, critical.
    d.wait_event("api_0", "failing", start=start)
    assert consul.state()["checks"] == {"service:api-host1-api_0": "critical"}
    assert len(consul.requests("/v1/agent/service/register")) == 2


def test_consul_requests_at_once_are_bounded(consul, drivers):
    d = drivers("-t", "20000", "-n", "3", "consul", consul.address)
    for i in range(10):
        d.cmd("add p%d name=api id=api-h-p%d" % (i, i))
    consul.mode("hang")
    for i in range(10):
        d.cmd("up p%d" % i)
    wait_until(lambda: len(consul.requests()) >= 3, what="three requests")
    time.sleep(0.5)  # and no fourth while they hang
    assert len(consul.requests()) == 3
    start = d.mark()
    consul.mode("ok")
    for i in range(10):
        d.wait_event("p%d" % i, "passing", start=start)
    assert consul.state()["max_open"] == 3
    assert len(consul.state()["services"]) == 10


def test_consul_deregistration_jumps_the_queue(consul, drivers):
    d = drivers("-t", "3000", "-n", "1", "consul", consul.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    for i in range(3):
        d.cmd("add p%d name=api id=api-h-p%d" % (i, i))
    consul.mode("hang")
    for i in range(3):
        d.cmd("up p%d" % i)  # p0 is sent and hangs; p1 and p2 wait
    d.cmd("up api_0 again")  # queued behind p1 and p2 as an update
    d.cmd("fail api_0")
    start = d.cmd("down api_0")
    consul.mode("ok")
    d.wait_line(lambda l: l.startswith("done api_0 0"), start=start)
    paths = [r["path"] for r in consul.requests()]
    # p0's register, then the deregistration before p1's and p2's.
    assert paths[2] == "/v1/agent/service/deregister/api-host1-api_0", paths


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate for IP 127.0.0.1 and a client certificate,
    made with the openssl CLI; and a second CA that signed nothing here."""
    d = tmp_path_factory.mktemp("pki")
    p = {k: str(d / k) for k in ("ca.pem", "ca.key", "srv.pem", "srv.key", "srv.csr",
                                  "cli.pem", "cli.key", "cli.csr", "ext",
                                  "other.pem", "other.key")}
    for ca in ("ca", "other"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", p[ca + ".key"], "-out", p[ca + ".pem"], "-subj", "/CN=" + ca)
    with open(p["ext"], "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    for who, extra in (("srv", ["-extfile", p["ext"]]), ("cli", [])):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", p[who + ".key"],
                "-out", p[who + ".csr"], "-subj", "/CN=" + who)
        openssl("x509", "-req", "-in", p[who + ".csr"], "-CA", p["ca.pem"],
                "-CAkey", p["ca.key"], "-CAcreateserial", "-days", "2",
                "-out", p[who + ".pem"], *extra)
    return p


@pytest.fixture
def consul_tls(tmp_path, pki):
    d = Double(tmp_path, pki["srv.pem"], pki["srv.key"], pki["ca.pem"],
               client=(pki["cli.pem"], pki["cli.key"], pki["ca.pem"]))
    yield d
    d.stop()


def test_consul_https_with_client_certificate(consul_tls, pki, drivers):
    d = drivers("-A", pki["ca.pem"], "-C", pki["cli.pem"], "-K", pki["cli.key"],
                "consul", "https://" + consul_tls.address, "tok")
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    reg = consul_tls.requests("/v1/agent/service/register")
    assert len(reg) == 1 and reg[0]["headers"]["X-Consul-Token"] == "tok"
    start = d.cmd("down api_0")
    d.wait_line(lambda l: l.startswith("done api_0 0"), start=start)
    assert consul_tls.state()["services"] == {}


def test_consul_https_scheme_option(consul_tls, pki, drivers):
    d = drivers("-A", pki["ca.pem"], "-C", pki["cli.pem"], "-K", pki["cli.key"],
                "consul", consul_tls.address, "", "https")
    d.cmd(ADD_API)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")


def test_consul_https_verifies_the_agent(consul_tls, pki, drivers):
    d = drivers("-b", "5000:5000", "-A", pki["other.pem"], "-C", pki["cli.pem"],
                "-K", pki["cli.key"], "consul", "https://" + consul_tls.address)
    d.cmd(ADD_API)
    d.cmd("up api_0")
    wait_until(lambda: d.errors("api_0"), what="a TLS error")
    assert "certificate verify failed" in d.errors("api_0")[0]
    assert consul_tls.requests() == []


def test_consul_config_errors(pki):
    def create(*args):
        p = subprocess.run([DRIVE, *args], capture_output=True, text=True, timeout=10)
        assert p.returncode == 1
        return p.stdout
    assert "scheme ftp is not supported" in create("consul", "127.0.0.1:8500", "", "ftp")
    assert "scheme https is not supported, only http" in create(
        "consul", "https://127.0.0.1:8500", "", "http")
    assert "ca_file /nonexistent" in create("-A", "/nonexistent", "consul",
                                            "https://127.0.0.1:8500")
    assert "cert_file and key_file go together" in create(
        "-C", pki["cli.pem"], "consul", "https://127.0.0.1:8500")
    assert "bad address" in create("consul", "127.0.0.1:99999")
    assert "etcd: https://127.0.0.1:2379: scheme https is not supported" in create(
        "etcd", "https://127.0.0.1:2379")


# --- etcd, a real one -------------------------------------------------------

class Etcd:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.client = free_port()
        self.peer = free_port()
        self.url = "http://127.0.0.1:%d" % self.client
        self.proc = None
        self.generation = 0

    def start(self, fresh=False):
        if fresh:
            self.generation += 1
        data = self.tmp / ("etcd-data-%d" % self.generation)
        peer = "http://127.0.0.1:%d" % self.peer
        self.log = open(self.tmp / "etcd.log", "a")
        self.proc = subprocess.Popen(
            [ETCD, "--name", "t", "--data-dir", str(data),
             "--listen-client-urls", self.url, "--advertise-client-urls", self.url,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", "t=" + peer, "--log-level", "warn"],
            stdout=self.log, stderr=self.log)
        wait_until(self.healthy, timeout=20, what="etcd up")

    def healthy(self):
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                return json.loads(r.read()).get("health") == "true"
        except OSError:
            return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(20)
        self.proc = None
        self.log.close()

    def call(self, path, body):
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def get(self, key):
        """(value, lease) of key, or None."""
        out = self.call("/v3/kv/range", {"key": base64.b64encode(key.encode()).decode()})
        kvs = out.get("kvs") or []
        if not kvs:
            return None
        return base64.b64decode(kvs[0].get("value", "")).decode(), kvs[0].get("lease")


@pytest.fixture
def etcd(tmp_path):
    if not os.path.exists(ETCD):
        pytest.skip("etcd-server is not installed (scripts/deps.sh test)")
    e = Etcd(tmp_path)
    e.start()
    yield e
    e.stop()


KEY = "/services/api/host1-0"
ADD_ETCD = ("add api_0 name=api_0 address=127.0.0.1 port=8080 pid=4242 group=api "
            "key=" + KEY + " ttl=%d")


def test_etcd_register_default_value_on_lease(etcd, drivers):
    d = drivers("etcd", etcd.url)
    d.cmd(ADD_ETCD % 10)
    assert etcd.get(KEY) is None
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    value, lease = etcd.get(KEY)
    assert json.loads(value) == {"address": "127.0.0.1", "port": 8080, "pid": 4242,
                                 "group": "api", "name": "api_0"}
    ttl = etcd.call("/v3/lease/timetolive", {"ID": lease})
    assert ttl["grantedTTL"] == "10"


def test_etcd_value_port_null_and_custom_value(etcd, drivers):
    d = drivers("etcd", etcd.url)
    d.cmd("add a name=a key=/s/a ttl=5")
    d.cmd("add b name=b key=/s/b value=custom-b ttl=5")
    d.cmd("up a")
    d.cmd("up b")
    d.wait_event("a", "passing")
    d.wait_event("b", "passing")
    assert json.loads(etcd.get("/s/a")[0])["port"] is None
    assert etcd.get("/s/b")[0] == "custom-b"


@pytest.mark.slow
def test_etcd_kept_alive_then_expires_when_failing(etcd, drivers):
    d = drivers("etcd", etcd.url)
    d.cmd(ADD_ETCD % 2)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    time.sleep(5)  # well past the 2 s TTL: only keepalives keep the key
    assert etcd.get(KEY) is not None
    start = d.cmd("fail api_0")
    d.wait_event("api_0", "failing", start=start)
    wait_until(lambda: etcd.get(KEY) is None, timeout=5, what="key expired")
    # Ready again: a new lease and the key back.
    start = d.cmd("up api_0")
    d.wait_event("api_0", "passing", start=start)
    assert etcd.get(KEY) is not None


def test_etcd_deregister_revokes_at_once(etcd, drivers):
    d = drivers("etcd", etcd.url)
    d.cmd(ADD_ETCD % 30)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    start = d.cmd("down api_0")
    line = d.wait_line(lambda l: l.startswith("done api_0 "), start=start)
    assert line.split()[2] == "0"
    assert etcd.get(KEY) is None


def test_etcd_next_endpoint_on_failure(etcd, drivers):
    dead = "http://127.0.0.1:%d" % free_port()
    d = drivers("-b", "50:100", "etcd", dead + ", " + etcd.url)
    d.cmd(ADD_ETCD % 10)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    assert etcd.get(KEY) is not None


@pytest.mark.slow
def test_etcd_restarted_while_registered(etcd, drivers):
    d = drivers("-t", "1000", "-b", "100:500", "etcd", etcd.url)
    d.cmd(ADD_ETCD % 3)
    d.cmd("add api_1 name=api_1 key=/services/api/host1-1 ttl=3")
    d.cmd("up api_0")
    d.cmd("up api_1")
    d.wait_event("api_0", "passing")
    d.wait_event("api_1", "passing")
    start = d.mark()
    etcd.stop()
    d.wait_line(lambda l: l.startswith("error api_0 "), start=start)
    d.wait_line(lambda l: l.startswith("error api_1 "), start=start)
    etcd.start()
    d.wait_event("api_0", "passing", start=start)
    d.wait_event("api_1", "passing", start=start)
    time.sleep(4)  # past the TTL: kept alive again
    assert etcd.get(KEY) is not None
    assert etcd.get("/services/api/host1-1") is not None


@pytest.mark.slow
def test_etcd_lost_its_data_is_caught_up(etcd, drivers):
    d = drivers("-t", "1000", "-b", "100:500", "etcd", etcd.url)
    d.cmd(ADD_ETCD % 3)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    etcd.stop()
    etcd.start(fresh=True)  # a new cluster: no lease, no key
    # Whether a request failed while it was down or not, the next keepalive
    # finds the lease gone and the key is put on a new one.
    wait_until(lambda: etcd.get(KEY) is not None, timeout=10, what="key put again")
    time.sleep(4)
    assert etcd.get(KEY) is not None


def test_etcd_down_deregister_answers_then_revokes(etcd, drivers):
    d = drivers("-t", "1000", "-b", "100:300", "etcd", etcd.url)
    d.cmd(ADD_ETCD % 30)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    etcd.stop()
    start = d.cmd("down api_0")
    line = d.wait_line(lambda l: l.startswith("done api_0 "), start=start)
    assert line.split()[2] == "-1" and int(line.split()[3]) < 3000
    etcd.start()
    wait_until(lambda: etcd.get(KEY) is None, what="revoked after restart")


def test_etcd_key_expires_when_supd_is_killed(etcd, drivers):
    d = drivers("etcd", etcd.url)
    d.cmd(ADD_ETCD % 2)
    d.cmd("up api_0")
    d.wait_event("api_0", "passing")
    d.kill()
    wait_until(lambda: etcd.get(KEY) is None, timeout=5, what="key expired")
