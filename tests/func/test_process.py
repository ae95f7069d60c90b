"""The process state machine as Supervisor 4.2.5 runs it: STARTING until
startsecs, BACKOFF with a growing delay up to FATAL, EXITED with expected
and unexpected exit codes, autorestart, autostart, priority order at start
and at shutdown, and the spawn errors Supervisor reports."""
import datetime
import os
import signal
import textwrap

import pytest

from conftest import wait_until, pid_alive

# A program that exits every 0.2 s and is restarted each time: counting its
# spawns shows that the daemon went round its loop, so a test can tell that
# something did *not* happen without sleeping for a fixed time.
TICKER = """
[program:ticker]
command=sleep 0.2
startsecs=0
autorestart=true
"""


def with_ticker(body):
    return textwrap.dedent(body) + TICKER


def spawns(sup, name):
    return sup.log().count("spawned: '%s' with pid" % name)


def let_daemon_run(sup, rounds=2):
    """Wait until the ticker has been restarted `rounds` more times."""
    start = spawns(sup, "ticker")
    wait_until(lambda: spawns(sup, "ticker") >= start + rounds,
               what="ticker to be restarted %d times" % rounds)


def log_times(sup, text):
    """Timestamps of the main log lines containing text."""
    out = []
    for line in sup.log().splitlines():
        if text in line:
            stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            out.append(stamp.timestamp())
    return out


def log_order(sup, prefix, names):
    """Names in the order their `prefix` lines appear in the main log."""
    order = []
    for line in sup.log().splitlines():
        for name in names:
            if "%s '%s'" % (prefix, name) in line or "%s %s " % (prefix, name) in line:
                order.append(name)
    return order


# -- STARTING, RUNNING, BACKOFF, FATAL ---------------------------------------

def test_process_is_starting_until_startsecs_pass(sup):
    sup.write("""
        [program:slow]
        command=sleep 100
        startsecs=100
        """)
    sup.start()
    info = sup.wait_state("slow", "STARTING")
    assert info["pid"] > 0
    assert pid_alive(info["pid"])
    assert "success: slow" not in sup.log()


def test_process_is_running_after_startsecs(sup):
    sup.write("""
        [program:steady]
        command=sleep 100
        startsecs=1
        """)
    sup.start()
    sup.wait_state("steady", "RUNNING")
    sup.wait_log("success: steady entered RUNNING state, process has stayed up "
                 "for > than 1 seconds (startsecs)")


def test_startsecs_zero_is_running_at_once(sup):
    sup.write("""
        [program:instant]
        command=sleep 100
        startsecs=0
        """)
    sup.start()
    sup.wait_state("instant", "RUNNING")
    sup.wait_log("success: instant entered RUNNING state, process has stayed up "
                 "for > than 0 seconds (startsecs)")


def test_exit_before_startsecs_backs_off_longer_each_time_then_gives_up(sup):
    sup.write("""
        [program:quick]
        command=/bin/sh -c "exit 1"
        startsecs=1
        startretries=2
        """)
    sup.start()
    info = sup.wait_state("quick", "FATAL", timeout=30)
    assert info["spawnerr"] == "Exited too quickly (process log may have details)"
    assert info["pid"] == 0
    sup.wait_log("gave up: quick entered FATAL state, too many start retries too quickly")
    log = sup.log()
    assert log.count("spawned: 'quick' with pid") == 3
    assert log.count("exited: quick (exit status 1; not expected)") == 3
    # The n-th retry waits at least n seconds after the previous attempt.
    times = log_times(sup, "spawned: 'quick'")
    for n in (1, 2):
        assert times[n] - times[n - 1] >= n - 0.05, times


def test_startretries_zero_gives_up_after_one_try(sup):
    sup.write("""
        [program:once]
        command=/bin/sh -c "exit 1"
        startretries=0
        """)
    sup.start()
    sup.wait_state("once", "FATAL")
    assert spawns(sup, "once") == 1


def test_backoff_is_a_visible_state(sup):
    sup.write("""
        [program:flaky]
        command=/bin/sh -c "exit 1"
        startretries=100
        """)
    sup.start()
    info = sup.wait_state("flaky", "BACKOFF")
    assert info["spawnerr"] == "Exited too quickly (process log may have details)"


def test_stopping_a_process_in_backoff_makes_it_stopped(sup):
    sup.write(with_ticker("""
        [program:flaky]
        command=/bin/sh -c "exit 1"
        startretries=100
        """))
    sup.start()
    sup.wait_state("flaky", "BACKOFF")
    assert sup.rpc.stopProcess("flaky") is True
    sup.wait_state("flaky", "STOPPED")
    tries = spawns(sup, "flaky")
    let_daemon_run(sup)
    assert sup.state("flaky") == "STOPPED"
    assert spawns(sup, "flaky") == tries


