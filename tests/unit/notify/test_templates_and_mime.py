"""Templates render in both languages; MIME is right for Vietnamese."""

import pytest

from services.notify.bulk import compile_parts, render
from services.notify.exceptions import TemplateUnsafe, TemplateVariableUnknown
from services.notify.samples import sample
from services.notify.templates import DIRECTORY, Renderer, TemplateInvalid

KEYS = sorted(p.stem for p in (DIRECTORY / "vi").glob("*.j2"))


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("key", KEYS)
def test_every_file_template_passes_its_own_validation(renderer, key, lang):
    renderer.check(key, renderer.source(key, lang), sample(key))


def test_vietnamese_received_mail_has_receipt_and_date(renderer):
    out = renderer.render("dossier_received", "vi", sample("dossier_received"))
    assert "000.00.01.H26-260105-0001" in out.subject
    assert "12/01/2026" in out.text
    assert "\n" not in out.subject


def test_html_part_escapes_and_text_part_does_not(renderer):
    context = {**sample("dossier_rejected"), "reason": "<b>Thiếu & sai</b>"}
    out = renderer.render("dossier_rejected", "vi", context)
    assert "&lt;b&gt;Thiếu &amp; sai&lt;/b&gt;" in out.html
    assert "<b>Thiếu & sai</b>" in out.text


def test_override_is_used_when_given(renderer):
    source = (
        "{% block subject %}Tỉnh: {{ name }}{% endblock %}"
        "{% block text %}T {{ portal_link() }}{% endblock %}"
        "{% block html %}H{% endblock %}"
    )
    link = "http://127.0.0.1:8000/reset-password?token=t1"
    out = renderer.render("password_reset", "vi", sample("x"), source, link)
    assert out.subject == "Tỉnh: Nguyễn Thị Ánh"
    assert out.text == f"T {link}"


@pytest.mark.parametrize(
    "source",
    [
        "{% block subject %}{{ name }{% endblock %}",  # syntax error
        "{% block subject %}{{ nope.missing }}{% endblock %}"
        "{% block text %}t{% endblock %}{% block html %}h{% endblock %}",
        "{% block subject %}s{% endblock %}{% block text %}t{% endblock %}",
        "{% block subject %}{{ ''.__class__.__mro__ }}{% endblock %}"
        "{% block text %}t{% endblock %}{% block html %}h{% endblock %}",
    ],
)
def test_templates_that_fail_to_render_are_refused(renderer, source):
    with pytest.raises(TemplateInvalid):
        renderer.check("dossier_rejected", source, sample("x"))


def test_bulk_body_is_personalised_and_html_escaped():
    parts = compile_parts("Chào {{ full_name }}", "Kính gửi {{ full_name }} <3")
    out = render(parts, {"full_name": "Trần Bình", "email": "b@x.vn"})
    assert out.subject == "Chào Trần Bình"
    assert "Kính gửi Trần Bình &lt;3" in out.html


def test_bulk_body_with_unknown_variable_is_refused():
    with pytest.raises(TemplateVariableUnknown):
        compile_parts("S", "{{ unknown }}")


def test_bulk_body_cannot_leave_the_sandbox():
    with pytest.raises(TemplateUnsafe):
        compile_parts("S", "{{ full_name.__class__.__mro__ }}")
