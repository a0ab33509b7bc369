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
        wrapped(None, None, ["not", "an", "object"])
    assert "data" in refused.value.details
    with pytest.raises(Unauthenticated):
        wrapped(None, {"kind": 5}, {})
    assert ran == []


def test_a_body_reaches_the_method_as_sent_so_permission_comes_before_its_fields():
    """The method loads its body with the contract's schema after its own permission
    check: a caller without the right gets 403, not a 422 about the body."""
    ran = []

    def create_province(self, caller, data):
        ran.append(data)

    wrapped = entrypoint.checked(contract.RPC["create_province"], create_province)
    wrapped(None, None, {"code": "not a code", "unknown": 1})
    assert ran == [{"code": "not a code", "unknown": 1}]
    assert contract.RPC["create_province"].fields["data"].nested is (
        contract.ProvinceSchema
    )


def test_a_result_outside_the_contract_fails_in_strict_mode(monkeypatch):
    def resend_activation(self, caller, email):
        return {"status": "sent", "extra": 1}

    wrapped = entrypoint.checked(contract.RPC["resend_activation"], resend_activation)
    monkeypatch.setenv("PORTAL_CONTRACT_STRICT", "0")
    assert wrapped(None, None, "a@b.vn") == {"status": "sent", "extra": 1}
    monkeypatch.setenv("PORTAL_CONTRACT_STRICT", "1")
    with pytest.raises(entrypoint.ContractBroken):
        wrapped(None, None, "a@b.vn")