def test_fatal_process_can_be_started_again(sup):
    sup.write("""
        [program:fixed]
        command=/bin/sh -c "test -e {dir}/ok || exit 1; exec sleep 100"
        startretries=0
        startsecs=1
        """)
    sup.start()
    sup.wait_state("fixed", "FATAL")
    open(sup.path("ok"), "w").close()
    assert sup.rpc.startProcess("fixed") is True
    assert sup.state("fixed") == "RUNNING"


# -- exit codes and autorestart ----------------------------------------------

def test_expected_exit_code_is_exited_and_not_restarted(sup):
    sup.write(with_ticker("""
        [program:done]
        command=/bin/sh -c "exit 3"
        exitcodes=3
        startsecs=0
        """))
    sup.start()
    info = sup.wait_state("done", "EXITED")
    assert info["exitstatus"] == 3
    assert info["spawnerr"] == ""
    sup.wait_log("exited: done (exit status 3; expected)")
    let_daemon_run(sup)
    assert spawns(sup, "done") == 1
    assert sup.state("done") == "EXITED"


def test_unexpected_exit_is_restarted_by_default(sup):
    sup.write("""
        [program:crashy]
        command=/bin/sh -c "sleep 0.1; exit 3"
        startsecs=0
        """)
    sup.start()
    sup.wait_log("exited: crashy (exit status 3; not expected)")
    wait_until(lambda: spawns(sup, "crashy") >= 2, what="crashy to be restarted")


def test_autorestart_false_leaves_unexpected_exit_alone(sup):
    sup.write(with_ticker("""
        [program:norestart]
        command=/bin/sh -c "exit 3"
        autorestart=false
        startsecs=0
        """))
    sup.start()
    info = sup.wait_state("norestart", "EXITED")
    assert info["exitstatus"] == 3
    assert info["spawnerr"] == "Bad exit code 3"
    sup.wait_log("exited: norestart (exit status 3; not expected)")
    let_daemon_run(sup)
    assert spawns(sup, "norestart") == 1


def test_autorestart_true_restarts_after_expected_exit(sup):
    sup.write("""
        [program:always]
        command=/bin/sh -c "sleep 0.1; exit 0"
        autorestart=true
        startsecs=0
        """)
    sup.start()
    sup.wait_log("exited: always (exit status 0; expected)")
    wait_until(lambda: spawns(sup, "always") >= 2, what="always to be restarted")


def test_killed_by_signal_is_an_unexpected_exit(sup):
    sup.write("""
        [program:victim]
        command=sleep 100
        startsecs=0
        """)
    sup.start()
    pid = sup.wait_state("victim", "RUNNING")["pid"]
    os.kill(pid, signal.SIGKILL)
    sup.wait_log("exited: victim (terminated by SIGKILL; not expected)")
    info = sup.wait_state("victim", "RUNNING")
    assert info["pid"] != pid


def test_autostart_false_stays_stopped_until_started(sup):
    sup.write(with_ticker("""
        [program:manual]
        command=sleep 100
        autostart=false
        startsecs=0
        """))
    sup.start()
    let_daemon_run(sup)
    info = sup.info("manual")
    assert info["statename"] == "STOPPED"
    assert info["pid"] == 0
    assert spawns(sup, "manual") == 0
    assert sup.rpc.startProcess("manual") is True
    assert sup.state("manual") == "RUNNING"
    assert spawns(sup, "manual") == 1


# -- priority order ----------------------------------------------------------

def test_start_order_follows_ascending_priority(sup):
    sup.write("""
        [program:third]
        command=sleep 100
        priority=300
        startsecs=0

        [program:first]
        command=sleep 100
        priority=100
        startsecs=0

        [program:last]
        command=sleep 100
        startsecs=0

        [program:second]
        command=sleep 100
        priority=200
        startsecs=0
        """)
    sup.start()
    names = ["first", "second", "third", "last"]
    for name in names:
        sup.wait_state(name, "RUNNING")
    assert log_order(sup, "spawned:", names) == names


def test_start_order_within_a_group_follows_the_programs_list(sup):
    # Not priority order, and not alphabetical: supervisord starts the
    # members of a [group:x] in the order programs= names them.
    sup.write("""
        [group:g]
        programs=alpha,zeta,mid

        [program:zeta]
        command=sleep 100
        priority=1
        startsecs=0

        [program:alpha]
        command=sleep 100
        priority=3
        startsecs=0

        [program:mid]
        command=sleep 100
        priority=2
        startsecs=0
        """)
    sup.start()
    for name in ("zeta", "alpha", "mid"):
        sup.wait_state("g:" + name, "RUNNING")
    assert log_order(sup, "spawned:", ["zeta", "mid", "alpha"]) == ["alpha", "zeta", "mid"]


