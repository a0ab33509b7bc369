"""A procedure list's filters are loaded by a schema: a bad level is 422, not a 500."""

import pytest

from services.contracts import dossiers as schemas
from services.shared.errors import ValidationFailed
from services.shared.schemas import load


@pytest.mark.parametrize("level", ["aÛ", "í", "1.5", "0", "5", str(10**30)])
def test_a_level_that_is_no_level_is_refused_by_name(level):
    with pytest.raises(ValidationFailed) as refused:
        load(schemas.ProcedureQuery(), {"level": level})
    assert list(refused.value.details) == ["level"]


def test_a_level_given_as_text_is_read_as_its_number():
    assert load(schemas.ProcedureQuery(), {"level": "3", "q": "khai sinh"}) == {
        "level": 3,
        "q": "khai sinh",
    }
