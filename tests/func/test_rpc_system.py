"""The system namespace of Supervisor 4.2.5 (listMethods, methodHelp,
methodSignature, multicall) and the faults for calls that do not reach a
method: UNKNOWN_METHOD and INCORRECT_PARAMETERS."""
import xmlrpc.client

import pytest

from conftest import shared_daemon

SIGNATURES = {
    "supervisor.addProcessGroup": ["boolean", "string"],
    "supervisor.clearAllProcessLogs": ["array"],
    "supervisor.clearLog": ["boolean"],
    "supervisor.clearProcessLog": ["boolean", "string"],
    "supervisor.clearProcessLogs": ["boolean", "string"],
    "supervisor.getAPIVersion": ["string"],
    "supervisor.getAllConfigInfo": ["array"],
    "supervisor.getAllProcessInfo": ["array"],
    "supervisor.getIdentification": ["string"],
    "supervisor.getPID": ["int"],
    "supervisor.getProcessInfo": ["struct", "string"],
    "supervisor.getState": ["struct"],
    "supervisor.getSupervisorVersion": ["string"],
    "supervisor.getVersion": ["string"],
    "supervisor.readLog": ["string", "int", "int"],
    "supervisor.readMainLog": ["string", "int", "int"],
    "supervisor.readProcessLog": ["string", "string", "int", "int"],
    "supervisor.readProcessStderrLog": ["string", "string", "int", "int"],
    "supervisor.readProcessStdoutLog": ["string", "string", "int", "int"],
    "supervisor.reloadConfig": ["array"],
    "supervisor.removeProcessGroup": ["boolean", "string"],
    "supervisor.restart": ["boolean"],
    "supervisor.sendProcessStdin": ["boolean", "string", "string"],
    "supervisor.sendRemoteCommEvent": ["boolean", "string", "string"],
    "supervisor.shutdown": ["boolean"],
    "supervisor.signalAllProcesses": ["array", "string"],
    "supervisor.signalProcess": ["boolean", "string", "string"],
    "supervisor.signalProcessGroup": ["array", "string", "string"],
    "supervisor.startAllProcesses": ["array", "boolean"],
    "supervisor.startProcess": ["boolean", "string", "boolean"],
    "supervisor.startProcessGroup": ["array", "string", "boolean"],
    "supervisor.stopAllProcesses": ["array", "boolean"],
    "supervisor.stopProcess": ["boolean", "string", "boolean"],
    "supervisor.stopProcessGroup": ["array", "string", "boolean"],
    "supervisor.tailProcessLog": ["array", "string", "int", "int"],
    "supervisor.tailProcessStderrLog": ["array", "string", "int", "int"],
    "supervisor.tailProcessStdoutLog": ["array", "string", "int", "int"],
    "system.listMethods": ["array"],
    "system.methodHelp": ["string", "string"],
    "system.methodSignature": ["array", "string"],
    "system.multicall": ["array", "array"],
}

ALIASES = {
    "supervisor.getVersion": "supervisor.getAPIVersion",
    "supervisor.readMainLog": "supervisor.readLog",
    "supervisor.readProcessLog": "supervisor.readProcessStdoutLog",
    "supervisor.tailProcessLog": "supervisor.tailProcessStdoutLog",
    "supervisor.clearProcessLog": "supervisor.clearProcessLogs",
}


def fault_of(fn, *args):
    """Call fn(*args), expecting an XML-RPC fault; return (code, string)."""
    with pytest.raises(xmlrpc.client.Fault) as info:
        fn(*args)
    return info.value.faultCode, info.value.faultString


def call(name, *params):
    return {"methodName": name, "params": list(params)}


def fault(code, string):
    return {"faultCode": code, "faultString": string}


UP = """
    [program:p]
    command=sleep 1000
    startsecs=1
    autostart=false
    [program:quick]
    command=sh -c 'exit 1'
    startsecs=1
    startretries=0
    autostart=false
    """


def _start_up(d):
    d.write(UP)
    d.start()


# A daemon shared by the tests of this module that change nothing.
up = shared_daemon("system-shared", _start_up)


@pytest.fixture
def fresh(sup):
    """A daemon of its own, for tests that start or stop things."""
    sup.write(UP)
    return sup.start()


# -- listMethods / methodSignature / methodHelp ------------------------

def test_list_methods_is_supervisor_4_2_5_set_sorted(up):
    methods = up.system.listMethods()
    assert methods == sorted(methods)
    # supd may add its own namespace; everything else must match.
    assert [m for m in methods if not m.startswith("supd.")] == sorted(SIGNATURES)


def test_method_signature_of_every_method(up):
    got = {name: up.system.methodSignature(name) for name in SIGNATURES}
    assert got == SIGNATURES


def test_method_signature_unknown(up):
    assert fault_of(up.system.methodSignature, "supervisor.nope") == (4, "SIGNATURE_UNSUPPORTED")
    assert fault_of(up.system.methodSignature, "") == (4, "SIGNATURE_UNSUPPORTED")


