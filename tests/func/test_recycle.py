"""Recycling (max_rss, max_uptime), PROCESS_RECYCLED, supd.getProcessInfo
and supctl status -v: supd extensions Supervisor 4.2.5 lacks."""
import re
import time

import pytest

from conftest import TIMEOUT_SCALE, wait_until
from test_events import listener_section, received, wait_events

PY = "/usr/bin/python3"

# Grows by 8 MiB of touched memory every 50 ms up to argv[2] MiB, the
# first time only (a marker file remembers), then sleeps. SIGTERM ends it
# at once and leaves a note, so a graceful stop can be told from SIGKILL.
HOG = r"""
import os, signal, sys, time
marker, limit = sys.argv[1], int(sys.argv[2])
def term(*a):
    open(marker + ".term", "a").write("%d\n" % os.getpid())
    os._exit(0)
signal.signal(signal.SIGTERM, term)
blocks = []
if not os.path.exists(marker):
    open(marker, "w").close()
    while len(blocks) * 8 < limit:
        blocks.append(b"x" * (8 << 20))
        time.sleep(0.05)
while True:
    time.sleep(1)
"""

SLEEPER = r"""
import time
while True:
    time.sleep(1)
"""

SUPERVISOR_INFO_KEYS = {
    "name", "group", "start", "stop", "now", "state", "statename",
    "spawnerr", "exitstatus", "logfile", "stdout_logfile", "stderr_logfile",
    "pid", "description"}
SUPD_INFO_KEYS = {"ready", "health", "health_failures", "last_check",
                  "restarts", "rss", "cpu", "depends_on", "status_text"}


def recycled(evs):
    return [e for e in evs if e["h"]["eventname"] == "PROCESS_RECYCLED"]


@pytest.mark.supd_only
def test_max_rss_recycles_gracefully(sup):
    hog = sup.script("hog.py", HOG)
    sup.write(listener_section(sup, "PROCESS_RECYCLED") + """
        [program:hog]
        command=%s %s {dir}/grown 96
        startsecs=0
        max_rss=48MB
        max_rss_secs=1
        """ % (PY, hog))
    sup.start()
    first = sup.wait_running("hog")["pid"]
    evs = wait_events(sup, lambda evs: recycled(evs), timeout=30,
                      what="a PROCESS_RECYCLED event")
    e = recycled(evs)[0]
    m = re.fullmatch(r"processname:hog groupname:hog pid:(\d+) "
                     r"reason:max_rss rss:(\d+)", e["p"])
    assert m, e["p"]
    assert int(m.group(1)) == first
    rss = int(m.group(2))
    assert rss > 48 * 1024 * 1024
    # The same line names the program, the RSS and the limit.
    sup.wait_log("recycling hog: rss %d bytes" % rss)
    line = [l for l in sup.log().splitlines() if "recycling hog" in l][0]
    assert str(48 * 1024 * 1024) in line
    # Gracefully: the stop signal, then a new process.
    info = wait_until(lambda: (lambda i: i if i["statename"] == "RUNNING"
                               and i["pid"] not in (0, first) else None)(
        sup.info("hog")), timeout=20, what="a new hog")
    assert sup.read("grown.term").split() == [str(first)]
    assert "SIGKILL" not in sup.log()
    # The new one stays small, and is not recycled again.
    assert info["pid"] != first
    assert len(recycled(received(sup))) == 1


@pytest.mark.supd_only
def test_max_uptime_with_jitter(sup):
    sleeper = sup.script("sleeper.py", SLEEPER)
    sup.write(listener_section(sup, "EVENT") + """
        [program:up]
        command=%s %s
        startsecs=0
        max_uptime=1
        max_uptime_jitter=2
        """ % (PY, sleeper))
    sup.start()
    sup.wait_running("up")
    evs = wait_events(sup, lambda evs: len(recycled(evs)) >= 3, timeout=40,
                      what="three recycles")
    for e in recycled(evs)[:3]:
        assert re.fullmatch(r"processname:up groupname:up pid:\d+ "
                            r"reason:max_uptime", e["p"]), e["p"]
    ups = [float(x) for x in re.findall(r"recycling up: up ([\d.]+) seconds",
                                        sup.log())]
    assert len(ups) >= 3
    # max_uptime plus 0..jitter, with slack for a loaded machine.
    for up in ups:
        assert 1 - 0.1 <= up <= 1 + 2 + 1.5, ups
    # Each recycled pid was the running one, and a new one followed.
    pids = [int(re.search(r"pid:(\d+)", e["p"]).group(1))
            for e in recycled(evs)]
    assert len(set(pids)) == len(pids)


