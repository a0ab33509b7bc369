"""Every RPC the gateway calls declares its result schema (checked on every answer
by the contract decorator, raised on the tests' stack), unless it is listed below
with the reason its answer is not described."""

from services import contracts
from services.contracts.callers import callers

# (service, method): why the result stays undeclared.
UNDECLARED = {
    # the caller the token names, or None for an unknown token (not a dict)
    ("accounts", "authenticate"),
    # internal upload tickets (a presigned URL and an upload id), never sent on
    ("files", "begin_upload"),
    ("files", "begin_template_upload"),
    ("files", "abort_upload"),
    # where to stream a file's bytes from (storage details), never sent on
    ("files", "open_file"),
}


def _declared():
    return {
        (service, name)
        for service in contracts.SERVICES
        for name, method in contracts.of(service).RPC.items()
        if method.result is not None
    }


def _called_by_gateway():
    return {key for key, who in callers().items() if "gateway" in who}


def test_every_method_the_gateway_calls_declares_its_result():
    missing = _called_by_gateway() - _declared() - UNDECLARED
    assert not missing, f"declare result= (or allow-list with a reason): {missing}"


def test_the_allow_list_names_only_undeclared_methods_the_gateway_calls():
    assert UNDECLARED <= _called_by_gateway()
    assert not UNDECLARED & _declared(), "declared now: drop it from UNDECLARED"


def test_most_methods_declare_a_result():
    declared = _declared()
    total = sum(len(contracts.of(s).RPC) for s in contracts.SERVICES)
    # 71 of 86 today; the rest are internal (indexing, sweeps, uploads)
    assert len(declared) >= 71, f"{len(declared)} of {total} declare a result"
