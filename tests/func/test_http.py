"""The HTTP side of the control plane, as Supervisor 4.2.5 serves it:
unix_http_server (chmod, basic auth) and inet_http_server (basic auth,
{SHA} passwords), 401 with WWW-Authenticate, POST /RPC2 with bad bodies,
unknown methods, keep-alive, and the /logtail and /mainlogtail streams."""
import hashlib
import http.client
import os
import socket
import stat
import textwrap
import xmlrpc.client

import pytest

from conftest import shared_daemon, wait_until, free_port

HEADER_TAIL = """
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}/logs

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

"""


def section(name, options):
    return "[%s]\n%s\n" % (name, "".join("%s=%s\n" % kv for kv in options.items()))


def write_servers(sup, unix=None, inet=None, ctl=None, body=""):
    """Write a config with the given server sections (dicts of options, or
    None to leave the section out) instead of the standard header."""
    text = ""
    if unix is not None:
        text += section("unix_http_server", dict({"file": "{dir}/supervisor.sock"}, **unix))
    if inet is not None:
        text += section("inet_http_server", inet)
    text += HEADER_TAIL
    if ctl is not None:
        text += section("supervisorctl", ctl)
    sup.write(text + textwrap.dedent(body), base=False)


def start_with(sup, **creds):
    """Launch and wait until getState answers through a proxy made with
    creds (username, password, serverurl)."""
    sup.launch()

    def ready():
        if sup.proc.poll() is not None:
            return "exited"
        return sup.proxy(timeout=5, **creds).supervisor.getState()["statename"] == "RUNNING"
    wait_until(ready, timeout=15, what="daemon to answer")
    assert sup.proc.poll() is None, "daemon exited:\n" + sup.output()
    return sup


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        http.client.HTTPConnection.__init__(self, "localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


def basic(username, password):
    import base64
    token = base64.b64encode(("%s:%s" % (username, password)).encode()).decode()
    return {"Authorization": "Basic " + token}


def post(conn, body, headers=None, path="/RPC2"):
    """POST body; return (status, headers dict with lower-case keys, body)."""
    hdrs = {"Content-Type": "text/xml"}
    hdrs.update(headers or {})
    conn.request("POST", path, body, hdrs)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def rpc_body(method, *params):
    return xmlrpc.client.dumps(params, method)


def fault_of(fn, *args):
    with pytest.raises(xmlrpc.client.Fault) as info:
        fn(*args)
    return info.value.faultCode, info.value.faultString


# -- unix_http_server --------------------------------------------------

def test_unix_socket_default_mode_is_0700(sup):
    write_servers(sup, unix={})
    start_with(sup)
    st = os.stat(sup.sock)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o700


def test_unix_socket_chmod(sup):
    write_servers(sup, unix={"chmod": "0666"})
    start_with(sup)
    assert stat.S_IMODE(os.stat(sup.sock).st_mode) == 0o666


def test_unix_socket_chmod_other_value(sup):
    write_servers(sup, unix={"chmod": "0750"})
    start_with(sup)
    assert stat.S_IMODE(os.stat(sup.sock).st_mode) == 0o750


def test_unix_auth_missing_credentials_is_401(sup):
    write_servers(sup, unix={"username": "alice", "password": "s3cret"})
    start_with(sup, username="alice", password="s3cret")
    status, headers, _ = post(UnixHTTPConnection(sup.sock), rpc_body("supervisor.getState"))
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="default"'


def test_unix_auth_wrong_password_is_401(sup):
    write_servers(sup, unix={"username": "alice", "password": "s3cret"})
    start_with(sup, username="alice", password="s3cret")
    status, headers, _ = post(UnixHTTPConnection(sup.sock), rpc_body("supervisor.getState"),
                              basic("alice", "wrong"))
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="default"'


def test_unix_auth_right_credentials(sup):
    write_servers(sup, unix={"username": "alice", "password": "s3cret"})
    start_with(sup, username="alice", password="s3cret")
    status, _, body = post(UnixHTTPConnection(sup.sock), rpc_body("supervisor.getAPIVersion"),
                           basic("alice", "s3cret"))
    assert status == 200
    assert xmlrpc.client.loads(body)[0] == ("3.0",)


def test_unix_auth_proxy_without_credentials_gets_protocol_error(sup):
    write_servers(sup, unix={"username": "alice", "password": "s3cret"})
    start_with(sup, username="alice", password="s3cret")
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        sup.proxy().supervisor.getState()
    assert info.value.errcode == 401


# -- inet_http_server --------------------------------------------------

def test_inet_server_without_auth(sup):
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port})
    url = "http://127.0.0.1:%d" % port
    start_with(sup, serverurl=url)
    assert sup.proxy(serverurl=url).supervisor.getPID() == sup.proc.pid


def test_inet_auth_missing_credentials_is_401(sup):
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port,
                             "username": "bob", "password": "pw"})
    start_with(sup, serverurl="http://127.0.0.1:%d" % port, username="bob", password="pw")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, headers, _ = post(conn, rpc_body("supervisor.getState"))
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="default"'


