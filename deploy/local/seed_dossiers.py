"""Seed the demo province's procedure catalogue from services/dossiers/procedures.yaml.

Idempotent: a procedure that already exists is left as it is. Runs after accounts,
which puts the demo province and agency codes into `ctx`.
"""

from pathlib import Path

import yaml

from services.dossiers.exceptions import ProcedureExists
from services.shared.caller import SYSTEM

SOURCE = Path(__file__).resolve().parents[2] / "services/dossiers/procedures.yaml"
ACCEPT = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]
LEVELS = {"toàn trình": 4, "một phần": 3}
FIELD_KEYS = ("type", "required", "options", "profile")


def field(item):
    out = {"name": item["name"], "label": item["label_vi"]}
    out.update({k: item[k] for k in FIELD_KEYS if item.get(k) is not None})
    if out["type"] in ("text", "textarea"):
        out["max_length"] = 2000 if out["type"] == "textarea" else 300
    return out


def document(item):
    return {
        "slot": item["slot"],
        "name": item["name_vi"],
        "required": bool(item.get("required")),
        "accept": ACCEPT,
        "max_count": 5,
    }


def procedure(entry, province, agency):
    timing = entry.get("processing_time") or {}
    form = entry.get("form") or {}
    return {
        "code": entry.get("code") or entry["id"][:64],
        "province": province,
        "name": entry["name_vi"],
        "name_en": entry.get("name_en"),
        "level": LEVELS.get(entry.get("online_level"), 2),
        "processing_days": int(timing.get("value") or 0),
        "after_15h_next_working_day": bool(timing.get("after_15h_next_working_day")),
        "fee": (entry.get("fee") or {}).get("amount_vnd"),
        "fee_rule": (entry.get("fee") or {}).get("portal_rule"),
        "agencies": [agency] if agency else [],
        "legal_basis": entry.get("legal_basis") or [],
        "steps": entry.get("steps") or [],
        "form": {"fields": [field(f) for f in entry.get("form_fields") or []]},
        "documents": [document(d) for d in entry.get("documents") or []],
        "templates": [{"name": form["name_vi"]}] if form.get("name_vi") else [],
    }


def seed(rpc, ctx):
    province = ctx.get("province") or "01"
    agency = ctx.get("agency")
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    codes = []
    for entry in data["procedures"]:
        body = procedure(entry, province, agency)
        try:
            rpc.call("dossiers", "create_procedure", SYSTEM, body)
        except ProcedureExists:
            pass
        codes.append(body["code"])
    ctx["procedures"] = codes
    return codes
