"""The production manifests (Compose, Kubernetes, Prometheus) stay in step and valid.

Offline, from schemas that pinned packages ship: the Kubernetes manifests against the
Kubernetes schemas of `kubernetes-validate` (strict: an unknown field fails), the
Compose file against the Compose Specification's JSON schema that `check-jsonschema`
vendors (check_jsonschema/builtin_schemas/vendor/compose-spec.json), the alert rules
and the Compose scrape configuration with Debian's promtool (deploy/local/install).
"""

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.shared.config import METRICS_PORT
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


def k8s_documents():
    return [d for d in yaml.safe_load_all(K8S.read_text()) if d]


K8S = ROOT / "deploy/k8s/portal.yaml"
COMPOSE = ROOT / "deploy/compose/compose.yaml"
MONITORING = ROOT / "deploy/monitoring"


def gateway_container():
    for doc in k8s_documents():
        if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "portal-gateway":
            return doc["spec"]["template"]["spec"]["containers"][0]
    raise AssertionError("no portal-gateway Deployment")


def test_gateway_is_probed_on_livez_and_readyz():
    container = gateway_container()
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


@pytest.mark.parametrize(
    "doc", k8s_documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}"
)
def test_kubernetes_manifest_validates_against_the_schema(doc):
    version = kubernetes_validate.utils.latest_version()
    kubernetes_validate.validate(doc, version, strict=True)


def test_a_wrong_field_fails_the_kubernetes_schema():
    doc = next(d for d in k8s_documents() if d["kind"] == "Deployment")
    doc["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            doc, kubernetes_validate.utils.latest_version(), strict=True
        )


def compose_schema():
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    return json.loads((vendor / "compose-spec.json").read_text())


def test_compose_file_validates_against_the_compose_specification():
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = list(validator.iter_errors(yaml.safe_load(COMPOSE.read_text())))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_a_wrong_field_fails_the_compose_specification():
    doc = yaml.safe_load(COMPOSE.read_text())
    doc["services"]["gateway"]["restart_policy"] = "always"
    schema = compose_schema()
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))


def test_every_service_pod_is_scraped_on_its_metrics_port():
    for doc in k8s_documents():
        if doc["kind"] != "Deployment":
            continue
        pod = doc["spec"]["template"]
        notes = pod["metadata"]["annotations"]
        assert notes["prometheus.io/scrape"] == "true"
        container = pod["spec"]["containers"][0]
        ports = {p["containerPort"] for p in container["ports"]}
        assert int(notes["prometheus.io/port"]) in ports
        if "services.shared.runner" in container["command"]:
            env = {e["name"]: e.get("value") for e in container["env"]}
            assert env[METRICS_PORT.key] == notes["prometheus.io/port"]


def test_gunicorn_runs_with_the_metrics_configuration_everywhere():
    commands = [gateway_container()["command"]]
    compose = yaml.safe_load(COMPOSE.read_text())
    commands.append(compose["services"]["gateway"]["command"])
    for cmd in commands:
        assert cmd[cmd.index("-c") + 1] == "python:gateway.gunicorn_conf"
    for script in ("deploy/local/apps", "tests/stack.py"):
        assert "python:gateway.gunicorn_conf" in (ROOT / script).read_text()


def promtool(*args):
    tool = shutil.which("promtool")
    assert tool, "promtool missing: deploy/local/install installs Debian's prometheus"
    return subprocess.run(
        [tool, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_alert_rules_pass_promtool():
    done = promtool("check", "rules", str(MONITORING / "alerts.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_rule_fails_promtool(tmp_path):
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    rules["groups"][0]["rules"][0]["expr"] = "sum(rate(portal_x[5m]"
    broken = tmp_path / "alerts.yaml"
    broken.write_text(yaml.safe_dump(rules))
    assert promtool("check", "rules", str(broken)).returncode != 0


def test_compose_scrape_configuration_passes_promtool():
    # Debian's Prometheus is built without Kubernetes discovery, so the Kubernetes
    # file is only read as YAML here (its jobs are checked below).
    done = promtool("check", "config", str(MONITORING / "prometheus-compose.yml"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_compose_service_has_a_scrape_job():
    config = yaml.safe_load((MONITORING / "prometheus-compose.yml").read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    compose = yaml.safe_load(COMPOSE.read_text())
    apps = {n for n, svc in compose["services"].items() if "portal/" in svc["image"]}
    assert jobs == {f"portal-{name}" for name in apps}
    kube = yaml.safe_load((MONITORING / "prometheus-kubernetes.yml").read_text())
    assert kube["rule_files"] == ["alerts.yaml"] == config["rule_files"]
