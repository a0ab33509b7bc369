"""Pure parts of the work lists: tabs, sorts by name and value, task and file docs."""

import pytest

from services.contracts.dossiers import FormDef
from services.contracts.search import TABS, FileFiltersSchema, TaskFiltersSchema
from services.dossiers import forms
from services.search import mapping, queries
from services.search.exceptions import InvalidFilter
from services.search.service import _validated
from services.shared.errors import ValidationFailed
from services.shared.schemas import load

OFFICER = {
    "user_id": "off-1",
    "kind": "staff",
    "roles": ["officer"],
    "province": "01",
    "agency": "AG",
    "department": "D1",
}


def test_every_tab_has_its_filter_and_counts_only_open_dossiers():
    body = queries.tabs_body(OFFICER, {"tab": "overdue", "q": "hang"})
    counted = body["aggs"]["tabs"]
    assert list(counted["aggs"]["by"]["filters"]["filters"]) == list(TABS)
    assert counted["filter"] == {"terms": {"status": list(queries.OPEN)}}
    # the tab asked for does not narrow the counts of the others
    assert "overdue" not in repr(body["query"])


def test_the_work_list_page_is_one_request_its_tab_narrowing_only_the_hits():
    paging = {"sort": "time_left", "page": 2, "page_size": 20}
    body = queries.work_list_body(OFFICER, {"tab": "overdue", "q": "hang"}, paging)
    # the counts aggregate over the query, which holds the other filters and scope
    assert body["aggs"]["tabs"] == queries.tab_counts()
    assert "overdue" not in repr(body["query"])
    assert body["query"]["bool"]["must"] == [queries.keyword_clause("hang")]
    assert queries.scope_clause(OFFICER) in body["query"]["bool"]["filter"]
    # the tab narrows the page only, after the aggregations
    assert body["post_filter"] == {"bool": {"filter": [
        {"terms": {"status": list(queries.OPEN)}},
        {"terms": {"deadline_state": ["overdue"]}},
    ]}}  # fmt: skip
    assert (body["from"], body["size"]) == (20, 20)
    assert body["sort"][0] == {"appointment_date": {"order": "asc", "missing": "_last"}}
    without = queries.work_list_body(OFFICER, {}, paging)
    assert "post_filter" not in without


def test_the_work_list_answer_is_the_page_and_the_tabs():
    buckets = {tab: {"doc_count": n} for n, tab in enumerate(TABS)}
    receiving = [{"key": "T79", "doc_count": 2}, {"key": "UBX", "doc_count": 19}]
    answer = {
        "hits": {"total": {"value": 3}, "hits": [{"_source": {"id": "d1"}}]},
        "aggregations": {
            "tabs": {"doc_count": 21, "by": {"buckets": buckets}},
            "receiving": {"in": {"codes": {"buckets": receiving}}},
        },
    }
    found = queries.read_work_list(answer)
    assert found["items"] == [{"id": "d1"}] and found["total"] == 3
    assert found["tabs"]["total"] == 21
    assert found["tabs"]["items"][3] == {"key": TABS[3], "count": 3}
    assert found["receiving_agencies"] == [
        {"key": "T79", "count": 2}, {"key": "UBX", "count": 19}
    ]  # fmt: skip


def test_the_receiving_agencies_offered_are_counted_apart_from_the_one_chosen():
    """The work list offers the receiving agencies of the caller's dossiers under
    the other filters: the agency chosen (and the tab) does not narrow them, the
    caller's scope does."""
    paging = {"sort": "time_left", "page": 1, "page_size": 20}
    filters = {"tab": "returned", "receiving_agency": "T79", "procedure": "P1"}
    body = queries.work_list_body(OFFICER, filters, paging)
    offered = body["aggs"]["receiving"]
    assert offered["global"] == {}  # not within the query, which holds T79
    within = offered["aggs"]["in"]["filter"]
    assert within == queries.bool_query(OFFICER, {"procedure": "P1"})
    assert queries.scope_clause(OFFICER) in within["bool"]["filter"]
    assert offered["aggs"]["in"]["aggs"]["codes"]["terms"]["field"] == (
        "receiving_agency"
    )


