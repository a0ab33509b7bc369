"""Leaks that the visibility rule closes: each failed before the rule was one table.

- a citizen's draft is the citizen's alone: desk and agency admin neither list, open
  nor cancel it;
- a leader's send_back note stays inside the agency: not on the citizen's history, not
  in any event (so not in the citizen's mail);
- staff attachments are internal unless marked public; the citizen neither lists nor
  downloads them;
- an officer assigned to a dossier, then moved to another department, still finds it
  in search and opens it (search and the dossiers service used to disagree).
"""

import pytest

from services.shared.errors import ServiceError
from tests.integration.files import samples
from tests.integration.files.conftest import headers, wait_for
from tests.integration.files.test_files import upload
from tests.integration.files.test_with_dossiers import (  # noqa: F401 - fixtures
    draft,
    procedure_world,
    real_client,
)

from .conftest import staff


def test_a_draft_is_hidden_from_desk_and_admin(world):
    w = world
    d = w.draft()
    for who in (w.desk, w.admin):
        with pytest.raises(ServiceError) as exc:
            w.call("get_dossier", who, d["id"])
        assert exc.value.code == "DOSSIER_NOT_FOUND"
        listed = w.call("list_dossiers", who, {"agency": w.agency})
        assert d["id"] not in [x["id"] for x in listed["items"]]
        with pytest.raises(ServiceError) as exc:
            w.act(who, d["id"], "cancel", reason="Hủy giúp")
        assert exc.value.code == "DOSSIER_NOT_FOUND"
    assert w.call("get_dossier", w.citizen, d["id"])["status"] == "draft"
    submitted = w.call("submit_dossier", w.citizen, d["id"])
    assert w.call("get_dossier", w.desk, submitted["id"])["status"] != "draft"


def _pending(w):
    d = w.received()
    return w.act(w.officer, d["id"], "send_for_approval", note="Đề nghị duyệt")


def test_a_leaders_send_back_note_stays_inside_the_agency(world, mailbox):
    w = world
    d = _pending(w)
    secret = "Cán bộ thẩm định sai điều 5, làm lại"
    w.act(w.leader, d["id"], "send_back", note=secret)
    citizen_notes = [h["note"] for h in w.call("history", w.citizen, d["id"])]
    assert secret not in citizen_notes
    assert "Đề nghị duyệt" not in citizen_notes
    actions = [h["action"] for h in w.call("history", w.citizen, d["id"])]
    assert "send_back" in actions  # the step itself is public, its note is not
    staff_notes = [h["note"] for h in w.call("history", w.officer, d["id"])]
    assert secret in staff_notes
    # what the citizen is mailed comes from the events: the note never travels
    # submitted and received are mailed; sending for approval and back are
    # internal steps (notify's domain.ACTION_TEMPLATES): two mails, no note
    mail = mailbox.wait_for(w.citizen["email"], count=2, timeout=60)
    texts = [m.get_body(preferencelist=("plain",)).get_content() for m in mail]
    assert all(secret not in t and "Đề nghị duyệt" not in t for t in texts)


def test_a_note_staff_mark_public_reaches_the_applicant(world):
    w = world
    d = _pending(w)
    w.act(w.leader, d["id"], "send_back", note="Bổ sung xác minh", note_public=True)
    citizen_notes = [h["note"] for h in w.call("history", w.citizen, d["id"])]
    assert "Bổ sung xác minh" in citizen_notes


def _submitted(w, client):
    d = draft(w)
    sent = upload(client, d["id"], w.citizen, "a.pdf", samples.pdf(), "to_khai")
    assert sent.status_code == 201, sent.text
    d = w.call("submit_dossier", w.citizen, d["id"])
    return w.act(w.desk, d["id"], "receive", department=w.department), sent.json


def test_staff_attachments_are_internal_unless_marked_public(
    procedure_world,  # noqa: F811 - fixture
    real_client,  # noqa: F811 - fixture
):
    w = procedure_world
    d, citizens = _submitted(w, real_client)
    inside = upload(
        real_client, d["id"], w.officer, "x.pdf", samples.pdf(), "attachment"
    )
    assert inside.status_code == 201, inside.text
    assert inside.json["audience"] == "internal"
    listed = real_client.simulate_get(
        f"/api/v1/dossiers/{d['id']}/files", headers=headers(w.citizen)
    ).json["items"]
    assert citizens["id"] in [f["id"] for f in listed]
    assert inside.json["id"] not in [f["id"] for f in listed]
    for path in (
        f"/api/v1/files/{inside.json['id']}",
        f"/api/v1/files/{inside.json['id']}/content",
    ):
        answer = real_client.simulate_get(path, headers=headers(w.citizen))
        assert answer.status_code == 404, path
    assert (
        real_client.simulate_get(
            f"/api/v1/files/{inside.json['id']}", headers=headers(w.officer)
        ).status_code
        == 200
    )
    staff_listed = real_client.simulate_get(
        f"/api/v1/dossiers/{d['id']}/files", headers=headers(w.officer)
    ).json["items"]
    assert {citizens["id"], inside.json["id"]} <= {f["id"] for f in staff_listed}


def test_a_result_is_public_and_comment_files_follow_the_chosen_audience(
    procedure_world,  # noqa: F811 - fixture
    real_client,  # noqa: F811 - fixture
):
    w = procedure_world
    d, _ = _submitted(w, real_client)
    result = upload(real_client, d["id"], w.officer, "kq.pdf", samples.pdf(), "result")
    assert result.json["audience"] == "public"
    body, content_type = _multipart(
        {"slot": "attachment", "audience": "public"}, "cv.pdf", samples.pdf()
    )
    shared = real_client.simulate_post(
        f"/api/v1/dossiers/{d['id']}/files",
        body=body,
        headers={**headers(w.officer), "Content-Type": content_type},
    )
    assert shared.status_code == 201 and shared.json["audience"] == "public"
    seen = real_client.simulate_get(
        f"/api/v1/dossiers/{d['id']}/files", headers=headers(w.citizen)
    ).json["items"]
    assert {result.json["id"], shared.json["id"]} <= {f["id"] for f in seen}


def _multipart(fields, name, data):
    from urllib3 import encode_multipart_formdata

    return encode_multipart_formdata(
        {**fields, "file": (name, data, "application/octet-stream")}
    )


def test_an_officer_moved_to_another_department_keeps_what_he_is_assigned(world, rpc):
    w = world
    d = w.received()
    w.act(w.officer, d["id"], "send_for_approval", note="x")
    w.act(w.leader, d["id"], "send_back", note="y", assignee=w.officer["user_id"])
    moved = dict(w.officer, department="KHAC")  # the same officer, moved since
    opened = w.call("get_dossier", moved, d["id"])
    assert opened["id"] == d["id"]

    def found(who):
        page = rpc.call("search", "query", who, {"q": opened["receipt_number"]})
        return [x["id"] for x in page["items"]]

    # the search index and the dossiers service answer alike for him
    assert wait_for(lambda: d["id"] in found(moved), timeout=30)
    # a colleague of that department who is not assigned sees it in neither
    outsider = staff("officer", w.agency, "KHAC")
    assert d["id"] not in found(outsider)
    with pytest.raises(ServiceError):
        w.call("get_dossier", outsider, d["id"])
