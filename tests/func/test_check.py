"""supd check [-c FILE] [-P NAME] [--print], like nginx -t: the config is
loaded as a start would load it (includes, expansions, environment files,
commands resolved), every problem is reported as file:line, the exit
status is 0 or 2, and nothing is started, bound or written. --print shows
the effective config, one section per program, defaults included; supd
echo-config prints a commented sample."""
import configparser
import os
import subprocess
import textwrap

import pytest

from conftest import BASE_CONFIG, BUILD

pytestmark = pytest.mark.supd_only

SUPD = os.path.join(BUILD, "supd")
PROFILE_VARS = ("SUPD_PROFILE", "BKPAAS_ENVIRONMENT", "BK_ENV")


def run(*args, cwd=None, env=None):
    """Run supd with args; the profile variables of our own environment
    are left out so that only env chooses."""
    full = {k: v for k, v in os.environ.items() if k not in PROFILE_VARS}
    full.update(env or {})
    return subprocess.run([SUPD] + list(args), capture_output=True,
                          text=True, timeout=60, cwd=cwd, env=full)


def write(path, body, base=False):
    text = textwrap.dedent(body).lstrip("\n")
    if base:
        os.makedirs(os.path.join(os.path.dirname(path), "logs"),
                    exist_ok=True)
        text = BASE_CONFIG.format(dir=os.path.dirname(path),
                                  loglevel="info") + text
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def line_of(path, text):
    """The line number of the first line of path that starts with text."""
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.startswith(text):
                return n
    raise AssertionError("%s not in %s" % (text, path))


def test_a_good_config_checks_clean_and_nothing_is_started(tmp_path):
    d = str(tmp_path)
    conf = write(d + "/supervisord.conf", """
        [program:x]
        command=/bin/sh -c "touch %(here)s/started; exec sleep 100"
        startsecs=0
        """, base=True)
    res = run("-c", conf, "check")
    assert res.returncode == 0, res.stderr
    assert "configuration file %s is ok: 1 program, 1 process" % conf in res.stderr
    assert res.stdout == ""
    for left in ("started", "supervisor.sock", "supervisord.pid",
                 "supervisord.log"):
        assert not os.path.exists(os.path.join(d, left)), left
    assert os.listdir(os.path.join(d, "logs")) == []


def test_the_options_go_before_or_after_check(tmp_path):
    conf = write(str(tmp_path) + "/supervisord.conf", "", base=True)
    assert run("check", "-c", conf).returncode == 0
    assert run("-c", conf, "check").returncode == 0


def test_every_problem_is_reported_with_file_and_line(tmp_path):
    d = str(tmp_path)
    conf = write(d + "/supervisord.conf", """
        [include]
        files = conf.d/*.conf

        [program:a]
        command=/bin/true
        startsecs=ten
        """, base=True)
    write(d + "/conf.d/b.conf", """
        [program:b]
        command=/bin/true
        autorestart=sometimes
        """)
    res = run("-c", conf, "check")
    assert res.returncode == 2
    errors = [l for l in res.stderr.splitlines() if l.startswith("Error: ")]
    assert len(errors) == 2, res.stderr
    want = ("Error: %s:%d: [program:a] startsecs: "
            % (conf, line_of(conf, "startsecs")),
            "Error: %s/conf.d/b.conf:3: [program:b] autorestart: " % d)
    for w in want:
        assert any(e.startswith(w) for e in errors), res.stderr
    assert "configuration check failed: 2 problems" in res.stderr


def test_a_command_that_cannot_be_found_is_a_problem(tmp_path):
    conf = write(str(tmp_path) + "/supervisord.conf", """
        [program:web]
        command=surely-not-a-command-anywhere --serve
        """, base=True)
    res = run("-c", conf, "check")
    assert res.returncode == 2
    assert ("Error: %s:%d: [program:web] command: can't find command "
            "'surely-not-a-command-anywhere'"
            % (conf, line_of(conf, "command="))) in res.stderr


def test_an_environment_file_that_would_run_something_is_a_problem(tmp_path):
    d = str(tmp_path)
    with open(d + "/app.env", "w") as f:
        f.write("A=1\nB=$(id -u)\n")
    conf = write(d + "/supervisord.conf", """
        [program:web]
        command=/bin/true
        environment_file=%(here)s/app.env
        """, base=True)
    res = run("-c", conf, "check")
    assert res.returncode == 2
    assert ("Error: %s:%d: [program:web] environment_file: %s/app.env:2: "
            "command substitution" % (conf, line_of(conf, "environment_file"),
                                      d)) in res.stderr


def test_warnings_are_shown_but_pass(tmp_path):
    conf = write(str(tmp_path) + "/supervisord.conf", """
        [include]
        files = nothing/*.conf
        """, base=True)
    res = run("-c", conf, "check")
    assert res.returncode == 0
    assert "Warning: No file matches via include" in res.stderr


