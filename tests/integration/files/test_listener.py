"""The converter's own LibreOffice listener: a conversion over the time limit kills
and restarts it, a dead one is restarted and the conversion retried, it is recycled
after N conversions, and a password-protected document fails with its reason."""

import os
import signal

import pytest

from services.files.conversion import ConversionError, Office
from services.files.listener import ManagedListener

from . import samples
from .conftest import wait_for
from .test_files import converted, upload

UNOSERVER = os.path.join(os.environ.get("PORTAL_UNO_VENV", ""), "bin", "unoserver")
pytestmark = pytest.mark.skipif(
    not os.access(UNOSERVER, os.X_OK), reason="PORTAL_UNO_VENV has no unoserver"
)


@pytest.fixture
def listener():
    managed = ManagedListener(UNOSERVER, recycle_after=0)
    managed.start()
    yield managed
    managed.close()


def docx_file(tmp_path, name="a.docx", text="Giấy đề nghị"):
    path = tmp_path / name
    path.write_bytes(samples.docx(text))
    return str(path)


def test_a_stuck_listener_is_killed_restarted_and_the_next_file_converts(
    listener, tmp_path
):
    office = Office("127.0.0.1", 0, 3, managed=listener)
    assert office.to_pdf(docx_file(tmp_path)).startswith(b"%PDF")
    stuck, first = wait_for(listener.office_pid), listener.pid
    os.kill(stuck, signal.SIGSTOP)  # LibreOffice hangs
    try:
        with pytest.raises(ConversionError) as failure:
            office.to_pdf(docx_file(tmp_path, "b.docx"))
        assert failure.value.reason == "timeout"
    finally:
        try:
            os.kill(stuck, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert listener.restarts == 1
    assert listener.pid != first
    assert not _alive(stuck)
    assert office.to_pdf(docx_file(tmp_path, "c.docx")).startswith(b"%PDF")


def test_a_dead_listener_is_restarted_and_the_conversion_retried(listener, tmp_path):
    office = Office("127.0.0.1", 0, 30, managed=listener)
    os.killpg(listener.pid, signal.SIGKILL)
    listener.process.wait(10)
    assert office.to_pdf(docx_file(tmp_path)).startswith(b"%PDF")
    assert listener.restarts == 1


def test_the_listener_is_recycled_after_n_conversions(listener, tmp_path):
    listener.recycle_after = 2
    office = Office("127.0.0.1", 0, 30, managed=listener)
    pids = []
    for i in range(5):
        pids.append(listener.pid)
        assert office.to_pdf(docx_file(tmp_path, f"{i}.docx")).startswith(b"%PDF")
    assert listener.restarts == 2
    assert len(set(pids)) == 3


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:  # a zombie is gone for our purposes
        return handle.read().split()[2] != "Z"


@pytest.mark.parametrize(
    "name", ["mật khẩu.docx", "bảng lương.xlsx"], ids=["docx", "xlsx"]
)
def test_password_protected_office_file_fails_with_its_reason(client, dossier, name):
    record, owner = dossier
    data = samples.encrypted_ooxml()
    resp = upload(client, record["id"], owner, name, data)
    assert resp.status_code == 201, resp.text
    done = converted(client, owner, resp.json["id"])
    assert done["conversion"] == "failed"
    assert done["conversion_reason"] == "password_protected"
    original = client.simulate_get(
        f"/api/v1/files/{resp.json['id']}/content",
        headers={"Authorization": f"Bearer t:{__import__('json').dumps(owner)}"},
    )
    assert original.content == data
