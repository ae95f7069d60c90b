"""%(profile)s: an expansion in every value ([include] files= and
environment_file= too), from supd -P / supctl -P, else SUPD_PROFILE, else
BKPAAS_ENVIRONMENT, else BK_ENV (development, testing, production as dev,
stag, prod), else "default". A config that does not use it reads as in
Supervisor, and an unknown name is still an error."""
import os
import subprocess

import pytest

from conftest import BUILD

SUPD = os.path.join(BUILD, "supd")
PROFILE_VARS = ("SUPD_PROFILE", "BKPAAS_ENVIRONMENT", "BK_ENV")
# Set empty, the profile variables count as unset: our own environment
# then has no say in what the daemon under test chooses.
NO_PROFILE = {k: "" for k in PROFILE_VARS}


def check(sup, *args, env=None):
    full = dict(os.environ)
    full.update(NO_PROFILE)
    full.update(env or {})
    return subprocess.run([SUPD, "-c", sup.conf] + list(args) + ["check"],
                          capture_output=True, text=True, timeout=60,
                          env=full, cwd=sup.dir)


def per_profile(sup):
    """conf.d/common.conf, and profiles/<p>/<p>.conf for dev, stag, prod."""
    for name, path in (("common", "conf.d/common.conf"),
                       ("dev", "profiles/dev/dev.conf"),
                       ("stag", "profiles/stag/stag.conf"),
                       ("prod", "profiles/prod/prod.conf")):
        os.makedirs(os.path.dirname(sup.path(path)), exist_ok=True)
        sup.write("""
            [program:%s]
            command=/bin/sleep 1000
            startsecs=0
            """ % name, base=False, name=path)
    sup.write("""
        [include]
        files = conf.d/*.conf profiles/%(profile)s/*.conf
        """)


def names(sup):
    return sorted(i["name"] for i in sup.rpc.getAllProcessInfo())


