"""deploy/: the Dockerfile and the Kubernetes manifest cannot be built or
applied here (no network, no cluster); check that they parse and say what
the container behaviour needs: supd as ENTRYPOINT, probes on /healthz and
/readyz at the inet port."""
import json
import os
import re

import pytest

from conftest import ROOT

DOCKERFILE = os.path.join(ROOT, "deploy", "docker", "Dockerfile")
MANIFEST = os.path.join(ROOT, "deploy", "kubernetes", "supd.yaml")
INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
                "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def dockerfile():
    """(instruction, arguments) pairs: comments dropped, continuations
    joined, as the Docker builder reads them."""
    out, cur = [], ""
    with open(DOCKERFILE) as f:
        for line in f:
            line = line.rstrip("\n")
            if not cur and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                cur += line[:-1] + " "
                continue
            cur += line
            word, _, rest = cur.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            assert word.isupper(), "instruction not in upper case: %r" % word
            cur = ""
    assert not cur, "continuation at end of file"
    return out


def test_dockerfile_parses():
    ins = dockerfile()
    for word, rest in ins:
        assert word in INSTRUCTIONS, word
        assert rest, "%s without arguments" % word
    assert ins[0][0] == "FROM" and "debian" in ins[0][1]
    stages = [re.split(r"\s+[Aa][Ss]\s+", rest)[1] for word, rest in ins
              if word == "FROM" and re.search(r"\s[Aa][Ss]\s", rest)]
    for word, rest in ins:
        m = re.match(r"--from=(\S+)", rest)
        if word == "COPY" and m:
            assert m.group(1) in stages
    runs = " ".join(rest for word, rest in ins if word == "RUN")
    assert "meson setup" in runs and "ninja" in runs
    entry = [rest for word, rest in ins if word == "ENTRYPOINT"]
    assert len(entry) == 1
    argv = json.loads(entry[0])      # exec form: supd is PID 1, not a shell
    assert argv[0].endswith("/supd") and "-n" in argv
    for word, rest in ins:
        if word == "COPY" and not rest.startswith("--from"):
            src = rest.split()[0]
            assert src == "." or os.path.exists(os.path.join(ROOT, src)), src


def test_container_config_has_the_probe_port():
    with open(os.path.join(ROOT, "deploy", "docker", "supervisord.conf")) as f:
        text = f.read()
    assert re.search(r"^\[inet_http_server\]\nport=0\.0\.0\.0:9001$", text, re.M)
    assert "EXPOSE 9001" in open(DOCKERFILE).read()


def test_manifest_probes():
    yaml = pytest.importorskip("yaml")
    with open(MANIFEST) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    kinds = {d["kind"]: d for d in docs}
    dep = kinds["Deployment"]
    assert dep["apiVersion"] == "apps/v1"
    spec = dep["spec"]["template"]["spec"]
    c = spec["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports["supd"] == 9001
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "supd"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "supd"}
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert "ConfigMap" in kinds
