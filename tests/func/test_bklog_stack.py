"""examples/bklog: the BK-LOG stack with Debian's real components (nginx,
gunicorn, uWSGI, Celery on redis-server, celery beat, Prometheus, etcd)
under one supd, started the way its README says, by examples/bklog/run.sh,
with Consul registration against tests/consul_double.py (Debian has no
Consul). One test walks the stack through what an operator of it would
try before switching from supervisord: requests and tasks, SIGKILLed
members coming back, a rolling restart under load with no failed request,
a leaking worker recycled, one celery.log of whole lines, Prometheus and
etcd agreeing with supd, and a clean stop that leaves nothing behind."""
import json
import os
import pwd
import random
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import xmlrpc.client

import pytest

from conftest import BUILD, ROOT, descendants_of, pid_alive, wait_until

pytestmark = pytest.mark.supd_only

EXAMPLE = os.path.join(ROOT, "examples", "bklog")
SUPCTL = os.path.join(BUILD, "supctl")
SUPD = os.path.join(BUILD, "supd")
PY = "/usr/bin/python3"
NEEDS = ["/usr/sbin/nginx", "/usr/bin/gunicorn", "/usr/bin/uwsgi",
         "/usr/lib/uwsgi/plugins/python3_plugin.so", "/usr/bin/redis-server",
         "/usr/bin/redis-cli", "/usr/bin/etcd", "/usr/bin/etcdctl",
         "/usr/bin/prometheus"]
WORKERS = {  # program: a queue it serves
    "bklog-celery": "default",
    "bklog-async-export": "async_export",
    "bklog-celery-pipeline": "pipeline_priority",
    "bklog-celery-service-schedule": "service_schedule",
    "bklog-celery-additional-task": "pipeline_additional_task",
    "bklog-tgpa-task": "tgpa_task",
}
API = ["bklog-api:bklog-api_0", "bklog-api:bklog-api_1",
       "bklog-api-uwsgi:bklog-api-uwsgi_0", "bklog-api-uwsgi:bklog-api-uwsgi_1"]
PASSWORD = "test-%d" % os.getpid()
USER = pwd.getpwuid(os.getuid()).pw_name
PROCESSES = sorted(API + list(WORKERS) + [
    "bklog-celery-beat", "redis", "etcd", "nginx", "grafana"])


def missing_components():
    out = [p for p in NEEDS if not os.path.exists(p)]
    for mod in ("celery", "redis"):
        if subprocess.run([PY, "-c", "import " + mod],
                          capture_output=True).returncode != 0:
            out.append("python3-" + mod)
    return out


def port_prefix():
    """Three digits whose ports PREFIX00-PREFIX19 are all free; 100-199, so
    below the ports other tests draw (conftest.free_port: 20000 and up)."""
    for prefix in random.sample(range(100, 200), 100):
        socks = []
        try:
            for i in range(20):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", prefix * 100 + i))
            return prefix
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no free block of 20 ports in 10000-19999")


