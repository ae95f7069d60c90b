"""supd under valgrind's memcheck on the black-box path: 1,000 process
start/stop cycles and 10,000 XML-RPC calls (ten times that with
SUPD_SOAK=1), with memcheck's leak summary taken through vgdb after the
first tenth and at the end. Nothing may be lost, the heap in use may not
grow between the two, and memcheck may report no error at all. Runs on a
build without sanitizers (valgrind cannot run ASan binaries)."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, _popen_pids, wait_until

pytestmark = [pytest.mark.supd_only, pytest.mark.memory]

SOAK = os.environ.get("SUPD_SOAK") == "1"
# Each round starts and stops all ten programs: ten cycles.
ROUNDS = 1000 if SOAK else 100
CALLS_PER_ROUND = 100
# Heap the daemon may gain between the snapshots: allocator slack, the
# longest log line seen, a grown hash table.
HEAP_SLACK = 32 * 1024

LEAK_LINE = re.compile(r"(definitely lost|indirectly lost|possibly lost|still reachable):"
                       r" ([\d,]+) ")


def sanitized_build():
    try:
        with open(os.path.join(BUILD, "meson-info", "intro-buildoptions.json")) as f:
            options = json.load(f)
    except OSError:
        return False
    return any(o["name"] == "b_sanitize" and o["value"] not in ("none", [], "")
               for o in options)


def leak_summary(pid):
    """memcheck's leak summary of the running daemon, by kind, in bytes."""
    out = subprocess.run(["vgdb", "--pid=%d" % pid, "leak_check", "summary"],
                         capture_output=True, text=True, timeout=120).stdout
    found = {k: int(v.replace(",", "")) for k, v in LEAK_LINE.findall(out)}
    assert len(found) == 4, out
    return found


def in_use(summary):
    return sum(summary.values())


def exercise(sup, rounds):
    """Start and stop every program `rounds` times, with a hundred calls
    of the commonest kinds per round."""
    rpc = sup.proxy(timeout=120).supervisor     # one connection throughout
    for i in range(rounds):
        rpc.startAllProcesses()
        for j in range(CALLS_PER_ROUND // 5):
            rpc.getState()
            rpc.getProcessInfo("p:p_%d" % (j % 10))
            rpc.getAllProcessInfo()
            rpc.readProcessStdoutLog("p:p_%d" % (j % 10), 0, 100)
            rpc.readLog(-200, 0)
        rpc.stopAllProcesses()


def start_under(sup, argv):
    """Run the daemon as argv (valgrind, then supd) the way sup.launch
    does, and wait for it to answer."""
    env = dict(os.environ)
    env.pop("SUPERVISOR_ENABLED", None)
    out = open(sup.out_path, "ab")
    sup.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=sup.dir, env=env,
                                start_new_session=True)
    out.close()
    _popen_pids.add(sup.proc.pid)
    wait_until(lambda: sup.proc.poll() is not None or
               sup.rpc.getState()["statename"] == "RUNNING",
               timeout=60, what="supd under valgrind to answer")
    assert sup.proc.poll() is None, sup.output()


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind not installed")
@pytest.mark.skipif(sanitized_build(), reason="a sanitizer build cannot run under valgrind")
def test_no_leak_growth_over_start_stop_cycles_and_calls(sup):
    vglog = sup.path("valgrind.log")
    sup.write("""
        [program:p]
        command=sh -c 'echo started; exec sleep 1000'
        process_name=%(program_name)s_%(process_num)d
        numprocs=10
        autostart=false
        startsecs=0
        """)
    argv = ["valgrind", "--tool=memcheck", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--error-exitcode=99",
            "--log-file=" + vglog, os.path.join(BUILD, "supd"),
            "-c", sup.conf, "-n"]
    start_under(sup, argv)
    pid = sup.proc.pid

    exercise(sup, ROUNDS // 10)
    first = leak_summary(pid)
    exercise(sup, ROUNDS - ROUNDS // 10)
    last = leak_summary(pid)

    assert first["definitely lost"] == last["definitely lost"] == 0, (first, last)
    assert first["indirectly lost"] == last["indirectly lost"] == 0, (first, last)
    assert in_use(last) <= in_use(first) + HEAP_SLACK, (first, last)

    sup.rpc.shutdown()
    assert sup.proc.wait(timeout=120) == 0, open(vglog).read()[-3000:]
    report = open(vglog).read()
    assert "ERROR SUMMARY: 0 errors" in report, report[-3000:]
