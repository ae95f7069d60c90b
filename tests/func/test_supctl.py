"""supctl against supervisorctl 4.2.5: for every command, both clients run
against the same daemon and must print the same stdout and exit with the
same status (pids, uptimes and dates aside). Help texts are our own words,
so where a command prints its help, the help is cut from both outputs
before comparing. Then supctl's own additions: --json, and the clearer
errors when the daemon is missing, refuses, or wants other credentials.

Run with --daemon=supervisord to test against the real daemon."""
import json
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import BUILD, TIMEOUT_SCALE, shared_daemon, wait_until, free_port

SUPCTL = os.path.join(BUILD, "supctl")

# failer fails a while after it starts: had it failed at once (false),
# whether supervisord saw it RUNNING (startsecs=0) or found it already dead
# when it reaps right after the spawn (a spawn error) would be a race, and
# the two clients' runs could differ.
PROGRAMS = """
[program:sleeper]
command=sleep 1000
startsecs=0

[program:failer]
command=sh -c 'sleep 5; exit 1'
autostart=false
autorestart=false
startsecs=0

[program:echoer]
command=sh -c 'echo hello; echo oops >&2; exec sleep 1000'
startsecs=0

[program:nolog]
command=sleep 1000
startsecs=0
stdout_logfile=NONE

[group:grp]
programs=a,b

[program:a]
command=sleep 1000
startsecs=0

[program:b]
command=sleep 1000
startsecs=0
autostart=false

[program:multi]
command=sleep 1000
startsecs=0
numprocs=2
process_name=%(program_name)s_%(process_num)02d
"""

# The state the tests that change things put back between the two runs.
RUNNING = ("sleeper", "echoer", "nolog", "grp:a", "multi:multi_00",
           "multi:multi_01")
STOPPED = ("grp:b", "failer")

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


def norm(text):
    """Blank out what differs from one run to the next."""
    text = re.sub(r"pid \d+, uptime (\d+ days?, )?\d+:\d\d:\d\d",
                  "pid N, uptime T", text)
    text = re.sub(r"(%s) +\d+ \d\d:\d\d (AM|PM)" % MONTHS, "DATE", text)
    return text


def cut_help(text, helps):
    """Remove the lines of any of the help texts from text."""
    for h in helps:
        if h and h in text:
            text = text.replace(h, "<help>\n")
    return text


def help_texts(d, command):
    theirs = d.ctl("help", command).stdout
    ours = d.supctl("help", command).stdout
    return [theirs, ours]


def both(d, *args, reset=None, help_of=None, input=None, conf=None,
         unordered=False):
    """Run supervisorctl, then supctl, with the same arguments; return
    (theirs, ours) as (stdout, status) after normalising. unordered sorts
    the lines, for replies whose order is the daemon's timing."""
    helps = help_texts(d, help_of) if help_of else []
    out = []
    for run in (d.ctl, d.supctl):
        if reset:
            reset()
        r = run(*args, input=input, conf=conf)
        text = cut_help(norm(r.stdout), helps)
        if unordered:
            text = "".join(sorted(text.splitlines(True)))
        out.append((text, r.returncode))
    return out[0], out[1]


def same(d, *args, **kw):
    theirs, ours = both(d, *args, **kw)
    assert ours == theirs, "args %r\nsupervisorctl: %r\nsupctl:        %r" % (
        args, theirs, ours)
    return ours


def put_back(d):
    """Bring the processes back to the shared starting state."""
    def reset():
        for name in STOPPED:
            if d.state(name) in ("RUNNING", "STARTING", "BACKOFF"):
                d.rpc.stopProcess(name)
        for name in RUNNING:
            if d.state(name) != "RUNNING":
                d.rpc.startProcess(name)
    return reset


def settle(d):
    """Wait until the autostarted processes run and echoer has written."""
    for name in RUNNING:
        d.wait_state(name, "RUNNING")
    wait_until(lambda: "hello" in d.rpc.readProcessStdoutLog("echoer", 0, 0)
               and "oops" in d.rpc.readProcessStderrLog("echoer", 0, 0),
               what="echoer output")


def _start_shared(d):
    d.write(PROGRAMS)
    d.start()
    settle(d)


# One daemon for the commands that change nothing.
shared = shared_daemon("supctl", _start_shared)


@pytest.fixture
def fresh(sup):
    sup.write(PROGRAMS)
    sup.start()
    settle(sup)
    return sup


