"""Health checks (health_check, health_interval, health_timeout,
health_retries): once a process is RUNNING its check runs every interval;
health_retries failures in a row restart it (stopsignal, then start), and
listeners hear PROCESS_HEALTH_FAIL after each failure and PROCESS_HEALTH_OK
when a check passes after one. The programs are small Python servers whose
answers the test switches with files. supd's own: supervisord has none.
"""
import os

import pytest

from conftest import pid_alive, wait_until
from test_events import listener_section, norm, wait_events
from test_ready import PY, free_ports, server, spawn_count, touch

pytestmark = pytest.mark.supd_only

EVENTS = "PROCESS_READY,PROCESS_HEALTH_FAIL,PROCESS_HEALTH_OK"


def set_status(sup, status):
    with open(sup.path("status.tmp"), "w") as f:
        f.write(status)
    os.rename(sup.path("status.tmp"), sup.path("status"))


def health_events(evs, name):
    return [(e["h"]["eventname"], norm(e["p"])) for e in evs
            if e["p"].startswith("processname:%s " % name)]


def test_failing_http_health_check_restarts_and_recovers(sup):
    port = free_ports()
    set_status(sup, "200")
    sup.write(listener_section(sup, EVENTS) + """
        [program:api]
        command=%s %s http %d - {dir}/status
        ready_check = http://127.0.0.1:%d/health
        health_check = http://127.0.0.1:%d/health
        health_interval = 1
        health_timeout = 1
        health_retries = 2
        startsecs = 0
        """ % (PY, server(sup), port, port, port))
    sup.start()
    first = sup.wait_state("api", "RUNNING")["pid"]
    wait_events(sup, lambda evs: any(e["h"]["eventname"] == "PROCESS_READY"
                                     for e in evs))
    set_status(sup, "503")
    sup.wait_log("api: health check failed 2 times (HTTP 503), restarting",
                 timeout=20)
    set_status(sup, "200")
    info = wait_until(lambda: (lambda i: i if i["statename"] == "RUNNING" and
                               i["pid"] != first else None)(sup.info("api")),
                      timeout=20, what="api to run again with a new pid")
    assert not pid_alive(first)
    assert spawn_count(sup, "api") == 2
    log = sup.log()
    assert "api: health check failed (HTTP 503), 1 of 2" in log
    assert "stopped: api (terminated by SIGTERM)" in log
    evs = wait_events(sup, lambda evs: any(
        e["h"]["eventname"] == "PROCESS_HEALTH_OK" for e in evs), timeout=20)
    seen = health_events(evs, "api")
    assert seen[:4] == [
        ("PROCESS_READY", "processname:api groupname:api pid:N"),
        ("PROCESS_HEALTH_FAIL", "processname:api groupname:api pid:N "
         "failures:1 reason:HTTP 503"),
        ("PROCESS_HEALTH_FAIL", "processname:api groupname:api pid:N "
         "failures:2 reason:HTTP 503"),
        ("PROCESS_READY", "processname:api groupname:api pid:N"),
    ], seen
    assert seen[-1] == ("PROCESS_HEALTH_OK",
                        "processname:api groupname:api pid:N"), seen
    ok = [e for e in evs if e["h"]["eventname"] == "PROCESS_HEALTH_OK"][-1]
    assert "pid:%d" % info["pid"] in ok["p"]
    assert sup.state("api") == "RUNNING"


def test_health_ok_only_after_a_failure(sup):
    """A passing check after a failed one is news; passing ones in a row
    are not."""
    port = free_ports()
    set_status(sup, "200")
    sup.write(listener_section(sup, "PROCESS_HEALTH_FAIL,PROCESS_HEALTH_OK") +
              """
        [program:api]
        command=%s %s http %d - {dir}/status
        health_check = http://127.0.0.1:%d/
        health_interval = 1
        health_retries = 100
        startsecs = 0
        """ % (PY, server(sup), port, port))
    sup.start()
    sup.wait_state("api", "RUNNING")
    hits = "%d.hits" % port
    wait_until(lambda: sup.read(hits).count("\n") >= 2, timeout=20,
               what="two passing checks")
    set_status(sup, "500")
    wait_events(sup, lambda evs: len(evs) >= 1, timeout=20)
    set_status(sup, "200")
    evs = wait_events(sup, lambda evs: any(
        e["h"]["eventname"] == "PROCESS_HEALTH_OK" for e in evs), timeout=20)
    n = sup.read(hits).count("\n")
    wait_until(lambda: sup.read(hits).count("\n") >= n + 2, timeout=20,
               what="two more passing checks")
    seen = [name for name, _p in health_events(
        wait_events(sup, lambda evs: True), "api")]
    assert seen[-1] == "PROCESS_HEALTH_OK"
    assert set(seen[:-1]) == {"PROCESS_HEALTH_FAIL"}
    assert sup.state("api") == "RUNNING"


# An exec health check that hangs while the file "hang" exists (recording
# its pid in hung.pid), and passes otherwise.
HANGER = r"""
import os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
if os.path.exists(os.path.join(here, "hang")):
    with open(os.path.join(here, "hung.pid"), "a") as f:
        f.write("%d\n" % os.getpid())
    time.sleep(1000)
"""


