"""Pure rules of issue 11 item 4 and 5: levels online, agency dates, desk on behalf."""

import datetime as dt

import pytest

from services.dossiers import claims, domain

DAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("level", "submit", "forms"), [(1, False, False), (2, False, True), (3, True, True)]
)
def test_a_procedures_level_decides_what_is_done_online(level, submit, forms):
    assert domain.online_allows(level, "submit") is submit
    assert domain.online_allows(level, "download_forms") is forms
    assert domain.online_allows(level, "read")


def test_only_level_4_pays_and_returns_the_result_online():
    assert domain.online_allows(4, "pay") and domain.online_allows(4, "receive_result")
    assert not domain.online_allows(3, "pay")


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "open_"),
    [
        (None, None, True),
        ("2026-12-01", None, True),
        ("2026-12-02", None, False),
        ("2020-01-01", "2026-12-01", True),
        ("2020-01-01", "2026-11-30", False),
    ],
)
def test_an_agency_is_open_between_its_dates(valid_from, valid_to, open_):
    assert domain.agency_open(valid_from, valid_to, DAY) is open_


def test_the_desk_resubmits_only_a_paper_dossier():
    desk = {"dossier.register_paper", "dossier.receive"}
    assert "submit" in domain.allowed_actions(domain.SUPPLEMENT, desk, paper=True)
    assert "submit" not in domain.allowed_actions(domain.SUPPLEMENT, desk)
    assert "submit" not in domain.allowed_actions(domain.DRAFT, desk, paper=True)
    assert "dossier.register_paper" in domain.permissions_for("submit", paper=True)
    assert "dossier.register_paper" not in domain.permissions_for("submit")


def test_access_codes_are_8_unambiguous_characters_and_differ():
    codes = {claims.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(claims.ALPHABET) for c in codes)
    assert not set("0O1IL") & set(claims.ALPHABET)