# -- commands that only look -------------------------------------------------

@pytest.mark.parametrize("args", [
    [], ["all"], ["sleeper"], ["failer"], ["grp:*"], ["grp:a"], ["grp:"],
    ["multi:*"], ["multi:multi_01"], ["nope"], ["grp:zz"], ["zz:*"],
    ["nope", "grp:a", "zz:*"], ["sleeper", "sleeper"], ["sleeper", "all"],
    [":x"], ["status:foo"],
])
def test_status(shared, args):
    same(shared, "status", *args)


@pytest.mark.parametrize("args", [
    [], ["status"], ["help"], ["EOF"], ["foo"], ["status extra"],
])
def test_help(shared, args):
    if args and args[0] in ("status", "help"):
        theirs, ours = both(shared, "help", *args)
        assert ours[1] == theirs[1] == 0
        assert ours[0].startswith(args[0])
    else:
        same(shared, "help", *args)


@pytest.mark.parametrize("command", [
    "add", "avail", "clear", "exit", "fg", "maintail", "open", "pid", "quit",
    "reload", "remove", "reread", "restart", "shutdown", "signal", "start",
    "status", "stop", "tail", "update", "version"])
def test_help_for_every_command(shared, command):
    r = shared.supctl("help", command)
    assert r.returncode == 0
    assert r.stdout.startswith(command) and "No help" not in r.stdout


@pytest.mark.parametrize("line", [
    "foo", "foo bar", "?", "!ls", "", "   ", ":x", "-x",
    "status:sleeper", "EOF", "quit", "exit now",
])
def test_parse_line(shared, line):
    same(shared, line)


@pytest.mark.parametrize("args", [[], ["x"]])
def test_avail(shared, args):
    same(shared, "avail", *args, help_of="avail")


@pytest.mark.parametrize("args", [
    ["sleeper"], ["failer"], ["nope"], ["sleeper", "nope", "failer"],
])
def test_pid_of_processes(shared, args):
    same(shared, "pid", *args)


def test_pid_of_daemon(shared):
    theirs, ours = both(shared, "pid")
    assert ours[1] == theirs[1] == 0
    assert ours[0] == theirs[0] == "%d\n" % shared.proc.pid


def test_pid_all(shared):
    theirs, ours = both(shared, "pid", "all")
    assert ours == theirs


@pytest.mark.parametrize("args", [[], ["x"]])
def test_version(shared, args):
    same(shared, "version", *args, help_of="version")


@pytest.mark.parametrize("args", [
    [], ["echoer"], ["-5", "echoer"], ["echoer", "stderr"],
    ["echoer", "STDERR"], ["-3", "echoer", "stderr"], ["echoer", "foo"],
    ["-x", "echoer"], ["-", "echoer"], ["-1_0", "echoer"], ["nope"],
    ["a", "b", "c", "d"], ["-f"], ["-5"], ["nolog"], ["-0", "echoer"],
    ["echoer", "x", "stdout"], ["multi:multi_00"], ["grp:*"],
])
def test_tail(shared, args):
    same(shared, "tail", *args, help_of="tail")


@pytest.mark.parametrize("args", [
    ["-200"], ["x"], ["-x"], ["a", "b"], ["--5"],
])
def test_maintail(shared, args):
    same(shared, "maintail", *args, help_of="maintail")


def test_reread_without_changes(shared):
    same(shared, "reread")
    same(shared, "reread", "x", help_of="reread")


@pytest.mark.parametrize("args", [
    [], ["a", "b"], ["nope"], ["failer"],
])
def test_fg_refusals(shared, args):
    same(shared, "fg", *args, help_of="fg")


@pytest.mark.parametrize("args", [["foo://x"], [], ["nourl"]])
def test_open_refusals(shared, args):
    same(shared, "open", *args)


def test_open_shows_status(shared):
    same(shared, "open", "unix://" + shared.sock)


@pytest.mark.parametrize("args", [["x"]])
def test_shutdown_and_reload_take_no_arguments(shared, args):
    same(shared, "shutdown", *args, help_of="shutdown")
    same(shared, "reload", *args, help_of="reload")


def test_add_and_remove_refusals(shared):
    same(shared, "add")
    same(shared, "add", "nope", "sleeper")
    same(shared, "remove")
    same(shared, "remove", "nope", "sleeper")


