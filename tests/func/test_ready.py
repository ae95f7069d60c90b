"""Readiness checks (ready_check, ready_timeout): a process stays STARTING
until startsecs have passed and its check has passed; a check that never
passes is a failed start (BACKOFF with "not ready after N s: ...", then
FATAL). The programs are small Python servers in the test's directory
that open up when the test creates a gate file, so nothing waits on time.
Also the config errors of the new keys, and that reread sees a changed
check. All supd's own: supervisord has no such keys.
"""
import os
import random
import socket

import pytest

from conftest import pid_alive, wait_until

PY = "/usr/bin/python3"

pytestmark = pytest.mark.supd_only

# argv: MODE ADDR GATE [STATUSFILE]. Waits for the file GATE ("-": none),
# then listens: MODE tcp (ADDR a port on 127.0.0.1), unix (ADDR a path),
# or http (a port; answers with the status in STATUSFILE, 200 when it is
# absent, or never when it says "hang"; each request is appended to
# ADDR.hits in the script's directory).
SERVER = r"""
import os, socket, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, addr, gate = sys.argv[1:4]
status_file = sys.argv[4] if len(sys.argv) > 4 else None
here = os.path.dirname(os.path.abspath(__file__))
while gate != "-" and not os.path.exists(gate):
    time.sleep(0.02)

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        with open(os.path.join(here, addr + ".hits"), "a") as f:
            f.write(self.path + "\n")
        status = "200"
        if status_file and os.path.exists(status_file):
            with open(status_file) as f:
                status = f.read().strip() or "200"
        if status == "hang":
            time.sleep(1000)
        self.send_response(int(status))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

if mode == "http":
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", int(addr)), Handler).serve_forever()
if mode == "tcp":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(addr)))
else:
    s = socket.socket(socket.AF_UNIX)
    if os.path.exists(addr):
        os.unlink(addr)
    s.bind(addr)
s.listen(16)
while True:
    c, _ = s.accept()
    c.close()
"""


def server(sup):
    return sup.script("server.py", SERVER)


def port_is_free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        return False
    finally:
        s.close()
    return True


def free_ports(n=1):
    """A run of n free TCP ports on 127.0.0.1 starting at a multiple of
    ten, below the kernel's ephemeral range (which starts at 32768), so the
    kernel does not hand one out meanwhile; returns the first."""
    while True:
        base = random.randrange(2000, 3270) * 10
        if all(port_is_free(base + i) for i in range(n)):
            return base


def touch(sup, name):
    with open(sup.path(name), "w"):
        pass


def spawn_count(sup, name):
    return sup.log().count("spawned: '%s' with pid" % name)


def wait_spawned(sup, name, count=1):
    """Wait for the count-th spawn of the process called name."""
    wait_until(lambda: spawn_count(sup, name) >= count,
               what="%s to be spawned %d times" % (name, count))


def assert_still_starting(sup, name, hits=None):
    """name is STARTING while its check fails: after the check has been
    tried (hits: a file the server appends each request to) or once it has
    been spawned, its state is still STARTING."""
    if hits is not None:
        wait_until(lambda: sup.read(hits).count("\n") >= 2,
                   what="two checks of %s" % name)
    info = sup.info(name)
    assert info["statename"] == "STARTING", info
    assert pid_alive(info["pid"])


def test_tcp_ready_check_holds_starting_until_port_opens(sup):
    port = free_ports()
    sup.write("""
        [program:web]
        command=%s %s tcp %d {dir}/gate
        ready_check = tcp:127.0.0.1:%d
        startsecs=0
        """ % (PY, server(sup), port, port))
    sup.start()
    wait_spawned(sup, "web")
    sup.wait_log("spawned: 'web'")
    assert_still_starting(sup, "web")
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")
    sup.wait_log("ready: web (connected)")
    assert "success: web entered RUNNING state" in sup.log()


def test_unix_ready_check(sup):
    sup.write("""
        [program:web]
        command=%s %s unix {dir}/web.sock {dir}/gate
        ready_check = unix:{dir}/web.sock
        startsecs=0
        """ % (PY, server(sup)))
    sup.start()
    wait_spawned(sup, "web")
    assert_still_starting(sup, "web")
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")


