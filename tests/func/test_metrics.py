"""GET /metrics: Prometheus text 0.0.4 on the unix and inet servers, behind
their auth, checked with Debian's promtool and scraped by a real prometheus
queried through its HTTP API."""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import urllib.parse
import urllib.request

import pytest

from conftest import wait_until
from test_ready import PY, free_ports, server, touch

PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")

pytestmark = pytest.mark.supd_only


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        http.client.HTTPConnection.__init__(self, "localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def get(conn, path="/metrics", auth=None):
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    return r.status, r.getheader("Content-Type"), r.read().decode()


def scrape(sup):
    status, ctype, body = get(UnixHTTPConnection(sup.sock))
    assert status == 200, body
    assert ctype.startswith("text/plain; version=0.0.4")
    return body


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def samples(text):
    """{(name, frozenset(labels)): value} of an exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, line
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def value(s, metric, **labels):
    return s[(metric, frozenset(labels.items()))]


PROGRAMS = """
[program:web]
command=sh -c 'echo hello; echo oops >&2; exec sleep 1000'
startsecs=0

[program:idle]
command=sleep 1000
autostart=false

[program:crash]
command=sh -c 'exit 3'
startsecs=0
autorestart=false

[eventlistener:pool]
command=cat
events=TICK_60
"""


def test_every_configured_process_is_exported(sup):
    sup.write(PROGRAMS)
    sup.start()
    sup.wait_state("web", "RUNNING")
    sup.wait_state("crash", "EXITED")
    sup.wait_state("pool", "RUNNING")
    s = samples(scrape(sup))
    assert value(s, "supd_process_up", group="web", name="web") == 1
    assert value(s, "supd_process_state", group="web", name="web") == 20
    assert value(s, "supd_process_up", group="idle", name="idle") == 0
    assert value(s, "supd_process_state", group="idle", name="idle") == 0
    assert value(s, "supd_process_up", group="pool", name="pool") == 1
    assert value(s, "supd_process_state", group="crash", name="crash") == 100
    assert value(s, "supd_process_exit_status", group="crash", name="crash") == 3
    # Without checks, ready and healthy follow up.
    for name, up in (("web", 1), ("idle", 0), ("crash", 0)):
        assert value(s, "supd_process_ready", group=name, name=name) == up
        assert value(s, "supd_process_healthy", group=name, name=name) == up
    info = sup.rpc.getProcessInfo("web")
    assert value(s, "supd_process_start_time_seconds", group="web", name="web") == pytest.approx(
        info["start"], abs=1)
    assert value(s, "supd_processes", state="RUNNING") == 2
    assert value(s, "supd_processes", state="STOPPED") == 1
    assert value(s, "supd_processes", state="EXITED") == 1
    assert ("supd_eventlistener_queue_events", frozenset({("pool", "pool")})) in s


def test_resources_of_running_processes(sup):
    sup.write(PROGRAMS)
    sup.start()
    sup.wait_state("web", "RUNNING")
    s = samples(scrape(sup))
    assert value(s, "supd_process_resident_memory_bytes", group="web", name="web") > 0
    assert value(s, "supd_process_open_fds", group="web", name="web") >= 3
    assert value(s, "supd_process_resident_memory_bytes", group="idle", name="idle") == 0
    assert ("supd_process_cpu_seconds_total", frozenset({("group", "web"), ("name", "web")})) in s
    assert value(s, "process_resident_memory_bytes") > 0
    assert value(s, "process_open_fds") > 0
    assert value(s, "process_max_fds") > 0
    assert value(s, "process_start_time_seconds") > 0
    assert ("process_cpu_seconds_total", frozenset()) in s


def test_log_bytes_per_stream(sup):
    sup.write(PROGRAMS)
    sup.start()
    sup.wait_state("web", "RUNNING")

    def counted():
        s = samples(scrape(sup))
        return (value(s, "supd_log_bytes_total", group="web", name="web", stream="stdout") == 6 and
                value(s, "supd_log_bytes_total", group="web", name="web", stream="stderr") == 5)
    wait_until(counted, what="log bytes counted")
    s = samples(scrape(sup))
    assert value(s, "supd_log_dropped_bytes_total", group="web", name="web", stream="stdout") == 0


def test_restarts_are_counted(sup):
    sup.write(PROGRAMS)
    sup.start()
    sup.wait_state("web", "RUNNING")
    for _ in range(2):
        sup.rpc.stopProcess("web")
        sup.rpc.startProcess("web")
    s = samples(scrape(sup))
    assert value(s, "supd_process_restarts_total", group="web", name="web") == 2
    assert value(s, "supd_process_restarts_total", group="idle", name="idle") == 0


def test_rpc_requests_counted_by_method(sup):
    sup.write(PROGRAMS)
    sup.start()
    for _ in range(3):
        sup.rpc.getState()
    s = samples(scrape(sup))
    assert value(s, "supd_rpc_requests_total", method="supervisor.getState") >= 3
    assert value(s, "supd_rpc_duration_seconds_count") >= 3
    assert value(s, "supd_rpc_duration_seconds_bucket", le="+Inf") == value(
        s, "supd_rpc_duration_seconds_count")


def test_unknown_methods_share_one_label(sup):
    sup.write(PROGRAMS)
    sup.start()
    for name in ("nope.one", "nope.two"):
        with pytest.raises(Exception):
            getattr(sup.proxy().nope, name.split(".")[1])()
    s = samples(scrape(sup))
    assert value(s, "supd_rpc_requests_total", method="unknown") == 2
    assert not any(k[0] == "supd_rpc_requests_total" and ("method", "nope.one") in k[1] for k in s)


def test_label_values_are_escaped(sup):
    sup.write("""
    [program:q]
    command=sleep 1000
    process_name=a"b\\c
    autostart=false
    """)
    sup.start()
    text = scrape(sup)
    assert 'supd_process_up{group="q",name="a\\"b\\\\c"} 0' in text


@pytest.mark.skipif(PROMTOOL is None, reason="promtool is not installed")
def test_promtool_accepts_the_exposition(sup):
    sup.write(PROGRAMS)
    sup.start()
    sup.wait_state("web", "RUNNING")
    sup.rpc.getState()
    text = scrape(sup)
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=60)
    # Lint warnings (no unit suffix, ...) are printed; errors fail.
    assert r.returncode == 0, r.stdout + r.stderr


def inet_config(port):
    return "\n[inet_http_server]\nport=127.0.0.1:%d\nusername=user\npassword=secret\n" % port


def test_inet_server_requires_auth(sup):
    port = free_port()
    sup.write(inet_config(port) + PROGRAMS)
    sup.start()
    status, _, _ = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30))
    assert status == 401
    status, _, _ = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30),
                       auth="user:wrong")
    assert status == 401
    status, ctype, body = get(http.client.HTTPConnection("127.0.0.1", port, timeout=30),
                              auth="user:secret")
    assert status == 200
    assert "supd_process_up{" in body


def test_post_is_refused(sup):
    sup.write(PROGRAMS)
    sup.start()
    conn = UnixHTTPConnection(sup.sock)
    conn.request("POST", "/metrics", body="x")
    assert conn.getresponse().status != 200


@pytest.mark.skipif(PROMETHEUS is None, reason="prometheus is not installed")
def test_real_prometheus_scrapes_every_program(sup, tmp_path):
    port = free_port()
    body = inet_config(port)
    for i in range(5):
        body += "\n[program:p%d]\ncommand=sleep 1000\nstartsecs=0\n" % i
    body += "\n[program:off]\ncommand=sleep 1000\nautostart=false\n"
    sup.write(body)
    sup.start()
    for i in range(5):
        sup.wait_state("p%d" % i, "RUNNING")
    web = free_port()
    pdir = tmp_path / "prom"
    pdir.mkdir()
    (pdir / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
        "scrape_configs": [{
            "job_name": "supd",
            "static_configs": [{"targets": ["127.0.0.1:%d" % port]}],
            "basic_auth": {"username": "user", "password": "secret"},
        }],
    }))
    log = open(pdir / "prometheus.log", "w")
    prom = subprocess.Popen([
        PROMETHEUS, "--config.file=%s" % (pdir / "prometheus.yml"),
        "--web.listen-address=127.0.0.1:%d" % web,
        "--storage.tsdb.path=%s" % (pdir / "data")], stdout=log, stderr=subprocess.STDOUT)
    try:
        def query(expr):
            url = "http://127.0.0.1:%d/api/v1/query?%s" % (web, urllib.parse.urlencode({"query": expr}))
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    data = json.load(r)
            except OSError:
                return None
            assert data["status"] == "success", data
            return {(m["metric"].get("name"), m["metric"].get("state")): float(m["value"][1])
                    for m in data["data"]["result"]}

        names = {"p%d" % i for i in range(5)} | {"off"}
        wait_until(lambda: {n for n, _ in (query("supd_process_up") or {})} >= names,
                   timeout=60, what="prometheus has supd_process_up for every program")
        up = query("supd_process_up")
        assert all(up[("p%d" % i, None)] == 1 for i in range(5))
        assert up[("off", None)] == 0
        target_up = query('up{job="supd"}')
        assert list(target_up.values()) == [1]
        running = query('supd_processes{state="RUNNING"}')
        assert running[(None, "RUNNING")] == 5
    finally:
        prom.send_signal(signal.SIGTERM)
        try:
            prom.wait(timeout=30)
        except subprocess.TimeoutExpired:
            prom.kill()
            prom.wait()
        log.close()


# --- ready and healthy follow the checks -----------------------------------

def test_ready_follows_the_ready_check(sup):
    port = free_ports()
    sup.write("""
    [program:web]
    command=%s %s tcp %d {dir}/gate
    ready_check = tcp:127.0.0.1:%d
    startsecs=0
    """ % (PY, server(sup), port, port))
    sup.start()
    # Spawned, its check not passed yet: STARTING and not ready.
    wait_until(lambda: "spawned: 'web'" in sup.log(), what="web spawned")
    s = samples(scrape(sup))
    assert value(s, "supd_process_state", group="web", name="web") == 10
    assert value(s, "supd_process_ready", group="web", name="web") == 0
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")
    s = samples(scrape(sup))
    assert value(s, "supd_process_ready", group="web", name="web") == 1
    assert value(s, "supd_process_healthy", group="web", name="web") == 1
    sup.rpc.stopProcess("web")
    s = samples(scrape(sup))
    assert value(s, "supd_process_ready", group="web", name="web") == 0


def test_healthy_is_0_while_the_health_check_fails(sup):
    port = free_ports()
    sup.write("""
    [program:web]
    command=%s %s http %d - {dir}/status
    health_check = http://127.0.0.1:%d/health
    health_interval = 1
    health_timeout = 1
    health_retries = 100
    startsecs=0
    """ % (PY, server(sup), port, port))
    sup.start()
    pid = sup.wait_state("web", "RUNNING")["pid"]
    hits = "%d.hits" % port
    wait_until(lambda: sup.read(hits).count("\n") >= 1, what="a passing check")
    s = samples(scrape(sup))
    assert value(s, "supd_process_healthy", group="web", name="web") == 1
    with open(sup.path("status"), "w") as f:
        f.write("503")

    def healthy():
        return value(samples(scrape(sup)), "supd_process_healthy", group="web", name="web")
    wait_until(lambda: healthy() == 0, what="healthy 0 while failing")
    s = samples(scrape(sup))
    assert value(s, "supd_process_up", group="web", name="web") == 1
    assert value(s, "supd_process_ready", group="web", name="web") == 1
    os.unlink(sup.path("status"))
    wait_until(lambda: healthy() == 1, what="healthy again")
    assert sup.info("web")["pid"] == pid
