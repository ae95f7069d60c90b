"""Black-box test harness: runs supd (or, with --daemon=supervisord, the real
supervisord 4.2.5) on generated configs and talks to it with the real
supervisorctl and xmlrpc.client.

A test asks for the `sup` fixture, writes a config with `sup.write(body)`,
starts the daemon with `sup.start()`, then uses `sup.rpc` (the `supervisor`
namespace), `sup.system`, `sup.ctl(...)` (supervisorctl), `sup.supctl(...)`.
Teardown shuts the daemon down, kills anything it left behind, and fails the
test if the daemon printed sanitizer reports or logged a CRIT line that is
neither known to be benign (BENIGN_CRIT) nor expected by the test
(@pytest.mark.expect_crit).  Modules share a daemon between the tests that
change nothing with shared_daemon().
"""
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import xmlrpc.client

import pytest

sys.path.insert(0, "/usr/lib/python3/dist-packages")
from supervisor.xmlrpc import SupervisorTransport  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("SUPD_BUILD", os.path.join(ROOT, "build")))
SUPERVISORCTL = "/usr/bin/supervisorctl"
PR_SET_CHILD_SUBREAPER = 36


def pytest_addoption(parser):
    parser.addoption("--daemon", default=os.environ.get("SUPD_TEST_DAEMON", "supd"),
                     choices=("supd", "supervisord"),
                     help="daemon under test: our supd (default) or /usr/bin/supervisord")


def pytest_configure(config):
    # Orphans of the daemons under test come to us, not to PID 1 (which
    # does not reap here); reap_orphans() collects them.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    # Started in the background of a shell without job control, we (and so
    # every child) would ignore SIGINT, and the tests that stop `tail -f`
    # or a shell with Ctrl-C would hang. A handler, unlike SIG_IGN, is not
    # inherited across exec: children start with SIGINT's default.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.addinivalue_line("markers", "supd_only: behaviour supervisord lacks (supd extensions)")
    config.addinivalue_line("markers", "slow: takes several seconds")
    config.addinivalue_line("markers", "memory: measures the daemon's memory, "
                            "which needs a build without sanitizers")
    config.addinivalue_line("markers", "expect_crit(*patterns): the daemon logs CRIT "
                            "lines matching these regular expressions (any CRIT "
                            "line without patterns); see check_daemon")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--daemon") == "supd":
        return
    skip = pytest.mark.skip(reason="supd extension, not in supervisord")
    for item in items:
        if "supd_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def daemon_kind(request):
    return request.config.getoption("--daemon")


# Every wait is stretched by this factor: parallel workers on a 2-core CI
# machine (and supervisord's 1 s poll under load) make anything slow; a
# generous bound costs nothing when the condition comes true at once.
TIMEOUT_SCALE = float(os.environ.get("SUPD_TEST_TIMEOUT_SCALE", "3"))


def wait_until(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Poll predicate() until it returns a true value; return that value."""
    timeout *= TIMEOUT_SCALE
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # the daemon may not be up yet
            last_exc = exc
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last error: %r)"
                                 % (timeout, what, last_exc))
        time.sleep(interval)


def proc_stat(pid):
    """(state letter, start time) of pid from /proc, or None if it does not
    exist.  The start time (clock ticks after boot) tells a process from a
    later one that got the same pid."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = data[data.rindex(")") + 2:].split()
    return fields[0], int(fields[19])


def proc_state(pid):
    """Return the /proc state letter of pid, or None if it does not exist."""
    stat = proc_stat(pid)
    return stat and stat[0]


# pid -> start time of the process the running test first saw with that pid.
# pid_max is 32768 here and several suites may run at once, so a pid is soon
# used again: a process with another start time is not the one the test
# knows.  Forgotten after each test (forget_pids).
_pid_starts = {}


def pid_alive(pid):
    """Whether the process the test knows as pid lives (and is no zombie)."""
    stat = proc_stat(pid)
    if stat is None or stat[0] in ("Z", "X"):
        return False
    return _pid_starts.setdefault(pid, stat[1]) == stat[1]


