"""Input an attacker (or just a careless program) controls, end to end.

Log output with bytes XML 1.0 cannot carry (the ESC of colour codes, NUL,
U+FFFE, bytes that are not UTF-8) must still come back as well-formed
XML-RPC that xmlrpc.client and the real supervisorctl read, with offsets
that count the file's bytes. supervisord sends such text as it is, and
the client's parser refuses the whole reply, so those tests are supd
only; `tail -f` goes over /logtail as raw bytes in both.

Requests: a document that is not a <methodCall>, nesting past the depth
limit, and bodies over max_request_body (16 MiB by default) are refused
with 400 or 413, never a dropped connection, and a client that sends a
huge body whole reads the 413 (medusa has no limit: supd only)."""
import os
import socket
import subprocess
import threading
import xmlrpc.client

import pytest

from conftest import SANITIZER_MARKERS, SUPERVISORCTL, Daemon, wait_until
from test_http import (UnixHTTPConnection, free_port, post, rpc_body,
                       start_with, write_servers)

# max_request_body's default.
MAX_BODY = 16 * 1024 * 1024

COLOUR = "\x1b[31mred\x1b[0m"
# What supd writes for COLOUR: ESC becomes U+241B SYMBOL FOR ESCAPE.
COLOUR_SEEN = "\u241b[31mred\u241b[0m"

# Prints colours, a NUL, a bell, U+FFFE and a byte that is not UTF-8 on
# both channels.
NOISY_PY = r"""#!/usr/bin/python3
import sys, time
out, err = sys.stdout.buffer, sys.stderr.buffer
out.write(b"first \x1b[31mred\x1b[0m nul\x00 bell\x07 fffe\xef\xbf\xbe bad\xff end\n")
out.flush()
err.write(b"err \x1b[1mbold\x1b[0m\x00\n")
err.flush()
while True:
    time.sleep(1000)
"""

# Colours and a NUL in UTF-8 text (supervisorctl's tail -f shows bytes
# that are not UTF-8 as a repr), then, once the file "go" appears, more.
COLOURS_PY = r"""#!/usr/bin/python3
import os, sys, time
out = sys.stdout.buffer
out.write(b"first \x1b[31mred\x1b[0m nul\x00 \xc3\xa9\n")
out.flush()
while not os.path.exists("{dir}/go"):
    time.sleep(0.05)
out.write(b"second \x1b[32mgreen\x1b[0m\n")
out.flush()
while True:
    time.sleep(1000)
"""

# ASCII text with every C0 control but CR, written in two parts (the
# second once "more" appears), for following a log over XML-RPC.
CONTROLS_PY = r"""#!/usr/bin/python3
import os, sys, time
out = sys.stdout.buffer
ctl = bytes(c for c in range(32) if c != 13)
out.write(b"one " + ctl + b" \x1b[0m\n")
out.flush()
while not os.path.exists("{dir}/more"):
    time.sleep(0.05)
out.write(b"two " + ctl * 50 + b" end\n")
out.flush()
while True:
    time.sleep(1000)
"""


def xml_safe(text):
    """supd's mapping (xmlrpc.c): C0 controls but tab, newline and carriage
    return as control pictures, U+FFFE and U+FFFF as U+FFFD."""
    out = []
    for ch in text:
        c = ord(ch)
        if c < 0x20 and ch not in "\t\n\r":
            out.append(chr(0x2400 + c))
        elif c in (0xfffe, 0xffff):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


@pytest.fixture(scope="module")
def noisy(daemon_kind, tmp_path_factory):
    d = Daemon(daemon_kind, tmp_path_factory.mktemp("hostile-logs"))
    d.script("noisy.py", NOISY_PY)
    d.script("controls.py", CONTROLS_PY)
    d.script("colours.py", COLOURS_PY)
    d.write("""
        [program:noisy]
        command={dir}/noisy.py
        startsecs=0
        stdout_logfile={dir}/noisy.out
        stderr_logfile={dir}/noisy.err
        [program:colours]
        command={dir}/colours.py
        startsecs=0
        [program:controls]
        command={dir}/controls.py
        startsecs=0
        stdout_logfile={dir}/controls.out
        [program:quiet]
        command=sleep 1000
        startsecs=0
        """)
    d.start()
    try:
        for name in ("noisy", "colours", "controls", "quiet"):
            d.wait_state(name, "RUNNING")
        wait_until(lambda: b" end\n" in open(d.path("noisy.out"), "rb").read(),
                   what="noisy's first line")
        wait_until(lambda: b"\x00\n" in open(d.path("noisy.err"), "rb").read(),
                   what="noisy's stderr line")
        yield d
    finally:
        d.stop()
    out = d.output()
    for marker in SANITIZER_MARKERS:
        assert marker not in out, "sanitizer report from daemon:\n" + out


