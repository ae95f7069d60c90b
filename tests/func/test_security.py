"""The control socket against hostile input and a hostile file system:
requests that are empty, malformed, huge, deeply nested or full of entity
tricks are refused with a 400, a 413 or a fault and the daemon goes on
serving; the unix socket appears with its mode and owner, never follows a
symbolic link planted at its path; the inet server listens only where it
is told and asks every request for credentials; clients that send too
slowly or not at all are disconnected (supd only: medusa never times
out)."""
import os
import socket
import stat
import time
import xmlrpc.client

import pytest

from conftest import pid_alive, shared_daemon, wait_until
from test_http import (UnixHTTPConnection, basic, free_port, post, rpc_body,
                       start_with, write_servers)


# Seconds supd gives a client to send a whole request (http.c's
# HTTP_REQUEST_SECS); a silent or dribbling client is cut off after it.
REQUEST_SECS = 15


def request(path, data, timeout=30):
    """Send raw bytes on a new unix connection; return everything the
    server sends back until it closes the connection (or timeout)."""
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
    """The status code of a raw HTTP reply."""
    assert reply.startswith(b"HTTP/1."), reply[:200]
    return int(reply.split(b" ", 2)[1])


def raw_post(body, headers=b"", version=b"1.0"):
    if isinstance(body, str):
        body = body.encode()
    return (b"POST /RPC2 HTTP/" + version + b"\r\nContent-Type: text/xml\r\n" +
            headers + b"Content-Length: %d\r\n\r\n" % len(body) + body)


def fault_or_400(reply):
    """A reply that refuses the call: HTTP 400, or 200 with a fault."""
    status = status_of(reply)
    if status == 400:
        return True
    assert status == 200, reply[:300]
    body = reply.split(b"\r\n\r\n", 1)[1]
    with pytest.raises(xmlrpc.client.Fault):
        xmlrpc.client.loads(body)
    return True


def _start_hostile(d):
    write_servers(d, unix={}, body="""
        [program:quiet]
        command=sleep 1000
        startsecs=0
        """)
    start_with(d)
    d.wait_state("quiet", "RUNNING")


# One daemon on a plain unix socket, shared by the tests that only throw bad
# requests at it. Each test checks it still answers.
hostile = shared_daemon("hostile", _start_hostile)


def still_serving(d):
    assert d.proc.poll() is None, "daemon died:\n" + d.output()
    assert d.rpc.getState()["statename"] == "RUNNING"
    assert d.state("quiet") == "RUNNING"


# -- request bodies ----------------------------------------------------

@pytest.mark.supd_only
def test_empty_request_body_is_400(hostile):
    """Regression: an empty body reached the decoder as a NULL pointer
    (UBSan aborted the daemon). supervisord never answers this request."""
    reply = request(hostile.sock, raw_post(b""))
    assert status_of(reply) == 400
    still_serving(hostile)


def test_billion_laughs_is_refused(hostile):
    lines = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        lines.append('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10))
    body = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n%s\n]>\n'
            '<methodCall><methodName>&lol9;</methodName></methodCall>'
            % "\n".join(lines))
    reply = request(hostile.sock, raw_post(body), timeout=60)
    assert status_of(reply) == 400
    still_serving(hostile)


