"""BK-LOG's real supervisord configs (/work/shared/reference/bklog/) run
unchanged: the PaaS container config (Go-template placeholders, one uWSGI
and six Celery programs sharing celery.log) and the on-premise api and
grafana templates (__BK_HOME__ placeholders, one daemon each).  Only the
placeholders are filled in with test paths and the programs are stubs that
behave like the real ones: log some lines, keep running, stop on SIGTERM."""
import os
import re
import shutil
import tempfile

import pytest

from conftest import Daemon, check_daemon, wait_until, pid_alive, descendants_of

REFERENCE = "/work/shared/reference/bklog"
SUPPORT = os.path.join(REFERENCE, "support-files")

pytestmark = pytest.mark.skipif(not os.path.isdir(SUPPORT),
                                reason="BK-LOG reference files not present")

# One stub for every program; it looks at the name it was called by.
STUB = r'''#!/usr/bin/python3
# Stand-in for a BK-LOG program: checks its arguments the way the real one
# would, writes a few log lines to stdout and stderr, runs worker children,
# and shuts down on SIGTERM.
import os, signal, subprocess, sys

kind = os.path.basename(sys.argv[0])
args = sys.argv[1:]


def arg(flag):
    return args[args.index(flag) + 1] if flag in args else ""


def fail(msg):
    sys.stderr.write("stub %s: %s\n" % (kind, msg))
    sys.exit(2)


own_workers = False       # whether the stub stops its workers itself
nworkers = 0
if kind == "uwsgi":
    ini = arg("--ini")
    if not os.path.isfile(ini):
        fail("no ini file %s" % ini)
    label, nworkers, own_workers = "uwsgi", 2, True
    first = "*** Starting uWSGI (stub) *** ini=%s" % ini
elif kind in ("python", "celery"):
    if kind == "python" and not (args[:3] == [args[0], "celery", "worker"]
                                 and os.path.isfile(args[0])):
        fail("expected manage.py celery worker, got %r" % args)
    if kind == "celery" and args[:1] != ["worker"]:
        fail("expected celery worker, got %r" % args)
    label = "celery " + arg("-n")
    first = "worker %s ready, queues %s" % (arg("-n"), arg("-Q"))
elif kind == "gunicorn":
    if not os.path.isfile(arg("-c")):
        fail("no gunicorn config %s in %s" % (arg("-c"), os.getcwd()))
    label, nworkers = "gunicorn", 2
    first = "Listening at: http://%s:%s env %s" % (
        os.environ.get("LAN_IP"), os.environ.get("BKLOG_API_PORT"), os.environ.get("BK_ENV"))
elif kind == "grafana-server":
    config = arg("--config")
    if not os.path.isfile(config):
        fail("no config %s in %s" % (config, os.getcwd()))
    label, nworkers = "grafana", 1
    first = "HTTP Server Listen (stub) config=%s" % config
else:
    fail("unknown stub")


def out(msg, stream=sys.stdout):
    stream.write("[%s] %s\n" % (label, msg))
    stream.flush()


out(first)
out("cwd %s" % os.getcwd())
for key in ("BKPAAS_ENVIRONMENT", "BK_ENV", "LOGGER_WITHOUT_CONSOLE", "DJANGO_SETTINGS_MODULE"):
    if key in os.environ:
        out("env %s=%s" % (key, os.environ[key]))
out("stdout line", sys.stdout)
out("stderr line", sys.stderr)
workers = [subprocess.Popen(["sleep", "1000"]) for _ in range(nworkers)]
with open(os.environ["STUB_PIDS"], "a") as f:
    f.write("%s %d %s\n" % (label.replace(" ", "_"), os.getpid(),
                            " ".join(str(w.pid) for w in workers)))


def term(signum, frame):
    if own_workers:
        for w in workers:
            w.terminate()
            w.wait()
    out("shutdown")
    sys.exit(0)


signal.signal(signal.SIGTERM, term)
while True:
    signal.pause()
'''


