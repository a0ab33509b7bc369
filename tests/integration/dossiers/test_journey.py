"""The whole journey through RPC, with history and the events it announces."""

import threading
import time
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from services.shared.errors import ServiceError

from .conftest import citizen


class EventTap:
    """A kombu consumer bound to `dossiers.events` on the run's vhost."""

    def __init__(self, amqp_uri):
        self.conn = Connection(amqp_uri)
        exchange = Exchange("dossiers.events", type="topic", durable=True)
        self.queue = Queue(
            f"test-tap-{uuid.uuid4().hex[:8]}",
            exchange,
            routing_key="#",
            auto_delete=True,
        )
        self.events = []
        self.consumer = self.conn.Consumer(
            self.queue, callbacks=[self._on], accept=["json"]
        )
        self.consumer.consume()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _on(self, body, message):
        self.events.append((message.delivery_info["routing_key"], body))
        message.ack()

    def _drain(self):
        while not self.stop.is_set():
            try:
                self.conn.drain_events(timeout=0.3)
            except TimeoutError:
                continue
            except OSError:
                continue

    def of(self, dossier_id):
        return [(t, b) for t, b in self.events if b.get("dossier_id") == dossier_id]

    def wait(self, dossier_id, count, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.of(dossier_id)) < count:
            time.sleep(0.2)
        time.sleep(1.0)  # let duplicates (if any) arrive too
        return self.of(dossier_id)

    def close(self):
        self.stop.set()
        self.thread.join(2)
        self.conn.release()


@pytest.fixture
def tap(stack):
    tap = EventTap(stack.env["PORTAL_AMQP_URI"])
    yield tap
    tap.close()


def code_of(excinfo):
    return excinfo.value.code


def test_full_journey_keeps_receipt_number_and_emits_each_change_once(world, tap):
    w = world
    d = w.submitted()
    assert d["status"] == "waiting_reception"
    d = w.act(w.desk, d["id"], "receive", department=w.department)
    receipt = d["receipt_number"]
    assert receipt.startswith(f"{w.agency}-")
    assert d["status"] == "processing" and d["appointment_date"]
    d = w.act(w.officer, d["id"], "request_supplement", note="Thiếu bản sao")
    assert d["status"] == "supplement_requested"
    w.call("update_dossier", w.citizen, d["id"], {"form": {"copies": 2}})
    d = w.call("submit_dossier", w.citizen, d["id"])
    assert d["status"] == "waiting_reception"
    d = w.act(w.desk, d["id"], "receive", department=w.department)
    assert d["receipt_number"] == receipt
    d = w.act(w.officer, d["id"], "send_for_approval")
    d = w.act(w.leader, d["id"], "send_back", note="Bổ sung ý kiến")
    assert d["status"] == "processing"
    d = w.act(w.officer, d["id"], "send_for_approval")
    d = w.act(w.leader, d["id"], "approve")
    d = w.act(w.desk, d["id"], "return_result")
    assert d["status"] == "completed"
    assert d["deadline_state"] in ("completed_on_time", "completed_late")

    events = tap.wait(d["id"], 11)
    kinds = [t for t, _ in events]
    assert kinds.count("dossier_submitted") == 2
    assert kinds.count("dossier_status_changed") == 8
    assert kinds.count("dossier_updated") == 1
    assert len({b["event_id"] for _, b in events}) == len(events) == 11
    versions = [b["version"] for _, b in events]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    last = events[-1][1]
    assert last["to"] == "completed" and last["dossier"]["status"] == "completed"
    assert last["province"] == "01" and last["receipt_number"] == receipt


def test_each_comment_is_a_new_version_its_event_and_the_next_move_see(world, tap):
    w = world
    d = w.act(w.desk, w.submitted()["id"], "receive", department=w.department)
    for body in ("Đã xem", "Đã kiểm tra"):
        w.call("add_comment", w.officer, d["id"], {"body": body})
    said = [b for t, b in tap.wait(d["id"], 4) if t == "comment_added"]
    assert [b["version"] for b in said] == [d["version"] + 1, d["version"] + 2]
    assert [b["dossier"]["version"] for b in said] == [b["version"] for b in said]
    assert {b["dossier"]["status"] for b in said} == {"processing"}
    moved = w.act(w.officer, d["id"], "request_supplement", note="Thiếu bản sao",
                  expected_version=d["version"] + 2)  # fmt: skip
    assert moved["version"] == d["version"] + 3


def test_submit_then_reject_needs_a_reason(world):
    w = world
    d = w.submitted()
    with pytest.raises(ServiceError) as exc:
        w.act(w.desk, d["id"], "reject")
    assert code_of(exc) == "VALIDATION_ERROR"
    d = w.act(w.desk, d["id"], "reject", reason="Hồ sơ không đúng thẩm quyền")
    assert d["status"] == "rejected" and d["deadline_state"] == "cancelled"
    with pytest.raises(ServiceError) as exc:
        w.act(w.desk, d["id"], "receive", department=w.department)
    assert code_of(exc) == "INVALID_TRANSITION"


