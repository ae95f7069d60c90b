"""deploy/bash-completion/supctl: its list of actions matches `supctl help`,
and names come from the running daemon, asked with the -c given earlier on
the command line."""
import os
import re
import shlex
import subprocess

import pytest

from conftest import BUILD, ROOT

COMPLETION = os.path.join(ROOT, "deploy/bash-completion/supctl")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"


def script_actions():
    with open(COMPLETION) as f:
        text = f.read()
    m = re.search(r'_supctl_actions="([^"]*)"', text)
    return m.group(1).split()


def test_actions_match_help():
    out = subprocess.run([os.path.join(BUILD, "supctl"), "help"],
                         capture_output=True, text=True, check=True).stdout
    listed = set(out.rsplit("=\n", 1)[1].split())
    # "help" is hidden from its own list but is an action all the same.
    assert set(script_actions()) == listed | {"help"}
    assert script_actions() == sorted(script_actions())


def complete(cwd, *words):
    """COMPREPLY for the command line `words` (the last is the word being
    completed), from bash with bash-completion and our script loaded."""
    if not os.path.exists(BASH_COMPLETION):
        pytest.skip("bash-completion is not installed")
    line = " ".join([shlex.quote(w) for w in words[:-1]] + [words[-1]])
    script = """
        source %s
        source %s
        COMP_WORDS=(%s)
        COMP_CWORD=%d
        COMP_LINE=%s
        COMP_POINT=${#COMP_LINE}
        _supctl
        printf '%%s\\n' "${COMPREPLY[@]}"
        """ % (BASH_COMPLETION, COMPLETION,
               " ".join(shlex.quote(w) for w in words), len(words) - 1,
               shlex.quote(line))
    res = subprocess.run(["bash", "-c", script], capture_output=True,
                         text=True, cwd=cwd, timeout=30)
    assert res.returncode == 0, res.stderr
    return sorted(w for w in res.stdout.split("\n") if w)


def test_complete_actions(tmp_path):
    supctl = os.path.join(BUILD, "supctl")
    assert complete(tmp_path, supctl, "re") == [
        "reload", "remove", "reread", "restart"]
    assert complete(tmp_path, supctl, "-c", "x.conf", "sh") == ["shutdown"]


def test_complete_names_from_daemon(sup):
    sup.write("""
        [program:web]
        command=sleep 1000
        startsecs=0

        [program:worker]
        command=sleep 1000
        process_name=%(program_name)s_%(process_num)d
        numprocs=2
        startsecs=0
        autostart=false
        """)
    sup.start()
    supctl = os.path.join(BUILD, "supctl")
    names = complete(sup.dir, supctl, "-c", sup.conf, "start", "")
    assert names == ["all", "web", "worker:*", "worker:worker_0",
                     "worker:worker_1"]
    # The part after a colon, as bash shows it once the group is typed.
    assert complete(sup.dir, supctl, "-c", sup.conf, "stop", "worker:") == [
        "*", "worker_0", "worker_1"]
    assert complete(sup.dir, supctl, "-c", sup.conf, "remove", "") == [
        "web", "worker"]
    assert complete(sup.dir, supctl, "-c", sup.conf, "signal", "") == sorted(
        "HUP INT QUIT KILL USR1 USR2 TERM STOP CONT WINCH".split())
    assert complete(sup.dir, supctl, "-c", sup.conf, "tail", "web", "") == [
        "stderr", "stdout"]
    # Without -c this supctl finds no daemon: no names, and no error.
    assert complete(sup.dir, supctl, "-s", "unix:///nonexistent.sock",
                    "start", "") == ["all"]
