"""Which profile values fill which form fields (services/shared/profile.py)."""

from services.shared.profile import PROFILE_KEYS, prefill

PROFILE = {
    "full_name": "Trần Thị Mai",
    "date_of_birth": "1990-05-17",
    "national_id": "001190012345",
    "phone": "0912345678",
    "address": "",
    "tax_code": None,
}


def form(*fields):
    return {"fields": [dict(name=n, type=t, profile=p) for n, t, p in fields]}


def test_each_mapped_field_takes_its_profile_value():
    spec = form(("ten", "text", "full_name"), ("sinh", "date", "date_of_birth"),
                ("cccd", "textarea", "national_id"))  # fmt: skip
    assert prefill(spec, PROFILE) == {
        "ten": "Trần Thị Mai", "sinh": "1990-05-17", "cccd": "001190012345",
    }  # fmt: skip


def test_a_value_never_lands_in_a_field_of_another_type():
    spec = form(("so", "number", "phone"), ("ngay", "date", "full_name"),
                ("chon", "checkbox", "national_id"))  # fmt: skip
    assert prefill(spec, PROFILE) == {}


def test_empty_values_unknown_keys_and_unmapped_fields_fill_nothing():
    spec = form(("dia_chi", "text", "address"), ("mst", "text", "tax_code"),
                ("x", "text", "password_hash"), ("y", "text", None))  # fmt: skip
    assert prefill(spec, PROFILE) == {}
    assert prefill(None, PROFILE) == {} and prefill(spec, None) == {}


def test_every_key_is_a_value_of_the_accounts_user_view():
    from services.contracts.resources.accounts import User

    assert set(PROFILE_KEYS) <= set(User().fields)