@pytest.fixture(autouse=True)
def forget_pids():
    _pid_starts.clear()
    yield
    _pid_starts.clear()


def _children_map():
    """{ppid: [pid, ...]} of every process, from one pass over /proc."""
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                data = f.read()
        except OSError:
            continue
        fields = data[data.rindex(")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def children_of(pid):
    """Direct children of pid (from /proc)."""
    return _children_map().get(pid, [])


def descendants_of(pid):
    """Every descendant of pid, from one pass over /proc (a daemon with a
    thousand children is one pass, not a thousand)."""
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        found = kids.get(todo.pop(), [])
        out.extend(found)
        todo.extend(found)
    return out


def cmdline(pid):
    """argv of pid from /proc, or None if it is gone."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return [a.decode("utf-8", "replace") for a in data.split(b"\0")[:-1]]


def wait_exec(pid, parent, argv0=None, timeout=10):
    """Wait until pid, forked by `parent`, has exec'd (its argv differs from
    the parent's) and, with argv0, runs that program.  A signal that reaches
    supervisord's child between fork and exec is lost (it still has
    supervisord's Python handlers), so tests wait for this before they
    signal a freshly spawned child."""
    parent_argv = cmdline(parent)

    def done():
        argv = cmdline(pid)
        if argv is None or not pid_alive(pid):
            return True
        if not argv or argv == parent_argv:
            return False
        return argv0 is None or os.path.basename(argv[0]) == argv0
    wait_until(done, timeout=timeout, what="pid %d to exec %s" % (pid, argv0 or ""))


_popen_pids = set()


def reap_orphans():
    """Reap zombies that were reparented to us, leaving our own Popen
    children for their Popen objects."""
    for pid in children_of(os.getpid()):
        if pid in _popen_pids:
            continue
        if proc_state(pid) == "Z":
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on, for a daemon to
    bind.  Not one the kernel hands out (bind to port 0, or the local end
    of any connection): it could hand it out again before the daemon binds
    it.  A random one below that range (ip_local_port_range starts at
    32768), so that suites running side by side do not pick the same."""
    import random
    while True:
        port = random.randrange(20000, 32768)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        return port


class TimeoutTransport(SupervisorTransport):
    """supervisor's own transport (unix or http serverurl, basic auth,
    persistent connection) with a socket timeout, so a wedged daemon fails
    a test instead of hanging it."""

    def __init__(self, username, password, serverurl, timeout=60):
        SupervisorTransport.__init__(self, username, password, serverurl)
        inner = self._get_connection

        def get_connection():
            conn = inner()
            conn.timeout = timeout
            if serverurl.startswith("unix://"):
                def connect(conn=conn):
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    sock.settimeout(timeout)
                    sock.connect(conn.socketfile)
                    conn.sock = sock
                conn.connect = connect
            return conn
        self._get_connection = get_connection


BASE_CONFIG = """\
[unix_http_server]
file={dir}/supervisor.sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}/logs
loglevel={loglevel}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/supervisor.sock

"""


# A helper program for black-box checks: `probe.py OUT [args...]` writes what
# it sees (argv, environment, cwd, ids, umask, rlimits) as JSON to OUT, then
# sleeps until signalled.  Tests read it back with Daemon.read_probe().
PROBE_PY = """\
#!/usr/bin/python3
import json, os, resource, sys, time
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
data = {
    "argv": sys.argv[2:], "env": dict(os.environ), "cwd": os.getcwd(),
    "pid": os.getpid(), "ppid": os.getppid(), "pgid": os.getpgrp(),
    "sid": os.getsid(0), "uid": os.getuid(), "gid": os.getgid(),
    "groups": sorted(os.getgroups()), "umask": status("Umask"),
    "nofile": resource.getrlimit(resource.RLIMIT_NOFILE),
    "nproc": resource.getrlimit(resource.RLIMIT_NPROC),
}
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f:
    json.dump(data, f)
os.rename(tmp, sys.argv[1])
while True:
    time.sleep(1000)
"""


class Daemon:
    """One daemon under test in its own temporary directory."""

    def __init__(self, kind, tmpdir):
        self.kind = kind
        self.dir = str(tmpdir)
        self.conf = os.path.join(self.dir, "supervisord.conf")
        self.sock = os.path.join(self.dir, "supervisor.sock")
        self.logfile = os.path.join(self.dir, "supervisord.log")
        self.out_path = os.path.join(self.dir, "daemon.out")
        self.proc = None
        # Regular expressions for the CRIT lines this test expects (see
        # check_daemon); the expect_crit marker adds to them.
        self.expect_crit = []
        os.makedirs(os.path.join(self.dir, "logs"), exist_ok=True)

    @property
    def is_supd(self):
        return self.kind == "supd"

    @property
    def daemon_argv(self):
        if self.is_supd:
            return [os.path.join(BUILD, "supd")]
        return ["/usr/bin/supervisord"]

    # -- configuration -------------------------------------------------

    def write(self, body="", base=True, loglevel="info", name=None):
        """Write a config: BASE_CONFIG (socket, log, pidfile, rpcinterface,
        supervisorctl) followed by body. {dir} in body is the test dir.
        Returns the path written."""
        text = textwrap.dedent(body).replace("{dir}", self.dir)
        if base:
            text = BASE_CONFIG.format(dir=self.dir, loglevel=loglevel) + text
        path = os.path.join(self.dir, name) if name else self.conf
        with open(path, "w") as f:
            f.write(text)
        return path

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def script(self, name, text, mode=0o755):
        """Write a helper program (dedented; {dir} is the test dir) into the
        test dir, make it executable and return its path."""
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text).lstrip("\n").replace("{dir}", self.dir))
        os.chmod(path, mode)
        return path

    def probe(self):
        """Write probe.py (see PROBE_PY) into the test dir; return its path."""
        return self.script("probe.py", PROBE_PY)

    def read_probe(self, out, timeout=10):
        """Wait for the probe writing to `out` (relative to the test dir or
        absolute) and return what it saw."""
        import json
        path = self.path(out)
        wait_until(lambda: os.path.exists(path), timeout=timeout,
                   what="probe output %s" % path)
        with open(path) as f:
            return json.load(f)

    def read(self, *parts):
        """Text of a file under the test dir (or an absolute path); "" if
        it does not exist."""
        try:
            with open(self.path(*parts), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    # -- life cycle ----------------------------------------------------

    def launch(self, *args, conf=None, env=None):
        """Start the daemon in the foreground-style (-n) and return the Popen;
        does not wait for it to be ready."""
        argv = self.daemon_argv + ["-c", conf or self.conf, "-n"] + list(args)
        full_env = dict(os.environ)
        full_env.pop("SUPERVISOR_ENABLED", None)
        if env:
            full_env.update(env)
        out = open(self.out_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.dir,
                                     env=full_env, start_new_session=True)
        out.close()
        _popen_pids.add(self.proc.pid)
        return self.proc

    def start(self, *args, conf=None, env=None, timeout=15):
        """Launch and wait until the daemon answers getState over its socket."""
        self.launch(*args, conf=conf, env=env)
        def ready():
            if self.proc.poll() is not None:
                return "exited"     # stop polling at once
            return self.rpc.getState()["statename"] == "RUNNING"
        try:
            wait_until(ready, timeout=timeout, what="daemon to answer getState")
        except AssertionError:
            if self.proc.poll() is None:
                raise
        if self.proc.poll() is not None:
            raise AssertionError("daemon exited with %s:\n%s"
                                 % (self.proc.returncode, self.output()))
        return self

    def run_to_exit(self, *args, conf=None, env=None, timeout=15):
        """Run the daemon expecting it to exit by itself (bad config);
        returns (returncode, output)."""
        proc = self.launch(*args, conf=conf, env=env)
        try:
            rc = proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return rc, self.output()

    def output(self):
        try:
            with open(self.out_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log(self):
        try:
            with open(self.logfile, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout=30):
        """Shut the daemon down through the API (SIGTERM if that fails),
        wait for it, then kill anything it left behind."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            for pid in children_of(self.proc.pid):
                try:
                    wait_exec(pid, self.proc.pid, timeout=2)
                except AssertionError:
                    pass
        left = descendants_of(self.proc.pid) if self.proc.poll() is None else []
        # What is left is killed below, but only if it is the same process:
        # its pid may have been given to another by then.
        left = [(pid, proc_stat(pid)) for pid in left]
        if self.proc.poll() is None:
            try:
                self.proxy(timeout=5).supervisor.shutdown()
            except Exception:
                try:
                    self.proc.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid, stat in left:
            now = proc_stat(pid)
            if stat and now and now[1] == stat[1] and now[0] not in ("Z", "X"):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        reap_orphans()
        _popen_pids.discard(self.proc.pid)

    # -- clients -------------------------------------------------------

    def proxy(self, timeout=None, username=None, password=None, serverurl=None):
        transport = TimeoutTransport(username, password,
                                     serverurl or "unix://" + self.sock,
                                     timeout=60 if timeout is None else timeout)
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

    @property
    def rpc(self):
        return self.proxy().supervisor

    @property
    def system(self):
        return self.proxy().system

    def ctl(self, *args, input=None, timeout=30, conf=None):
        """Run the real supervisorctl against this daemon."""
        argv = [SUPERVISORCTL, "-c", conf or self.conf] + list(args)
        return subprocess.run(argv, input=input, capture_output=True, text=True,
                              timeout=timeout, cwd=self.dir)

    def supctl(self, *args, input=None, timeout=30, conf=None):
        """Run our supctl against this daemon."""
        argv = [os.path.join(BUILD, "supctl"), "-c", conf or self.conf] + list(args)
        return subprocess.run(argv, input=input, capture_output=True, text=True,
                              timeout=timeout, cwd=self.dir)

    # -- queries -------------------------------------------------------

    def info(self, name):
        return self.rpc.getProcessInfo(name)

    def state(self, name):
        return self.info(name)["statename"]

    def wait_state(self, name, *states, timeout=10):
        """Wait until process `name` is in one of states; return its info."""
        def check():
            info = self.info(name)
            return info if info["statename"] in states else None
        return wait_until(check, timeout=timeout,
                          what="%s to reach %s" % (name, "/".join(states)))

    def wait_running(self, name, argv0=None, timeout=10):
        """wait_state(name, "RUNNING"), then wait until the child has exec'd
        (see wait_exec); return its info."""
        info = self.wait_state(name, "RUNNING", timeout=timeout)
        wait_exec(info["pid"], self.proc.pid, argv0, timeout=timeout)
        return info

    def wait_log(self, text, timeout=10):
        """Wait until the main log contains text."""
        return wait_until(lambda: text in self.log(), timeout=timeout,
                          what="main log to contain %r" % text)


SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                     "runtime error:", "ERROR: UndefinedBehaviorSanitizer")

# CRIT lines both daemons log in normal operation under the test configs.
# They say nothing about the behaviour under test, so they never fail one;
# any other CRIT line does unless the test expects it (expect_crit).
BENIGN_CRIT = tuple(re.compile(p) for p in (
    # The tests run as root and most configs have no [supervisord] user=:
    # both daemons say so at startup (supervisor/options.py,
    # parse_criticals; supd.c, supd_set_uid).
    r"^Supervisor is running as root\.  Privileges were not dropped because "
    r"no user is specified in the config file\.  If you intend to run as "
    r"root, you can set user=root in the config file to avoid this message\.$",
    # BASE_CONFIG's [unix_http_server] has no username, nor have most
    # [inet_http_server] sections of the tests: both daemons say so for each
    # server (supervisor/http.py, make_http_servers; http.c).
    r"^Server '(unix|inet)_http_server' running without any HTTP "
    r"authentication checking$",
))

# A line of the main log (and of the daemon's stdout, where -n echoes it):
# "2026-12-06 07:51:06,450 CRIT message".
CRIT_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} CRIT (.*)$", re.M)


def crit_lines(d):
    """The CRIT messages d logged, each once, in order: from its main log
    (and the backups of it the tests' small logfile_maxbytes leave) and
    from its stdout, which has them when the log goes elsewhere."""
    texts = [d.output()]
    for path in [d.logfile] + ["%s.%d" % (d.logfile, i) for i in range(1, 11)]:
        try:
            with open(path, "rb") as f:
                texts.append(f.read().decode("utf-8", "replace"))
        except OSError:
            pass
    seen = []
    for text in texts:
        for msg in CRIT_LINE.findall(text):
            if msg not in seen:
                seen.append(msg)
    return seen


def check_daemon(d, expect_crit=()):
    """After d has stopped: fail on a sanitizer report in its output, and on
    a CRIT line in its log that is neither benign (BENIGN_CRIT) nor matches
    one of the regular expressions expect_crit or d.expect_crit."""
    out = d.output()
    for marker in SANITIZER_MARKERS:
        assert marker not in out, "sanitizer report from daemon:\n" + out
    expected = [re.compile(p) for p in list(expect_crit) + list(d.expect_crit)]
    unexpected = [msg for msg in crit_lines(d)
                  if not any(p.search(msg) for p in BENIGN_CRIT + tuple(expected))]
    assert not unexpected, ("daemon in %s logged CRIT (mark the test "
                            "expect_crit if that is what it checks):\n%s"
                            % (d.dir, "\n".join(unexpected)))


def expected_crit(node):
    """The patterns of the expect_crit markers on a test (or module);
    a marker without patterns expects any CRIT line."""
    patterns = []
    for mark in node.iter_markers("expect_crit"):
        patterns.extend(mark.args or [""])
    return patterns


@pytest.fixture
def sup(daemon_kind, tmp_path, request):
    d = Daemon(daemon_kind, tmp_path)
    yield d
    d.stop()
    check_daemon(d, expected_crit(request.node))


@pytest.fixture
def sup_factory(daemon_kind, tmp_path, request):
    """For tests that need several daemons: sup_factory('a') -> Daemon."""
    made = []

    def make(name):
        sub = tmp_path / name
        sub.mkdir()
        d = Daemon(daemon_kind, sub)
        made.append(d)
        return d
    yield make
    for d in made:
        d.stop()
    for d in made:
        check_daemon(d, expected_crit(request.node))


def stop_shared(d):
    """Stop a shared daemon: its programs all at once first, which is
    quicker than the group-by-group stop of a shutdown."""
    if d.proc is not None and d.proc.poll() is None:
        try:
            d.proxy(timeout=30).supervisor.stopAllProcesses()
        except Exception:
            pass
    d.stop()


def shared_daemon(name, setup, expect_crit=()):
    """A module-scoped fixture: one daemon, in a directory of its own named
    after `name`, shared by the tests of a module that change nothing.
    setup(d) writes its config, starts it and waits until it is ready.
    Teardown stops it (stop_shared) and checks it as `sup` does; expect_crit
    lists the CRIT lines it may log (see check_daemon).

        shared = shared_daemon("info-shared", lambda d: (d.write(X), d.start()))
    """
    @pytest.fixture(scope="module")
    def fixture(daemon_kind, tmp_path_factory):
        d = Daemon(daemon_kind, tmp_path_factory.mktemp(name))
        try:
            setup(d)
            yield d
        finally:
            stop_shared(d)
        check_daemon(d, expect_crit)
    return fixture
