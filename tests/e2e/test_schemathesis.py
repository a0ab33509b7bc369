"""Schemathesis against the document the gateway serves, as every kind of caller.

The document is loaded over HTTP from the running stack (`/api/v1/openapi.json`), so
whatever the gateway serves is what is fuzzed. Every operation gets valid and invalid
requests (schemathesis' positive and negative modes) as each caller kind, and every
answer must pass four checks: no 5xx, a documented status code, a documented content
type and a body that matches the documented response schema. Failures are collected
over the whole run and reported together, one line per (operation, check, status).

Each operation is fuzzed with random path parameters and, where the world has them,
with its records (the dossier, file, task, procedure...), so that bodies and queries
reach the code behind "not found". Bounded: EXAMPLES requests per operation, mode and
kind of path, the callers taking turns (so each caller meets other inputs, not the
same first few); once BUDGET seconds have passed the remaining operations get one
valid request per caller. The seed is fixed, so
CI sends the same requests every run. A deeper run, e.g. before a release:
`PORTAL_SCHEMATHESIS_EXAMPLES=400 PORTAL_SCHEMATHESIS_BUDGET=3600` (and
`PORTAL_SCHEMATHESIS_SEED` to explore other inputs);
`PORTAL_SCHEMATHESIS_REPORT=<file>` writes, per operation, the statuses it answered
that the operation does not list itself (the served `default` admits them).

So that the fuzzer cannot sabotage the run it shares with other tests:
- it sends its own client address (X-Forwarded-For, trusted from loopback), so its
  registrations and failed sign-ins fill its own rate-limit buckets;
- `DELETE /api/v1/sessions/current` (log out) is sent with a fresh token each time,
  from the caller's own token source (a sign-in or a client-credentials grant);
- province-wide writes (an e-mail template, a year's holidays) are pinned to
  FUZZ_PROVINCE, whose province admin is the fuzzer's own and which no other test
  reads: activation mails other tests parse keep their template;
- `POST /api/v1/provinces` is not sent as the operator (the one caller it would
  succeed for): a new province changes the national list other tests count.
"""

import os
import re
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..conftest import Api
from .access_world import World
from .conftest import PASSWORD

