"""Pure rules of the webhooks service: which events go out, in which shape, to whom,
when a failed delivery is tried again, and which targets may be called.

The event types are read from the contracts (`services/contracts/<service>.py`
EVENTS): every event whose payload carries the dossier (`dossier_id` and its
`dossier` snapshot, whose scope fields say who may see it) is an event for agency
systems, so an event a service adds to its contract flows out without an edit here.
The public shape of each (`data`) is derived from the same schema by one rule:
scalar facts and lists of scalars, except personal and free-text fields; the dossier
snapshot reduced to its non-personal facts; any other nested record to its id.
"""

import datetime as dt
import email.utils
import functools
import ipaddress
import random
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from marshmallow import fields

from services import contracts
from services.contracts.base import Envelope
from services.shared.profile import PROFILE_KEYS
from services.shared.visibility import INTERNAL, PUBLIC

# the version of every event's `data`; a change that removes or retypes a field
# takes a new version (documented in the OpenAPI document's webhooks section)
DATA_VERSION = "1"
SOURCES = tuple(s for s in contracts.SERVICES if s != "webhooks")

# Personal data (the profile's keys) and free text that may hold it, and the staff
# involved in the work: never in an event's data.
PRIVATE = frozenset(PROFILE_KEYS) | {"note", "reason", "involved", "body", "labels"}
# The dossier's facts an agency system may rely on (no applicant, no form text).
SNAPSHOT_FACTS = (
    "id",
    "receipt_number",
    "province",
    "agency",
    "department",
    # received at one agency's desk, resolved by another (else the same as above)
    "receiving_province",
    "receiving_agency",
    "transferred_at",
    "returned_at",
    "status",
    "deadline_state",
    "days_late",
    "appointment_date",
    "submitted_at",
    "received_at",
    "completed_at",
    "updated_at",
    "fee",
    "paper",
    "step",
    "step_due_date",
    "step_state",
    "version",
)
SCALARS = (
    fields.String,
    fields.Integer,
    fields.Float,
    fields.Boolean,
    fields.Date,
    fields.DateTime,
    fields.Decimal,
)


# --- event types -------------------------------------------------------------------
@functools.cache  # the contracts do not change while a process runs
def event_types():
    """{event type: (source service, payload schema class)} of every public event."""
    found = {}
    for source in SOURCES:
        for name, schema in contracts.of(source).EVENTS.items():
            declared = schema._declared_fields
            if "dossier_id" in declared and "dossier" in declared:
                found[name] = (source, schema)
    return found


def _scalar(field):
    if isinstance(field, fields.List):
        return _scalar(field.inner)
    return isinstance(field, SCALARS)


def public_fields(schema):
    """{data key: "fact" | "dossier" | "ref"} of a payload schema's public fields."""
    shape = {}
    for name, field in schema._declared_fields.items():
        key = field.data_key or name
        if name in Envelope._declared_fields or key in PRIVATE:
            continue
        if name == "dossier":
            shape[key] = "dossier"
        elif isinstance(field, fields.Nested):
            nested = field.nested() if callable(field.nested) else field.nested
            nested = nested if isinstance(nested, type) else type(nested)
            if "id" in nested._declared_fields:
                shape[key] = "ref"
        elif _scalar(field):
            shape[key] = "fact"
    return shape


def project(schema, payload):
    """The public `data` of an event payload (read with its schema)."""
    data = {}
    for key, kind in public_fields(schema).items():
        value = payload.get(key)
        if kind == "fact":
            data[key] = value
        elif kind == "ref":
            data[key] = {"id": value.get("id")} if isinstance(value, dict) else None
        else:
            data[key] = snapshot_facts(value or {})
    return data


def snapshot_facts(snapshot):
    facts = {k: snapshot.get(k) for k in SNAPSHOT_FACTS}
    facts["procedure"] = (snapshot.get("procedure") or {}).get("code")
    return facts


# the visibility kinds an event is of (services/shared/visibility.py RULES)
EVENT_KINDS = ("dossier", "comment", "task")


