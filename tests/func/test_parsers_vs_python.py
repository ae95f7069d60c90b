"""Differential tests: our config-reading primitives against Python itself.

Each case goes through one of the small drivers in tests/tools (ini-dump,
expand-eval, shlex-eval) and through what Supervisor 4.2.5 really runs:
configparser via supervisor.options.UnhosedConfigParser, supervisor.options.
expand() (Python's `format % dict`), shlex.split() and supervisor.datatypes.
dict_of_key_value_pairs(). Results must be identical, or both must fail (for
the INI reader: on the same lines; for expand: with the same message).

No daemon is needed. The few deliberate differences are spelled out in
`expand_deviation` and `test_ini_nul_byte_refused`.

Run as a script with --tables ini|expand to print the Unicode tables that
src/common/ini.c and expand.c embed; test_unicode_tables_current checks that
they still match this Python.
"""
import ctypes
import json
import os
import random
import re
import shlex
import subprocess
import sys

import pytest

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import configparser  # noqa: E402

from supervisor.datatypes import dict_of_key_value_pairs  # noqa: E402
from supervisor.options import UnhosedConfigParser, expand  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("SUPD_BUILD", "build"))
TOOLS = os.path.join(BUILD, "tests", "tools")
SUPPORT = "/work/shared/reference/bklog/support-files"


@pytest.fixture(autouse=True, scope="module")
def _only_once(request):
    # Nothing here involves the daemon; do not repeat under supervisord.
    if request.config.getoption("--daemon", default="supd") != "supd":
        pytest.skip("parser tests do not depend on the daemon")


def run_tool(name, args=(), data=None):
    path = os.path.join(TOOLS, name)
    if not os.path.exists(path):
        pytest.fail("%s is not built (ninja -C %s)" % (path, BUILD))
    p = subprocess.run([path, *args], input=data, capture_output=True, timeout=300)
    assert p.returncode == 0 and not p.stderr, p.stderr.decode(errors="replace")
    return json.loads(p.stdout)


def batch(name, cases):
    return run_tool(name, data=json.dumps(cases).encode())


# --- INI ------------------------------------------------------------------

def python_ini(paths):
    """Read paths one after the other, as Supervisor reads a config and its
    includes, and return what configparser holds, or the failing lines."""
    parser = UnhosedConfigParser()
    try:
        for path in paths:
            # Supervisor's open(fp, 'r'): universal newlines, UTF-8 here.
            with open(path, encoding="utf-8") as f:
                parser.read_file(f)
    except configparser.MissingSectionHeaderError as e:
        return {"error": [[e.source, e.lineno]]}
    except configparser.ParsingError as e:
        return {"error": [[e.source, n] for n, _ in e.errors]}
    except UnicodeDecodeError:
        return {"error": "decode"}
    return {"sections": [[s, [list(o) for o in parser._sections[s].items()]]
                         for s in parser._sections],
            "defaults": [list(o) for o in parser._defaults.items()]}


def our_ini(paths):
    r = run_tool("ini-dump", paths)
    if "error" in r:
        lines = []
        for line in r["error"].split("\n"):
            m = re.match(r"(.*?):(\d+): \S", line)
            assert m, "bad error line %r" % line
            lines.append([m.group(1), int(m.group(2))])
        r["error"] = lines
    return r


def write_files(tmp_path, texts):
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / ("f%d.conf" % i)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        paths.append(str(path))
    return paths


def valid_utf8(text):
    try:
        text if isinstance(text, str) else text.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def check_ini(tmp_path, texts):
    if isinstance(texts, (str, bytes)):
        texts = [texts]
    paths = write_files(tmp_path, texts)
    want, got = python_ini(paths), our_ini(paths)
    if not all(valid_utf8(t) for t in texts):
        # Python decodes as it reads, so it may stop at a bad line before
        # it meets the bad byte; either way the file is refused.
        assert "error" in want and "error" in got
        return got
    assert got == want, "input %r" % (texts,)
    return got


