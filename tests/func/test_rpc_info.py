"""XML-RPC read-only calls of Supervisor 4.2.5's supervisor namespace:
versions, identification, state, pid, getProcessInfo, getAllProcessInfo
and getAllConfigInfo, with their exact key sets, types and descriptions."""
import datetime
import os
import re
import xmlrpc.client

import pytest

from conftest import shared_daemon


PROCESS_INFO_KEYS = {
    "name", "group", "description", "start", "stop", "now", "state",
    "statename", "spawnerr", "exitstatus", "logfile", "stdout_logfile",
    "stderr_logfile", "pid",
}
PROCESS_INFO_INTS = {"start", "stop", "now", "state", "exitstatus", "pid"}

CONFIG_INFO_KEYS = {
    "autostart", "directory", "uid", "command", "exitcodes", "group",
    "group_prio", "inuse", "killasgroup", "name", "process_prio",
    "redirect_stderr", "startretries", "startsecs",
    "stdout_capture_maxbytes", "stdout_events_enabled", "stdout_logfile",
    "stdout_logfile_backups", "stdout_logfile_maxbytes", "stdout_syslog",
    "stopsignal", "stopwaitsecs", "stderr_capture_maxbytes",
    "stderr_events_enabled", "stderr_logfile", "stderr_logfile_backups",
    "stderr_logfile_maxbytes", "stderr_syslog", "serverurl",
}