def test_http_ready_check_wants_2xx_or_3xx(sup):
    port = free_ports()
    with open(sup.path("status"), "w") as f:
        f.write("503")
    sup.write("""
        [program:web]
        command=%s %s http %d - {dir}/status
        ready_check = http://127.0.0.1:%d/ready?x=1
        startsecs=0
        """ % (PY, server(sup), port, port))
    sup.start()
    wait_spawned(sup, "web")
    assert_still_starting(sup, "web", hits="%d.hits" % port)
    assert sup.read("%d.hits" % port).splitlines()[0] == "/ready?x=1"
    with open(sup.path("status"), "w") as f:
        f.write("302")
    sup.wait_state("web", "RUNNING")
    sup.wait_log("ready: web (HTTP 302)")


def test_ready_waits_for_startsecs_too(sup):
    """A check that passes at once still leaves the process STARTING until
    startsecs have passed (seen from the ready line coming first)."""
    port = free_ports()
    sup.write("""
        [program:web]
        command=%s %s tcp %d -
        ready_check = tcp:127.0.0.1:%d
        startsecs=2
        """ % (PY, server(sup), port, port))
    sup.start()
    sup.wait_log("ready: web (connected)")
    assert sup.state("web") in ("STARTING", "RUNNING")
    sup.wait_state("web", "RUNNING")
    log = sup.log()
    assert log.index("ready: web") < log.index("success: web entered RUNNING")


# argv: OUT. An exec check: records what it runs with, passes once the
# file "gate" exists in its working directory's parent.
CHECK = r"""
import json, os, sys
out = sys.argv[1]
data = {"env": os.environ.get("TOKEN"), "cwd": os.getcwd(),
        "pgid": os.getpgrp(), "pid": os.getpid(),
        "stdin": os.readlink("/proc/self/fd/0"),
        "program": os.environ.get("SUPERVISOR_PROCESS_NAME")}
with open(out + ".tmp", "w") as f:
    json.dump(data, f)
os.rename(out + ".tmp", out)
if os.path.exists(os.path.join(os.path.dirname(os.getcwd()), "gate")):
    sys.exit(0)
print("not yet")
sys.exit(1)
"""


def test_exec_ready_check_runs_with_program_environment(sup):
    os.makedirs(sup.path("work"))
    check = sup.script("check.py", CHECK)
    sup.write("""
        [program:web]
        command=sleep 1000
        directory={dir}/work
        environment=TOKEN="abc 123"
        ready_check = exec:%s %s {dir}/seen.json
        startsecs=0
        """ % (PY, check))
    sup.start()
    seen = sup.read_probe("seen.json")
    assert seen["env"] == "abc 123"
    assert seen["cwd"] == sup.path("work")
    assert seen["pgid"] == seen["pid"]      # a process group of its own
    assert seen["stdin"] == "/dev/null"
    assert seen["program"] == "web"
    assert_still_starting(sup, "web")
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")
    sup.wait_log("ready: web (exit status 0)")


# Writes a line in two pieces on stderr once "gate" exists, then sleeps.
LOGGER = r"""
import os, sys, time
sys.stderr.write("booting\n")
sys.stderr.flush()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
sys.stderr.write("server listen")
sys.stderr.flush()
time.sleep(0.1)
sys.stderr.write("ing on port 8080\nmore\n")
sys.stderr.flush()
time.sleep(1000)
"""


@pytest.mark.parametrize("logfile", ["AUTO", "NONE"])
def test_log_ready_check_matches_whole_lines(sup, logfile):
    """Even with output going nowhere (NONE), a log: check reads it; a line
    that comes in pieces is matched whole."""
    sup.write("""
        [program:web]
        command=%s %s {dir}/gate
        ready_check = log:^server listening on port [0-9]+$
        stdout_logfile=%s
        stderr_logfile=%s
        startsecs=0
        """ % (PY, sup.script("logger.py", LOGGER), logfile, logfile))
    sup.start()
    wait_spawned(sup, "web")
    assert_still_starting(sup, "web")
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")
    if logfile == "AUTO":
        wait_until(lambda: "more" in sup.rpc.readProcessStderrLog("web", 0, 0))


