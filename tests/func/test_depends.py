"""depends_on (a supd extension): a program starts once every process of
what it depends on is RUNNING, and stops before it.  Order is read from
the main log ("spawned:", "success: ... RUNNING", "stopped:" lines), never
from durations; RUNNING is made late with startsecs."""
import os
import signal
import xmlrpc.client

import pytest

from conftest import wait_until
from test_bklog import bk, onprem_setup, onprem_daemon, stub_env, stub_pids  # noqa: F401

pytestmark = pytest.mark.supd_only

FOREVER = """\
#!/usr/bin/python3
import signal
signal.pause()
"""


def program(sup, name, **opts):
    """A [program:name] section running a process that waits for a signal."""
    opts.setdefault("command", sup.path("forever.py"))
    opts.setdefault("startsecs", 0)
    opts.setdefault("stopwaitsecs", 5)
    lines = ["[program:%s]" % name] + ["%s=%s" % kv for kv in opts.items()]
    return "\n".join(lines) + "\n\n"


def configure(sup, *sections, start=True):
    sup.script("forever.py", FOREVER)
    sup.write("".join(sections))
    if start:
        sup.start()
    return sup


def before(log, first, second):
    """Whether the first occurrence of `first` comes before `second`'s."""
    assert first in log, first
    assert second in log, second
    return log.index(first) < log.index(second)


def line_of(path, text):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.startswith(text):
                return n
    raise AssertionError("%r not in %s" % (text, path))


def test_dependent_starts_once_its_dependency_is_running(sup):
    # Priorities alone would start web first.
    configure(sup, program(sup, "api", startsecs=1, priority=900),
          program(sup, "web", depends_on="api", priority=100))
    web = sup.wait_state("web", "RUNNING")
    api = sup.info("api")
    log = sup.log()
    assert before(log, "success: api entered RUNNING", "spawned: 'web'")
    assert web["start"] >= api["start"] + 1
    # Started by the state change itself: nothing else happens in between.
    lines = log.splitlines()
    up = next(i for i, l in enumerate(lines) if "success: api entered RUNNING" in l)
    spawned = next(i for i, l in enumerate(lines) if "spawned: 'web'" in l)
    assert 0 < spawned - up <= 2, lines[up:spawned + 1]


def test_waiting_process_is_stopped_and_says_what_it_waits_for(sup):
    configure(sup, program(sup, "api", autostart="false"),
          program(sup, "redis", autostart="false"),
          program(sup, "web", depends_on="api, redis"))
    info = wait_until(lambda: (lambda i: i if i["description"] != "Not started" else None)(
        sup.info("web")), what="web to wait")
    assert info["statename"] == "STOPPED"
    assert info["description"] == "waiting for api, redis"
    assert "waiting for api, redis" in sup.ctl("status", "web").stdout


def test_start_starts_what_it_depends_on_first(sup):
    configure(sup, program(sup, "api", autostart="false", startsecs=1),
          program(sup, "redis", autostart="false"),
          program(sup, "web", autostart="false", depends_on="api,redis"))
    r = sup.ctl("start", "web")
    assert r.stdout == "web: started\n", r.stdout + r.stderr
    # The reply came once web was started, as with any waiting start.
    assert sup.state("web") == "RUNNING"
    assert sup.state("api") == "RUNNING" and sup.state("redis") == "RUNNING"
    log = sup.log()
    assert before(log, "success: api entered RUNNING", "spawned: 'web'")
    assert before(log, "spawned: 'redis'", "spawned: 'web'")


def test_start_without_wait_returns_at_once_and_stop_forgets_it(sup):
    configure(sup, program(sup, "api", autostart="false", startsecs=60),
          program(sup, "web", autostart="false", depends_on="api"))
    assert sup.rpc.startProcess("web", False) is True
    assert sup.state("api") == "STARTING"
    info = sup.info("web")
    assert (info["statename"], info["description"]) == ("STOPPED", "waiting for api")
    # stop forgets the waiting start.
    assert sup.rpc.stopProcess("web") is True
    assert sup.info("web")["description"] == "Not started"
    sup.rpc.stopProcess("api")


def test_depending_on_a_group_waits_for_all_of_it(sup):
    configure(sup, "[group:backend]\nprograms=api,redis\n\n",
          program(sup, "api", autostart="false"),
          program(sup, "redis", autostart="false", startsecs=1),
          program(sup, "web", depends_on="backend"))
    wait_until(lambda: sup.info("web")["description"] == "waiting for backend",
               what="web to wait for backend")
    sup.rpc.startProcess("backend:api")
    assert sup.info("web")["description"] == "waiting for backend"
    sup.rpc.startProcess("backend:redis")
    sup.wait_state("web", "RUNNING")
    assert before(sup.log(), "success: redis entered RUNNING", "spawned: 'web'")


