"""The production manifests (Compose, Kubernetes) stay in step with the code."""

from pathlib import Path

import yaml

from services.shared.targets import resolve

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/service.py"))


def runner_targets(commands):
    for cmd in commands:
        if "services.shared.runner" in cmd:
            yield cmd[cmd.index("services.shared.runner") + 1]


def compose_commands():
    doc = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    return [svc["command"] for svc in doc["services"].values() if "command" in svc]


def k8s_commands():
    docs = yaml.safe_load_all((ROOT / "deploy/k8s/portal.yaml").read_text())
    return [
        c["command"]
        for d in docs
        if d["kind"] == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"]
    ]


def test_every_service_runs_in_compose_and_kubernetes():
    for commands in (compose_commands(), k8s_commands()):
        packages = {t.split(".")[0].split(":")[0] for t in runner_targets(commands)}
        assert set(SERVICES) <= packages


def test_every_runner_target_in_the_manifests_resolves():
    for target in set(runner_targets(compose_commands() + k8s_commands())):
        if (
            target.startswith("files.converter")
            and not (ROOT / "services/files/converter.py").exists()
        ):
            continue  # the conversion worker lands with the files service
        package, cls = resolve(target)
        assert cls.name


def test_gateway_is_probed_on_healthz_and_readyz():
    text = (ROOT / "deploy/k8s/portal.yaml").read_text()
    assert "path: /readyz" in text and "path: /healthz" in text
