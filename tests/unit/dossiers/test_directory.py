"""The Directory asks accounts for an agency once per request (it lives one RPC)."""

from services.dossiers.dependencies import Directory
from services.shared.errors import NotFound

AGENCY = {"code": "A1", "province": "01", "departments": [{"code": "TP"}]}


class Accounts:
    """Stands in for the accounts peer: counts the calls, answers one agency."""

    def __init__(self):
        self.calls = []

    def get_agency(self, caller, code):
        self.calls.append(code)
        if code != "A1":
            raise NotFound("Agency not found")
        return AGENCY


def test_an_agency_checked_then_its_department_is_one_call():
    accounts = Accounts()
    directory = Directory(accounts)
    assert directory.agency("A1")["province"] == "01"
    assert directory.department("A1", "TP") == "TP"
    assert accounts.calls == ["A1"]


def test_an_unknown_agency_is_asked_once_too_and_stays_unknown():
    accounts = Accounts()
    directory = Directory(accounts)
    assert directory.agency("ZZ") is None
    assert directory.agency("ZZ") is None
    assert accounts.calls == ["ZZ"]


def test_each_request_asks_again():
    accounts = Accounts()
    Directory(accounts).agency("A1")
    Directory(accounts).agency("A1")
    assert accounts.calls == ["A1", "A1"]
