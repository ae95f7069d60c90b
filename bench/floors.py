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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--json')
    ap.add_argument('--quick', action='store_true')
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix='supd-floors-',
                            dir='/dev/shm' if os.path.isdir('/dev/shm')
                            else None)
    try:
        bins = bl.build_helpers(os.path.join(work, 'bin'), ('stamp',))
        r = rss_floor(work)
        r.update(write_floor(work, 256 if args.quick else 1024))
        r.update(reap_floor(bins['stamp']))
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
