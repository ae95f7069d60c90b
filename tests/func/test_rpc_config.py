"""The reread/update workflow over XML-RPC, as in Supervisor 4.2.5:
reloadConfig returns [[added, changed, removed]] and touches nothing that
runs; addProcessGroup/removeProcessGroup apply it; a broken config is
CANT_REREAD and leaves the running set alone."""
import os
import textwrap
import xmlrpc.client

import pytest

from conftest import pid_alive, wait_until

TWO = """
    [program:a]
    command=sleep 1000
    startsecs=0
    [program:b]
    command=sleep 1000
    startsecs=0
    """


def fault_of(fn, *args):
    """Call fn(*args), expecting an XML-RPC fault; return (code, string)."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        fn(*args)
    return info.value.faultCode, info.value.faultString


def conf(*parts):
    """Join config fragments, each dedented on its own."""
    return "".join(textwrap.dedent(p) for p in parts)


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().split(b"\0")[:-1]


def snapshot(sup):
    """(group, name, state, pid) of every process."""
    return [(i["group"], i["name"], i["statename"], i["pid"])
            for i in sup.rpc.getAllProcessInfo()]


def start_two(sup):
    sup.write(TWO)
    sup.start()
    return {n: sup.wait_state(n, "RUNNING")["pid"] for n in ("a", "b")}


# -- reloadConfig ------------------------------------------------------

def test_reload_config_unchanged(sup):
    start_two(sup)
    assert sup.rpc.reloadConfig() == [[[], [], []]]


def test_reload_config_reports_added(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        startsecs=0
        """))
    assert sup.rpc.reloadConfig() == [[["c"], [], []]]


def test_reload_config_does_not_activate_added(sup):
    start_two(sup)
    before = snapshot(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        startsecs=0
        """))
    sup.rpc.reloadConfig()
    assert snapshot(sup) == before
    assert fault_of(sup.rpc.getProcessInfo, "c") == (10, "BAD_NAME: c")
    configs = {i["name"]: i["inuse"] for i in sup.rpc.getAllConfigInfo()}
    assert configs == {"a": True, "b": True, "c": False}


def test_reload_config_reports_changed_and_keeps_it_running(sup):
    pids = start_two(sup)
    sup.write(TWO.replace("command=sleep 1000\n    startsecs=0\n    [program:b]",
                          "command=sleep 2000\n    startsecs=0\n    [program:b]"))
    assert sup.rpc.reloadConfig() == [[[], ["a"], []]]
    info = sup.info("a")
    assert (info["statename"], info["pid"]) == ("RUNNING", pids["a"])
    assert cmdline(pids["a"]) == [b"sleep", b"1000"]


def test_reload_config_reports_removed_and_keeps_it_running(sup):
    pids = start_two(sup)
    sup.write("""
        [program:a]
        command=sleep 1000
        startsecs=0
        """)
    assert sup.rpc.reloadConfig() == [[[], [], ["b"]]]
    assert sup.info("b")["pid"] == pids["b"]
    assert {i["name"] for i in sup.rpc.getAllConfigInfo()} == {"a"}


def test_reload_config_all_three_at_once(sup):
    sup.write("""
        [program:keep]
        command=sleep 1000
        autostart=false
        [program:change]
        command=sleep 1000
        autostart=false
        [program:drop1]
        command=sleep 1000
        autostart=false
        [program:drop2]
        command=sleep 1000
        autostart=false
        """)
    sup.start()
    sup.write("""
        [program:keep]
        command=sleep 1000
        autostart=false
        [program:change]
        command=sleep 1000
        autostart=false
        startsecs=5
        [program:new1]
        command=sleep 1000
        autostart=false
        [program:new2]
        command=sleep 1000
        autostart=false
        """)
    [[added, changed, removed]] = sup.rpc.reloadConfig()
    assert sorted(added) == ["new1", "new2"]
    assert changed == ["change"]
    assert sorted(removed) == ["drop1", "drop2"]


def test_reload_config_group_membership_change(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        autostart=false
        [program:b]
        command=sleep 1000
        autostart=false
        [group:g]
        programs=a
        """)
    sup.start()
    sup.write("""
        [program:a]
        command=sleep 1000
        autostart=false
        [program:b]
        command=sleep 1000
        autostart=false
        [group:g]
        programs=a,b
        """)
    # b moves from its own group into g.
    assert sup.rpc.reloadConfig() == [[[], ["g"], ["b"]]]


def test_reload_config_numprocs_change(sup):
    sup.write("""
        [program:w]
        command=sleep 1000
        process_name=%(program_name)s_%(process_num)d
        numprocs=1
        autostart=false
        """)
    sup.start()
    sup.write("""
        [program:w]
        command=sleep 1000
        process_name=%(program_name)s_%(process_num)d
        numprocs=2
        autostart=false
        """)
    assert sup.rpc.reloadConfig() == [[[], ["w"], []]]


