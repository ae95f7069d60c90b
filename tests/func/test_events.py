"""Event listeners: [eventlistener:x] pools and Supervisor's listener
protocol, checked with listeners built on the real supervisor.childutils.

The recorder listener (RECORDER) appends every header and payload it is
sent to a JSON-lines file, so each test compares what supd delivers with
what Supervisor 4.2.5 delivers, field by field; only pids, and serials
where timing decides them, are normalised. Also here: the crash-alert
example in examples/crashalert/.
"""
import json
import os
import re
import shutil
import signal
import time

import pytest

from conftest import ROOT, TIMEOUT_SCALE, wait_until

PY = "/usr/bin/python3"

# argv: OUT [MODE]. MODE: ok (default); failfirst (FAIL the first delivery
# of each event); hold (answer nothing until OUT.go exists); crashonce
# (exit while BUSY the first time); badresult (send a broken RESULT line
# the first time).
RECORDER = r"""
import json, os, sys, time
sys.path.insert(0, "/usr/lib/python3/dist-packages")
from supervisor import childutils

out = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "ok"
seen = set()
while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    with open(out, "a") as f:
        f.write(json.dumps({"h": headers, "p": payload,
                            "pid": os.getpid()}) + "\n")
    key = (headers["serial"], headers["poolserial"])
    if mode == "failfirst" and key not in seen:
        seen.add(key)
        childutils.listener.fail(sys.stdout)
        continue
    if mode == "hold":
        while not os.path.exists(out + ".go"):
            time.sleep(0.02)
    once = out + ".once"
    if mode in ("crashonce", "badresult") and not os.path.exists(once):
        open(once, "w").close()
        if mode == "crashonce":
            os._exit(3)
        sys.stdout.write("RESULT two\n")
        sys.stdout.flush()
        time.sleep(1000)
    childutils.listener.ok(sys.stdout)
"""


# argv: CHUNK... where CHUNK is FD:TEXT (TEXT with Python escapes): each
# chunk is written to fd 1 or 2, and the next one only once the daemon has
# read it all (the pipe is empty), so each chunk is one read of its own
# whatever the load; then stay up.
CHUNKS = r"""
import codecs, fcntl, os, struct, sys, termios, time
for arg in sys.argv[1:]:
    fd, text = arg.split(":", 1)
    fd = int(fd)
    os.write(fd, codecs.escape_decode(text.encode())[0])
    while struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"    "))[0]:
        time.sleep(0.01)
while True:
    time.sleep(1000)
"""


def chunks(sup, *parts):
    """A command that writes parts (FD:TEXT, see CHUNKS) one read apart."""
    script = sup.script("chunks.py", CHUNKS)
    return " ".join([PY, script] + ["'%s'" % p for p in parts])


def recorder(sup):
    return sup.script("recorder.py", RECORDER)


def listener_section(sup, events, out="events.jsonl", mode="ok",
                     name="listener", extra=""):
    # The recorder takes a second or more to import childutils on a busy
    # machine; the default buffer of 10 would then overflow and drop the
    # oldest events, as Supervisor does, so tests that do not test the
    # buffer get room for everything they cause.
    if "buffer_size" not in extra:
        extra = ("buffer_size=200\n" + extra).rstrip("\n")
    return """
        [eventlistener:%s]
        command=%s %s {dir}/%s %s
        events=%s
        startsecs=0
        %s
        """ % (name, PY, recorder(sup), out, mode, events,
               extra.replace("\n", "\n        "))


def received(sup, out="events.jsonl"):
    """Every delivery so far, oldest first."""
    text = sup.read(out)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def norm(payload):
    return re.sub(r"\bpid:\d+", "pid:N", payload)


def summary(events, eventname_prefix=""):
    return [(e["h"]["eventname"], norm(e["p"])) for e in events
            if e["h"]["eventname"].startswith(eventname_prefix)]


def wait_events(sup, pred, out="events.jsonl", timeout=15, what="events"):
    """Poll until pred(deliveries) holds; return the deliveries."""
    def check():
        evs = received(sup, out)
        return evs if pred(evs) else None
    return wait_until(check, timeout=timeout, what=what)


