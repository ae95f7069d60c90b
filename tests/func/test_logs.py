"""Child logs and the main log as Supervisor 4.2.5 writes them: stdout and
stderr files, redirect_stderr, AUTO logs in childlogdir, NONE and /dev/null,
rotation, syslog, shared log files, the main log's lines and levels, and
log reopening on SIGUSR2."""
import os
import re
import signal
import stat

import pytest

from conftest import wait_until

LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (CRIT|ERRO|WARN|INFO|DEBG|TRAC|BLAT) ")


def log_lines(sup, level, text):
    """Main log lines at `level` that contain text."""
    return [line for line in sup.log().splitlines()
            if LINE_RE.match(line) and line.split(" ")[2] == level and text in line]


def wait_file(sup, path, text, timeout=10):
    return wait_until(lambda: text in sup.read(path) and sup.read(path), timeout=timeout,
                      what="%s to contain %r" % (path, text))


# -- where child output goes -------------------------------------------------

def test_stdout_and_stderr_go_to_their_own_files(sup):
    sup.write("""
        [program:talker]
        command=/bin/sh -c "echo to-stdout; echo to-stderr >&2; exec sleep 1000"
        startsecs=0
        stdout_logfile={dir}/talker.out
        stderr_logfile={dir}/talker.err
        """)
    sup.start()
    assert wait_file(sup, "talker.out", "to-stdout") == "to-stdout\n"
    assert wait_file(sup, "talker.err", "to-stderr") == "to-stderr\n"
    info = sup.info("talker")
    assert info["stdout_logfile"] == sup.path("talker.out")
    assert info["stderr_logfile"] == sup.path("talker.err")


def test_redirect_stderr_puts_both_in_the_stdout_log(sup):
    sup.write("""
        [program:joined]
        command=/bin/sh -c "echo to-stdout; echo to-stderr >&2; exec sleep 1000"
        startsecs=0
        redirect_stderr=true
        stdout_logfile={dir}/joined.out
        stderr_logfile={dir}/joined.err
        """)
    sup.start()
    out = wait_file(sup, "joined.out", "to-stderr")
    assert "to-stdout\n" in out
    assert not os.path.exists(sup.path("joined.err"))
    assert sup.info("joined")["stderr_logfile"] == ""
    sup.wait_log("For [program:joined], redirect_stderr=true but stderr_logfile has also "
                 "been set to a filename, the filename has been ignored")


def test_log_file_is_appended_to_across_restarts(sup):
    sup.write("""
        [program:again]
        command=/bin/sh -c "echo run; sleep 0.1"
        startsecs=0
        autorestart=true
        stdout_logfile={dir}/again.out
        """)
    with open(sup.path("again.out"), "w") as f:
        f.write("from before\n")
    sup.start()
    wait_until(lambda: sup.read("again.out").count("run\n") >= 2, what="two runs logged")
    assert sup.read("again.out").startswith("from before\nrun\n")


# tempfile.mkstemp's shape: eight of [a-z0-9_], no template letters left.
AUTO_RE = r"^%s-%s---%s-[a-z0-9_]{8}\.log$"


def test_auto_logs_are_created_in_childlogdir(sup):
    sup.write("""
        [program:auto]
        command=/bin/sh -c "echo auto-out; echo auto-err >&2; exec sleep 1000"
        startsecs=0
        """)
    sup.start()
    info = sup.info("auto")
    for channel, text in (("stdout", "auto-out"), ("stderr", "auto-err")):
        path = info["%s_logfile" % channel]
        assert os.path.dirname(path) == sup.path("logs")
        assert re.match(AUTO_RE % ("auto", channel, "supervisor"), os.path.basename(path)), path
        assert "XX" not in os.path.basename(path)
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert wait_file(sup, path, text) == text + "\n"
    assert len(os.listdir(sup.path("logs"))) == 2


