"""Input loading, error codes and details, and their rendering."""

import pytest
from marshmallow import fields, validate
from nameko.exceptions import deserialize, serialize

from gateway.i18n import language, render, render_details
from services.shared.config import Setting, database_url
from services.shared.errors import (
    Conflict,
    NotFound,
    ServiceError,
    ValidationFailed,
    detail,
)
from services.shared.schemas import BaseSchema, instance, load


class Sample(BaseSchema):
    name = fields.String(required=True)
    age = fields.Integer()


def test_unknown_fields_are_refused_with_the_field_named():
    with pytest.raises(ValidationFailed) as err:
        load(Sample(), {"name": "An", "extra": 1})
    assert err.value.code == "VALIDATION_ERROR"
    assert err.value.details == {"extra": ["unknown_field"]}


def test_a_schema_class_loads_with_one_shared_instance_and_the_same_rules():
    assert instance(Sample) is instance(Sample)
    assert load(Sample, {"name": "An", "age": 3}) == {"name": "An", "age": 3}
    with pytest.raises(ValidationFailed) as err:
        load(Sample, {"name": "x" * 20_001})
    assert err.value.details == {"name": [detail("too_long", max="20000")]}
    assert load(Sample, {"name": "Bình"}) == {"name": "Bình"}  # nothing kept between


def test_marshmallow_messages_become_their_detail_codes_with_params():
    class Bounded(BaseSchema):
        name = fields.String(validate=validate.Length(max=5))
        age = fields.Integer(validate=validate.Range(1, 130))
        kind = fields.String(validate=validate.OneOf(["a", "b"]))

    with pytest.raises(ValidationFailed) as err:
        load(Bounded(), {"name": "x" * 6, "age": 0, "kind": "c"})
    assert err.value.details == {
        "name": [detail("too_long", max="5")],
        "age": [detail("between", min="1", max="130")],
        "kind": [detail("not_one_of", choices="a, b")],
    }


def test_non_object_payload_is_a_validation_error():
    with pytest.raises(ValidationFailed) as err:
        load(Sample(), ["not", "an", "object"])
    assert "_schema" in err.value.details


def test_service_errors_survive_the_rpc_round_trip():
    original = NotFound(
        "Not found", {"id": ["x"]}, code="DOSSIER_NOT_FOUND", params={"id": "x"}
    )
    copy = deserialize(serialize(original))
    assert isinstance(copy, NotFound)
    assert (copy.code, copy.status, copy.details, copy.params) == (
        "DOSSIER_NOT_FOUND",
        404,
        {"id": ["x"]},
        {"id": "x"},
    )


def test_an_error_of_a_module_the_caller_lacks_comes_back_as_its_status_class():
    data = serialize(Conflict("Taken", {"email": ["taken"]}, "EMAIL_TAKEN"))
    data["exc_path"] = "services.elsewhere.exceptions.EmailTaken"
    copy = deserialize(data)
    assert isinstance(copy, Conflict)
    assert (copy.code, copy.status, copy.details) == (
        "EMAIL_TAKEN",
        409,
        {"email": ["taken"]},
    )


def test_a_services_exception_that_is_no_service_error_stays_a_remote_error():
    data = serialize(ServiceError("boom"))
    data.update(exc_path="services.elsewhere.Broken", exc_args=["boom"])
    assert type(deserialize(data)).__name__ == "RemoteError"


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


def test_field_details_render_in_either_language_with_their_params():
    details = {"email": ["invalid_email"], "name": [detail("too_long", max=5)]}
    vi = render_details(details, "vi")
    assert vi["email"] == ["Địa chỉ e-mail không hợp lệ."]
    assert vi["name"] == ["Độ dài tối đa là 5 ký tự."]
    assert render_details(details, "en") == {
        "email": ["Not a valid email address."],
        "name": ["Longer than maximum length 5."],
    }
    assert render_details({"action": ["task.manage"]}, "vi") == {
        "action": ["task.manage"]
    }
    assert render("NO_SUCH_CODE", {}, "vi", fallback="English") == "English"


def test_settings_read_the_environment_with_defaults():
    setting = Setting("X_PORT", "8000", "a port", int)
    assert setting.read({}) == 8000
    assert setting.read({"X_PORT": "9"}) == 9


def test_each_service_has_its_own_database_with_the_run_prefix():
    env = {"PORTAL_PG_DSN_BASE": "postgresql://u:p@h:1", "PORTAL_DB_PREFIX": "t1_"}
    assert database_url("files", env) == "postgresql+psycopg2://u:p@h:1/t1_files"


class _Inner(BaseSchema):
    name = fields.String()


class _Outer(BaseSchema):
    inner = fields.Nested(_Inner)
    items = fields.List(fields.Nested(_Inner))


@pytest.mark.parametrize(
    "data, path",
    [
        ({"inner": {"name": "a\x00b"}}, "inner.name"),
        ({"items": [{"name": "ok"}, {"name": "\ud800"}]}, "items.1.name"),
    ],
)
def test_unstorable_text_in_a_nested_schema_is_refused_once_by_its_path(data, path):
    # the outer schema walks the whole input; its nested schemas do not again
    schema = _Outer()
    with pytest.raises(ValidationFailed) as info:
        load(schema, data)
    assert list(info.value.details) == [path]
    assert load(schema, {"inner": {"name": "fine"}}) == {"inner": {"name": "fine"}}
    with pytest.raises(ValidationFailed) as info:  # still refused the second time
        load(schema, data)
    assert list(info.value.details) == [path]
    # a schema loaded on its own (not nested) still walks its input
    with pytest.raises(ValidationFailed):
        load(_Inner(), {"name": "a\x00b"})