def check_headers(e, pool="listener"):
    """The envelope fields Supervisor writes, in its order."""
    h = e["h"]
    assert list(h) == ["ver", "server", "serial", "pool", "poolserial",
                       "eventname", "len"]
    assert h["ver"] == "3.0"
    assert h["server"] == "supervisor"
    assert h["pool"] == pool
    assert int(h["serial"]) >= 0 and int(h["poolserial"]) >= 0
    assert int(h["len"]) == len(e["p"])


def of_process(events, name):
    return [(e["h"]["eventname"], norm(e["p"])) for e in events
            if e["p"].startswith("processname:%s " % name)]


# -- PROCESS_STATE -------------------------------------------------------

def test_process_state_events(sup):
    sup.write(listener_section(sup, "PROCESS_STATE") + """
        [program:short]
        command=/bin/sh -c "sleep 1.5; exit 3"
        startsecs=1
        autorestart=false

        [program:bad]
        command=/bin/false
        startsecs=1
        startretries=1
        autorestart=false

        [program:long]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    sup.wait_state("bad", "FATAL", timeout=15)
    sup.wait_state("short", "EXITED", timeout=15)
    sup.wait_state("long", "RUNNING")
    sup.rpc.stopProcess("long")
    evs = wait_events(sup, lambda evs: len(of_process(evs, "long")) >= 4 and
                      len(of_process(evs, "short")) >= 3 and
                      len(of_process(evs, "bad")) >= 5)
    for e in evs:
        check_headers(e)
    assert of_process(evs, "short") == [
        ("PROCESS_STATE_STARTING",
         "processname:short groupname:short from_state:STOPPED tries:0"),
        ("PROCESS_STATE_RUNNING",
         "processname:short groupname:short from_state:STARTING pid:N"),
        ("PROCESS_STATE_EXITED",
         "processname:short groupname:short from_state:RUNNING expected:0 "
         "pid:N"),
    ]
    assert of_process(evs, "bad") == [
        ("PROCESS_STATE_STARTING",
         "processname:bad groupname:bad from_state:STOPPED tries:0"),
        ("PROCESS_STATE_BACKOFF",
         "processname:bad groupname:bad from_state:STARTING tries:1"),
        ("PROCESS_STATE_STARTING",
         "processname:bad groupname:bad from_state:BACKOFF tries:1"),
        ("PROCESS_STATE_BACKOFF",
         "processname:bad groupname:bad from_state:STARTING tries:2"),
        ("PROCESS_STATE_FATAL",
         "processname:bad groupname:bad from_state:BACKOFF"),
    ]
    assert of_process(evs, "long") == [
        ("PROCESS_STATE_STARTING",
         "processname:long groupname:long from_state:STOPPED tries:0"),
        ("PROCESS_STATE_RUNNING",
         "processname:long groupname:long from_state:STARTING pid:N"),
        ("PROCESS_STATE_STOPPING",
         "processname:long groupname:long from_state:RUNNING pid:N"),
        ("PROCESS_STATE_STOPPED",
         "processname:long groupname:long from_state:STOPPING pid:N"),
    ]
    # The listener hears of its own start; serials count every event.
    assert of_process(evs, "listener")[:2] == [
        ("PROCESS_STATE_STARTING",
         "processname:listener groupname:listener from_state:STOPPED "
         "tries:0"),
        ("PROCESS_STATE_RUNNING",
         "processname:listener groupname:listener from_state:STARTING "
         "pid:N"),
    ]
    serials = [int(e["h"]["serial"]) for e in evs]
    assert serials == sorted(serials) and len(set(serials)) == len(serials)
    assert [int(e["h"]["poolserial"]) for e in evs] == serials
    # Real pids, the ones the API reports.
    long_pid = [e for e in evs if e["p"].startswith("processname:long ") and
                e["h"]["eventname"] == "PROCESS_STATE_STOPPING"][0]
    assert re.search(r"pid:(\d+)$", long_pid["p"])


def test_process_state_exited_expected(sup):
    sup.write(listener_section(sup, "PROCESS_STATE_EXITED") + """
        [program:ok]
        command=/bin/sh -c "sleep 0.3; exit 0"
        startsecs=0
        autorestart=false
        """)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 1)
    assert summary(evs) == [
        ("PROCESS_STATE_EXITED",
         "processname:ok groupname:ok from_state:RUNNING expected:1 pid:N")]
    check_headers(evs[0])


# -- PROCESS_LOG and PROCESS_COMMUNICATION ---------------------------------

def test_process_log_events(sup):
    # The second line is written once the first one's event has been
    # delivered: written together, the daemon could read them at once.
    sup.write(listener_section(sup, "PROCESS_LOG") + """
        [program:talker]
        command=/bin/sh -c "sleep 0.5; echo out-line; while ! grep -qs out-line {dir}/events.jsonl; do sleep 0.02; done; echo err-line >&2; exec sleep 1000"
        startsecs=0
        stdout_events_enabled=true
        stderr_events_enabled=true

        [program:quiet]
        command=/bin/sh -c "sleep 0.5; echo not-an-event; exec sleep 1000"
        startsecs=0
        """)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    time.sleep(0.5)
    evs = received(sup)
    for e in evs:
        check_headers(e)
    assert summary(evs) == [
        ("PROCESS_LOG_STDOUT",
         "processname:talker groupname:talker pid:N channel:stdout\n"
         "out-line\n"),
        ("PROCESS_LOG_STDERR",
         "processname:talker groupname:talker pid:N channel:stderr\n"
         "err-line\n"),
    ]


def test_process_log_undecodable_and_unicode(sup):
    # The second line is written once the first one's event has been
    # delivered: written together, the daemon could read them at once.
    sup.write(listener_section(sup, "PROCESS_LOG_STDOUT") + """
        [program:talker]
        command=/bin/sh -c "sleep 0.5; printf 'caf\\303\\251\\n'; while ! grep -qs caf {dir}/events.jsonl; do sleep 0.02; done; printf 'bad\\377\\n'; exec sleep 1000"
        startsecs=0
        stdout_events_enabled=true
        """)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    for e in evs:
        check_headers(e)
    # len: counts characters, so childutils reads the whole payload.
    assert summary(evs) == [
        ("PROCESS_LOG_STDOUT",
         "processname:talker groupname:talker pid:N channel:stdout\n"
         "caf\u00e9\n"),
        ("PROCESS_LOG_STDOUT",
         "processname:talker groupname:talker pid:N channel:stdout\n"
         "Undecodable: b'bad\\xff\\n'"),
    ]


def test_process_communication_capture_mode(sup):
    sup.write(listener_section(sup, "PROCESS_COMMUNICATION") + """
        [program:comm]
        command=%s
        startsecs=0
        stdout_capture_maxbytes=1MB
        stderr_capture_maxbytes=1MB
        stdout_logfile={dir}/comm.out
        """ % chunks(sup, r"1:before<!--XSUPERVISOR:BEGIN-->hello\ncomm<!--XSUPERVISOR:END-->after\n",
                     "2:<!--XSUPERVISOR:BEGIN-->to stderr<!--XSUPERVISOR:END-->"))
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    for e in evs:
        check_headers(e)
    assert summary(evs) == [
        ("PROCESS_COMMUNICATION_STDOUT",
         "processname:comm groupname:comm pid:N\nhello\ncomm"),
        ("PROCESS_COMMUNICATION_STDERR",
         "processname:comm groupname:comm pid:N\nto stderr"),
    ]
    # Captured text stays out of the log.
    assert "hello" not in sup.read("comm.out")
    assert sup.read("comm.out").startswith("before")


def test_process_communication_capture_maxbytes(sup):
    # Supervisor's BoundIO: a write that would pass capture_maxbytes drops
    # as many bytes as it brings from the front of what was captured. Text
    # is written to it once more than an END token's length is pending (and
    # a lone END token waits for more output, hence the newline).
    sup.write(listener_section(sup, "PROCESS_COMMUNICATION_STDOUT") + """
        [program:comm]
        command=%s
        startsecs=0
        stdout_capture_maxbytes=40
        """ % chunks(sup, "1:<!--XSUPERVISOR:BEGIN-->0123456789ABCDEF<!--XSUPERVISOR:END-->",
                     "1:<!--XSUPERVISOR:BEGIN-->" + "A" * 30, "1:" + "B" * 30,
                     r"1:<!--XSUPERVISOR:END-->\n"))
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    assert summary(evs) == [
        ("PROCESS_COMMUNICATION_STDOUT",
         "processname:comm groupname:comm pid:N\n0123456789ABCDEF"),
        ("PROCESS_COMMUNICATION_STDOUT",
         "processname:comm groupname:comm pid:N\n" + "B" * 30),
    ]


def test_process_communication_with_childutils_pcomm(sup):
    sup.script("sender.py", """
        import sys, time
        sys.path.insert(0, "/usr/lib/python3/dist-packages")
        from supervisor import childutils
        time.sleep(0.5)
        # pcomm writes the tokens as bytes: give it the binary stream.
        childutils.pcomm.send(b"status: 42 ok", sys.stdout.buffer)
        time.sleep(1000)
        """)
    sup.write(listener_section(sup, "PROCESS_COMMUNICATION_STDOUT") + """
        [program:sender]
        command=%s {dir}/sender.py
        startsecs=0
        stdout_capture_maxbytes=64
        """ % PY)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 1)
    assert summary(evs) == [
        ("PROCESS_COMMUNICATION_STDOUT",
         "processname:sender groupname:sender pid:N\nstatus: 42 ok")]


# -- REMOTE_COMMUNICATION --------------------------------------------------

def test_remote_communication(sup):
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION"))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    assert sup.rpc.sendRemoteCommEvent("greeting", "hello\nworld") is True
    assert sup.rpc.sendRemoteCommEvent("t\u00e9", "\u00fcnicode \u20ac") is True
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    for e in evs:
        check_headers(e)
    assert summary(evs) == [
        ("REMOTE_COMMUNICATION", "type:greeting\nhello\nworld"),
        ("REMOTE_COMMUNICATION", "type:t\u00e9\n\u00fcnicode \u20ac"),
    ]
    assert [e["h"]["serial"] for e in evs] == ["0", "1"]
    assert [e["h"]["len"] for e in evs] == ["25", "17"]


# -- SUPERVISOR_STATE_CHANGE -----------------------------------------------

# A program that, told to stop, waits until the listener has recorded a
# SUPERVISOR_STATE_CHANGE_STOPPING event (listeners are stopped last).
STOPS_AFTER_STOPPING = ("/bin/sh -c \"trap 'until grep -qs "
                        "SUPERVISOR_STATE_CHANGE_STOPPING {dir}/events.jsonl; "
                        "do sleep 0.02; done; exit 0' TERM; "
                        "while :; do sleep 0.1; done\"")


def test_supervisor_state_change(sup):
    # The program only stops once the listener (stopped after it) has
    # recorded the STOPPING event.
    sup.write(listener_section(sup, "SUPERVISOR_STATE_CHANGE") + """
        [program:sleeper]
        command=%s
        startsecs=0
        """ % STOPS_AFTER_STOPPING)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 1)
    assert summary(evs) == [("SUPERVISOR_STATE_CHANGE_RUNNING", "")]
    check_headers(evs[0])
    assert evs[0]["h"]["len"] == "0"
    assert evs[0]["h"]["serial"] == "0"
    # Listeners are stopped last, so they hear of the shutdown.
    sup.stop()
    evs = received(sup)
    assert summary(evs) == [("SUPERVISOR_STATE_CHANGE_RUNNING", ""),
                            ("SUPERVISOR_STATE_CHANGE_STOPPING", "")]
    check_headers(evs[1])


def test_serials_survive_restart(sup):
    # supervisord restarts in-process: the global serial goes on, pool
    # serials start again with the new pools.
    sup.write(listener_section(sup, "SUPERVISOR_STATE_CHANGE") + """
        [program:sleeper]
        command=%s
        startsecs=0
        """ % STOPS_AFTER_STOPPING)
    sup.start()
    wait_events(sup, lambda evs: len(evs) >= 1)
    sup.rpc.restart()
    evs = wait_events(sup, lambda evs: [e["h"]["eventname"] for e in evs]
                      == ["SUPERVISOR_STATE_CHANGE_RUNNING",
                          "SUPERVISOR_STATE_CHANGE_STOPPING",
                          "SUPERVISOR_STATE_CHANGE_RUNNING"], timeout=20)
    assert [(e["h"]["serial"], e["h"]["poolserial"]) for e in evs] == [
        ("0", "0"), ("1", "1"), ("2", "0")]


# -- PROCESS_GROUP -----------------------------------------------------------

def test_process_group_events(sup):
    body = listener_section(sup, "PROCESS_GROUP") + """
        [program:alpha]
        command=sleep 1000
        startsecs=0
        """
    sup.write(body)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    # A pool exists before its own ADDED event, so it hears it.
    assert summary(evs) == [("PROCESS_GROUP_ADDED", "groupname:listener\n"),
                            ("PROCESS_GROUP_ADDED", "groupname:alpha\n")]
    sup.write(body + """
        [program:beta]
        command=sleep 1000
        autostart=false
        """)
    sup.rpc.reloadConfig()
    assert sup.rpc.addProcessGroup("beta") is True
    assert sup.rpc.removeProcessGroup("beta") is True
    evs = wait_events(sup, lambda evs: len(evs) >= 4)
    for e in evs:
        check_headers(e)
    assert summary(evs)[2:] == [("PROCESS_GROUP_ADDED", "groupname:beta\n"),
                                ("PROCESS_GROUP_REMOVED", "groupname:beta\n")]
    assert [e["h"]["serial"] for e in evs] == ["0", "1", "2", "3"]


# -- TICK ------------------------------------------------------------------------

@pytest.mark.slow
def test_tick_5(sup):
    sup.write(listener_section(sup, "TICK_5"))
    launched = time.time()
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 1, timeout=8)
    check_headers(evs[0])
    assert evs[0]["h"]["eventname"] == "TICK_5"
    m = re.fullmatch(r"when:(\d+)", evs[0]["p"])
    assert m, evs[0]["p"]
    when = int(m.group(1))
    # The start of the first 5-second slice that began after start-up.
    assert when % 5 == 0
    assert launched <= when <= time.time()


def test_tick_subscriptions_accepted(sup):
    sup.write(listener_section(sup, "TICK_60,TICK_3600,TICK"))
    sup.start()
    sup.wait_state("listener", "RUNNING")


# -- Abstract types and overlapping subscriptions ---------------------------

def test_event_subscribes_to_everything(sup):
    sup.write(listener_section(sup, "EVENT") + """
        [program:p]
        command=/bin/sh -c "sleep 0.5; echo hi; exec sleep 1000"
        startsecs=0
        stdout_events_enabled=true
        """)
    sup.start()
    sup.wait_state("p", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "d")
    evs = wait_events(sup, lambda evs: {"PROCESS_LOG_STDOUT",
                                        "REMOTE_COMMUNICATION"} <=
                      {e["h"]["eventname"] for e in evs})
    names = {e["h"]["eventname"] for e in evs}
    assert {"PROCESS_GROUP_ADDED", "SUPERVISOR_STATE_CHANGE_RUNNING",
            "PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING"} <= names
    for e in evs:
        check_headers(e)


def test_overlapping_subscriptions_deliver_twice(sup):
    # Supervisor subscribes a pool once per name: an event two names cover
    # is buffered twice, with the same serials.
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION,EVENT",
                               extra="buffer_size=50"))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "twice")
    evs = wait_events(sup, lambda evs: len(
        [e for e in evs if e["h"]["eventname"] == "REMOTE_COMMUNICATION"]) >= 2)
    time.sleep(0.5)
    remote = [e for e in received(sup)
              if e["h"]["eventname"] == "REMOTE_COMMUNICATION"]
    assert len(remote) == 2
    assert remote[0]["h"] == remote[1]["h"]
    assert remote[0]["p"] == remote[1]["p"] == "type:t\ntwice"


# -- Protocol: rejections, overflow, violations, crashes ----------------------

def test_rejected_event_is_sent_again(sup):
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION", mode="failfirst"),
              loglevel="debug")
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "again")
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    assert evs[0]["h"] == evs[1]["h"]
    assert evs[0]["p"] == evs[1]["p"] == "type:t\nagain"
    assert evs[0]["pid"] == evs[1]["pid"]
    sup.wait_log("listener: event was rejected")
    sup.wait_log("rebuffering event 0 for pool listener")
    sup.wait_log("listener: event was processed")


def test_buffer_overflow_discards_oldest(sup):
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION", mode="hold",
                               extra="buffer_size=3"))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "0")
    wait_events(sup, lambda evs: len(evs) >= 1)
    # The listener is BUSY with event 0: six more fill a buffer of three.
    for i in range(1, 7):
        sup.rpc.sendRemoteCommEvent("t", str(i))
    for serial in (1, 2, 3):
        sup.wait_log("ERRO pool listener event buffer overflowed, "
                     "discarding event %d\n" % serial)
    assert "discarding event 4" not in sup.log()
    open(sup.path("events.jsonl.go"), "w").close()
    evs = wait_events(sup, lambda evs: len(evs) >= 4)
    time.sleep(0.3)
    evs = received(sup)
    assert [e["p"] for e in evs] == ["type:t\n0", "type:t\n4", "type:t\n5",
                                     "type:t\n6"]
    assert [e["h"]["serial"] for e in evs] == ["0", "4", "5", "6"]
    assert [e["h"]["poolserial"] for e in evs] == ["0", "4", "5", "6"]


def test_protocol_violation_marks_unknown(sup):
    sup.script("garbage.py", """
        import sys, time
        sys.stdout.write("HELLO?\\n")
        sys.stdout.flush()
        time.sleep(1000)
        """)
    sup.write("""
        [eventlistener:rude]
        command=%s {dir}/garbage.py
        events=REMOTE_COMMUNICATION
        startsecs=0
        """ % PY)
    sup.start()
    sup.wait_log("rude: has entered the UNKNOWN state and will no longer "
                 "receive events, this usually indicates the process "
                 "violated the eventlistener protocol")
    assert "WARN rude: has entered the UNKNOWN state" in sup.log()
    # Supervisor leaves the process running; it just gets no events.
    sup.rpc.sendRemoteCommEvent("t", "d")
    time.sleep(1.5)
    assert sup.state("rude") == "RUNNING"


def test_bad_result_line_rebuffers_event(sup):
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION", mode="badresult"))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "d")
    sup.wait_log("WARN listener: bad result line: 'RESULT two'")
    sup.wait_log("listener: has entered the UNKNOWN state")
    assert sup.state("listener") == "RUNNING"
    # The event went back to the pool: a fresh listener gets it again.
    sup.rpc.stopProcess("listener")
    sup.rpc.startProcess("listener")
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    assert evs[0]["h"] == evs[1]["h"]
    assert evs[0]["pid"] != evs[1]["pid"]


def test_listener_crash_while_busy(sup):
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION", mode="crashonce"))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "survives")
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    assert evs[0]["h"] == evs[1]["h"]
    assert evs[0]["p"] == evs[1]["p"] == "type:t\nsurvives"
    assert evs[0]["pid"] != evs[1]["pid"]
    sup.wait_log("exited: listener (exit status 3; not expected)")


def test_numprocs_pool(sup):
    sup.write(listener_section(
        sup, "REMOTE_COMMUNICATION", mode="hold", name="multi",
        extra="numprocs=3\nprocess_name=%(program_name)s_%(process_num)d"))
    sup.start()
    for i in range(3):
        sup.wait_state("multi:multi_%d" % i, "RUNNING")
    for i in range(5):
        sup.rpc.sendRemoteCommEvent("t", str(i))
    # Each listener takes one and holds it: three different processes.
    evs = wait_events(sup, lambda evs: len(evs) >= 3)
    time.sleep(0.5)
    evs = received(sup)
    assert len(evs) == 3
    assert len({e["pid"] for e in evs}) == 3
    for e in evs:
        check_headers(e, pool="multi")
    open(sup.path("events.jsonl.go"), "w").close()
    evs = wait_events(sup, lambda evs: len(evs) >= 5)
    time.sleep(0.3)
    evs = received(sup)
    assert sorted(e["p"] for e in evs) == ["type:t\n%d" % i for i in range(5)]
    assert sorted(int(e["h"]["poolserial"]) for e in evs) == list(range(5))
    assert sorted(int(e["h"]["serial"]) for e in evs) == list(range(5))


def test_stuck_listener_blocks_only_its_pool(sup):
    # "stuck" takes one event and never reads again; large events must not
    # block the daemon or the other pool.
    sup.script("stuck.py", """
        import sys, time
        sys.stdout.write("READY\\n")
        sys.stdout.flush()
        time.sleep(1000)
        """)
    sup.script("chatty.py", """
        import sys, time
        time.sleep(0.5)
        for i in range(20):
            sys.stdout.write(chr(ord("a") + i) * 100000 + "\\n")
            sys.stdout.flush()
            time.sleep(0.05)
        time.sleep(1000)
        """)
    sup.write(listener_section(sup, "PROCESS_LOG_STDOUT",
                               extra="buffer_size=1000") + """
        [eventlistener:stuck]
        command=%s {dir}/stuck.py
        events=PROCESS_LOG_STDOUT
        startsecs=0

        [program:chatty]
        command=%s {dir}/chatty.py
        startsecs=0
        stdout_events_enabled=true
        stdout_logfile=NONE
        """ % (PY, PY))
    sup.start()
    want = "".join(chr(ord("a") + i) * 100000 + "\n" for i in range(20))

    def all_data():
        evs = received(sup)
        data = "".join(e["p"].split("\n", 1)[1] for e in evs)
        return data == want
    deadline = time.monotonic() + 20 * TIMEOUT_SCALE
    while not all_data():
        # The daemon keeps answering throughout (a wedged one times out).
        assert sup.proxy(timeout=30).supervisor.getState()["statename"] == \
            "RUNNING"
        assert time.monotonic() < deadline, "listener did not get all data"
        time.sleep(0.1)
    sup.wait_log("pool stuck event buffer overflowed")


def test_listener_priority_starts_first(sup):
    sup.write(listener_section(sup, "PROCESS_STATE_STARTING") + """
        [program:p]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    evs = wait_events(sup, lambda evs: len(evs) >= 2)
    # Default priority -1: the listener is spawned before programs.
    assert [norm(e["p"]).split()[0] for e in evs] == [
        "processname:listener", "processname:p"]
    info = sup.info("listener")
    assert info["group"] == "listener"


def test_listener_stdout_is_logged(sup):
    sup.write(listener_section(sup, "REMOTE_COMMUNICATION",
                               extra="stdout_logfile={dir}/l.out"))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    sup.rpc.sendRemoteCommEvent("t", "d")
    wait_events(sup, lambda evs: len(evs) >= 1)
    wait_until(lambda: sup.read("l.out") == "READY\nRESULT 2\nOKREADY\n",
               what="listener's protocol output in its stdout log")


# -- The crash-alert example ---------------------------------------------------

EXAMPLE = os.path.join(ROOT, "examples", "crashalert")


def test_crashalert_example(sup):
    shutil.copy(os.path.join(EXAMPLE, "crashalert.py"), sup.path("crashalert.py"))
    sup.write("""
        [eventlistener:crashalert]
        command=%s {dir}/crashalert.py {dir}/alerts.log
        events=PROCESS_STATE_EXITED,PROCESS_STATE_FATAL,PROCESS_STATE_BACKOFF

        [program:crasher]
        command=/bin/sh -c "sleep 1.2; exit 7"
        startsecs=1
        autorestart=false

        [program:clean]
        command=/bin/sh -c "sleep 1.2; exit 0"
        startsecs=1
        autorestart=false

        [program:broken]
        command=/bin/false
        startsecs=1
        startretries=0
        autorestart=false
        """ % PY)
    sup.start()
    sup.wait_state("crasher", "EXITED", timeout=15)
    sup.wait_state("clean", "EXITED", timeout=15)
    lines = wait_until(
        lambda: [l for l in sup.read("alerts.log").splitlines()] if
        len(sup.read("alerts.log").splitlines()) >= 3 else None,
        what="three alerts")
    time.sleep(0.5)
    lines = sup.read("alerts.log").splitlines()
    body = [re.sub(r"^\S+ \S+ ", "", re.sub(r"pid \d+", "pid N", l))
            for l in lines]
    assert sorted(body) == sorted([
        "crasher:crasher exited unexpectedly (pid N) from RUNNING",
        "broken:broken entered BACKOFF from STARTING (tries 1)",
        "broken:broken entered FATAL from BACKOFF",
    ])
    # Each line starts with a date and time.
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", l) for l in lines)
