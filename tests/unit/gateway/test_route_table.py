"""Every page the services link to (services/shared/routes.py) is a page the gateway
serves: a link in an e-mail, slip or QR code cannot lead nowhere."""

import functools
import re
from pathlib import Path

import falcon.inspect
import pytest

from gateway import settings
from gateway.app import create_app
from services.shared import routes


@functools.cache
def served_templates():
    app = create_app(None, {settings.MAX_BODY.key: 1024})
    return {r.path for r in falcon.inspect.inspect_routes(app)}


@pytest.mark.parametrize("name", sorted(routes.PAGES))
def test_each_linked_page_is_served_by_the_gateway(name):
    assert routes.PAGES[name] in served_templates(), name


def test_urls_are_built_from_the_table_with_quoted_parameters():
    url = routes.url("https://dvc.example/", "citizen_dossier", dossier_id="a/b c")
    assert url == "https://dvc.example/ho-so/a%2Fb%20c"
    reset = routes.url("https://dvc.example", "reset_password", {"token": "t&1"})
    assert reset == "https://dvc.example/reset-password?token=t%261"


GATEWAY = Path(__file__).resolve().parents[3] / "gateway"
# a literal path in a template attribute, or a page's redirect target
IN_TEMPLATE = re.compile(r'(?:href|action|src|data-upload)="(/[^"]*)"')
IN_REDIRECT = re.compile(r'redirect\(\s*resp,\s*f?"(/[^"]*)"')
EXPRESSION = re.compile(r"\{\{.*?\}\}|\{[^{}]*\}")


def named_page(literal):
    """The name of the route-table page a hand-written path leads to, or None."""
    path = EXPRESSION.sub("X", literal).split("?")[0].split("#")[0]
    by_static_first = sorted(routes.PAGES.items(), key=lambda kv: "{" in kv[1])
    for name, template in by_static_first:
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return name
    return None


def hand_written():
    found = []
    for path in sorted((GATEWAY / "templates").glob("*.html")):
        for literal in IN_TEMPLATE.findall(path.read_text(encoding="utf-8")):
            found.append((path.name, literal))
    for path in sorted((GATEWAY / "web").glob("*.py")):
        for literal in IN_REDIRECT.findall(path.read_text(encoding="utf-8")):
            found.append((path.name, literal))
    return [(where, lit, named_page(lit)) for where, lit in found if named_page(lit)]


def test_no_template_or_page_writes_a_named_page_by_hand():
    # url_for('staff_dossier', dossier_id=...) in a template, routes.link in Python
    assert hand_written() == []


def test_the_check_finds_a_hand_written_page():
    assert named_page("/can-bo/ho-so/{{ d.id }}?ok=1") == "staff_dossier"
    assert named_page("/ho-so/{dossier_id}") == "citizen_dossier"
    assert named_page("/ho-so/moi?thu_tuc=X") == "new_dossier"
    assert named_page("/quan-tri/nhat-ky") is None