def fault_of(fn, *args):
    """Call fn(*args), expecting an XML-RPC fault; return (code, string)."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        fn(*args)
    return info.value.faultCode, info.value.faultString


def stop_description(stop):
    """The description Supervisor gives a STOPPED/EXITED process."""
    return datetime.datetime.fromtimestamp(stop).strftime("%b %d %I:%M %p")


def check_types(info):
    assert set(info) == PROCESS_INFO_KEYS
    for key, value in info.items():
        if key in PROCESS_INFO_INTS:
            assert type(value) is int, (key, value)
        else:
            assert type(value) is str, (key, value)


# One daemon for the tests that only look: each program shows one state
# or one configuration.  Tests that need a whole list, or change
# something, start their own.
SHARED = """
[program:sleeper]
command=sleep 1000
startsecs=0
[program:idle]
command=sleep 1000
autostart=false
[program:once]
command=sh -c 'exit 0'
startsecs=0
autorestart=false
[program:bad]
command=sh -c 'exit 3'
startsecs=0
autorestart=false
[program:quick]
command=sh -c 'exit 1'
startsecs=1
startretries=0
[program:flap]
command=sh -c 'exit 1'
startsecs=1
startretries=100
[program:ghost]
command=/nonexistent/ghost-binary
startretries=0
[program:slow]
command=sleep 1000
startsecs=600
[program:files]
command=sleep 1000
stdout_logfile={dir}/files.out
stderr_logfile={dir}/files.err
autostart=false
[program:nolog]
command=sleep 1000
stdout_logfile=NONE
stderr_logfile=NONE
autostart=false
[program:redir]
command=sleep 1000
redirect_stderr=true
autostart=false
[program:auto]
command=sleep 1000
autostart=false
[program:a]
command=sleep 1000
autostart=false
[group:g]
programs=a
[program:w]
command=sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=2
autostart=false
[program:cfg]
command=sleep 1000
autostart=false
priority=7
startsecs=3
startretries=5
stopsignal=INT
stopwaitsecs=4
exitcodes=0,2
redirect_stderr=true
stdout_logfile={dir}/cfg.out
stdout_logfile_maxbytes=1234
stdout_logfile_backups=2
killasgroup=true
stopasgroup=true
directory=/tmp
[program:dflt]
command=sleep 1000
autostart=false
"""


def _start_shared(d):
    d.write(SHARED)
    d.start()


# A daemon shared by the tests of this module that change nothing.
shared = shared_daemon("info-shared", _start_shared)


def config_info(d, name):
    [info] = [i for i in d.rpc.getAllConfigInfo() if i["name"] == name]
    return info


# -- versions, identification, state, pid ------------------------------

def test_get_api_version_is_3_0(shared):
    assert shared.rpc.getAPIVersion() == "3.0"


def test_get_version_alias_returns_api_version(shared):
    assert shared.rpc.getVersion() == "3.0"


def test_get_supervisor_version_is_a_version_string(shared):
    version = shared.rpc.getSupervisorVersion()
    assert type(version) is str
    assert re.match(r"^\d+\.\d+(\.\d+)?", version), version
    if not shared.is_supd:
        assert version == "4.2.5"


def test_get_identification_defaults_to_supervisor(shared):
    assert shared.rpc.getIdentification() == "supervisor"


def test_get_identification_follows_identifier_option(sup):
    # A second [supervisord] section is merged into the first one.
    sup.write("""
        [supervisord]
        identifier=edge-7
        """)
    sup.start()
    assert sup.rpc.getIdentification() == "edge-7"


def test_get_state_running_is_exact_struct(shared):
    assert shared.rpc.getState() == {"statecode": 1, "statename": "RUNNING"}


def test_get_pid_is_daemon_pid(shared):
    pid = shared.rpc.getPID()
    assert type(pid) is int
    assert pid == shared.proc.pid


def test_no_argument_methods_reject_arguments(shared):
    for name in ("getAPIVersion", "getSupervisorVersion", "getIdentification",
                 "getState", "getPID", "getAllProcessInfo", "getAllConfigInfo"):
        assert fault_of(getattr(shared.rpc, name), 1) == (2, "INCORRECT_PARAMETERS"), name


# -- getProcessInfo ----------------------------------------------------

def test_process_info_running(shared):
    info = shared.wait_state("sleeper", "RUNNING")
    check_types(info)
    assert info["name"] == "sleeper"
    assert info["group"] == "sleeper"
    assert info["state"] == 20
    assert info["pid"] > 0
    assert info["start"] > 0
    assert info["stop"] == 0
    assert info["now"] >= info["start"]
    assert info["spawnerr"] == ""
    assert info["exitstatus"] == 0
    assert re.match(r"^pid %d, uptime \d+:\d\d:\d\d$" % info["pid"],
                    info["description"]), info["description"]


def test_process_info_never_started(shared):
    info = shared.info("idle")
    check_types(info)
    assert info["state"] == 0
    assert info["statename"] == "STOPPED"
    assert info["description"] == "Not started"
    assert (info["start"], info["stop"], info["pid"], info["exitstatus"]) == (0, 0, 0, 0)
    assert info["spawnerr"] == ""


def test_process_info_stopped_after_running(sup):
    sup.write("""
        [program:sleeper]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    sup.wait_state("sleeper", "RUNNING")
    sup.rpc.stopProcess("sleeper")
    info = sup.info("sleeper")
    check_types(info)
    assert info["statename"] == "STOPPED"
    assert info["pid"] == 0
    assert info["stop"] >= info["start"] > 0
    assert info["description"] == stop_description(info["stop"])


def test_process_info_exited_expected(shared):
    info = shared.wait_state("once", "EXITED")
    check_types(info)
    assert info["state"] == 100
    assert info["exitstatus"] == 0
    assert info["spawnerr"] == ""
    assert info["pid"] == 0
    assert info["description"] == stop_description(info["stop"])


def test_process_info_exited_unexpected_reports_bad_exit_code(shared):
    info = shared.wait_state("bad", "EXITED")
    assert info["exitstatus"] == 3
    assert info["spawnerr"] == "Bad exit code 3"
    assert info["description"] == stop_description(info["stop"])


def test_process_info_fatal_exited_too_quickly(shared):
    info = shared.wait_state("quick", "FATAL")
    check_types(info)
    assert info["state"] == 200
    assert info["spawnerr"] == "Exited too quickly (process log may have details)"
    assert info["description"] == "Exited too quickly (process log may have details)"
    assert info["pid"] == 0


def test_process_info_backoff_description(shared):
    info = shared.wait_state("flap", "BACKOFF")
    assert info["state"] == 30
    assert info["description"] == "Exited too quickly (process log may have details)"


def test_process_info_fatal_command_not_found(shared):
    info = shared.wait_state("ghost", "FATAL")
    assert info["spawnerr"] == "can't find command '/nonexistent/ghost-binary'"
    assert info["description"] == "can't find command '/nonexistent/ghost-binary'"


