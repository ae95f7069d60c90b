"""The JSON API under /api/v1/ (supd only): processes and their actions,
logs, errors with fault names and HTTP statuses, auth, cross-site refusal,
and the Server-Sent Event streams of state changes and log data; and the
server-rendered dashboard page at /."""
import base64
import os
import json
import socket
import urllib.error
import urllib.request

import pytest

from conftest import wait_until

pytestmark = pytest.mark.supd_only

USER, PASSWORD = "alice", "s3cret"

GETPROCESSINFO_KEYS = ["name", "group", "start", "stop", "now", "state",
                       "statename", "spawnerr", "exitstatus", "logfile",
                       "stdout_logfile", "stderr_logfile", "pid",
                       "description"]
SUPD_KEYS = ["ready", "health", "health_failures", "last_check", "restarts",
             "rss", "cpu", "depends_on", "status_text"]

PROGRAMS = """
[program:sleeper]
command=sleep 1000
startsecs=0
stopwaitsecs=5
stdout_logfile=NONE

[program:cat]
command=cat
startsecs=0
stdout_logfile={dir}/logs/cat.log
stderr_logfile={dir}/logs/cat.err

[program:hupper]
command=/bin/sh -c 'trap "echo got HUP" HUP; echo ready; while :; do sleep 0.1; done'
startsecs=0
stdout_logfile={dir}/logs/hupper.log

[program:lazy]
command=sleep 1000
autostart=false
startsecs=0

[program:slow]
command=sleep 1000
autostart=false
startsecs=2

[group:web]
programs=lazy
"""


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Api:
    """urllib against the inet server, with or without credentials."""

    def __init__(self, sup, port):
        self.sup = sup
        self.base = "http://127.0.0.1:%d" % port

    def auth(self, user=USER, password=PASSWORD):
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        return {"Authorization": "Basic " + token}

    def request(self, method, path, body=None, headers=None, auth=True,
                raw=None):
        hdrs = dict(self.auth() if auth else {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data,
                                     headers=hdrs, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method, path, body=None, **kw):
        status, headers, data = self.request(method, path, body, **kw)
        assert headers.get("Content-Type") == "application/json", (status, data)
        return status, json.loads(data)

    def get(self, path):
        return self.json("GET", "/api/v1/" + path)

    def post(self, path, body=None):
        return self.json("POST", "/api/v1/" + path, {} if body is None else body)

    def stream(self, path):
        req = urllib.request.Request(self.base + "/api/v1/" + path,
                                     headers=self.auth())
        return Sse(urllib.request.urlopen(req, timeout=60))


class Sse:
    """A Server-Sent Events reader: next() gives (event, data) pairs."""

    def __init__(self, resp):
        self.resp = resp
        self.headers = dict(resp.headers)

    def next(self):
        event, data = None, []
        while True:
            line = self.resp.readline()
            assert line, "stream ended"
            line = line.decode().rstrip("\n")
            if line == "":
                if event is not None or data:
                    return event, "\n".join(data)
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "event":
                event = value
            elif key == "data":
                data.append(value)

    def until(self, predicate, limit=200):
        """Events until predicate(event, data) holds; returns them all."""
        seen = []
        for _ in range(limit):
            event, data = self.next()
            seen.append((event, data))
            if predicate(event, data):
                return seen
        raise AssertionError("no matching event in %r" % seen)

    def close(self):
        self.resp.close()


@pytest.fixture
def api(sup):
    port = free_port()
    sup.write("[inet_http_server]\nport=127.0.0.1:%d\nusername=%s\n"
              "password=%s\n" % (port, USER, PASSWORD) + PROGRAMS)
    sup.start()
    wait_until(lambda: all(p["statename"] == "RUNNING"
                           for p in sup.rpc.getAllProcessInfo()
                           if p["name"] not in ("lazy", "slow")),
               what="programs running")
    return Api(sup, port)


def error_of(reply):
    status, body = reply
    return status, body["error"]["code"]


# -- reading -------------------------------------------------------------

def test_list_has_every_process_with_getprocessinfo_keys(api):
    status, procs = api.get("processes")
    assert status == 200
    names = [(p["group"], p["name"]) for p in procs]
    rpc = [(p["group"], p["name"]) for p in api.sup.rpc.getAllProcessInfo()]
    assert names == rpc
    for p in procs:
        assert list(p)[:len(GETPROCESSINFO_KEYS)] == GETPROCESSINFO_KEYS
        assert set(SUPD_KEYS) <= set(p)


def test_one_process_matches_getprocessinfo(api):
    status, p = api.get("processes/sleeper")
    assert status == 200
    info = api.sup.rpc.getProcessInfo("sleeper")
    for key in GETPROCESSINFO_KEYS:
        if key not in ("now", "description"):
            assert p[key] == info[key], key
    assert p["statename"] == "RUNNING" and p["ready"] is True
    assert p["rss"] > 0
    assert p["depends_on"] == [] and p["restarts"] == 0


def test_group_member_by_namespec(api):
    status, p = api.get("processes/web:lazy")
    assert status == 200 and p["group"] == "web" and p["name"] == "lazy"
    assert api.get("processes/web%3Alazy")[1]["name"] == "lazy"


def test_unknown_process_is_404_bad_name(api):
    status, body = api.get("processes/nosuch")
    assert status == 404
    assert body == {"error": {"code": "BAD_NAME",
                              "message": "BAD_NAME: nosuch"}}
    assert error_of(api.post("processes/nosuch/start")) == (404, "BAD_NAME")


def test_unknown_endpoint_and_wrong_method(api):
    assert error_of(api.get("nothing")) == (404, "NOT_FOUND")
    assert error_of(api.post("processes/sleeper/explode")) == (404, "NOT_FOUND")
    assert error_of(api.get("processes/sleeper/stop")) == (405, "METHOD_NOT_ALLOWED")
    status, headers, _ = api.request("DELETE", "/api/v1/processes/sleeper")
    assert status == 405


# -- auth and cross-site requests -----------------------------------------

def test_no_credentials_is_401(api):
    status, headers, data = api.request("GET", "/api/v1/processes", auth=False)
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Basic")
    assert json.loads(data)["error"]["code"] == "UNAUTHORIZED"
    status, _, _ = api.request("GET", "/api/v1/processes",
                               headers=api.auth(password="wrong"))
    assert status == 401
    status, _, _ = api.request("POST", "/api/v1/processes/sleeper/stop",
                               body={}, auth=False)
    assert status == 401
    assert api.sup.rpc.getProcessInfo("sleeper")["statename"] == "RUNNING"


@pytest.mark.parametrize("ctype", ["application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x",
                                   "text/plain", None])
def test_form_post_is_refused(api, ctype):
    """What an HTML form on another site can send does not act."""
    headers = {"Content-Type": ctype} if ctype else {}
    status, headers, data = api.request("POST", "/api/v1/processes/sleeper/stop",
                                        raw=b"wait=1", headers=headers)
    assert status == 415
    assert json.loads(data)["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert api.sup.rpc.getProcessInfo("sleeper")["statename"] == "RUNNING"


def test_cross_origin_post_is_forbidden(api):
    status, body = api.json("POST", "/api/v1/processes/sleeper/stop", {},
                            headers={"Origin": "http://evil.example"})
    assert (status, body["error"]["code"]) == (403, "FORBIDDEN")
    assert api.sup.rpc.getProcessInfo("sleeper")["statename"] == "RUNNING"


def test_custom_header_post_is_allowed(api):
    status, headers, data = api.request("POST", "/api/v1/processes/sleeper/stop",
                                        headers={"X-Requested-With": "supd"})
    assert status == 200, data
    assert json.loads(data)["statename"] == "STOPPED"


def test_no_cors_headers(api):
    status, headers, _ = api.request("GET", "/api/v1/processes",
                                     headers={"Origin": "http://evil.example"})
    assert status == 200
    assert not any(k.lower().startswith("access-control") for k in headers)
    status, headers, _ = api.request(
        "OPTIONS", "/api/v1/processes/sleeper/stop",
        headers={"Origin": "http://evil.example",
                 "Access-Control-Request-Method": "POST"})
    assert status >= 400
    assert not any(k.lower().startswith("access-control") for k in headers)


# -- actions ---------------------------------------------------------------

def test_stop_and_start_wait(api):
    status, p = api.post("processes/sleeper/stop")
    assert status == 200 and p["statename"] == "STOPPED" and p["pid"] == 0
    assert error_of(api.post("processes/sleeper/stop")) == (409, "NOT_RUNNING")
    status, p = api.post("processes/sleeper/start", {"wait": True})
    assert status == 200 and p["statename"] == "RUNNING" and p["pid"] > 0
    assert api.sup.rpc.getProcessInfo("sleeper")["pid"] == p["pid"]
    assert error_of(api.post("processes/sleeper/start")) == (409, "ALREADY_STARTED")


def test_start_without_wait(api):
    api.sup.rpc.stopProcess("sleeper")
    status, p = api.post("processes/sleeper/start", {"wait": False})
    assert status == 200 and p["statename"] in ("STARTING", "RUNNING")
    wait_until(lambda: api.get("processes/sleeper")[1]["statename"] == "RUNNING")


def test_client_leaving_while_a_start_waits(api):
    """The held request goes with its client; the start goes on."""
    port = int(api.base.rsplit(":", 1)[1])
    body = b'{"wait": true}'
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(b"POST /api/v1/processes/slow/start HTTP/1.1\r\n"
                 b"Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n%s\r\n" % (len(body), b"".join(
                     b"%s: %s\r\n" % (k.encode(), v.encode())
                     for k, v in api.auth().items())) + body)
    wait_until(lambda: api.sup.rpc.getProcessInfo("slow")["statename"] == "STARTING")
    conn.close()
    wait_until(lambda: api.sup.rpc.getProcessInfo("slow")["statename"] == "RUNNING")
    assert api.get("processes/slow")[1]["statename"] == "RUNNING"
    status, p = api.post("processes/slow/stop")
    assert status == 200 and p["statename"] == "STOPPED"


def test_start_waits_until_running(api):
    status, p = api.post("processes/slow/start")
    assert status == 200 and p["statename"] == "RUNNING"


def test_bad_wait_is_400(api):
    assert error_of(api.post("processes/sleeper/stop", {"wait": "yes"})) == \
        (400, "BAD_ARGUMENTS")
    status, headers, data = api.request("POST", "/api/v1/processes/sleeper/stop",
                                        raw=b"{not json",
                                        headers={"Content-Type": "application/json"})
    assert status == 400 and json.loads(data)["error"]["code"] == "BAD_ARGUMENTS"
    assert api.sup.rpc.getProcessInfo("sleeper")["statename"] == "RUNNING"


def test_restart_gives_a_new_pid(api):
    old = api.sup.rpc.getProcessInfo("sleeper")["pid"]
    status, p = api.post("processes/sleeper/restart")
    assert status == 200 and p["statename"] == "RUNNING"
    assert p["pid"] not in (0, old)


def test_restart_of_a_stopped_process_starts_it(api):
    status, p = api.post("processes/web:lazy/restart")
    assert status == 200 and p["statename"] == "RUNNING"


def test_signal(api):
    status, p = api.post("processes/hupper/signal", {"signal": "HUP"})
    assert status == 200 and p["statename"] == "RUNNING"
    wait_until(lambda: "got HUP" in api.sup.read("logs", "hupper.log"),
               what="HUP to arrive")
    assert api.post("processes/hupper/signal", {"signal": 1})[0] == 200


def test_signal_errors(api):
    assert error_of(api.post("processes/hupper/signal", {"signal": "NOPE"})) == \
        (400, "BAD_SIGNAL")
    assert error_of(api.post("processes/hupper/signal", {})) == \
        (400, "BAD_ARGUMENTS")
    assert error_of(api.post("processes/web:lazy/signal", {"signal": "HUP"})) == \
        (409, "NOT_RUNNING")


def test_rolling_restart(api):
    """A rolling restart gives every running member a new pid; a bad batch
    or group is an error."""
    before = {p["name"]: p["pid"] for p in api.get("processes")[1]
              if p["group"] == "sleeper" and p["statename"] == "RUNNING"}
    status, body = api.post("groups/sleeper/rolling-restart", {"batch": 1})
    assert status == 200, body
    after = {p["name"]: p["pid"] for p in api.get("processes")[1] if p["group"] == "sleeper"}
    assert before and all(after[n] != pid for n, pid in before.items())
    assert error_of(api.post("groups/sleeper/rolling-restart", {"batch": 0})) == \
        (400, "BAD_ARGUMENTS")
    assert error_of(api.post("groups/nosuch/rolling-restart")) == (404, "BAD_NAME")


# -- logs -------------------------------------------------------------------

def write_cat(api, text):
    api.sup.rpc.sendProcessStdin("cat", text)
    wait_until(lambda: api.sup.read("logs", "cat.log").endswith(text),
               what="cat to write")


@pytest.mark.parametrize("offset,length", [(0, 5), (0, 1000), (3, 4), (10, 100),
                                           (100, 10)])
def test_log_like_tailprocessstdoutlog(api, offset, length):
    write_cat(api, "0123456789abcdef\n")
    status, log = api.get("processes/cat/log?stream=stdout&offset=%d&length=%d"
                          % (offset, length))
    assert status == 200
    data, off, overflow = api.sup.rpc.tailProcessStdoutLog("cat", offset, length)
    assert log == {"data": data, "offset": off, "overflow": overflow}


def test_log_defaults_and_stderr(api):
    write_cat(api, "hello\n")
    assert api.get("processes/cat/log")[1] == {"data": "hello\n", "offset": 6,
                                               "overflow": False}
    assert api.get("processes/cat/log?stream=stderr")[1]["data"] == ""


def test_log_bad_arguments(api):
    assert error_of(api.get("processes/cat/log?stream=stdin")) == (400, "BAD_ARGUMENTS")
    assert error_of(api.get("processes/cat/log?offset=x")) == (400, "BAD_ARGUMENTS")
    assert error_of(api.get("processes/nosuch/log")) == (404, "BAD_NAME")


def test_clear_log(api):
    write_cat(api, "old line\n")
    status, p = api.post("processes/cat/clear-log")
    assert status == 200 and p["name"] == "cat"
    assert api.get("processes/cat/log")[1]["data"] == ""


def test_log_with_invalid_utf8_is_still_json(api):
    api.sup.rpc.sendProcessStdin("cat", "caf\u00e9\n")
    wait_until(lambda: api.sup.read("logs", "cat.log").endswith("\n"))
    with open(api.sup.path("logs", "cat.log"), "ab") as f:
        f.write(b"\xff\xfe bad\n")
    status, log = api.get("processes/cat/log")
    assert status == 200
    assert log["data"] == "caf\u00e9\n\ufffd\ufffd bad\n"


# -- streams --------------------------------------------------------------

def test_events_stream_state_changes(api):
    events = api.stream("events")
    try:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert api.post("processes/sleeper/stop", {"wait": False})[0] == 200
        seen = events.until(lambda e, d: e == "PROCESS_STATE_STOPPED")
        names = [e for e, _ in seen]
        assert names == ["PROCESS_STATE_STOPPING", "PROCESS_STATE_STOPPED"]
        data = json.loads(seen[-1][1])
        assert data["processname"] == "sleeper" and data["groupname"] == "sleeper"
        assert data["from_state"] == "STOPPING"
        assert data["process"]["statename"] == "STOPPED"
        api.sup.rpc.startProcess("sleeper")
        seen = events.until(lambda e, d: e == "PROCESS_STATE_RUNNING")
        assert [e for e, _ in seen] == ["PROCESS_STATE_STARTING",
                                        "PROCESS_STATE_RUNNING"]
    finally:
        events.close()


def test_events_reach_every_client(api):
    a, b = api.stream("events"), api.stream("events")
    try:
        api.sup.rpc.stopProcess("sleeper")
        for s in (a, b):
            s.until(lambda e, d: e == "PROCESS_STATE_STOPPED")
    finally:
        a.close()
        b.close()
    # The daemon goes on after its clients left.
    assert api.get("processes/sleeper")[1]["statename"] == "STOPPED"


def test_log_follow_receives_new_lines(api):
    write_cat(api, "before\n")
    status, log = api.get("processes/cat/log")
    follow = api.stream("processes/cat/log/follow?offset=%d" % log["offset"])
    try:
        assert follow.headers["Content-Type"] == "text/event-stream"
        api.sup.rpc.sendProcessStdin("cat", "first\n")
        got = ""
        while "first\n" not in got:
            event, data = follow.next()
            assert event == "log"
            got += json.loads(data)["data"]
        assert got == "first\n"
        api.sup.rpc.sendProcessStdin("cat", "second\n")
        event, data = follow.next()
        d = json.loads(data)
        assert d["data"] == "second\n" and d["offset"] == log["offset"] + 13
    finally:
        follow.close()


def test_log_follow_from_an_offset(api):
    write_cat(api, "0123456789\n")
    follow = api.stream("processes/cat/log/follow?offset=4")
    try:
        got = ""
        while not got.endswith("\n"):
            got += json.loads(follow.next()[1])["data"]
        assert got == "456789\n"
    finally:
        follow.close()


def test_log_follow_without_a_log_is_404(api):
    status, body = api.get("processes/sleeper/log/follow?stream=stdout")
    assert status == 404 and body["error"]["code"] == "NO_FILE"


# -- the page ---------------------------------------------------------------

def test_page_lists_every_process_without_script(api):
    status, headers, data = api.request("GET", "/")
    page = data.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    for name in ("sleeper", "cat", "hupper", "web:lazy"):
        assert 'data-name="%s"' % name in page
    assert "RUNNING" in page and "STOPPED" in page
    assert "action=" not in page
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "http://" not in page and "https://" not in page


def test_page_assets_are_embedded(api):
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        status, headers, data = api.request("GET", "/assets/" + name)
        assert status == 200 and headers["Content-Type"].startswith(kind)
        assert b"http://" not in data and b"https://" not in data
    assert api.request("GET", "/assets/nothing.js")[0] == 404


def test_page_get_never_acts(api):
    """Supervisor's ?action= links are gone: a GET changes nothing."""
    for q in ("?action=stop&processname=sleeper", "?action=stopall",
              "index.html?action=stop&processname=sleeper"):
        status, _, _ = api.request("GET", "/" + q)
        assert status == 200
    assert api.sup.rpc.getProcessInfo("sleeper")["statename"] == "RUNNING"


def test_page_escapes_what_it_shows(sup):
    port = free_port()
    sup.write("""
        [unix_http_server]
        file={dir}/supervisor.sock

        [inet_http_server]
        port=127.0.0.1:%d

        [supervisord]
        logfile={dir}/supervisord.log
        pidfile={dir}/supervisord.pid
        childlogdir={dir}/logs
        identifier=<img src=x onerror="alert(1)">&'

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [program:nope]
        command=sleep 100
        autostart=false
        """ % port, base=False)
    sup.start()
    api = Api(sup, port)
    status, _, data = api.request("GET", "/", auth=False)
    page = data.decode()
    assert status == 200
    assert "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;" in page


def test_slow_event_client_is_dropped(sup):
    """A client that does not read is dropped once 256 KiB wait for it;
    the daemon neither blocks nor grows."""
    port = free_port()
    sup.write("[inet_http_server]\nport=127.0.0.1:%d\n" % port + """
[program:many]
command=sleep 1000
numprocs=40
process_name=%(program_name)s-%(process_num)d
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE
""")
    sup.start()
    wait_until(lambda: all(p["statename"] == "RUNNING"
                           for p in sup.rpc.getAllProcessInfo()))
    pid = sup.proc.pid
    lazy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    lazy.connect(("127.0.0.1", port))
    lazy.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n")
    mine = lazy.getsockname()[1]

    def connected():
        """Whether the daemon still holds the connection from lazy."""
        inodes = set()
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[2].split(":")[1], 16) == mine and fields[9] in inodes:
                    return True
        return False
    wait_until(connected, what="the stream to open")
    for _ in range(40):
        sup.rpc.stopProcessGroup("many")
        sup.rpc.startProcessGroup("many")
        if not connected():
            break
    wait_until(lambda: not connected(), what="the slow client to be dropped")
    lazy.settimeout(30)
    while lazy.recv(65536):
        pass
    lazy.close()
    api = Api(sup, port)
    assert api.get("processes/many:many-0")[1]["statename"] == "RUNNING"