def test_fcgi_program_accepts_depends_on(sup):
    configure(sup, program(sup, "api", autostart="false"),
              "[fcgi-program:f]\ncommand=%s\nsocket=unix://%s\n"
              "startsecs=0\ndepends_on=api\n\n"
              % (sup.path("forever.py"), sup.path("f.sock")))
    wait_until(lambda: sup.info("f")["description"] == "waiting for api",
               what="f to wait for api")
    sup.rpc.startProcess("api")
    sup.wait_state("f", "RUNNING")


def chain(sup):
    # Priorities alone would stop api first and worker last.
    return configure(sup, program(sup, "api", priority=900),
                 program(sup, "web", depends_on="api", priority=100),
                 program(sup, "worker", depends_on="web", priority=50))


def assert_stop_order(log):
    assert before(log, "stopped: worker", "stopped: web")
    assert before(log, "stopped: web", "stopped: api")


def test_stop_all_stops_dependents_before_dependencies(sup):
    chain(sup)
    sup.wait_state("worker", "RUNNING")
    result = sup.rpc.stopAllProcesses()
    assert sorted(r["name"] for r in result) == ["api", "web", "worker"]
    assert all(r["status"] == 80 for r in result)
    assert_stop_order(sup.log())
    result = sup.rpc.startAllProcesses()
    assert all(r["status"] == 80 for r in result)
    assert all(sup.state(n) == "RUNNING" for n in ("api", "web", "worker"))


def test_shutdown_stops_dependents_before_dependencies(sup):
    chain(sup)
    sup.wait_state("worker", "RUNNING")
    sup.stop()
    assert sup.proc.returncode == 0
    assert_stop_order(sup.log())


def test_stop_of_a_dependency_stops_its_dependents_first(sup):
    chain(sup)
    sup.wait_state("worker", "RUNNING")
    r = sup.ctl("stop", "api")
    assert r.stdout == "api: stopped\n", r.stdout + r.stderr
    assert sup.state("web") == "STOPPED" and sup.state("worker") == "STOPPED"
    log = sup.log()
    assert "stopping web first: it depends on api" in log
    assert_stop_order(log)


def test_stopping_one_member_while_another_serves_leaves_dependents_alone(sup):
    """nginx in front of two API members: draining one is no reason to
    stop nginx; stopping the last one (or the group) is."""
    configure(sup, program(sup, "api", numprocs=2,
                           process_name="%(program_name)s_%(process_num)s"),
              program(sup, "web", depends_on="api"))
    web = sup.wait_running("web")
    r = sup.ctl("stop", "api:api_0")
    assert r.stdout == "api:api_0: stopped\n", r.stdout + r.stderr
    info = sup.info("web")
    assert (info["statename"], info["pid"]) == ("RUNNING", web["pid"])
    assert "stopping web first" not in sup.log()
    r = sup.ctl("stop", "api:api_1")
    assert r.stdout == "api:api_1: stopped\n", r.stdout + r.stderr
    assert sup.state("web") == "STOPPED"
    assert before(sup.log(), "stopped: web", "stopped: api_1")
    # The group as a whole stops its dependents before any member.
    sup.ctl("start", "web")
    sup.wait_state("web", "RUNNING")
    r = sup.ctl("stop", "api:*")
    assert r.returncode == 0, r.stdout + r.stderr
    log = sup.log()
    log = log[log.rindex("spawned: 'web'"):]
    assert before(log, "stopped: web", "stopped: api_0")
    assert before(log, "stopped: web", "stopped: api_1")


def test_a_dependency_restarted_after_a_crash_leaves_dependents_alone(sup):
    configure(sup, program(sup, "api", autorestart="true"),
          program(sup, "web", depends_on="api"))
    web = sup.wait_running("web")
    api = sup.wait_running("api")
    os.kill(api["pid"], signal.SIGKILL)
    wait_until(lambda: sup.info("api")["pid"] not in (0, api["pid"]) and
               sup.state("api") == "RUNNING", what="api to be restarted")
    info = sup.info("web")
    assert (info["statename"], info["pid"]) == ("RUNNING", web["pid"])
    assert "stopped: web" not in sup.log()


def test_fatal_dependency_fails_the_start_and_the_autostart(sup):
    configure(sup, program(sup, "api", command="/bin/false", startsecs=1,
                       startretries=0),
          program(sup, "web", depends_on="api"))
    sup.wait_state("api", "FATAL")
    sup.wait_log("not starting web: dependency api is FATAL")
    info = sup.info("web")
    assert (info["statename"], info["start"]) == ("STOPPED", 0)
    with pytest.raises(xmlrpc.client.Fault) as e:
        sup.rpc.startProcess("web")
    assert e.value.faultCode == 50
    assert e.value.faultString == "SPAWN_ERROR: web: dependency api is FATAL"
    assert sup.ctl("start", "web").stdout == "web: ERROR (spawn error)\n"
    assert sup.info("web")["start"] == 0


