"""The contract-checked rpc decorator: options reach nameko, arguments are loaded
before the body runs, results are checked."""

import pytest

from services.accounts.service import AccountsService
from services.contracts import accounts as contract
from services.shared import entrypoint
from services.shared.errors import EXPECTED, Unauthenticated, ValidationFailed


def _entrypoint(method):
    (found,) = getattr(AccountsService, method).nameko_entrypoints
    return found


def test_nameko_receives_the_expected_errors_and_the_hidden_arguments():
    login = _entrypoint("login")
    assert login.expected_exceptions == EXPECTED
    assert login.sensitive_arguments == ("password",)


def test_arguments_are_loaded_before_the_body_runs():
    ran = []

    def register(self, caller, data, ip=None):
        ran.append(data)

    wrapped = entrypoint.checked(contract.RPC["register"], register)
    with pytest.raises(ValidationFailed) as refused:
        wrapped(None, None, {"kind": "citizen", "email": "x"})
    assert (
        "email" in refused.value.details and "data.email" not in refused.value.details
    )
    with pytest.raises(Unauthenticated):
        wrapped(None, {"kind": 5}, {})
    assert ran == []


def test_a_result_outside_the_contract_fails_in_strict_mode(monkeypatch):
    def resend_activation(self, caller, email):
        return {"status": "sent", "extra": 1}

    wrapped = entrypoint.checked(contract.RPC["resend_activation"], resend_activation)
    monkeypatch.setenv("PORTAL_CONTRACT_STRICT", "0")
    assert wrapped(None, None, "a@b.vn") == {"status": "sent", "extra": 1}
    monkeypatch.setenv("PORTAL_CONTRACT_STRICT", "1")
    with pytest.raises(entrypoint.ContractBroken):
        wrapped(None, None, "a@b.vn")