@pytest.mark.supd_only
def test_numprocs_members_never_two_down(sup):
    sleeper = sup.script("sleeper.py", SLEEPER)
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
    seen = {}
    worst = 0
    deadline = time.monotonic() + 60 * TIMEOUT_SCALE
    # Until each member has been recycled twice: poll every state.
    while time.monotonic() < deadline:
        infos = sup.rpc.getAllProcessInfo()
        down = [i["name"] for i in infos if i["statename"] != "RUNNING"]
        worst = max(worst, len(down))
        assert len(down) <= 1, infos
        for i in infos:
            if i["pid"]:
                seen.setdefault(i["name"], set()).add(i["pid"])
        if len(seen) == 3 and all(len(p) >= 3 for p in seen.values()):
            break
        time.sleep(0.02)    # the poll interval of wait_until
    else:
        pytest.fail("members were not recycled: %r" % seen)
    assert worst == 1


@pytest.mark.supd_only
def test_supd_process_info_keys(sup):
    sleeper = sup.script("sleeper.py", SLEEPER)
    sup.write("""
        [program:a]
        command=%s %s
        startsecs=0
        [program:b]
        command=%s %s
        autostart=false
        """ % (PY, sleeper, PY, sleeper))
    sup.start()
    pid = sup.wait_running("a")["pid"]
    supd = sup.proxy().supd
    # supervisor.* keeps Supervisor's keys exactly.
    assert set(sup.rpc.getProcessInfo("a")) == SUPERVISOR_INFO_KEYS
    assert all(set(i) == SUPERVISOR_INFO_KEYS
               for i in sup.rpc.getAllProcessInfo())
    info = supd.getProcessInfo("a")
    assert set(info) == SUPERVISOR_INFO_KEYS | SUPD_INFO_KEYS
    assert info["pid"] == pid and info["statename"] == "RUNNING"
    assert info["ready"] is True
    assert info["health"] == "none"
    assert info["health_failures"] == 0
    assert info["last_check"] == "" and info["status_text"] == ""
    assert info["depends_on"] == []
    assert info["restarts"] == 0
    # Python's resident set is some megabytes; cpu is a small float.
    assert 1 << 20 < info["rss"] < 1 << 30
    assert isinstance(info["cpu"], float) and 0 <= info["cpu"] < 60
    stopped = supd.getProcessInfo("b")
    assert stopped["ready"] is False and stopped["rss"] == 0
    assert stopped["restarts"] == 0
    # A restart counts; the first spawn does not.
    sup.rpc.stopProcess("a")
    sup.rpc.startProcess("a")
    assert supd.getProcessInfo("a")["restarts"] == 1
    every = supd.getAllProcessInfo()
    assert [i["name"] for i in every] == [
        i["name"] for i in sup.rpc.getAllProcessInfo()]
    assert all(set(i) == SUPERVISOR_INFO_KEYS | SUPD_INFO_KEYS
               for i in every)
    a = [i for i in every if i["name"] == "a"][0]
    assert a["rss"] > 1 << 20 and a["restarts"] == 1
    with pytest.raises(Exception) as exc:
        supd.getProcessInfo("nosuch")
    assert "BAD_NAME" in str(exc.value)


@pytest.mark.supd_only
def test_supctl_status_verbose(sup):
    sleeper = sup.script("sleeper.py", SLEEPER)
    sup.write("""
        [program:a]
        command=%s %s
        startsecs=0
        [program:b]
        command=%s %s
        autostart=false
        """ % (PY, sleeper, PY, sleeper))
    sup.start()
    sup.wait_running("a")
    plain = sup.supctl("status")
    # Plain status is supervisorctl's: no header, no new columns.
    lines = plain.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"a {32}RUNNING   pid \d+, uptime \d+:\d\d:\d\d",
                        lines[0]), lines
    assert re.fullmatch(r"b {32}STOPPED   Not started", lines[1]), lines
    assert "READY" not in plain.stdout
    v = sup.supctl("status", "-v")
    assert v.returncode == plain.returncode == 3, v
    vl = v.stdout.splitlines()
    assert vl[0].split() == ["NAME", "STATE", "READY", "HEALTH", "RESTARTS",
                             "RSS", "DESCRIPTION"]
    a = vl[1].split()
    assert a[:5] == ["a", "RUNNING", "yes", "none", "0"], vl
    assert re.fullmatch(r"\d+(\.\d)?[KMG]", a[5]), vl
    assert re.search(r" pid \d+, uptime \d+:\d\d:\d\d$", vl[1]), vl
    assert vl[2].split()[:6] == ["b", "STOPPED", "no", "none", "0", "0K"]
    # With names, as plain status selects them.
    one = sup.supctl("status", "-v", "a")
    assert len(one.stdout.splitlines()) == 2 and one.returncode == 0
