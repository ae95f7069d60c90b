"""Differential test: environment files read by src/common/envfile.c (through
tests/tools/envfile-dump) against bash sourcing the same file with
`set -a; source FILE; env -0`, for every valid case below. The variables we
return must be exactly those bash ends up with that were not in its initial
environment unchanged. Cases that envfile refuses (anything that would run a
command) are checked to fail with file:line.

No daemon is needed.
"""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("SUPD_BUILD", "build"))
DUMP = os.path.join(BUILD, "tests", "tools", "envfile-dump")
RENDERED_ENVIRON = None

pytestmark = pytest.mark.supd_only

# The environment both run in.
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/home/u", "E": "env value",
       "EMPTY": "", "SPACES": "a  b", "GLOB": "*"}

# Variables bash sets or changes by itself.
BASH_OWN = {"PWD", "SHLVL", "_", "OLDPWD"}

VALID = [
    "A=1",
    "A=1\nB=2\n",
    "export A=1\n",
    "export\tA=1 B=2 C=3\n",
    "   A=1\n\t B=2\n",
    "A=\n",
    "_a9=x\n",
    "A=1\nA=2\nB=3\nA=4\n",
    "A=1 # note\n",
    "A=1#x\n",
    "A=a#b\nB=#b\n",
    "A=x=y\n",
    "A=1 B=$A\n",
    "A=1\nexport A\n",
    "export E\n",
    "A=*?[x]!%@+,.:/\n",
    "A=*\nB=$GLOB\n",
    "A=\u00e9t\u00e9\n",
    "A='a b'\n",
    'A="a b"\n',
    "A=\"x\"'y'z\n",
    "A=''\nB=\"\"\n",
    "A='$E `x` $(y) \\n \"'\n",
    "A=\"it's\"\n",
    "A='a\nb'\nB=1\n",
    "A=\"a\n# not a comment\nb\"\nB=$A\n",
    "A=\"a;b|c&d<e>f(g)h{i}\"\n",
    "A=\"x\r\"\n",
    "A=a\\ b\n",
    "A=\\$E\\\"\\'\\\\\\a\n",
    "A=a\\\nb\n",
    "A=a\\",
    "A=\"\\$ \\` \\\" \\\\ \\a \\n\"\n",
    "A=\"a\\\nb\"\n",
    "A='\\'\n",
    "export \\\n A=1\n",
    "A=$E\n",
    "A=${E}x\n",
    "A=$Ex\n",
    "A=$E/x:$E\n",
    "A=\"$E $E\"\n",
    "A=$SPACES\nB=\"$SPACES\"\n",
    "A=$UNSET.\n",
    "E=file\nA=$E\n",
    "A=1\nA=${A}2\n",
    "A=$\n",
    "A=$/ B=\"$\" C=a$\n",
    "A=\"$'\"\n",
    "A='$E'\n",
    "A=${UNSET:-d}\n",
    "A=${UNSET-d}\n",
    "A=${EMPTY:-d}\n",
    "A=${EMPTY-d}\n",
    "A=${E:-d}\n",
    "A=${E:+alt}${UNSET:+x}${EMPTY:+y}${EMPTY+z}\n",
    "A=${UNSET:-a b}\n",
    "A=${UNSET:-'a b'}\n",
    "A=\"${UNSET:-'a b'}\"\n",
    "A=\"${UNSET:-a b}\"\n",
    "A=${UNSET:-$E/x}\n",
    "A=${UNSET:-${E}}\n",
    "A=${UNSET:-${UNSET2:-deep}}\n",
    "A=${UNSET:-a}b\n",
    "A=${UNSET:-a;b|c}\n",
    "A=${UNSET:-~/x}\n",
    "A=~\n",
    "A=~/x:~/y:a~b\n",
    "A='~' B=\"~\" C=\\~\n",
    "export PATH=/opt/bin:$PATH\n",
    "A=1\n\n\n# c\nB=2 # c\n  # c\n",
    "A=\"line1\nline2\nline3\"\n",
    "A=\"  lead and trail  \"\n",
    "A=\"tab\there\"\n",
    "A=\"\\\"quoted\\\"\"\n",
    "A='it'\\''s'\n",
    "A=\"${E}\"'${E}'${E}\n",
    "A=x\\#y B=\\ \n",
]