def test_process_info_starting_has_empty_description(shared):
    info = shared.wait_state("slow", "STARTING")
    assert info["state"] == 10
    assert info["description"] == ""
    assert info["pid"] > 0


def test_process_info_logfile_is_alias_of_stdout_logfile(shared):
    info = shared.info("files")
    assert info["stdout_logfile"] == shared.path("files.out")
    assert info["logfile"] == shared.path("files.out")
    assert info["stderr_logfile"] == shared.path("files.err")


def test_process_info_none_logfiles_are_empty_strings(shared):
    info = shared.info("nolog")
    assert (info["logfile"], info["stdout_logfile"], info["stderr_logfile"]) == ("", "", "")


def test_process_info_redirect_stderr_has_empty_stderr_logfile(shared):
    info = shared.info("redir")
    assert info["stderr_logfile"] == ""
    assert info["stdout_logfile"] != ""


def test_process_info_auto_logfile_names(shared):
    info = shared.info("auto")
    for channel in ("stdout", "stderr"):
        path = info["%s_logfile" % channel]
        assert os.path.dirname(path) == shared.path("logs")
        assert re.match(r"^auto-%s---supervisor-\S+\.log$" % channel,
                        os.path.basename(path)), path


def test_process_info_in_group_by_namespec(shared):
    info = shared.info("g:a")
    assert (info["name"], info["group"]) == ("a", "g")


def test_process_info_bare_name_of_grouped_program_is_bad_name(shared):
    assert fault_of(shared.rpc.getProcessInfo, "a") == (10, "BAD_NAME: a")


def test_process_info_bad_names(shared):
    for name in ("nosuch", "g:nosuch", "nosuch:a", "g:*", "g:", "", ":"):
        assert fault_of(shared.rpc.getProcessInfo, name) == (10, "BAD_NAME: " + name)


def test_process_info_numprocs_names(shared):
    info = shared.info("w:w_01")
    assert (info["name"], info["group"]) == ("w_01", "w")
    assert fault_of(shared.rpc.getProcessInfo, "w") == (10, "BAD_NAME: w")


def test_process_info_wrong_argument_count(shared):
    assert fault_of(shared.rpc.getProcessInfo) == (2, "INCORRECT_PARAMETERS")
    assert fault_of(shared.rpc.getProcessInfo, "a", "b") == (2, "INCORRECT_PARAMETERS")


# -- getAllProcessInfo -------------------------------------------------

def test_all_process_info_empty(sup):
    sup.write("")
    sup.start()
    assert sup.rpc.getAllProcessInfo() == []


def test_all_process_info_sorted_by_group_then_name(sup):
    # Priorities are the reverse of the names: the result is still lexical.
    sup.write("""
        [program:zeta]
        command=sleep 1000
        autostart=false
        priority=1
        [program:alpha]
        command=sleep 1000
        autostart=false
        priority=900
        [program:m2]
        command=sleep 1000
        autostart=false
        priority=5
        [program:m1]
        command=sleep 1000
        autostart=false
        priority=6
        [group:mid]
        programs=m2,m1
        """)
    sup.start()
    infos = sup.rpc.getAllProcessInfo()
    assert [(i["group"], i["name"]) for i in infos] == [
        ("alpha", "alpha"), ("mid", "m1"), ("mid", "m2"), ("zeta", "zeta")]


