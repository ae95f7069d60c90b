"""XML-RPC log calls of Supervisor 4.2.5: readLog/readMainLog, clearLog,
readProcessStdoutLog/readProcessStderrLog/readProcessLog, the tail*
calls with their overflow flag, clearProcessLogs/clearProcessLog and
clearAllProcessLogs: offset/length rules and faults."""
import os
import textwrap
import xmlrpc.client

import pytest

from conftest import shared_daemon, wait_until

# Ten bytes on stdout, ten on stderr, then stay up.
TEN = """
    [program:p]
    command=sh -c 'printf 0123456789; printf abcdefghij >&2; exec sleep 1000'
    startsecs=0
    stdout_logfile={dir}/p.out
    stderr_logfile={dir}/p.err
    """

CAT = """
    [program:cat]
    command=cat
    startsecs=0
    stdout_logfile={dir}/cat.out
    """


def fault_of(fn, *args):
    """Call fn(*args), expecting an XML-RPC fault; return (code, string)."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        fn(*args)
    return info.value.faultCode, info.value.faultString


def file_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def conf(*parts):
    """Join config fragments, each dedented on its own."""
    return "".join(textwrap.dedent(p) for p in parts)


def start_ten(sup, extra=""):
    sup.write(conf(TEN, extra))
    sup.start()
    wait_until(lambda: sup.rpc.readProcessStdoutLog("p", 0, 0) == "0123456789"
               and sup.rpc.readProcessStderrLog("p", 0, 0) == "abcdefghij",
               what="p's output in its logs")


# One daemon for the tests that only read: p as TEN, gp (TEN in group g),
# n without log files, never (log files named but never created), r with
# stderr redirected, once (exited after one line).
SHARED = conf(TEN, TEN.replace("program:p", "program:gp").replace("p.out", "gp.out")
              .replace("p.err", "gp.err"), """
    [group:g]
    programs=gp
    [program:n]
    command=sleep 1000
    startsecs=0
    stdout_logfile=NONE
    stderr_logfile=NONE
    [program:never]
    command=sleep 1000
    autostart=false
    stdout_logfile={dir}/never.out
    stderr_logfile={dir}/never.err
    [program:r]
    command=sh -c 'printf out; printf err >&2; exec sleep 1000'
    startsecs=0
    redirect_stderr=true
    stdout_logfile={dir}/r.out
    [program:once]
    command=sh -c 'echo last words'
    startsecs=0
    autorestart=false
    """)


def _start_shared(d):
    d.write(SHARED)
    d.start()
    wait_until(lambda: d.rpc.readProcessStdoutLog("p", 0, 0) == "0123456789"
               and d.rpc.readProcessStderrLog("p", 0, 0) == "abcdefghij"
               and d.rpc.readProcessStdoutLog("g:gp", 0, 0) == "0123456789"
               and d.rpc.readProcessStderrLog("g:gp", 0, 0) == "abcdefghij"
               and len(d.rpc.readProcessStdoutLog("r", 0, 0)) == 6,
               what="programs' output in their logs")
    d.wait_state("n", "RUNNING")
    d.wait_state("once", "EXITED")


# A daemon shared by the tests of this module that change nothing.
shared = shared_daemon("logs-shared", _start_shared)


def stable_main_log(sup):
    """The main log once it stops changing; returns its text."""
    last = [None]

    def check():
        text = file_text(sup.logfile)
        same = text == last[0]
        last[0] = text
        return same and text
    return wait_until(check, what="main log to settle")


# -- readLog / readMainLog ---------------------------------------------

def test_read_log_whole_file(shared):
    text = stable_main_log(shared)
    assert shared.rpc.readLog(0, 0) == text


def test_read_log_offset_and_length(shared):
    text = stable_main_log(shared)
    assert len(text) > 20
    assert shared.rpc.readLog(0, 5) == text[:5]
    assert shared.rpc.readLog(5, 10) == text[5:15]
    assert shared.rpc.readLog(7, 0) == text[7:]
    assert shared.rpc.readLog(len(text) - 3, 100) == text[-3:]


def test_read_log_negative_offset_reads_from_the_end(shared):
    text = stable_main_log(shared)
    assert shared.rpc.readLog(-10, 0) == text[-10:]
    assert shared.rpc.readLog(-(len(text) + 1000), 0) == text


def test_read_log_past_end_is_empty(shared):
    text = stable_main_log(shared)
    assert shared.rpc.readLog(len(text), 0) == ""
    assert shared.rpc.readLog(len(text) + 1000, 10) == ""


def test_read_log_bad_arguments(shared):
    assert fault_of(shared.rpc.readLog, -10, 5) == (3, "BAD_ARGUMENTS")
    assert fault_of(shared.rpc.readLog, 0, -5) == (3, "BAD_ARGUMENTS")
    assert fault_of(shared.rpc.readLog, 10, -1) == (3, "BAD_ARGUMENTS")


def test_read_main_log_alias(shared):
    text = stable_main_log(shared)
    assert shared.rpc.readMainLog(0, 0) == text
    assert shared.rpc.readMainLog(-4, 0) == text[-4:]


def test_read_log_missing_file_is_no_file_with_path(sup):
    sup.write("")
    sup.start()
    os.unlink(sup.logfile)
    assert fault_of(sup.rpc.readLog, 0, 0) == (20, "NO_FILE: " + sup.logfile)


def test_read_log_unreadable_is_failed(sup):
    sup.write("")
    sup.start()
    os.unlink(sup.logfile)
    os.mkdir(sup.logfile)
    assert fault_of(sup.rpc.readLog, 0, 0) == (30, "FAILED")


def test_read_log_wrong_argument_count(shared):
    assert fault_of(shared.rpc.readLog, 0) == (2, "INCORRECT_PARAMETERS")


# -- clearLog ----------------------------------------------------------

def test_clear_log_empties_and_reopens(sup):
    sup.write("""
        [program:later]
        command=sleep 1000
        startsecs=0
        autostart=false
        """)
    sup.start()
    before = stable_main_log(sup)
    first_line = before.splitlines()[0]
    assert sup.rpc.clearLog() is True
    assert os.path.exists(sup.logfile)
    assert first_line not in sup.rpc.readLog(0, 0)
    # The daemon keeps logging, into the new file.
    sup.rpc.startProcess("later")
    wait_until(lambda: sup.rpc.readLog(0, 0) != "", what="new log lines")
    assert sup.rpc.readLog(0, 0) == file_text(sup.logfile)


def test_clear_log_says_reopening_once_per_handler(sup):
    """Supervisor removes the file, then each of its main log's handlers
    logs "reopening log file" at INFO before reopening: in the
    foreground that is stdout's and the file's, so stdout shows the line
    twice and both copies of the file's go into the removed file."""
    sup.write("")
    sup.start()
    assert sup.rpc.clearLog() is True
    wait_until(lambda: sup.output().count(" INFO reopening log file\n") == 2,
               what="two reopening lines on stdout")
    sup.rpc.getState()
    assert "reopening log file" not in file_text(sup.logfile)


