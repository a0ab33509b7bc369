"""Small facades over other services, so the workflow names its intent.

- `Directory.department(agency, code)`: the department exists in the agency
  (accounts `get_agency`).
- `Directory.agency(code)`: the agency (with its dates and province), None when
  accounts does not know it.
- `Directory.is_staff(agency, department, user_id)`: active staff of that department
  (accounts `list_staff`).
- `Directory.identity(user_id)`: a user's own national ID / tax code (accounts
  `get_user`), for claiming a paper dossier.

These checks fail closed: when accounts does not answer, they raise 503
`SERVICE_UNAVAILABLE` instead of letting an unchecked reference in.
- `FileIndex.files(dossier_id)`: the dossier's files (files `list_files`); while the
  files service does not expose it, the caller's explicit list is used.
"""

import logging

import eventlet
from nameko.exceptions import MethodNotFound, RemoteError, UnknownService
from nameko.timer import Timer

from services.shared.caller import SYSTEM
from services.shared.errors import NotFound, ValidationFailed, detail

from .exceptions import PeerUnavailable

log = logging.getLogger(__name__)
TIMEOUT = 10
NOT_THERE = (MethodNotFound, UnknownService, eventlet.Timeout)


def _call(method, *args):
    """Call a proxied method with a timeout; return (available, result)."""
    try:
        with eventlet.Timeout(TIMEOUT):
            return True, method.call_async(*args).result()
    except NOT_THERE as exc:
        log.warning("remote call unavailable: %s", type(exc).__name__)
        return False, None
    except RemoteError as exc:
        if exc.exc_type == "MethodNotFound":
            return False, None
        raise


def _required(method, *args):
    """Call a peer whose answer a check needs: 503 when it cannot say, never a pass."""
    available, result = _call(method, *args)
    if not available:
        raise PeerUnavailable(
            "A service needed for this check is unavailable", {"service": ["accounts"]}
        )
    return result


class ConfiguredTimer(Timer):
    """A nameko timer whose interval is a setting (read when the service starts)."""

    def __init__(self, setting, **kwargs):
        super().__init__(interval=float(setting.default), **kwargs)
        self.setting = setting

    def setup(self):
        value = self.container.config.get(self.setting.key, self.setting.default)
        self.interval = max(float(value), 1.0)


configured_timer = ConfiguredTimer.decorator


class Directory:
    def __init__(self, accounts):
        self.accounts = accounts

    def department(self, agency, code):
        if not code:
            raise ValidationFailed("Invalid input", {"department": ["required"]})
        info = self.agency(agency) or {}
        codes = {d.get("code") for d in info.get("departments") or []}
        if code not in codes:
            raise ValidationFailed(
                "Invalid input", {"department": [detail("unknown_department")]}
            )
        return code

    def agency(self, code):
        """The agency with its departments, or None when accounts does not know it."""
        try:
            return _required(self.accounts.get_agency, SYSTEM, code)
        except NotFound:
            return None

    def is_staff(self, agency, department, user_id):
        """Tell whether `user_id` is active staff of that agency's department."""
        people = _required(self.accounts.list_staff, SYSTEM, agency, department)
        return any(
            str(p.get("id")) == str(user_id) and p.get("status") == "active"
            for p in people or []
        )

    def identity(self, user_id):
        """(kind, national ID, tax code) of an account, from accounts."""
        try:
            found = _required(self.accounts.get_user, SYSTEM, user_id) or {}
        except NotFound:
            found = {}
        return found.get("kind"), found.get("national_id"), found.get("tax_code")

    def user(self, user_id):
        """{id, email, full_name, lang} of a user ({id} alone when unknown)."""
        try:
            available, found = _call(self.accounts.get_user, SYSTEM, user_id)
        except NotFound:
            available, found = False, None
        if not available or not found:
            return {"id": user_id, "email": None, "full_name": None, "lang": "vi"}
        keys = ("id", "email", "full_name", "lang")
        return {k: found.get(k) for k in keys}

    def leaders(self, agency, department):
        """The leaders of a department ([] when accounts cannot say)."""
        available, found = _call(
            self.accounts.list_staff, SYSTEM, agency, department, "leader"
        )
        people = found if available and isinstance(found, list) else []
        keys = ("id", "email", "full_name", "lang")
        return [
            {k: p.get(k, "vi" if k == "lang" else None) for k in keys} for p in people
        ]


class FileIndex:
    def __init__(self, files):
        self.files = files

    def ids(self, dossier_id):
        """Ids of the dossier's stored files, or None when files cannot say."""
        available, found = _call(self.files.list_files, SYSTEM, dossier_id)
        if not available or found is None:
            return None
        items = found.get("items", []) if isinstance(found, dict) else found
        return {str(item.get("id")) for item in items}

    def list(self, dossier_id, explicit=None):
        available, found = _call(self.files.list_files, SYSTEM, dossier_id)
        if available and found is not None:
            return found.get("items", found) if isinstance(found, dict) else found
        return list(explicit or [])
