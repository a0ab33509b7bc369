"""The dossier document: its explicit field list and the index it lives in.

Only the fields named here reach the index (DESIGN rule 12): no national ID numbers,
and the applicant's e-mail is left out as well, since nobody searches by it and the
index is read far more widely than the dossier itself.
"""

import datetime as dt

from services.shared import visibility

# Vietnamese folding: lowercase + asciifolding ("Nguyễn Thị Hằng" -> "nguyen thi hang").
# OpenSearch 2.19's asciifolding already folds đ/Đ to d; the mapping char filter makes
# that explicit so any engine plugged in behind the adapter behaves the same.
ANALYSIS = {
    "char_filter": {
        "vi_d": {"type": "mapping", "mappings": ["đ=>d", "Đ=>D"]},
        # "to-khai_ban.chinh.pdf" -> "to khai ban chinh pdf": each part a word
        "name_parts": {
            "type": "pattern_replace",
            "pattern": "[._\\-]+",
            "replacement": " ",
        },
    },
    "filter": {
        "vi_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
    },
    "analyzer": {
        "vi_text": {
            "tokenizer": "standard",
            "char_filter": ["vi_d"],
            "filter": ["lowercase", "asciifolding"],
        },
        "vi_prefix": {
            "tokenizer": "standard",
            "char_filter": ["vi_d"],
            "filter": ["lowercase", "asciifolding", "vi_edge"],
        },
        "vi_file": {
            "tokenizer": "standard",
            "char_filter": ["vi_d", "name_parts"],
            "filter": ["lowercase", "asciifolding"],
        },
        "vi_file_prefix": {
            "tokenizer": "standard",
            "char_filter": ["vi_d", "name_parts"],
            "filter": ["lowercase", "asciifolding", "vi_edge"],
        },
    },
    "normalizer": {
        "vi_keyword": {
            "type": "custom",
            "char_filter": ["vi_d"],
            "filter": ["lowercase", "asciifolding"],
        }
    },
}

KEYWORD = {"type": "keyword"}
NAME = {"type": "keyword", "normalizer": "vi_keyword"}
DATE = {"type": "date"}
TEXT = {
    "type": "text",
    "analyzer": "vi_text",
    "fields": {
        "prefix": {
            "type": "text",
            "analyzer": "vi_prefix",
            "search_analyzer": "vi_text",
        },
        "sort": {"type": "keyword", "normalizer": "vi_keyword", "ignore_above": 256},
    },
}

FILE_NAME = {
    "type": "text",
    "analyzer": "vi_file",
    "fields": {
        "prefix": {
            "type": "text",
            "analyzer": "vi_file_prefix",
            "search_analyzer": "vi_file",
        },
        "sort": TEXT["fields"]["sort"],
    },
}

PROPERTIES = {
    "id": KEYWORD,
    "receipt_number": {"type": "keyword", "normalizer": "vi_keyword"},
    "province": KEYWORD,
    "agency": KEYWORD,
    "department": KEYWORD,
    # the desk that received it (the resolving agency unless filed elsewhere): its
    # staff see the dossier too, and the statistics count its receptions there
    "receiving_province": KEYWORD,
    "receiving_agency": KEYWORD,
    "procedure": {
        "properties": {"code": KEYWORD, "name": TEXT, "version": {"type": "integer"}}
    },
    "applicant": {"properties": {"id": KEYWORD, "kind": KEYWORD, "full_name": TEXT}},
    "status": KEYWORD,
    "deadline_state": KEYWORD,
    "days_late": {"type": "integer"},
    "appointment_date": DATE,
    "submitted_at": DATE,
    "received_at": DATE,
    # the desk member who received it (the desk's own statistics)
    "received_by": KEYWORD,
    "completed_at": DATE,
    "updated_at": DATE,
    "assignees": KEYWORD,
    # whose dossier it is (the applicant's account; none for an unclaimed paper one)
    "owner": KEYWORD,
    "fee": {"type": "double"},
    # the number of the form field the procedure names its value (`value_field`)
    "value": {"type": "double"},
    # the assignees' names (accounts), so lists sort by name rather than by user id
    "assignee_names": NAME,
    "form_text": {"type": "text", "analyzer": "vi_text"},
    "paper": {"type": "boolean"},
    # the current workflow step and its own time limit (dossiers' step_limits)
    "step": KEYWORD,
    "step_due_date": DATE,
    "step_state": KEYWORD,
    "version": {"type": "long"},
}
# Fields added after v1 was created: `Engine.ensure` adds them to an existing index
# (adding fields to a mapping is allowed in place; no rebuild needed).
ADDED_FIELDS = (
    "step",
    "step_due_date",
    "step_state",
    "owner",
    "value",
    "assignee_names",
    "received_by",
    "receiving_province",
    "receiving_agency",
)