# sd_notify by hand: STATUS= at once, READY=1 once "gate" exists.
NOTIFIER = r"""
import json, os, socket, sys, time
addr = os.environ["NOTIFY_SOCKET"]
with open(sys.argv[1] + ".env.tmp", "w") as f:
    json.dump({"NOTIFY_SOCKET": addr}, f)
os.rename(sys.argv[1] + ".env.tmp", sys.argv[1] + ".env")
if addr.startswith("@"):
    addr = "\0" + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=warming the cache", addr)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
s.sendto(b"READY=1\nSTATUS=serving", addr)
time.sleep(1000)
"""


def test_notify_ready_check_and_status_text(sup):
    sup.write("""
        [program:web]
        command=%s %s {dir}/gate
        ready_check = notify
        startsecs=0
        """ % (PY, sup.script("notifier.py", NOTIFIER)))
    # Our own NOTIFY_SOCKET is never the child's.
    sup.start(env={"NOTIFY_SOCKET": "@not-for-children"})
    info = wait_until(lambda: (lambda i: i if i["description"] ==
                               "warming the cache" else None)(sup.info("web")),
                      what="the STATUS= text as description")
    assert info["statename"] == "STARTING"
    env = sup.read_probe("gate.env")
    assert env["NOTIFY_SOCKET"].startswith("@supd-notify-")
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")
    sup.wait_log("ready: web (READY=1)")


