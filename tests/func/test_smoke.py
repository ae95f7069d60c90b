"""The harness itself: a daemon starts, runs a program, and stops."""
from conftest import wait_until, pid_alive


def test_program_runs_and_stops(sup):
    sup.write("""
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    info = sup.wait_state("sleeper", "RUNNING")
    pid = info["pid"]
    assert pid_alive(pid)
    sup.stop()
    wait_until(lambda: not pid_alive(pid), what="sleeper to be gone")