def test_hung_exec_check_is_cut_and_counts_as_failure(sup):
    hanger = sup.script("hanger.py", HANGER)
    sup.write(listener_section(sup, "PROCESS_HEALTH_FAIL,PROCESS_HEALTH_OK") +
              """
        [program:api]
        command=sleep 1000
        health_check = exec:%s %s
        health_interval = 1
        health_timeout = 1
        health_retries = 100
        startsecs = 0
        """ % (PY, hanger))
    sup.start()
    sup.wait_state("api", "RUNNING")
    touch(sup, "hang")
    evs = wait_events(sup, lambda evs: len(evs) >= 1, timeout=20)
    assert health_events(evs, "api")[0] == (
        "PROCESS_HEALTH_FAIL", "processname:api groupname:api pid:N "
        "failures:1 reason:timed out after 1 s")
    pid = int(sup.read("hung.pid").split()[0])
    wait_until(lambda: not pid_alive(pid), what="the hung check killed")
    os.unlink(sup.path("hang"))
    evs = wait_events(sup, lambda evs: any(
        e["h"]["eventname"] == "PROCESS_HEALTH_OK" for e in evs), timeout=20)
    # One check at a time: never two hung ones at once.
    pids = [int(p) for p in sup.read("hung.pid").split()]
    assert sum(pid_alive(p) for p in pids) == 0
    assert sup.state("api") == "RUNNING"
    assert spawn_count(sup, "api") == 1


# A watchdog: WATCHDOG=1 every 0.2 s while the file "quiet" is absent.
WATCHDOG = r"""
import json, os, socket, sys, time
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "watchdog.%d.json" % os.getpid())
with open(out + ".tmp", "w") as f:
    json.dump({k: os.environ.get(k) for k in
               ("NOTIFY_SOCKET", "WATCHDOG_USEC")}, f)
os.rename(out + ".tmp", out)
addr = "\0" + os.environ["NOTIFY_SOCKET"][1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
while True:
    if not os.path.exists(os.path.join(here, "quiet")):
        s.sendto(b"WATCHDOG=1", addr)
    time.sleep(0.2)
"""


def test_watchdog_that_stops_is_restarted(sup):
    sup.write("""
        [program:dog]
        command=%s %s
        health_check = notify
        health_interval = 1
        health_retries = 2
        startsecs = 0
        """ % (PY, sup.script("watchdog.py", WATCHDOG)))
    sup.start()
    first = sup.wait_state("dog", "RUNNING")["pid"]
    env = sup.read_probe("watchdog.%d.json" % first)
    assert env["WATCHDOG_USEC"] == "1000000"
    assert env["NOTIFY_SOCKET"].startswith("@supd-notify-")
    touch(sup, "quiet")
    sup.wait_log("dog: health check failed 2 times (no WATCHDOG=1 in 1 s), "
                 "restarting", timeout=20)
    os.unlink(sup.path("quiet"))
    wait_until(lambda: (lambda i: i["statename"] == "RUNNING" and
                        i["pid"] != first)(sup.info("dog")), timeout=20,
               what="dog to run again")
    assert not pid_alive(first)


def test_health_checks_wait_for_running(sup):
    """No health check while STARTING: the first comes an interval after
    RUNNING, so a slow start is not a failing one."""
    port = free_ports()
    sup.write(listener_section(sup, "PROCESS_HEALTH_FAIL") + """
        [program:api]
        command=%s %s http %d {dir}/gate
        ready_check = tcp:127.0.0.1:%d
        health_check = http://127.0.0.1:%d/
        health_interval = 1
        health_retries = 1
        startsecs = 0
        """ % (PY, server(sup), port, port, port))
    sup.start()
    wait_until(lambda: "spawned: 'api'" in sup.log())
    # Twice the interval while STARTING: no failure, no restart.
    wait_until(lambda: sup.info("api")["now"] - sup.info("api")["start"] >= 3,
               timeout=20, what="three seconds of STARTING")
    assert sup.state("api") == "STARTING"
    assert sup.read("events.jsonl") == ""
    touch(sup, "gate")
    sup.wait_state("api", "RUNNING")
    wait_until(lambda: sup.read("%d.hits" % port).count("\n") >= 2,
               timeout=20, what="health checks once RUNNING")
    assert sup.read("events.jsonl") == ""
    assert spawn_count(sup, "api") == 1


def test_event_covers_the_new_types_and_process_state_does_not(sup):
    sup.write(listener_section(sup, "EVENT") +
              listener_section(sup, "PROCESS_STATE", out="state.jsonl",
                               name="states") + """
        [program:api]
        command=sleep 1000
        ready_check = exec:/bin/true
        startsecs = 0
        """)
    sup.start()
    sup.wait_state("api", "RUNNING")
    evs = wait_events(sup, lambda evs: any(
        e["h"]["eventname"] == "PROCESS_READY" for e in evs))
    ready = [e for e in evs if e["h"]["eventname"] == "PROCESS_READY"]
    assert norm(ready[0]["p"]) == "processname:api groupname:api pid:N"
    wait_events(sup, lambda evs: any(
        e["h"]["eventname"] == "PROCESS_STATE_RUNNING" and
        "processname:api " in e["p"] for e in evs), out="state.jsonl")
    assert all(e["h"]["eventname"].startswith("PROCESS_STATE_")
               for e in wait_events(sup, lambda evs: True, out="state.jsonl"))
