"""One-stop slips rendered from Jinja2 templates (services/files/documents/*.html).

Pure rendering: a dossier snapshot in, UTF-8 HTML out (LibreOffice turns it into a
PDF). The lookup QR code is embedded as a data: URI PNG so the page needs no network.
"""

import base64
import datetime as dt
import io
import os

import jinja2
import qrcode

from services.shared import routes
from services.shared.clock import VN_TZ

KINDS = {
    "receipt": ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Người tiếp nhận"),
    "supplement_request": (
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Người hướng dẫn",
    ),
    "refusal": ("Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "Người từ chối"),
    "control": ("Phiếu kiểm soát quá trình giải quyết hồ sơ", "Người tiếp nhận"),
    "apology": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", "Thủ trưởng cơ quan"),
    # the fee paid online, once the provider confirmed it (dossier["payment"])
    "payment_receipt": ("Biên lai thu phí, lệ phí", "Người thu"),
}
# The control slip tracks the agency's handling: internal. Every other slip is
# addressed to the applicant.
INTERNAL_KINDS = ("control",)


def audience_of(kind):
    return "internal" if kind in INTERNAL_KINDS else "public"


FILE_NAMES = {
    "receipt": "giay-tiep-nhan",
    "supplement_request": "phieu-yeu-cau-bo-sung",
    "refusal": "phieu-tu-choi",
    "control": "phieu-kiem-soat",
    "apology": "phieu-xin-loi",
    "payment_receipt": "bien-lai",
}

TEMPLATES = os.path.join(os.path.dirname(__file__), "documents")
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(
        os.path.join(os.path.dirname(__file__), "documents")
    ),
    autoescape=True,
    undefined=jinja2.ChainableUndefined,
)


def vn_date(value):
    """Return an ISO date/datetime (or date) as dd/mm/yyyy on the Vietnamese clock.

    A timestamp such as 2026-11-25T18:18:00+00:00 is 26/11/2026 in Hà Nội, the same
    day the receipt number carries.
    """
    if not value:
        return ""
    if isinstance(value, str):
        value = (
            dt.datetime.fromisoformat(value)
            if len(value) > 10
            else dt.date.fromisoformat(value)
        )
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(VN_TZ).date()
    return value.strftime("%d/%m/%Y")


def lookup_url(public_url, receipt_number):
    return routes.url(public_url, "lookup", query={"so": receipt_number or ""})


def qr_data_uri(text):
    """Return a PNG QR code of `text` as a data: URI."""
    image = qrcode.make(text, box_size=4, border=2)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def file_name(kind, dossier):
    return f"{FILE_NAMES[kind]}-{dossier.get('receipt_number') or dossier['id']}.pdf"


def context(kind, dossier, public_url, documents, names, today=None):
    """Return the template variables of a slip (names: agency/department names)."""
    title, signer = KINDS[kind]
    url = lookup_url(public_url, dossier.get("receipt_number"))
    received = dossier.get("received_at") or dossier.get("submitted_at")
    return {
        "title": title,
        "signer_title": signer,
        "signer_name": dossier.get("signer_name") or "",
        "agency_name": names.get("agency") or dossier.get("agency") or "",
        "department_name": names.get("department") or "",
        "place": dossier.get("place") or "",
        "today": today or dt.datetime.now(VN_TZ).date(),
        "receipt_number": dossier.get("receipt_number") or "",
        # a paper dossier's code, for its applicant to claim it online (dossiers)
        "access_code": dossier.get("access_code") or "",
        "procedure_code": (dossier.get("procedure") or {}).get("code") or "",
        "procedure_name": (dossier.get("procedure") or {}).get("name") or "",
        "applicant_name": (dossier.get("applicant") or {}).get("full_name") or "",
        "received_date": vn_date(received),
        "appointment_date": vn_date(dossier.get("appointment_date")),
        "original_date": vn_date(dossier.get("previous_appointment_date")),
        "note": dossier.get("note") or "",
        "reason": dossier.get("reason") or "",
        "documents": documents,
        "lookup_url": url,
        "qr": qr_data_uri(url),
        **payment_variables(dossier.get("payment") or {}),
    }


def payment_variables(payment):
    """The receipt's payment lines (the amount written with "." thousands)."""
    amount = payment.get("amount")
    return {
        "payment_amount": f"{int(amount):,}".replace(",", ".") if amount else "",
        "payment_ref": payment.get("ref") or "",
        "payment_provider_txn": payment.get("provider_txn") or "",
        "payment_date": vn_date(payment.get("paid_at")),
    }


def render(kind, variables):
    """Return the slip's HTML as UTF-8 bytes."""
    return _ENV.get_template(f"{kind}.html").render(**variables).encode("utf-8")