@pytest.mark.supd_only
@pytest.mark.parametrize("args,env,want", [
    ((), {}, "profile: default (from default)"),
    (("-P", "prod"), {"SUPD_PROFILE": "x", "BKPAAS_ENVIRONMENT": "y",
                      "BK_ENV": "development"}, "profile: prod (from -P)"),
    (("--profile", "stag"), {}, "profile: stag (from -P)"),
    ((), {"SUPD_PROFILE": "mine", "BKPAAS_ENVIRONMENT": "dev"},
     "profile: mine (from SUPD_PROFILE)"),
    ((), {"BKPAAS_ENVIRONMENT": "prod", "BK_ENV": "development"},
     "profile: prod (from BKPAAS_ENVIRONMENT)"),
    ((), {"BK_ENV": "development"}, "profile: dev (from BK_ENV)"),
    ((), {"BK_ENV": "testing"}, "profile: stag (from BK_ENV)"),
    ((), {"BK_ENV": "production"}, "profile: prod (from BK_ENV)"),
])
def test_check_says_which_profile_and_from_where(sup, args, env, want):
    sup.write("")
    res = check(sup, *args, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines()[0] == "supd: " + want


@pytest.mark.supd_only
def test_includes_pick_the_profiles_programs(sup):
    per_profile(sup)
    sup.start("-P", "prod", env=NO_PROFILE)
    assert names(sup) == ["common", "prod"]


@pytest.mark.supd_only
def test_bk_env_picks_the_profile_at_start(sup):
    per_profile(sup)
    env = dict(NO_PROFILE, BK_ENV="testing")
    sup.start(env=env)
    assert names(sup) == ["common", "stag"]


@pytest.mark.supd_only
def test_without_a_profile_the_default_directory_is_used(sup):
    per_profile(sup)
    sup.start(env=NO_PROFILE)
    assert names(sup) == ["common"]
    assert 'No file matches via include "%s/profiles/default/*.conf"' \
        % sup.dir in sup.log()


@pytest.mark.supd_only
def test_profile_expands_in_program_values(sup):
    sup.probe()
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p-%(profile)s.json
        environment=APP_PROFILE="%(profile)s"
        startsecs=0
        """)
    sup.start("-P", "stag", env=NO_PROFILE)
    assert sup.read_probe("p-stag.json")["env"]["APP_PROFILE"] == "stag"


@pytest.mark.supd_only
def test_profile_expands_in_environment_file(sup):
    sup.probe()
    for p in ("dev", "prod"):
        with open(sup.path(p + ".env"), "w") as f:
            f.write("DB_HOST=db-%s\n" % p)
    sup.write("""
        [supervisord]
        environment_file = %(here)s/%(profile)s.env

        [program:p]
        command=%(here)s/probe.py %(here)s/p.json
        environment_file = %(here)s/%(profile)s.env
        startsecs=0
        """)
    sup.start(env=dict(NO_PROFILE, BKPAAS_ENVIRONMENT="prod"))
    assert sup.read_probe("p.json")["env"]["DB_HOST"] == "db-prod"


@pytest.mark.supd_only
def test_a_profile_that_is_not_a_name_is_refused(sup):
    sup.write("")
    res = check(sup, "-P", "../etc")
    assert res.returncode == 2
    assert "profile '../etc' (from -P) is not a valid name" in res.stderr
    rc, out = sup.run_to_exit(env=dict(NO_PROFILE, BK_ENV="a b"))
    assert rc == 2
    assert "profile 'a b' (from BK_ENV) is not a valid name" in out


@pytest.mark.supd_only
def test_supctl_expands_profile_to_find_the_server(sup):
    sup.write("""
        [program:p]
        command=/bin/sleep 1000
        startsecs=0
        """, base=False)
    with open(sup.conf) as f:
        body = f.read()
    with open(sup.conf, "w") as f:
        f.write("""[unix_http_server]
file=%%(here)s/supd-%%(profile)s.sock

[supervisord]
logfile=%%(here)s/supervisord.log
pidfile=%%(here)s/supervisord.pid
childlogdir=%%(here)s/logs

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%%(here)s/supd-%%(profile)s.sock
%s""" % body)
    sup.sock = sup.path("supd-prod.sock")
    sup.start("-P", "prod", env=NO_PROFILE)
    env = dict(os.environ, **NO_PROFILE)
    res = subprocess.run([os.path.join(BUILD, "supctl"), "-c", sup.conf,
                          "-P", "prod", "status"], capture_output=True,
                         text=True, timeout=60, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "RUNNING" in res.stdout
    res = subprocess.run([os.path.join(BUILD, "supctl"), "-c", sup.conf,
                          "status"], capture_output=True, text=True,
                         timeout=60, env=dict(env, BK_ENV="production"))
    assert "RUNNING" in res.stdout
    res = subprocess.run([os.path.join(BUILD, "supctl"), "-c", sup.conf,
                          "status"], capture_output=True, text=True,
                         timeout=60, env=env)
    assert "supd-default.sock" in res.stdout + res.stderr
    assert "RUNNING" not in res.stdout


def test_a_config_without_profile_reads_as_before(sup):
    sup.probe()
    sup.write("""
        [program:p]
        command=%(here)s/probe.py %(here)s/p.json %(program_name)s
        startsecs=0
        """)
    sup.start(env={"BK_ENV": "production"})
    assert sup.read_probe("p.json")["argv"] == ["p"]


def test_an_unknown_name_is_still_an_error(sup):
    sup.write("""
        [program:p]
        command=/bin/echo %(nosuch)s
        """)
    rc, out = sup.run_to_exit()
    assert rc == 2
    assert "nosuch" in out
    assert "profile" not in out     # Supervisor's list of names, as it was


@pytest.mark.supd_only
def test_supctl_lists_the_names_as_supervisorctl_does(sup):
    sup.write("""
        [supervisorctl]
        serverurl=unix://%(nosuch)s/x
        """, base=False)
    res = sup.supctl("status")
    assert res.returncode == 2
    assert "contains names ('nosuch') which cannot be expanded" in res.stderr
    assert "profile" not in res.stderr
