"""The daemon wired to the service registries: [consul] (against
tests/consul_double.py) and [etcd] (a real etcd). A process is registered
once RUNNING, deregistered before its stopsignal on a stop on purpose,
marked failing at once when it exits on its own, and removed when its
program leaves the config."""
import json
import os
import signal
import socket

import pytest

from conftest import wait_until
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
