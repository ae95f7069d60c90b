"""Privileges: a program with user= runs with that user's uid, primary gid
and supplementary groups (and none of root's), and inherits no descriptor
of the daemon however many it holds (sockets, clients, logs); a daemon
with [supervisord] user= drops to it before it creates its socket, logs
and pidfile, so all of them belong to that user, as in Supervisor."""
import grp
import json
import os
import pwd
import shutil
import socket
import stat
import tempfile

import pytest

from conftest import Daemon, check_daemon, wait_until
from test_http import free_port

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch user")

# Writes what the process is and holds as JSON, then sleeps.
WHOAMI = """\
#!/usr/bin/python3
import fcntl, json, os, sys, time
names = os.listdir("/proc/self/fd")
fds = []
for name in names:
    try:
        fcntl.fcntl(int(name), fcntl.F_GETFD)   # listdir's own is closed now
    except OSError:
        continue
    fds.append(int(name))
out = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
       "egid": os.getegid(), "groups": sorted(os.getgroups()),
       "fds": sorted(fds)}
with open(sys.argv[1] + ".tmp", "w") as f:
    json.dump(out, f)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(1000)
"""


@pytest.fixture
def public_dir():
    """A directory any user can reach (pytest's own tmp is 0700)."""
    path = tempfile.mkdtemp(prefix="supd-priv-")
    os.chmod(path, 0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def whoami(public_dir):
    path = os.path.join(public_dir, "whoami.py")
    with open(path, "w") as f:
        f.write(WHOAMI)
    os.chmod(path, 0o755)
    return path


def read_json(path):
    wait_until(lambda: os.path.exists(path), what=path)
    with open(path) as f:
        return json.load(f)


def user_with_supplementary_groups():
    """A user of this system who is a member of some group besides its
    primary one, or None."""
    for g in grp.getgrall():
        for name in g.gr_mem:
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                continue
            if pw.pw_uid != 0 and g.gr_gid != pw.pw_gid:
                return pw
    return None


@needs_root
def test_user_program_gets_the_users_supplementary_groups(sup, public_dir):
    pw = user_with_supplementary_groups()
    if pw is None:
        pytest.skip("no user with supplementary groups on this system")
    script = whoami(public_dir)
    sup.write("""
        [program:member]
        command=%s %s/member.json
        user=%s
        startsecs=0
        """ % (script, public_dir, pw.pw_name))
    sup.start()
    seen = read_json(os.path.join(public_dir, "member.json"))
    assert (seen["uid"], seen["euid"]) == (pw.pw_uid, pw.pw_uid)
    assert (seen["gid"], seen["egid"]) == (pw.pw_gid, pw.pw_gid)
    assert seen["groups"] == sorted(set(os.getgrouplist(pw.pw_name, pw.pw_gid)))
    assert 0 not in seen["groups"]


@needs_root
def test_no_daemon_descriptor_reaches_a_user_program(sup, public_dir):
    """Spawned while the daemon holds two servers, client connections,
    a held request, an event listener's pipes and several logs."""
    script = whoami(public_dir)
    port = free_port()
    sup.write("""
        [inet_http_server]
        port=127.0.0.1:%d

        [program:steady]
        command=sleep 1000
        startsecs=0
        stdout_logfile={dir}/steady.log
        stderr_logfile={dir}/steady.err

        [eventlistener:listener]
        command=python3 -c "import sys, time; sys.stdout.write('READY\\n'); sys.stdout.flush(); time.sleep(1000)"
        events=PROCESS_STATE

        [program:nobody]
        command=%s %s/nobody.json
        user=nobody
        autostart=false
        startsecs=0
        """ % (port, script, public_dir))
    sup.start()
    sup.wait_state("listener", "RUNNING")
    clients = []
    for _ in range(5):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(sup.sock)
        c.sendall(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 100\r\n\r\n<?xml")
        clients.append(c)
    clients.append(socket.create_connection(("127.0.0.1", port), timeout=10))
    assert sup.rpc.startProcess("nobody")
    seen = read_json(os.path.join(public_dir, "nobody.json"))
    assert seen["uid"] == 65534
    assert seen["fds"] == [0, 1, 2]
    for c in clients:
        c.close()


@needs_root
@pytest.mark.parametrize("how", ["option", "config"])
def test_daemon_user_owns_everything_created_after_the_drop(daemon_kind, how):
    """-u nobody, or user=nobody in [supervisord]: the same drop."""
    public = tempfile.mkdtemp(prefix="supd-daemon-user-")
    os.chmod(public, 0o777)
    d = Daemon(daemon_kind, public)
    os.chmod(d.path("logs"), 0o777)
    try:
        script = whoami(public)
        d.write("""
            [program:child]
            command=%s %s/child.json
            startsecs=0
            stderr_logfile={dir}/child.err
            """ % (script, public))
        if how == "config":
            with open(d.conf) as f:
                text = f.read()
            with open(d.conf, "w") as f:
                f.write(text.replace("[supervisord]\n", "[supervisord]\nuser=nobody\n", 1))
            d.start()
        else:
            d.start("-u", "nobody")
        seen = read_json(os.path.join(public, "child.json"))
        assert (seen["uid"], seen["gid"]) == (65534, 65534)
        info = d.info("child")
        owned = [d.logfile, d.sock, d.path("supervisord.pid"),
                 info["stdout_logfile"], info["stderr_logfile"]]
        for path in owned:
            st = os.lstat(path)
            assert (path, st.st_uid) == (path, 65534)
        assert stat.S_ISSOCK(os.lstat(d.sock).st_mode)
    finally:
        d.stop()
        try:
            check_daemon(d)
        finally:
            shutil.rmtree(public, ignore_errors=True)
