"""examples/bklog-deploy: BK-LOG's templates rendered with supctl render
for each of dev, stag and prod, checked clean by supd check, and run by
supd on dev with stand-ins for gunicorn, celery and grafana-server. The
commands are the README's "From templates to a running deployment"."""
import os
import subprocess

import pytest

from conftest import BUILD, ROOT, Daemon, wait_until

pytestmark = pytest.mark.supd_only

EXAMPLE = os.path.join(ROOT, "examples", "bklog-deploy")
SUPD = os.path.join(BUILD, "supd")
SUPCTL = os.path.join(BUILD, "supctl")
NO_PROFILE = {"SUPD_PROFILE": "", "BKPAAS_ENVIRONMENT": "", "BK_ENV": ""}
PROGRAMS = {
    "dev": ["bklog-api", "bklog-celery_0", "grafana"],
    "stag": ["bklog-api", "bklog-celery_0", "bklog-celery_1", "grafana"],
    "prod": ["bklog-api", "bklog-celery-pipeline", "bklog-celery_0",
             "bklog-celery_1", "grafana"],
}


def run(argv, home):
    env = dict(os.environ, BK_HOME=home, **NO_PROFILE)
    return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                          env=env)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def render(profile, home):
    return run([SUPCTL, "render", os.path.join(EXAMPLE, "templates"),
                "--vars", os.path.join(EXAMPLE, "vars", "common.env"),
                "--vars", os.path.join(EXAMPLE, "vars", profile + ".env"),
                "--out", home], home)


@pytest.mark.parametrize("profile", ["dev", "stag", "prod"])
def test_renders_and_checks_clean(tmp_path, profile):
    home = str(tmp_path)
    res = render(profile, home)
    assert res.returncode == 0, res.stdout + res.stderr
    conf = os.path.join(home, "etc", "bklog", "supervisord.conf")
    res = run([SUPD, "-c", conf, "-P", profile, "check", "--print"], home)
    assert res.returncode == 0, res.stderr
    assert "Error" not in res.stderr and "Warning" not in res.stderr
    assert "supd: profile: %s (from -P)" % profile in res.stderr
    n = len(PROGRAMS[profile])
    assert "is ok: %d programs, %d processes" % (3 + (profile == "prod"), n) \
        in res.stderr
    assert "__" not in res.stdout           # no placeholder left
    assert "logfile = %s/logs/bklog/supervisord-%s.log" % (home, profile) \
        in res.stdout


def test_the_other_profiles_files_are_not_read(tmp_path):
    home = str(tmp_path)
    assert render("prod", home).returncode == 0
    conf = os.path.join(home, "etc", "bklog", "supervisord.conf")
    res = run([SUPD, "-c", conf, "-P", "dev", "check", "--print"], home)
    assert res.returncode == 0, res.stderr
    assert "[program:bklog-celery-pipeline]" not in res.stdout
    res = run([SUPD, "-c", conf, "check", "--print"], home)
    assert res.returncode == 0
    assert "[program:bklog-celery]" not in res.stdout


def test_runs_on_dev(tmp_path):
    home = str(tmp_path / "bkee")
    assert render("dev", home).returncode == 0
    sup = Daemon("supd", tmp_path)
    sup.conf = os.path.join(home, "etc", "bklog", "supervisord.conf")
    sup.sock = os.path.join(home, "logs", "bklog", "supervisord.sock")
    sup.logfile = os.path.join(home, "logs", "bklog", "supervisord-dev.log")
    try:
        sup.start("-P", "dev", env=dict(NO_PROFILE, BK_HOME=home))
        for name in PROGRAMS["dev"]:
            group = "bklog-celery" if name.startswith("bklog-celery") else name
            sup.wait_state("%s:%s" % (group, name), "RUNNING", timeout=20)
        logs = os.path.join(home, "logs", "bklog")
        wait_until(lambda: ("gunicorn (stand-in) -c gunicorn_config.py "
                            "wsgi:application: BK_ENV=development "
                            "LAN_IP=127.0.0.1 DB_HOST=127.0.0.1")
                   in read(os.path.join(logs, "api.log")),
                   what="the api's first line")
        wait_until(lambda: "-l DEBUG" in read(os.path.join(logs,
                                                            "celery.log")),
                   what="the celery worker's first line")
        res = run([SUPCTL, "-c", sup.conf, "-P", "dev", "status"], home)
        assert res.returncode == 0, res.stdout + res.stderr
        assert res.stdout.count("RUNNING") == 3
    finally:
        sup.stop()