def test_clear_log_missing_file_is_bare_no_file(sup):
    sup.write("")
    sup.start()
    os.unlink(sup.logfile)
    assert fault_of(sup.rpc.clearLog) == (20, "NO_FILE")


# -- readProcessStdoutLog / readProcessStderrLog / readProcessLog ------

def test_read_process_logs_whole(shared):
    assert shared.rpc.readProcessStdoutLog("p", 0, 0) == "0123456789"
    assert shared.rpc.readProcessStderrLog("p", 0, 0) == "abcdefghij"


READ_CASES = [
    # (offset, length, expected): length 0 means "to the end"; a negative
    # offset (with length 0) counts from the end.
    (0, 3, "012"), (2, 3, "234"), (8, 0, "89"), (8, 100, "89"),
    (-4, 0, "6789"), (-100, 0, "0123456789"), (10, 0, ""), (100, 5, ""),
]


def test_read_process_stdout_log_offsets(shared):
    got = [(o, n, shared.rpc.readProcessStdoutLog("p", o, n)) for o, n, _ in READ_CASES]
    assert got == READ_CASES


def test_read_process_stderr_log_offsets(shared):
    assert shared.rpc.readProcessStderrLog("p", 3, 2) == "de"
    assert shared.rpc.readProcessStderrLog("p", -3, 0) == "hij"