def test_a_missing_config_file_is_a_problem(tmp_path):
    res = run("-c", str(tmp_path / "nope.conf"), "check")
    assert res.returncode == 2
    assert "could not find config file" in res.stderr


def test_print_shows_every_option_with_defaults_and_expansions(tmp_path):
    d = str(tmp_path)
    conf = write(d + "/supervisord.conf", """
        [include]
        files = conf.d/*.conf

        [program:a]
        command=/bin/sleep 100
        directory=%(here)s
        """, base=True)
    write(d + "/conf.d/b.conf", """
        [program:b]
        command=/bin/sleep %(process_num)s
        process_name=%(program_name)s_%(process_num)s
        numprocs=2
        """)
    res = run("-c", conf, "check", "--print")
    assert res.returncode == 0, res.stderr
    cp = configparser.RawConfigParser(strict=True)
    cp.read_string(res.stdout)
    assert "[program:a]" in res.stdout and "[program:b]" in res.stdout
    a = cp["program:a"]
    assert a["command"] == "/bin/sleep 100"
    assert a["directory"] == d
    # Defaults, as Supervisor's.
    assert a["startsecs"] == "1"
    assert a["stopsignal"] == "TERM"
    assert a["autorestart"] == "unexpected"
    assert a["stdout_logfile_maxbytes"] == "50MB"
    assert a["environment_file"] == ""
    assert "; user is not set" in res.stdout
    # One section per program; the first process's expansions.
    assert res.stdout.count("[program:b]") == 1
    assert cp["program:b"]["process_name"] == "b_0"
    assert cp["program:b"]["numprocs"] == "2"
    assert cp["supervisord"]["pidfile"] == d + "/supervisord.pid"
    assert cp["supervisord"]["minfds"] == "1024"
    assert cp["unix_http_server"]["file"] == d + "/supervisor.sock"
    assert res.stdout.startswith("; effective configuration of %s\n"
                                 "; profile: default (from default)\n" % conf)


def test_print_lists_the_same_keys_for_every_program(tmp_path):
    d = str(tmp_path)
    conf = write(d + "/supervisord.conf", """
        [program:a]
        command=/bin/true

        [program:b]
        command=/bin/true
        user=nobody
        environment=A="1"
        stopasgroup=true
        """, base=True)
    res = run("-c", conf, "check", "--print")
    assert res.returncode == 0, res.stderr
    sections = res.stdout.split("\n[")
    keys = []
    for s in sections:
        if s.startswith("program:"):
            keys.append([l.split(" = ")[0].lstrip("; ").split(" is not")[0]
                         for l in s.splitlines()[1:] if l])
    assert len(keys) == 2 and keys[0] == keys[1]
    assert {"command", "environment", "environment_file", "user",
            "stopasgroup", "killasgroup", "numprocs", "umask",
            "serverurl"} <= set(keys[0])


def test_printed_config_checks_clean_itself(tmp_path):
    d = str(tmp_path)
    conf = write(d + "/supervisord.conf", """
        [program:a]
        command=/bin/sleep 100
        environment=A="x y"
        """, base=True)
    res = run("-c", conf, "check", "--print")
    assert res.returncode == 0, res.stderr
    again = write(d + "/printed.conf", res.stdout)
    res2 = run("-c", again, "check", "--print")
    assert res2.returncode == 0, res2.stderr
    assert res2.stdout.split("\n", 1)[1] == res.stdout.split("\n", 1)[1]


def test_print_goes_only_with_check(tmp_path):
    conf = write(str(tmp_path) + "/supervisord.conf", "", base=True)
    res = run("-c", conf, "--print")
    assert res.returncode == 2
    assert "--print goes with check" in res.stderr


def test_nothing_is_printed_when_there_are_problems(tmp_path):
    conf = write(str(tmp_path) + "/supervisord.conf", """
        [program:a]
        command=/bin/true
        priority=high
        """, base=True)
    res = run("-c", conf, "check", "--print")
    assert res.returncode == 2
    assert res.stdout == ""


def test_echo_config_is_a_commented_sample_that_checks_clean(tmp_path):
    res = run("echo-config")
    assert res.returncode == 0
    assert res.stdout.count("\n;") > 20
    assert "[supervisord]" in res.stdout
    assert "environment_file" in res.stdout and "%(profile)s" in res.stdout
    conf = write(str(tmp_path) + "/supervisord.conf", res.stdout)
    checked = run("-c", conf, "check")
    assert checked.returncode == 0, checked.stderr


def test_help_names_the_commands():
    res = run("-h")
    assert res.returncode == 0
    assert "check [--print]" in res.stdout
    assert "echo-config" in res.stdout
    assert "-P/--profile NAME" in res.stdout