def test_all_process_info_entries_match_process_info(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        startsecs=0
        [program:b]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    sup.wait_state("a", "RUNNING")
    for info in sup.rpc.getAllProcessInfo():
        check_types(info)
        single = sup.info(info["name"])
        for key in PROCESS_INFO_KEYS - {"now", "description"}:
            assert info[key] == single[key], key


@pytest.mark.supd_only
def test_supd_all_process_status_is_what_status_shows(sup):
    # supctl's status reads this compact form; it must say what
    # getAllProcessInfo says, in the same order.
    sup.write("""
        [program:run]
        command=sleep 1000
        startsecs=0
        [program:idle]
        command=sleep 1000
        autostart=false
        [program:m2]
        command=sleep 1000
        autostart=false
        [program:m1]
        command=/nonexistent/program
        startretries=0
        [group:mid]
        programs=m2,m1
        """)
    sup.start()
    sup.wait_state("run", "RUNNING")
    sup.wait_state("mid:m1", "FATAL")
    rows = sup.proxy().supd.getAllProcessStatus()
    infos = sup.rpc.getAllProcessInfo()
    assert [r[:3] for r in rows] == [[i["group"], i["name"], i["state"]]
                                    for i in infos]
    # Uptimes may tick between the two calls; the rest is exact.
    assert [re.sub(r"uptime .*", "", r[3]) for r in rows] == [
        re.sub(r"uptime .*", "", i["description"]) for i in infos]
    assert rows[0][:3] == ["idle", "idle", 0]
    assert rows[1][:3] == ["mid", "m1", 200]
    assert rows[1][3] == infos[1]["description"] != ""


# -- getAllConfigInfo --------------------------------------------------

def test_all_config_info_keys_and_values(shared):
    info = config_info(shared, "cfg")
    assert set(info) == CONFIG_INFO_KEYS
    expected = {
        "name": "cfg", "group": "cfg", "command": "sleep 1000",
        "autostart": False, "inuse": True, "process_prio": 7,
        "group_prio": 7, "startsecs": 3, "startretries": 5,
        "stopsignal": 2, "stopwaitsecs": 4, "exitcodes": [0, 2],
        "redirect_stderr": True, "stdout_logfile": shared.path("cfg.out"),
        "stdout_logfile_maxbytes": 1234, "stdout_logfile_backups": 2,
        "killasgroup": True, "directory": "/tmp", "uid": "none",
        "serverurl": "none", "stderr_logfile": "none",
        "stdout_syslog": False, "stderr_syslog": False,
        "stdout_events_enabled": False, "stderr_events_enabled": False,
        "stdout_capture_maxbytes": 0, "stderr_capture_maxbytes": 0,
    }
    for key, value in expected.items():
        assert info[key] == value, key


def test_all_config_info_defaults(shared):
    info = config_info(shared, "dflt")
    assert set(info) == CONFIG_INFO_KEYS
    expected = {
        "directory": "none", "uid": "none", "serverurl": "none",
        "exitcodes": [0], "group_prio": 999, "process_prio": 999,
        "startsecs": 1, "startretries": 3, "stopsignal": 15,
        "stopwaitsecs": 10, "killasgroup": False, "redirect_stderr": False,
        "stdout_logfile_maxbytes": 52428800, "stdout_logfile_backups": 10,
        "stderr_logfile_maxbytes": 52428800, "stderr_logfile_backups": 10,
        "autostart": False, "inuse": True, "command": "sleep 1000",
    }
    for key, value in expected.items():
        assert info[key] == value, key
    # AUTO logfiles are reported as the generated path.
    assert info["stdout_logfile"] == shared.info("dflt")["stdout_logfile"]
    assert info["stderr_logfile"] == shared.info("dflt")["stderr_logfile"]


def test_all_config_info_flattens_groups_sorted_by_name(sup):
    sup.write("""
        [program:zz]
        command=sleep 1000
        autostart=false
        [program:bb]
        command=sleep 1000
        autostart=false
        [program:aa]
        command=sleep 1000
        autostart=false
        [group:grp]
        programs=zz,bb
        priority=3
        """)
    sup.start()
    infos = sup.rpc.getAllConfigInfo()
    assert [(i["name"], i["group"]) for i in infos] == [
        ("aa", "aa"), ("bb", "grp"), ("zz", "grp")]
    assert [i["group_prio"] for i in infos] == [999, 3, 3]


def test_all_config_info_inuse_false_after_remove(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    assert sup.rpc.removeProcessGroup("a") is True
    infos = sup.rpc.getAllConfigInfo()
    assert [(i["name"], i["inuse"]) for i in infos] == [("a", False)]
    assert sup.rpc.getAllProcessInfo() == []


def test_all_config_info_stdout_none(shared):
    info = config_info(shared, "nolog")
    assert (info["stdout_logfile"], info["stderr_logfile"]) == ("none", "none")
