#!/usr/bin/python3
"""Daemon CPU per GiB logged for a line-by-line writer, against cat.

One program writes short lines (100 bytes unless --len), each its own
write(2), like a program that flushes stdout after every line, into a log
file of its own; --spin makes it do some work before each line, so that
a reader that keeps up sees one line per wake-up. The figure is the daemon's CPU time
(of all its threads, from /proc/PID/task/*/schedstat) from startProcess until
the log is complete, per GiB logged. The reference is the same writer
piped into `cat >file`, charged cat's own CPU time (from wait4). Both
write under /dev/shm so the disk does not enter into it. Runs alternate
between the two, and the medians are printed. Standard library only.

    bench/linewriter.py --daemon build/src/supd/supd [--mib 64] [--repeats 5]
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

TICK = os.sysconf('SC_CLK_TCK')

# The writer: COUNT lines of LEN bytes, one write(2) each, with SPIN
# nanoseconds of busy work before each (a program doing something between
# lines; 0 writes flat out). The last line is all 'E' so a reader can tell
# the stream is complete.
WRITER = r"""
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

int
main(int argc, char **argv)
{
	long long count = atoll(argv[1]), i, until;
	int len = atoi(argv[2]);
	long spin = atol(argv[3]);
	char line[4096];

	memset(line, 'x', len - 1);
	line[len - 1] = '\n';
	for (i = 0; i < count; i++) {
		if (i == count - 1)
			memset(line, 'E', len - 1);
		if (spin > 0)
			for (until = now() + spin; now() < until;)
				;
		if (write(1, line, len) != len)
			return (1);
	}
	return (0);
}
"""


def build_writer(bindir):
    os.makedirs(bindir, exist_ok=True)
    src = os.path.join(bindir, 'linewriter.c')
    with open(src, 'w') as f:
        f.write(WRITER)
    dst = os.path.join(bindir, 'linewriter')
    subprocess.run(['cc', '-O2', '-o', dst, src], check=True)
    return dst


def writer_argv(bins, size, args):
    return [bins['writer'], str(size // args.len), str(args.len),
            str(args.spin)]


def proc_cpu(pid):
    """CPU seconds of all the process's threads: sum_exec_runtime from
    /proc/PID/task/*/schedstat, in nanoseconds where /proc/PID/stat's
    utime + stime count clock ticks (too coarse for short runs)."""
    try:
        return bl.cpu_ns(pid) / 1e9
    except OSError:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK


def daemon_trial(cmd, tdir, bins, size, args):
    logf = os.path.join(tdir, 'logs', 'w0.log')
    progs = [{'name': 'w0', 'argv': writer_argv(bins, size, args),
              'autostart': False, 'autorestart': False, 'logfile': logf}]
    conf, sock = bl.write_conf(tdir, progs)
    proc, _ = bl.launch(cmd, conf, tdir)
    rpc = bl.RPC(sock)
    try:
        bl.wait_socket(proc, sock, 120)
        bl.wait_states(rpc, 1, bl.STOPPED, 60)
        c0 = proc_cpu(proc.pid)
        t0 = time.perf_counter()
        rpc.call('supervisor.startProcess', 'w0', False)
        expect = size // args.len * args.len
        end = b'E' * (args.len - 1) + b'\n'
        while True:
            try:
                with open(logf, 'rb') as f:
                    f.seek(0, 2)
                    n = f.tell()
                    if n >= args.len:
                        f.seek(n - args.len)
                        if f.read(args.len) == end and n == expect:
                            break
            except FileNotFoundError:
                pass
            if time.perf_counter() - t0 > 600:
                raise RuntimeError('log incomplete after 600 s')
            time.sleep(0.01)
        cpu = proc_cpu(proc.pid) - c0
        return cpu / (expect / 2 ** 30)
    finally:
        bl.stop(proc, rpc)


def cat_trial(tdir, bins, size, args):
    out_path = os.path.join(tdir, 'cat.out')
    w = subprocess.Popen(writer_argv(bins, size, args),
                         stdout=subprocess.PIPE)
    with open(out_path, 'wb') as out:
        c = subprocess.Popen(['cat'], stdin=w.stdout, stdout=out)
    w.stdout.close()
    _, status, ru = os.wait4(c.pid, 0)
    c.returncode = os.waitstatus_to_exitcode(status)
    w.wait()
    expect = size // args.len * args.len
    if os.path.getsize(out_path) != expect:
        raise RuntimeError('cat wrote %d bytes, expected %d' % (
            os.path.getsize(out_path), expect))
    os.unlink(out_path)
    return (ru.ru_utime + ru.ru_stime) / (expect / 2 ** 30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--daemon', required=True,
                    help='command line of supd (or supervisord)')
    ap.add_argument('--mib', type=int, default=64)
    ap.add_argument('--len', type=int, default=100, help='bytes per line')
    ap.add_argument('--spin', type=int, default=0,
                    help='ns of busy work before each line')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--json')
    args = ap.parse_args()
    bl.become_subreaper()
    work = tempfile.mkdtemp(prefix='supd-linewriter-',
                            dir='/dev/shm' if os.path.isdir('/dev/shm')
                            else None)
    size = args.mib * 2 ** 20
    res = {'daemon': [], 'cat': []}
    try:
        bins = {'writer': build_writer(os.path.join(work, 'bin'))}
        for r in range(args.repeats):
            tdir = os.path.join(work, 't')
            for label in (('daemon', 'cat') if r % 2 == 0 else
                          ('cat', 'daemon')):
                shutil.rmtree(tdir, ignore_errors=True)
                os.makedirs(tdir)
                if label == 'cat':
                    v = cat_trial(tdir, bins, size, args)
                else:
                    v = daemon_trial(args.daemon, tdir, bins, size, args)
                res[label].append(v)
                bl.log('%s: %.2f s/GiB' % (label, v))
    finally:
        bl.kill_descendants()
        shutil.rmtree(work, ignore_errors=True)
    d = statistics.median(res['daemon'])
    c = statistics.median(res['cat'])
    print('daemon %.2f s/GiB, cat %.2f s/GiB, ratio %.2f (medians of %d, '
          '%d MiB of %d-byte lines, one write each, spin %d ns)' % (
              d, c, d / c, args.repeats, args.mib, args.len, args.spin))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'mib': args.mib, 'len': args.len, 'spin': args.spin, 'samples': res,
                       'daemon_s_per_gib': d, 'cat_s_per_gib': c}, f,
                      indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