def test_submit_names_each_missing_field_and_document(world, rpc):
    w = world
    w.call(
        "update_procedure",
        {"kind": "operator", "roles": ["operator"]},
        w.code,
        {
            "province": "01",
            "name": "Đăng ký khai sinh",
            "level": 3,
            "processing_days": 3,
            "agencies": [w.agency],
            "form": {
                "fields": [
                    {
                        "name": "full_name",
                        "label": "Họ tên",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "born",
                        "label": "Ngày sinh",
                        "type": "date",
                        "required": True,
                    },
                ]
            },
            "documents": [
                {"slot": "birth_proof", "name": "Giấy chứng sinh", "required": True}
            ],
        },
    )
    d = w.draft(form={"full_name": "An"})
    assert d["procedure"]["version"] == 2
    with pytest.raises(ServiceError) as exc:
        w.call("submit_dossier", w.citizen, d["id"])
    assert code_of(exc) == "DOSSIER_INVALID"
    assert set(exc.value.details) == {"form.born", "documents.birth_proof"}


def test_bad_form_input_is_refused_and_saved_values_survive(world):
    w = world
    d = w.draft(form={"full_name": "Trần Thị B"})
    with pytest.raises(ServiceError) as exc:
        w.call(
            "update_dossier",
            w.citizen,
            d["id"],
            {"form": {"copies": "nhiều", "nope": 1, "full_name": "X"}},
        )
    assert exc.value.status == 422
    assert set(exc.value.details) == {"form.copies", "form.nope"}
    again = w.call("get_dossier", w.citizen, d["id"])
    assert again["form"] == {"full_name": "Trần Thị B"}


def test_citizen_sees_public_history_and_no_internal_comments(world):
    w = world
    d = w.received()
    w.call(
        "add_comment", w.officer, d["id"], {"body": "Ghi chú nội bộ", "internal": True}
    )
    w.call(
        "add_comment", w.officer, d["id"], {"body": "Gửi công dân", "internal": False}
    )
    w.call("add_comment", w.officer, d["id"], {"body": "Mặc định là nội bộ"})
    task = w.call(
        "create_task",
        w.leader,
        d["id"],
        {"title": "Xác minh", "assignee": w.officer["user_id"]},
    )
    assert task["status"] == "open"
    bodies = [c["body"] for c in w.call("list_comments", w.citizen, d["id"])]
    assert bodies == ["Gửi công dân"]
    assert len(w.call("list_comments", w.officer, d["id"])) == 3
    staff_history = w.call("history", w.admin, d["id"])
    citizen_history = w.call("history", w.citizen, d["id"])
    assert len(citizen_history) < len(staff_history)
    assert all(h["public"] for h in citizen_history)
    assert [t["id"] for t in w.call("list_tasks", w.officer, d["id"])] == [task["id"]]
    assert w.call("list_tasks", w.officer2, d["id"]) == []
    with pytest.raises(ServiceError) as exc:
        w.call("add_comment", w.citizen, d["id"], {"body": "x", "internal": True})
    assert exc.value.status == 403


def test_paper_dossier_starts_processing_and_anyone_sees_only_its_status(world):
    w = world
    d = w.call(
        "register_paper_dossier",
        w.desk,
        {
            "procedure": w.code,
            "department": w.department,
            "applicant": {
                "full_name": "Lê Văn C",
                "national_id": "001090123456",
                "phone": "0912345678",
            },
            "form": {"full_name": "Lê Văn C", "copies": 1},
        },
    )
    assert d["status"] == "processing" and d["paper"] is True
    assert d["applicant"]["id"] is None and len(d["access_code"]) == 8
    for anyone in (citizen(), {"kind": "anonymous", "roles": []}):
        found = w.call("lookup", anyone, d["receipt_number"])
        assert found == {
            "receipt_number": d["receipt_number"],
            "status": "processing",
            "appointment_date": d["appointment_date"],
        }
    assert w.call("lookup", w.desk, d["receipt_number"])["id"] == d["id"]
    with pytest.raises(ServiceError) as exc:
        w.call("lookup", citizen(), "NO-SUCH-0001")
    assert exc.value.code == "DOSSIER_NOT_FOUND"


def test_check_upload_and_index_feed(world):
    w = world
    d = w.draft()
    info = w.call("check_upload", w.citizen, d["id"], "photo")
    assert info["owner"] == w.citizen["user_id"] and info["agency"] == w.agency
    with pytest.raises(ServiceError) as exc:
        w.call("check_upload", w.citizen, d["id"], "nope")
    assert exc.value.status == 422
    w.call("submit_dossier", w.citizen, d["id"])
    with pytest.raises(ServiceError) as exc:
        w.call("check_upload", w.citizen, d["id"], "photo")
    assert exc.value.code == "UPLOADS_CLOSED"
    items = w.call("list_for_index", {"kind": "operator", "roles": ["system"]})
    assert d["id"] in {i["id"] for i in items}
    with pytest.raises(ServiceError):
        w.call("list_for_index", w.admin)
    stats = w.call("stats", w.admin, "status")
    assert stats["total"] >= 1
