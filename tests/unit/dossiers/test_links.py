"""Procedure links: the portal's, an allowed host's, never a script or data."""

import pytest

from services.dossiers import links

HOSTS = links.allowed_hosts(
    links.parse_hosts("01=dichvucong.gov.vn, hanoi.gov.vn;*=chinhphu.vn"),
    "01",
    "https://portal.example.vn",
)


def test_allow_list_is_per_province_plus_every_province_plus_the_portal():
    assert HOSTS == {
        "dichvucong.gov.vn", "hanoi.gov.vn", "chinhphu.vn", "portal.example.vn"
    }  # fmt: skip
    other = links.allowed_hosts(links.parse_hosts("01=a.vn"), "79", "http://p.vn")
    assert other == {"p.vn"}


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("/huong-dan", ""),
        ("https://hanoi.gov.vn/mau.docx", ""),
        ("https://portal.example.vn/x", ""),
        ("javascript:alert(1)", "LINK_SCHEME"),
        ("data:text/html,x", "LINK_SCHEME"),
        ("//evil.example/x", "LINK_SCHEME"),
        ("https://evil.example/x", "LINK_HOST"),
        ("https://hanoi.gov.vn.evil.example/", "LINK_HOST"),
        ("/\\evil.example", "LINK_SCHEME"),
    ],
)
def test_a_url_is_a_portal_page_or_an_allowed_host(url, why):
    assert links.bad_url(url, HOSTS) == why


def test_texts_name_what_they_link_to_elsewhere():
    text = "Nộp tại https://hanoi.gov.vn/, không tại www.evil.example hay javascript:x"
    assert links.bad_words(text, HOSTS) == ["www.evil.example", "javascript:x"]
