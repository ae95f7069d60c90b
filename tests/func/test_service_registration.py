"""The daemon wired to the service registries: [consul] (against
tests/consul_double.py) and [etcd] (a real etcd). A process is registered
once RUNNING, deregistered before its stopsignal on a stop on purpose,
marked failing at once when it exits on its own, and removed when its
program leaves the config. Registrations also follow the checks: the port
defaults to a tcp: or http: ready_check's, consul_check=http polls the
program's own check URL, and a failing health_check marks them failing
until it passes again (the programs are test_ready's small servers, whose
HTTP answer the test switches with the file "status")."""
import json
import os
import signal
import socket

import pytest

from conftest import wait_until
from test_ready import PY, free_ports, server
from test_registry import Double, Etcd, ETCD  # noqa: F401

pytestmark = pytest.mark.supd_only

HOST = socket.gethostname()

# Writes a marker with the time it got SIGTERM, then exits.
TERM_PY = """\
#!/usr/bin/python3
import signal, sys, time
def term(*_):
    with open(sys.argv[1], "w") as f:
        f.write(repr(time.time()))
    sys.exit(0)
signal.signal(signal.SIGTERM, term)
open(sys.argv[1] + ".ready", "w").close()
while True:
    time.sleep(3600)
"""


@pytest.fixture
def consul(tmp_path):
    d = Double(tmp_path)
    yield d
    d.stop()


def consul_conf(sup, consul, extra=""):
    prog = sup.script("term.py", TERM_PY)
    sup.write("""
    [consul]
    address=%s

    [program:web]
    command=%s {dir}/sigterm
    startsecs=0
    consul_service=api
    consul_port=8080
    consul_address=127.0.0.1
    consul_tags=web, v2
    consul_meta=zone=a, team=core
    %s
    """ % (consul.address, prog, extra))


def sid():
    return "api-%s-web" % HOST


def test_consul_registered_once_running(sup, consul):
    consul_conf(sup, consul)
    sup.start()
    sup.wait_state("web", "RUNNING")
    wait_until(lambda: consul.state()["checks"].get("service:" + sid()) == "passing",
               what="service passing in Consul")
    svc = consul.state()["services"][sid()]
    assert svc["Name"] == "api"
    assert svc["Port"] == 8080
    assert svc["Address"] == "127.0.0.1"
    assert svc["Tags"] == ["web", "v2"]
    assert svc["Meta"] == {"zone": "a", "team": "core"}


def test_an_empty_consul_service_registers_nothing(sup, consul):
    """So a variable can turn registration off (the BK-LOG example's
    consul_service is empty unless CONSUL_HTTP_ADDR is set)."""
    sup.write("""
    [consul]
    address=%s

    [program:web]
    command=sleep 1000
    startsecs=0
    consul_service=%%(ENV_BKLOG_CONSUL_SERVICE)s

    [program:marker]
    command=sleep 1000
    startsecs=0
    consul_service=marker
    """ % consul.address)
    sup.start(env={"BKLOG_CONSUL_SERVICE": ""})
    sup.wait_state("web", "RUNNING")
    # The other program's registration shows the agent has been talked to.
    wait_until(lambda: "marker-%s-marker" % HOST in consul.state()["services"],
               what="marker registered")
    assert list(consul.state()["services"]) == ["marker-%s-marker" % HOST]
    assert consul.requests("/v1/agent/service/register") and all(
        "web" not in json.dumps(r) for r in consul.requests("/v1/agent/"))


def test_consul_deregistered_before_the_stopsignal(sup, consul):
    consul_conf(sup, consul)
    sup.start()
    sup.wait_state("web", "RUNNING")
    wait_until(lambda: sid() in consul.state()["services"], what="registered")
    wait_until(lambda: os.path.exists(sup.path("sigterm.ready")), what="handler set")
    sup.rpc.stopProcess("web")
    assert sid() not in consul.state()["services"]
    dereg = consul.requests("/v1/agent/service/deregister/" + sid())
    assert len(dereg) == 1
    with open(sup.path("sigterm")) as f:
        term_at = float(f.read())
    assert dereg[0]["t"] < term_at


def test_consul_stop_goes_on_when_the_agent_hangs(sup, consul):
    consul_conf(sup, consul)
    sup.start()
    sup.wait_state("web", "RUNNING")
    wait_until(lambda: sid() in consul.state()["services"], what="registered")
    wait_until(lambda: os.path.exists(sup.path("sigterm.ready")), what="handler set")
    consul.mode("hang")
    try:
        # The registry's request timeout (10 s) bounds the wait.
        sup.rpc.stopProcess("web")
        assert sup.state("web") == "STOPPED"
        assert os.path.exists(sup.path("sigterm"))
    finally:
        consul.mode("ok")