INI_CASES = [
    "",
    "\n\n",
    "[s]",
    "[s]\na=1",
    "[s]\na = 1\nb : 2\nc=d=e\nf:g:h\ni=j:k\n",
    "[s]\nA = 1\na = 2\n",
    "[s]\nKey With Spaces = v\n",
    "[s]\na\t=\tb\t\n",
    "[s]\na =\nb:\n",
    "[s]\n=x\n",
    "[s]\n:x\n",
    "[s]\n  =x\n",
    "[s]\nnovalue\n",
    "[s]\nfoo bar\nok=1\nbaz\n",
    "[s]\na=1\nbad\n  cont\n",
    "[s]\n=1\n  cont\n",
    "a=1\n[s]\n",
    "junk\n",
    "# c\n; c\n\n[s]\n",
    "  \n\t\n[s]\nx=1\n",
    "[s]\na = b;c\nd = e ;f\ng = h#i\nj = k #l\n",
    "[s]\na=x;y ;z #w\n",
    "[s]\na=x;y #z ;w\n",
    "[s]\na=;x\nb=#x\n",
    "[s]\na= ;x\nb= #x\n",
    "[s]\n;a=1\n#b=2\n  ;c=3\n",
    "[s]\na = http://host/#anchor ; comment\n",
    "[s] ; comment\n[t] # comment\n[u];x\n",
    "[s]#x\n",
    "[s]\na = 1\n  2\n  3\n",
    "[s]\na = 1\n\n  2\n\n\n",
    "[s]\na = 1\n  # c\n  2\n",
    "[s]\na = 1\n  ; c\n\n  2\n",
    "[s]\na =\n  x\n  y\n",
    "[s]\n  a = 1\n  b = 2\n   c\n",
    "[s]\n\ta = 1\n\t\tb\n\tc = 2\n",
    "[s]\na = 1\n [t]\n",
    "[s]\na = 1\n[t]\n  b\n",
    "[s]\na = 1\n\n[t]\n\nb = 2\n\n",
    "[program:x]\ncommand = /bin/cat\n[program: y ]\ncommand=z\n",
    "[a]x\nk=v\n",
    "[a]b]\nk=v\n",
    "[]]\nk=v\n",
    "[[x]]\nk=v\n",
    "[]\nk=v\n",
    "[\nk=v\n",
    "[s\nk=v\n",
    "  [s]  \nk=v\n",
    "[s]\nk=1\n[s]\nk=2\nj=3\n[t]\n[s]\nk=4\n",
    "[DEFAULT]\nd=1\n[s]\nx=2\n[DEFAULT]\ne=3\n",
    "[default]\nd=1\n",
    "[s]\r\na=1\r\n  2\r\nb=3\r",
    "[s]\ra=1\r  2\rb=3",
    "[s]\n\ra=1\r\r\n",
    "[s]\na = 1\x0c 2\n",
    "[s]\na = 1\x0b\n",
    "[s]\na = 1\u2028 2\n",
    "[s]\na = 1\x1c\x1d\x1e\x1f\n",
    "[s]\na = 1\x85 2\n",
    "[s]\n\u3000a = 1\n  b\n",
    "[s]\n\xa0k\xa0=\u3000v\u3000\n",
    "[s]\na=x\u3000;y\n",
    "[s]\na=x\xa0#y\n",
    "\ufeff[s]\na=1\n",
    "[s]\n\ufeffa=1\n",
    "[s]\nΣΑΣ=1\nİ=2\n\u212aILL=3\nÄ=4\nΣ=5\nAΣ.=6\nAΣ'B=7\n",
    "[sección]\nclé = valeur\n",
    "[s]\nemoji = \U0001F600\n",
    "[s]\na = %(here)s/x\nb = %%\n",
    "[s]\nenvironment = A=1,B=\"x, y\"\n",
    ["[s]\na=1\n", "[s]\na=2\nb=3\n[t]\nc=4\n"],
    ["[s]\na=1\n", "bad\n"],
    ["[s]\na=1\n", "[s]\n  cont\n"],
    ["[DEFAULT]\nx=1\n", "[DEFAULT]\nx=2\n[s]\n"],
    [b"[s]\na=\xff\n"],
    [b"[s]\na=\xed\xa0\x80\n"],
    [b"[s]\na=\xc0\xaf\n"],
    [b"[s]\na=\xf4\x90\x80\x80\n"],
    [b"[s]\na=\xe2\x82\n"],
    [b"112\n\xe3"],
    [b"[s]\nbad\n\xff"],
]


@pytest.mark.parametrize("texts", INI_CASES, ids=range(len(INI_CASES)))
def test_ini_table(tmp_path, texts):
    check_ini(tmp_path, texts)


def support_files():
    found = []
    for top, _, files in os.walk(SUPPORT):
        for name in sorted(files):
            if name.endswith((".conf", ".ini")):
                found.append(os.path.join(top, name))
    return sorted(found)