EXAMPLES = int(os.environ.get("PORTAL_SCHEMATHESIS_EXAMPLES", "16"))
BUDGET = float(os.environ.get("PORTAL_SCHEMATHESIS_BUDGET", "30"))
SEED = int(os.environ.get("PORTAL_SCHEMATHESIS_SEED", "20261201"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# A seeded province no other test uses: the fuzzer's province-wide writes land there.
FUZZ_PROVINCE = "92"
FUZZ_ADDRESS = "127.0.0.92"
LOGOUT = ("DELETE", "/api/v1/sessions/current")
# (caller, method, path) never sent, with the reason in the module's docstring.
NOT_SENT = {("operator", "POST", "/api/v1/provinces")}
PROVINCE_WIDE = {
    ("PUT", "/api/v1/notification-templates/{key}"),
    ("PUT", "/api/v1/provinces/{code}/holidays/{year}"),
}
# Path parameters filled with the world's records (access_world.py values).
RECORDS = {"user_id": "staff_user_id"}
CODES = (
    ("/api/v1/provinces/", "province"),
    ("/api/v1/agencies/", "agency"),
    ("/api/v1/procedures/", "code"),
    # a signed result's verification code: the world has none (random codes: 404)
    ("/api/v1/results/", "result_code"),
)
# The kinds of caller (TokenSources says which account plays each: the world's
# owner, desk, officer and leader, a province admin of FUZZ_PROVINCE, the operator,
# an API client of the world's agency with every scope).
CALLERS = (
    "anonymous",
    "citizen",
    "desk",
    "officer",
    "leader",
    "province_admin",
    "operator",
    "api_client",
)


class TokenSources:
    """A new bearer token for any caller kind, whenever one is needed."""

    def __init__(self, stack, world):
        self.api = Api(stack.url)
        self.world = world
        province_admin = world._staff("province_admin", province=FUZZ_PROVINCE)
        self.logins = {
            "citizen": (world.emails["owner"], PASSWORD),
            "desk": (world.emails["desk"], PASSWORD),
            "officer": (world.emails["officer"], PASSWORD),
            "leader": (world.emails["leader"], PASSWORD),
            "province_admin": (province_admin, PASSWORD),
            "operator": (
                stack.env["PORTAL_ADMIN_EMAIL"],
                stack.env["PORTAL_ADMIN_PASSWORD"],
            ),
        }
        self.client = world.client_credentials(
            ["dossiers:read", "dossiers:write", "procedures:read"]
        )

    def token(self, caller):
        if caller == "anonymous":
            return None
        if caller == "api_client":
            return self.world.client_token(*self.client)
        email, password = self.logins[caller]
        resp = self.api.post(
            "/api/v1/sessions", json={"email": email, "password": password}
        )
        assert resp.status_code == 201, resp.text
        return resp.json()["token"]


class Fuzz:
    """The loaded document, the callers' sessions and every failure seen."""

    def __init__(self, stack, sources, values):
        self.url = stack.url
        self.sources = sources
        self.values = values
        self.schema = schemathesis.openapi.from_url(self.url + "/api/v1/openapi.json")
        self.operations = [r.ok() for r in self.schema.get_all_operations()]
        self.sessions = {caller: self.session(caller) for caller in CALLERS}
        self.started = time.monotonic()
        self.failures = {}
        self.sent = {caller: 0 for caller in CALLERS}
        # operation → statuses answered that it does not list itself (the served
        # document's `default` error response admits them all).
        self.unlisted = {}
        self.seconds = {}

    def session(self, caller):
        session = requests.Session()
        session.headers["X-Forwarded-For"] = FUZZ_ADDRESS
        token = self.sources.token(caller)
        if token:
            session.headers["Authorization"] = f"Bearer {token}"
        return session

    def over_budget(self):
        return time.monotonic() - self.started > BUDGET

    def run(self):
        for operation in self.operations:
            began = time.monotonic()
            records = known_path(operation, self.values)
            if self.over_budget():
                # One request per caller: valid, on the world's records if it has any.
                fixed = {"path_parameters": records} if records else {}
                self._fuzz(operation, GenerationMode.POSITIVE, len(CALLERS), **fixed)
            else:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    self._fuzz(operation, mode, EXAMPLES)
                    if records:
                        self._fuzz(operation, mode, EXAMPLES, path_parameters=records)
            self.seconds[operation.label] = time.monotonic() - began

    def _fuzz(self, operation, mode, examples, **fixed):
        """One hypothesis run; the callers take turns, so each gets new inputs."""
        strategy = operation.as_strategy(generation_mode=mode, **fixed)
        turn = iter(range(10**9))

        @seed(SEED)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(st.data())
        def run(data):
            case = data.draw(strategy)
            self.send(CALLERS[next(turn) % len(CALLERS)], case)

        try:
            run()
        except Unsatisfiable:
            # Nothing of this operation can be made invalid (no parameter, no body).
            assert mode is GenerationMode.NEGATIVE, operation.label

    def send(self, caller, case):
        key = (case.method.upper(), case.operation.path)
        if (caller, *key) in NOT_SENT:
            return
        headers = {}
        if key == LOGOUT and caller != "anonymous":
            headers["Authorization"] = f"Bearer {self.sources.token(caller)}"
        if key in PROVINCE_WIDE:
            pin_province(case)
        self.sent[caller] += 1
        session = self.sessions[caller]
        try:
            resp = case.call(base_url=self.url, session=session, headers=headers)
            self.note_status(case, resp.status_code)
            case.validate_response(resp, checks=CHECKS, headers=headers)
        except (FailureGroup, Failure) as exc:
            group = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
            for failure in group:
                where = (case.operation.label, failure.title, caller)
                self.failures.setdefault(where, str(exc)[:1500])

    def note_status(self, case, status):
        listed = case.operation.definition.raw.get("responses") or {}
        if str(status) not in listed and f"{str(status)[0]}XX" not in listed:
            label = case.operation.label
            self.unlisted.setdefault(label, set()).add(status)


def known_path(operation, values):
    """The world's records for every path parameter of `operation`, or None.

    Random ids only ever reach "not found"; the world's own dossier, file, task,
    procedure, agency, bulk mail and throwaway staff member let the fuzzed bodies
    and queries reach the code (and the response schemas) behind them.
    """
    path, found = operation.path, {}
    for param in re.findall(r"\{(\w+)\}", path):
        name = RECORDS.get(param, param)
        if param == "code":
            name = next(v for p, v in CODES if path.startswith(p))
        elif param == "file_id" and path.startswith("/api/v1/templates/"):
            name = "template_id"
        if name not in values:
            return None
        found[param] = values[name]
    return found


def pin_province(case):
    """Point a province-wide write at FUZZ_PROVINCE, wherever the province is named."""
    if "code" in (case.path_parameters or {}):
        case.path_parameters["code"] = FUZZ_PROVINCE
    if isinstance(case.body, dict):
        case.body["province"] = FUZZ_PROVINCE
    if isinstance(case.query, dict):
        case.query["province"] = FUZZ_PROVINCE


@pytest.fixture(scope="module")
def fuzz(stack, mailbox):
    world = World(Api(stack.url), stack, mailbox)
    return Fuzz(stack, TokenSources(stack, world), world.values)


def test_every_operation_as_every_caller_conforms(fuzz):
    fuzz.run()
    print(fuzz.sent, f"{time.monotonic() - fuzz.started:.0f} s")
    slowest = sorted(fuzz.seconds.items(), key=lambda item: -item[1])[:8]
    print(*(f"{seconds:5.1f} s {label}" for label, seconds in slowest), sep="\n")
    if os.environ.get("PORTAL_SCHEMATHESIS_REPORT"):
        with open(os.environ["PORTAL_SCHEMATHESIS_REPORT"], "w") as out:
            for label, statuses in sorted(fuzz.unlisted.items()):
                print(label, *sorted(statuses), file=out)
    assert all(fuzz.sent.values()), fuzz.sent
    assert not fuzz.failures, "\n\n".join(
        f"{label} [{title}] as {caller}\n{text}"
        for (label, title, caller), text in sorted(fuzz.failures.items())
    )
