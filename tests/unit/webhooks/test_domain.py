"""The webhooks service's pure rules: event types, public data, retries, targets."""

import datetime as dt
import socket

import pytest

from services.contracts import dossiers
from services.webhooks import domain, settings


def test_the_event_types_are_the_contracts_dossier_events():
    types = domain.event_types()
    expected = {
        name
        for name, schema in dossiers.EVENTS.items()
        if {"dossier_id", "dossier"} <= set(schema._declared_fields)
    }
    assert set(types) == expected and "dossier_status_changed" in types
    assert types["dossier_submitted"] == ("dossiers", dossiers.Submitted)


@pytest.mark.parametrize("event_type", sorted(domain.event_types()))
def test_no_public_field_is_personal_or_free_text(event_type):
    shape = domain.public_fields(domain.event_types()[event_type][1])
    assert not set(shape) & domain.PRIVATE
    assert not set(shape) & {"event_id", "occurred_at", "province", "request_id"}
    assert shape["dossier"] == "dossier"


def test_the_data_keeps_facts_and_ids_and_drops_the_applicant():
    payload = {
        "dossier_id": "d1",
        "version": 3,
        "from": "submitted",
        "to": "received",
        "action": "receive",
        "note": "gọi cho chị Lan 0912345678",
        "actor": {"id": "u1", "full_name": "Cán bộ", "role": "desk"},
        "receipt_number": "R-1",
        "appointment_date": "2026-12-04",
        "dossier": {
            "id": "d1",
            "status": "received",
            "province": "01",
            "agency": "A",
            "procedure": {"code": "P1", "name": "Khai sinh", "version": 1},
            "applicant": {"full_name": "Nguyễn Văn An", "email": "an@example.test"},
            "form_text": "Nguyễn Văn An 001203004005",
            "owner": "citizen-1",
        },
    }
    data = domain.project(dossiers.StatusChanged, payload)
    assert data["from"] == "submitted" and data["action"] == "receive"
    assert data["actor"] == {"id": "u1"}
    assert data["dossier"]["procedure"] == "P1"
    text = repr(data)
    for secret in ("Nguyễn", "an@example", "0912345678", "citizen-1", "Cán bộ"):
        assert secret not in text


def test_the_nominal_schedule_spans_about_three_days():
    waits = domain.schedule(
        settings.MAX_ATTEMPTS.read({}), settings.RETRY_BASE.read({})
    )
    assert waits[0] == 5 and waits == sorted(waits)
    assert 2.5 * 86_400 <= sum(waits) <= 3.5 * 86_400


def test_jitter_stays_within_a_fifth_either_side():
    low = domain.retry_delay(3, 5, rng=lambda: 0.0)
    high = domain.retry_delay(3, 5, rng=lambda: 1.0)
    assert (low, high) == (pytest.approx(64), pytest.approx(96))


def test_retry_after_in_seconds_or_as_a_date():
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert domain.retry_after("120", now) == 120
    assert domain.retry_after("Tue, 01 Dec 2026 12:00:30 GMT", now) == 30
    assert domain.retry_after("soon", now) is None
    assert domain.retry_after(None, now) is None


def _resolving(address):
    def resolve(host, port, proto=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (address, port))]

    return resolve


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "192.168.1.1", "172.16.0.1", "169.254.169.254", "::1"],
)
def test_a_host_resolving_to_a_private_address_is_refused(address):
    with pytest.raises(domain.TargetRefused, match="url_not_public"):
        domain.check_target("https://hooks.example.org/x", (), _resolving(address))


def test_a_public_address_and_an_allowed_host_pass():
    domain.check_target("https://hooks.example.org/x", (), _resolving("93.184.216.34"))
    domain.check_target("http://127.0.0.1:18100/", ("127.0.0.1",), _resolving("x"))


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "https://user:pw@example.org/", "not a url"]
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(domain.TargetRefused, match="invalid_url"):
        domain.check_target(url, (), _resolving("93.184.216.34"))


def test_filters_narrow_and_scope_bounds_them():
    sub = {"event_types": ["dossier_submitted"], "agencies": ["A"], "provinces": []}
    record = {"province": "01", "agency": "A", "procedure": "P"}
    assert domain.matches(sub, "dossier_submitted", record)
    assert not domain.matches(sub, "comment_added", record)
    assert not domain.matches(sub, "dossier_submitted", record | {"agency": "B"})
    client = {"province": "01", "agency": "A"}
    assert domain.out_of_scope_filters(client, {"agencies": ["B"]}) == {
        "agencies": ["outside_scope"]
    }
    assert domain.out_of_scope_filters(client, {"provinces": ["01"]}) == {}


def test_a_filter_matches_a_dossier_in_either_role():
    """Received by agency R of 79, resolved by A of 01: both agencies' filters."""
    record = domain.record_of(
        {"dossier": {"province": "01", "agency": "A", "receiving_province": "79",
                     "receiving_agency": "R", "procedure": {"code": "P"}}}
    )  # fmt: skip
    for filters in ({"agencies": ["A"]}, {"agencies": ["R"]}, {"provinces": ["79"]}):
        sub = {"event_types": ["dossier_submitted"], **filters}
        assert domain.matches(sub, "dossier_submitted", record), filters
    sub = {"event_types": ["dossier_submitted"], "agencies": ["B"]}
    assert not domain.matches(sub, "dossier_submitted", record)
    # an event of a dossier from before: received where resolved
    older = domain.record_of({"dossier": {"province": "01", "agency": "A"}})
    assert (older["receiving_agency"], older["receiving_province"]) == ("A", "01")
