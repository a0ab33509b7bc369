"""Metrics of the running system: real actions move the right series by the right count.

Every process of the stack is scraped before and after a citizen registers, fails a
submission (422), uploads a photo (converted to PDF), submits (e-mailed) and the desk
receives it; the deltas are compared with what happened, counted from the answers
and the databases. The dashboard and the alert rules may only name series that a
real scrape of this stack carries.
"""

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import bindparam, create_engine, text

from services.dossiers import deadlines
from services.shared.config import database_url

from ..stack import free_port
from .test_api_journey import PDF, jpeg_bytes, login, register_citizen, upload

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
PROCESSES = (
    "gateway",
    "accounts",
    "dossiers",
    "files",
    "files.converter-ConverterService",
    "notify",
    "search",
)
OPERATOR = {"kind": "operator", "roles": ["operator"], "user_id": "op-metrics"}
# Series Prometheus makes itself (not in any scrape).
SYNTHETIC = {"up"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


class Scrape:
    """One scrape of one process: sample name → [(labels, value)]."""

    def __init__(self, url):
        resp = requests.get(url, timeout=10)
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"].startswith("text/plain")
        self.samples, self.declared = {}, set()
        for family in text_string_to_metric_families(resp.text):
            # A labelled series exists once used; its family is declared from the
            # start (HELP and TYPE lines), under the names Prometheus stores.
            self.declared |= {family.name + s for s in SUFFIXES.get(family.type, ("",))}
            for sample in family.samples:
                self.samples.setdefault(sample.name, []).append(
                    (sample.labels, sample.value)
                )

    def value(self, name, **labels):
        """Sum of the samples of `name` whose labels include `labels`."""
        return sum(
            value
            for found, value in self.samples.get(name, ())
            if all(found.get(k) == v for k, v in labels.items())
        )

    def labels(self, name):
        return [found for found, _ in self.samples.get(name, ())]


def scrape(stack, process):
    return Scrape(stack.metrics_url(process))


def delta(before, after, name, **labels):
    return after.value(name, **labels) - before.value(name, **labels)


def eventually(check, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


@pytest.fixture(scope="module")
def databases(stack):
    engines = {
        name: create_engine(database_url(name, stack.env), pool_size=1)
        for name in ("dossiers", "notify")
    }
    yield engines
    for engine in engines.values():
        engine.dispose()


def scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def mail_settled(notify_db):
    """No message waits or is being sent: counters and the table agree now."""
    return not scalar(
        notify_db,
        "SELECT count(*) FROM messages "
        "WHERE status IN ('queued', 'sending', 'temp_failed')",
    )


def sent_in(notify_db, province):
    return scalar(
        notify_db,
        "SELECT count(*) FROM messages WHERE status = 'sent' AND province = :p",
        p=province,
    )


def test_every_process_serves_metrics_on_its_own_port(stack):
    ports = {stack.metrics_url(p).split("/")[2] for p in PROCESSES}
    assert len(ports) == len(PROCESSES)
    for process in PROCESSES:
        got = scrape(stack, process)
        if process == "gateway":
            assert got.samples  # the scrape of a moment ago at least
            continue
        service = "files_converter" if "converter" in process else process
        queues = {lab["queue"] for lab in got.labels("portal_queue_consumers")}
        assert queues, process
        assert not any(q.startswith("rpc.reply") for q in queues)  # random names
        assert all(
            got.value("portal_queue_consumers", service=service, queue=q) >= 1
            for q in queues
        )
        if service != "files_converter":
            assert f"rpc-{service}" in queues
            assert got.value("portal_rpc_duration_seconds_count", method="health") >= 1


def test_a_second_instance_picks_a_free_port_and_logs_it(stack):
    name = "search-second"
    env = dict(stack.env, PORTAL_METRICS_PORT="0")
    argv = [sys.executable, "-m", "services.shared.runner", "search"]
    stack.start_process(name, argv, env)
    log = stack.log_dir / f"{name}.log"
    try:
        found = eventually(
            lambda: re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics",
                              log.read_text(errors="replace")),
            timeout=60,
        )  # fmt: skip
        assert found, log.read_text(errors="replace")[-2000:]
        port = int(found.group(1))
        assert port != stack.metrics_ports["search"]
        got = Scrape(f"http://127.0.0.1:{port}/metrics")
        consumers = got.value("portal_queue_consumers", queue="rpc-search")
        assert consumers >= 1  # both instances consume the shared queue once joined
    finally:
        stack.stop_process(name)


def test_gateway_counts_every_request_across_its_workers(stack):
    before = scrape(stack, "gateway")
    count = 40
    # Concurrent connections, so both gunicorn workers answer some of them.
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda _: requests.get(f"{stack.url}/livez", timeout=10).status_code,
                range(count),
            )
        )
    assert statuses == [200] * count
    # Whichever worker answers the scrape reports every worker's requests.
    for _ in range(6):
        after = scrape(stack, "gateway")
        moved = delta(
            before,
            after,
            "portal_http_request_duration_seconds_count",
            route="/livez",
            method="GET",
            status="200",
        )
        assert moved == count