def test_reload_config_reads_new_include_files(sup):
    os.mkdir(sup.path("conf.d"))
    sup.write("""
        [include]
        files={dir}/conf.d/*.conf
        """)
    sup.start()
    assert sup.rpc.getAllProcessInfo() == []
    sup.write("""
        [program:inc]
        command=sleep 1000
        startsecs=0
        """, base=False, name="conf.d/inc.conf")
    assert sup.rpc.reloadConfig() == [[["inc"], [], []]]
    assert sup.rpc.addProcessGroup("inc") is True
    sup.wait_state("inc", "RUNNING")


def test_reload_config_broken_is_cant_reread(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        startsecs=0
        """))
    code, text = fault_of(sup.rpc.reloadConfig)
    assert code == 92
    assert text.startswith("CANT_REREAD: ")
    assert "program:c" in text
    if not sup.is_supd:
        assert text == ("CANT_REREAD: program section program:c does not specify "
                        "a command in section 'program:c' (file: '%s')" % sup.conf)


def test_reload_config_bad_value_is_cant_reread(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        startsecs=abc
        """))
    code, text = fault_of(sup.rpc.reloadConfig)
    assert code == 92
    assert text.startswith("CANT_REREAD: ")
    if not sup.is_supd:
        assert text == ("CANT_REREAD: invalid literal for int() with base 10: 'abc' "
                        "in section 'program:c' (file: '%s')" % sup.conf)


def test_reload_config_unknown_group_member_is_cant_reread(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [group:g]
        programs=a,zz
        """))
    code, text = fault_of(sup.rpc.reloadConfig)
    assert code == 92
    assert text.startswith("CANT_REREAD: ")
    assert "zz" in text


def test_reload_config_broken_leaves_running_set_alone(sup):
    start_two(sup)
    before = snapshot(sup)
    configs = sup.rpc.getAllConfigInfo()
    sup.write("""
        [program:a]
        command=sleep 2000
        [program:c]
        startsecs=0
        """)
    fault_of(sup.rpc.reloadConfig)
    assert snapshot(sup) == before
    assert sup.rpc.getAllConfigInfo() == configs
    assert fault_of(sup.rpc.addProcessGroup, "c") == (10, "BAD_NAME: c")
    assert fault_of(sup.rpc.removeProcessGroup, "b") == (91, "STILL_RUNNING: b")


def test_reload_config_after_fix_diffs_against_active(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        startsecs=0
        """))
    fault_of(sup.rpc.reloadConfig)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        startsecs=0
        """))
    assert sup.rpc.reloadConfig() == [[["c"], [], []]]


def test_reload_config_rejects_arguments(sup):
    sup.write("")
    sup.start()
    assert fault_of(sup.rpc.reloadConfig, 1) == (2, "INCORRECT_PARAMETERS")


# -- addProcessGroup ---------------------------------------------------

def test_add_process_group_autostarts(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        startsecs=0
        """))
    sup.rpc.reloadConfig()
    assert sup.rpc.addProcessGroup("c") is True
    info = sup.wait_state("c", "RUNNING")
    assert pid_alive(info["pid"])
    assert {i["name"]: i["inuse"] for i in sup.rpc.getAllConfigInfo()}["c"] is True
    assert sup.rpc.reloadConfig() == [[[], [], []]]


def test_add_process_group_without_autostart_stays_stopped(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        autostart=false
        """))
    sup.rpc.reloadConfig()
    assert sup.rpc.addProcessGroup("c") is True
    info = sup.info("c")
    assert (info["statename"], info["description"]) == ("STOPPED", "Not started")


def test_add_process_group_before_reread_is_bad_name(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        """))
    assert fault_of(sup.rpc.addProcessGroup, "c") == (10, "BAD_NAME: c")


def test_add_process_group_twice_is_already_added(sup):
    start_two(sup)
    sup.write(conf(TWO, """
        [program:c]
        command=sleep 1000
        autostart=false
        """))
    sup.rpc.reloadConfig()
    assert sup.rpc.addProcessGroup("c") is True
    assert fault_of(sup.rpc.addProcessGroup, "c") == (90, "ALREADY_ADDED: c")


def test_add_process_group_already_active_from_startup(sup):
    start_two(sup)
    assert fault_of(sup.rpc.addProcessGroup, "a") == (90, "ALREADY_ADDED: a")


def test_add_process_group_unknown(sup):
    start_two(sup)
    assert fault_of(sup.rpc.addProcessGroup, "nosuch") == (10, "BAD_NAME: nosuch")