def test_read_process_log_alias_reads_stdout(shared):
    assert shared.rpc.readProcessLog("p", 0, 0) == "0123456789"
    assert shared.rpc.readProcessLog("p", -2, 0) == "89"


def test_read_process_log_bad_arguments(shared):
    assert fault_of(shared.rpc.readProcessStdoutLog, "p", -4, 2) == (3, "BAD_ARGUMENTS")
    assert fault_of(shared.rpc.readProcessStdoutLog, "p", 0, -1) == (3, "BAD_ARGUMENTS")
    assert fault_of(shared.rpc.readProcessStderrLog, "p", -4, 2) == (3, "BAD_ARGUMENTS")


def test_read_process_log_by_namespec(shared):
    assert shared.rpc.readProcessStdoutLog("g:gp", 0, 0) == "0123456789"
    assert shared.rpc.readProcessStderrLog("g:gp", 2, 3) == "cde"


def test_read_process_log_bad_name(shared):
    for name in ("nosuch", "g:*", "g:nosuch", "gp"):
        assert fault_of(shared.rpc.readProcessStdoutLog, name, 0, 0) == (10, "BAD_NAME: " + name)
        assert fault_of(shared.rpc.readProcessStderrLog, name, 0, 0) == (10, "BAD_NAME: " + name)


def test_read_process_log_none_is_bare_no_file(shared):
    assert fault_of(shared.rpc.readProcessStdoutLog, "n", 0, 0) == (20, "NO_FILE")
    assert fault_of(shared.rpc.readProcessStderrLog, "n", 0, 0) == (20, "NO_FILE")


def test_read_process_log_missing_file_is_no_file_with_path(shared):
    assert fault_of(shared.rpc.readProcessStdoutLog, "never", 0, 0) == (
        20, "NO_FILE: " + shared.path("never.out"))
    assert fault_of(shared.rpc.readProcessStderrLog, "never", 0, 0) == (
        20, "NO_FILE: " + shared.path("never.err"))


def test_read_process_log_redirect_stderr(shared):
    assert sorted(shared.rpc.readProcessStdoutLog("r", 0, 0)) == sorted("outerr")
    assert fault_of(shared.rpc.readProcessStderrLog, "r", 0, 0) == (20, "NO_FILE")


def test_read_process_log_after_exit(shared):
    assert shared.rpc.readProcessStdoutLog("once", 0, 0) == "last words\n"


# -- tailProcessStdoutLog / tailProcessStderrLog / tailProcessLog ------

TAIL_CASES = [
    # (offset, length, [bytes, next offset, overflow])
    (0, 100, ["0123456789", 10, False]),
    (0, 10, ["0123456789", 10, False]),
    (0, 4, ["6789", 10, True]),
    (3, 2, ["89", 10, True]),
    (8, 2, ["89", 10, False]),
    # Fewer than length bytes after offset: the last `length` bytes
    # (here the whole file) are returned, not just those after offset.
    (5, 100, ["0123456789", 10, False]),
    (10, 100, ["", 10, False]),
    (20, 5, ["", 10, False]),
]


def test_tail_process_stdout_log(shared):
    got = [(o, n, shared.rpc.tailProcessStdoutLog("p", o, n)) for o, n, _ in TAIL_CASES]
    assert got == TAIL_CASES


def test_tail_process_stderr_log(shared):
    assert shared.rpc.tailProcessStderrLog("p", 0, 3) == ["hij", 10, True]
    assert shared.rpc.tailProcessStderrLog("p", 0, 50) == ["abcdefghij", 10, False]


def test_tail_process_log_alias_is_stdout(shared):
    assert shared.rpc.tailProcessLog("p", 0, 2) == ["89", 10, True]


def test_tail_follows_growth(sup):
    sup.write(CAT)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    sup.rpc.sendProcessStdin("cat", "abc\n")
    wait_until(lambda: sup.rpc.tailProcessStdoutLog("cat", 0, 100)[1] == 4,
               what="4 bytes logged")
    data, offset, overflow = sup.rpc.tailProcessStdoutLog("cat", 4, 100)
    assert (data, offset, overflow) == ("", 4, False)
    sup.rpc.sendProcessStdin("cat", "defgh\n")
    wait_until(lambda: sup.rpc.tailProcessStdoutLog("cat", offset, 100)[1] == 10,
               what="10 bytes logged")
    assert sup.rpc.tailProcessStdoutLog("cat", offset, 3) == ["gh\n", 10, True]