# -- commands that change things ---------------------------------------------

@pytest.mark.parametrize("args", [
    [], ["failer"], ["sleeper"], ["nope"], ["grp:*"], ["grp:b"], ["zz:*"],
    ["grp:zz"], ["all"], ["failer", "sleeper", "nope", "grp:*"],
])
def test_start(fresh, args):
    same(fresh, "start", *args, reset=put_back(fresh), help_of="start")


@pytest.mark.parametrize("args", [
    [], ["sleeper"], ["failer"], ["nope"], ["grp:*"], ["zz:*"], ["grp:zz"],
    ["all"], ["sleeper", "nope", "failer"],
])
def test_stop(fresh, args):
    same(fresh, "stop", *args, reset=put_back(fresh), help_of="stop",
         unordered=True)


@pytest.mark.parametrize("args", [
    [], ["sleeper"], ["failer"], ["nope"], ["grp:*"], ["all"],
    ["sleeper", "grp:b"],
])
def test_restart(fresh, args):
    same(fresh, "restart", *args, reset=put_back(fresh), help_of="restart",
         unordered=True)


@pytest.mark.parametrize("args", [
    [], ["HUP"], ["HUP", "sleeper"], ["FOO", "sleeper"], ["HUP", "failer"],
    ["HUP", "grp:*"], ["HUP", "zz:*"], ["HUP", "nope"], ["CONT", "all"],
    ["1", "sleeper"], ["sigcont", "grp:a", "sleeper"], ["FOO", "grp:*"],
])
def test_signal(fresh, args):
    same(fresh, "signal", *args, reset=put_back(fresh), help_of="signal",
         unordered=True)


@pytest.mark.parametrize("args", [
    [], ["sleeper"], ["nope"], ["echoer", "nope"], ["all"], ["grp:*"],
    ["nolog"],
])
def test_clear(fresh, args):
    same(fresh, "clear", *args, help_of="clear")


CHANGED = PROGRAMS.replace("[program:nolog]\ncommand=sleep 1000",
                           "[program:nolog]\ncommand=sleep 999") \
    .replace("[program:failer]", "[program:gone]\ncommand=sleep 5\n"
             "autostart=false\n[program:failer_x]") \
    + "\n[program:added]\ncommand=sleep 1000\nstartsecs=0\n"


def test_reread_lists_changes(fresh):
    fresh.write(CHANGED)
    same(fresh, "reread")


@pytest.mark.parametrize("args", [[], ["all"], ["added"], ["nolog", "nope"],
                                  ["failer"], ["nope", "nope"]])
def test_update(sup_factory, args):
    """update changes the daemon for good: each client gets its own."""
    outs = []
    for name, run in (("theirs", "ctl"), ("ours", "supctl")):
        d = sup_factory(name)
        d.write(PROGRAMS)
        d.start()
        settle(d)
        d.write(CHANGED)
        r = getattr(d, run)("update", *args)
        outs.append((norm(r.stdout), r.returncode))
        if not args or args == ["all"]:
            assert d.state("added") == "RUNNING"
    assert outs[1] == outs[0]


def test_update_broken_config_says_why_once(fresh):
    """supervisorctl lets the CANT_REREAD fault escape and prints Python's
    exception (class, repr, file and line); supctl prints the fault as
    reread does, once, with the same exit status."""
    fresh.write(PROGRAMS + "\n[program:broken]\nnumprocs=2\ncommand=sleep 1\n")
    theirs = fresh.ctl("update")
    ours = fresh.supctl("update")
    assert "<class 'xmlrpc.client.Fault'>" in theirs.stdout
    assert ours.stdout.startswith("ERROR: CANT_REREAD: ")
    assert "process_num" in ours.stdout
    assert len(ours.stdout.splitlines()) == 1
    assert "class" not in ours.stdout and ours.stderr == ""
    assert ours.returncode == theirs.returncode == 1


def test_add(fresh):
    fresh.write(CHANGED)
    fresh.rpc.reloadConfig()

    def reset():
        if "added" in [g["group"] for g in fresh.rpc.getAllProcessInfo()]:
            fresh.rpc.stopProcessGroup("added")
            fresh.rpc.removeProcessGroup("added")
    same(fresh, "add", "added", "added", "nope", reset=reset)