REFUSED = [
    ("A=$(id)", 1),
    ("A=1\nB=\"x$(id)\"", 2),
    ("A=`id`", 1),
    ("A=\"`id`\"", 1),
    ("A=$((1+2))", 1),
    ("A=${UNSET:-$(id)}", 1),
    ("A=1\nsource other.sh\n", 2),
    ("if true; then A=1; fi\n", 1),
    ("A=1 id\n", 1),
    ("A = 1\n", 1),
    ("A=1; id\n", 1),
    ("A=1 && id\n", 1),
    ("A=x|id\n", 1),
    ("A=x >/tmp/envfile-should-not-exist\n", 1),
    ("A=${E:=x}\n", 1),
    ("A=$1\n", 1),
    ("A=\"unterminated\n\n", 1),
    ("A=1\nB='x\n", 2),
]


def dump(path, env=ENV):
    if not os.path.exists(DUMP):
        pytest.fail("%s is not built (ninja -C %s)" % (DUMP, BUILD))
    return subprocess.run([DUMP, path], env=env, capture_output=True, timeout=30)


def parse_env0(data):
    out = {}
    for item in data.split(b"\0"):
        if item:
            k, _, v = item.partition(b"=")
            out[k.decode()] = v
    return out


def bash_vars(path, env=ENV):
    p = subprocess.run(["/bin/bash", "-c", 'set -a; source "$1"; env -0', "bash", path],
                       env=env, capture_output=True, timeout=30)
    assert p.returncode == 0 and not p.stderr, p.stderr.decode(errors="replace")
    got = parse_env0(p.stdout)
    initial = {k: v.encode() for k, v in env.items()}
    return {k: v for k, v in got.items()
            if k not in BASH_OWN and initial.get(k) != v}


@pytest.mark.parametrize("text", VALID)
def test_same_as_bash(tmp_path, text):
    path = tmp_path / "t.env"
    path.write_bytes(text.encode())
    p = dump(str(path))
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    ours = parse_env0(p.stdout)
    initial = {k: v.encode() for k, v in ENV.items()}
    # What bash shows is what changed; a variable set to its old value by
    # the file is invisible there, so compare on the changed ones.
    ours_changed = {k: v for k, v in ours.items() if initial.get(k) != v}
    assert ours_changed == bash_vars(str(path))


@pytest.mark.parametrize("text,line", REFUSED)
def test_refused_with_file_and_line(tmp_path, text, line):
    path = tmp_path / "t.env"
    path.write_bytes(text.encode())
    p = dump(str(path))
    assert p.returncode == 2 and p.stdout == b""
    assert p.stderr.decode().startswith("%s:%d: " % (path, line)), p.stderr


def test_rendered_bklog_environ_same_as_bash(tmp_path):
    """The BK-LOG environ.sh template, placeholders filled in, loads and
    gives what bash gives."""
    src = "/work/shared/reference/bklog/support-files/templates/api#bin#environ.sh"
    if not os.path.exists(src):
        pytest.skip("BK-LOG reference files not present")
    with open(src) as f:
        text = f.read()
    import re
    text = re.sub(r"__([A-Za-z0-9_]+?)__", lambda m: "v-" + m.group(1).lower(), text)
    path = tmp_path / "environ.sh"
    path.write_text(text)
    p = dump(str(path))
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    ours = parse_env0(p.stdout)
    assert ours["BK_LOG_DIR"] == b"v-bk_home/logs/bklog"
    assert ours["PATH"] == b"v-bk_home/.envs/bklog-api/bin:/usr/bin:/bin"
    assert len(ours) == 24
    assert {k: v for k, v in ours.items()} == bash_vars(str(path))


def test_several_files_later_wins(tmp_path):
    a = tmp_path / "a.env"
    b = tmp_path / "b.env"
    a.write_text("A=1\nB=2\n")
    b.write_text("C=$A\nA=3\n")
    p = subprocess.run([DUMP, str(a), "-" + str(tmp_path / "missing"), str(b)],
                       env=ENV, capture_output=True, timeout=30)
    assert p.returncode == 0
    assert parse_env0(p.stdout) == {"A": b"3", "B": b"2", "C": b"1"}