def test_method_help_documents_every_method(up):
    for name, signature in SIGNATURES.items():
        text = up.system.methodHelp(name)
        assert type(text) is str and text.strip(), name
        assert "@return %s" % signature[0] in text, name


def test_method_help_of_alias_is_original_help(up):
    for alias, original in ALIASES.items():
        assert up.system.methodHelp(alias) == up.system.methodHelp(original), alias


def test_method_help_unknown(up):
    assert fault_of(up.system.methodHelp, "supervisor.nope") == (4, "SIGNATURE_UNSUPPORTED")


def test_system_methods_check_argument_count(up):
    assert fault_of(up.system.listMethods, 1) == (2, "INCORRECT_PARAMETERS")
    assert fault_of(up.system.methodHelp) == (2, "INCORRECT_PARAMETERS")
    assert fault_of(up.system.methodSignature, "a", "b") == (2, "INCORRECT_PARAMETERS")
    assert fault_of(up.system.multicall) == (2, "INCORRECT_PARAMETERS")


# -- unknown methods ---------------------------------------------------

def test_unknown_method(up):
    # The proxy's own request function takes any method name verbatim.
    request = up.proxy()._ServerProxy__request
    for name in ("supervisor.nope", "nope", "nosuchns.getState",
                 "supervisor.getState.extra", "supervisor._update",
                 "system._listMethods", "supervisor.__init__",
                 "supervisor.rpcinterface_factory", "supervisor.supervisord"):
        assert fault_of(request, name, ()) == (1, "UNKNOWN_METHOD"), name


# -- multicall ---------------------------------------------------------

def test_multicall_results_are_bare_values_in_order(up):
    # Supervisor returns each result bare, not wrapped in a one-element
    # array as the multicall convention says; clients rely on this shape.
    results = up.system.multicall([
        call("supervisor.getAPIVersion"),
        call("supervisor.getState"),
        call("supervisor.getPID"),
    ])
    assert results == ["3.0", {"statecode": 1, "statename": "RUNNING"}, up.proc.pid]


def test_multicall_empty(up):
    assert up.system.multicall([]) == []


def test_multicall_fault_inside_does_not_stop_the_rest(up):
    results = up.system.multicall([
        call("supervisor.getProcessInfo", "nosuch"),
        call("supervisor.getAPIVersion"),
        call("supervisor.stopProcess", "p"),
        call("supervisor.nope"),
        call("supervisor.getState", 1),
        call("supervisor.getIdentification"),
    ])
    assert results == [
        fault(10, "BAD_NAME: nosuch"),
        "3.0",
        fault(70, "NOT_RUNNING: p"),
        fault(1, "UNKNOWN_METHOD"),
        fault(2, "INCORRECT_PARAMETERS"),
        "supervisor",
    ]


def test_multicall_recursion_forbidden(up):
    assert up.system.multicall([call("system.multicall", [])]) == [
        fault(2, "INCORRECT_PARAMETERS: Recursive system.multicall forbidden")]


def test_multicall_missing_method_name(up):
    assert up.system.multicall([{"params": []}]) == [
        fault(2, "INCORRECT_PARAMETERS: No methodName")]


def test_multicall_missing_params_means_none(up):
    assert up.system.multicall([{"methodName": "supervisor.getAPIVersion"}]) == ["3.0"]


def test_multicall_waits_for_start_before_next_call(fresh):
    results = fresh.system.multicall([
        call("supervisor.startProcess", "p"),
        call("supervisor.getProcessInfo", "p"),
    ])
    assert results[0] is True
    assert results[1]["statename"] == "RUNNING"


def test_multicall_waits_for_stop_before_next_call(fresh):
    fresh.rpc.startProcess("p")
    results = fresh.system.multicall([
        call("supervisor.stopProcess", "p"),
        call("supervisor.getProcessInfo", "p"),
    ])
    assert results[0] is True
    assert results[1]["statename"] == "STOPPED"


def test_multicall_waiting_call_that_faults(fresh):
    results = fresh.system.multicall([
        call("supervisor.startProcess", "quick"),
        call("supervisor.getAPIVersion"),
    ])
    assert results == [fault(50, "SPAWN_ERROR: quick"), "3.0"]


def test_multicall_with_group_call(fresh):
    results = fresh.system.multicall([
        call("supervisor.startProcessGroup", "p", False),
        call("supervisor.getAPIVersion"),
    ])
    assert results == [
        [{"name": "p", "group": "p", "status": 80, "description": "OK"}],
        "3.0",
    ]


def test_multicall_system_calls(up):
    results = up.system.multicall([
        call("system.methodSignature", "supervisor.getState"),
        call("system.methodHelp", "supervisor.nope"),
    ])
    assert results == [["struct"], fault(4, "SIGNATURE_UNSUPPORTED")]
