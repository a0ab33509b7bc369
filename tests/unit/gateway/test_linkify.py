"""Links in comments: only http(s) addresses become links, everything is escaped."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from gateway.web.linkify import linkify


def test_a_web_address_becomes_a_safe_link_and_the_sentence_stays_text():
    out = str(linkify("Xem https://a.vn/x?a=1&b=2. Cảm ơn"))
    assert out == (
        'Xem <a href="https://a.vn/x?a=1&amp;b=2" rel="noopener nofollow ugc" '
        'target="_blank">https://a.vn/x?a=1&amp;b=2</a>. Cảm ơn'
    )


def test_brackets_the_address_opened_stay_in_it():
    out = str(linkify("(https://w.org/a_(b))"))
    assert 'href="https://w.org/a_(b)"' in out and out.endswith("</a>)")


def test_scripts_markup_and_other_schemes_stay_text():
    hostile = (
        '<script>alert(1)</script> <a href="javascript:alert(2)">x</a> '
        'javascript:alert(3) data:text/html,<b>x</b> http://"onmouseover=alert(4) '
        "https:///no-host"
    )
    out = str(linkify(hostile))
    assert "<script" not in out and "<b>" not in out
    assert 'href="javascript' not in out and "<a " not in out
    assert out == str(escape(hostile))


@given(st.text())
def test_any_text_without_an_address_is_only_escaped(text):
    if "http" not in text.lower():
        assert str(linkify(text)) == str(escape(text))
    else:
        # whatever it holds, no markup of the text itself survives
        assert "<script" not in str(linkify(text)).lower()
