"""Many clients at once: 200 concurrent XML-RPC clients while programs
crash and restart, clients that vanish mid-request or while their call
waits; every answer is right and the daemon's descriptors come back to
their baseline (no leak)."""
import gc
import os
import socket
import threading
import time
import xmlrpc.client

from conftest import wait_until

CLIENTS = 200
CALLS_PER_CLIENT = 5
STATES = {"STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL"}
INFO_KEYS = {
    "name", "group", "description", "start", "stop", "now", "state",
    "statename", "spawnerr", "exitstatus", "logfile", "stdout_logfile",
    "stderr_logfile", "pid",
}
CRASHERS = ["crash0", "crash1", "crash2"]
CRASHER_CONF = "".join("""
    [program:%s]
    command=sh -c 'sleep 0.1; exit 1'
    startsecs=0
    autorestart=true
    """ % name for name in CRASHERS)


def fd_count(pid):
    """The daemon's open descriptors.  Our own finished proxies can sit in
    reference cycles with their sockets still open (and so the daemon's
    end too); collect them first."""
    gc.collect()
    return len(os.listdir("/proc/%d/fd" % pid))


def socket_count(pid):
    """The daemon's open sockets (listening and connected)."""
    gc.collect()
    fds = "/proc/%d/fd" % pid
    n = 0
    for fd in os.listdir(fds):
        try:
            n += os.readlink(os.path.join(fds, fd)).startswith("socket:")
        except FileNotFoundError:
            pass    # closed while we looked
    return n


def settled(count, pid):
    """count(pid) once two reads agree."""
    last = [None]

    def check():
        n = count(pid)
        same = n == last[0]
        last[0] = n
        return n if same else None
    return wait_until(check, interval=0.1, what="%s to settle" % count.__name__)


def settled_fds(pid):
    """The daemon's descriptor count once two reads agree."""
    return settled(fd_count, pid)


def settled_sockets(pid):
    return settled(socket_count, pid)


def stop_crashers(sup):
    """Stop the crashers; they may be between runs (EXITED, about to be
    restarted), so repeat until all are STOPPED."""
    def all_stopped():
        sup.rpc.stopAllProcesses()
        return all(i["statename"] == "STOPPED" for i in sup.rpc.getAllProcessInfo())
    wait_until(all_stopped, timeout=30, what="crashers to stop")


def raw_connect(sup):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(sup.sock)
    return sock


