"""deploy/logrotate/supd, pointed at a test dir: logrotate renames the logs
and its SIGUSR2 makes the daemon write to new files."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, wait_until

SNIPPET = os.path.join(ROOT, "deploy/logrotate/supd")


def test_logrotate_reopens_logs(sup):
    if shutil.which("logrotate") is None:
        pytest.skip("logrotate is not installed")
    sup.write("""
        [program:talker]
        command=sh -c 'while :; do echo tick; sleep 0.05; done'
        stdout_logfile={dir}/talker.log
        startsecs=0
        """)
    sup.start()
    sup.wait_state("talker", "RUNNING")
    talker = sup.path("talker.log")
    wait_until(lambda: "tick" in sup.read("talker.log"), what="talker output")

    with open(SNIPPET) as f:
        text = f.read()
    assert "/var/log/supervisor/*.log" in text and "/run/supervisord.pid" in text
    text = (text.replace("/var/log/supervisor", sup.dir)
            .replace("/run/supervisord.pid", sup.path("supervisord.pid")))
    conf = sup.path("logrotate.conf")
    with open(conf, "w") as f:
        f.write(text)
    os.chmod(conf, 0o644)
    res = subprocess.run(["logrotate", "-f", "-s", sup.path("logrotate.state"),
                          conf], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr

    rotated = [f for f in os.listdir(sup.dir) if f.startswith("talker.log-")]
    assert len(rotated) == 1, os.listdir(sup.dir)
    main_rotated = [f for f in os.listdir(sup.dir)
                    if f.startswith("supervisord.log-")]
    assert len(main_rotated) == 1, os.listdir(sup.dir)
    # The program's output and the daemon's own lines go to new files.
    wait_until(lambda: "tick" in sup.read("talker.log"),
               what="talker output in the new log")
    sup.rpc.stopProcess("talker")
    wait_until(lambda: "stopped: talker" in sup.log(),
               what="the daemon's log line in the new log")
    assert os.path.exists(talker)
