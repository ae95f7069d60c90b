#!/usr/bin/python3
"""Render docs/PERFORMANCE.md and its plots from one bench run.

Usage: bench/render.py [RUNDIR]   (default: the run named in bench/out/latest)

RUNDIR holds what bench/run.py wrote: main.json (the harness, `all
--vs`), rpc.json and rpc-ctl.json (RPC latency against N), logscale.json,
scale.json and floors.json; any may be missing. Plots are PNGs made with
gnuplot, supd and supervisord on the same axes. Standard library only.
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
DOCS = os.path.join(ROOT, 'docs')
PLOTS = os.path.join(DOCS, 'perf')
A, B = 'supd', 'supervisord'


def load(rundir, name):
    try:
        with open(os.path.join(rundir, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class Results:
    """Rows of one harness JSON, looked up by bench, metric, params, who."""

    def __init__(self, doc):
        self.doc = doc or {}
        self.rows = {}
        for r in self.doc.get('results', []):
            self.rows[(r['bench'], r['metric'], r['params'], r['who'])] = r

    def row(self, bench, metric, params, who):
        return self.rows.get((bench, metric, params, who))

    def get(self, bench, metric, params, who, key='median'):
        r = self.row(bench, metric, params, who)
        return None if r is None else r.get(key)


def fmt(v, unit=''):
    if v is None:
        return 'n/a'
    if isinstance(v, str):
        return v
    a = abs(v)
    if a == 0:
        s = '0'
    elif a >= 100:
        s = '%.0f' % v
    elif a >= 10:
        s = '%.1f' % v
    elif a >= 1:
        s = '%.2f' % v
    elif a >= 0.01:
        s = '%.3f' % v
    else:
        s = '%.4f' % v
    return s + (' ' + unit if unit else '')


def ratio(a, b):
    if a is None or b is None or b == 0:
        return 'n/a'
    r = a / b
    return '%.3g' % r


def met(ok):
    if ok is None:
        return 'n/a'
    return 'yes' if ok else '**no**'


def target_rows(m, rpc, ctl, floors, ls):
    """The issue's table: (figure, supervisord, supd, ratio, target, met)."""
    rows = []

    def add(figure, sv, sd, rt, target, ok, note=''):
        rows.append((figure, sv, sd, rt, target, met(ok), note))

    def both(bench, metric, params, key='median'):
        return (m.get(bench, metric, params, B, key),
                m.get(bench, metric, params, A, key))

    sv, sd = both('B1', 'main process RSS', 'N=10')
    add('idle RSS, 10 programs', fmt(sv, 'MiB'), fmt(sd, 'MiB'),
        ratio(sd, sv), '< 2 MiB', None if sd is None else sd < 2)
    sv, sd = both('B1', 'main process RSS', 'N=1000')
    add('idle RSS, 1,000 programs', fmt(sv, 'MiB'), fmt(sd, 'MiB'),
        ratio(sd, sv), '< 4 MiB', None if sd is None else sd < 4)
    wk = {n: both('B1', 'wakeups per s', 'N=%d' % n) for n in (10, 100, 1000)}
    sdmax = max((v[1] for v in wk.values() if v[1] is not None), default=None)
    add('idle wake-ups per second (N = 10 / 100 / 1,000)',
        ' / '.join(fmt(wk[n][0]) for n in (10, 100, 1000)),
        ' / '.join(fmt(wk[n][1]) for n in (10, 100, 1000)), 'n/a', '0',
        None if sdmax is None else sdmax == 0)
    cpu = {n: both('B1', 'idle CPU per 10 s', 'N=%d' % n)
           for n in (10, 100, 1000)}
    sdmax = max((v[1] for v in cpu.values() if v[1] is not None),
                default=None)
    add('idle CPU per 10 s (N = 10 / 100 / 1,000)',
        ' / '.join(fmt(cpu[n][0]) for n in (10, 100, 1000)) + ' ms',
        ' / '.join(fmt(cpu[n][1]) for n in (10, 100, 1000)) + ' ms',
        ratio(cpu[1000][1], cpu[1000][0]), '< 0.5 ms, flat in N',
        None if sdmax is None else sdmax < 0.5)
    for n in (100, 500):
        sv, sd = both('B2', 'launch -> first program started', 'N=%d' % n)
        add('launch → first program started, N = %d' % n, fmt(sv, 'ms'),
            fmt(sd, 'ms'), ratio(sd, sv), '< 20 ms',
            None if sd is None else sd < 20)
    sv, sd = both('B2', 'launch -> last program started', 'N=500')
    add('launch → last of 500 started', fmt(sv, 'ms'), fmt(sd, 'ms'),
        ratio(sd, sv), '< 450 ms', None if sd is None else sd < 450)
    sv, sd = both('B6', 'spawn rate', 'N=500')
    add('startAllProcesses rate, 500', fmt(sv, '/s'), fmt(sd, '/s'),
        ratio(sd, sv), '> 1,400/s', None if sd is None else sd > 1400)
    metric = 'restart latency (up>1.1s)'
    sv50, sd50 = both('B5', metric, 'kill -9')
    sv90, sd90 = both('B5', metric, 'kill -9', 'p90')
    add('crash → restarted, p50 / p90', '%s / %s' % (fmt(sv50), fmt(sv90, 'ms')),
        '%s / %s' % (fmt(sd50), fmt(sd90, 'ms')), ratio(sd50, sv50),
        '< 2 ms / < 5 ms', None if sd50 is None or sd90 is None
        else sd50 < 2 and sd90 < 5)
    sv, sd = both('B5', 'stopAllProcesses(wait) wall', 'N=100')
    add('stopAllProcesses, 100 quick children', fmt(sv, 'ms'), fmt(sd, 'ms'),
        ratio(sd, sv), '< 20 ms', None if sd is None else sd < 20)
    cat = m.get('B3', 'throughput', 'norotate K=1', 'pipe->cat')
    sv, sd = both('B3', 'throughput', 'norotate K=1')
    svg, sdg = both('B3', 'supervisor CPU per GiB', 'norotate K=1')
    add('log capture, 1 writer (cat: %s)' % fmt(cat, 'MiB/s'),
        '%s, %s' % (fmt(sv, 'MiB/s'), fmt(svg, 's/GiB')),
        '%s, %s' % (fmt(sd, 'MiB/s'), fmt(sdg, 's/GiB')), ratio(sd, sv),
        '≥ 0.9 × cat (%s); ≤ 0.3 s/GiB' % fmt(None if cat is None
                                               else 0.9 * cat, 'MiB/s'),
        None if sd is None or cat is None else sd >= 0.9 * cat,
        'CPU: see the floor below')
    sib = [k[2] for k in m.rows if k[0] == 'B3' and k[2].startswith('K=1 +')]
    prm = sib[0] if sib else 'K=1 +1000 idle'
    sv, sd = both('B3', 'throughput', prm)
    # That row moves 32 MiB, not 256: its cat is bench/logscale.py's
    # pipe->cat of the same size (start-up costs weigh more).
    cat32 = (ls or {}).get('cat_mib_s')
    ref = cat32 if cat32 is not None else cat
    add('log capture, 1 writer + %s programs' % prm.split('+')[1],
        fmt(sv, 'MiB/s'), fmt(sd, 'MiB/s'), ratio(sd, sv),
        '≥ 0.9 × cat (%s)' % fmt(None if ref is None else 0.9 * ref,
                                 'MiB/s'),
        None if sd is None or ref is None else sd >= 0.9 * ref,
        '' if cat32 is None else 'cat of the same %d MiB: %s' % (
            ls.get('mib_per_writer', 32), fmt(cat32, 'MiB/s')))
    s1, d1 = both('B4', 'getAllProcessInfo p50', 'N=100')
    s2, d2 = both('B4', 'getAllProcessInfo p50', 'N=1000')
    add('getAllProcessInfo p50, 100 / 1,000',
        '%s / %s' % (fmt(s1), fmt(s2, 'ms')), '%s / %s' % (fmt(d1), fmt(d2, 'ms')),
        '%s / %s' % (ratio(d1, s1), ratio(d2, s2)), '< 0.3 / < 3 ms',
        None if d1 is None or d2 is None else d1 < 0.3 and d2 < 3)
    sv, sd = both('B4', 'getProcessInfo p50', 'N=1000')
    add('getProcessInfo p50, 1,000', fmt(sv, 'ms'), fmt(sd, 'ms'),
        ratio(sd, sv), '< 0.1 ms', None if sd is None else sd < 0.1)
    sd = m.get('B4', '`supctl status` wall', 'N=1000', A)
    sv = ctl.get('B4', '`supervisorctl status` wall', 'N=1000', B)
    add('`supctl status`, 1,000 programs', fmt(sv, 'ms') +
        ' (supervisorctl)', fmt(sd, 'ms'), ratio(sd, sv),
        '< 20 ms whole command', None if sd is None else sd < 20)
    return rows