def rpc_request(method, *params):
    body = xmlrpc.client.dumps(params, method).encode()
    return (b"POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body


def test_200_clients_while_programs_crash(sup):
    sup.write(CRASHER_CONF)
    sup.start()
    daemon = sup.proc.pid

    # Let every crasher go round at least once, then measure the baseline
    # with them stopped.
    first = {n: sup.wait_state(n, "RUNNING", "EXITED")["start"] for n in CRASHERS}
    wait_until(lambda: all(sup.info(n)["start"] > first[n] or sup.info(n)["stop"] > 0
                           for n in CRASHERS), what="crashers to crash")
    stop_crashers(sup)
    baseline = settled_fds(daemon)

    assert len(sup.rpc.startAllProcesses(False)) == len(CRASHERS)
    barrier = threading.Barrier(CLIENTS)
    errors = []
    answered = []
    pids_seen = set()
    lock = threading.Lock()

    def client(i):
        proxy = sup.proxy(timeout=60)
        try:
            barrier.wait(timeout=60)
            for _ in range(CALLS_PER_CLIENT):
                infos = proxy.supervisor.getAllProcessInfo()
                names = [info["name"] for info in infos]
                problems = []
                if names != CRASHERS:
                    problems.append("names %r" % names)
                for info in infos:
                    if set(info) != INFO_KEYS or info["statename"] not in STATES:
                        problems.append("bad info %r" % info)
                    elif info["statename"] == "RUNNING" and info["pid"] <= 0:
                        problems.append("RUNNING without pid %r" % info)
                with lock:
                    answered.append(i)
                    pids_seen.update(info["pid"] for info in infos if info["pid"])
                    if problems:
                        errors.append((i, problems))
        except Exception as exc:
            with lock:
                errors.append((i, repr(exc)))
        finally:
            proxy("close")()

    threads = [threading.Thread(target=client, args=(i,), daemon=True)
               for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "clients still running after 120s"
    assert errors == []
    assert len(answered) == CLIENTS * CALLS_PER_CLIENT
    # The programs really were crashing and restarting meanwhile.
    assert len(pids_seen) > len(CRASHERS)

    stop_crashers(sup)
    wait_until(lambda: fd_count(daemon) == baseline, timeout=15,
               what="descriptors back to %d (now %d)" % (baseline, fd_count(daemon)))
    assert sup.rpc.getState()["statename"] == "RUNNING"


def test_clients_vanishing_mid_request_do_not_disturb_others(sup):
    sup.write("""
        [program:p]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    daemon = sup.proc.pid
    sup.wait_state("p", "RUNNING")
    baseline = settled_fds(daemon)
    full = rpc_request("supervisor.getAllProcessInfo")
    partials = [
        b"",                                        # connect, then close
        b"POST /RPC2 HTTP/1.1\r\nHost: loc",        # half a header
        full[:len(full) - len(full) // 3],          # headers, half a body
        full.split(b"\r\n\r\n")[0] + b"\r\n\r\n",   # headers, no body
    ]
    stop = threading.Event()
    good_errors = []
    good_calls = [0]

    def good_client():
        proxy = sup.proxy(timeout=30)
        try:
            while not stop.is_set():
                infos = proxy.supervisor.getAllProcessInfo()
                if [i["name"] for i in infos] != ["p"] or infos[0]["statename"] != "RUNNING":
                    good_errors.append(infos)
                good_calls[0] += 1
        except Exception as exc:
            good_errors.append(repr(exc))
        finally:
            proxy("close")()

    goods = [threading.Thread(target=good_client, daemon=True) for _ in range(4)]
    for t in goods:
        t.start()
    try:
        # Some bad clients stay connected for a while, half-way through.
        held = []
        for n in range(100):
            sock = raw_connect(sup)
            if partials[n % len(partials)]:
                sock.sendall(partials[n % len(partials)])
            if n % 5 == 0:
                held.append(sock)
            else:
                sock.close()
        # Served while those are still hanging.
        start_calls = good_calls[0]
        wait_until(lambda: good_calls[0] > start_calls + 20, timeout=30,
                   what="good clients to keep being served")
        assert sup.rpc.getState()["statename"] == "RUNNING"
        for sock in held:
            sock.close()
    finally:
        stop.set()
        for t in goods:
            t.join(timeout=60)
    assert not any(t.is_alive() for t in goods)
    assert good_errors == []
    wait_until(lambda: fd_count(daemon) == baseline, timeout=15,
               what="descriptors back to %d (now %d)" % (baseline, fd_count(daemon)))


def test_client_gone_while_its_call_waits(sup):
    sup.write("""
        [program:slow]
        command=sleep 1000
        startsecs=2
        autostart=false
        """)
    sup.start()
    daemon = sup.proc.pid
    baseline = settled_fds(daemon)
    sock = raw_connect(sup)
    sock.sendall(rpc_request("supervisor.startProcess", "slow", True))
    # The call is being served (process STARTING) and its answer waits.
    sup.wait_state("slow", "STARTING")
    sock.close()
    sup.wait_state("slow", "RUNNING")
    assert sup.rpc.getState()["statename"] == "RUNNING"
    sup.rpc.stopProcess("slow")
    wait_until(lambda: fd_count(daemon) == baseline, timeout=15,
               what="descriptors back to %d (now %d)" % (baseline, fd_count(daemon)))


def test_client_gone_after_pipelining_while_its_call_waits(sup):
    # The client sends its next request before the answer to a waiting
    # call, then hangs up: the daemon closes its end long before the call
    # would have been answered (startsecs), and keeps no descriptor.
    sup.write("""
        [program:slow]
        command=sleep 1000
        startsecs=60
        autostart=false
        """)
    sup.start()
    daemon = sup.proc.pid
    sockets = settled_sockets(daemon)
    sock = raw_connect(sup)
    sock.sendall(rpc_request("supervisor.startProcess", "slow", True))
    sup.wait_state("slow", "STARTING")
    sock.sendall(rpc_request("supervisor.getState"))
    time.sleep(0.5)     # seen before the hang-up, and after it
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(15)
    got = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        pass    # closed with our pipelined request unread
    sock.close()
    assert got == b""
    assert sup.rpc.getProcessInfo("slow")["statename"] == "STARTING"
    # Its stdio pipes stay with it: count the sockets.
    wait_until(lambda: socket_count(daemon) == sockets, timeout=15,
               what="sockets back to %d (now %d)" % (sockets, socket_count(daemon)))
    sup.rpc.stopProcess("slow")


def test_many_waiting_calls_at_once(sup):
    # Twenty clients each start their own program with wait=True: every
    # one gets its own answer when its program is up.
    names = ["w%02d" % i for i in range(20)]
    sup.write("".join("""
        [program:%s]
        command=sleep 1000
        startsecs=1
        autostart=false
        """ % n for n in names))
    sup.start()
    results = {}
    lock = threading.Lock()

    def client(name):
        proxy = sup.proxy(timeout=60)
        try:
            value = proxy.supervisor.startProcess(name)
        except Exception as exc:
            value = repr(exc)
        finally:
            proxy("close")()
        with lock:
            results[name] = value

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert results == {n: True for n in names}
    assert {i["statename"] for i in sup.rpc.getAllProcessInfo()} == {"RUNNING"}
