"""Acting RPCs called twice under one Idempotency-Key act once and answer the same.

This is what a client's retry reaches after the gateway answered 503 while the
operation committed (the gateway forgets the key of a 5xx; the services keep the
result under it). The gateway's own replays are tested in tests/e2e/test_retries.py.
"""

import io
import uuid

import pytest
import requests
from PIL import Image

from services.shared.errors import ServiceError

from .conftest import OPERATOR, World


@pytest.fixture(scope="module")
def world(rpc):
    """One agency for the module: every test works on its own new dossiers."""
    return World(rpc)


def key():
    return uuid.uuid4().hex + uuid.uuid4().hex  # 64 hex digits, as the gateway sends


def twice(world, method, *args, service="dossiers", **options):
    k = key()
    first = world.rpc.call(service, method, *args, idempotency_key=k, **options)
    again = world.rpc.call(service, method, *args, idempotency_key=k, **options)
    return first, again


def png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_draft_created_twice_is_one_draft(world):
    body = {
        "procedure": world.code,
        "agency": world.agency,
        "province": "01",
        "form": {"full_name": "Nguyễn Văn Bình", "copies": 1},
    }

    def drafts():
        listed = world.call("list_dossiers", world.citizen, {"status": "draft"})
        return {d["id"] for d in listed["items"]}

    before = drafts()
    first, again = twice(world, "create_dossier", world.citizen, body)
    assert again == first
    assert drafts() - before == {first["id"]}
    # Another key is another request: a second draft.
    other = world.rpc.call(
        "dossiers", "create_dossier", world.citizen, body, idempotency_key=key()
    )
    assert other["id"] != first["id"]


def test_a_submission_retried_answers_its_result_not_a_conflict(world):
    draft = world.draft()
    first, again = twice(world, "submit_dossier", world.citizen, draft["id"])
    assert again == first and first["status"] == "waiting_reception"
    with pytest.raises(ServiceError) as unkeyed:
        world.call("submit_dossier", world.citizen, draft["id"])
    assert unkeyed.value.code == "INVALID_TRANSITION"
    submits = [h for h in world.call("history", world.citizen, draft["id"])]
    assert sum(1 for h in submits if h.get("action") == "submit") == 1


def test_an_action_retried_is_done_once(world):
    dossier = world.submitted()
    first, again = twice(
        world,
        "act",
        world.desk,
        dossier["id"],
        "receive",
        department=world.department,
    )
    assert again == first and first["status"] != dossier["status"]
    history = world.call("history", world.desk, dossier["id"])
    assert sum(1 for h in history if h.get("action") == "receive") == 1


def test_a_paper_dossier_registered_twice_is_one_dossier(world):
    body = {
        "procedure": world.code,
        "department": world.department,
        "applicant": {
            "full_name": "Lê Văn C",
            "national_id": "001090123456",
            "phone": "0912345678",
        },
        "form": {"full_name": "Lê Văn C", "copies": 1},
    }
    first, again = twice(world, "register_paper_dossier", world.desk, body)
    assert again == first
    assert first["receipt_number"] == again["receipt_number"]


def test_comments_and_tasks_retried_are_made_once(world):
    dossier = world.received()
    comment, again = twice(
        world, "add_comment", world.officer, dossier["id"], {"body": "Đã xem"}
    )
    assert again == comment
    assert len(world.call("list_comments", world.officer, dossier["id"])) == 1
    task_body = {"title": "Xác minh", "assignee": world.officer["user_id"]}
    task, again = twice(world, "create_task", world.leader, dossier["id"], task_body)
    assert again == task
    assert len(world.call("list_tasks", world.leader, dossier["id"])) == 1


def test_a_failed_operation_keeps_nothing_and_its_retry_runs(world):
    draft = world.draft(form={"full_name": "Nguyễn Văn Bình"})  # copies missing
    k = key()
    with pytest.raises(ServiceError):
        world.rpc.call(
            "dossiers", "submit_dossier", world.citizen, draft["id"], idempotency_key=k
        )
    world.call("update_dossier", world.citizen, draft["id"], {"form": {"copies": 2}})
    done = world.rpc.call(
        "dossiers", "submit_dossier", world.citizen, draft["id"], idempotency_key=k
    )
    assert done["status"] == "waiting_reception"


def test_an_upload_retried_end_to_end_is_one_file(world):
    draft = world.draft()
    k, data = key(), png()

    def upload():
        begun = world.rpc.call(
            "files",
            "begin_upload",
            world.citizen,
            draft["id"],
            "photo",
            "anh.png",
            "image/png",
            len(data),
            idempotency_key=k,
        )
        put = requests.put(begun["upload_url"], data=data, timeout=30)
        put.raise_for_status()
        done = world.rpc.call(
            "files", "complete_upload", world.citizen, begun["upload_id"],
            idempotency_key=k,
        )  # fmt: skip
        return begun["upload_id"], done

    first_id, first = upload()
    again_id, again = upload()
    assert again_id == first_id and again == first
    files = world.rpc.call("files", "list_files", world.citizen, draft["id"])
    assert [f["id"] for f in files] == [first["id"]]


def test_a_template_upload_retried_is_one_template(world):
    k, data = key(), png()

    def upload():
        begun = world.rpc.call(
            "files", "begin_template_upload", OPERATOR, world.code, "mau.png",
            "image/png", len(data), "Mẫu tờ khai", "01", idempotency_key=k,
        )  # fmt: skip
        requests.put(begun["upload_url"], data=data, timeout=30).raise_for_status()
        done = world.rpc.call(
            "files", "complete_upload", OPERATOR, begun["upload_id"],
            idempotency_key=k,
        )  # fmt: skip
        return begun["upload_id"], done

    first_id, first = upload()
    again_id, again = upload()
    assert again_id == first_id and again == first
    listed = world.rpc.call("files", "list_templates", OPERATOR, world.code, "01")
    assert [t["id"] for t in listed] == [first["id"]]
