"""Rendering of the one-stop slips (pure: snapshot in, HTML out)."""

import base64
import datetime as dt

import pytest

from services.files import generated

DOSSIER = {
    "id": "d1",
    "receipt_number": "000.00.01.H01-261125-0007",
    "agency": "A1",
    "procedure": {"code": "1.001", "name": "Đăng ký khai sinh"},
    "applicant": {"id": "u1", "full_name": "Trần Thị Bích"},
    "received_at": "2026-11-25T09:30:00+07:00",
    "appointment_date": "2026-12-02",
}


def test_dates_are_day_month_year():
    assert generated.vn_date("2026-12-02") == "02/12/2026"
    assert generated.vn_date("2026-11-25T09:30:00+07:00") == "25/11/2026"
    assert generated.vn_date(dt.date(2026, 1, 5)) == "05/01/2026"


def test_slip_dates_are_read_on_the_vietnamese_clock():
    # 18:18 UTC on the 25th is 01:18 on the 26th in Hà Nội, the receipt number's day.
    assert generated.vn_date("2026-11-25T18:18:14+00:00") == "26/11/2026"
    assert generated.vn_date("2026-11-25T16:59:59+00:00") == "25/11/2026"
    assert generated.vn_date(None) == ""


def test_lookup_link_carries_the_receipt_number():
    url = generated.lookup_url("https://dvc.example.vn/", "000.1")
    assert url == "https://dvc.example.vn/tra-cuu?so=000.1"


def test_qr_code_is_an_embedded_png():
    uri = generated.qr_data_uri("https://dvc.example.vn/tra-cuu?so=1")
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix) :]).startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", sorted(generated.KINDS))
def test_every_slip_renders_the_national_header_and_the_dossier(kind):
    variables = generated.context(
        kind,
        DOSSIER,
        "https://dvc.example.vn",
        [{"name": "Tờ khai", "count": 1}],
        {"agency": "UBND phường Ba Đình"},
        today=dt.date(2026, 11, 25),
    )
    html = generated.render(kind, variables).decode("utf-8")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert DOSSIER["receipt_number"] in html
    assert "Trần Thị Bích" in html
    assert "data:image/png;base64," in html


def test_receipt_lists_the_documents_received_and_the_appointment():
    variables = generated.context(
        "receipt", DOSSIER, "https://x", [{"name": "Bản sao CCCD", "count": 2}], {}
    )
    html = generated.render("receipt", variables).decode("utf-8")
    assert "Bản sao CCCD" in html
    assert "02/12/2026" in html
    assert "25/11/2026" in html


def test_a_paper_receipt_carries_its_access_code_and_an_online_one_none():
    paper = {**DOSSIER, "access_code": "K7M2QX9P"}
    html = generated.render(
        "receipt", generated.context("receipt", paper, "https://x", [], {})
    ).decode()
    assert DOSSIER["receipt_number"] in html and "K7M2-QX9P" in html
    online = generated.render(
        "receipt", generated.context("receipt", DOSSIER, "https://x", [], {})
    ).decode()
    assert "Mã truy cập" not in online


def test_values_are_escaped():
    evil = {**DOSSIER, "applicant": {"full_name": "<script>x</script>"}}
    html = generated.render(
        "receipt", generated.context("receipt", evil, "https://x", [], {})
    ).decode()
    assert "<script>" not in html


def test_the_payment_receipt_names_the_amount_and_the_transactions():
    payment = {
        "ref": "261125ABCDEF0123456789",
        "amount": 75000,
        "provider_txn": "14123456",
        "paid_at": "2026-11-25T18:30:00+00:00",
    }
    dossier = {**DOSSIER, "payment": payment}
    html = generated.render(
        "payment_receipt",
        generated.context("payment_receipt", dossier, "https://x", [], {}),
    ).decode()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in html and "75.000" in html
    assert payment["ref"] in html and "14123456" in html
    assert "26/11/2026" in html  # paid after 17:00 UTC: the next day in Hà Nội