def test_inet_auth_wrong_user_is_401(sup):
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port,
                             "username": "bob", "password": "pw"})
    start_with(sup, serverurl="http://127.0.0.1:%d" % port, username="bob", password="pw")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, headers, _ = post(conn, rpc_body("supervisor.getState"), basic("eve", "pw"))
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="default"'


def test_inet_auth_unsupported_scheme_is_401(sup):
    port = free_port()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port,
                             "username": "bob", "password": "pw"})
    start_with(sup, serverurl="http://127.0.0.1:%d" % port, username="bob", password="pw")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, _, _ = post(conn, rpc_body("supervisor.getState"),
                        {"Authorization": "Bearer abcdef"})
    assert status == 401


def test_inet_auth_right_credentials(sup):
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port,
                             "username": "bob", "password": "pw"})
    start_with(sup, serverurl=url, username="bob", password="pw")
    rpc = sup.proxy(serverurl=url, username="bob", password="pw").supervisor
    assert rpc.getState() == {"statecode": 1, "statename": "RUNNING"}


def test_inet_sha_password(sup):
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    digest = hashlib.sha1(b"hunter2").hexdigest()
    write_servers(sup, inet={"port": "127.0.0.1:%d" % port,
                             "username": "carol", "password": "{SHA}" + digest})
    start_with(sup, serverurl=url, username="carol", password="hunter2")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, _, body = post(conn, rpc_body("supervisor.getAPIVersion"), basic("carol", "hunter2"))
    assert status == 200
    assert xmlrpc.client.loads(body)[0] == ("3.0",)
    # The stored hash is not itself a password.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, _, _ = post(conn, rpc_body("supervisor.getAPIVersion"),
                        basic("carol", "{SHA}" + digest))
    assert status == 401


def test_both_servers_at_once(sup):
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    write_servers(sup, unix={}, inet={"port": "127.0.0.1:%d" % port,
                                      "username": "bob", "password": "pw"}, body="""
        [program:p]
        command=sleep 1000
        startsecs=0
        autostart=false
        """)
    start_with(sup)
    inet = sup.proxy(serverurl=url, username="bob", password="pw").supervisor
    unix = sup.rpc
    assert inet.getPID() == unix.getPID() == sup.proc.pid
    assert inet.startProcess("p") is True
    assert unix.getProcessInfo("p")["statename"] == "RUNNING"
    # Auth applies to the inet server only.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    assert post(conn, rpc_body("supervisor.getState"))[0] == 401


# -- POST /RPC2 with odd bodies ----------------------------------------

def _start_unix_sup(d):
    write_servers(d, unix={}, body="""
        [program:cat]
        command=cat
        startsecs=0
        stdout_logfile={dir}/cat.out
        [program:tailer]
        command=cat
        startsecs=0
        stdout_logfile={dir}/tailer.out
        [program:quiet]
        command=sleep 1000
        startsecs=0
        """)
    start_with(d)
    for name in ("cat", "tailer", "quiet"):
        d.wait_state(name, "RUNNING")


# A daemon on a plain unix socket, shared by the tests of this module that
# need nothing else: cat takes a large body, tailer is followed by /logtail,
# quiet has an empty log.
unix_sup = shared_daemon("http-shared", _start_unix_sup)


def test_garbage_xml_is_400(unix_sup):
    status, _, _ = post(UnixHTTPConnection(unix_sup.sock), "this is <not xml")
    assert status == 400


def test_no_method_name_is_400(unix_sup):
    body = "<?xml version='1.0'?><methodCall><params></params></methodCall>"
    assert post(UnixHTTPConnection(unix_sup.sock), body)[0] == 400


def test_empty_method_name_is_400(unix_sup):
    body = "<?xml version='1.0'?><methodCall><methodName></methodName></methodCall>"
    assert post(UnixHTTPConnection(unix_sup.sock), body)[0] == 400


def test_get_rpc2_is_400(unix_sup):
    conn = UnixHTTPConnection(unix_sup.sock)
    conn.request("GET", "/RPC2")
    assert conn.getresponse().status == 400


def test_post_without_content_length_is_411(unix_sup):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(unix_sup.sock)
    sock.sendall(b"POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\n\r\n")
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    sock.close()
    assert data.split(b"\r\n")[0].split()[1] == b"411"


def test_unknown_method_is_fault_over_200(unix_sup):
    status, headers, body = post(UnixHTTPConnection(unix_sup.sock),
                                 rpc_body("supervisor.noSuchThing"))
    assert status == 200
    assert headers["content-type"] == "text/xml"
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(body)
    assert (info.value.faultCode, info.value.faultString) == (1, "UNKNOWN_METHOD")