def test_consul_failing_at_once_on_a_crash(sup, consul):
    consul_conf(sup, consul, "autorestart=false")
    sup.start()
    sup.wait_state("web", "RUNNING")
    wait_until(lambda: consul.state()["checks"].get("service:" + sid()) == "passing",
               what="passing")
    os.kill(sup.info("web")["pid"], signal.SIGKILL)
    sup.wait_state("web", "EXITED")
    wait_until(lambda: consul.state()["checks"].get("service:" + sid()) == "critical",
               what="critical after the crash")
    assert sup.state("web") == "EXITED"


def test_consul_removed_with_its_program(sup, consul):
    consul_conf(sup, consul)
    sup.start()
    sup.wait_state("web", "RUNNING")
    wait_until(lambda: sid() in consul.state()["services"], what="registered")
    sup.write("""
    [consul]
    address=%s
    """ % consul.address)
    r = sup.ctl("update")
    assert r.returncode == 0, r.stdout + r.stderr
    wait_until(lambda: sid() not in consul.state()["services"], what="deregistered")
    assert "web" not in [p["name"] for p in sup.rpc.getAllProcessInfo()]


def test_registry_down_changes_no_state(sup):
    # Nothing listens at the agent's address.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    prog = sup.script("term.py", TERM_PY)
    sup.write("""
    [consul]
    address=127.0.0.1:%d

    [program:web]
    command=%s {dir}/sigterm
    startsecs=0
    consul_service=api
    """ % (port, prog))
    sup.start()
    sup.wait_state("web", "RUNNING")
    sup.rpc.stopProcess("web")
    assert sup.state("web") == "STOPPED"
    sup.rpc.startProcess("web")
    assert sup.state("web") == "RUNNING"


def test_bad_consul_check_is_a_config_error(sup):
    sup.write("""
    [consul]

    [program:web]
    command=sleep 100
    consul_service=api
    consul_check=carrier-pigeon
    """)
    rc, out = sup.run_to_exit()
    assert rc != 0
    assert "consul_check" in out


@pytest.fixture
def etcd(tmp_path):
    if not os.path.exists(ETCD):
        pytest.skip("etcd-server is not installed")
    e = Etcd(tmp_path)
    e.start()
    yield e
    e.stop()


def test_etcd_key_per_process(sup, etcd):
    prog = sup.script("term.py", TERM_PY)
    sup.write("""
    [etcd]
    endpoints=%s

    [program:api]
    command=%s {dir}/sigterm-%%(process_num)s
    process_name=%%(program_name)s_%%(process_num)s
    numprocs=2
    startsecs=0
    service_address=127.0.0.1
    service_port=8080
    etcd_key=/services/api/%%(host_node_name)s-%%(process_num)s
    etcd_ttl=5
    """ % (etcd.url, prog))
    sup.start()
    for n in (0, 1):
        sup.wait_state("api:api_%d" % n, "RUNNING")
    key = "/services/api/%s-%d"
    wait_until(lambda: etcd.get(key % (HOST, 0)) and etcd.get(key % (HOST, 1)),
               what="both keys in etcd")
    value, lease = etcd.get(key % (HOST, 1))
    assert json.loads(value) == {"address": "127.0.0.1", "port": 8080,
                                 "pid": sup.info("api:api_1")["pid"], "group": "api",
                                 "name": "api_1"}
    sup.rpc.stopProcess("api:api_1")
    assert etcd.get(key % (HOST, 1)) is None
    assert etcd.get(key % (HOST, 0)) is not None
    # A new start writes the new pid.
    sup.rpc.startProcess("api:api_1")
    pid = sup.info("api:api_1")["pid"]
    wait_until(lambda: etcd.get(key % (HOST, 1)) and
               json.loads(etcd.get(key % (HOST, 1))[0])["pid"] == pid, what="new pid")


# --- Registrations follow the ready and health checks ----------------------

def set_status(sup, status):
    """The http server child answers with the status in the file "status"
    (200 while it is absent)."""
    with open(sup.path("status.tmp"), "w") as f:
        f.write(status)
    os.rename(sup.path("status.tmp"), sup.path("status"))


def clear_status(sup):
    os.unlink(sup.path("status"))


def test_service_port_defaults_to_the_ready_checks_port(sup, consul, etcd):
    tcp = free_ports(2)
    http = tcp + 1
    srv = server(sup)
    sup.write("""
    [consul]
    address=%s

    [etcd]
    endpoints=%s

    [program:tcp]
    command=%s %s tcp %d -
    ready_check = tcp:127.0.0.1:%d
    startsecs=0
    service_address=127.0.0.1
    consul_service=t
    etcd_key=/services/tcp

    [program:http]
    command=%s %s http %d -
    ready_check = http://127.0.0.1:%d/ready
    startsecs=0
    service_address=127.0.0.1
    consul_service=h
    consul_port=8080
    etcd_key=/services/http
    """ % (consul.address, etcd.url, PY, srv, tcp, tcp, PY, srv, http, http))
    sup.start()
    sup.wait_state("tcp", "RUNNING")
    sup.wait_state("http", "RUNNING")
    tid, hid = "t-%s-tcp" % HOST, "h-%s-http" % HOST
    wait_until(lambda: {tid, hid} <= set(consul.state()["services"]),
               what="both in Consul")
    wait_until(lambda: etcd.get("/services/tcp") and etcd.get("/services/http"),
               what="both keys in etcd")
    services = consul.state()["services"]
    assert services[tid]["Port"] == tcp
    # consul_port still wins for Consul; etcd gets the ready_check's port.
    assert services[hid]["Port"] == 8080
    assert json.loads(etcd.get("/services/tcp")[0])["port"] == tcp
    assert json.loads(etcd.get("/services/http")[0])["port"] == http


