#!/usr/bin/python3
"""Physical floors for targets that are close to what the machine allows.

- rss: resident size of programs that do nothing: a dynamically linked
  pause() (libc only) and a statically linked one; everything a daemon
  maps comes on top of these.
- write: CPU seconds per GiB to put bytes into a fresh file in the work
  dir (tmpfs for the harness) with 1 MiB write(2)s from memory already in
  hand: what any log capture pays before reading a pipe.
- reap: wall time to SIGTERM 100 idle children and reap them all, the
  floor under stopAllProcesses.
- rpc: getProcessInfo p50 against the harness's canned C server
  (helpers/rpcfloor.c) answering a getProcessInfo reply, timed with the
  same kind of client as the harness's B4: the client's and the kernel's
  part of the call, with no server work at all.
Standard library only (and cc for the two pause programs).
"""

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import benchlib as bl

PAUSE_C = '#include <unistd.h>\nint main(void) { pause(); return 0; }\n'


def rss_floor(work):
    src = os.path.join(work, 'pause.c')
    with open(src, 'w') as f:
        f.write(PAUSE_C)
    out = {}
    for kind, flags in (('dynamic', []), ('static', ['-static'])):
        exe = os.path.join(work, 'pause-' + kind)
        if subprocess.run(['cc', '-O2'] + flags + ['-o', exe, src]
                          ).returncode != 0:
            continue
        p = subprocess.Popen([exe])
        time.sleep(0.3)
        out['pause_%s_rss_kib' % kind] = bl.status_field(p.pid, 'VmRSS')
        p.kill()
        p.wait()
    return out


def write_floor(work, mib=1024):
    path = os.path.join(work, 'floor.dat')
    buf = b'x' * (1 << 20)
    best = None
    for _ in range(3):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
        for _ in range(mib):
            os.write(fd, buf)
        os.close(fd)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        os.unlink(path)
        cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        cpu /= mib / 1024
        best = cpu if best is None else min(best, cpu)
    return {'write_cpu_s_per_gib': best}


def reap_floor(stamp, n=100, repeats=5):
    walls = []
    for _ in range(repeats):
        procs = [subprocess.Popen([stamp, '/dev/null']) for _ in range(n)]
        time.sleep(0.3)
        t = time.perf_counter()
        for p in procs:
            os.kill(p.pid, signal.SIGTERM)
        for p in procs:
            os.waitpid(p.pid, 0)
            p.returncode = -15
        walls.append((time.perf_counter() - t) * 1000)
    walls.sort()
    return {'kill_reap_100_ms': walls[len(walls) // 2]}


INFO_XML = ("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
            "<value><struct>\n" + "".join(
                "<member>\n<name>%s</name>\n<value><%s>%s</%s></value>\n"
                "</member>\n" % (k, t, v, t) for k, t, v in (
                    ('name', 'string', 'p_0500'), ('group', 'string', 'p'),
                    ('start', 'int', '1700000000'), ('stop', 'int', '0'),
                    ('now', 'int', '1700000100'), ('state', 'int', '20'),
                    ('statename', 'string', 'RUNNING'),
                    ('spawnerr', 'string', ''), ('exitstatus', 'int', '0'),
                    ('logfile', 'string', '/tmp/p_0500.log'),
                    ('stdout_logfile', 'string', '/tmp/p_0500.log'),
                    ('stderr_logfile', 'string', ''),
                    ('pid', 'int', '12345'),
                    ('description', 'string', 'pid 12345, uptime 0:01:40'))) +
            "</struct></value>\n</param>\n</params>\n</methodResponse>\n")


def rpc_floor(work, rpcfloor, calls=3000):
    resp = os.path.join(work, 'info.http')
    body = INFO_XML.encode()
    with open(resp, 'wb') as f:
        f.write(b'HTTP/1.1 200 OK\r\nServer: floor\r\nContent-Type: '
                b'text/xml\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
    sock = os.path.join(work, 'floor.sock')
    proc = subprocess.Popen([rpcfloor, sock, resp])
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock) and time.monotonic() < deadline:
            time.sleep(0.01)
        rpc = bl.RPC(sock)
        req = bl.body('supervisor.getProcessInfo', 'p:p_0500')
        for _ in range(50):
            rpc.raw(req)
        lat = []
        for _ in range(calls):
            t = time.perf_counter_ns()
            rpc.raw(req)
            lat.append((time.perf_counter_ns() - t) / 1e6)
        rpc.close()
    finally:
        proc.kill()
        proc.wait()
    return {'rpc_getProcessInfo_p50_ms': bl.pct(lat, 50)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--json')
    ap.add_argument('--quick', action='store_true')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='supd-floors-',
                            dir='/dev/shm' if os.path.isdir('/dev/shm')
                            else None)
    try:
        bins = bl.build_helpers(os.path.join(work, 'bin'), ('stamp', 'rpcfloor'))
        r = rss_floor(work)
        r.update(write_floor(work, 256 if args.quick else 1024))
        r.update(reap_floor(bins['stamp']))
        r.update(rpc_floor(work, bins['rpcfloor']))
    finally:
        bl.kill_descendants()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(r, indent=1))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(r, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
