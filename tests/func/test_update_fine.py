"""supctl update through supd.update: a changed group restarts only the
members whose settings changed, and numprocs changes only start or stop
the members added or removed (Supervisor #591). The real supervisorctl
keeps Supervisor's whole-group behaviour."""
import pytest

pytestmark = pytest.mark.supd_only

# Members 8, 9 and 10: "%(process_num)x" reads the same as "d" but for 10.
API = """
[program:api]
command=sleep 1000
process_name=%(program_name)s_%(process_num)d
numprocs={n}
numprocs_start=8
startsecs=0
environment=WHO="%(process_num){fmt}"
[program:other]
command=sleep 1001
startsecs=0
"""


def write(sup, n=3, fmt="d"):
    sup.write(API.format(n=n, fmt=fmt))


def pids(sup):
    return {(i["name"] if i["group"] == i["name"] else
             i["group"] + ":" + i["name"]): i["pid"]
            for i in sup.rpc.getAllProcessInfo() if i["statename"] == "RUNNING"}


def members(n):
    return ["api:api_%d" % i for i in range(8, 8 + n)]


def started(sup, n):
    sup.start()
    for name in members(n) + ["other"]:
        sup.wait_state(name, "RUNNING")
    return pids(sup)


def lines(r):
    return r.stdout.splitlines()


def test_nothing_changed(sup):
    write(sup)
    before = started(sup, 3)
    r = sup.supctl("update")
    assert (lines(r), r.returncode) == ([], 0)
    assert pids(sup) == before


def test_numprocs_up_starts_only_new_members(sup):
    write(sup, n=2)
    before = started(sup, 2)
    write(sup, n=4)
    r = sup.supctl("update")
    assert r.returncode == 0, r.stdout
    assert lines(r) == ["api:api_10: added", "api:api_11: added"]
    for name in members(4):
        sup.wait_state(name, "RUNNING")
    after = pids(sup)
    for name, pid in before.items():
        assert after[name] == pid


def test_numprocs_down_stops_only_removed_members(sup):
    write(sup, n=4)
    before = started(sup, 4)
    write(sup, n=2)
    r = sup.supctl("update")
    assert r.returncode == 0, r.stdout
    assert lines(r) == ["api:api_11: removed", "api:api_10: removed"]
    names = {i["name"] for i in sup.rpc.getAllProcessInfo()}
    assert names == {"api_8", "api_9", "other"}
    after = pids(sup)
    for name in ("api:api_8", "api:api_9", "other"):
        assert after[name] == before[name]
    log = sup.log()
    assert log.index("stopped: api_11") < log.index("stopped: api_10")


def test_changed_member_restarts_alone(sup):
    write(sup, n=3)
    before = started(sup, 3)
    write(sup, n=3, fmt="x")
    r = sup.supctl("update")
    assert (lines(r), r.returncode) == (["api:api_10: restarted"], 0)
    sup.wait_state("api:api_10", "RUNNING")
    after = pids(sup)
    assert after["api:api_10"] != before["api:api_10"]
    for name in ("api:api_8", "api:api_9", "other"):
        assert after[name] == before[name]


def test_changed_and_added_together(sup):
    write(sup, n=2)
    before = started(sup, 2)
    write(sup, n=3, fmt="x")
    r = sup.supctl("update")
    assert lines(r) == ["api:api_10: added"]
    write(sup, n=4, fmt="d")
    r = sup.supctl("update")
    assert lines(r) == ["api:api_10: restarted", "api:api_11: added"]
    for name in members(4):
        sup.wait_state(name, "RUNNING")
    after = pids(sup)
    assert after["api:api_8"] == before["api:api_8"]


def test_changed_stopped_member_stays_stopped(sup):
    write(sup, n=3)
    started(sup, 3)
    sup.rpc.stopProcess("api:api_10")
    write(sup, n=3, fmt="x")
    r = sup.supctl("update")
    assert lines(r) == ["api:api_10: updated"]
    assert sup.state("api:api_10") == "STOPPED"
    env = [i for i in sup.rpc.getAllConfigInfo() if i["name"] == "api_10"]
    assert env and env[0]["inuse"]


def test_every_member_changed_updates_the_group(sup):
    """All members differ: the group is replaced whole, as Supervisor
    would, and supctl prints what supervisorctl prints."""
    write(sup, n=2)
    before = started(sup, 2)
    sup.write(API.format(n=2, fmt="d").replace("sleep 1000", "sleep 1002"))
    r = sup.supctl("update")
    assert lines(r) == ["api: stopped", "api: updated process group"]
    for name in members(2):
        sup.wait_state(name, "RUNNING")
    assert pids(sup)["other"] == before["other"]


def test_removed_and_added_groups(sup):
    write(sup, n=1)
    started(sup, 1)
    sup.write(API.format(n=1, fmt="d").replace("[program:other]", "[program:new]"))
    r = sup.supctl("update")
    assert lines(r) == ["other: stopped", "other: removed process group",
                        "new: added process group"]
    sup.wait_state("new", "RUNNING")


def test_named_group_only(sup):
    write(sup, n=2)
    before = started(sup, 2)
    sup.write(API.format(n=3, fmt="d").replace("sleep 1001", "sleep 1003"))
    r = sup.supctl("update", "other")
    assert lines(r) == ["other: stopped", "other: updated process group"]
    assert {i["name"] for i in sup.rpc.getAllProcessInfo()} == {
        "api_8", "api_9", "other"}
    assert pids(sup)["api:api_8"] == before["api:api_8"]


def test_supervisorctl_update_keeps_whole_group_behaviour(sup):
    write(sup, n=2)
    before = started(sup, 2)
    write(sup, n=3)
    r = sup.ctl("update")
    assert lines(r) == ["api: stopped", "api: updated process group"]
    for name in members(3):
        sup.wait_state(name, "RUNNING")
    after = pids(sup)
    assert after["api:api_8"] != before["api:api_8"]
    assert after["other"] == before["other"]


def test_rpc_update_reports_actions(sup):
    write(sup, n=1)
    started(sup, 1)
    write(sup, n=2)
    result = sup.proxy().supd.update([])
    assert result == [{"name": "api:api_9", "action": "added"}]
