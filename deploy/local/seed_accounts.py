"""Seed the demo tenant: Hà Nội (01), one ward agency, two departments, demo staff.

Idempotent (what exists is left as it is); everything goes through the accounts RPCs
as the system caller. Puts into `ctx`: "province" (code), "agency" (code),
"departments" (list of codes), "users" (list of {email, password, role}) and "staff"
(the same with each one's department).

Agency code: "000.00.01.H26" follows the shape of the electronic identifiers of
agencies (mã định danh điện tử, Quyết định 20/2020/QĐ-TTg, QCVN 102:2016/BTTTT):
dotted groups ending in the province's level-1 code, H26 being Hà Nội. It is an
illustration, not the ward's real identifier; receipt numbers built from it look
like "000.00.01.H26-250701-0001", as on the national portal.
"""

from services.accounts.exceptions import AlreadyExists, EmailTaken
from services.shared.caller import SYSTEM

PROVINCE = "01"
# The wards of the two-level reform exist since 2025-07-01: the demo history
# (seed_history.py) starts after that, so its dossiers find the agency open.
AGENCY = {
    "code": "000.00.01.H26",
    "name": "UBND phường Ba Đình",
    "province": PROVINCE,
    "valid_from": "2025-07-01",
}
DEPARTMENTS = (("TPHT", "Tư pháp – Hộ tịch"), ("KTHT", "Kinh tế – Hạ tầng"))
STAFF = (
    ("desk@demo.portal.vn", "Lê Thị Một Cửa", "desk", None, "Demo-Desk-2026"),
    (
        "officer@demo.portal.vn",
        "Phạm Văn Chuyên",
        "officer",
        "TPHT",
        "Demo-Officer-2026",
    ),
    ("leader@demo.portal.vn", "Hoàng Minh Lãnh", "leader", "TPHT", "Demo-Leader-2026"),
    (
        "officer.ktht@demo.portal.vn",
        "Đỗ Thu Hạ",
        "officer",
        "KTHT",
        "Demo-Officer-2026",
    ),
    (
        "leader.ktht@demo.portal.vn",
        "Ngô Thanh Tùng",
        "leader",
        "KTHT",
        "Demo-Leader-2026",
    ),
    ("admin@demo.portal.vn", "Vũ Quang Quản", "admin", None, "Demo-Admin-2026"),
)


def _ignore_existing(fn, *args):
    try:
        return fn(*args)
    except (AlreadyExists, EmailTaken):
        return None


def seed(rpc, ctx):
    """Create the demo tenant if missing and describe it in `ctx`."""

    def call(method, data):
        return _ignore_existing(rpc.call, "accounts", method, SYSTEM, data)

    call("create_agency", AGENCY)
    for code, name in DEPARTMENTS:
        call(
            "create_department", {"code": code, "name": name, "agency": AGENCY["code"]}
        )
    for email, full_name, role, department, password in STAFF:
        staff = {
            "email": email,
            "full_name": full_name,
            "role": role,
            "agency": AGENCY["code"],
            "password": password,
        }
        if department:
            staff["department"] = department
        call("create_staff", staff)
        ctx["users"].append({"email": email, "password": password, "role": role})
        ctx.setdefault("staff", []).append(
            {
                "email": email,
                "password": password,
                "role": role,
                "department": department,
            }
        )
    ctx["province"] = PROVINCE
    ctx["agency"] = AGENCY["code"]
    ctx["departments"] = [code for code, _ in DEPARTMENTS]
