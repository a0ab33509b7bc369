"""The webhooks service's reads and writes (each takes the caller's session).

Events are stored concurrently (no lock), each with the id of the transaction that
stored it (`txid`, PostgreSQL's `pg_current_xact_id()`). The feed is ordered by
(txid, seq) and shows only events of transactions older than the oldest one still
running (`pg_snapshot_xmin`): every transaction that could still commit sorts after
them, so a reader's cursor never skips an event committed late.
"""

import datetime as dt
import os

from sqlalchemy import (
    JSON,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert

from services.shared.visibility import rule, sees, to_sql

from . import domain
from .models import Delivery, Event, Subscription

HORIZON = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


def now():
    """Real time: deliveries and leases never follow a back-dated clock."""
    return dt.datetime.now(dt.UTC)


# --- events ------------------------------------------------------------------------
STORED = (
    "event_id", "type", "source", "occurred_at", "stored_at", "subject", "kind",
    "province", "agency", "department", "receiving_province", "receiving_agency",
    "procedure", "owner", "assignees", "submitted_at", "audience", "data_version",
    "data",
)  # fmt: skip
# as text: SQLAlchemy compiles its PostgreSQL `insert ... on conflict` again on
# every call (never cached), a fifth of the intake's CPU
STORE = text(
    f"INSERT INTO events (txid, {', '.join(STORED)}) VALUES"
    f" (pg_current_xact_id()::text::bigint, {', '.join(':' + c for c in STORED)})"
    " ON CONFLICT (event_id) DO NOTHING RETURNING seq"
).bindparams(bindparam("assignees", type_=JSON), bindparam("data", type_=JSON))


def store_event(session, source, event_type, schema, payload):
    """Log the event once and add one delivery per active subscription that asked
    for it and may see it; return those subscriptions' ids, or None for a
    redelivered event (its id stored before)."""
    record = domain.record_of(payload)
    seq = session.scalar(
        STORE,
        {
            "event_id": payload["event_id"],
            "type": event_type,
            "source": source,
            "occurred_at": dt.datetime.fromisoformat(payload["occurred_at"]),
            "stored_at": now(),
            "subject": payload["dossier_id"],
            "kind": record["kind"],
            "province": record["province"],
            "agency": record["agency"],
            "department": record["department"],
            "receiving_province": record["receiving_province"],
            "receiving_agency": record["receiving_agency"],
            "procedure": record["procedure"],
            "owner": record["owner"],
            "assignees": record["assignees"],
            "submitted_at": record["submitted_at"],
            "audience": record["audience"],
            "data_version": domain.DATA_VERSION,
            "data": domain.project(schema, payload),
        },
    )
    if seq is None:
        return None
    return fan_out(session, seq, event_type, record)


# what matching an event needs of each active subscription (Core rows: loading the
# whole subscriptions as objects for every event stored cost more than matching)
MATCHED = (
    Subscription.id, Subscription.client, Subscription.event_types,
    Subscription.provinces, Subscription.agencies, Subscription.procedures,
)  # fmt: skip


def fan_out(session, seq, event_type, record):
    subscriptions = session.execute(
        select(*MATCHED).where(Subscription.active.is_(True))
    ).all()
    targets = [
        sub.id
        for sub in subscriptions
        if domain.matches(_view(sub), event_type, record)
        and sees(sub.client, record["kind"], record)
    ]
    if targets:
        # Core, one multi-row INSERT (the ORM's bulk path cost more than the rest
        # of the intake together)
        session.execute(insert(Delivery.__table__), delivery_rows(targets, seq))
    return targets


def delivery_rows(subscription_ids, seq):
    """New pending deliveries of an event, due now; their ids (the `webhook-id`) are
    random, drawn in one read of the system's source for all of them."""
    moment, size = now(), 16
    raw = os.urandom(size * len(subscription_ids))
    return [
        {
            "id": f"msg_{raw[i * size : (i + 1) * size].hex()}",
            "subscription_id": subscription_id,
            "event_seq": seq,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": moment,
            "created_at": moment,
        }
        for i, subscription_id in enumerate(subscription_ids)
    ]


def new_delivery(subscription_id, seq):
    return Delivery(**delivery_rows([subscription_id], seq)[0])


def envelope(event):
    """The body of a webhook and an item of the feed."""
    return {
        "id": event.event_id,
        "type": event.type,
        "time": event.occurred_at.isoformat(),
        "subject": event.subject,
        "province": event.province,
        "agency": event.agency,
        "receiving_province": event.receiving_province,
        "receiving_agency": event.receiving_agency,
        "procedure": event.procedure,
        "data_version": event.data_version,
        "data": event.data,
        "cursor": cursor_of(event),
    }


def _columns():
    return {
        "province": Event.province,
        "agency": Event.agency,
        "department": Event.department,
        "receiving_province": Event.receiving_province,
        "receiving_agency": Event.receiving_agency,
        "owner": Event.owner,
        "submitted_at": Event.submitted_at,
        "audience": Event.audience,
        "assignees": lambda op, value: Event.assignees.cast(JSONB).contains([value]),
    }


def visible(caller):
    """The SQL filter of the events `caller` may see (one visibility rule per kind)."""
    columns = _columns()
    return or_(
        *(
            and_(Event.kind == kind, to_sql(rule(caller, kind), columns))
            for kind in domain.EVENT_KINDS
        )
    )


def cursor_of(event):
    return f"{event.txid}.{event.seq}"


def parse_cursor(cursor):
    """(txid, seq) of a cursor; "0" is the start."""
    txid, _, seq = str(cursor).partition(".")
    return int(txid), int(seq or 0)


def feed(session, caller, after, limit):
    txid, seq = parse_cursor(after)
    rows = session.scalars(
        select(Event)
        .where(
            tuple_(Event.txid, Event.seq) > tuple_(txid, seq),
            Event.txid < HORIZON,
            visible(caller),
        )
        .order_by(Event.txid, Event.seq)
        .limit(limit + 1)
    ).all()
    items = [envelope(e) for e in rows[:limit]]
    return {
        "items": items,
        "next": items[-1]["cursor"] if items else str(after),
        "more": len(rows) > limit,
    }


# --- subscriptions -----------------------------------------------------------------
def _view(sub):
    return {
        "event_types": sub.event_types,
        "provinces": sub.provinces,
        "agencies": sub.agencies,
        "procedures": sub.procedures,
    }


def subscription_view(session, sub):
    counts = dict(
        session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.subscription_id == sub.id)
            .group_by(Delivery.status)
        ).all()
    )
    return {
        "id": sub.id,
        "client_id": sub.client_id,
        "url": sub.url,
        "description": sub.description,
        **_view(sub),
        "active": sub.active,
        "disabled_reason": sub.disabled_reason,
        "created_at": sub.created_at.isoformat(),
        "pending": counts.get("pending", 0),
        "failed": counts.get("failed", 0),
    }