def test_gateway_counts_requests_by_the_callers_province(stack, api, agency):
    desk = login(api, agency.staff["desk"])
    before = scrape(stack, "gateway")
    count = 5
    assert [desk.get("/api/v1/accounts/me").status_code for _ in range(count)] == [
        200
    ] * count
    labels = {"province": "01", "kind": "staff", "status_class": "2xx"}
    name = "portal_http_province_requests_total"
    for _ in range(6):
        moved = delta(before, scrape(stack, "gateway"), name, **labels)
        if moved >= count:
            break
        time.sleep(0.5)
    assert moved >= count  # other tests' staff of province 01 may add theirs


def test_actions_move_their_series(stack, api, agency, mailbox, rpc, databases):
    notify_db, dossiers_db = databases["notify"], databases["dossiers"]
    email = register_citizen(api, mailbox)
    citizen = login(api, email)
    staff = {role: login(api, addr) for role, addr in agency.staff.items()}
    assert eventually(lambda: mail_settled(notify_db))
    before = {p: scrape(stack, p) for p in PROCESSES}
    sent_before = sent_in(notify_db, "01")

    draft = citizen.post(
        "/api/v1/dossiers",
        json={"procedure": agency.procedure, "agency": agency.code,
              "form": {"child_name": "Nguyễn Văn An", "copies": 1}},
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    dossier_id = draft.json()["id"]
    refused = citizen.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert refused.status_code == 422
    refused_code = refused.json()["error"]["code"]
    upload(citizen, dossier_id, "to_khai", "to khai.pdf", PDF, "application/pdf")
    photo = upload(
        citizen, dossier_id, "giay_chung_sinh", "chung sinh.jpg", jpeg_bytes(),
        "image/jpeg",
    )  # fmt: skip
    submitted = citizen.post(f"/api/v1/dossiers/{dossier_id}/submit")
    assert submitted.status_code == 200, submitted.text
    received = staff["desk"].post(
        f"/api/v1/dossiers/{dossier_id}/actions",
        json={"action": "receive", "department": agency.department},
    )
    assert received.status_code == 200, received.text
    mailbox.wait_for(email, subject_contains=received.json()["receipt_number"])

    def converted():
        got = citizen.get(f"/api/v1/files/{photo['id']}")
        return got.status_code == 200 and got.json()["conversion"] == "done"

    assert eventually(converted, timeout=60)
    assert eventually(lambda: mail_settled(notify_db), timeout=60)
    after = {p: scrape(stack, p) for p in PROCESSES}

    def moved(process, name, **labels):
        return delta(before[process], after[process], name, **labels)

    # Gateway: each answer under its route template, method and status.
    gw = "portal_http_request_duration_seconds_count"
    route = "/api/v1/dossiers/{dossier_id}/submit"
    assert moved("gateway", gw, route=route, method="POST", status="422") == 1
    assert moved("gateway", gw, route=route, method="POST", status="200") == 1
    routes = {lab["route"] for lab in after["gateway"].labels(gw)}
    assert not any(dossier_id in r for r in routes)  # templates, never ids

    # dossiers: two submit RPCs timed, one error with the answer's code.
    rpc_count = "portal_rpc_duration_seconds_count"
    assert moved("dossiers", rpc_count, method="submit_dossier") == 2
    errors = "portal_rpc_errors_total"
    kind = {"code": refused_code, "kind": "client"}
    assert moved("dossiers", errors, method="submit_dossier", **kind) == 1
    assert moved("dossiers", errors, kind="server") == 0

    # Events: notify and search handled the one submission once each. A handler
    # that failed (OpenSearch slow on a loaded machine) is redelivered: every
    # attempt is timed, the failed ones are counted as errors too.
    handled = "portal_event_duration_seconds_count"
    failed = "portal_event_errors_total"
    event = {"source": "dossiers", "event": "dossier_submitted"}
    for service in ("notify", "search"):
        attempts = moved(service, handled, service=service, **event)
        assert attempts - moved(service, failed, service=service, **event) == 1

    # The photo, converted once, in its province.
    converter = "files.converter-ConverterService"
    done = {"outcome": "done"}
    assert moved(converter, "portal_conversions_total", province="01", **done) == 1
    assert moved(converter, "portal_conversion_duration_seconds_count", **done) == 1

    # E-mails: as many counted sent in province 01 as the delivery log marked sent.
    sent = sent_in(notify_db, "01") - sent_before
    assert sent >= 2  # submitted and received, to the citizen at least
    assert moved("notify", "portal_emails_total", state="sent", province="01") == sent

    # Outboxes drained: backlog and lag back at 0 once everything is published.
    for service in ("accounts", "dossiers", "files", "notify", "search"):
        assert eventually(
            lambda s=service: (
                scrape(stack, s).value("portal_outbox_backlog", service=s) == 0
            )
        ), service
        assert scrape(stack, service).value("portal_outbox_lag_seconds") >= 0

    # Overdue: the received dossier put 30 days back is counted in its province.
    with dossiers_db.begin() as conn:
        conn.execute(
            text("UPDATE dossiers SET received_at = :t WHERE public_id = :id"),
            {"t": dt.datetime.now(dt.UTC) - dt.timedelta(days=30), "id": dossier_id},
        )
    rpc.call("dossiers", "sweep_deadlines", OPERATOR)
    with dossiers_db.connect() as conn:
        overdue = dict(
            conn.execute(
                text(
                    "SELECT province, count(*) FROM dossiers "
                    "WHERE deadline_state = 'overdue' AND status IN :open "
                    "GROUP BY province"
                ).bindparams(bindparam("open", expanding=True)),
                {"open": list(deadlines.SWEPT)},
            ).all()
        )
    assert overdue.get("01", 0) >= 1
    got = scrape(stack, "dossiers")
    for province, count in overdue.items():
        assert got.value("portal_dossiers_overdue", province=province) == count


def referenced_names():
    """Every portal_* series named by the dashboard and the alert rules."""
    rules = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    exprs += [t["expr"] for p in dashboard["panels"] for t in p.get("targets", ())]
    names = set()
    for expr in exprs:
        names |= set(re.findall(r"\b(portal_[a-z0-9_]+)", expr))
        # Any other selector must be one Prometheus makes itself.
        bare = re.findall(r"\b([a-z_]+)\{", expr)
        assert set(bare) - SYNTHETIC <= names, expr
    return names


def test_dashboard_and_alerts_name_only_series_the_stack_serves(stack):
    served = set()
    for process in PROCESSES:
        got = scrape(stack, process)
        served |= got.declared | set(got.samples)
    missing = referenced_names() - served
    assert not missing, f"not in any scrape: {sorted(missing)}"


def test_prometheus_scrapes_the_stack_and_evaluates_every_rule(stack, tmp_path):
    """Debian's Prometheus, on loopback, with the rules file as shipped."""
    binary = shutil.which("prometheus")
    assert binary, "prometheus missing: deploy/local/install installs it"

    def job(process):  # as the Compose and Kubernetes scrape jobs name them
        return "portal-converter" if "converter" in process else f"portal-{process}"

    targets = [
        {"targets": [stack.metrics_url(p).split("/")[2]], "labels": {"job": job(p)}}
        for p in PROCESSES
    ]
    # The gateway serves on /metrics too: the same path for every job.
    (tmp_path / "targets.json").write_text(json.dumps(targets))
    shutil.copy(MONITORING / "alerts.yaml", tmp_path / "alerts.yaml")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": ["alerts.yaml"],
        "scrape_configs": [
            {"job_name": "portal", "file_sd_configs": [{"files": ["targets.json"]}]}
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    api = f"http://127.0.0.1:{port}/api/v1"
    log = open(tmp_path / "prometheus.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [binary, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
    )  # fmt: skip
    try:

        def get(path, **params):
            try:
                return requests.get(f"{api}/{path}", params=params, timeout=5).json()
            except requests.RequestException:
                return None

        def all_up():
            got = get("query", query="up")
            found = got and got["data"]["result"]
            return found and len(found) == len(PROCESSES) and all(
                r["value"][1] == "1" for r in found
            )  # fmt: skip

        assert eventually(all_up, timeout=30), get("targets")

        def evaluated():
            got = get("rules")
            rules = [r for g in (got or {}).get("data", {}).get("groups", ())
                     for r in g["rules"]]  # fmt: skip
            return (
                rules
                if rules and all(r["health"] != "unknown" for r in rules)
                else None
            )

        rules = eventually(evaluated, timeout=30)
        assert rules, get("rules")
        broken = {r["name"]: r.get("lastError") for r in rules if r["health"] != "ok"}
        assert not broken
        names = {r["name"] for r in rules}
        loaded = yaml.safe_load((MONITORING / "alerts.yaml").read_text())
        assert names == {r["alert"] for g in loaded["groups"] for r in g["rules"]}
        # The lag every service reports, as Prometheus stored it.
        lag = get("query", query="max by (service) (portal_outbox_lag_seconds)")
        services = {r["metric"]["service"] for r in lag["data"]["result"]}
        assert services == {"accounts", "dossiers", "files", "notify", "search"}
        # Every dashboard query parses and evaluates on the stored series.
        dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                got = get("query", query=target["expr"])
                assert got and got["status"] == "success", (panel["title"], got)
        firing = get("alerts")["data"]["alerts"]
        assert not [
            a for a in firing if a["labels"]["alertname"] == "PortalProcessDown"
        ]
    finally:
        server.terminate()
        server.wait(15)
        log.close()
