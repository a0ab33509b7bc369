"""The names helper: codes to names, cached, and the codes when accounts is down."""

from gateway.names import Names
from services.shared.errors import Unavailable


class Accounts:
    def __init__(self):
        self.agencies = [
            {"code": "000.00.01.H26", "name": "UBND tỉnh Hưng Yên"},
            {"code": "UBX", "name": "UBND xã X"},
        ]
        self.departments = [
            {"agency": "000.00.01.H26", "code": "TP", "name": "Sở Tư pháp"},
            {"agency": "UBX", "code": "TP", "name": "Tư pháp - Hộ tịch"},
            {"agency": "UBX", "code": "DC", "name": "Địa chính"},
        ]
        self.calls, self.down = 0, False

    def call(self, service, method, *args, **kwargs):
        assert service == "accounts"
        if self.down:
            raise Unavailable("accounts down")
        self.calls += 1
        return self.agencies if method == "list_agencies" else self.departments


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_codes_become_names_and_the_table_is_read_once():
    rpc = Accounts()
    names = Names(rpc, clock=Clock())
    assert names.agency("000.00.01.H26") == "UBND tỉnh Hưng Yên"
    assert names.department("DC", "UBX") == "Địa chính"
    assert names.department("TP", "UBX") == "Tư pháp - Hộ tịch"
    assert names.agencies(["UBX"]) == [("UBX", "UBND xã X")]
    assert rpc.calls == 2  # one list_agencies, one list_departments


def test_a_department_code_without_its_agency_names_each_agency():
    names = Names(Accounts(), clock=Clock())
    assert names.department("DC") == "Địa chính"
    both = names.department("TP")
    assert "Sở Tư pháp (UBND tỉnh Hưng Yên)" in both
    assert "Tư pháp - Hộ tịch (UBND xã X)" in both


def test_the_table_ages_and_an_unknown_code_is_looked_up_again():
    rpc, clock = Accounts(), Clock()
    names = Names(rpc, ttl=300, retry=10, clock=clock)
    assert names.agency("NEW") == "NEW"
    reads = rpc.calls
    rpc.agencies.append({"code": "NEW", "name": "Cơ quan mới"})
    assert names.agency("NEW") == "NEW"  # asked again within `retry`: no new read
    assert rpc.calls == reads
    clock.now = 11
    assert names.agency("NEW") == "Cơ quan mới"
    # another code met for the first time a moment later is read at once
    rpc.agencies.append({"code": "NEWER", "name": "Cơ quan mới hơn"})
    clock.now = 12
    assert names.agency("NEWER") == "Cơ quan mới hơn"
    reads = rpc.calls - 2
    clock.now = 200
    names.agency("UBX")
    assert rpc.calls == reads + 2  # fresh and known: no read
    clock.now = 600
    names.agency("UBX")
    assert rpc.calls == reads + 4  # aged: read again


def test_accounts_down_shows_the_codes_and_recovers():
    rpc, clock = Accounts(), Clock()
    rpc.down = True
    names = Names(rpc, clock=clock)
    assert names.agency("UBX") == "UBX"
    assert names.department("DC", "UBX") == "DC"
    rpc.down = False
    clock.now = 30
    assert names.agency("UBX") == "UBND xã X"
    assert names.agency("") == "" and names.department(None) == ""