def test_external_entity_is_not_read(hostile, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("the secret text")
    body = ('<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file://%s">]>\n'
            '<methodCall><methodName>system.methodHelp</methodName><params>'
            '<param><value><string>&x;</string></value></param></params>'
            '</methodCall>' % secret)
    reply = request(hostile.sock, raw_post(body))
    assert b"the secret text" not in reply
    assert fault_or_400(reply)
    still_serving(hostile)


def test_deep_nesting_is_refused(hostile):
    depth = 10000
    value = "<value><array><data>" * depth + "</data></array></value>" * depth
    body = ("<?xml version='1.0'?><methodCall><methodName>system.methodHelp"
            "</methodName><params><param>%s</param></params></methodCall>" % value)
    reply = request(hostile.sock, raw_post(body), timeout=60)
    assert fault_or_400(reply)
    still_serving(hostile)


def test_huge_array_is_a_fault(hostile):
    # 100,000 empty strings in under a megabyte: decoded, then refused
    # by the method, which takes one string.
    value = "<value><array><data>" + "<value/>" * 100000 + "</data></array></value>"
    body = ("<?xml version='1.0'?><methodCall><methodName>system.methodHelp"
            "</methodName><params><param>%s</param></params></methodCall>" % value)
    reply = request(hostile.sock, raw_post(body), timeout=60)
    assert fault_or_400(reply)
    still_serving(hostile)


def test_unclosed_document_is_400(hostile):
    body = "<?xml version='1.0'?><methodCall><methodName>supervisor.getState"
    assert status_of(request(hostile.sock, raw_post(body))) == 400
    still_serving(hostile)


def test_invalid_utf8_in_request_is_400(hostile):
    body = (b"<?xml version='1.0'?><methodCall><methodName>system.methodHelp"
            b"</methodName><params><param><value><string>\xff\xfe"
            b"</string></value></param></params></methodCall>")
    reply = request(hostile.sock, raw_post(body))
    if hostile.is_supd:
        assert status_of(reply) == 400
    else:
        assert reply == b""     # medusa drops the connection
    still_serving(hostile)


def test_nul_byte_in_request_is_400(hostile):
    body = (b"<?xml version='1.0'?><methodCall><methodName>system.methodHelp"
            b"</methodName><params><param><value><string>a\x00b"
            b"</string></value></param></params></methodCall>")
    assert status_of(request(hostile.sock, raw_post(body))) == 400
    still_serving(hostile)


def test_client_leaving_mid_body_does_not_disturb_the_daemon(hostile):
    for _ in range(20):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(hostile.sock)
        sock.sendall(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 5000\r\n\r\n<?xml")
        sock.close()
    still_serving(hostile)


# -- limits (supd only: medusa has none) ---------------------------------

@pytest.mark.supd_only
def test_body_over_the_limit_is_413(hostile):
    # The declared length alone is refused, before any of it is read.
    # max_request_body's default is 16 MiB.
    reply = request(hostile.sock, b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Length: %d\r\n\r\n" % (16 * 1024 * 1024 + 1))
    assert status_of(reply) == 413
    still_serving(hostile)


@pytest.mark.supd_only
def test_headers_over_the_limit_are_refused(hostile):
    headers = b"".join(b"X-Padding-%d: %s\r\n" % (i, b"x" * 100) for i in range(400))
    reply = request(hostile.sock, b"POST /RPC2 HTTP/1.1\r\n" + headers + b"\r\n")
    assert reply == b"" or status_of(reply) in (400, 413)
    still_serving(hostile)


@pytest.mark.supd_only
def test_silent_client_is_disconnected(hostile):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(REQUEST_SECS * 4)
    sock.connect(hostile.sock)
    start = time.monotonic()
    assert sock.recv(100) == b""
    assert time.monotonic() - start < REQUEST_SECS * 4
    sock.close()
    still_serving(hostile)


@pytest.mark.supd_only
def test_slowloris_client_is_disconnected(hostile):
    """A client that keeps sending a header a second never finishes its
    request; it is cut off once the request deadline passes, while other
    clients are served meanwhile."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(hostile.sock)
    sock.sendall(b"POST /RPC2 HTTP/1.1\r\nHost: x\r\n")
    sock.setblocking(False)
    deadline = time.monotonic() + REQUEST_SECS * 4
    closed = False
    n = 0
    while time.monotonic() < deadline and not closed:
        try:
            sock.sendall(b"X-Slow-%d: y\r\n" % n)
            n += 1
            data = sock.recv(65536)
            closed = not data or data.startswith(b"HTTP/1.1 4")
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        if n % 5 == 0:
            still_serving(hostile)
        time.sleep(1)    # the client is slow on purpose, not waiting
    sock.close()
    assert closed, "a client dribbling headers was never cut off"
    still_serving(hostile)


@pytest.mark.supd_only
def test_idle_keep_alive_connection_is_kept(hostile):
    """The request deadline does not apply between requests: Supervisor's
    own clients keep one connection for hours."""
    conn = UnixHTTPConnection(hostile.sock)
    assert post(conn, rpc_body("supervisor.getAPIVersion"))[0] == 200
    first = conn.sock
    time.sleep(REQUEST_SECS + 2)    # idle on purpose, past the deadline
    assert post(conn, rpc_body("supervisor.getAPIVersion"))[0] == 200
    assert conn.sock is first


# -- the unix socket ---------------------------------------------------

NOBODY = 65534


def test_socket_appears_with_its_mode_and_owner(sup):
    """Polled from before the daemon starts: the first time the socket is
    there under its name, it already has chmod= and chown=. (Supervisor
    chowns after linking it into place; the window is too small to be
    seen reliably, so this holds for both.)"""
    write_servers(sup, unix={"chmod": "0660", "chown": "nobody:nogroup"})
    sup.launch()
    first = wait_until(lambda: os.path.lexists(sup.sock) and os.lstat(sup.sock),
                       timeout=15, interval=0.0005, what="the socket to appear")
    assert stat.S_ISSOCK(first.st_mode)
    assert stat.S_IMODE(first.st_mode) == 0o660
    if sup.is_supd:
        assert (first.st_uid, first.st_gid) == (NOBODY, NOBODY)
    wait_until(lambda: sup.rpc.getState(), what="daemon to answer")
    st = os.lstat(sup.sock)
    assert (st.st_uid, st.st_gid) == (NOBODY, NOBODY)


def test_symlink_at_the_socket_path_is_replaced_not_followed(sup, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    os.symlink(str(victim), sup.sock)
    write_servers(sup, unix={})
    start_with(sup)
    assert stat.S_ISSOCK(os.lstat(sup.sock).st_mode)
    assert victim.read_text() == "precious"
    assert stat.S_ISREG(os.lstat(str(victim)).st_mode)


def test_dangling_symlink_at_the_socket_path_creates_nothing_at_its_target(sup, tmp_path):
    target = tmp_path / "elsewhere.sock"
    os.symlink(str(target), sup.sock)
    write_servers(sup, unix={})
    start_with(sup)
    assert stat.S_ISSOCK(os.lstat(sup.sock).st_mode)
    assert not os.path.lexists(str(target))


def test_socket_is_removed_at_shutdown(sup):
    write_servers(sup, unix={})
    start_with(sup)
    sup.rpc.shutdown()
    sup.proc.wait(timeout=30)
    assert not os.path.lexists(sup.sock)


# -- the inet server ----------------------------------------------------

def test_inet_server_listens_only_on_the_configured_address(sup):
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port})
    start_with(sup, serverurl="http://127.0.0.1:%d" % port)
    # Every 127/8 address is loopback: one the server did not bind is refused.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=10)


def test_inet_credentials_are_checked_on_every_request_of_a_connection(sup):
    import http.client
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port,
                             "username": "alice", "password": "s3cret"})
    start_with(sup, serverurl="http://127.0.0.1:%d" % port,
               username="alice", password="s3cret")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = rpc_body("supervisor.getState")
    assert post(conn, body, basic("alice", "s3cret"))[0] == 200
    status, _, _ = post(conn, body)
    assert status == 401
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    assert post(conn, body, basic("alice", "s3cre"))[0] == 401
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    assert post(conn, body, basic("alice", "s3cret" + "t"))[0] == 401