def gnuplot(script):
    try:
        subprocess.run(['gnuplot'], input=script, text=True, check=True,
                       capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print('gnuplot failed: %s' % (getattr(e, 'stderr', '') or e),
              file=sys.stderr)
        return False


HEAD = '''set terminal pngcairo size 800,480 font "sans,10"
set grid
set key top left
'''
COLOR = {A: 'web-blue', B: 'red', 's6+notif-fd': 'dark-green',
         'minisup': 'gray40'}


def plot_restart(m):
    """CDF of the B5 kill -9 to restart samples, log x."""
    metric = 'restart latency (up>1.1s)'
    series = []
    for who in (A, B, 's6+notif-fd', 'minisup'):
        r = m.row('B5', metric, 'kill -9', who)
        if r and r.get('values'):
            series.append((who, sorted(r['values'])))
    if not series:
        return None
    data = ''
    plots = []
    for i, (who, v) in enumerate(series):
        data += '# %s\n%g 0\n' % (who, v[0])
        for j, x in enumerate(v):
            data += '%g %g\n' % (x, (j + 1) / len(v))
        data += '\n\n'
        plots.append("$d index %d with steps lw 2 lc '%s' title '%s'" % (
            i, COLOR[who], who))
    out = os.path.join(PLOTS, 'restart.png')
    ok = gnuplot(HEAD + '$d << EOD\n' + data + 'EOD\n' +
                 "set output '%s'\n" % out +
                 "set title 'kill -9 to restarted (B5, %d kills each)'\n" %
                 len(series[0][1]) +
                 "set logscale x\nset xlabel 'ms (log)'\n"
                 "set ylabel 'fraction of restarts'\nset yrange [0:1.05]\n"
                 'set key bottom right\n'
                 'plot ' + ', '.join(plots) + '\n')
    return 'perf/restart.png' if ok else None


def plot_logscale(ls, m):
    if not ls:
        return None
    res = ls['results']
    ns = sorted({int(n) for who in res.values() for n in who})
    data = ''
    plots = []
    for i, who in enumerate((A, B)):
        if who not in res:
            continue
        data += '# %s\n' % who
        for j, n in enumerate(ns):
            v = res[who].get(str(n))
            if v:
                data += '%d %g "%d"\n' % (j, v['mib_s'], n)
        data += '\n\n'
        plots.append("$d index %d using 1:2:xtic(3) with linespoints lw 2 "
                     "pt 7 lc '%s' title '%s'" % (len(plots), COLOR[who],
                                                  who))
    cat = m.get('B3', 'throughput', 'norotate K=1', 'pipe->cat')
    if cat:
        plots.append("%g with lines dt 2 lc 'gray' title 'pipe to cat "
                     "(256 MiB, B3)'" % cat)
    if ls.get('cat_mib_s'):
        plots.append("%g with lines dt 3 lc 'black' title 'pipe to cat "
                     "(%d MiB)'" % (ls['cat_mib_s'], ls.get('mib_per_writer',
                                                          0)))
    out = os.path.join(PLOTS, 'logscale.png')
    ok = gnuplot(HEAD + '$d << EOD\n' + data + 'EOD\n' +
                 "set output '%s'\n" % out +
                 "set title 'log capture, 1 writer (%d MiB) beside N idle "
                 "programs'\n" % ls.get('mib_per_writer', 0) +
                 "set xlabel 'idle programs'\nset ylabel 'MiB/s'\n"
                 'set yrange [0:*]\nset key bottom left\n'
                 'plot ' + ', '.join(plots) + '\n')
    return 'perf/logscale.png' if ok else None


def plot_rpc(rpc, m):
    src = rpc if rpc.rows else m
    ns = sorted({int(k[2][2:]) for k in src.rows
                 if k[0] == 'B4' and k[2].startswith('N=')})
    if not ns:
        return None
    data = ''
    plots = []
    idx = 0
    for metric, dt in (('getAllProcessInfo p50', 1), ('getProcessInfo p50', 2)):
        for who in (A, B):
            pts = [(n, src.get('B4', metric, 'N=%d' % n, who)) for n in ns]
            pts = [(n, v) for n, v in pts if v is not None]
            if not pts:
                continue
            data += '# %s %s\n' % (who, metric)
            for n, v in pts:
                data += '%d %g\n' % (n, v)
            data += '\n\n'
            plots.append("$d index %d with linespoints lw 2 dt %d pt 7 "
                         "lc '%s' title '%s %s'" % (
                             idx, dt, COLOR[who], who,
                             metric.replace(' p50', '')))
            idx += 1
    out = os.path.join(PLOTS, 'rpc.png')
    ok = gnuplot(HEAD + '$d << EOD\n' + data + 'EOD\n' +
                 "set output '%s'\n" % out +
                 "set title 'XML-RPC latency, p50 on one connection (B4)'\n"
                 "set logscale xy\nset xlabel 'programs'\n"
                 "set ylabel 'ms (log)'\n"
                 'plot ' + ', '.join(plots) + '\n')
    return 'perf/rpc.png' if ok else None


def md_table(header, rows):
    out = ['| ' + ' | '.join(header) + ' |',
           '|' + '|'.join('---' if i == 0 else '---:'
                          for i in range(len(header))) + '|']
    for r in rows:
        out.append('| ' + ' | '.join(r) + ' |')
    return '\n'.join(out)


def harness_table(m, rpc):
    """Every row of the main run, for the record."""
    rows = []
    for r in m.doc.get('results', []):
        if r.get('hidden') or r['who'] not in (A, B):
            continue
        if r['who'] == B:
            continue
        sv = m.row(r['bench'], r['metric'], r['params'], B)
        better = r.get('better', 'lower')
        rows.append((r['bench'], r['metric'], r['params'],
                     fmt(sv['median']) if sv else 'n/a', fmt(r['median']),
                     ratio(r['median'], sv['median'] if sv else None) +
                     (' ^' if better == 'higher' else ''), r.get('unit', '')))
    return md_table(['bench', 'metric', 'params', 'supervisord', 'supd',
                     'supd/supervisord', 'unit'], rows)


def render(rundir):
    m = Results(load(rundir, 'main.json'))
    rpc = Results(load(rundir, 'rpc.json'))
    ctl = Results(load(rundir, 'rpc-ctl.json'))
    ls = load(rundir, 'logscale.json')
    sc = load(rundir, 'scale.json') or {}
    fl = load(rundir, 'floors.json') or {}
    os.makedirs(PLOTS, exist_ok=True)
    rows = target_rows(m, rpc, ctl, fl, ls)
    with open(os.path.join(HERE, 'PERFORMANCE.in.md')) as f:
        tmpl = f.read()
    mach = m.doc.get('machine', {})
    nmet = sum(1 for r in rows if r[5] == 'yes')
    subst = {
        'RUN': os.path.basename(os.path.normpath(rundir)),
        'DATE': m.doc.get('started', time.strftime('%Y-%m-%d')),
        'MACHINE': '%s CPUs (%s), %s GiB, kernel %s, Debian %s; '
                   'supervisor %s, s6 %s, runit %s' % (
                       mach.get('nproc', '?'), mach.get('cpu', '?'),
                       mach.get('mem_gib', '?'), mach.get('kernel', '?'),
                       mach.get('debian', '?'), mach.get('supervisor', '?'),
                       mach.get('s6', '?'), mach.get('runit', '?')),
        'RUNTIME': fmt(m.doc.get('runtime_s'), 's'),
        'PROFILE': m.doc.get('profile', '?'),
        'WARNINGS': '\n'.join('- ' + w for w in m.doc.get('warnings', []))
                    or 'none',
        'TARGETS': md_table(['figure', 'supervisord', 'supd',
                             'supd / supervisord', 'target', 'met?',
                             'note'], rows),
        'NMET': '%d of %d' % (nmet, len(rows)),
        'HARNESS': harness_table(m, rpc),
        'PLOT_RESTART': plot_restart(m) or 'restart.png',
        'PLOT_LOGSCALE': plot_logscale(ls, m) or 'logscale.png',
        'PLOT_RPC': plot_rpc(rpc, m) or 'rpc.png',
    }
    for k in ('launch_to_last_started_ms', 'idle_cpu_ms_per_10s',
              'idle_wakeups_per_s', 'rss_mib', 'getAllProcessInfo_p50_ms',
              'getProcessInfo_p50_ms', 'supctl_status_ms',
              'stopAllProcesses_ms', 'open_fds', 'rlimit_nofile',
              'programs', 'loadavg'):
        v = sc.get(k)
        subst['SCALE_' + k.upper()] = fmt(float(v)) if v is not None else \
            ('error: ' + sc['error'] if 'error' in sc else 'n/a')
    subst['SCALE_NOTE'] = ('\n\n**Note:** ' + sc['note'] + '.') if \
        sc.get('note') else ''
    for k in ('pause_dynamic_rss_kib', 'pause_static_rss_kib',
              'write_cpu_s_per_gib', 'kill_reap_100_ms',
              'rpc_getProcessInfo_p50_ms'):
        v = fl.get(k)
        subst['FLOOR_' + k.upper()] = fmt(v) if v is not None else 'n/a'
    sdg = m.get('B3', 'supervisor CPU per GiB', 'norotate K=1', A)
    catg = m.get('B3', 'supervisor CPU per GiB', 'norotate K=1', 'pipe->cat')
    subst['SUPD_CPU_PER_GIB'] = fmt(sdg)
    subst['CAT_CPU_PER_GIB'] = fmt(catg)
    for k, v in subst.items():
        tmpl = tmpl.replace('@' + k + '@', str(v))
    with open(os.path.join(DOCS, 'PERFORMANCE.md'), 'w') as f:
        f.write(tmpl)
    for r in rows:
        print('%-50s %-28s %-28s %-10s %s' % (r[0][:50], r[1], r[2], r[3],
                                               r[5]))
    print('wrote %s (%d of %d targets met)' % (
        os.path.join(DOCS, 'PERFORMANCE.md'), nmet, len(rows)))


def main():
    if len(sys.argv) > 1:
        rundir = sys.argv[1]
    else:
        with open(os.path.join(HERE, 'out', 'latest')) as f:
            rundir = os.path.join(HERE, 'out', f.read().strip())
    render(rundir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