def test_shutdown_stops_in_descending_priority_one_group_at_a_time(sup):
    # Each program takes a moment to stop; the next one is only told to stop
    # when the previous one has gone, so the stamps come out in order.
    sup.script("slowstop.sh", """
        #!/bin/sh
        trap 'echo "$1" >> {dir}/stamps; sleep 0.3; exit 0' TERM
        touch {dir}/ready.$1
        while :; do sleep 0.1; done
        """)
    body = ""
    for name, prio in (("low", 10), ("high", 30), ("mid", 20), ("dflt", None)):
        body += "[program:%s]\ncommand=%%(here)s/slowstop.sh %s\nstartsecs=0\n" % (name, name)
        if prio is not None:
            body += "priority=%d\n" % prio
        body += "\n"
    sup.write(body)
    sup.start()
    for name in ("low", "high", "mid", "dflt"):
        wait_until(lambda: os.path.exists(sup.path("ready." + name)), what=name + " ready")
    sup.stop()
    expected = ["dflt", "high", "mid", "low"]
    assert sup.read("stamps").split() == expected
    assert log_order(sup, "stopped:", expected) == expected


# -- spawn errors ------------------------------------------------------------

def test_missing_command_is_fatal_with_spawnerr(sup):
    sup.write("""
        [program:missing]
        command=/nonexistent/supd-prog --flag
        startretries=0
        """)
    sup.start()
    info = sup.wait_state("missing", "FATAL")
    assert info["spawnerr"] == "can't find command '/nonexistent/supd-prog'"
    sup.wait_log("spawnerr: can't find command '/nonexistent/supd-prog'")
    sup.wait_log("gave up: missing entered FATAL state, too many start retries too quickly")
    assert spawns(sup, "missing") == 0


def test_command_not_on_path(sup):
    sup.write("""
        [program:nopath]
        command=supd-no-such-program
        startretries=0
        """)
    sup.start()
    info = sup.wait_state("nopath", "FATAL")
    assert info["spawnerr"] == "can't find command 'supd-no-such-program'"


def test_command_is_searched_on_the_path_from_environment(sup):
    sup.script("bin/supd-on-path", """
        #!/bin/sh
        exec sleep 100
        """)
    sup.write("""
        [program:onpath]
        command=supd-on-path
        environment=PATH="{dir}/bin:/usr/bin:/bin"
        startsecs=0
        """)
    sup.start()
    sup.wait_state("onpath", "RUNNING")


def test_non_executable_command(sup):
    path = sup.script("noexec.sh", "#!/bin/sh\nexec sleep 100\n", mode=0o644)
    sup.write("""
        [program:noexec]
        command=%s
        startretries=0
        """ % path)
    sup.start()
    info = sup.wait_state("noexec", "FATAL")
    assert info["spawnerr"] == "command at '%s' is not executable" % path
    sup.wait_log("spawnerr: command at '%s' is not executable" % path)


def test_directory_as_command(sup):
    os.makedirs(sup.path("adir"))
    sup.write("""
        [program:isdir]
        command={dir}/adir
        startretries=0
        """)
    sup.start()
    info = sup.wait_state("isdir", "FATAL")
    assert info["spawnerr"] == "command at '%s' is a directory" % sup.path("adir")


def test_missing_directory_fails_in_the_child(sup):
    sup.write("""
        [program:nodir]
        command=sleep 100
        directory=/nonexistent/supd-dir
        startretries=0
        stderr_logfile={dir}/nodir.err
        """)
    sup.start()
    info = sup.wait_state("nodir", "FATAL")
    assert info["spawnerr"] == "Exited too quickly (process log may have details)"
    sup.wait_log("exited: nodir (exit status 127; not expected)")
    assert spawns(sup, "nodir") == 1
    err = wait_until(lambda: "not spawned" in sup.read("nodir.err") and sup.read("nodir.err"))
    assert "supervisor: couldn't chdir to /nonexistent/supd-dir: ENOENT" in err
    assert "supervisor: child process was not spawned" in err


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch user")
def test_exec_failure_after_dropping_privileges(sup):
    path = sup.script("rootonly.sh", "#!/bin/sh\nexec sleep 100\n", mode=0o700)
    sup.write("""
        [program:rootonly]
        command=%s
        user=nobody
        startretries=0
        stderr_logfile={dir}/rootonly.err
        """ % path)
    sup.start()
    sup.wait_state("rootonly", "FATAL")
    err = wait_until(lambda: "not spawned" in sup.read("rootonly.err") and sup.read("rootonly.err"))
    assert "supervisor: couldn't exec %s: EACCES" % path in err