def file_bytes(d, name):
    with open(d.path(name), "rb") as f:
        return f.read()


# -- log text over XML-RPC (supd only: supervisord's replies do not parse) ---

@pytest.mark.supd_only
def test_read_stdout_log_with_controls_parses(noisy):
    text = noisy.rpc.readProcessStdoutLog("noisy", 0, 0)
    assert text.startswith("first " + COLOUR_SEEN + " nul\u2400 bell\u2407 "
                           "fffe\ufffd bad\ufffd end\n")
    assert not any(ord(c) < 32 and c not in "\t\n" for c in text)


@pytest.mark.supd_only
def test_read_stderr_log_and_read_process_log_alias(noisy):
    want = "err \u241b[1mbold\u241b[0m\u2400\n"
    assert noisy.rpc.readProcessStderrLog("noisy", 0, 0) == want
    assert noisy.rpc.readProcessLog("noisy", 0, 0).startswith("first " + COLOUR_SEEN)


@pytest.mark.supd_only
def test_read_with_negative_offset_counts_file_bytes(noisy):
    data = file_bytes(noisy, "noisy.out")
    # The last 10 bytes of the file: " bad\xff end\n" -> 9 characters.
    assert noisy.rpc.readProcessStdoutLog("noisy", -10, 0) == " bad\ufffd end\n"
    # A read that starts inside a multi-byte sequence gets U+FFFD per byte.
    i = data.index(b"\xef\xbf\xbe")
    assert noisy.rpc.readProcessStdoutLog("noisy", i + 1, 4) == "\ufffd\ufffd b"


@pytest.mark.supd_only
def test_tail_offsets_count_file_bytes(noisy):
    """tailProcessStdoutLog's offset is the file size, not the length of
    the mapped text, so a follower asking from there misses nothing."""
    rpc = noisy.rpc
    size = len(file_bytes(noisy, "noisy.out"))
    text, offset, overflow = rpc.tailProcessStdoutLog("noisy", 0, 6)
    assert (offset, overflow) == (size, True)
    assert text == "\ufffd end\n"
    text, offset, overflow = rpc.tailProcessStdoutLog("noisy", 0, size)
    assert (offset, overflow) == (size, False)
    assert text.startswith("first " + COLOUR_SEEN)
    text, offset, _ = rpc.tailProcessStderrLog("noisy", 0, 100)
    assert offset == len(file_bytes(noisy, "noisy.err"))
    assert "\u2400" in text


@pytest.mark.supd_only
def test_follow_over_xmlrpc_from_the_returned_offset(noisy):
    """Following a log over XML-RPC, as a web UI or a script does: ask
    tailProcessStdoutLog until the offset moves, then read from the old
    offset. Every reply parses, and what is read from the offset is
    exactly the new bytes, mapped."""
    rpc = noisy.rpc
    path = noisy.path("controls.out")
    wait_until(lambda: file_bytes(noisy, "controls.out").endswith(b"\x1b[0m\n"),
               what="controls' first line")
    first = file_bytes(noisy, "controls.out")
    text, offset, overflow = rpc.tailProcessStdoutLog("controls", 0, 1 << 20)
    assert (text, offset, overflow) == (xml_safe(first.decode()), len(first), False)
    assert rpc.tailProcessStdoutLog("controls", offset, 1 << 20) == ["", offset, False]
    open(noisy.path("more"), "w").close()
    wait_until(lambda: file_bytes(noisy, "controls.out").endswith(b" end\n"),
               what="controls' second line")
    whole = file_bytes(noisy, "controls.out")
    _, new_offset, _ = rpc.tailProcessStdoutLog("controls", offset, 1 << 20)
    assert new_offset == len(whole) == os.path.getsize(path)
    new = rpc.readProcessStdoutLog("controls", offset, new_offset - offset)
    assert new == xml_safe(whole[offset:].decode())
    assert new.startswith("two \u2400\u2401")


@pytest.mark.supd_only
def test_supervisorctl_tail_shows_colours_as_symbols(noisy):
    r = noisy.ctl("tail", "noisy")
    assert r.returncode == 0, r.stderr
    assert COLOUR_SEEN in r.stdout
    assert "nul\u2400" in r.stdout
    r = noisy.ctl("tail", "noisy", "stderr")
    assert r.returncode == 0, r.stderr
    assert "err \u241b[1mbold\u241b[0m" in r.stdout
    r = noisy.ctl("tail", "-3", "noisy")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("nd\n")


