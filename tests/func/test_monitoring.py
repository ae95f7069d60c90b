"""The shipped monitoring files (deploy/monitoring/) checked with Debian's
promtool: the alert rules load, their unit tests pass, and every query of
the Grafana dashboard is valid PromQL."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT

MON = os.path.join(ROOT, "deploy", "monitoring")
PROMTOOL = shutil.which("promtool")

pytestmark = [
    pytest.mark.supd_only,
    pytest.mark.skipif(PROMTOOL is None, reason="promtool (Debian's prometheus) is not installed"),
]


def promtool(*args, cwd=MON):
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_alert_rules_load():
    r = promtool("check", "rules", "supd-alerts.yml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS: 6 rules found" in r.stdout


def test_alert_rules_fire_as_documented():
    r = promtool("test", "rules", "supd-alerts.test.yml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_alert_rule_tests_catch_a_broken_rule(tmp_path):
    # The rule tests must be able to fail: a FATAL alert that looks for the
    # wrong state code is caught.
    for name in ("supd-alerts.yml", "supd-alerts.test.yml"):
        shutil.copy(os.path.join(MON, name), tmp_path)
    rules = tmp_path / "supd-alerts.yml"
    rules.write_text(rules.read_text().replace("supd_process_state == 200\n", "supd_process_state == 30\n"))
    r = promtool("test", "rules", "supd-alerts.test.yml", cwd=tmp_path)
    assert r.returncode != 0
    assert "SupdProcessFatal" in r.stdout + r.stderr


def dashboard_exprs():
    dash = json.load(open(os.path.join(MON, "supd-dashboard.json")))
    for panel in dash["panels"]:
        for target in panel["targets"]:
            yield panel["title"], target["expr"]


def test_dashboard_queries_are_valid_promql(tmp_path):
    # promtool has no query parser of its own; recording rules are parsed
    # in full, so each panel query becomes one, with Grafana's variables
    # replaced by what Grafana would put there.
    rules = []
    for i, (title, expr) in enumerate(dashboard_exprs()):
        expr = expr.replace("$__rate_interval", "1m")
        expr = re.sub(r"\$(instance|group)", ".*", expr)
        assert "$" not in expr, (title, expr)
        rules.append({"record": "dashboard:query_%d" % i, "expr": expr})
    f = tmp_path / "dashboard-rules.yml"
    f.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}))
    r = promtool("check", "rules", str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(rules) >= 15


def metric_names(expr):
    """The metric names a PromQL expression reads (not functions, labels,
    keywords or durations)."""
    expr = re.sub(r'\{[^}]*\}', '', expr)
    expr = re.sub(r'"[^"]*"', '', expr)
    expr = re.sub(r'\[[^\]]*\]', '', expr)
    expr = re.sub(r'\b(by|on|without|ignoring)\s*\([^)]*\)', '', expr)
    names = set()
    for m in re.finditer(r'\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?', expr):
        if m.group(2) or m.group(1) in ("and", "or", "unless", "bool", "offset"):
            continue
        names.add(m.group(1))
    return names


def test_every_metric_the_dashboard_and_alerts_use_is_exported(sup):
    import yaml
    sup.write("""
    [program:web]
    command=sleep 1000
    startsecs=0

    [eventlistener:pool]
    command=cat
    events=TICK_60
    """)
    sup.start()
    sup.wait_state("web", "RUNNING")
    sup.rpc.getState()
    from test_metrics import UnixHTTPConnection, get
    status, _, text = get(UnixHTTPConnection(sup.sock))
    assert status == 200
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    exported = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            exported.add(name)
            if kind == "histogram":
                exported |= {name + "_bucket", name + "_sum", name + "_count"}
    wanted = set()
    for _, expr in dashboard_exprs():
        wanted |= metric_names(expr)
    rules = yaml.safe_load(open(os.path.join(MON, "supd-alerts.yml")))
    for group in rules["groups"]:
        for rule in group["rules"]:
            wanted |= metric_names(rule["expr"])
    wanted.discard("up")    # Prometheus's own, per target
    wanted.discard("time")
    assert "supd_process_up" in wanted and "supd_rpc_duration_seconds_bucket" in wanted
    assert wanted <= exported, sorted(wanted - exported)
