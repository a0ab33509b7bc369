"""Every page the services link to (services/shared/routes.py) is a page the gateway
serves: a link in an e-mail, slip or QR code cannot lead nowhere."""

import falcon.inspect
import pytest

from gateway import settings
from gateway.app import create_app
from services.shared import routes


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