@pytest.mark.parametrize("path", support_files() or [None])
def test_ini_bklog(tmp_path, path):
    if path is None:
        pytest.skip("no BK-LOG reference configs")
    with open(path, "rb") as f:
        check_ini(tmp_path, f.read())


INI_ATOMS = [
    "[", "]", "=", ":", ";", "#", " ", "  ", "\t", "\n", "\n", "\r", "\r\n",
    "a", "B", "x", "Σ", "İ", "\u3000", "\x0c", "\x0b", "\x85", "\u2028",
    "\x1c", "DEFAULT", "[DEFAULT]", "\u0301", "'", ".", "é", "\u212a",
    "[s]", "[t]", "k=v", " = ", "\n ", "\n  ", "\n\t", " ;c", " #c",
    "%(here)s", "\ufeff", "\xa0", "ΑΣ", "[program:x]\n", "command=",
]


def random_ini(rng):
    text = "".join(rng.choice(INI_ATOMS) for _ in range(rng.randint(0, 40)))
    return ("[s]\n" if rng.random() < 0.7 else "") + text


def test_ini_random(tmp_path):
    rng = random.Random(20240501)
    for i in range(400):
        d = tmp_path / str(i)
        d.mkdir()
        check_ini(d, [random_ini(rng) for _ in range(rng.choice([1, 1, 1, 2]))])


def test_ini_lower_every_code_point(tmp_path):
    # Option names with every code point that can be in a name, so that
    # str.lower() (with Final_Sigma and U+0130) is checked everywhere.
    cps = [c for c in range(1, 0x110000)
           if not 0xD800 <= c <= 0xDFFF and not chr(c).isspace()
           and chr(c) not in "=:[;#"]
    lines = []
    for i in range(0, len(cps), 32):
        if i % 6400 == 0:
            lines.append("[s%d]" % i)
        lines.append("q%d" % i + "".join(map(chr, cps[i:i + 32])) + " = v")
    ctx = ["", "a", "A", "\u0301", "'", ".", "1", "Σ", "σ", "\u0345", "\xad",
           "ǅ", "ʰ", "\U0001e900", "\u10a0", "x\u0301"]
    for a in ctx:
        for b in ctx:
            for c in ["", "\u0301", "'", "a"]:
                lines.append(a + "Σ" + c + b + " = v")
    assert "sections" in check_ini(tmp_path, "\n".join(lines) + "\n")


def test_ini_space_every_code_point(tmp_path):
    # Each code point before a comment prefix, at the end of a value and as
    # indentation (a space makes a continuation line, anything else a new
    # option), so that str.isspace() and strip() are checked everywhere.
    lines = []
    for c in range(1, 0x110000):
        if 0xD800 <= c <= 0xDFFF or chr(c) in "\n\r=:[;#":
            continue
        if c > 0x3100 and not chr(c).isspace() and c % 97:
            continue
        if len(lines) % 400 == 0:
            lines += ["[s%d]" % c, "opt = v"]
        ch = chr(c)
        lines.append("o%d = a%sb%s;c%s" % (c, ch, ch, ch))
        lines.append("%sk%d = a%s#b" % (ch, c, ch))
    assert "sections" in check_ini(tmp_path, "\n".join(lines) + "\n")


def test_ini_nul_byte_refused(tmp_path):
    # Deliberate difference: Python reads a NUL like any character, but our
    # values are C strings, so we refuse such a file instead of cutting it.
    paths = write_files(tmp_path, ["[s]\na=x\x00y\n"])
    assert python_ini(paths)["sections"] == [["s", [["a", "x\x00y"]]]]
    assert our_ini(paths)["error"] == [[paths[0], 2]]


def test_ini_error_texts(tmp_path):
    paths = write_files(tmp_path, ["[s]\nfoo bar\n=1\n"])
    r = run_tool("ini-dump", paths)
    assert r["error"] == (
        "%s:2: cannot parse 'foo bar': expected 'name = value', a [section] "
        "header, or a comment\n"
        "%s:3: option without a name in '=1' (expected 'name = value')"
        % (paths[0], paths[0]))
    paths = write_files(tmp_path, ["a=1\n"])
    assert run_tool("ini-dump", paths)["error"] == (
        "%s:1: option 'a=1' before any [section] header" % paths[0])
    missing = str(tmp_path / "missing.conf")
    assert run_tool("ini-dump", [missing])["error"].startswith(
        missing + ": cannot open: ")


# --- expand ----------------------------------------------------------------

