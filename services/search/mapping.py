"""The dossier document: its explicit field list and the index it lives in.

Only the fields named here reach the index (DESIGN rule 12): no national ID numbers,
and the applicant's e-mail is left out as well, since nobody searches by it and the
index is read far more widely than the dossier itself.
"""

# Vietnamese folding: lowercase + asciifolding ("Nguyễn Thị Hằng" -> "nguyen thi hang").
# OpenSearch 2.19's asciifolding already folds đ/Đ to d; the mapping char filter makes
# that explicit so any engine plugged in behind the adapter behaves the same.
ANALYSIS = {
    "char_filter": {"vi_d": {"type": "mapping", "mappings": ["đ=>d", "Đ=>D"]}},
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

PROPERTIES = {
    "id": KEYWORD,
    "receipt_number": {"type": "keyword", "normalizer": "vi_keyword"},
    "province": KEYWORD,
    "agency": KEYWORD,
    "department": KEYWORD,
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
ADDED_FIELDS = ("step", "step_due_date", "step_state", "owner", "received_by")

SCALARS = tuple(k for k, v in PROPERTIES.items() if "properties" not in v)
NESTED = {"procedure": ("code", "name", "version"), "applicant": ("id", "kind")}


def index_body(shards=1, replicas="0-1"):
    """Return the settings and mappings of a new dossiers index.

    Replicas follow the cluster: none on one node (the index stays green), one copy
    on another node as soon as there are two, so a node can stop without losing a
    document or an answer.
    """
    return {
        "settings": {
            "number_of_shards": shards,
            "auto_expand_replicas": replicas,
            "refresh_interval": "1s",
            "analysis": ANALYSIS,
        },
        "mappings": {"dynamic": "strict", "properties": PROPERTIES},
    }


def document_from(snapshot):
    """Build the index document from a dossier snapshot, keeping only listed fields."""
    doc = {key: snapshot.get(key) for key in SCALARS if key in snapshot}
    for key, fields in NESTED.items():
        part = snapshot.get(key) or {}
        doc[key] = {name: part.get(name) for name in fields if name in part}
    doc["applicant"]["full_name"] = (snapshot.get("applicant") or {}).get("full_name")
    doc["assignees"] = [str(a) for a in snapshot.get("assignees") or ()]
    return doc


def version_of(payload):
    """Return the dossier version an event carries (its contract requires one)."""
    return int(payload["version"])