def test_consul_http_check_polls_the_programs_own_url(sup, consul):
    port = free_ports(2)
    srv = server(sup)
    sup.write("""
    [consul]
    address=%s

    [program:both]
    command=%s %s http %d -
    ready_check = http://127.0.0.1:%d/ready
    health_check = http://127.0.0.1:%d/health
    startsecs=0
    consul_service=b
    consul_check=http

    [program:ready]
    command=%s %s http %d -
    ready_check = http://127.0.0.1:%d/ready
    startsecs=0
    consul_service=r
    consul_check=http
    """ % (consul.address, PY, srv, port, port, port,
           PY, srv, port + 1, port + 1))
    sup.start()
    bid, rid = "b-%s-both" % HOST, "r-%s-ready" % HOST
    wait_until(lambda: {bid, rid} <= set(consul.state()["services"]),
               what="both in Consul")
    services = consul.state()["services"]
    # The health_check's URL first, else the ready_check's.
    assert services[bid]["Check"]["HTTP"] == "http://127.0.0.1:%d/health" % port
    assert services[rid]["Check"]["HTTP"] == "http://127.0.0.1:%d/ready" % (port + 1)
    assert "TTL" not in services[bid]["Check"]


def flapping_program(sup, port, extra):
    return """
    [program:web]
    command=%s %s http %d - {dir}/status
    health_check = http://127.0.0.1:%d/health
    health_interval = 1
    health_timeout = 1
    health_retries = 100
    startsecs=0
    service_address=127.0.0.1
    %s
    """ % (PY, server(sup), port, port, extra)


def test_consul_failing_health_check_goes_critical_then_passing(sup, consul):
    port = free_ports()
    sup.write("""
    [consul]
    address=%s
    """ % consul.address + flapping_program(sup, port, "consul_service=api"))
    sup.start()
    pid = sup.wait_state("web", "RUNNING")["pid"]
    check = "service:" + sid()
    wait_until(lambda: consul.state()["checks"].get(check) == "passing",
               what="passing in Consul")
    set_status(sup, "503")
    wait_until(lambda: consul.state()["checks"].get(check) == "critical",
               what="critical while the health check fails")
    info = sup.info("web")
    assert info["statename"] == "RUNNING" and info["pid"] == pid
    upd = consul.requests("/v1/agent/check/update/" + check)
    assert json.loads(upd[-1]["body"]) == {"Status": "critical",
                                           "Output": "HTTP 503"}
    # Still registered: failing, not gone.
    assert sid() in consul.state()["services"]
    clear_status(sup)
    wait_until(lambda: consul.state()["checks"].get(check) == "passing",
               what="passing again")
    assert json.loads(consul.requests("/v1/agent/check/update/" + check)[-1]
                      ["body"])["Status"] == "passing"
    # And again: each turn is news.
    set_status(sup, "503")
    wait_until(lambda: consul.state()["checks"].get(check) == "critical",
               what="critical a second time")
    clear_status(sup)
    wait_until(lambda: consul.state()["checks"].get(check) == "passing",
               what="passing a second time")
    assert sup.info("web")["pid"] == pid
    assert len(consul.requests("/v1/agent/service/register")) == 1


def test_etcd_failing_health_check_lets_the_key_expire(sup, etcd):
    port = free_ports()
    sup.write("""
    [etcd]
    endpoints=%s
    """ % etcd.url + flapping_program(sup, port, "etcd_key=/services/web\n"
                                      "    etcd_ttl=2"))
    sup.start()
    pid = sup.wait_state("web", "RUNNING")["pid"]
    key = "/services/web"
    wait_until(lambda: etcd.get(key), what="key in etcd")
    _value, lease = etcd.get(key)
    set_status(sup, "503")
    wait_until(lambda: etcd.get(key) is None, timeout=20,
               what="key expired while the health check fails")
    info = sup.info("web")
    assert info["statename"] == "RUNNING" and info["pid"] == pid
    clear_status(sup)
    back = wait_until(lambda: etcd.get(key), timeout=20, what="key back")
    assert back[1] != lease
    assert json.loads(back[0])["pid"] == pid
    assert sup.info("web")["pid"] == pid