def test_wrong_argument_count_is_fault(unix_sup):
    status, _, body = post(UnixHTTPConnection(unix_sup.sock),
                           rpc_body("supervisor.getProcessInfo"))
    assert status == 200
    with pytest.raises(xmlrpc.client.Fault) as info:
        xmlrpc.client.loads(body)
    assert (info.value.faultCode, info.value.faultString) == (2, "INCORRECT_PARAMETERS")


def test_wrong_argument_type_is_fault(unix_sup):
    assert fault_of(unix_sup.rpc.sendProcessStdin, "cat", 42) == (
        2, "INCORRECT_PARAMETERS: 42")
    assert fault_of(unix_sup.rpc.sendProcessStdin, "cat", ["a"]) == (
        2, "INCORRECT_PARAMETERS: ['a']")


def test_request_without_params_element(unix_sup):
    body = ("<?xml version='1.0'?><methodCall><methodName>supervisor.getAPIVersion"
            "</methodName></methodCall>")
    status, _, data = post(UnixHTTPConnection(unix_sup.sock), body)
    assert status == 200
    assert xmlrpc.client.loads(data)[0] == ("3.0",)


def test_untyped_value_is_a_string_and_i4_is_an_int(unix_sup):
    body = ("<?xml version='1.0'?><methodCall>"
            "<methodName>supervisor.readProcessStdoutLog</methodName><params>"
            "<param><value>quiet</value></param>"
            "<param><value><i4>0</i4></value></param>"
            "<param><value><int>0</int></value></param>"
            "</params></methodCall>")
    status, _, data = post(UnixHTTPConnection(unix_sup.sock), body)
    assert status == 200
    assert xmlrpc.client.loads(data)[0] == ("",)


def test_large_request_body(unix_sup):
    chunk = ("0123456789abcdef" * 64 + "\n") * 256   # about 260 KB
    assert unix_sup.rpc.sendProcessStdin("cat", chunk) is True
    path = unix_sup.path("cat.out")
    wait_until(lambda: os.path.getsize(path) == len(chunk), timeout=20,
               what="all bytes to reach cat's log")
    with open(path) as f:
        assert f.read() == chunk


def test_keep_alive_serves_several_requests_on_one_connection(unix_sup):
    conn = UnixHTTPConnection(unix_sup.sock)
    for _ in range(3):
        status, _, body = post(conn, rpc_body("supervisor.getAPIVersion"))
        assert status == 200
        assert xmlrpc.client.loads(body)[0] == ("3.0",)
    first_sock = conn.sock
    status, _, _ = post(conn, rpc_body("supervisor.getPID"))
    assert status == 200
    assert conn.sock is first_sock


def test_http_1_0_request_is_answered_and_closed(unix_sup):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(unix_sup.sock)
    body = rpc_body("supervisor.getAPIVersion").encode()
    sock.sendall(b"POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break            # the server closed the connection
        data += chunk
    sock.close()
    head, _, payload = data.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split()[1] == b"200"
    assert xmlrpc.client.loads(payload)[0] == ("3.0",)


# -- /logtail and /mainlogtail -----------------------------------------

def read_stream_until(resp, text, limit=1 << 20):
    data = b""
    while text.encode() not in data and len(data) < limit:
        chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(1)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace")


def test_logtail_streams_process_stdout(unix_sup):
    unix_sup.wait_state("tailer", "RUNNING")
    unix_sup.rpc.sendProcessStdin("tailer", "first\n")
    wait_until(lambda: unix_sup.read("tailer.out") == "first\n", what="first line logged")
    conn = UnixHTTPConnection(unix_sup.sock, timeout=20)
    conn.request("GET", "/logtail/tailer/stdout")
    resp = conn.getresponse()
    assert resp.status == 200
    assert "first\n" in read_stream_until(resp, "first\n")
    unix_sup.rpc.sendProcessStdin("tailer", "second\n")
    assert "second\n" in read_stream_until(resp, "second\n")
    conn.close()


def test_logtail_unknown_process_is_404(unix_sup):
    conn = UnixHTTPConnection(unix_sup.sock)
    conn.request("GET", "/logtail/nosuch/stdout")
    assert conn.getresponse().status == 404


def test_mainlogtail_streams_main_log(unix_sup):
    conn = UnixHTTPConnection(unix_sup.sock, timeout=20)
    conn.request("GET", "/mainlogtail")
    resp = conn.getresponse()
    assert resp.status == 200
    tail = unix_sup.read("supervisord.log")[-100:]
    assert tail and tail in read_stream_until(resp, tail)
    conn.close()


def test_logtail_requires_auth_when_configured(sup):
    write_servers(sup, unix={"username": "alice", "password": "s3cret"}, body="""
        [program:p]
        command=sleep 1000
        startsecs=0
        """)
    start_with(sup, username="alice", password="s3cret")
    conn = UnixHTTPConnection(sup.sock)
    conn.request("GET", "/logtail/p/stdout")
    resp = conn.getresponse()
    assert resp.status == 401
    assert resp.getheader("WWW-Authenticate") == 'Basic realm="default"'
