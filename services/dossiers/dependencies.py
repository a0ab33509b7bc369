"""Small facades over other services (`services/shared/peers.py`), so the workflow
names its intent. Every one fails closed: when the peer does not answer, the call
raises 503 `ACCOUNTS_UNAVAILABLE` / `FILES_UNAVAILABLE` instead of letting an
unchecked reference in.

- `Directory.department(agency, code)`: the department exists in the agency
  (accounts `get_agency`).
- `Directory.agency(code)`: the agency (with its dates and province), None when
  accounts does not know it; asked once per code and request (a Directory is made
  per RPC: a paper registration checked its agency, then its department, with two
  identical calls).
- `Directory.is_staff(agency, department, user_id)`: active staff of that department
  (accounts `list_staff`).
- `Directory.identity(user_id)`: a user's own national ID / tax code (accounts
  `get_user`), for claiming a paper dossier.
- `Directory.user(user_id)`, `Directory.leaders(agency, department)`: who to tell.
- `FileIndex.list(dossier_id)` / `ids(dossier_id)`: the dossier's stored files
  (files `list_files`; `asked(dossier_id)` sends the call, answers later);
  `result(dossier_id)`, `sign(caller, dossier_id)`: its result (files
  `get_result`, `sign_result`).
"""

from services.shared.caller import SYSTEM
from services.shared.errors import NotFound, ValidationFailed, detail
from services.shared.timer import configured_timer  # noqa: F401 - the service's

PERSON = ("id", "email", "full_name", "lang")


class Directory:
    def __init__(self, accounts):
        self.accounts = accounts
        self.agencies = {}  # code -> answer, within this request

    def department(self, agency, code):
        if not code:
            raise ValidationFailed("Invalid input", {"department": ["required"]})
        info = self.agency(agency) or {}
        codes = {d["code"] for d in info.get("departments", [])}
        if code not in codes:
            raise ValidationFailed(
                "Invalid input", {"department": [detail("unknown_department")]}
            )
        return code

    def agency(self, code):
        """The agency with its departments, or None when accounts does not know it."""
        if code not in self.agencies:
            try:
                self.agencies[code] = self.accounts.get_agency(SYSTEM, code)
            except NotFound:
                self.agencies[code] = None
        return self.agencies[code]

    def is_staff(self, agency, department, user_id):
        """Tell whether `user_id` is active staff of that agency's department."""
        people = self.accounts.list_staff(SYSTEM, agency, department)
        return any(
            str(p["id"]) == str(user_id) and p.get("status") == "active" for p in people
        )

    def identity(self, user_id):
        """(kind, national ID, tax code) of an account, from accounts."""
        try:
            found = self.accounts.get_user(SYSTEM, user_id)
        except NotFound:
            found = {}
        return found.get("kind"), found.get("national_id"), found.get("tax_code")

    def user(self, user_id):
        """{id, email, full_name, lang} of a user ({id} alone when unknown)."""
        try:
            found = self.accounts.get_user(SYSTEM, user_id)
        except NotFound:
            return {"id": user_id, "email": None, "full_name": None, "lang": "vi"}
        return {k: found.get(k) for k in PERSON}

    def leaders(self, agency, department):
        """The leaders of a department."""
        people = self.accounts.list_staff(SYSTEM, agency, department, "leader")
        return [
            {k: p.get(k, "vi" if k == "lang" else None) for k in PERSON} for p in people
        ]


class FileIndex:
    def __init__(self, files):
        self.files = files

    def ids(self, dossier_id):
        """Ids of the dossier's stored files."""
        return {str(item["id"]) for item in self.list(dossier_id)}

    def result(self, dossier_id):
        """The dossier's result ({state, ...}) in the files service, None if none."""
        try:
            return self.files.get_result(SYSTEM, dossier_id)
        except NotFound:
            return None

    def sign(self, caller, dossier_id):
        """Sign the drafted result as the approving leader; the signed result."""
        return self.files.sign_result(caller, dossier_id)

    def list(self, dossier_id):
        """The dossier's stored files, as the files service knows them."""
        return self.asked(dossier_id)()

    def asked(self, dossier_id):
        """Ask files for the dossier's stored files now; a callable that answers
        them (waiting for the reply then), so other checks run meanwhile."""
        pending = self.files.begin("list_files", SYSTEM, dossier_id)

        def answer():
            found = pending.result()
            return found.get("items", []) if isinstance(found, dict) else found

        return answer