def test_remove(fresh):
    def reset():
        if "failer" not in [g["group"] for g in fresh.rpc.getAllProcessInfo()]:
            fresh.rpc.addProcessGroup("failer")
    same(fresh, "remove", "failer", "sleeper", "failer", reset=reset)


def test_reload(fresh):
    def reset():
        wait_until(lambda: fresh.rpc.getState()["statename"] == "RUNNING",
                   what="daemon back after reload")
    same(fresh, "reload", reset=reset)
    reset()


def test_shutdown(sup_factory):
    outs = []
    for name, run in (("theirs", "ctl"), ("ours", "supctl")):
        d = sup_factory(name)
        d.write(PROGRAMS)
        d.start()
        r = getattr(d, run)("shutdown")
        outs.append((r.stdout, r.returncode))
        d.proc.wait(timeout=30)
        r = getattr(d, run)("shutdown")
        outs.append((r.stdout.replace(d.sock, "SOCK"), r.returncode))
    assert outs[2:] == outs[:2]
    assert outs[0] == ("Shut down\n", 0)


# -- following logs ----------------------------------------------------------

def follow(d, program, *args, until, timeout=10):
    """Start a following command, wait for `until` in its output, press
    Ctrl-C; return (stdout, stderr, status)."""
    argv = [program, "-c", d.conf] + list(args)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd=d.dir)
    out = b""
    os.set_blocking(p.stdout.fileno(), False)
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while until.encode() not in out and time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            out += p.stdout.read() or b""
        except (BlockingIOError, TypeError):
            pass
    p.send_signal(signal.SIGINT)
    rest, err = p.communicate(timeout=10)
    return (out + (rest or b"")).decode(), err.decode(), p.returncode


@pytest.mark.parametrize("args,until", [
    (["tail", "-f", "echoer"], "hello"),
    (["tail", "-f", "echoer", "stderr"], "oops"),
    (["maintail", "-f"], "success"),
])
def test_follow(shared, args, until):
    theirs = follow(shared, "/usr/bin/supervisorctl", *args, until=until)
    ours = follow(shared, SUPCTL, *args, until=until)
    assert ours[0].startswith("==> Press Ctrl-C to exit <==\n")
    assert until in ours[0] and ours[0].endswith("\n")
    assert ours[2] == 0
    if args[0] == "tail":
        assert ours[0] == theirs[0]


def test_follow_sees_new_output(fresh):
    fresh.write(PROGRAMS + """
[program:ticker]
command=sh -c 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done'
startsecs=0
""")
    fresh.rpc.reloadConfig()
    fresh.rpc.addProcessGroup("ticker")
    out, err, rc = follow(fresh, SUPCTL, "tail", "-f", "ticker",
                          until="tick 5")
    assert "tick 4\ntick 5" in out and rc == 0


def test_follow_unknown_process(shared):
    """Both print the banner, then the 404 on stderr, and exit 0."""
    for program in ("/usr/bin/supervisorctl", SUPCTL):
        r = subprocess.run([program, "-c", shared.conf, "tail", "-f", "nope"],
                           capture_output=True, text=True, timeout=10)
        assert r.stdout == "==> Press Ctrl-C to exit <==\n"
        assert r.stderr == "unix://%s/logtail/nope/stdout Cannot read, " \
            "status code 404\n" % shared.sock
        assert r.returncode == 0


