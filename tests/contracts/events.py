"""Complete a test's partial event payload into one its contract schema accepts.

Tests publish only the facts they are about; the consumers load every payload with
the producer's schema, so what a test leaves out is filled in here, never guessed
by the consumer.
"""

import datetime as dt
import uuid

from services import contracts


def _defaults(payload):
    dossier = payload.get("dossier") if isinstance(payload.get("dossier"), dict) else {}
    return {
        "event_id": str(uuid.uuid4()),
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "dossier_id": dossier.get("id"),
        "version": dossier.get("version", 1),
        "to": dossier.get("status", "processing"),
        "action": "submit",
        "actor": {},
        "changes": [],
        "problems": {},
        "user_id": str(uuid.uuid4()),
        "full_name": "Nguyễn Văn An",
        "lang": "vi",
        "resent": False,
        "status": "open",
        "internal": False,
    }


def complete(source, event_type, payload):
    """`payload` with every required field its schema lacks (nested ones too)."""
    schema = contracts.event_schema(source, event_type)
    return _fill(schema, dict(payload), _defaults(payload))


def _fill(schema, payload, defaults):
    for name, field in schema._declared_fields.items():
        key = field.data_key or name
        if key not in payload and field.required and defaults.get(key) is not None:
            payload[key] = defaults[key]
        nested = getattr(field, "nested", None)
        if isinstance(nested, type) and isinstance(payload.get(key), dict):
            payload[key] = _fill(nested, dict(payload[key]), defaults)
    return payload
