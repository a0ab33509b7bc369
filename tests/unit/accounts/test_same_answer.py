"""Reset and re-send answer before the e-mail is looked up: the same for everyone.

The entrypoints only check the address's shape, queue the work for after the reply
and answer; nothing on the path to the answer depends on whether the address has an
account (the work itself is tested through the real stack in
tests/integration/accounts/test_registration.py).
"""

import pytest
from nameko.testing.services import worker_factory

from services.accounts import identity
from services.accounts.service import AccountsService
from services.shared.errors import ValidationFailed


@pytest.mark.parametrize(
    "method, handler",
    [
        ("request_password_reset", identity.request_password_reset),
        ("resend_activation", identity.resend_activation),
    ],
)
def test_known_and_unknown_emails_take_the_same_path_to_the_answer(method, handler):
    service = worker_factory(AccountsService)
    answers = [
        getattr(service, method)({}, email)
        for email in ("registered@example.vn", "nobody@example.vn")
    ]
    assert answers == [{"status": "sent"}] * 2
    assert not service.db.transaction.called and not service.db.reader.called
    queued = [call.args[:2] for call in service.after_reply.call_args_list]
    assert queued == [(service._write, handler)] * 2


def test_a_malformed_address_is_refused_before_anything_is_queued():
    service = worker_factory(AccountsService)
    with pytest.raises(ValidationFailed):
        service.request_password_reset({}, "")
    assert not service.after_reply.called