def test_fg_sends_input_and_shows_output(fresh):
    fresh.write(PROGRAMS + """
[program:cat]
command=cat
startsecs=0
""")
    fresh.rpc.reloadConfig()
    fresh.rpc.addProcessGroup("cat")
    fresh.wait_state("cat", "RUNNING")
    p = subprocess.Popen([SUPCTL, "-c", fresh.conf, "fg", "cat"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=fresh.dir)
    p.stdin.write(b"ping pong\n")
    p.stdin.flush()
    wait_until(lambda: "ping pong" in fresh.rpc.readProcessStdoutLog(
        "cat", 0, 0), what="cat to echo")
    out, err = p.communicate(timeout=10)   # closes stdin: end of input
    assert out.decode().startswith("==> Press Ctrl-C to exit <==\n")
    assert out.decode().endswith("Exiting foreground\n")
    assert p.returncode == 0


# -- the shell ---------------------------------------------------------------

@pytest.mark.parametrize("lines", [
    "status sleeper\n\nfoo\nhelp help\n",
    "version\nexit\nversion\n",
    "version\nquit\n",
    "?\nEOF\nstatus\n",
    "tail -5 echoer\npid nope\n",
    "",
])
def test_shell_from_a_pipe(shared, lines):
    theirs, ours = both(shared, input=lines)
    if "help help" in lines:
        # The help lines are our own words.
        theirs = (theirs[0].split("help\t\t")[0], theirs[1])
        ours = (ours[0].split("help\t\t")[0], ours[1])
    assert ours == theirs


def test_interactive_flag_with_an_action_runs_it_only(shared):
    same(shared, "-i", "status", "sleeper", input="quit\n")


def test_prompt_from_config(shared):
    conf = shared.write(PROGRAMS + "\n[supervisorctl]\nprompt=%(ENV_HOME)s\n",
                        name="prompt.conf")
    # [supervisorctl] appears twice: the options merge.
    same(shared, input="version\n", conf=conf)


# -- options and config -------------------------------------------------------

def stderr_pair(d, *args, conf=None):
    out = []
    for run, prog in ((d.ctl, "/usr/bin/supervisorctl"), (d.supctl, SUPCTL)):
        r = run(*args, conf=conf)
        out.append((r.stdout, r.stderr.replace(prog, "PROG"), r.returncode))
    return out


@pytest.mark.parametrize("args", [
    ["-x"], ["--foo"], ["-s"], ["-s", "foo", "status"],
    ["-s", "unix:///a", "-s", "unix:///b"], ["-i", "-i", "status"],
    ["--serverurl"], ["--interactive=1"], ["--hel=x"], ["--user", "a", "-u", "b"],
    ["-c"],
])
def test_option_errors(shared, args):
    theirs, ours = stderr_pair(shared, *args)
    assert ours == theirs


def test_help_option(shared):
    r = shared.supctl("-h")
    assert r.returncode == 0
    for opt in ("-c/--configuration", "-s/--serverurl", "-u/--username",
                "-p/--password", "-i/--interactive", "-r/--history_file"):
        assert opt in r.stdout
    assert SUPCTL in r.stdout


@pytest.mark.parametrize("args", [
    ["--conf", "{conf}", "version"], ["--configuration={conf}", "version"],
    ["-c{conf}", "version"], ["--", "version"], ["-ic{conf}", "version"],
    ["-s", "unix://{sock}", "version"], ["--serverurl=unix://{sock}", "pid"],
])
def test_option_forms(shared, args):
    args = [a.format(conf=shared.conf, sock=shared.sock) for a in args]
    out = []
    for prog in ("/usr/bin/supervisorctl", SUPCTL):
        r = subprocess.run([prog] + args, capture_output=True, text=True,
                           cwd=shared.dir, timeout=30)
        out.append((r.stdout, r.returncode))
    assert out[1] == out[0]


@pytest.mark.parametrize("body,what", [
    ("[supervisord]\n", "no supervisorctl section"),
    ("[supervisorctl]\nserverurl=unix://%(here)s/supervisor.sock\n", "here"),
    ("[supervisorctl]\nserverurl=unix://%(nope)s/x\n", "bad name"),
    ("[supervisorctl]\npassword=100%\n", "bad format"),
    ("[supervisorctl]\nserverurl=unix://%(ENV_SUPCTL_TEST_DIR)s/supervisor.sock\n",
     "environment"),
    ("[supervisorctl]\nserverurl=unix://./supervisor.sock\n", "relative"),
    ("[supervisorctl]\nserverurl=unix://~/../../{dir}/supervisor.sock\n",
     "tilde"),
    ("[DEFAULT]\nserverurl=unix://{dir}/supervisor.sock\n[supervisorctl]\n",
     "default section"),
])
def test_config(shared, body, what):
    path = os.path.join(shared.dir, "cfg-%s.conf" % what.replace(" ", "-"))
    with open(path, "w") as f:
        f.write(body.replace("{dir}", shared.dir))
    env = dict(os.environ, SUPCTL_TEST_DIR=shared.dir)
    out = []
    for prog in ("/usr/bin/supervisorctl", SUPCTL):
        r = subprocess.run([prog, "-c", path, "version"], capture_output=True,
                           text=True, cwd=shared.dir, env=env, timeout=30)
        out.append((r.stdout, r.stderr.replace(prog, "PROG").splitlines()[:2]
                    if r.returncode == 2 else r.returncode == 0,
                    r.returncode))
    assert out[1] == out[0]


def test_missing_config_file(shared):
    theirs, ours = stderr_pair(shared, "status",
                               conf=os.path.join(shared.dir, "nope.conf"))
    assert ours == theirs


def test_config_search_from_current_directory(shared, tmp_path):
    """Without -c, ./supervisord.conf is found, as supervisorctl finds it."""
    with open(tmp_path / "supervisord.conf", "w") as f:
        f.write("[supervisorctl]\nserverurl=unix://%s\n" % shared.sock)
    out = []
    for prog in ("/usr/bin/supervisorctl", SUPCTL):
        r = subprocess.run([prog, "version"], capture_output=True, text=True,
                           cwd=str(tmp_path), timeout=30)
        out.append((r.stdout, r.returncode))
    assert out[1] == out[0] == (shared.rpc.getSupervisorVersion() + "\n", 0)


# -- supctl's own additions ------------------------------------------------------

def test_status_json(shared):
    r = shared.supctl("status", "--json")
    infos = json.loads(r.stdout)
    rc = shared.ctl("status").returncode
    assert r.returncode == rc == 3
    by = {i["namespec"]: i for i in infos}
    assert by["sleeper"]["statename"] == "RUNNING"
    assert by["grp:b"]["statename"] == "STOPPED"
    assert by["multi:multi_00"]["group"] == "multi"
    assert by["sleeper"]["pid"] == shared.info("sleeper")["pid"]


def test_status_json_names(shared):
    r = shared.supctl("status", "--json", "sleeper", "nope")
    assert [i["name"] for i in json.loads(r.stdout)] == ["sleeper"]
    assert r.stderr == "nope: ERROR (no such process)\n"
    assert r.returncode == 4


def test_avail_json(shared):
    r = shared.supctl("avail", "--json")
    infos = json.loads(r.stdout)
    assert r.returncode == 0
    assert {i["namespec"] for i in infos} >= {"sleeper", "grp:a", "failer"}
    assert all("inuse" in i and "autostart" in i for i in infos)


def test_json_after_check_of_other_arguments(shared):
    same(shared, "avail", "x", help_of="avail")


# -- errors ---------------------------------------------------------------------

def write_conf(d, serverurl, extra=""):
    return d.write("[supervisorctl]\nserverurl=%s\n%s" % (serverurl, extra),
                   base=False, name="client.conf")


@pytest.mark.parametrize("args", [
    ["status"], ["start", "x"], ["stop", "x"], ["pid"], ["version"],
    ["tail", "x"], ["maintail"], ["clear", "x"], ["signal", "HUP", "x"],
    ["fg", "x"], ["restart", "x"], ["shutdown"], ["help"], ["status", "x"],
])
def test_no_daemon_socket_missing(sup, args):
    """supervisorctl's line, then on the same line why and what to do:
    one message, nothing on stderr."""
    conf = write_conf(sup, "unix://" + sup.path("missing.sock"))
    theirs = sup.ctl(*args, conf=conf)
    ours = sup.supctl(*args, conf=conf)
    if args in (["shutdown"], ["help"]):
        assert (ours.stdout, ours.returncode) == (theirs.stdout, theirs.returncode)
        return
    line = "unix://%s no such file" % sup.path("missing.sock")
    assert theirs.stdout == line + "\n"
    assert ours.stdout.startswith(line + ": ")
    assert len(ours.stdout.splitlines()) == 1
    assert ours.stderr == ""
    assert ours.returncode == theirs.returncode


@pytest.mark.parametrize("args", [
    ["avail"], ["reread"], ["update"], ["add", "x"], ["remove", "x"],
    ["reload"],
])
def test_no_daemon_where_supervisorctl_shows_a_traceback(sup, args):
    """supervisorctl prints a Python exception here; we say what is wrong."""
    conf = write_conf(sup, "unix://" + sup.path("missing.sock"))
    theirs = sup.ctl(*args, conf=conf)
    ours = sup.supctl(*args, conf=conf)
    assert "FileNotFoundError" in theirs.stdout
    assert ours.stdout.startswith("unix://%s no such file: " % sup.path("missing.sock"))
    assert len(ours.stdout.splitlines()) == 1 and ours.stderr == ""
    assert ours.returncode == theirs.returncode == 1
    assert "not running" in ours.stdout and "start it" in ours.stdout


def test_no_daemon_says_why_and_what_to_do(sup):
    conf = write_conf(sup, "unix://" + sup.path("missing.sock"))
    r = sup.supctl("status", conf=conf)
    assert r.returncode == 4
    assert "no such file: the daemon is not running" in r.stdout
    assert "start it, or check serverurl" in r.stdout
    assert conf in r.stdout


def stale_socket(path):
    """A unix socket file nobody listens on."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.close()


@pytest.mark.parametrize("args", [["status"], ["start", "x"], ["version"],
                                  ["shutdown"]])
def test_refused_unix_socket(sup, args):
    stale_socket(sup.path("stale.sock"))
    conf = write_conf(sup, "unix://" + sup.path("stale.sock"))
    theirs = sup.ctl(*args, conf=conf)
    ours = sup.supctl(*args, conf=conf)
    assert ours.returncode == theirs.returncode
    if args == ["shutdown"]:
        assert ours.stdout == theirs.stdout
        return
    line = "unix://%s refused connection" % sup.path("stale.sock")
    assert theirs.stdout == line + "\n"
    assert ours.stdout.startswith(line + ": ")
    assert "no daemon listens" in ours.stdout
    assert len(ours.stdout.splitlines()) == 1 and ours.stderr == ""


@pytest.mark.parametrize("args", [["status"], ["pid", "x"], ["shutdown"]])
def test_refused_tcp(sup, args):
    conf = write_conf(sup, "http://127.0.0.1:%d" % free_port())
    theirs = sup.ctl(*args, conf=conf)
    ours = sup.supctl(*args, conf=conf)
    assert ours.returncode == theirs.returncode
    if args == ["shutdown"]:
        assert ours.stdout == theirs.stdout
        return
    assert ours.stdout.startswith(theirs.stdout.rstrip("\n") + ": ")
    assert len(ours.stdout.splitlines()) == 1 and ours.stderr == ""


@pytest.fixture
def authd(sup):
    port = free_port()
    sup.write(PROGRAMS + """
[inet_http_server]
port=127.0.0.1:%d
username=user
password=secret
""" % port)
    sup.start()
    sup.port = port
    return sup


def auth_conf(d, extra):
    return write_conf(d, "http://127.0.0.1:%d" % d.port, extra)


@pytest.mark.parametrize("args", [["status"], ["avail"], ["version"],
                                  ["tail", "-f", "sleeper"]])
def test_bad_credentials(authd, args):
    conf = auth_conf(authd, "username=user\npassword=wrong\n")
    theirs = authd.ctl(*args, conf=conf, timeout=10)
    ours = authd.supctl(*args, conf=conf, timeout=10)
    # Theirs goes on with Python's ProtocolError; ours says why, once.
    assert theirs.stdout.startswith("Server requires authentication\n")
    assert ours.stdout.startswith("Server requires authentication: ")
    assert len(ours.stdout.splitlines()) == 1 and ours.stderr == ""
    assert ours.returncode == theirs.returncode == 1
    assert "refused the username or password" in ours.stdout
    assert conf in ours.stdout


def test_missing_credentials(authd):
    conf = auth_conf(authd, "")
    r = authd.supctl("status", conf=conf)
    assert r.stdout.startswith("Server requires authentication: ")
    assert "none were given" in r.stdout and "-u and -p" in r.stdout
    assert len(r.stdout.splitlines()) == 1 and r.stderr == ""
    assert r.returncode == 1


def test_credentials_from_options(authd):
    conf = auth_conf(authd, "username=user\npassword=wrong\n")
    same(authd, "-u", "user", "-p", "secret", "status", "sleeper", conf=conf)
    r = authd.supctl("-u", "user", "-p", "bad", "status", conf=conf)
    assert "given with -u/-p" in r.stdout and r.stderr == ""


def test_good_credentials(authd):
    conf = auth_conf(authd, "username=user\npassword=secret\n")
    for args in (["status"], ["avail"], ["tail", "echoer"]):
        same(authd, *args, conf=conf)


def test_follow_with_credentials(authd):
    settle(authd)
    authd.conf = auth_conf(authd, "username=user\npassword=secret\n")
    out, err, rc = follow(authd, SUPCTL, "tail", "-f", "echoer", until="hello")
    assert out == "==> Press Ctrl-C to exit <==\nhello\n\n" and rc == 0
    authd.conf = auth_conf(authd, "username=user\npassword=nope\n")
    r = subprocess.run([SUPCTL, "-c", authd.conf, "-u", "user", "-p", "secret",
                        "tail", "-f", "nope"], capture_output=True, text=True,
                       timeout=10)
    assert r.stderr.endswith("/logtail/nope/stdout Cannot read, status code "
                             "404\n") and r.returncode == 0


# -- many programs ---------------------------------------------------------------
# (How fast this is lives in the benchmark, bench/, not in a test.)

def test_status_of_1000_programs_matches_supervisorctl(sup):
    sup.write("".join("[program:p%04d]\ncommand=sleep 1000\nautostart=false\n"
                      % i for i in range(1000)))
    sup.start(timeout=60)
    r = sup.supctl("status")
    assert r.returncode == 3 and r.stdout.count("\n") == 1000
    assert r.stdout == sup.ctl("status").stdout


# -- the shell on a terminal ---------------------------------------------------

def on_terminal(argv, keys, cwd):
    """Run argv on a pseudo-terminal, typing keys ("^C" sends SIGINT) with
    pauses; return (output without escapes and CRs, exit status)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execv(argv[0], argv)
    out = b""

    def read_for(seconds):
        nonlocal out
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    return
    def prompts():
        return out.count(b"supervisor> ")

    def read_until_prompts(n):
        # Typing before the shell shows its prompt races the terminal's
        # own echo (cooked mode): wait for the prompt, then type.
        end = time.monotonic() + 30 * TIMEOUT_SCALE
        while prompts() < n and time.monotonic() < end:
            read_for(0.05)
    read_until_prompts(1)
    for k in keys:
        before = prompts()
        if k == "^C":
            os.kill(pid, signal.SIGINT)
        else:
            os.write(fd, k.encode())
        if k.endswith("\n"):
            read_until_prompts(before + 1)
        read_for(0.5)
    _, status = os.waitpid(pid, 0)
    read_for(0.2)
    os.close(fd)
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode("utf-8", "replace"))
    return text.replace("\r", ""), os.waitstatus_to_exitcode(status)