def test_config_errors_name_the_cycle_and_the_unknown_name(sup):
    configure(sup, program(sup, "api", depends_on="worker"),
          program(sup, "worker", depends_on="api"),
          program(sup, "web", depends_on="api, redis"), start=False)
    rc, out = sup.run_to_exit()
    assert rc == 2, out
    conf = sup.conf
    api_line = line_of(conf, "depends_on=worker")
    web_line = line_of(conf, "depends_on=api, redis")
    assert "%s:%d: depends_on cycle: api -> worker -> api" % (conf, api_line) in out
    assert ("%s:%d: [program:web] depends_on: unknown program or group 'redis'"
            % (conf, web_line)) in out


def test_reread_reports_a_cycle_and_keeps_the_running_set(sup):
    configure(sup, program(sup, "api"), program(sup, "web", depends_on="api"))
    pids = {n: sup.wait_running(n)["pid"] for n in ("api", "web")}
    sup.write(program(sup, "api", depends_on="web") +
              program(sup, "web", depends_on="api"))
    r = sup.ctl("reread")
    assert "CANT_REREAD" in r.stdout + r.stderr
    assert "depends_on cycle: api -> web -> api" in r.stdout + r.stderr
    r = sup.ctl("update")
    assert "depends_on cycle" in r.stdout + r.stderr
    assert {n: sup.info(n)["pid"] for n in ("api", "web")} == pids
    assert all(sup.state(n) == "RUNNING" for n in ("api", "web"))


def test_update_adds_and_removes_depends_on(sup):
    configure(sup, program(sup, "api"), program(sup, "web"))
    sup.wait_state("web", "RUNNING")
    sup.write(program(sup, "api") + program(sup, "web", depends_on="api"))
    assert sup.ctl("reread").stdout == "web: changed\n"
    sup.ctl("update")
    sup.wait_state("web", "RUNNING")
    assert sup.ctl("stop", "api").stdout == "api: stopped\n"
    assert sup.state("web") == "STOPPED"
    assert before(sup.log(), "stopping web first: it depends on api", "stopped: api")
    # Taken away again: stopping api leaves web running.
    sup.write(program(sup, "api") + program(sup, "web"))
    assert sup.ctl("update").stdout == "web: stopped\nweb: updated process group\n"
    sup.rpc.startProcess("api")
    sup.wait_state("web", "RUNNING")
    mark = len(sup.log())
    sup.rpc.stopProcess("api")
    assert sup.state("web") == "RUNNING"
    assert "stopping web first" not in sup.log()[mark:]


def test_priorities_still_order_unrelated_programs(sup):
    configure(sup, program(sup, "a", priority=10), program(sup, "b", priority=20),
          program(sup, "c", priority=5, depends_on="d"),
          program(sup, "d", priority=30))
    sup.wait_state("c", "RUNNING")
    log = sup.log()
    assert before(log, "spawned: 'a'", "spawned: 'b'")
    assert before(log, "spawned: 'b'", "spawned: 'd'")
    assert before(log, "spawned: 'd'", "spawned: 'c'")
    sup.stop()
    log = sup.log()
    assert before(log, "stopped: b", "stopped: a")
    assert before(log, "stopped: c", "stopped: d")


def test_bklog_grafana_depends_on_the_api(sup, bk):  # noqa: F811
    """BK-LOG's api and grafana templates in one config, as
    test_bklog.test_grafana_starts_before_the_api_in_one_config does:
    there grafana (priority 520) starts first. With depends_on, no
    priority trick and no sleep in the api's command, the api is RUNNING
    (startsecs=3) and ready (its ready_check sees gunicorn's "Listening
    at:" line) before grafana is spawned, and stops after it."""
    confs = onprem_setup(sup, bk)
    confs["api"] = confs["api"].replace('bash -c "sleep 0.2 && ', 'bash -c "')
    assert "sleep" not in confs["api"]
    confs["api"] = confs["api"].replace(
        "[program:bklog-api]\n",
        "[program:bklog-api]\nready_check = log:Listening at: http://\n")
    assert "ready_check" in confs["api"]
    grafana = confs["grafana"][confs["grafana"].index("[program:grafana]"):]
    assert "priority = 520" in grafana
    grafana = grafana.replace("autostart = true\n",
                              "autostart = true\ndepends_on = bklog-api\n")
    confs["both"] = confs["api"] + "\n" + grafana
    onprem_daemon(sup, bk, confs, "both")
    sup.logfile = os.path.join(bk, "bkhome", "logs", "bklog", "api-supervisord.log")
    sup.sock = os.path.join(bk, "bkhome", "logs", "bklog", "api-supervisord.sock")
    sup.start(env=stub_env(sup))
    wait_until(lambda: sup.info("grafana")["description"] == "waiting for bklog-api",
               what="grafana to wait for the api")
    sup.wait_state("grafana", "RUNNING", timeout=20)
    wait_until(lambda: {"gunicorn", "grafana"} <= set(stub_pids(sup)), what="stubs")
    log = sup.log()
    assert before(log, "ready: bklog-api", "spawned: 'grafana'")
    assert before(log, "success: bklog-api entered RUNNING", "spawned: 'grafana'")
    sup.stop()
    assert before(sup.log(), "stopped: grafana", "stopped: bklog-api")