def python_expand(fmt, names, what):
    try:
        return {"result": expand(fmt, dict(names), what)}
    except ValueError as e:
        return {"error": str(e)}


def expand_deviation(want, got):
    """The deliberate differences: Python makes a NUL from %c of 0, and
    builds strings for widths and numeric precisions above 65535; we
    refuse both."""
    if "result" not in want or "error" not in got:
        return False
    if "\x00" in want["result"]:
        return "%c of 0 is a NUL character" in got["error"]
    if len(want["result"]) > 65535:
        return got["error"].endswith(("width too big", "precision too big"))
    return False


def check_expand(cases):
    got = batch("expand-eval", [{"format": f, "vars": v, "what": w} for f, v, w in cases])
    assert len(got) == len(cases)
    bad = []
    for (f, v, w), g in zip(cases, got):
        want = python_expand(f, v, w)
        if g != want and not expand_deviation(want, g):
            bad.append((f, want, g))
    assert not bad, "\n".join("%r:\n  python %.300r\n  ours   %.300r" % b for b in bad[:20])


VARS = [
    ["a", 5], ["s", "xy"], ["s1", "é"], ["big", 0x110000],
    ["u", "é\x01\u2028\U0001F600'\""], ["n", -31], ["z", 0],
    ["here", "/etc/supervisor"], ["ENV_HOME", "/root"], ["process_num", 3],
    ["Σ", "q"], ["min", -2 ** 63], ["max", 2 ** 63 - 1], ["int7", 2 ** 31],
    ["quote", "it's"], ["both", "'\""], ["bs", "a\\b\tc\nd"],
]

EXPAND_CASES = [
    "", "plain", "%%", "100%% of %(s)s", "%(here)s/%(s)s.log", "%(process_num)02d",
    "%(a)*d", "%*d", "%(a).*d", "%(s)c", "%c", "%(a)c", "%(big)c", "%(s1)c",
    "%(u)c", "%(n)c", "%(a)", "%(a", "%(", "%", "x%", "%(zz)", "%(zz)s",
    "%(s)d", "%(s)x", "%(s)X", "%(s)o", "%(s)i", "%(s)u", "%d", "%x", "%e",
    "%(s)e", "%(s)F", "%(a)z", "%(a)é", "%(a)\x01", "é%(a)\U0001F600",
    "%s %s", "%(a)s %s", "%s %(a)s", "%r", "%s", "%a",
    "%(a)100000000000000000000d", "%(a).100000000000000000000d",
    "%(a).2147483647d", "%(a).2147483645d", "%(a).100f", "%(a)#o", "%(a)#x",
    "%(n)#X", "%(n)+#010x", "%(a)-#010o", "%(s)05s", "%(s)r", "%(u)r",
    "%(u)a", "%(quote)r", "%(both)r", "%(bs)r", "%(bs)a", "%(a)e",
    "%(a)#.0e", "%(a)#g", "%(a)g", "%(n)020.10e", "%(a)lld", "%(a)hd",
    "%(a)Ls", "%(a)r", "%(a)#r", "%(a)#s", "%(n)10.5d", "%(a)#5x", "%(a)%",
    "%(a) %", "%(((a)))s", "%(a)(s", "%(a)*s", "%(a)i%(a)u", "%( a)s",
    "%(max).*d", "%(int7).*d", "%(min)d", "%(min)x", "%(min)#o", "%(max)e",
    "%(min)f", "%(ENV_HOME)s", "%(Σ)s", "%(nope)s", "%('x)s", "%(s).1s",
    "%(s)-5.1s|", "%(s)5r", "%(a)+d", "%(a) d", "%(n) d", "%(a)+5d",
    "%(a)+05d", "%(a)-+5d", "%(n)05d", "%(a)#X", "%(a)#5.3X", "%(a)#05x",
    "%(n)#07o", "%(a)-05d", "%(a)+s", "%(a) 5s", "%(a)05s", "%(a)5c",
    "%(a)-5c|", "%(a).0d", "%(z).0d", "%(z)#.0x", "%(a)#.0g", "%(a).0f",
    "%(a)#.0f", "%(max)g", "%(max).20g", "%(max)#x", "%(a)E", "%(a)F",
    "%(a)G", "%(a)+e", "%(a)020.3G", "%(a)5%", "%(a).", "%(a).5", "%(a)5",
    "%(a)0", "%(a)-", "%(a)h", "%(a)l", "%(a)hh", "%(a)65535d",
    "%(s).65536s", "%(s)*d", "%(s).*d", "%(a).*s", "%(max)*d", "%(min)*d",
    "%(min).*d", "%(u)10.3a|", "%(u)-10r|", "%(z)c",
    "%(a)65536d", "%(a).65536d", "%(a).70000f", "%(a)99999z", "%(s)99999d",
    "%(a)99999999999999999999%", "%(a)9223372036854775807z",
    "%(a)9223372036854775808z",
]