def test_terminal_shell_edits_completes_and_keeps_history(shared):
    hist = os.path.join(shared.dir, "history")
    if os.path.exists(hist):
        os.unlink(hist)
    text, rc = on_terminal([SUPCTL, "-c", shared.conf, "-r", hist],
                           ["stat\t", "slee\t", "\n", "version\n", "\x04"],
                           shared.dir)
    assert rc == 0
    assert "supervisor> " in text
    assert re.search(r"\nsleeper +RUNNING +pid \d+", text.split("supervisor> ")[1])
    assert "4.2.5\n" in text or shared.rpc.getSupervisorVersion() + "\n" in text
    assert text.endswith("supervisor> \n")   # Ctrl-D: an empty line, no ^D
    with open(hist) as f:
        assert f.read() == "status sleeper \nversion\n"
    # The next shell reads it back: Up fetches the last line.
    text, rc = on_terminal([SUPCTL, "-c", shared.conf, "-r", hist],
                           ["\x1b[A\n", "\x04"], shared.dir)
    assert rc == 0 and text.count(shared.rpc.getSupervisorVersion()) == 1


def test_terminal_shell_ctrl_c_leaves_like_supervisorctl(shared):
    results = []
    for prog in ("/usr/bin/supervisorctl", SUPCTL):
        text, rc = on_terminal([prog, "-c", shared.conf], ["ver", "^C"],
                               shared.dir)
        results.append((norm(text).split("supervisor> ")[-1], rc))
    assert results[1] == results[0] == ("ver\n", 0)


def test_terminal_shell_same_transcript(shared):
    results = []
    for prog in ("/usr/bin/supervisorctl", SUPCTL):
        text, rc = on_terminal([prog, "-c", shared.conf],
                               ["status sleeper\n", "pid nope\n", "\x04"],
                               shared.dir)
        results.append((norm(text), rc))
    assert results[1] == results[0]


def test_shell_asks_for_credentials(authd):
    conf = auth_conf(authd, "")
    r = subprocess.run([SUPCTL, "-c", conf], input="user\nsecret\nversion\n",
                       capture_output=True, text=True, timeout=30,
                       start_new_session=True)
    assert r.stdout.startswith("Server requires authentication\nUsername:")
    assert "\nsleeper " in r.stdout
    assert "supervisor> %s\n" % authd.rpc.getSupervisorVersion() in r.stdout
    assert r.returncode == 0