def test_supervisorctl_tail_f_passes_colours_through(noisy):
    """tail -f reads /logtail, raw bytes: the terminal gets the colours."""
    if os.path.exists(noisy.path("go")):
        pytest.skip("noisy already printed its second line")
    argv = [SUPERVISORCTL, "-c", noisy.conf, "tail", "-f", "colours"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    out = bytearray()

    def reader():
        while True:
            chunk = proc.stdout.read1(65536)
            if not chunk:
                return
            out.extend(chunk)
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        wait_until(lambda: b"\x1b[31mred\x1b[0m" in out, timeout=20,
                   what="tail -f to print the first line")
        open(noisy.path("go"), "w").close()
        wait_until(lambda: b"second \x1b[32mgreen\x1b[0m\n" in out, timeout=20,
                   what="tail -f to follow to the second line")
    finally:
        proc.kill()
        proc.wait(timeout=30)
        t.join(timeout=30)
    assert b"==> Press Ctrl-C to exit <==" in out
    assert out.count(b"first ") == 1 and out.count(b"second ") == 1
    assert b"nul\x00 \xc3\xa9\n" in out


@pytest.mark.supd_only
def test_read_log_with_controls_in_the_main_log(noisy):
    """The main log is a file anyone with access may write to, and program
    names and messages reach it: readLog and supervisorctl maintail read
    it whatever it holds."""
    with open(noisy.logfile, "ab") as f:
        f.write(b"2026-01-01 00:00:00,000 INFO \x1b[35mmagenta\x1b[0m \x00\xfe\n")
    text = noisy.rpc.readLog(0, 0)
    assert "\u241b[35mmagenta\u241b[0m \u2400\ufffd\n" in text
    r = noisy.ctl("maintail")
    assert r.returncode == 0, r.stderr
    assert "\u241b[35mmagenta" in r.stdout


def test_spawn_error_with_controls_in_the_command(sup):
    """Messages that quote a command quote it as Python's repr does, so
    its control characters arrive escaped, in both daemons."""
    sup.write("""
        [program:bad]
        command=/nonexistent/\x1b[1mprog\x07
        startretries=0
        [program:later]
        command=/nonexistent/\x1b[1mlater
        autostart=false
        """)
    sup.start()
    with pytest.raises(xmlrpc.client.Fault) as fault:
        sup.rpc.startProcess("later")
    assert "'/nonexistent/\\x1b[1mlater'" in fault.value.faultString
    info = sup.wait_state("bad", "FATAL")
    assert "'/nonexistent/\\x1b[1mprog\\x07'" in info["spawnerr"]
    assert sup.rpc.readLog(0, 0)
    r = sup.ctl("status", "bad")
    assert "FATAL" in r.stdout, r.stdout + r.stderr


# -- requests --------------------------------------------------------------

def request(path, data, timeout=60):
    """Send raw bytes on a new unix connection and read until the server
    closes it; a reset after the reply still counts the reply."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(path)
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    out = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
    except ConnectionResetError:
        pass
    sock.close()
    return out


def status_of(reply):
    assert reply.startswith(b"HTTP/1."), reply[:200]
    return int(reply.split(b" ", 2)[1])


def raw_post(body, version=b"1.0", headers=b""):
    return (b"POST /RPC2 HTTP/" + version + b"\r\nHost: x\r\n"
            b"Content-Type: text/xml\r\n" + headers +
            b"Content-Length: %d\r\n\r\n" % len(body) + body)


def still_serving(d):
    assert d.proc.poll() is None, "daemon died:\n" + d.output()
    assert d.rpc.getState()["statename"] == "RUNNING"


def test_document_that_is_not_xml_rpc_is_400(noisy):
    reply = request(noisy.sock, raw_post(b"<foo/>"))
    assert status_of(reply) == 400
    still_serving(noisy)


@pytest.mark.supd_only
@pytest.mark.parametrize("root", ["methodResponse", "foo", "ns:methodCallx"])
def test_root_other_than_method_call_is_400(noisy, root):
    """supervisord runs any document with a <methodName> in it; supd
    answers 400, as supervisord does for a request it cannot parse."""
    body = ("<?xml version='1.0'?><%s><methodName>supervisor.getAPIVersion"
            "</methodName><params/></%s>" % (root, root)).encode()
    reply = request(noisy.sock, raw_post(body))
    assert status_of(reply) == 400
    noisy.wait_log("is invalid: unmarshallable")
    still_serving(noisy)


def nested(levels):
    value = ("<value><array><data>" * levels + "<value>x</value>" +
             "</data></array></value>" * levels)
    return ("<?xml version='1.0'?><methodCall><methodName>supervisor.getAPIVersion"
            "</methodName><params><param>%s</param></params></methodCall>"
            % value).encode()


@pytest.mark.supd_only
def test_nesting_within_the_limit_is_a_call(noisy):
    # methodCall, params, param and 3 elements a level: 332 levels and
    # the innermost value are 1000 elements deep, the limit.
    reply = request(noisy.sock, raw_post(nested(332)))
    assert status_of(reply) == 200
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(reply.split(b"\r\n\r\n", 1)[1])
    assert info.value.faultCode == 2     # INCORRECT_PARAMETERS
    still_serving(noisy)


@pytest.mark.supd_only
@pytest.mark.parametrize("levels", [333, 100000])
def test_nesting_past_the_limit_is_400(noisy, levels):
    reply = request(noisy.sock, raw_post(nested(levels)))
    assert status_of(reply) == 400
    still_serving(noisy)


@pytest.mark.supd_only
def test_declared_length_over_the_limit_is_413_at_once(noisy):
    """Only the headers are sent: the answer comes without waiting for a
    body (a client sending Expect: 100-continue gets it the same way)."""
    reply = request(noisy.sock, b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n"
                    b"Expect: 100-continue\r\n"
                    b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1))
    assert status_of(reply) == 413
    still_serving(noisy)


def peak_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.supd_only
def test_huge_body_sent_whole_reads_413_and_is_not_kept(noisy):
    """The client writes all 64 MiB before reading, as xmlrpc.client does:
    it reads a 413, not a reset, and the daemon kept none of the body."""
    before = peak_rss_kb(noisy.proc.pid)
    body = b"<?xml version='1.0'?><methodCall><methodName>x</methodName>" + \
        b" " * (64 * 1024 * 1024)
    reply = request(noisy.sock, raw_post(body), timeout=120)
    assert status_of(reply) == 413
    assert peak_rss_kb(noisy.proc.pid) - before < 16 * 1024
    still_serving(noisy)


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


@pytest.mark.supd_only
def test_lingering_connections_are_closed(noisy):
    """A refused connection is kept only while its client sends or stays,
    and not past the linger's idle limit: the daemon's descriptors come
    back to where they were."""
    pid = noisy.proc.pid
    before = open_fds(pid)
    head = b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (
        MAX_BODY + 1)
    for _ in range(100):
        assert status_of(request(noisy.sock, head + b" " * 1000)) == 413
    # These leave without reading: each costs the daemon one read.
    for _ in range(20):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(noisy.sock)
        sock.sendall(head)
        sock.close()
    # These stay, silent, until the daemon gives up on them.
    stayers = []
    for _ in range(5):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(60)
        sock.connect(noisy.sock)
        sock.sendall(head)
        stayers.append(sock)
    for sock in stayers:
        reply = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
        assert status_of(reply) == 413
    wait_until(lambda: open_fds(pid) <= before, timeout=60,
               what="lingering connections to be closed")
    for sock in stayers:
        sock.close()
    still_serving(noisy)


@pytest.mark.supd_only
def test_xmlrpc_client_with_a_huge_argument_gets_413(noisy):
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        noisy.rpc.sendProcessStdin("quiet", "x" * (MAX_BODY + 1))
    assert info.value.errcode == 413
    still_serving(noisy)


@pytest.mark.supd_only
def test_huge_body_over_tcp_reads_413(sup):
    """Over TCP, closing with unread input sends a reset that destroys a
    reply the client has not read yet: the lingering close is what lets
    it read the 413."""
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port})
    url = "http://127.0.0.1:%d" % port
    start_with(sup, serverurl=url)
    proxy = xmlrpc.client.ServerProxy(url + "/RPC2")
    for _ in range(3):
        with pytest.raises(xmlrpc.client.ProtocolError) as info:
            proxy.supervisor.sendProcessStdin("x", "y" * (MAX_BODY + 1))
        assert info.value.errcode == 413
    assert proxy.supervisor.getState()["statename"] == "RUNNING"


@pytest.mark.supd_only
def test_chunk_over_the_limit_is_413(noisy):
    reply = request(noisy.sock, b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n"
                    b"%x\r\n" % (MAX_BODY + 1) + b"<" * 100000)
    assert status_of(reply) == 413
    still_serving(noisy)


@pytest.mark.supd_only
def test_chunks_adding_up_over_the_limit_are_413(noisy):
    chunk = b" " * (1024 * 1024)
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17))
    reply = request(noisy.sock, b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n" + body + b"0\r\n\r\n")
    assert status_of(reply) == 413
    still_serving(noisy)


def test_body_of_exactly_the_limit_is_read(noisy):
    """16 MiB is allowed: the call is decoded and answered (supervisord
    has no limit, so this holds for both)."""
    head = rpc_body("supervisor.getAPIVersion").encode()
    body = head + b" " * (MAX_BODY - len(head))
    assert len(body) == MAX_BODY
    status, _, data = post(UnixHTTPConnection(noisy.sock, timeout=120), body)
    assert status == 200
    assert xmlrpc.client.loads(data)[0] == ("3.0",)