def test_expand_table():
    cases = [(f, VARS, "program:x.command") for f in EXPAND_CASES]
    cases += [("%(x)s", [], "it's"), ("%s", [], "w"), ("%r", [], "w"),
              ("%(x)s", [["b", 1], ["a", 2], ["é", 3], ["Z", 4], ["\U0001F600", 5],
                         ["\uffff", 6]], "w"),
              ("%(s)s", [["s", "a"], ["s", 1]], "w"),
              ("%(x)s", [], "é\u2028")]
    check_expand(cases)


EXPAND_ATOMS = [
    "%", "%", "%", "(", ")", "(a)", "(s)", "(n)", "(u)", "(z)", "(max)",
    "(min)", "(nope)", "(quote)", "-", "+", " ", "#", "0", "1", "5", "12",
    ".", ".3", "*", "h", "l", "L", "s", "r", "a", "d", "i", "u", "o", "x",
    "X", "e", "E", "f", "F", "g", "G", "c", "z", "é", "\n", "'", '"', "\\",
]


def test_expand_random():
    rng = random.Random(20240502)
    cases = []
    for _ in range(3000):
        fmt = "".join(rng.choice(EXPAND_ATOMS) for _ in range(rng.randint(0, 12)))
        cases.append((fmt, VARS, rng.choice(["w", "it's", "é\x01"])))
    check_expand(cases)


def test_expand_repr_every_code_point():
    cps = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    cases = []
    for i in range(0, len(cps), 512):
        v = "".join(map(chr, cps[i:i + 512]))
        cases.append(("%(v)r|%(v)a|%(v)s|%(v)5.3s", [["v", v]], "w"))
        cases.append(("%(nope)s", [["v", 1], [v, 1]], v))
    check_expand(cases)


# --- shlex -----------------------------------------------------------------

def python_shlex(mode, s):
    try:
        if mode == "split":
            return {"argv": shlex.split(s)}
        return {"pairs": [list(p) for p in dict_of_key_value_pairs(s).items()]}
    except ValueError as e:
        return {"error": str(e)}


def check_shlex(cases):
    got = batch("shlex-eval", [{"mode": m, "s": s} for m, s in cases])
    assert len(got) == len(cases)
    bad = [(m, s, python_shlex(m, s), g) for (m, s), g in zip(cases, got)
           if g != python_shlex(m, s)]
    assert not bad, "\n".join("%s %r:\n  python %r\n  ours   %r" % b for b in bad[:20])


SHLEX_CASES = [
    "", " ", "#", "a", "/bin/cat", "  a \t b\r\nc  ", "a 'b c' \"d e\"",
    "a'b'\"c\"d", "'' \"\"", "a '' b", "a\\ b \\'c\\\\", "\"a\\\"b\\\\c\\$d\\n\"",
    "'a\\b'", "x\\\ny", "echo # not a comment", "a\xa0b\u3000c\x0bd",
    "sh -c 'echo $HOME; exit 1'", "a 'b", "\"a\\\"", "a\\", "\"a\\", "'",
    "A=1,B=2", "A=\"x, y\",B='z'", "A = 1 , B = 2",
    "PATH=/usr/bin:/bin,X=a.b+c-d(e)", "A='it''s'", "A=1;B=2", "A=1 x B=2",
    "A=1,B=2,A=3", "A=x\"y", "A=\"'x'\"", "\"A\"=1", "A=ab#c\nd", "A=1 # c",
    "A=é", "A=éé", ",=1", "A=1,B=2,", "  # A=1", "A=1 B=2", "A=", "A",
    "A:1", "A='x", "A=\"x\"y, B=2", "A=x\"y, z\"", "A=\U0001F600,B=\u3000",
    "LOGGER_WITHOUT_CONSOLE=1", "HOME=\"/home/u\",USER=u,PATH=/bin:/usr/bin",
    "A=1\nB=2", "A=1,\n B=2", "A=a#\n", "A=1#,B=2\n,C=3", "A=1\t,\tB=2",
    "A==1", "A=1==", "=", "==", "A=$HOME", "A=%(ENV_X)s", "A=a\\,b",
]


