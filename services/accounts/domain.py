"""Pure rules of the accounts service: identifiers, passwords, roles, rate limits.

No nameko, SQLAlchemy, falcon or configuration here; every function is unit-tested.
Validators return None when a value is valid and a field detail code otherwise
(`services/shared/codes.py`; the gateway's catalogue holds its texts).
"""

import datetime as dt
import hashlib
import math
import re
import secrets

from services.shared.clock import VN_TZ, utcnow
from services.shared.codes import detail

# Mobile prefixes after the 2018 move from 11 to 10 digits (Bộ TT&TT plan of
# 2018-09-15 for converting 11-digit subscriber numbers): 03x Viettel, 05x
# Vietnamobile/Gmobile/Reddi, 07x MobiFone, 08x VinaPhone/Itel/Viettel/MobiFone,
# 09x the original networks.
MOBILE_PREFIXES = frozenset(
    {"32", "33", "34", "35", "36", "37", "38", "39", "52", "55", "56", "58", "59"}
    | {"70", "76", "77", "78", "79"}
    | {f"8{d}" for d in "123456789"}
    | {f"9{d}" for d in "0123456789"}
)
# Landlines since 2017 use 3-digit area codes 2xx (e.g. 24 Hà Nội → 024, 28 HCM),
# followed by 8 subscriber digits: 0 + 10 digits in all.
LANDLINE = re.compile(r"^02\d{9}$")
MOBILE = re.compile(r"^0(\d{2})\d{7}$")

# First 3 digits of a CCCD: the province of birth registration, using the 63
# pre-2025 province codes (Thông tư 07/2016/TT-BCA, Điều 7; the codes are those of
# /work/shared/data/provinces-before-2025.csv, from 001 Hà Nội to 096 Cà Mau).
CCCD_PROVINCES = frozenset(
    "01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 "
    "40 42 44 45 46 48 49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 "
    "83 84 86 87 89 91 92 93 94 95 96".split()
)
# 4th digit: gender and century of birth (0/1 = male/female 1900s, 2/3 2000s,
# 4/5 2100s, 6/7 2200s, 8/9 1800s); 5th-6th: the last two digits of the birth year.
CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200}
CENTURY.update({8: 1800, 9: 1800})

# Tax code (mã số thuế) check digit. Structure N1N2 N3..N9 N10 [-N11N12N13]:
# Thông tư 105/2020/TT-BTC, Điều 5 (10 digits for a taxpayer, 10 + "-" + 3 for a
# dependent unit). N10 = 10 - (Σ Ni·Wi mod 11) over the first nine digits with
# W = 31, 29, 23, 19, 17 ,13, 7, 5, 3 — the General Department of Taxation's rule
# (Quyết định 75/1998/QĐ-TCT on the structure of tax codes), as implemented by
# public validators (e.g. npm @llein/vn-tax-id-validator). A result of 10 cannot be
# written as one digit, so such a body is never issued and is refused here.
# Caveat: read in secondary sources, not in the decision's own text.
MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
)

USER_KINDS = ("citizen", "business", "staff", "operator")
STAFF_ROLES = ("desk", "officer", "leader", "admin", "province_admin")
DEPARTMENT_ROLES = ("officer", "leader")
ROLE_RANK = {"desk": 1, "officer": 1, "leader": 1, "admin": 2}
ROLE_RANK.update({"province_admin": 3, "operator": 4, "system": 4})


def normalize_phone(value):
    """Return the national form (0xxxxxxxxx) of a phone number, spaces and dots out."""
    digits = re.sub(r"[\s.()-]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def phone_error(value):
    phone = normalize_phone(value)
    if LANDLINE.match(phone):
        return None
    match = MOBILE.match(phone)
    if match and match.group(1) in MOBILE_PREFIXES:
        return None
    return detail("invalid_phone")


def national_id_error(value, today=None):
    """Check a 12-digit CCCD: province of birth, century/gender, birth year."""
    if not re.fullmatch(r"\d{12}", value or ""):
        return detail("national_id_length")
    if value[1:3] not in CCCD_PROVINCES or value[0] != "0":
        return detail("national_id_province")
    year = CENTURY[int(value[3])] + int(value[4:6])
    if year > (today or dt.date.today()).year:
        return detail("national_id_birth_year")
    return None


OLDEST_BIRTH = dt.date(1900, 1, 1)


def birth_date_error(value, today=None):
    """A date of birth is a real day between 1900 and today (Vietnam's clock)."""
    if not OLDEST_BIRTH <= value <= (today or utcnow().astimezone(VN_TZ).date()):
        return detail("birth_date_range")
    return None


def mst_check_digit(body):
    """Return the check digit of a 9-digit tax-code body, or None if none exists."""
    total = sum(int(d) * w for d, w in zip(body, MST_WEIGHTS, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check % 10


def tax_code_error(value):
    match = TAX_CODE.match(value or "")
    if not match:
        return detail("tax_code_format")
    code = match.group(1)
    if mst_check_digit(code[:9]) != int(code[9]):
        return detail("tax_code_check_digit")
    if match.group(2) == "000":
        return detail("tax_code_branch")
    return None


def email_error(value):
    if not value or len(value) > 254 or not EMAIL.match(value):
        return "invalid_email"
    return None


def password_error(value):
    """Refuse passwords under 10 characters or without both letters and digits."""
    value = value or ""
    if len(value) < 10 or len(value) > 128:
        return detail("length_between", min=10, max=128)
    if not (re.search(r"[^\W\d_]", value) and re.search(r"\d", value)):
        return detail("password_letters_digits")
    return None


def normalize_email(value):
    return (value or "").strip().lower()


def new_secret(nbytes=32):
    """Return a URL-safe random token (256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def digest(token):
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def may_grant(granter_roles, role):
    """Tell whether a caller with `granter_roles` may give `role` to someone."""
    rank = max((ROLE_RANK.get(r, 0) for r in granter_roles), default=0)
    if role == "operator":
        return rank >= ROLE_RANK["operator"]
    return rank >= 2 and ROLE_RANK.get(role, 99) <= rank


def staff_placement_error(role, agency, department):
    """Return {field: message} for a staff member's placement, or {}."""
    if role in ("operator",):
        return {}
    if not agency and role != "province_admin":
        return {"agency": "required"}
    if role in DEPARTMENT_ROLES and not department:
        return {"department": detail("department_needed")}
    return {}


def retry_after(attempt_times, limit, window, now):
    """Return seconds to wait when `limit` attempts fell within `window`, else 0."""
    recent = sorted(t for t in attempt_times if t > now - window)
    if len(recent) < limit:
        return 0
    oldest_counted = recent[-limit]
    return max(1, int((oldest_counted + window - now).total_seconds()) + 1)


def backoff_delay(failures, free, base, cap):
    """Return the seconds an attempt must wait after `failures` counted failures.

    The first `free` failures cost nothing (typing mistakes); each further one doubles
    the delay, from `base` up to `cap`. A delay always ends: nobody is locked out.
    """
    if failures <= free:
        return 0
    return min(cap, base * 2 ** min(failures - free - 1, 32))


def backoff_wait(failure_times, free, base, cap, now):
    """Return whole seconds left before the next attempt is evaluated (0: go on)."""
    if len(failure_times) <= free:
        return 0
    delay = backoff_delay(len(failure_times), free, base, cap)
    left = (max(failure_times) - now).total_seconds() + delay
    return max(0, math.ceil(left))
