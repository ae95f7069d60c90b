#!/usr/bin/python3
"""Build supd for benchmarking and run it side by side with supervisord.

Steps, each skippable: build a release (static) supd and supctl in
build-bench/, copy them to bench/out/bin/ (so a rebuild cannot change a
binary under a running benchmark), run the shared harness (`bench all
--vs supervisord`), the extra curves (RPC latency against N, log
throughput against idle programs), the 10,000-program scaling check, the
physical floors, and render docs/PERFORMANCE.md from the results.
Standard library only.

Usage: bench/run.py [--quick] [--skip-build] [--only STEP,...] [--render]
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, 'out')
PY = '/usr/bin/python3'
HARNESS = os.environ.get('SUPD_BENCH_HARNESS', '/work/shared/bench/bench')
STEPS = ['main', 'rpc', 'logscale', 'scale', 'floors']


def log(msg):
    print('[run %s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


def run(argv, **kw):
    log(' '.join(argv))
    return subprocess.run(argv, **kw)


def build(builddir):
    """Release build, statically linked: see docs/PERFORMANCE.md, idle RSS."""
    if not os.path.exists(os.path.join(builddir, 'build.ninja')):
        run(['meson', 'setup', builddir, '--buildtype=release',
             '-Db_ndebug=true', '-Dstatic=true', '-Dtests=disabled'],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    run(['ninja', '-C', builddir, 'supd', 'supctl'], check=True,
        stdout=subprocess.DEVNULL)
    bindir = os.path.join(OUT, 'bin')
    os.makedirs(bindir, exist_ok=True)
    for exe in ('supd', 'supctl'):
        tmp = os.path.join(bindir, exe + '.new')
        shutil.copy2(os.path.join(builddir, exe), tmp)
        os.replace(tmp, os.path.join(bindir, exe))
    return bindir


def loadavg():
    with open('/proc/loadavg') as f:
        return float(f.read().split()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true',
                    help='smoke run: harness --quick, short curves')
    ap.add_argument('--skip-build', action='store_true',
                    help='use the binaries already in bench/out/bin')
    ap.add_argument('--builddir', default=os.path.join(ROOT, 'build-bench'))
    ap.add_argument('--only', default=','.join(STEPS),
                    help='steps to run (default %(default)s)')
    ap.add_argument('--render', action='store_true',
                    help='only render docs/PERFORMANCE.md from bench/out')
    ap.add_argument('--vs', default='supervisord')
    args = ap.parse_args()

    os.makedirs(OUT, exist_ok=True)
    render = [PY, os.path.join(HERE, 'render.py')]
    if args.render:
        return subprocess.run(render).returncode
    if not os.access(HARNESS, os.X_OK):
        sys.exit('harness not found: %s (set SUPD_BENCH_HARNESS)' % HARNESS)
    # supervisord, the s6 and runit anchors and gnuplot for the plots: a
    # fresh machine has none of them, and a run without is not comparable.
    subprocess.run([os.path.join(ROOT, 'scripts', 'deps.sh'), 'bench'],
                   check=True)
    if args.skip_build:
        bindir = os.path.join(OUT, 'bin')
    else:
        bindir = build(args.builddir)
    supd = os.path.join(bindir, 'supd')
    supctl = os.path.join(bindir, 'supctl')
    steps = [s for s in args.only.split(',') if s]
    for s in steps:
        if s not in STEPS:
            sys.exit('unknown step %r (steps: %s)' % (s, ', '.join(STEPS)))

    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    if args.quick:
        stamp += '-quick'
    rundir = os.path.join(OUT, stamp)
    os.makedirs(rundir)
    la = loadavg()
    log('results in %s; load average %.2f on %d CPUs%s' % (
        rundir, la, os.cpu_count(),
        ' (busy: timings will be noisy)' if la > 0.5 * os.cpu_count()
        else ''))
    quick = ['--quick'] if args.quick else []
    common = ['--daemon', supd, '--vs', args.vs, '--ctl', supctl]
    failed = []

    def step(name, argv, logname):
        with open(os.path.join(rundir, logname), 'w') as out:
            rc = run(argv, stdout=out, stderr=subprocess.STDOUT).returncode
        if rc != 0:
            failed.append('%s (exit %d, see %s)' % (name, rc, logname))

    if 'main' in steps:
        step('main', [HARNESS, 'all'] + common + quick +
             ['--json', os.path.join(rundir, 'main.json')], 'main.txt')
    if 'rpc' in steps:
        # RPC latency against N, both clients: supctl against supd and,
        # for the reference, supervisorctl against supervisord.
        ns = '10,100,1000' if args.quick else '10,100,300,1000'
        step('rpc', [HARNESS, 'rpc', '--n', ns, '--repeats', '1',
                     '--no-anchors', '--daemon', supd, '--vs', args.vs,
                     '--ctl', supctl, '--json',
                     os.path.join(rundir, 'rpc.json')] + quick, 'rpc.txt')
        step('rpc-ctl', [HARNESS, 'rpc', '--n', '1000', '--repeats', '1',
                         '--no-anchors', '--daemon', args.vs, '--ctl',
                         'supervisorctl', '--json',
                         os.path.join(rundir, 'rpc-ctl.json')] + quick,
             'rpc-ctl.txt')
    if 'logscale' in steps:
        step('logscale', [PY, os.path.join(HERE, 'logscale.py'),
                          '--daemon', supd, '--vs', args.vs, '--json',
                          os.path.join(rundir, 'logscale.json')] + quick,
             'logscale.txt')
    if 'scale' in steps:
        step('scale', [PY, os.path.join(HERE, 'scale.py'), '--daemon', supd,
                       '--ctl', supctl, '--json',
                       os.path.join(rundir, 'scale.json')] + quick,
             'scale.txt')

    if 'floors' in steps:
        step('floors', [PY, os.path.join(HERE, 'floors.py'), '--json',
                        os.path.join(rundir, 'floors.json')] + quick,
             'floors.txt')

    with open(os.path.join(OUT, 'latest'), 'w') as f:
        f.write(stamp + '\n')
    rc = subprocess.run(render + [rundir]).returncode
    if failed:
        log('steps with failures: ' + '; '.join(failed))
        return 1
    return rc


if __name__ == '__main__':
    sys.exit(main())
