#!/usr/bin/python3
"""Scaling check: one supd managing 10,000 programs.

Starts supd on a generated config of N stamp programs (autostart, minfds
as the harness sets it: 4N+128, so supd raises RLIMIT_NOFILE itself), and
reports: launch to all programs started, memory, idle CPU and wake-ups
over a 10 s window with no API calls (as the harness's B1), the latency
of getAllProcessInfo and getProcessInfo (p50 on one connection, as B4),
and the wall time of `supctl status`. Everything is bounded: the whole
check gives up after --budget seconds and kills what it started.
Standard library only.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib as bl


def timed(rpc, body, n, budget):
    for _ in range(2):
        rpc.raw(body)
    lat = []
    end = time.perf_counter() + budget
    for i in range(n):
        t = time.perf_counter_ns()
        rpc.raw(body)
        lat.append((time.perf_counter_ns() - t) / 1e6)
        if i >= 4 and time.perf_counter() > end:
            break
    return lat


def wait_stamps(path, n, proc, deadline):
    while True:
        try:
            with open(path, 'rb') as f:
                lines = f.read().split(b'\n')[:-1]
        except FileNotFoundError:
            lines = []
        if len(lines) >= n:
            return [int(x.split()[0]) for x in lines]
        if proc.poll() is not None:
            raise RuntimeError('supd exited with %d' % proc.returncode)
        if time.monotonic() > deadline:
            raise RuntimeError('%d of %d programs started in time' % (
                len(lines), n))
        time.sleep(0.05)


def fit(n):
    """Descriptors for n programs: (minfds, per-program log file, note).
    supd keeps three descriptors per running program with a log file
    (stdin and stdout pipes, the file) and raises RLIMIT_NOFILE to minfds
    itself; raising the hard limit needs CAP_SYS_RESOURCE, which a
    container may not grant. Then the programs log to NONE: their output
    goes to /dev/null without passing through supd, which keeps one
    descriptor (the stdin pipe) per program."""
    want = max(1024, 4 * n + 128)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard >= want:
        return want, True, None
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
        return want, True, None
    except (ValueError, OSError):
        pass
    minfds = n + 1024
    if minfds > hard:
        raise RuntimeError('RLIMIT_NOFILE hard limit %d is too low even for '
                           '%d programs without logs' % (hard, n))
    return minfds, False, (
        'RLIMIT_NOFILE hard limit is %d here and cannot be raised (no '
        'CAP_SYS_RESOURCE); %d programs with log files need %d descriptors, '
        'so they run with stdout_logfile=NONE (one descriptor each) and '
        'minfds=%d' % (hard, n, 3 * n + 128, minfds))


def check(args, work, bins):
    n = args.n
    minfds, logs, note = fit(n)
    if note:
        bl.log(note)
    sf = os.path.join(work, 'starts')
    progs = [{'name': 'p%05d' % i, 'argv': [bins['stamp'], sf]}
             for i in range(n)]
    if not logs:
        for p in progs:
            p['logfile'] = 'NONE'
    conf, sock = bl.write_conf(work, progs, minfds)
    deadline = time.monotonic() + args.budget
    proc, t0 = bl.launch(args.daemon, conf, work)
    rpc = bl.RPC(sock)
    r = {'programs': n, 'minfds': minfds, 'logs': logs}
    if note:
        r['note'] = note
    try:
        stamps = wait_stamps(sf, n, proc, deadline)
        r['launch_to_last_started_ms'] = (max(stamps) - t0) / 1e6
        bl.log('all %d started %.0f ms after launch' % (
            n, r['launch_to_last_started_ms']))
        bl.wait_socket(proc, sock, 30)
        bl.wait_states(rpc, n, bl.RUNNING, max(5, deadline - time.monotonic()))
        rpc.close()
        with open('/proc/%d/limits' % proc.pid) as f:
            for line in f:
                if line.startswith('Max open files'):
                    r['rlimit_nofile'] = int(line.split()[3])
        r['open_fds'] = len(os.listdir('/proc/%d/fd' % proc.pid))
        time.sleep(2)
        c0, w0 = bl.cpu_ns(proc.pid), bl.ctxsw(proc.pid)
        t = time.monotonic()
        time.sleep(args.window)
        dt = time.monotonic() - t
        r['idle_cpu_ms_per_10s'] = (bl.cpu_ns(proc.pid) - c0) / 1e6 * 10 / dt
        r['idle_wakeups_per_s'] = (bl.ctxsw(proc.pid) - w0) / dt
        r['rss_mib'] = bl.status_field(proc.pid, 'VmRSS') / 1024
        bl.log('idle: %.3f ms CPU per 10 s, %.2f wake-ups/s, RSS %.1f MiB' % (
            r['idle_cpu_ms_per_10s'], r['idle_wakeups_per_s'], r['rss_mib']))
        lat = timed(rpc, bl.body('supervisor.getAllProcessInfo'), 50, 20)
        r['getAllProcessInfo_p50_ms'] = bl.pct(lat, 50)
        r['getAllProcessInfo_calls'] = len(lat)
        lat = timed(rpc, bl.body('supervisor.getProcessInfo',
                                 'p%05d' % (n // 2)), 500, 10)
        r['getProcessInfo_p50_ms'] = bl.pct(lat, 50)
        rpc.close()
        walls = []
        for _ in range(5):
            t = time.perf_counter()
            cp = subprocess.run([args.ctl, '-c', conf, 'status'],
                                capture_output=True, timeout=120)
            walls.append((time.perf_counter() - t) * 1000)
            if cp.stdout.count(b'RUNNING') != n:
                raise RuntimeError('supctl status printed %d RUNNING lines' %
                                   cp.stdout.count(b'RUNNING'))
        r['supctl_status_ms'] = statistics.median(walls)
        bl.log('getAllProcessInfo p50 %.1f ms, getProcessInfo p50 %.3f ms, '
               'supctl status %.0f ms' % (
                   r['getAllProcessInfo_p50_ms'], r['getProcessInfo_p50_ms'],
                   r['supctl_status_ms']))
        t = time.perf_counter()
        rpc.call('supervisor.stopAllProcesses', True)
        r['stopAllProcesses_ms'] = (time.perf_counter() - t) * 1000
        bl.log('stopAllProcesses(wait) %.0f ms' % r['stopAllProcesses_ms'])
    finally:
        bl.stop(proc, rpc)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--daemon', required=True)
    ap.add_argument('--ctl', required=True)
    ap.add_argument('--n', type=int, default=10000)
    ap.add_argument('--window', type=float, default=10.0)
    ap.add_argument('--budget', type=float, default=300.0,
                    help='seconds before giving up (default %(default)s)')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--json')
    args = ap.parse_args()
    if args.quick:
        args.n, args.window = min(args.n, 1000), 2.0
    bl.become_subreaper()
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(143))
    work = tempfile.mkdtemp(prefix='supd-scale-',
                            dir='/dev/shm' if os.path.isdir('/dev/shm')
                            else None)
    rc = 0
    try:
        bins = bl.build_helpers(os.path.join(work, 'bin'), ('stamp',))
        r = check(args, work, bins)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        bl.log('FAILED: %s' % e)
        r = {'programs': args.n, 'error': str(e)}
        rc = 1
    finally:
        bl.kill_descendants()
        shutil.rmtree(work, ignore_errors=True)
    with open('/proc/loadavg') as f:
        r['loadavg'] = f.read().split()[0]
    print(json.dumps(r, indent=1))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(r, f, indent=1)
    return rc


if __name__ == '__main__':
    sys.exit(main())
