"""supctl against many daemons: several -s (or [hosts]) make status one
table with a HOST column, asked in parallel; a dead or silent host is shown
as UNREACHABLE and makes the exit status 1. --timeout bounds every call."""
import os
import socket
import subprocess
import threading

import pytest

from conftest import BUILD

pytestmark = pytest.mark.supd_only

SUPCTL = os.path.join(BUILD, "supctl")


def two_daemons(sup_factory):
    daemons = []
    for name in ("one", "two"):
        d = sup_factory(name)
        d.write("""
        [program:%s_a]
        command=sleep 1000
        startsecs=0

        [program:%s_b]
        command=sleep 1000
        autostart=false
        """ % (name, name))
        d.start()
        d.wait_state("%s_a" % name, "RUNNING")
        daemons.append(d)
    return daemons


def rows(out):
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["HOST", "NAME", "STATE"]
    return [line.split(None, 3) for line in lines[1:]]


def run(*args, timeout=60, cwd=None):
    return subprocess.run([SUPCTL, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


def test_status_of_two_daemons_and_a_dead_socket(sup_factory, tmp_path):
    one, two = two_daemons(sup_factory)
    dead = str(tmp_path / "dead.sock")
    r = run("-s", "unix://" + one.sock, "-s", "unix://" + two.sock, "-s", "unix://" + dead,
            "status")
    assert r.returncode == 1, r.stdout + r.stderr
    got = rows(r.stdout)
    assert [one.sock, "one_a", "RUNNING"] == got[0][:3]
    assert [one.sock, "one_b", "STOPPED"] == got[1][:3]
    assert [two.sock, "two_a", "RUNNING"] == got[2][:3]
    assert [two.sock, "two_b", "STOPPED"] == got[3][:3]
    assert got[4][0] == dead and got[4][2] == "UNREACHABLE"
    assert len(got) == 5


def test_all_answering_is_status_as_usual(sup_factory):
    one, two = two_daemons(sup_factory)
    one.rpc.startProcess("one_b")
    two.rpc.startProcess("two_b")
    r = run("-s", "unix://" + one.sock, "-s", "unix://" + two.sock, "status")
    assert r.returncode == 0, r.stdout + r.stderr
    assert {row[2] for row in rows(r.stdout)} == {"RUNNING"}


def test_hosts_section_of_the_client_config(sup_factory, tmp_path):
    one, two = two_daemons(sup_factory)
    conf = tmp_path / "client.conf"
    conf.write_text("[supervisorctl]\n\n[hosts]\nall = unix://%s, unix://%s\n" % (one.sock, two.sock))
    r = run("-c", str(conf), "status")
    got = rows(r.stdout)
    assert {row[0] for row in got} == {one.sock, two.sock}
    assert len(got) == 4


def test_inet_host_is_labelled_host_port(sup):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sup.write("""
    [inet_http_server]
    port=127.0.0.1:%d
    username=u
    password=p

    [program:x]
    command=sleep 1000
    startsecs=0
    """ % port)
    sup.start()
    sup.wait_state("x", "RUNNING")
    r = run("-s", "http://127.0.0.1:%d" % port, "-s", "unix://" + sup.sock, "-u", "u", "-p", "p",
            "status")
    assert r.returncode == 0, r.stdout + r.stderr
    got = rows(r.stdout)
    assert got[0][:3] == ["127.0.0.1:%d" % port, "x", "RUNNING"]
    assert got[1][:3] == [sup.sock, "x", "RUNNING"]


def test_several_servers_only_for_status(sup_factory):
    one, two = two_daemons(sup_factory)
    r = run("-s", "unix://" + one.sock, "-s", "unix://" + two.sock, "stop", "all")
    assert r.returncode == 2
    assert one.state("one_a") == "RUNNING"


class Silent:
    """A server that accepts connections and never answers."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(path)
        self.sock.listen(8)
        self.conns = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def test_timeout_with_a_server_that_never_answers(tmp_path):
    path = str(tmp_path / "silent.sock")
    silent = Silent(path)
    try:
        # The subprocess timeout is far above --timeout: the command must
        # give up on its own.
        r = run("-s", "unix://" + path, "--timeout", "1", "status", timeout=60)
        assert r.returncode != 0
        assert "timeout" in (r.stdout + r.stderr)
    finally:
        silent.close()


def test_silent_host_among_answering_ones(sup_factory, tmp_path):
    one, two = two_daemons(sup_factory)
    path = str(tmp_path / "silent.sock")
    silent = Silent(path)
    try:
        r = run("-s", "unix://" + one.sock, "-s", "unix://" + path, "-s", "unix://" + two.sock,
                "--timeout", "1", "status", timeout=60)
    finally:
        silent.close()
    assert r.returncode == 1
    got = rows(r.stdout)
    assert [row[0] for row in got] == [one.sock, one.sock, path, two.sock, two.sock]
    assert got[2][2] == "UNREACHABLE"


def test_bad_timeout_is_a_usage_error():
    r = run("-s", "unix:///nonexistent", "--timeout", "soon", "status")
    assert r.returncode == 2
    assert "--timeout" in r.stderr
