"""supctl scale / supd.scale: numprocs at runtime. New members start,
removed ones stop one after another, highest process_num first, and
leave status; the next update sets numprocs back to the file's."""
import xmlrpc.client

import pytest

pytestmark = pytest.mark.supd_only

API = """
[program:api]
command=sleep 1000
process_name=%(program_name)s_%(process_num)d
numprocs=2
startsecs=0
[program:single]
command=sleep 1001
startsecs=0
"""


def names(sup):
    return sorted(i["name"] for i in sup.rpc.getAllProcessInfo()
                  if i["group"] == "api")


def running(sup, loglevel="info"):
    sup.write(API, loglevel=loglevel)
    sup.start()
    for n in ("api:api_0", "api:api_1", "single"):
        sup.wait_state(n, "RUNNING")
    return {i["name"]: i["pid"] for i in sup.rpc.getAllProcessInfo()}


def test_scale_up_starts_only_new_members(sup):
    before = running(sup)
    r = sup.supctl("scale", "api", "4")
    assert r.returncode == 0, r.stdout
    assert r.stdout.splitlines() == ["api:api_2: added", "api:api_3: added"]
    for n in range(4):
        sup.wait_state("api:api_%d" % n, "RUNNING")
    after = {i["name"]: i["pid"] for i in sup.rpc.getAllProcessInfo()}
    for n in ("api_0", "api_1", "single"):
        assert after[n] == before[n]


def test_scale_down_highest_first_one_after_another(sup):
    running(sup, loglevel="debug")
    sup.supctl("scale", "api", "5")
    for n in range(5):
        sup.wait_state("api:api_%d" % n, "RUNNING")
    kept = sup.info("api:api_0")["pid"]
    r = sup.supctl("scale", "api", "2")
    assert r.stdout.splitlines() == ["api:api_4: removed", "api:api_3: removed",
                                     "api:api_2: removed"]
    assert names(sup) == ["api_0", "api_1"]
    assert sup.info("api:api_0")["pid"] == kept
    # One after another: each stopped before the next was told to stop.
    log = sup.log()
    order = [log.index(s) for s in (
        "killing api_4", "stopped: api_4", "killing api_3", "stopped: api_3",
        "killing api_2", "stopped: api_2")]
    assert order == sorted(order)


def test_scale_via_rpc(sup):
    running(sup)
    assert sup.proxy().supd.scale("api", 3) == [
        {"name": "api:api_2", "action": "added"}]
    assert sup.proxy().supd.scale("api", 3) == []


def test_update_sets_numprocs_back(sup):
    running(sup)
    sup.supctl("scale", "api", "3")
    sup.wait_state("api:api_2", "RUNNING")
    assert sup.rpc.reloadConfig() == [[[], ["api"], []]]
    r = sup.supctl("update")
    assert r.stdout.splitlines() == ["api:api_2: removed"]
    assert names(sup) == ["api_0", "api_1"]


def test_scale_needs_process_num_in_process_name(sup):
    running(sup)
    with pytest.raises(xmlrpc.client.Fault) as e:
        sup.proxy().supd.scale("single", 2)
    assert e.value.faultCode == 3   # BAD_ARGUMENTS
    assert "process_num" in e.value.faultString
    r = sup.supctl("scale", "single", "2")
    assert r.returncode == 1 and "process_num" in r.stdout
    assert sup.state("single") == "RUNNING"


def test_scale_unknown_and_bad_numbers(sup):
    running(sup)
    with pytest.raises(xmlrpc.client.Fault) as e:
        sup.proxy().supd.scale("nope", 2)
    assert e.value.faultCode == 10
    with pytest.raises(xmlrpc.client.Fault) as e:
        sup.proxy().supd.scale("api", 0)
    assert e.value.faultCode == 3
    r = sup.supctl("scale", "api", "x")
    assert r.returncode == 1
    r = sup.supctl("scale", "nope", "2")
    assert r.stdout.splitlines() == ["ERROR: no such program: nope"]


def test_scale_refused_when_file_changed(sup):
    running(sup)
    sup.write(API.replace("sleep 1000", "sleep 1002"))
    with pytest.raises(xmlrpc.client.Fault) as e:
        sup.proxy().supd.scale("api", 3)
    assert e.value.faultCode == 30
    assert names(sup) == ["api_0", "api_1"]