def test_sorting_by_assignee_uses_the_indexed_names():
    (clause, tiebreak) = queries.sort_clause("-assignee")
    assert clause == {
        "assignee_names": {"order": "desc", "missing": "_last", "mode": "max"}
    }
    assert tiebreak == {"id": {"order": "asc"}}
    doc = mapping.document_from(
        {"id": "d", "assignees": ["u1", "u2", "u3"]}, {"u1": "Trần Bình", "u2": "An"}
    )
    assert doc["assignee_names"] == ["Trần Bình", "An"]


def test_the_value_is_the_number_of_the_field_the_procedure_names():
    form = {"fields": [{"name": "gia_tri", "type": "number"}], "value_field": "gia_tri"}
    assert forms.value_of(form, {"gia_tri": 1500000}) == 1500000.0
    assert forms.value_of(form, {}) is None
    assert forms.value_of({"fields": []}, {"gia_tri": 3}) is None
    with pytest.raises(ValidationFailed) as refused:
        load(FormDef(), {"fields": [{"name": "ten", "label": "Tên", "type": "text"}],
                         "value_field": "ten"})  # fmt: skip
    assert "value_field" in refused.value.details


def test_a_task_document_carries_its_dossiers_scope_and_the_assignees_name():
    snapshot = {
        "id": "d1", "province": "01", "agency": "AG", "department": "D1",
        "owner": "c1", "assignees": ["off-1"], "submitted_at": "2025-03-01",
        "procedure": {"code": "KS", "name": "Khai sinh", "version": 2},
        "applicant": {"id": "c1", "full_name": "Lê Hoa", "email": "x@y.vn"},
        "tasks": [{"id": 7, "title": "Xác minh", "assignee": "off-1",
                   "created_by": "l1", "due_date": "2025-03-05",
                   "due_state": "overdue", "status": "open"}],
    }  # fmt: skip
    (doc,) = mapping.task_documents(snapshot, {"off-1": "Cán bộ A"})
    assert doc["id"] == "d1:7" and doc["assignee_name"] == "Cán bộ A"
    assert doc["applicant"] == {"full_name": "Lê Hoa"}  # no e-mail in the index
    assert set(doc) <= set(mapping.TASK_PROPERTIES)
    # an officer's task list: only the tasks assigned to or created by him
    query = repr(queries.task_query(OFFICER, {}))
    assert "'assignee': 'off-1'" in query and "'created_by': 'off-1'" in query


def test_file_search_keeps_to_what_the_caller_may_open():
    citizen = {"user_id": "c1", "kind": "citizen", "roles": ["citizen"]}
    query = repr(queries.file_query(citizen, {"q": "giay"}))
    assert "'owner': 'c1'" in query and "'audience': 'public'" in query
    doc = mapping.file_document(
        {"id": "f1", "dossier_id": "d1", "name": "a.pdf", "audience": "internal"}
    )
    assert doc["province"] is None  # nobody's until its dossier is indexed


def test_list_filters_are_refused_by_field():
    with pytest.raises(InvalidFilter) as refused:
        _validated(
            (TaskFiltersSchema(), {"deadline_state": "late", "due_from": "x"}),
            (FileFiltersSchema(), {"uploaded_from": "2025-02-01",
                                   "uploaded_to": "2025-01-01"}),
        )  # fmt: skip
    assert set(refused.value.details) == {"deadline_state", "due_from", "uploaded_to"}


def test_a_list_asks_its_page_and_its_exact_total_apart():
    body = {"query": {"match_all": {}}, "sort": [], "from": 20, "size": 20,
            "track_total_hits": True}  # fmt: skip
    page, count = queries.counted_apart(body)
    assert page == dict(body, track_total_hits=False)
    assert count == {"query": body["query"], "size": 0, "track_total_hits": True}
    answers = [
        {"hits": {"hits": [{"_source": {"id": "a"}}]}},
        {"hits": {"total": {"value": 21, "relation": "eq"}, "hits": []}},
    ]
    assert queries.page_counted(answers) == {"items": [{"id": "a"}], "total": 21}