def install_stub(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(STUB)
    os.chmod(path, 0o755)


def read_reference(*parts):
    with open(os.path.join(SUPPORT, *parts)) as f:
        return f.read()


def stub_env(d):
    return {"STUB_PIDS": d.path("stub-pids"), "TMPDIR": d.path("tmp")}


def stub_pids(d):
    """Every pid the stubs reported: {label: [main pid, worker pids...]}."""
    out = {}
    for line in d.read("stub-pids").splitlines():
        label, *pids = line.split()
        out.setdefault(label, []).extend(int(p) for p in pids)
    return out


@pytest.fixture
def bk(sup):
    """A short root for the installation: unix socket paths must stay under
    108 bytes, which pytest's own directories do not guarantee."""
    root = tempfile.mkdtemp(prefix="supd-bk-")
    yield root
    sup.stop()
    shutil.rmtree(root, ignore_errors=True)


def use_config(d, conf, sock, logfile):
    """Point the harness at a config that names its own socket and log."""
    d.conf, d.sock, d.logfile = conf, sock, logfile
    os.makedirs(d.path("tmp"), exist_ok=True)


# -- the PaaS container config ----------------------------------------------

APP_CODE = "bklog"
NODE_NAME = "node1"
ENVIRONMENT = ('BKPAAS_ENVIRONMENT="dev",BK_ENV="development",'
               'DJANGO_SETTINGS_MODULE="settings",BKPAAS_APP_ID="bklog"')


def paas_setup(d, root):
    """Fill supervisord.conf's {{.x}} placeholders, install the stubs in
    place of /cache/.bk/env/bin and lay out the app directory, all in root."""
    app = root + "/app/"
    for sub in ("run", "conf", "code", "logs/" + APP_CODE):
        os.makedirs(app + sub, exist_ok=True)
    text = read_reference("supervisord.conf")
    for key, value in (("app_container_path", app), ("app_code", APP_CODE),
                       ("node_name", NODE_NAME), ("environment", ENVIRONMENT)):
        text = text.replace("{{.%s}}" % key, value)
    assert "{{" not in text
    bindir = root + "/cache/.bk/env/bin/"
    text = text.replace("/cache/.bk/env/bin/", bindir)
    for name in ("uwsgi", "python", "celery"):
        install_stub(bindir + name)
    shutil.copy(os.path.join(SUPPORT, "uwsgi.ini"), app + "conf/%s.ini" % APP_CODE)
    with open(app + "code/manage.py", "w") as f:
        f.write("# stub Django manage.py\n")
    conf = app + "conf/supervisord.conf"
    with open(conf, "w") as f:
        f.write(text)
    use_config(d, conf, app + "run/supervisord.sock",
               app + "logs/%s/supervisord.log" % APP_CODE)
    return text


def paas_programs(text):
    """[(name, stdout_logfile, -n worker name or None)] from the config."""
    out = []
    for section in re.split(r"\n(?=\[)", text):
        m = re.match(r"\[program:\s*(\S+)\]", section)
        if not m:
            continue
        logfile = re.search(r"^stdout_logfile = (.*)$", section, re.M).group(1)
        worker = re.search(r" -n (\S+)", section)
        out.append((m.group(1), logfile, worker.group(1) if worker else None))
    return out


def test_paas_config_runs_every_program_and_stops_cleanly(sup, bk):
    text = paas_setup(sup, bk)
    programs = paas_programs(text)
    assert len(programs) == 7
    sup.start(env=stub_env(sup))
    names = sorted(p["name"] for p in sup.rpc.getAllProcessInfo())
    assert names == sorted(name for name, _, _ in programs)
    for name, _, _ in programs:
        sup.wait_state(name, "RUNNING")
    wait_until(lambda: len(stub_pids(sup)) == 7, what="all stubs to report")
    pids = [p for group in stub_pids(sup).values() for p in group]
    tree = descendants_of(sup.proc.pid)
    assert set(pids) <= set(tree)
    sup.stop()
    assert sup.proc.returncode == 0
    for pid in tree:
        assert not pid_alive(pid), pid
    for name, _, _ in programs:
        assert "stopped: %s (exit status 0)" % name in sup.log()


def test_paas_logs_land_where_the_config_says(sup, bk):
    text = paas_setup(sup, bk)
    sup.start(env=stub_env(sup))
    programs = paas_programs(text)
    celery = [(n, log, w) for n, log, w in programs if log.endswith("/celery.log")]
    assert len(celery) == 6
    # One shared celery.log with whole lines from every worker.
    path = celery[0][1]
    for name, _, worker in celery:
        wait_until(lambda: "[celery %s] stderr line" % worker in sup.read(path),
                   what="%s in celery.log" % name)
    shared = sup.read(path)
    for _, _, worker in celery:
        assert "[celery %s] worker %s ready" % (worker, worker) in shared
        assert "[celery %s] stdout line\n" % worker in shared
    for line in shared.splitlines():
        assert re.match(r"^\[celery \S+\] ", line), line
    # uwsgi.log has uwsgi's stdout and (redirected) stderr, and nothing else.
    uwsgi = [log for n, log, _ in programs if n.endswith("_uwsgi")][0]
    assert uwsgi == os.path.join(bk, "app", "logs", APP_CODE, "uwsgi.log")
    text = wait_until(lambda: "stderr line" in sup.read(uwsgi) and sup.read(uwsgi),
                      what="uwsgi.log")
    assert "*** Starting uWSGI (stub) *** ini=%s" % os.path.join(
        bk, "app", "conf", "bklog.ini") in text
    assert "[uwsgi] stdout line\n" in text
    assert "celery" not in text
    assert sup.info("%s_uwsgi" % APP_CODE)["stderr_logfile"] == ""


def test_paas_environment_and_directory_reach_the_programs(sup, bk):
    paas_setup(sup, bk)
    sup.start(env=stub_env(sup))
    path = os.path.join(bk, "app", "logs", APP_CODE, "celery.log")
    worker = "%s_%s" % (NODE_NAME, APP_CODE)
    text = wait_until(lambda: "[celery %s] stderr line" % worker in sup.read(path)
                      and sup.read(path), what="celery worker output")
    assert "[celery %s] cwd %s\n" % (worker, os.path.join(bk, "app", "code")) in text
    assert "[celery %s] env BKPAAS_ENVIRONMENT=dev\n" % worker in text
    assert "[celery %s] env BK_ENV=development\n" % worker in text


# -- the on-premise api and grafana templates --------------------------------

LAN_IP = "127.0.0.1"
API_PORT = "10900"


def fill_template(text, bk_home):
    text = text.replace("__BK_HOME__", bk_home)
    text = text.replace("__LAN_IP__", LAN_IP).replace("__BK_BKLOG_API_PORT__", API_PORT)
    return re.sub(r"__[A-Z0-9_]+__", "stub", text)


def onprem_setup(d, root):
    """Fill the templates for BK_HOME=<test dir>/bkhome, install environ.sh,
    grafana.ini, gunicorn_config.py and the gunicorn/grafana-server stubs.
    The pidfiles' /var/run/bklog/ (not a placeholder) moves to the test dir.
    Returns {"api": conf text, "grafana": conf text}."""
    home = root + "/bkhome"
    api = home + "/bklog/api"
    grafana = home + "/bklog/grafana"
    for sub in (api + "/bin", grafana + "/conf", home + "/logs/bklog",
                home + "/public/bklog/grafana/data", root + "/run/bklog"):
        os.makedirs(sub, exist_ok=True)
    with open(api + "/bin/environ.sh", "w") as f:
        f.write(fill_template(read_reference("templates", "api#bin#environ.sh"), home))
    with open(grafana + "/conf/grafana.ini", "w") as f:
        f.write(fill_template(read_reference("templates", "grafana#conf#grafana.ini"), home))
    shutil.copy(os.path.join(REFERENCE, "gunicorn_config.py"), api)
    install_stub(home + "/.envs/bklog-api/bin/gunicorn")
    install_stub(grafana + "/bin/grafana-server")
    confs = {}
    for name in ("api", "grafana"):
        text = read_reference("templates", "#etc#supervisor-bklog-%s.conf" % name)
        text = fill_template(text, home).replace("/var/run/bklog/", root + "/run/bklog/")
        if name == "api":
            # Keep the command's shape, but do not make the test wait 10 s.
            assert 'bash -c "sleep 10 && source bin/environ.sh && exec gunicorn' in text
            text = text.replace('bash -c "sleep 10 &&', 'bash -c "sleep 0.2 &&')
        confs[name] = text
    return confs


def onprem_daemon(d, root, confs, name):
    path = d.path("supervisor-bklog-%s.conf" % name)
    with open(path, "w") as f:
        f.write(confs[name])
    logs = root + "/bkhome/logs/bklog"
    use_config(d, path, "%s/%s-supervisord.sock" % (logs, name),
               "%s/%s-supervisord.log" % (logs, name))
    return d


def test_api_template_runs(sup, bk):
    onprem_daemon(sup, bk, onprem_setup(sup, bk), "api")
    sup.start(env=stub_env(sup))
    sup.wait_state("bklog-api", "RUNNING", timeout=20)
    sup.wait_log("success: bklog-api entered RUNNING state, process has stayed up for "
                 "> than 3 seconds (startsecs)")
    log = os.path.join(bk, "bkhome", "logs", "bklog", "api.log")
    text = wait_until(lambda: "stderr line" in sup.read(log) and sup.read(log), what="api.log")
    # environ.sh was sourced: PATH found the gunicorn stub, variables are set.
    assert "[gunicorn] Listening at: http://%s:%s env production\n" % (LAN_IP, API_PORT) in text
    assert "[gunicorn] cwd %s\n" % os.path.join(bk, "bkhome", "bklog", "api") in text
    assert "[gunicorn] stdout line\n" in text


def test_api_stop_takes_the_gunicorn_workers_along(sup, bk):
    onprem_daemon(sup, bk, onprem_setup(sup, bk), "api")
    sup.start(env=stub_env(sup))
    # Still STARTING (startsecs=3) is as good a time to stop as any.
    pids = wait_until(lambda: stub_pids(sup).get("gunicorn"), what="gunicorn stub pids")
    assert len(pids) == 3
    assert sup.rpc.stopProcess("bklog-api") is True
    for pid in pids:
        wait_until(lambda: not pid_alive(pid), what="gunicorn process %d to exit" % pid)
    assert descendants_of(sup.proc.pid) == []


def test_grafana_template_runs(sup, bk):
    onprem_daemon(sup, bk, onprem_setup(sup, bk), "grafana")
    sup.start(env=stub_env(sup))
    info = sup.wait_state("grafana", "RUNNING")
    assert info["stdout_logfile"] == "/dev/null"
    err = os.path.join(bk, "bkhome", "logs", "bklog", "grafana-error.log")
    text = wait_until(lambda: "stderr line" in sup.read(err) and sup.read(err),
                      what="grafana-error.log")
    assert text == "[grafana] stderr line\n"
    # Nothing else was written: no AUTO log for the /dev/null stdout.
    assert os.listdir(sup.path("tmp")) == []
    assert sorted(os.listdir(os.path.join(bk, "bkhome", "logs", "bklog"))) == [
        "grafana-error.log", "grafana-supervisord.log", "grafana-supervisord.sock"]


def test_grafana_gets_its_environment_and_directory(sup, bk):
    # stdout goes to /dev/null, so the stub's pid report and /proc tell.
    onprem_daemon(sup, bk, onprem_setup(sup, bk), "grafana")
    sup.start(env=stub_env(sup))
    pid = sup.wait_state("grafana", "RUNNING")["pid"]
    wait_until(lambda: stub_pids(sup).get("grafana"), what="grafana stub")
    assert os.readlink("/proc/%d/cwd" % pid) == os.path.join(bk, "bkhome", "bklog", "grafana")
    with open("/proc/%d/environ" % pid, "rb") as f:
        env = dict(x.split(b"=", 1) for x in f.read().split(b"\0") if b"=" in x)
    assert env[b"LOGGER_WITHOUT_CONSOLE"] == b"1"


def test_api_and_grafana_daemons_side_by_side_stop_cleanly(sup, bk, daemon_kind):
    confs = onprem_setup(sup, bk)
    onprem_daemon(sup, bk, confs, "api")
    other = Daemon(daemon_kind, sup.path("grafana-daemon"))
    onprem_daemon(other, bk, confs, "grafana")
    try:
        sup.start(env=stub_env(sup))
        other.start(env=stub_env(sup))
        other.wait_state("grafana", "RUNNING")
        wait_until(lambda: {"gunicorn", "grafana"} <= set(stub_pids(sup)), what="stubs")
        trees = descendants_of(sup.proc.pid) + descendants_of(other.proc.pid)
        assert len(trees) >= 5
        other.stop()
        sup.stop()
        assert sup.proc.returncode == 0 and other.proc.returncode == 0
        for pid in trees:
            assert not pid_alive(pid), pid
        for name in ("api", "grafana"):
            assert not os.path.exists(os.path.join(bk, "run", "bklog", "%s-supervisord.pid" % name))
    finally:
        other.stop()
        check_daemon(other)


def test_grafana_starts_before_the_api_in_one_config(sup, bk):
    confs = onprem_setup(sup, bk)
    # The api file's header and program, plus grafana's program section.
    grafana_program = confs["grafana"][confs["grafana"].index("[program:grafana]"):]
    confs["both"] = confs["api"] + "\n" + grafana_program
    onprem_daemon(sup, bk, confs, "both")
    sup.logfile = os.path.join(bk, "bkhome", "logs", "bklog", "api-supervisord.log")
    sup.sock = os.path.join(bk, "bkhome", "logs", "bklog", "api-supervisord.sock")
    sup.start(env=stub_env(sup))
    sup.wait_log("spawned: 'bklog-api'")
    wait_until(lambda: {"gunicorn", "grafana"} <= set(stub_pids(sup)), what="stubs")
    log = sup.log()
    assert log.index("spawned: 'grafana'") < log.index("spawned: 'bklog-api'")
    sup.stop()
    log = sup.log()
    assert log.index("stopped: bklog-api") < log.index("stopped: grafana")