def test_add_process_group_homogeneous_group(sup):
    sup.write("")
    sup.start()
    sup.write("""
        [program:x]
        command=sleep 1000
        startsecs=0
        [program:y]
        command=sleep 1000
        startsecs=0
        [group:g]
        programs=x,y
        """)
    assert sup.rpc.reloadConfig() == [[["g"], [], []]]
    assert sup.rpc.addProcessGroup("g") is True
    sup.wait_state("g:x", "RUNNING")
    sup.wait_state("g:y", "RUNNING")


def test_add_process_group_wrong_argument_count(sup):
    sup.write("")
    sup.start()
    assert fault_of(sup.rpc.addProcessGroup) == (2, "INCORRECT_PARAMETERS")


# -- removeProcessGroup ------------------------------------------------

def test_remove_process_group_running_is_still_running(sup):
    pids = start_two(sup)
    assert fault_of(sup.rpc.removeProcessGroup, "a") == (91, "STILL_RUNNING: a")
    assert sup.info("a")["pid"] == pids["a"]


def test_remove_process_group_starting_is_still_running(sup):
    sup.write("""
        [program:s]
        command=sleep 1000
        startsecs=30
        """)
    sup.start()
    sup.wait_state("s", "STARTING")
    assert fault_of(sup.rpc.removeProcessGroup, "s") == (91, "STILL_RUNNING: s")


def test_remove_process_group_stopped(sup):
    pids = start_two(sup)
    sup.rpc.stopProcess("a")
    assert sup.rpc.removeProcessGroup("a") is True
    assert [i["name"] for i in sup.rpc.getAllProcessInfo()] == ["b"]
    assert fault_of(sup.rpc.getProcessInfo, "a") == (10, "BAD_NAME: a")
    assert not pid_alive(pids["a"])
    # Still in the config, so it can come back.
    assert sup.rpc.addProcessGroup("a") is True
    sup.wait_state("a", "RUNNING")


def test_remove_process_group_unknown(sup):
    start_two(sup)
    assert fault_of(sup.rpc.removeProcessGroup, "nosuch") == (10, "BAD_NAME: nosuch")


def test_remove_process_group_twice_is_bad_name(sup):
    start_two(sup)
    sup.rpc.stopProcess("a")
    sup.rpc.removeProcessGroup("a")
    assert fault_of(sup.rpc.removeProcessGroup, "a") == (10, "BAD_NAME: a")


def test_remove_process_group_with_one_member_running(sup):
    sup.write("""
        [program:x]
        command=sleep 1000
        startsecs=0
        [program:y]
        command=sleep 1000
        autostart=false
        [group:g]
        programs=x,y
        """)
    sup.start()
    sup.wait_state("g:x", "RUNNING")
    assert fault_of(sup.rpc.removeProcessGroup, "g") == (91, "STILL_RUNNING: g")


# -- the whole update workflow -----------------------------------------

def test_update_restarts_only_the_changed_group(sup):
    sup.write("""
        [program:a]
        command=sleep 1000
        startsecs=0
        [program:b]
        command=sleep 1000
        startsecs=0
        [program:gone]
        command=sleep 1000
        startsecs=0
        """)
    sup.start()
    pids = {n: sup.wait_state(n, "RUNNING")["pid"] for n in ("a", "b", "gone")}
    sup.write("""
        [program:a]
        command=sleep 2000
        startsecs=0
        [program:b]
        command=sleep 1000
        startsecs=0
        [program:new]
        command=sleep 1000
        startsecs=0
        """)
    [[added, changed, removed]] = sup.rpc.reloadConfig()
    assert (added, changed, removed) == (["new"], ["a"], ["gone"])
    # What supervisorctl update does, group by group.
    for name in removed:
        sup.rpc.stopProcessGroup(name)
        assert sup.rpc.removeProcessGroup(name) is True
    for name in changed:
        sup.rpc.stopProcessGroup(name)
        assert sup.rpc.removeProcessGroup(name) is True
        assert sup.rpc.addProcessGroup(name) is True
    for name in added:
        assert sup.rpc.addProcessGroup(name) is True
    a = sup.wait_state("a", "RUNNING")
    assert a["pid"] != pids["a"]
    assert cmdline(a["pid"]) == [b"sleep", b"2000"]
    assert sup.info("b")["pid"] == pids["b"]
    sup.wait_state("new", "RUNNING")
    assert [i["name"] for i in sup.rpc.getAllProcessInfo()] == ["a", "b", "new"]
    wait_until(lambda: not pid_alive(pids["gone"]) and not pid_alive(pids["a"]),
               what="old children to be gone")
    assert sup.rpc.reloadConfig() == [[[], [], []]]