def delivery_view(delivery, event):
    def iso(value):
        return value.isoformat() if value else None

    return {
        "id": delivery.id,
        "subscription_id": delivery.subscription_id,
        "event_id": event.event_id,
        "event_type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "last_attempt_at": iso(delivery.last_attempt_at),
        "next_attempt_at": iso(
            delivery.next_attempt_at if delivery.status == "pending" else None
        ),
        "delivered_at": iso(delivery.delivered_at),
    }


def deliveries(session, subscription_id, status, page, page_size):
    where = [Delivery.subscription_id == subscription_id]
    if status:
        where.append(Delivery.status == status)
    total = session.scalar(select(func.count()).select_from(Delivery).where(*where))
    rows = session.execute(
        select(Delivery, Event)
        .join(Event, Event.seq == Delivery.event_seq)
        .where(*where)
        .order_by(Delivery.event_seq.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return {"items": [delivery_view(d, e) for d, e in rows], "total": total}


def replay(session, sub, delivery_id=None, since=None, until=None):
    """Send again one delivery, or every event of [since, until) the subscription
    asked for and may see (a delivery it had keeps its id; others are added)."""
    if delivery_id:
        done = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.subscription_id == sub.id)
            .values(status="pending", next_attempt_at=now(), attempts=0)
        ).rowcount
        return done
    where = [Event.occurred_at >= since]
    if until:
        where.append(Event.occurred_at < until)
    count = 0
    had = dict(
        session.execute(
            select(Delivery.event_seq, Delivery.id).where(
                Delivery.subscription_id == sub.id
            )
        ).all()
    )
    for event in session.scalars(select(Event).where(*where).order_by(Event.seq)):
        record = _record(event)
        if not (
            domain.matches(_view(sub), event.type, record)
            and sees(sub.client, event.kind, record)
        ):
            continue
        if event.seq in had:
            session.execute(
                update(Delivery)
                .where(Delivery.id == had[event.seq])
                .values(status="pending", next_attempt_at=now(), attempts=0)
            )
        else:
            session.add(new_delivery(sub.id, event.seq))
        count += 1
    return count


def _record(event):
    return {
        "province": event.province,
        "agency": event.agency,
        "department": event.department,
        "receiving_province": event.receiving_province,
        "receiving_agency": event.receiving_agency,
        "procedure": event.procedure,
        "owner": event.owner,
        "assignees": event.assignees,
        "submitted_at": event.submitted_at,
        "audience": event.audience,
    }