def test_notify_from_a_stranger_is_ignored(sup):
    """Only the program (its pid or process group) speaks for it."""
    sup.write("""
        [program:web]
        command=%s %s {dir}/gate
        ready_check = notify
        startsecs=0
        """ % (PY, sup.script("notifier.py", NOTIFIER)))
    sup.start()
    env = sup.read_probe("gate.env")
    addr = "\0" + env["NOTIFY_SOCKET"][1:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(b"READY=1\nSTATUS=forged", addr)
    s.close()
    wait_until(lambda: sup.info("web")["description"] == "warming the cache")
    assert sup.state("web") == "STARTING"
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")


def test_ready_timeout_is_a_failed_start(sup):
    port = free_ports()
    sup.write("""
        [program:slow]
        command=sleep 1000
        ready_check = tcp:127.0.0.1:%d
        ready_timeout = 1
        startretries = 1
        startsecs = 0
        """ % port)
    sup.start()
    info = sup.wait_state("slow", "BACKOFF", timeout=15)
    assert info["description"].startswith("not ready after 1 s: "), info
    assert info["spawnerr"] == info["description"]
    info = sup.wait_state("slow", "FATAL", timeout=20)
    assert info["description"].startswith("not ready after 1 s: "), info
    log = sup.log()
    assert spawn_count(sup, "slow") == 2
    assert "slow: not ready after 1 s: " in log
    assert "stopped: slow (terminated by SIGTERM; not ready)" in log
    assert "gave up: slow entered FATAL state, too many start retries" in log


def test_start_with_wait_reports_spawn_error_when_not_ready(sup):
    port = free_ports()
    sup.write("""
        [program:slow]
        command=sleep 1000
        autostart=false
        ready_check = tcp:127.0.0.1:%d
        ready_timeout = 1
        startretries = 0
        startsecs = 0
        """ % port)
    sup.start()
    r = sup.ctl("start", "slow")
    assert "spawn error" in r.stdout, r.stdout + r.stderr
    sup.wait_state("slow", "FATAL", timeout=15)


def test_numprocs_members_check_their_own_ports(sup):
    base = free_ports(3)
    prefix = base // 10
    sup.write("""
        [program:web]
        process_name=web_%%(process_num)d
        numprocs=3
        command=%s %s tcp %d%%(process_num)d {dir}/gate%%(process_num)d
        ready_check = tcp:127.0.0.1:%d%%(process_num)d
        startsecs=0
        """ % (PY, server(sup), prefix, prefix))
    sup.start()
    for n in range(3):
        wait_spawned(sup, "web_%d" % n)
    touch(sup, "gate0")
    touch(sup, "gate2")
    sup.wait_state("web:web_0", "RUNNING")
    sup.wait_state("web:web_2", "RUNNING")
    assert sup.state("web:web_1") == "STARTING"
    touch(sup, "gate1")
    sup.wait_state("web:web_1", "RUNNING")


def test_stop_while_waiting_for_ready(sup):
    port = free_ports()
    sup.write("""
        [program:web]
        command=%s %s tcp %d {dir}/gate
        ready_check = tcp:127.0.0.1:%d
        startsecs=0
        """ % (PY, server(sup), port, port))
    sup.start()
    wait_spawned(sup, "web")
    sup.rpc.stopProcess("web")
    assert sup.state("web") == "STOPPED"
    sup.rpc.startProcess("web", False)
    touch(sup, "gate")
    sup.wait_state("web", "RUNNING")


# -- configuration -----------------------------------------------------------

BAD_VALUES = [
    ("ready_check", "ftp://example.com/", "unknown check"),
    ("ready_check", "tcp:localhost", "bad tcp check"),
    ("ready_check", "http://127.0.0.1:99999/", "bad http check"),
    ("ready_check", "log:(unclosed", "bad regular expression"),
    ("ready_check", "exec:", "has no command"),
    ("health_check", "https://127.0.0.1/", "https checks are not supported"),
    ("ready_timeout", "0", "too short"),
    ("ready_timeout", "soon", "not a duration"),
    ("health_interval", "-1", "not a duration"),
    ("health_timeout", "0s", "too short"),
    ("health_retries", "0", "too small"),
    ("health_retries", "three", "not an integer"),
]


@pytest.mark.parametrize("key,value,message", BAD_VALUES,
                         ids=["%s=%s" % (k, v) for k, v, _m in BAD_VALUES])
def test_bad_values_are_config_errors_with_file_and_line(sup, key, value,
                                                         message):
    conf = sup.write("""
        [program:web]
        command=sleep 1000
        %s = %s
        """ % (key, value))
    with open(conf) as f:
        lineno = 1 + f.read().split("\n").index("%s = %s" % (key, value))
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    assert "%s:%d:" % (conf, lineno) in out, out
    assert "[program:web] %s:" % key in out, out
    assert message in out, out


def test_fcgi_program_takes_the_keys(sup):
    conf = sup.write("""
        [fcgi-program:web]
        socket=unix://{dir}/fcgi.sock
        command=sleep 1000
        ready_check = nonsense
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    assert "[fcgi-program:web] ready_check:" in out, out


def test_event_listeners_do_not_take_the_keys(sup):
    """As any key a section does not know, they are left alone."""
    listener = sup.script("listener.py", """
        import sys
        sys.stdout.write("READY\\n")
        sys.stdout.flush()
        sys.stdin.read()  # not readline: a TICK_60 must not end it
        """)
    sup.write("""
        [eventlistener:el]
        command=%s %s
        events=TICK_60
        ready_check = nonsense
        health_retries = none
        """ % (PY, listener))
    sup.start()
    sup.wait_state("el", "RUNNING")


def test_expansions_in_checks(sup):
    port = free_ports()
    sup.write("""
        [program:web]
        command=%s %s tcp %d -
        environment=PORT="%d"
        ready_check = tcp:%%(ENV_HOST)s:%%(ENV_PORT)s
        startsecs=0
        """ % (PY, server(sup), port, port))
    sup.start(env={"HOST": "127.0.0.1"})
    sup.wait_state("web", "RUNNING")
    sup.wait_log("ready: web (connected)")


def test_reread_sees_a_changed_check(sup):
    port = free_ports()
    body = """
        [program:web]
        command=sleep 1000
        startsecs=0
        %s
        """
    sup.write(body % "")
    sup.start()
    sup.wait_state("web", "RUNNING")
    r = sup.ctl("reread")
    assert "No config updates" in r.stdout, r.stdout
    sup.write(body % ("ready_check = tcp:127.0.0.1:%d" % port))
    r = sup.ctl("reread")
    assert "web: changed" in r.stdout, r.stdout
    sup.write(body % ("ready_check = tcp:127.0.0.1:%d\n"
                      "        ready_timeout = 5" % port))
    r = sup.ctl("update")
    assert "web: stopped" in r.stdout and "web: updated" in r.stdout, r.stdout
    sup.write(body % ("ready_check = tcp:127.0.0.1:%d\n"
                      "        ready_timeout = 6" % port))
    r = sup.ctl("reread")
    assert "web: changed" in r.stdout, r.stdout
