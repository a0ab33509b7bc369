"""Hostile inputs for the fuzz test: values, field names, seed bodies per route.

Values mix the cases that used to answer 500 (NUL, lone surrogates, huge numbers,
deep nesting, wrong types, ids of the wrong shape) with hypothesis' own text and
numbers. Seed bodies are valid requests of the main writable routes, so that
mutating one field at a time reaches the services' code, not only the schemas.
"""

import inspect

from hypothesis import strategies as st
from marshmallow import Schema

from services.contracts import accounts as accounts_schemas
from services.contracts import dossiers as dossiers_schemas
from services.contracts import files as files_schemas
from services.contracts import notify as notify_schemas
from services.contracts import search as search_schemas

DEEP = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
SCALARS = [
    "",
    " ",
    "a\x00b",
    "\x00",
    "a\ud800b",
    "\udfff",
    "x" * 3000,
    "Đ" * 10_001,
    "<script>alert(1)</script>",
    "\u202eexe.png",
    "../../etc/passwd",
    "%00",
    "%ED%A0%80",
    "01",
    "99",
    "1",
    "-1",
    str(10**30),
    "2026-02-30",
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "a@b.c",
    0,
    -1,
    10**30,
    -(10**30),
    1.5,
    float("1e308"),
    True,
    False,
    None,
    [],
    {},
    ["a", 1],
    {"a": {"b": "\x00"}},
    DEEP,
]
VALUES = st.one_of(
    st.sampled_from(SCALARS),
    st.text(max_size=20),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
# What may stand in a path segment or a query value (always sent as text).
TEXTS = st.one_of(
    st.sampled_from([str(v) for v in SCALARS if not isinstance(v, list | dict)]),
    st.text(max_size=20),
    st.integers().map(str),
)
QUERY_NAMES = ["q", "page", "page_size", "status", "sort", "format", "lang", "next"]


def field_names():
    """Every input field name of the services' schemas (what bodies may carry)."""
    names = set()
    for module in (
        accounts_schemas,
        dossiers_schemas,
        files_schemas,
        notify_schemas,
        search_schemas,
    ):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                try:
                    fields = cls().fields.values()
                except TypeError:
                    continue
                names.update(f.data_key or f.name for f in fields)
    return sorted(names)


def seeds(ctx):
    """Valid bodies of the main writable routes, keyed by (method, template)."""
    proc, agency, dept = ctx["procedure"], ctx["agency"], ctx["department"]
    person = {"full_name": "Nguyễn Văn A", "email": "a@e2e.test"}
    return {
        ("post", "/api/v1/dossiers"): {
            "procedure": proc,
            "agency": agency,
            "form": {"child_name": "An", "copies": 1, "born": "2026-01-02"},
        },
        ("patch", "/api/v1/dossiers/{dossier_id}"): {
            "form": {"child_name": "An"},
            "expected_version": 1,
        },
        ("post", "/api/v1/dossiers/{dossier_id}/actions"): {
            "action": "receive",
            "department": dept,
            "note": "ghi chú",
        },
        ("post", "/api/v1/dossiers/{dossier_id}/comments"): {
            "body": "ý kiến",
            "internal": False,
        },
        ("post", "/api/v1/dossiers/{dossier_id}/tasks"): {
            "title": "việc",
            "due_date": "2026-12-31",
        },
        ("patch", "/api/v1/dossiers/{dossier_id}/tasks/{task_id}"): {
            "title": "việc",
            "status": "done",
        },
        ("post", "/api/v1/paper-dossiers"): {
            "procedure": proc,
            "applicant": person,
            "department": dept,
            "form": {"child_name": "An", "copies": 1},
        },
        ("post", "/api/v1/sessions"): {"email": "a@e2e.test", "password": "x"},
        ("post", "/api/v1/accounts"): {
            "kind": "citizen",
            "full_name": "Nguyễn Văn A",
            "email": "fuzz@e2e.test",
            "phone": "0912345678",
            "password": "Portal-E2e-2026",
            "national_id": "001190012345",
            "province": "01",
        },
        ("patch", "/api/v1/accounts/me"): {"full_name": "A", "address": "Hà Nội"},
        ("post", "/api/v1/agencies"): {
            "code": f"FZ{agency}",
            "name": "UBND",
            "province": "01",
        },
        ("post", "/api/v1/departments"): {"code": "TP", "name": "TP", "agency": agency},
        ("post", "/api/v1/staff"): {
            "email": "fz@e2e.test",
            "full_name": "Cán bộ",
            "role": "desk",
            "agency": agency,
            "province": "01",
        },
        ("put", "/api/v1/procedures/{code}"): ctx["procedure_body"],
        ("post", "/api/v1/procedures"): ctx["procedure_body"],
        ("put", "/api/v1/provinces/{code}/holidays/{year}"): {
            "holidays": [{"date": "2026-09-02", "name": "Quốc khánh"}]
        },
        ("put", "/api/v1/notification-templates/{key}"): {"source": "Xin chào"},
        ("post", "/api/v1/bulk-mails"): {
            "subject": "Thông báo",
            "body": "Nội dung",
            "criteria": {"kind": "staff", "agency": agency},
        },
        ("post", "/api/v1/oauth/token"): {
            "grant_type": "client_credentials",
            "client_id": "x",
            "client_secret": "y",
        },
    }  # fmt: skip


def body_strategy(seed, names):
    """Bodies for one route: its seed, with one field made hostile, or made up."""
    made_up = st.dictionaries(st.sampled_from(names), VALUES, max_size=4)
    choices = [made_up, st.sampled_from(SCALARS)]
    if seed:
        one_field = st.sampled_from(sorted(seed)).flatmap(
            lambda key: VALUES.map(lambda value: {**seed, key: value})
        )
        choices = [st.just(seed), one_field, one_field, *choices]
    return st.one_of(*choices)
