"""The national view and the per-agency page answer what their former forms answered
(bench/national/before.py), on one seeded index in the real engine: the province
groups read from one (province, state) table, the rows ordered by the terms
aggregation itself instead of built whole and cut by `bucket_sort`."""

import os
import random
import uuid

import pytest

from bench.national import before
from bench.national.bench_national import country, dossier
from services.contracts.search import ROW_SORTS
from services.search import queries
from services.search.dependencies import DossierIndex
from services.search.engine import Engine

from .conftest import OPERATOR

COUNT = 3000


@pytest.fixture(scope="module")
def index():
    url = os.environ.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201")
    engine = Engine(url, f"t{uuid.uuid4().hex[:8]}-forms-", timeout=60)
    found = DossierIndex(engine)
    name = engine.index_name(1)
    engine.create_index(name, building=True)
    engine.switch_alias(None, name)
    shape, catalogue = country(20)
    rnd = random.Random(18)
    docs = [dossier(i, rnd, shape, catalogue) for i in range(COUNT)]
    # a pre-2025 code (02, counted in 08), no province, no deadline state
    docs[0]["province"], docs[1]["province"] = "02", None
    docs[2]["deadline_state"] = None
    docs[3].update(province="02", deadline_state="completed_late")
    assert found.bulk_index(docs) == (COUNT, 0)
    engine.finish_index(name)
    yield found
    engine.client.indices.delete(index=f"{engine.prefix}*")
    engine.close()


def former(index, caller, body_of):
    query = queries.bool_query(caller, {}, queries.stats_scope_clause)
    return index.engine.search(body_of(query))


PROVINCE_ADMIN = {"user_id": "pa", "kind": "staff", "roles": ["province_admin"],
                  "province": "08"}  # fmt: skip


@pytest.mark.parametrize("caller", [OPERATOR, PROVINCE_ADMIN])
def test_the_national_view_answers_as_its_three_aggregations_did(index, caller):
    groups = ["province", "performance_by_province", "on_time_rate", "month"]
    now = index.aggregate(caller, {}, groups, "month")
    then = before.read(
        former(index, caller, lambda q: before.national_body(q, "month"))
    )
    assert now == then
    assert now["total"] > 0 and now["groups"]["on_time_rate"]["completed"] > 0


def agency_pages(index, rows):
    """The page as the service answers it now, and as the former form did."""
    groups = ["performance_by_agency"]
    now = index.aggregate(OPERATOR, {}, groups, "month", rows)
    body_of = lambda q: before.agency_page_body(q, rows)  # noqa: E731
    return now, before.read(former(index, OPERATOR, body_of), rows)


def test_every_order_of_the_agency_rows_pages_as_before(index):
    for sort in ROW_SORTS:
        for order in (sort, f"-{sort}"):
            for page, size in ((1, 50), (3, 7), (30, 50)):
                rows = {"page": page, "page_size": size, "sort": order}
                now, then = agency_pages(index, rows)
                assert now == then, (order, page, size)
                assert len(now["groups"]["performance_by_agency"]) == size
    now, then = agency_pages(index, {"page": 100, "page_size": 50, "sort": "-late"})
    assert now == then and now["groups"]["performance_by_agency"] == []  # past the end
    assert now["pages"]["performance_by_agency"]["total"] > 1000