SCALARS = tuple(k for k, v in PROPERTIES.items() if "properties" not in v)
NESTED = {"procedure": ("code", "name", "version"), "applicant": ("id", "kind")}

# Seconds between the engine's own refreshes of an index (writes become searchable).
REFRESH_INTERVAL = 1.0


def index_body(shards=1, replicas="0-1", kind="dossiers"):
    """Return the settings and mappings of a new dossiers index.

    Replicas follow the cluster: none on one node (the index stays green), one copy
    on another node as soon as there are two, so a node can stop without losing a
    document or an answer.
    """
    return {
        "settings": {
            "number_of_shards": shards,
            "auto_expand_replicas": replicas,
            "refresh_interval": f"{REFRESH_INTERVAL:g}s",
            "analysis": ANALYSIS,
        },
        "mappings": {"dynamic": "strict", "properties": INDEXES[kind]},
    }


def document_from(snapshot, names=None):
    """Build the index document from a dossier snapshot, keeping only listed fields.

    `names` maps user ids to names (accounts); an unknown id keeps no name.
    """
    names = names or {}
    doc = received_where({key: snapshot.get(key) for key in SCALARS if key in snapshot})
    for key, fields in NESTED.items():
        part = snapshot.get(key) or {}
        doc[key] = {name: part.get(name) for name in fields if name in part}
    doc["applicant"]["full_name"] = (snapshot.get("applicant") or {}).get("full_name")
    doc["assignees"] = [str(a) for a in snapshot.get("assignees") or ()]
    doc["assignee_names"] = [names[a] for a in doc["assignees"] if names.get(a)]
    return doc


RECEIVING = {"receiving_agency": "agency", "receiving_province": "province"}


def received_where(doc):
    """A snapshot from before the receiving agency existed was received by the
    agency that resolves it."""
    for field, own in RECEIVING.items():
        if doc.get(field) is None and own in doc:
            doc[field] = doc[own]
    return doc


def people_of(snapshot):
    """The user ids whose names the documents of a snapshot carry."""
    tasks = snapshot.get("tasks") or ()
    found = {str(a) for a in snapshot.get("assignees") or ()}
    return found | {t["assignee"] for t in tasks if t.get("assignee")}


# --- tasks: one document per task, with its dossier's scope and list fields --------
# The dossier fields a task and a file document copy (scope fields of the visibility
# rule, and what their lists show, filter and sort by).
DOSSIER_FIELDS = visibility.DOSSIER_SCOPE_FIELDS + ("receipt_number", "status", "value")
COPIED = {name: PROPERTIES[name] for name in DOSSIER_FIELDS}
DOSSIER_PART = {
    "dossier_id": KEYWORD,
    "procedure": {"properties": {"code": KEYWORD, "name": TEXT}},
    "applicant": {"properties": {"full_name": TEXT}},
}
TASK_PROPERTIES = {
    "id": KEYWORD,  # "<dossier id>:<task id>"
    "task_id": {"type": "long"},
    "title": TEXT,
    "assignee": KEYWORD,
    "assignee_name": NAME,
    "created_by": KEYWORD,
    "due_date": DATE,
    "due_state": KEYWORD,
    "task_status": KEYWORD,
    "version": {"type": "long"},
    **DOSSIER_PART,
    **COPIED,
}
FILE_PROPERTIES = {
    "id": KEYWORD,  # the file id
    "name": FILE_NAME,
    "slot": KEYWORD,
    "kind": KEYWORD,
    "audience": KEYWORD,
    "content_type": KEYWORD,
    "size": {"type": "long"},
    "uploaded_at": DATE,
    # the version of the dossier its part was copied from: an older event's update
    # does not overwrite a newer one's (`Engine.follow_dossier`)
    "dossier_version": {"type": "long"},
    **DOSSIER_PART,
    **COPIED,
}
# the files' own bookkeeping, left out of the lists' answers (not in their contract)
FILE_UNLISTED = ("dossier_version",)
# --- procedures: the national catalogue, one document per province's procedure --
PROCEDURE_PROPERTIES = {
    "id": KEYWORD,  # "<province>:<code>" (codes are national, one per province)
    "code": NAME,  # matched whole or by prefix, case and diacritics folded
    "province": KEYWORD,
    "name": TEXT,
    "name_en": TEXT,
    "level": {"type": "integer"},
    "fee": {"type": "long"},
    # the resolving agencies (codes and names, accounts'); none: any of the province
    "agencies": {"properties": {"code": KEYWORD, "name": TEXT}},
    "received_elsewhere": {"type": "boolean"},
    "version": {"type": "integer"},
    # kept, not deleted: a late older event cannot bring a withdrawn one back
    "withdrawn": {"type": "boolean"},
    "revision": {"type": "long"},
}
# The index behind each alias: name -> its properties.
INDEXES = {
    "dossiers": PROPERTIES,
    "tasks": TASK_PROPERTIES,
    "files": FILE_PROPERTIES,
    "procedures": PROCEDURE_PROPERTIES,
}
# The kinds that copy a dossier's fields, with the fields added to them since their
# v1 (added in place by `Engine.ensure_kind`).
DOSSIER_COPIES = {
    "tasks": tuple(RECEIVING),
    "files": tuple(RECEIVING) + ("dossier_version",),
}


