"""Input loading, error bodies and their translation."""

import pytest
from marshmallow import fields
from nameko.exceptions import deserialize, serialize

from gateway.i18n import language, translate, translate_details
from services.shared.config import Setting, database_url
from services.shared.errors import NotFound, ServiceError, ValidationFailed
from services.shared.schemas import BaseSchema, load


class Sample(BaseSchema):
    name = fields.String(required=True)
    age = fields.Integer()


def test_unknown_fields_are_refused_with_the_field_named():
    with pytest.raises(ValidationFailed) as err:
        load(Sample(), {"name": "An", "extra": 1})
    assert err.value.code == "VALIDATION_ERROR"
    assert err.value.details == {"extra": ["Unknown field."]}


def test_non_object_payload_is_a_validation_error():
    with pytest.raises(ValidationFailed) as err:
        load(Sample(), ["not", "an", "object"])
    assert "_schema" in err.value.details


def test_service_errors_survive_the_rpc_round_trip():
    original = NotFound("Not found", {"id": ["x"]}, code="DOSSIER_NOT_FOUND")
    copy = deserialize(serialize(original))
    assert isinstance(copy, NotFound)
    assert (copy.code, copy.status, copy.details) == (
        "DOSSIER_NOT_FOUND",
        404,
        {"id": ["x"]},
    )


def test_subclasses_register_themselves():
    class Teapot(ServiceError):
        code = "TEAPOT"
        status = 418

    copy = deserialize(serialize(Teapot("short and stout")))
    assert isinstance(copy, Teapot) and copy.status == 418


def test_vietnamese_is_the_default_language():
    assert language(None) == "vi"
    assert language("en-GB,en;q=0.8") == "en"
    assert language("fr, vi;q=0.5") == "vi"


def test_field_messages_are_translated_for_vietnamese_only():
    details = {
        "email": ["Not a valid email address."],
        "name": ["Longer than maximum length 5."],
    }
    vi = translate_details(details, "vi")
    assert vi["email"] == ["Địa chỉ e-mail không hợp lệ."]
    assert vi["name"] == ["Độ dài tối đa là 5 ký tự."]
    assert translate_details(details, "en") == details
    assert translate("Unmapped text", "vi") == "Unmapped text"


def test_settings_read_the_environment_with_defaults():
    setting = Setting("X_PORT", "8000", "a port", int)
    assert setting.read({}) == 8000
    assert setting.read({"X_PORT": "9"}) == 9


def test_each_service_has_its_own_database_with_the_run_prefix():
    env = {"PORTAL_PG_DSN_BASE": "postgresql://u:p@h:1", "PORTAL_DB_PREFIX": "t1_"}
    assert database_url("files", env) == "postgresql+psycopg2://u:p@h:1/t1_files"