def test_auto_log_names_carry_the_identifier(sup):
    sup.write("""
        [supervisord]
        identifier=myident

        [program:auto]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    path = sup.info("auto")["stdout_logfile"]
    assert re.match(AUTO_RE % ("auto", "stdout", "myident"), os.path.basename(path)), path


OLD_LOGS = ["old-stdout---supervisor-abc123.log", "old-stderr---supervisor-xyz789.log.3",
            "keep.log", "other-stdout---otherid-abc123.log"]


def make_old_logs(sup):
    for name in OLD_LOGS:
        with open(sup.path("logs", name), "w") as f:
            f.write("old\n")


def test_old_auto_logs_are_removed_at_start(sup):
    make_old_logs(sup)
    sup.write("""
        [program:fresh]
        command=sleep 1000
        stdout_logfile=NONE
        stderr_logfile=NONE
        """)
    sup.start()
    assert sorted(os.listdir(sup.path("logs"))) == ["keep.log", "other-stdout---otherid-abc123.log"]


def test_nocleanup_keeps_old_auto_logs(sup):
    make_old_logs(sup)
    sup.write("""
        [supervisord]
        nocleanup=true

        [program:fresh]
        command=sleep 1000
        stdout_logfile=NONE
        stderr_logfile=NONE
        """)
    sup.start()
    assert sorted(os.listdir(sup.path("logs"))) == sorted(OLD_LOGS)


@pytest.mark.parametrize("value", ["NONE", "none", "off"])
def test_none_means_no_log_file(sup, value):
    sup.write("""
        [program:quiet]
        command=/bin/sh -c "echo discarded; echo discarded >&2; exec sleep 1000"
        startsecs=0
        stdout_logfile=%s
        stderr_logfile=%s
        """ % (value, value))
    sup.start()
    info = sup.wait_state("quiet", "RUNNING")
    assert info["stdout_logfile"] == ""
    assert info["stderr_logfile"] == ""
    assert os.listdir(sup.path("logs")) == []


def test_dev_null_log_discards_output(sup):
    sup.write("""
        [program:devnull]
        command=/bin/sh -c "i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done; exec sleep 1000"
        startsecs=0
        stdout_logfile=/dev/null
        """)
    sup.start()
    info = sup.wait_state("devnull", "RUNNING")
    assert info["stdout_logfile"] == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not os.path.exists("/dev/null.1")


# -- rotation ----------------------------------------------------------------

WRITER = """
    #!/usr/bin/python3
    # Writes N numbered 100-byte lines, one write each, then (with END) once
    # the daemon has read them all, END alone; then waits.
    import fcntl, os, struct, sys, termios, time
    for i in range(int(sys.argv[1])):
        os.write(1, ("line-%04d " % i + "x" * 89 + "\\n").encode())
        time.sleep(0.01)
    if sys.argv[2:] == ["END"]:
        while struct.unpack("i", fcntl.ioctl(1, termios.FIONREAD, b"    "))[0]:
            time.sleep(0.01)
        os.write(1, b"END\\n")
    while True:
        time.sleep(1000)
    """


def expected_lines(n):
    return ["line-%04d " % i + "x" * 89 for i in range(n)]


def test_rotation_keeps_backups_numbered_from_one(sup):
    sup.script("writer.py", WRITER)
    sup.write("""
        [program:rot]
        command=%(here)s/writer.py 80
        startsecs=0
        stdout_logfile={dir}/rot.log
        stdout_logfile_maxbytes=1KB
        stdout_logfile_backups=2
        """)
    sup.start()
    files = [sup.path("rot.log.2"), sup.path("rot.log.1"), sup.path("rot.log")]

    def whole():
        return "".join(sup.read(p) for p in files)
    wait_until(lambda: "line-0079" in whole(), what="last line to be logged")
    assert not os.path.exists(sup.path("rot.log.3"))
    # A file is rotated once a write takes it to maxbytes or more, so the
    # backups are at least maxbytes and the live file is below it.
    assert os.path.getsize(sup.path("rot.log.1")) >= 1024
    assert os.path.getsize(sup.path("rot.log.2")) >= 1024
    assert os.path.getsize(sup.path("rot.log")) < 1024
    lines = whole().splitlines()
    assert lines == expected_lines(80)[-len(lines):]
    assert len(lines) >= 20


def test_rotation_without_backups_starts_the_file_again(sup):
    sup.script("writer.py", WRITER)
    sup.write("""
        [program:rot]
        command=%(here)s/writer.py 40 END
        startsecs=0
        stdout_logfile={dir}/rot.log
        stdout_logfile_maxbytes=1KB
        stdout_logfile_backups=0
        """)
    sup.start()
    # END comes alone, read after the lines; whole 100-byte lines leave the
    # file at 1000 bytes at most, so END itself never triggers a rotation.
    text = wait_file(sup, "rot.log", "END\n")
    assert not os.path.exists(sup.path("rot.log.1"))
    assert len(text) < 1024
    lines = text.splitlines()
    assert lines[-1] == "END"
    assert lines[:-1] == expected_lines(40)[-(len(lines) - 1):] or len(lines) == 1


# -- syslog ------------------------------------------------------------------

def test_stdout_syslog_is_accepted(sup):
    sup.write("""
        [program:tosyslog]
        command=/bin/sh -c "echo to-both; exec sleep 1000"
        startsecs=0
        stdout_logfile={dir}/tosyslog.out
        stdout_syslog=true
        stderr_syslog=true
        """)
    sup.start()
    sup.wait_state("tosyslog", "RUNNING")
    info = [c for c in sup.rpc.getAllConfigInfo() if c["name"] == "tosyslog"][0]
    assert info["stdout_syslog"] is True
    assert info["stderr_syslog"] is True
    wait_file(sup, "tosyslog.out", "to-both")


def test_logfile_syslog_is_a_deprecated_spelling_of_syslog_true(sup):
    sup.write("""
        [program:oldsyslog]
        command=sleep 1000
        startsecs=0
        stdout_logfile=syslog
        """)
    sup.start()
    info = [c for c in sup.rpc.getAllConfigInfo() if c["name"] == "oldsyslog"][0]
    assert info["stdout_syslog"] is True
    assert info["stdout_logfile"] == "none"
    sup.wait_log("For [program:oldsyslog], stdout_logfile=syslog but this is deprecated "
                 "and will be removed.  Use stdout_syslog=true to enable syslog instead.")


# -- shared log files --------------------------------------------------------

def test_programs_can_share_one_log_file(sup):
    body = ""
    for name in ("a", "b", "c"):
        body += """
            [program:%s]
            command=/bin/sh -c "for i in 1 2 3 4 5; do echo %s-$i; done; exec sleep 1000"
            startsecs=0
            stdout_logfile={dir}/shared.log
            """ % (name, name)
    sup.write(body)
    sup.start()
    wait_until(lambda: all("%s-5" % n in sup.read("shared.log") for n in "abc"),
               what="all programs to log")
    lines = sup.read("shared.log").splitlines()
    assert sorted(lines) == sorted("%s-%d" % (n, i) for n in "abc" for i in range(1, 6))


@pytest.mark.supd_only
def test_shared_log_file_keeps_lines_whole(sup):
    # Each line is written in two pieces with a pause in between; several
    # programs doing that at once must not cut into each other's lines.
    sup.script("halves.py", """
        #!/usr/bin/python3
        import os, sys, time
        for i in range(30):
            os.write(1, ("%s-%02d-" % (sys.argv[1], i)).encode())
            time.sleep(0.003)
            os.write(1, b"end\\n")
        while True:
            time.sleep(1000)
        """)
    body = ""
    for name in ("a", "b", "c", "d"):
        body += """
            [program:%s]
            command=%%(here)s/halves.py %s
            startsecs=0
            stdout_logfile={dir}/shared.log
            """ % (name, name)
    sup.write(body)
    sup.start()
    wait_until(lambda: sup.read("shared.log").count("\n") >= 120, what="all lines")
    lines = sup.read("shared.log").splitlines()
    assert len(lines) == 120
    for line in lines:
        assert re.match(r"^[abcd]-\d\d-end$", line), line


# -- the main log ------------------------------------------------------------

def test_main_log_line_format(sup):
    sup.write("""
        [program:fmt]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    pid = sup.wait_state("fmt", "RUNNING")["pid"]
    sup.wait_log("success: fmt")
    lines = sup.log().splitlines()
    assert lines
    for line in lines:
        assert LINE_RE.match(line), line
    assert log_lines(sup, "INFO", "spawned: 'fmt' with pid %d" % pid)
    assert log_lines(sup, "INFO", "success: fmt entered RUNNING state, process has "
                                  "stayed up for > than 0 seconds (startsecs)")


def test_main_log_exit_lines_and_levels(sup):
    sup.write("""
        [program:good]
        command=/bin/sh -c "sleep 0.2; exit 0"
        startsecs=0
        autorestart=false

        [program:bad]
        command=/bin/sh -c "sleep 0.2; exit 4"
        startsecs=0
        autorestart=false

        [program:hopeless]
        command=/bin/sh -c "exit 1"
        startretries=0
        """)
    sup.start()
    sup.wait_state("good", "EXITED")
    sup.wait_state("bad", "EXITED")
    sup.wait_state("hopeless", "FATAL")
    assert log_lines(sup, "INFO", "exited: good (exit status 0; expected)")
    assert log_lines(sup, "WARN", "exited: bad (exit status 4; not expected)")
    assert log_lines(sup, "WARN", "exited: hopeless (exit status 1; not expected)")
    assert log_lines(sup, "INFO", "gave up: hopeless entered FATAL state, "
                                  "too many start retries too quickly")


def test_main_log_stop_lines_and_levels(sup):
    sup.write("""
        [program:plain]
        command=sleep 1000
        startsecs=0

        [program:polite]
        command=/bin/sh -c "trap 'exit 0' TERM; touch {dir}/ready; while :; do sleep 0.1; done"
        startsecs=0
        """)
    sup.start()
    sup.wait_running("plain", "sleep")
    wait_until(lambda: os.path.exists(sup.path("ready")), what="polite to trap TERM")
    sup.rpc.stopProcess("plain")
    sup.rpc.stopProcess("polite")
    # Killed by its stopsignal is not an expected exit status: WARN.
    assert log_lines(sup, "WARN", "stopped: plain (terminated by SIGTERM)")
    assert log_lines(sup, "INFO", "stopped: polite (exit status 0)")


def test_main_log_waiting_for_stop(sup):
    sup.write("""
        [program:stubborn]
        command=/bin/sh -c "trap '' TERM; exec sleep 1000"
        startsecs=0
        stopwaitsecs=1
        """)
    sup.start()
    sup.wait_running("stubborn", "sleep")
    result = sup.ctl("stop", "stubborn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert log_lines(sup, "INFO", "waiting for stubborn to stop")
    assert log_lines(sup, "WARN", "stopped: stubborn (terminated by SIGKILL)")


def test_main_log_waiting_for_names_to_die_at_shutdown(sup):
    # supervisord's shutdown_report: once the first group has its stop
    # signal, every process not yet stopped is named, in group order.
    sup.write("""
        [program:alpha]
        command=sleep 1000
        priority=1
        startsecs=0

        [program:beta]
        command=sleep 1000
        priority=2
        startsecs=0
        """)
    sup.start()
    sup.wait_running("alpha", "sleep")
    sup.wait_running("beta", "sleep")
    os.kill(sup.proc.pid, signal.SIGTERM)
    assert sup.proc.wait(timeout=30) == 0
    lines = sup.log().splitlines()
    waiting = [i for i, line in enumerate(lines)
               if line.endswith(" INFO waiting for alpha, beta to die")]
    stopped = [i for i, line in enumerate(lines) if "stopped: beta" in line]
    assert waiting and stopped, "\n".join(lines)
    # At once, before beta is even reaped, not after a first delay.
    assert waiting[0] < stopped[0]


def test_main_log_waiting_to_die_repeats_while_a_process_lingers(sup):
    sup.write("""
        [program:stubborn]
        command=/bin/sh -c "trap '' TERM; exec sleep 1000"
        startsecs=0
        stopwaitsecs=60
        """)
    sup.start()
    pid = sup.wait_running("stubborn", "sleep")["pid"]
    os.kill(sup.proc.pid, signal.SIGTERM)
    wait_until(lambda: len(log_lines(sup, "INFO", "waiting for stubborn to die")) >= 2,
               timeout=20, what="a second waiting line")
    os.kill(pid, signal.SIGKILL)
    assert sup.proc.wait(timeout=30) == 0
    assert log_lines(sup, "WARN", "stopped: stubborn (terminated by SIGKILL)")


def test_loglevel_warn_hides_info(sup):
    sup.write("""
        [program:bad]
        command=/bin/sh -c "sleep 0.2; exit 4"
        startsecs=0
        autorestart=false
        """, loglevel="warn")
    sup.start()
    sup.wait_state("bad", "EXITED")
    sup.wait_log("WARN exited: bad (exit status 4; not expected)")
    assert "spawned:" not in sup.log()
    assert " INFO " not in sup.log()


def test_loglevel_debug_shows_child_output(sup):
    sup.write("""
        [program:chatty]
        command=/bin/sh -c "echo hello-debug; exec sleep 1000"
        startsecs=0
        """, loglevel="debug")
    sup.start()
    sup.wait_log("DEBG 'chatty' stdout output:\nhello-debug\n")


def test_loglevel_info_hides_debug(sup):
    sup.write("""
        [program:chatty]
        command=/bin/sh -c "echo hello-info; exec sleep 1000"
        startsecs=0
        stdout_logfile={dir}/chatty.out
        """)
    sup.start()
    wait_file(sup, "chatty.out", "hello-info")
    sup.wait_log("success: chatty")
    assert "hello-info" not in sup.log()
    assert " DEBG " not in sup.log()


def test_strip_ansi_removes_escape_codes(sup):
    sup.write(r"""
        [supervisord]
        strip_ansi=true

        [program:colour]
        command=/usr/bin/printf "\033[31mred\033[0m plain\n"
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/colour.out
        """)
    sup.start()
    assert wait_file(sup, "colour.out", "plain") == "red plain\n"


def test_ansi_codes_are_kept_by_default(sup):
    sup.write(r"""
        [program:colour]
        command=/usr/bin/printf "\033[31mred\033[0m plain\n"
        startsecs=0
        autorestart=false
        stdout_logfile={dir}/colour.out
        """)
    sup.start()
    assert wait_file(sup, "colour.out", "plain") == "\x1b[31mred\x1b[0m plain\n"


# -- a log file removed underneath ------------------------------------------

@pytest.mark.supd_only
@pytest.mark.parametrize("how", ["unlink", "rename"])
def test_output_after_removal_goes_to_a_new_file(sup, how):
    """Supervisor writes on into the removed file; supd notices the name
    going (inotify on the directory) before the next output, so nothing
    written after the removal is lost, however soon it comes."""
    sup.write("""
        [program:cat]
        command=cat
        startsecs=0
        stdout_logfile={dir}/logs/cat.log
        """)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    log = sup.path("logs", "cat.log")
    sup.rpc.sendProcessStdin("cat", "before\n")
    wait_file(sup, log, "before\n")
    for i in range(3):
        if how == "unlink":
            os.unlink(log)
        else:
            with open(log + ".new", "w") as f:
                f.write("replaced\n")
            os.rename(log + ".new", log)
        sup.rpc.sendProcessStdin("cat", "after %d\n" % i)
        want = ("" if how == "unlink" else "replaced\n") + "after %d\n" % i
        wait_until(lambda: sup.read(log) == want,
                   what="%r alone in the new file" % want)


# -- reopening on SIGUSR2 ----------------------------------------------------

def test_sigusr2_reopens_the_main_log(sup):
    sup.write("""
        [program:idle]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    os.rename(sup.logfile, sup.logfile + ".old")
    os.kill(sup.proc.pid, signal.SIGUSR2)
    wait_until(lambda: os.path.exists(sup.logfile), what="a new main log")
    wait_file(sup, sup.logfile + ".old", "received SIGUSR2 indicating log reopen request")
    # The new file is the one written to from now on.
    sup.rpc.startProcess("idle")
    sup.wait_log("spawned: 'idle'")
    assert "spawned: 'idle'" not in sup.read(sup.logfile + ".old")


def test_sigusr2_reopens_child_logs(sup):
    sup.script("ticker.sh", """
        #!/bin/sh
        i=0
        while :; do echo "tick $i"; i=$((i+1)); sleep 0.05; done
        """)
    sup.write("""
        [program:ticker]
        command=%(here)s/ticker.sh
        startsecs=0
        stdout_logfile={dir}/ticker.out
        """)
    sup.start()
    wait_file(sup, "ticker.out", "tick 1")
    os.rename(sup.path("ticker.out"), sup.path("ticker.out.old"))
    os.kill(sup.proc.pid, signal.SIGUSR2)
    wait_until(lambda: os.path.exists(sup.path("ticker.out")), what="a new child log")
    new_text = wait_until(lambda: "tick" in sup.read("ticker.out") and sup.read("ticker.out"))
    old_last = int(sup.read("ticker.out.old").split()[-1])
    new_first = int(new_text.split()[1])
    assert new_first > old_last
