"""The one RPC entrypoint decorator: nameko's `rpc`, checked against the contract.

`rpc = contract_rpc("accounts")` in a service module, then `@rpc` or
`@rpc(sensitive_arguments=("password",))` on each method. Before the method body
runs, its arguments (positional and keyword) are loaded with the method's schema in
`services/contracts/<service>.py` (refused: 422 VALIDATION_ERROR with field details,
401 for a malformed caller); the body receives them as sent. When the contract
declares a result, the answer is checked: a mismatch is a bug, logged with the
method's name, and raised when PORTAL_CONTRACT_STRICT is on (the tests' stack).
"""

import functools
import logging

from nameko.exceptions import IncorrectSignature

from services import contracts

from .config import CONTRACT_STRICT
from .errors import EXPECTED
from .rpc import rpc as nameko_rpc  # nameko's, minus dying when a reply is lost

log = logging.getLogger(__name__)


class ContractBroken(Exception):
    """A method answered something its contract does not declare (a bug)."""


def checked(method, fn):
    """Wrap a service method so `method` (a contract Method) guards it."""

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            arguments = method.arguments(args, kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None
        method.load(arguments)
        result = fn(self, *args, **kwargs)
        errors = method.result_errors(result)
        if errors:
            log.error("%r answered outside its contract: %s", method, errors)
            if CONTRACT_STRICT.read():
                raise ContractBroken(f"{method!r}: {errors}")
        return result

    return wrapper


def contract_rpc(service, expected=EXPECTED):
    """The `rpc` decorator of `service`: contract-checked, `expected` errors."""
    table = contracts.of(service).RPC

    def rpc(fn=None, **options):
        if fn is None:
            return functools.partial(rpc, **options)
        options.setdefault("expected_exceptions", expected)
        # nameko reads options only in the @rpc(...) form, never as rpc(fn, **options)
        return nameko_rpc(**options)(checked(table[fn.__name__], fn))

    return rpc
