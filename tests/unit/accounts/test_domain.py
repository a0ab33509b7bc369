"""Pure rules of the accounts service."""

import datetime as dt

import pytest

from services.accounts import domain


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "0381234567",
        "+84 912 345 678",
        "84912345678",
        "024 3825 1234",
        "0865.123.456",
        "0591234567",
    ],
)
def test_phone_accepts_vietnamese_mobile_and_landline_numbers(phone):
    assert domain.phone_error(phone) is None


@pytest.mark.parametrize(
    "phone",
    [
        "0112345678",
        "091234567",
        "09123456789",
        "+1 212 555 0100",
        "abc",
        "",
        "0012345678",
        "0612345678",
    ],
)
def test_phone_refuses_unknown_prefixes_and_lengths(phone):
    assert domain.phone_error(phone)


def test_phone_is_normalised_to_the_national_form():
    assert domain.normalize_phone("+84 912 345 678") == "0912345678"


@pytest.mark.parametrize("cccd", ["001090012345", "079203001234", "096185000001"])
def test_national_id_accepts_valid_cccd(cccd):
    assert domain.national_id_error(cccd, today=dt.date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    "cccd",
    [
        "00109001234",  # 11 digits
        "0010900123456",  # 13 digits
        "00109001234a",
        "003090012345",  # 003 is no province code
        "097090012345",  # beyond 096
        "101090012345",
        "001290012345",  # born 2090: in the future
        "001499012345",  # born 2199
    ],
)
def test_national_id_refuses_bad_length_province_or_birth_year(cccd):
    assert domain.national_id_error(cccd, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize("code", ["0100109106", "0100109106-001", "0302035520"])
def test_tax_code_accepts_valid_check_digit_with_optional_branch(code):
    assert domain.tax_code_error(code) is None


@pytest.mark.parametrize(
    "code",
    [
        "0100109107",
        "010010910",
        "01001091060",
        "0100109106-01",
        "0100109106-000",
        "0100109106001",
        "abcdefghij",
    ],
)
def test_tax_code_refuses_wrong_check_digit_or_shape(code):
    assert domain.tax_code_error(code)


def test_tax_code_body_whose_check_would_be_ten_is_refused():
    body = next(
        f"{n:09d}"
        for n in range(100000000, 100100000)
        if domain.mst_check_digit(f"{n:09d}") is None
    )
    assert all(domain.tax_code_error(body + str(d)) for d in range(10))


def test_check_digit_follows_the_weights():
    # 0*31+1*29+0*23+0*19+1*17+0*13+9*7+1*5+0*3 = 114; 114 mod 11 = 4; 10-4 = 6
    assert domain.mst_check_digit("010010910") == 6


@pytest.mark.parametrize("email", ["a@b.vn", "Nguyen.Van-A+x@mail.gov.vn"])
def test_email_accepts_ordinary_addresses(email):
    assert domain.email_error(email) is None


@pytest.mark.parametrize("email", ["", "a@b", "no-at.vn", "a b@c.vn", "a@@b.vn"])
def test_email_refuses_malformed_addresses(email):
    assert domain.email_error(email)


@pytest.mark.parametrize("password", ["abcdefghi1", "Mật khẩu 2026 tốt"])
def test_password_accepts_ten_characters_with_letters_and_digits(password):
    assert domain.password_error(password) is None


@pytest.mark.parametrize(
    "password", ["abc12", "abcdefghijk", "12345678901", "", "a1" * 65]
)
def test_password_refuses_short_or_one_sided_passwords(password):
    assert domain.password_error(password)


def test_digest_is_sha256_and_stable():
    assert domain.digest("x") == domain.digest("x")
    assert len(domain.digest("x")) == 64 and domain.digest("x") != "x"


def test_new_secrets_differ():
    assert domain.new_secret() != domain.new_secret()


@pytest.mark.parametrize(
    "granter, role, allowed",
    [
        (["admin"], "desk", True),
        (["admin"], "admin", True),
        (["admin"], "province_admin", False),
        (["province_admin"], "province_admin", True),
        (["province_admin"], "operator", False),
        (["operator"], "operator", True),
        (["leader"], "desk", False),
        (["citizen"], "desk", False),
    ],
)
def test_roles_can_only_be_granted_up_to_the_granters_rank(granter, role, allowed):
    assert domain.may_grant(granter, role) is allowed


def test_officers_need_a_department_and_staff_an_agency():
    assert "department" in domain.staff_placement_error("officer", "A", None)
    assert "agency" in domain.staff_placement_error("desk", None, None)
    assert domain.staff_placement_error("desk", "A", None) == {}
    assert domain.staff_placement_error("province_admin", None, None) == {}


def test_retry_after_is_zero_under_the_limit_and_counts_down_from_the_oldest():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    window = dt.timedelta(minutes=15)
    times = [now - dt.timedelta(minutes=m) for m in (10, 5, 1)]
    assert domain.retry_after(times, 4, window, now) == 0
    assert domain.retry_after(times, 3, window, now) == 5 * 60 + 1
    old = [now - dt.timedelta(minutes=20)] * 5
    assert domain.retry_after(old, 3, window, now) == 0


@pytest.mark.parametrize(
    "failures, delay",
    [(0, 0), (3, 0), (4, 1), (5, 2), (6, 4), (13, 512), (14, 900), (10**6, 900)],
)
def test_backoff_is_free_at_first_then_doubles_up_to_its_cap(failures, delay):
    assert domain.backoff_delay(failures, free=3, base=1, cap=900) == delay


def test_backoff_wait_counts_down_from_the_last_failure_and_always_ends():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    times = [now - dt.timedelta(seconds=s) for s in (30, 20, 10, 1)]
    assert domain.backoff_wait(times[:3], 3, 1, 900, now) == 0
    assert domain.backoff_wait(times, 3, 1, 900, now) == 0  # 1 s after 1 s: over
    six = times + [now - dt.timedelta(seconds=0.5)] * 2
    assert domain.backoff_wait(six, 3, 1, 900, now) == 4  # 4 s from 0.5 s ago
    later = now + dt.timedelta(seconds=900)
    assert domain.backoff_wait(six * 10, 3, 1, 900, later) == 0