class Stack:
    def __init__(self, home, prefix, env):
        self.home = home
        self.prefix = prefix
        self.conf = os.path.join(home, "etc", "supervisord.conf")
        self.out = open(os.path.join(os.path.dirname(home), "run.out"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(EXAMPLE, "run.sh"), "-P", "dev"], env=env,
            stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def rpc(self):
        """A new connection each time: one that failed (supd not up yet)
        cannot send again."""
        from supervisor.xmlrpc import SupervisorTransport
        return xmlrpc.client.ServerProxy("http://127.0.0.1", SupervisorTransport(
            "bklog", PASSWORD, "unix://" + os.path.join(self.home, "run", "supd.sock")))

    def port(self, n):
        return self.prefix * 100 + n

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port(0), path)

    def get(self, path, timeout=30):
        with urllib.request.urlopen(self.url(path), timeout=timeout) as r:
            return r.status, json.loads(r.read())

    def info(self):
        return {"%s:%s" % (p["group"], p["name"]) if p["group"] != p["name"]
                else p["name"]: p for p in self.rpc.supd.getAllProcessInfo()}

    def all_ready(self):
        try:
            info = self.info()
        except (OSError, xmlrpc.client.Error):
            return False
        return sorted(info) == PROCESSES and all(
            p["statename"] == "RUNNING" and p["ready"] for p in info.values())

    def wait_ready(self, timeout=60):
        def check():
            assert self.proc.poll() is None, "supd exited: " + self.output()
            return self.all_ready()
        wait_until(check, timeout=timeout, interval=0.2,
                   what="every process of the stack RUNNING and ready")

    def pid(self, name):
        return self.info()[name]["pid"]

    def supctl(self, *args, timeout=180):
        return subprocess.run([SUPCTL, "-c", self.conf, *args],
                              capture_output=True, text=True, timeout=timeout)

    def log(self, name):
        try:
            with open(os.path.join(self.home, "logs", name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def output(self):
        self.out.flush()
        with open(self.out.name) as f:
            return f.read()[-3000:]

    def task(self, path):
        status, body = self.get(path)
        assert status == 202, body
        tid = body["task"]

        def done():
            _, t = self.get("/api/task/" + tid)
            return t if t["state"] in ("SUCCESS", "FAILURE") else None
        t = wait_until(done, timeout=60, interval=0.2, what="task " + path)
        assert t["state"] == "SUCCESS", t
        return t["result"]

    def etcd_members(self):
        r = subprocess.run(
            ["/usr/bin/etcdctl", "--endpoints=127.0.0.1:%d" % self.port(3),
             "get", "--prefix", "/bklog/api/"],
            capture_output=True, text=True, timeout=30,
            env=dict(os.environ, ETCDCTL_API="3"))
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        return dict(zip(lines[0::2], (json.loads(v) for v in lines[1::2])))

    def prometheus(self, query):
        url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (
            self.port(5), urllib.request.quote(query))
        with urllib.request.urlopen(url, timeout=30) as r:
            body = json.loads(r.read())
        assert body["status"] == "success", body
        return body["data"]["result"]


def wait_respawned(stack, name, old_pid):
    def check():
        p = stack.info()[name]
        return (p["pid"] not in (0, old_pid) and p["statename"] == "RUNNING"
                and p["ready"])
    wait_until(check, timeout=60, interval=0.2, what=name + " back after SIGKILL")


def live_members(stack):
    """etcd keys the running, ready API members should have."""
    info = stack.info()
    return sorted("/bklog/api/" + n.split(":")[1] for n in API
                  if info[n]["statename"] == "RUNNING" and info[n]["ready"])


class Load:
    """A bounded client loop: two threads send requests through nginx, one
    to the gunicorn members and one to the uWSGI ones, until stopped or
    for at most limit seconds; every failure is kept."""
    def __init__(self, stack, limit=240):
        self.stack = stack
        self.deadline = time.monotonic() + limit
        self.done = threading.Event()
        self.ok = {"/api/slow?ms=20": 0, "/uwsgi/api/slow?ms=20": 0}
        self.members = set()
        self.failures = []
        self.threads = [threading.Thread(target=self.loop, args=(p,))
                        for p in self.ok]
        for t in self.threads:
            t.start()

    def loop(self, path):
        while not self.done.is_set() and time.monotonic() < self.deadline:
            try:
                status, body = self.stack.get(path, timeout=30)
                if status == 200:
                    self.ok[path] += 1
                    self.members.add(body["member"])
                else:
                    self.failures.append((path, status, body))
            except (OSError, ValueError, urllib.error.HTTPError) as e:
                self.failures.append((path, repr(e)))

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join(60)


@pytest.fixture
def consul(tmp_path):
    from test_registry import Double
    d = Double(tmp_path)
    yield d
    d.stop()


@pytest.fixture
def stack(tmp_path, consul):
    missing = missing_components()
    if missing:
        pytest.skip("examples/bklog needs Debian's %s: scripts/deps.sh bklog "
                    "installs them" % ", ".join(missing))
    home = str(tmp_path / "bklog")
    env = dict(os.environ, BKLOG_HOME=home, BKLOG_PORT_PREFIX=str(port_prefix()),
               SUPD_BUILD=BUILD, CONSUL_HTTP_ADDR=consul.address,
               BKLOG_SUPD_PASSWORD=PASSWORD,
               SUPD_PROFILE="", BKPAAS_ENVIRONMENT="", BK_ENV="")
    s = Stack(home, int(env["BKLOG_PORT_PREFIX"]), env)
    try:
        yield s
    finally:
        # After a failure: stop it as an operator would, then make sure.
        if s.proc.poll() is None:
            left = descendants_of(s.proc.pid)
            for pid in left:
                pid_alive(pid)
            s.proc.send_signal(signal.SIGTERM)
            try:
                s.proc.wait(60)
            except subprocess.TimeoutExpired:
                s.proc.kill()
                s.proc.wait(30)
            for pid in left:
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
        s.out.close()


def test_the_stack_end_to_end(stack, consul):
    stack.wait_ready()
    info = stack.info()

    # Order: what the seeds left to priority=520 and a "sleep 10" is now
    # depends_on and ready checks: each program was spawned only once what
    # it needs was ready.
    log = stack.log("supervisord.log")

    def ready(name):
        return log.index("ready: %s (" % name)

    def spawned(name):
        return log.index("spawned: '%s'" % name)
    for member in ("bklog-api_0", "bklog-api_1", "bklog-api-uwsgi_0",
                   "bklog-api-uwsgi_1"):
        assert spawned(member) > max(ready("redis"), ready("etcd"))
        assert spawned("nginx") > ready(member)
    assert spawned("grafana") > ready("nginx")
    assert spawned("bklog-celery-beat") > ready("bklog-celery")
    assert info["grafana"]["depends_on"] == ["nginx", "bklog-api"]

    # Requests through nginx reach every member of both API groups.
    seen = set()
    for _ in range(40):
        for prefix in ("", "/uwsgi"):
            status, body = stack.get(prefix + "/api/ping")
            assert status == 200
            seen.add((body["server"], body["member"]))
    assert seen == {("gunicorn", "bklog-api_0"), ("gunicorn", "bklog-api_1"),
                    ("uwsgi", "bklog-api-uwsgi_0"), ("uwsgi", "bklog-api-uwsgi_1")}

    # A task on each worker's queue runs on that worker; beat's heartbeat
    # runs on the default queue.
    for worker, queue in WORKERS.items():
        assert stack.task("/api/export?queue=%s&n=100" % queue) == {
            "worker": worker, "rows": 100, "sum": 4950}
    wait_until(lambda: "bklog-celery heartbeat from beat" in stack.log("celery.log"),
               timeout=30, what="beat's heartbeat run by bklog-celery")

    # SIGKILL a worker and a member of each API group: each comes back and
    # works; etcd lists the members again, with the new pids.
    victims = ["bklog-async-export", "bklog-api:bklog-api_1",
               "bklog-api-uwsgi:bklog-api-uwsgi_0"]
    old = {n: stack.pid(n) for n in victims}
    orphans = [k for n in victims for k in descendants_of(old[n])]
    assert len(orphans) >= 5  # the pool process, gunicorn's and uWSGI's workers
    for k in orphans:
        pid_alive(k)
    for n in victims:
        os.kill(old[n], signal.SIGKILL)
    for n in victims:
        wait_respawned(stack, n, old[n])
    # Their workers went with them (killasgroup), none lives on orphaned.
    wait_until(lambda: not [k for k in orphans if pid_alive(k)], timeout=30,
               what="the killed masters' workers gone")
    assert stack.task("/api/export?queue=async_export&n=10")["worker"] == \
        "bklog-async-export"
    wait_until(lambda: sorted(stack.etcd_members()) == live_members(stack) and
               stack.etcd_members()["/bklog/api/bklog-api_1"]["pid"] ==
               stack.pid("bklog-api:bklog-api_1"),
               timeout=30, what="etcd listing the respawned member")

    # Rolling restarts of both API groups while a client loop goes through
    # nginx: not one failed request, and every member restarted.
    before = {n: stack.pid(n) for n in API}
    load = Load(stack)
    try:
        time.sleep(1)
        for group in ("bklog-api", "bklog-api-uwsgi"):
            r = stack.supctl("restart", "--rolling", group)
            assert r.returncode == 0, r.stdout + r.stderr
        time.sleep(1)
    finally:
        load.stop()
    assert load.failures == []
    assert min(load.ok.values()) > 20, load.ok
    after = stack.info()
    for n in API:
        assert after[n]["pid"] != before[n] and after[n]["statename"] == "RUNNING"
    assert sorted(stack.etcd_members()) == live_members(stack) == sorted(
        "/bklog/api/" + n.split(":")[1] for n in API)

    # A member stopped on purpose leaves etcd and Consul at once; started
    # again, it is back in both.
    r = stack.supctl("stop", "bklog-api:bklog-api_0")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "/bklog/api/bklog-api_0" not in stack.etcd_members()
    host = socket.gethostname()
    assert "bklog-api-%s-bklog-api_0" % host not in consul.state()["services"]
    assert stack.get("/api/ping")[1]["member"] == "bklog-api_1"
    r = stack.supctl("start", "bklog-api:bklog-api_0")
    assert r.returncode == 0, r.stdout + r.stderr
    wait_until(lambda: "/bklog/api/bklog-api_0" in stack.etcd_members(),
               timeout=30, what="bklog-api_0 back in etcd")
    wait_until(lambda: sorted(consul.state()["services"]) == sorted(
        "%s-%s-%s" % (g if g == "bklog-api" else "bklog-api-uwsgi", host,
                      n.split(":")[1]) for n in API for g in [n.split(":")[0]]),
        timeout=30, what="every API member in Consul")
    assert consul.state()["services"]["bklog-api-%s-bklog-api_0" % host][
        "Port"] == stack.port(10)

    # A task that leaks memory: its worker passes max_rss (256MB in dev)
    # and supd recycles it, gracefully, and it comes back ready.
    worker = "bklog-tgpa-task"
    pid, restarts = stack.pid(worker), stack.info()[worker]["restarts"]
    status, _ = stack.get("/api/leak?mb=300")
    assert status == 202
    wait_until(lambda: re.search(r"recycling bklog-tgpa-task: rss \d+ bytes .*"
                                 r"above max_rss 268435456", stack.log("supervisord.log")),
               timeout=60, what="the leaking worker recycled")
    wait_respawned(stack, worker, pid)
    assert stack.info()[worker]["restarts"] == restarts + 1
    assert stack.task("/api/export?queue=tgpa_task&n=3")["worker"] == worker

    # Every worker writes long lines into the one celery.log at the same
    # time; each line is whole (supd writes whole lines per program).
    lines, width = 300, 3000
    ids = [stack.get("/api/chatter?queue=%s&lines=%d&width=%d" % (q, lines, width))[1]["task"]
           for q in WORKERS.values()]
    for tid in ids:
        wait_until(lambda: stack.get("/api/task/" + tid)[1]["state"] == "SUCCESS",
                   timeout=60, interval=0.2, what="chatter task")
    count = dict.fromkeys(WORKERS, 0)
    pattern = re.compile(r"\[[^]]+: INFO/ForkPoolWorker-\d+\] (\S+) chatter (\S+) (\d+) (\S+)")
    for line in stack.log("celery.log").splitlines():
        if "chatter" not in line or "bklog_tasks.chatter" in line:
            continue
        m = pattern.fullmatch(line)
        assert m, "broken line in celery.log: %r" % line[:200]
        w = m.group(1)
        assert m.group(2) == w and m.group(4) == (w + ".") * (width // (len(w) + 1))
        count[w] += 1
    assert count == dict.fromkeys(WORKERS, lines)

    # Prometheus (the Grafana stand-in) scrapes supd and the API members:
    # every process of the stack is up, and so is every target.
    def prometheus_sees_all():
        up = stack.prometheus("supd_process_up")
        names = sorted(r["metric"]["name"] if r["metric"]["group"] == r["metric"]["name"]
                       else "%s:%s" % (r["metric"]["group"], r["metric"]["name"])
                       for r in up)
        targets = stack.prometheus("up")
        return (names == PROCESSES and all(r["value"][1] == "1" for r in up)
                and sorted(r["metric"]["job"] for r in targets) ==
                ["bklog-api", "bklog-api", "prometheus", "supd"]
                and all(r["value"][1] == "1" for r in targets))
    wait_until(prometheus_sees_all, timeout=60, interval=0.5,
               what="Prometheus seeing every process and target up")

    # A clean stop: SIGTERM to supd (run.sh exec'd it) stops everything in
    # order and leaves no process behind.
    everything = descendants_of(stack.proc.pid)
    assert len(everything) > len(PROCESSES)
    for pid in everything:
        pid_alive(pid)  # remember which process each pid is
    os.kill(stack.proc.pid, signal.SIGTERM)
    assert stack.proc.wait(90) == 0, stack.output()
    wait_until(lambda: not [p for p in everything if pid_alive(p)], timeout=30,
               what="every process of the stack gone")
    log = stack.log("supervisord.log")
    log = log[log.index("received SIGTERM"):]
    assert log.index("stopped: grafana") < log.index("stopped: nginx") < \
        log.index("stopped: bklog-api_0") < log.index("stopped: redis")
    assert consul.state()["services"] == {}


def test_the_templates_render_for_every_profile(tmp_path):
    """supctl render and supd check for dev, stag and prod; without
    CONSUL_HTTP_ADDR nothing is registered in Consul."""
    for profile, workers in (("dev", "2"), ("stag", "4"), ("prod", "8")):
        home = tmp_path / profile
        env = {k: v for k, v in os.environ.items() if k != "CONSUL_HTTP_ADDR"}
        env.update(BKLOG_HOME=str(home), BKLOG_PORT_PREFIX="150",
                   BKLOG_USER=USER)
        r = subprocess.run(
            [SUPCTL, "render", os.path.join(EXAMPLE, "templates"),
             "--vars", os.path.join(EXAMPLE, "vars", "common.env"),
             "--vars", os.path.join(EXAMPLE, "vars", profile + ".env"),
             "--out", str(home)], capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        conf = str(home / "etc" / "supervisord.conf")
        r = subprocess.run([SUPD, "check", "-c", conf, "-P", profile, "--print"],
                           capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        assert "is ok: 13 programs, 15 processes" in r.stderr
        assert re.search(r"(?m)^consul_service = $", r.stdout)
        assert 'BKLOG_API_WORKERS="%s"' % workers in r.stdout
        with open(home / "etc" / "nginx.conf") as f:
            assert "server 127.0.0.1:15011 max_fails=0;" in f.read()
