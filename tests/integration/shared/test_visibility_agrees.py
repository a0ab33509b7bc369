"""The visibility rule's three forms agree: Python, PostgreSQL and OpenSearch.

Hypothesis generates callers (every role, client and anonymous, with attributes from
small pools so that they often collide) and records; the Python check
(`visibility.sees`), the SQL filter the dossiers service uses for lists
(`store.scope_columns` over a table of the same columns) and the OpenSearch clause the
search service uses (`queries.scope_clause` over documents built by
`mapping.document_from` in an index made from `mapping.index_body`) must select the
same records for every caller, records received by one agency and resolved by
another included (both agencies' staff see those).
"""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opensearchpy import OpenSearch

from services.dossiers.store import scope_columns
from services.search import mapping, queries
from services.shared import visibility
from services.shared.config import database_url
from services.shared.database import make_engine

PROVINCES = st.sampled_from(["01", "79", None])
AGENCIES = st.sampled_from(["A1", "A2", None])
DEPARTMENTS = st.sampled_from(["D1", "D2", None])
USERS = st.sampled_from(["u1", "u2", "u3", None])
WHEN = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
ROLES = [
    "citizen",
    "business",
    "desk",
    "officer",
    "leader",
    "admin",
    "province_admin",
    "operator",
    "system",
]
KIND_OF = {"citizen": "citizen", "business": "business", "operator": "operator"}

callers = st.one_of(
    st.builds(
        lambda roles, **attrs: {
            "kind": KIND_OF.get(roles[0], "staff"),
            "roles": roles,
            **attrs,
        },
        roles=st.lists(st.sampled_from(ROLES), min_size=1, max_size=2, unique=True),
        user_id=USERS,
        province=PROVINCES,
        agency=AGENCIES,
        department=DEPARTMENTS,
    ),
    st.builds(
        lambda **attrs: (
            {"kind": "client", "roles": [], "scopes": ["dossiers:read"]} | attrs
        ),
        province=PROVINCES,
        agency=AGENCIES,
    ),
    st.just({"kind": "anonymous", "roles": []}),
)
records = st.fixed_dictionaries(
    {
        "province": st.sampled_from(["01", "79"]),
        "agency": st.sampled_from(["A1", "A2"]),
        "department": DEPARTMENTS,
        # received here, resolved there: often the resolving agency itself
        "receiving_province": st.sampled_from(["01", "79"]),
        "receiving_agency": st.sampled_from(["A1", "A2"]),
        "owner": USERS,
        "assignees": st.lists(st.sampled_from(["u1", "u2", "u3"]), max_size=2),
        "submitted_at": st.sampled_from([None, WHEN]),
        "audience": st.sampled_from(visibility.AUDIENCES),
        "assignee": USERS,
        "created_by": USERS,
        "user_kind": st.sampled_from(["staff", "applicant"]),
    }
)

PROBE = sa.Table(
    "visibility_probe",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("province", sa.String(8)),
    sa.Column("agency", sa.String(64)),
    sa.Column("department", sa.String(64)),
    sa.Column("receiving_province", sa.String(8)),
    sa.Column("receiving_agency", sa.String(64)),
    sa.Column("owner_id", sa.String(64)),
    sa.Column("assignees", sa.JSON),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("audience", sa.String(16)),
    sa.Column("assignee", sa.String(64)),
    sa.Column("created_by", sa.String(64)),
    sa.Column("user_kind", sa.String(16)),
)


@pytest.fixture(scope="module")
def probe_db(stack):
    engine = make_engine(database_url("dossiers", stack.env), pool_size=2)
    PROBE.create(engine, checkfirst=True)
    yield engine
    PROBE.drop(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def probe_index(stack):
    client = OpenSearch(stack.env.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201"))
    name = f"{stack.env['PORTAL_INDEX_PREFIX']}visibility-probe-{uuid.uuid4().hex[:6]}"
    client.indices.create(index=name, body=mapping.index_body())
    yield client, name
    client.indices.delete(index=name)
    client.close()


def sql_answer(engine, caller, kind):
    own = ("audience", "assignee", "created_by", "user_kind")
    columns = scope_columns(PROBE) | {name: PROBE.c[name] for name in own}
    clause = visibility.to_sql(visibility.rule(caller, kind), columns)
    with engine.connect() as conn:
        return set(conn.scalars(sa.select(PROBE.c.id).where(clause)))


def search_answer(client, index, caller):
    scope = queries.scope_clause(caller)
    query = {"bool": {"filter": [scope]}} if scope else {"match_all": {}}
    found = client.search(index=index, body={"query": query, "size": 100})
    return {int(hit["_id"]) for hit in found["hits"]["hits"]}


def store(engine, client, index, rows):
    with engine.begin() as conn:
        conn.execute(PROBE.delete())
        conn.execute(
            PROBE.insert(),
            [
                {"id": i}
                | {k: v for k, v in r.items() if k != "owner"}
                | {"owner_id": r["owner"]}
                for i, r in enumerate(rows)
            ],
        )
    client.delete_by_query(
        index=index,
        body={"query": {"match_all": {}}},
        refresh=True,
        conflicts="proceed",
    )
    for i, row in enumerate(rows):
        snapshot = dict(row, id=str(i), status="processing")
        snapshot["submitted_at"] = (
            row["submitted_at"] and row["submitted_at"].isoformat()
        )
        client.index(index=index, id=str(i), body=mapping.document_from(snapshot))
    client.indices.refresh(index=index)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(records, min_size=1, max_size=20),
    who=st.lists(callers, min_size=1, max_size=8),
)
def test_python_sql_and_search_select_the_same_records(
    probe_db, probe_index, rows, who
):
    client, index = probe_index
    store(probe_db, client, index, rows)
    for caller in who:
        for kind in visibility.KINDS:
            expected = {
                i for i, r in enumerate(rows) if visibility.sees(caller, kind, r)
            }
            assert sql_answer(probe_db, caller, kind) == expected, (caller, kind)
        expected = {
            i for i, r in enumerate(rows) if visibility.sees(caller, "dossier", r)
        }
        assert search_answer(client, index, caller) == expected, caller