def test_shlex_table():
    check_shlex([(m, s) for m in ("split", "pairs") for s in SHLEX_CASES])


SHLEX_ATOMS = [
    "A", "b", "=", ",", " ", "\t", "\n", "\r", "'", '"', "\\", "#", "x y",
    "é", "\u3000", "/", ".", "+", "-", "(", ")", ":", ";", "$", "%", "😀",
    "==", "\\\\", '\\"', "''", '""', "KEY=val", ",B=2", "\x0b", "\xa0",
]


def test_shlex_random():
    rng = random.Random(20240503)
    cases = []
    for mode in ("split", "pairs"):
        for _ in range(3000):
            s = "".join(rng.choice(SHLEX_ATOMS) for _ in range(rng.randint(0, 14)))
            cases.append((mode, s))
    check_shlex(cases)


# --- Unicode tables ----------------------------------------------------------

def _ranges(pred):
    out, start = [], None
    for c in range(0x110001):
        v = c < 0x110000 and pred(c)
        if v and start is None:
            start = c
        elif not v and start is not None:
            out.append((start, c - 1))
            start = None
    return out


def _lower_runs():
    # Runs of code points with the same lower-case offset, every 1st or
    # 2nd code point (Latin Extended alternates upper and lower case).
    runs = []
    for c in range(0x110000):
        low = chr(c).lower()
        if len(low) != 1 or low == chr(c):
            continue
        d = ord(low) - c
        if runs and runs[-1][2] == d and (
                (runs[-1][3] == 0 and c - runs[-1][1] <= 2)
                or c - runs[-1][1] == runs[-1][3]):
            runs[-1][3] = c - runs[-1][1]
            runs[-1][1] = c
        else:
            runs.append([c, c, d, 0])
    for r in runs:
        r[3] = r[3] or 1
    return runs


def _cells(name, ctype, cells, per):
    lines = ["static const struct %s %s[] = {" % (ctype, name)]
    for i in range(0, len(cells), per):
        lines.append("\t" + " ".join(cells[i:i + per]))
    return lines + ["};"]


def _range_table(name, ctype, rs):
    return _cells(name, ctype, ["{ 0x%05x, 0x%05x }," % r for r in rs], 4)


def unicode_tables(which):
    """The C text of a module's tables, from this Python's unicodedata."""
    if which == "expand":
        lines = _range_table("expand_unprintable_table", "expand_range",
                             _ranges(lambda c: not chr(c).isprintable()))
        return "\n".join(lines) + "\n"

    def prop(name):
        f = getattr(ctypes.pythonapi, name)
        f.restype, f.argtypes = ctypes.c_int, [ctypes.c_uint32]
        return f
    cased, ignorable = prop("_PyUnicode_IsCased"), prop("_PyUnicode_IsCaseIgnorable")
    lines = _range_table("ini_space_table", "ini_range", _ranges(lambda c: chr(c).isspace()))
    lines += _cells("ini_lower_table", "ini_lower",
                    ["{ 0x%05x, 0x%05x, %d, %d }," % tuple(r) for r in _lower_runs()], 3)
    lines += _range_table("ini_cased_table", "ini_range", _ranges(lambda c: cased(c)))
    lines += _range_table("ini_ignorable_table", "ini_range", _ranges(lambda c: ignorable(c)))
    return "\n".join(lines) + "\n"


def embedded_tables(which):
    with open(os.path.join(ROOT, "src", "common", which + ".c")) as f:
        text = f.read()
    m = re.search(r"/\* Unicode tables: begin[^\n]*\*/\n(.*?)/\* Unicode tables: end \*/",
                  text, re.S)
    assert m, "no table markers in %s.c" % which
    return m.group(1)


@pytest.mark.parametrize("which", ["ini", "expand"])
def test_unicode_tables_current(which):
    assert embedded_tables(which) == unicode_tables(which), (
        "regenerate with: %s %s --tables %s" % (sys.executable, __file__, which))


def test_unicode_lower_has_one_special_case():
    # ini.c special-cases U+0130 as the only code point whose lower case is
    # longer than one code point; a new Unicode version could add more.
    multi = [c for c in range(0x110000) if len(chr(c).lower()) != 1]
    assert multi == [0x130]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--tables":
        sys.stdout.write(unicode_tables(sys.argv[2]))
    else:
        sys.exit("usage: %s --tables ini|expand" % sys.argv[0])
