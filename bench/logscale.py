#!/usr/bin/python3
"""Log capture throughput against the number of idle programs.

The harness measures one writer alone and with 1000 idle programs; this
fills in the curve between, for supd and supervisord on the same axes.
Measured as the harness's B3 `K=1 +N idle` variant: one writer program
(100-byte lines in ~64 KB writes) and N idle programs, all RUNNING first;
the clock runs from startAllProcesses(false) until the log file ends with
the writer's end line and has the expected size. Interleaved repeats,
median reported. The reference is the same writer piped into `cat >
file`, timed from its start to cat's exit, at the same size: a short
transfer pays start-up costs a 256 MiB one hides. Standard library only.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib as bl

END = b'E' * 99 + b'\n'


def trial(cmd, tdir, bins, nidle, size):
    logf = os.path.join(tdir, 'logs', 'w0.log')
    sf = os.path.join(tdir, 'starts')
    progs = [{'name': 'w0', 'argv': [bins['writer'], str(size)],
              'autostart': False, 'autorestart': False, 'logfile': logf}]
    progs += [{'name': 'p%05d' % i, 'argv': [bins['stamp'], sf]}
              for i in range(nidle)]
    conf, sock = bl.write_conf(tdir, progs)
    proc, _ = bl.launch(cmd, conf, tdir)
    rpc = bl.RPC(sock)
    try:
        bl.wait_socket(proc, sock, 120)
        end = time.monotonic() + 300
        while True:
            st = [i['state'] for i in rpc.call('supervisor.getAllProcessInfo')]
            if st.count(bl.STOPPED) == 1 and st.count(bl.RUNNING) == nidle:
                break
            if time.monotonic() > end:
                raise RuntimeError('programs not ready')
            time.sleep(0.05)
        c0 = bl.cpu_ns(proc.pid)
        t0 = time.perf_counter()
        rpc.call('supervisor.startAllProcesses', False)
        expect = size // 100 * 100
        end = t0 + 600
        while True:
            try:
                with open(logf, 'rb') as f:
                    f.seek(0, 2)
                    n = f.tell()
                    if n >= 100:
                        f.seek(n - 100)
                        if f.read(100) == END and n == expect:
                            break
            except FileNotFoundError:
                pass
            if time.perf_counter() > end:
                raise RuntimeError('log incomplete after 600 s')
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        cpu = (bl.cpu_ns(proc.pid) - c0) / 1e9
        return expect / 2 ** 20 / wall, cpu / (expect / 2 ** 30)
    finally:
        bl.stop(proc, rpc)


def cat_trial(tdir, bins, size):
    """The writer piped into cat, as the harness's pipe->cat reference."""
    out_path = os.path.join(tdir, 'cat.out')
    t0 = time.perf_counter()
    w = subprocess.Popen([bins['writer'], str(size)], stdout=subprocess.PIPE)
    with open(out_path, 'wb') as out:
        c = subprocess.Popen(['cat'], stdin=w.stdout, stdout=out)
    w.stdout.close()
    c.wait()
    w.wait()
    wall = time.perf_counter() - t0
    expect = size // 100 * 100
    if os.path.getsize(out_path) != expect:
        raise RuntimeError('cat wrote %d bytes, expected %d' % (
            os.path.getsize(out_path), expect))
    os.unlink(out_path)
    return expect / 2 ** 20 / wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--daemon', required=True)
    ap.add_argument('--vs', default='supervisord')
    ap.add_argument('--idle', default='0,10,100,300,1000')
    ap.add_argument('--mib', type=int, default=32)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--json')
    args = ap.parse_args()
    if args.quick:
        args.idle, args.mib, args.repeats = '0,100', 8, 1
    bl.become_subreaper()
    work = tempfile.mkdtemp(prefix='supd-logscale-',
                            dir='/dev/shm' if os.path.isdir('/dev/shm')
                            else None)
    who = [('supd', args.daemon)] + ([('supervisord', args.vs)]
                                     if args.vs else [])
    res = {}
    try:
        bins = bl.build_helpers(os.path.join(work, 'bin'))
        cats = []
        for r in range(max(3, args.repeats)):
            tdir = os.path.join(work, 't')
            shutil.rmtree(tdir, ignore_errors=True)
            os.makedirs(tdir)
            cats.append(cat_trial(tdir, bins, args.mib * 2 ** 20))
        bl.log('pipe->cat: %.0f MiB/s' % statistics.median(cats))
        for nidle in [int(x) for x in args.idle.split(',')]:
            for r in range(args.repeats):
                order = who if r % 2 == 0 else who[::-1]
                for label, cmd in order:
                    tdir = os.path.join(work, 't')
                    shutil.rmtree(tdir, ignore_errors=True)
                    os.makedirs(tdir)
                    mibs, cpu = trial(cmd, tdir, bins, nidle,
                                      args.mib * 2 ** 20)
                    res.setdefault(label, {}).setdefault(
                        str(nidle), []).append([mibs, cpu])
                    bl.log('%s idle=%d: %.0f MiB/s, daemon CPU %.2f s/GiB' %
                           (label, nidle, mibs, cpu))
    finally:
        bl.kill_descendants()
        shutil.rmtree(work, ignore_errors=True)
    summary = {}
    for label, by_n in res.items():
        for n, samples in by_n.items():
            summary.setdefault(label, {})[n] = {
                'mib_s': statistics.median(s[0] for s in samples),
                'cpu_s_per_gib': statistics.median(s[1] for s in samples),
                'samples': samples}
    print(json.dumps(summary, indent=1))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'mib_per_writer': args.mib, 'repeats': args.repeats,
                       'cat_mib_s': statistics.median(cats),
                       'results': summary}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