def test_tail_process_log_without_file(shared):
    assert shared.rpc.tailProcessStdoutLog("n", 0, 100) == ["", 0, False]
    assert shared.rpc.tailProcessStderrLog("n", 0, 100) == ["", 0, False]
    assert shared.rpc.tailProcessStderrLog("never", 5, 100) == ["", 0, False]


def test_tail_process_log_bad_name(shared):
    assert fault_of(shared.rpc.tailProcessStdoutLog, "nosuch", 0, 10) == (10, "BAD_NAME: nosuch")
    assert fault_of(shared.rpc.tailProcessStderrLog, "nosuch", 0, 10) == (10, "BAD_NAME: nosuch")


# -- clearProcessLogs / clearProcessLog / clearAllProcessLogs ----------

def test_clear_process_logs_empties_both_channels(sup):
    start_ten(sup)
    pid = sup.info("p")["pid"]
    assert sup.rpc.clearProcessLogs("p") is True
    assert sup.rpc.readProcessStdoutLog("p", 0, 0) == ""
    assert sup.rpc.readProcessStderrLog("p", 0, 0) == ""
    assert file_text(sup.path("p.out")) == ""
    info = sup.info("p")
    assert (info["statename"], info["pid"]) == ("RUNNING", pid)


def test_clear_process_logs_new_output_goes_to_fresh_log(sup):
    sup.write(CAT)
    sup.start()
    sup.wait_state("cat", "RUNNING")
    sup.rpc.sendProcessStdin("cat", "before\n")
    wait_until(lambda: sup.rpc.readProcessStdoutLog("cat", 0, 0) == "before\n",
               what="first line logged")
    assert sup.rpc.clearProcessLogs("cat") is True
    sup.rpc.sendProcessStdin("cat", "after\n")
    wait_until(lambda: sup.rpc.readProcessStdoutLog("cat", 0, 0) == "after\n",
               what="only the new line logged")
    assert file_text(sup.path("cat.out")) == "after\n"


def test_clear_process_log_alias(sup):
    start_ten(sup)
    assert sup.rpc.clearProcessLog("p") is True
    assert sup.rpc.readProcessStdoutLog("p", 0, 0) == ""


def test_clear_process_logs_bad_name(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        autostart=false
        [group:g]
        programs=a
        """)
    sup.start()
    for name in ("nosuch", "g:*", "a"):
        assert fault_of(sup.rpc.clearProcessLogs, name) == (10, "BAD_NAME: " + name)


def test_clear_process_logs_of_stopped_process_succeeds(shared):
    assert shared.rpc.clearProcessLogs("never") is True


def test_clear_all_process_logs(sup):
    sup.write(conf(TEN, """
        priority=20
        """, """
        [program:q]
        command=sh -c 'printf qqq; exec sleep 1000'
        startsecs=0
        priority=10
        [program:idle]
        command=sleep 1000
        autostart=false
        priority=30
        """))
    sup.start()
    # Both of p's logs: stderr comes through its own pipe and may be logged
    # after stdout; arriving after the clear, it would be left in the log.
    wait_until(lambda: sup.rpc.readProcessStdoutLog("p", 0, 0) == "0123456789"
               and sup.rpc.readProcessStderrLog("p", 0, 0) == "abcdefghij"
               and sup.rpc.readProcessStdoutLog("q", 0, 0) == "qqq",
               what="output in logs")
    results = sup.rpc.clearAllProcessLogs()
    assert results == [
        {"name": "q", "group": "q", "status": 80, "description": "OK"},
        {"name": "p", "group": "p", "status": 80, "description": "OK"},
        {"name": "idle", "group": "idle", "status": 80, "description": "OK"},
    ]
    assert sup.rpc.readProcessStdoutLog("p", 0, 0) == ""
    assert sup.rpc.readProcessStderrLog("p", 0, 0) == ""
    assert sup.rpc.readProcessStdoutLog("q", 0, 0) == ""


def test_clear_all_process_logs_no_processes(sup):
    sup.write("")
    sup.start()
    assert sup.rpc.clearAllProcessLogs() == []