def procedure_document(entry, names=None, withdrawn=False):
    """The document of a procedure (dossiers' `IndexedProcedure`), its agencies
    named by `names` (code -> name; an unknown code keeps none)."""
    names = names or {}
    doc = {name: entry.get(name) for name in PROCEDURE_PROPERTIES if name in entry}
    doc["id"] = procedure_id(entry["province"], entry["code"])
    doc["agencies"] = [{"code": c, "name": names.get(c)} for c in entry["agencies"]]
    doc["withdrawn"] = withdrawn
    return doc


def procedure_id(province, code):
    return f"{province}:{code}"


def dossier_part(snapshot):
    """What a task or file document copies of its dossier (from a dossier document
    or snapshot)."""
    part = received_where({name: snapshot.get(name) for name in DOSSIER_FIELDS})
    procedure = snapshot.get("procedure") or {}
    part["procedure"] = {"code": procedure.get("code"), "name": procedure.get("name")}
    applicant = snapshot.get("applicant") or {}
    part["applicant"] = {"full_name": applicant.get("full_name")}
    part["assignees"] = [str(a) for a in snapshot.get("assignees") or ()]
    part["dossier_id"] = snapshot.get("id")
    return part


def _date(value):
    """An ISO date, or None (the event's task carries it as text)."""
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


def task_documents(snapshot, names=None):
    """One document per task of the snapshot (drafts have none that anyone lists)."""
    names = names or {}
    part = dossier_part(snapshot)
    docs = []
    for task in snapshot.get("tasks") or ():
        docs.append(
            dict(
                part,
                id=f"{snapshot['id']}:{task['id']}",
                task_id=task["id"],
                title=task.get("title"),
                assignee=task.get("assignee"),
                assignee_name=names.get(task.get("assignee")),
                created_by=task.get("created_by"),
                due_date=_date(task.get("due_date")),
                due_state=task.get("due_state"),
                task_status=task.get("status"),
            )
        )
    return docs


def file_document(meta, dossier=None):
    """The document of one dossier file (files `get_file`), with its dossier's part
    when the dossier is indexed (a draft's files get it on submission)."""
    doc = {
        "id": str(meta["id"]),
        "name": meta.get("name"),
        "slot": meta.get("slot"),
        "kind": meta.get("kind"),
        "audience": meta.get("audience"),
        "content_type": meta.get("content_type"),
        "size": meta.get("size"),
        "uploaded_at": meta.get("created_at") or meta.get("uploaded_at"),
    }
    part = dossier_part(dossier or {})
    part["dossier_id"] = meta.get("dossier_id")
    return dict(doc, dossier_version=dossier_version(dossier), **part)


def dossier_version(dossier):
    """The version of a dossier document (0: not indexed, a draft)."""
    return int((dossier or {}).get("version") or 0)


def version_of(payload):
    """Return the dossier version an event carries (its contract requires one)."""
    return int(payload["version"])
