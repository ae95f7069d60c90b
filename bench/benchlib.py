"""Shared pieces of the supd bench scripts (logscale.py, scale.py): the
shared harness's helper programs, generated configs, an XML-RPC client on
a unix socket, /proc readings and process-tree cleanup. The measurements
follow the harness's (see its README) so the figures compare.
Standard library only."""

import ctypes
import http.client
import os
import shlex
import signal
import socket
import subprocess
import time
import xmlrpc.client

HELPERS = os.environ.get('SUPD_BENCH_HELPERS', '/work/shared/bench/helpers')
RUNNING, STOPPED = 20, 0


def log(msg):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


def build_helpers(bindir, names=('stamp', 'writer')):
    """Compile the harness's helpers (statically when libc.a allows)."""
    os.makedirs(bindir, exist_ok=True)
    out = {}
    for name in names:
        src = os.path.join(HELPERS, name + '.c')
        dst = os.path.join(bindir, name)
        cmd = ['cc', '-O2', '-static', '-o', dst, src]
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            subprocess.run(cmd[:2] + cmd[3:], check=True)
        out[name] = dst
    return out


def become_subreaper():
    """Orphans of our daemons come to us, so cleanup finds them."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)     # PR_SET_CHILD_SUBREAPER


def descendants(root):
    kids = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name) as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def kill_descendants():
    """SIGKILL everything below us (only ever processes we started)."""
    for _ in range(3):
        pids = descendants(os.getpid())
        if not pids:
            break
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass


def write_conf(tdir, programs, minfds=None):
    """The harness's config shape; programs: dicts name, argv, autostart,
    logfile."""
    sock = os.path.join(tdir, 's.sock')
    minfds = minfds or max(1024, 4 * len(programs) + 128)
    out = ['[unix_http_server]', 'file=%s' % sock, '',
           '[supervisord]',
           'logfile=%s' % os.path.join(tdir, 'supervisord.log'),
           'pidfile=%s' % os.path.join(tdir, 'supervisord.pid'),
           'childlogdir=%s' % os.path.join(tdir, 'logs'),
           'minfds=%d' % minfds, 'nodaemon=true', '',
           '[rpcinterface:supervisor]',
           'supervisor.rpcinterface_factory = '
           'supervisor.rpcinterface:make_main_rpcinterface', '',
           '[supervisorctl]', 'serverurl=unix://%s' % sock, '']
    for p in programs:
        out += ['[program:%s]' % p['name'],
                'command=%s' % ' '.join(shlex.quote(a) for a in p['argv']),
                'autostart=%s' % str(p.get('autostart', True)).lower(),
                'autorestart=%s' % str(p.get('autorestart', True)).lower(),
                'startsecs=0', 'redirect_stderr=true',
                'stdout_logfile=%s' % (p.get('logfile') or os.path.join(
                    tdir, 'logs', p['name'] + '.log')),
                'stdout_logfile_maxbytes=0', '']
    os.makedirs(os.path.join(tdir, 'logs'), exist_ok=True)
    conf = os.path.join(tdir, 'bench.conf')
    with open(conf, 'w') as f:
        f.write('\n'.join(out))
    return conf, sock


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=300):
        super().__init__('localhost', timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class RPC:
    """XML-RPC over one persistent HTTP/1.1 connection, as supervisorctl."""

    def __init__(self, path):
        self.path = path
        self.conn = None

    def raw(self, body):
        if self.conn is None:
            self.conn = UnixHTTPConnection(self.path)
        self.conn.request('POST', '/RPC2', body, {'Content-Type': 'text/xml'})
        r = self.conn.getresponse()
        data = r.read()
        if r.will_close:
            self.close()
        return data

    def call(self, method, *params):
        body = xmlrpc.client.dumps(params, method).encode()
        return xmlrpc.client.loads(self.raw(body))[0][0]

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def body(method, *params):
    return xmlrpc.client.dumps(params, method).encode()


def launch(cmd, conf, tdir):
    """Run `cmd -c conf -n` in its own session; returns (Popen, t0 ns)."""
    out = open(os.path.join(tdir, 'daemon.out'), 'wb')
    t0 = time.time_ns()
    p = subprocess.Popen(shlex.split(cmd) + ['-c', conf, '-n'], cwd=tdir,
                         stdin=subprocess.DEVNULL, stdout=out,
                         stderr=subprocess.STDOUT, start_new_session=True)
    out.close()
    return p, t0


def wait_socket(proc, sock, timeout):
    end = time.monotonic() + timeout
    while not os.path.exists(sock):
        if proc.poll() is not None:
            raise RuntimeError('daemon exited with %d' % proc.returncode)
        if time.monotonic() > end:
            raise RuntimeError('no socket after %d s' % timeout)
        time.sleep(0.01)


def wait_states(rpc, n, state, timeout, interval=0.1):
    end = time.monotonic() + timeout
    while True:
        try:
            st = [i['state'] for i in rpc.call('supervisor.getAllProcessInfo')]
        except (OSError, http.client.HTTPException):
            rpc.close()
            st = []
        if len(st) == n and all(s == state for s in st):
            return
        if time.monotonic() > end:
            raise RuntimeError('not all %d in state %d after %d s' % (
                n, state, timeout))
        time.sleep(interval)


def stop(proc, rpc=None):
    """shutdown, then SIGTERM, then SIGKILL of the whole tree."""
    try:
        if rpc is not None:
            rpc.call('supervisor.shutdown')
    except Exception:
        pass
    try:
        proc.wait(5 if rpc is not None else 0.1)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
    kill_descendants()


def cpu_ns(pid):
    """Sum of sum_exec_runtime over the process's threads."""
    total = 0
    for t in os.listdir('/proc/%d/task' % pid):
        with open('/proc/%d/task/%s/schedstat' % (pid, t)) as f:
            total += int(f.read().split()[0])
    return total


def status_field(pid, key):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])
    return 0


def ctxsw(pid):
    return (status_field(pid, 'voluntary_ctxt_switches') +
            status_field(pid, 'nonvoluntary_ctxt_switches'))


def pct(values, q):
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