def record_of(payload):
    """The visibility record of an event (services/shared/visibility.py): its kind
    and the dossier's scope fields, with the audience of a comment."""
    snapshot = payload.get("dossier") or {}
    if payload.get("task"):
        kind = "task"
    elif payload.get("comment"):
        kind = "comment"
    else:
        kind = "dossier"
    comment = payload.get("comment") or {}
    return {
        "kind": kind,
        "province": snapshot.get("province") or payload.get("province"),
        "agency": snapshot.get("agency"),
        "department": snapshot.get("department"),
        # received here, resolved there: both agencies' clients may see it
        "receiving_province": snapshot.get("receiving_province")
        or snapshot.get("province")
        or payload.get("province"),
        "receiving_agency": snapshot.get("receiving_agency") or snapshot.get("agency"),
        "procedure": (snapshot.get("procedure") or {}).get("code"),
        "owner": snapshot.get("owner"),
        "assignees": snapshot.get("assignees") or [],
        "submitted_at": snapshot.get("submitted_at"),
        "audience": INTERNAL if comment.get("internal") else PUBLIC,
    }


# --- subscriptions -----------------------------------------------------------------
FILTERS = ("provinces", "agencies", "procedures")
# Each filter and the record fields it matches: a province or an agency matches a
# dossier it resolves or whose desk received it (either role).
FILTER_FIELDS = {
    "provinces": ("province", "receiving_province"),
    "agencies": ("agency", "receiving_agency"),
    "procedures": ("procedure",),
}


def matches(subscription, event_type, record):
    """Tell whether an event of `event_type` about `record` is one the subscription
    asked for (its types and filters; the caller's scope is checked apart)."""
    if event_type not in subscription["event_types"]:
        return False
    for name in FILTERS:
        wanted = subscription.get(name) or []
        found = {record.get(field) for field in FILTER_FIELDS[name]}
        if wanted and not found & set(wanted):
            return False
    return True


def out_of_scope_filters(caller, data):
    """{filter: [detail]} for filters naming what the client does not see."""
    problems = {}
    for name, attribute in (("provinces", "province"), ("agencies", "agency")):
        own = caller.get(attribute)
        if own and any(value != own for value in data.get(name) or ()):
            problems[name] = ["outside_scope"]
    return problems


# --- retries -----------------------------------------------------------------------
def retry_delay(attempts, base, factor=4.0, cap=86_400.0, rng=random.random):
    """Seconds before the next try after `attempts` failed ones: exponential with
    ±20 % jitter (so endpoints that failed together do not retry together)."""
    delay = min(base * factor ** (attempts - 1), cap)
    return delay * (0.8 + 0.4 * rng())


def schedule(max_attempts, base, factor=4.0, cap=86_400.0):
    """The nominal waits between `max_attempts` tries (no jitter)."""
    return [min(base * factor ** (n - 1), cap) for n in range(1, max_attempts)]


def retry_after(header, now):
    """Seconds a 429's Retry-After asks for (seconds or an HTTP date), or None."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


# --- targets -----------------------------------------------------------------------
class TargetRefused(ValueError):
    """A URL the portal must not call (its detail code in `args[0]`)."""


@dataclass(frozen=True)
class Target:
    """Where one try goes: the URL's parts and the addresses its host resolved to
    when it was checked. The sender connects to one of `addresses` (never resolving
    the name again) and keeps the name for the Host header and TLS (SNI, cert)."""

    scheme: str
    host: str
    port: int
    netloc: str
    path: str
    addresses: tuple


def check_target(url, allowed_hosts=(), resolve=socket.getaddrinfo):
    """The Target of a webhook URL, resolved once; refused (TargetRefused) when it is
    not http(s), carries credentials, or any address its host resolves to is a
    loopback, link-local, private or otherwise non-public one, unless the operator
    allows the host (PORTAL_WEBHOOK_ALLOWED_HOSTS). Checked on save and before every
    try, whose connection then goes to these very addresses (no DNS rebinding)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise TargetRefused("invalid_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("invalid_url")
    if parts.username or parts.password:
        raise TargetRefused("invalid_url")
    host = parts.hostname.lower()
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = resolve(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise TargetRefused("host_unresolved") from None
    addresses = tuple(dict.fromkeys(info[4][0].split("%")[0] for info in infos))
    if not addresses:
        raise TargetRefused("host_unresolved")
    if host not in allowed_hosts:
        for address in addresses:
            address = ipaddress.ip_address(address)
            if not address.is_global or address.is_multicast:
                raise TargetRefused("url_not_public")
    path = parts.path or "/"
    return Target(
        scheme=parts.scheme,
        host=host,
        port=port,
        netloc=parts.netloc,
        path=f"{path}?{parts.query}" if parts.query else path,
        addresses=addresses,
    )


def allowed_hosts(setting):
    return tuple(h.strip().lower() for h in (setting or "").split(",") if h.strip())
