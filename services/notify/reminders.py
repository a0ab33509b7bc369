"""Daily reminder digests: officers' due-soon/overdue work, leaders' overdue summary.

The data comes from dossiers `list_due_work(caller, within_days)` (through the Peers
facade) shaped as {"officers": [{"user": {id, email, full_name, lang}, "items":
[{kind, title, due_date, state, dossier_id}]}], "leaders": [{"user": {...},
"departments": [{department, overdue}], "items": [...]}]}. One run per local day
(the `reminder_runs` row is the lock, shared by every instance).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert

from services.shared.errors import ValidationFailed

from . import domain, store
from .models import ReminderRun


def due_day(reminder_time, timezone, now=None):
    """Return today's local date (ISO) once the reminder time has passed, else None."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(timezone))
    hour, _, minute = reminder_time.partition(":")
    if (local.hour, local.minute) >= (int(hour), int(minute or 0)):
        return local.date().isoformat()
    return None


def parse_day(value):
    """Return an ISO date string or raise ValidationFailed."""
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationFailed("Invalid input", {"day": ["invalid_date"]}) from None


def claim_day(session, day):
    """Record that `day`'s digests are being sent; False if someone already did."""
    stmt = insert(ReminderRun).values(day=day, started_at=store.utcnow())
    return session.execute(stmt.on_conflict_do_nothing()).rowcount == 1


def digests(work, public_url):
    """Turn the due-work answer into planned digest e-mails."""
    planned = []
    for key, entries in (
        ("reminder_digest", work.get("officers") or ()),
        ("leader_digest", work.get("leaders") or ()),
    ):
        for entry in entries:
            user = entry.get("user") or {}
            items = list(entry.get("items") or ())
            if not domain.valid_email(user.get("email")) or not (
                items or entry.get("departments")
            ):
                continue
            context = {
                "name": user.get("full_name") or "",
                "items": items,
                "departments": entry.get("departments") or [],
                "user_id": user.get("id"),
            }
            planned.append(
                domain.Planned(
                    key,
                    user["email"],
                    user.get("full_name"),
                    domain.lang_of(user.get("lang")),
                    context,
                )
            )
    return planned


def queue_digests(session, renderer, day, work, public_url):
    """Queue every digest of `day` once (event id `reminder:<day>:<user>`)."""
    queued = 0
    for item in digests(work, public_url):
        rendered = renderer.render(item.key, item.lang, item.context)
        event_id = f"reminder:{day}:{item.context['user_id'] or item.recipient}"
        queued += store.queue(session, event_id[:64], item, rendered, [])
    return queued
