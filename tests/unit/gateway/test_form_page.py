"""The one form-page base (`gateway.web.base.FormPage`): what every form page does
on GET, on a post the service takes, refuses at a field, or fails otherwise.

A small Falcon app serves one FormPage subclass with a stand-in renderer (what the
template would be given) and a stand-in service call; the page's own code is the
real one.
"""

import falcon
import falcon.testing
import pytest

from gateway.web.base import FORM_COOKIE, FormPage, Web
from services.shared.errors import Forbidden, NotFound, ValidationFailed

TOKEN = "t" * 40


class Renderer:
    def __init__(self):
        self.shown = []

    def respond(self, req, resp, template, http_status=200, **context):
        self.shown.append((template, context))
        resp.status = http_status
        resp.text = template


class Signup(FormPage):
    """A page of the shape every form page has."""

    template = "signup.html"
    secret = ("password",)
    login = False

    def __init__(self, web, answer):
        super().__init__(web)
        self.answer, self.sent = answer, []

    def initial(self, req, group):
        return {"group": group}

    def read(self, req, form, group):
        return {k: form.get(k, "") for k in ("email", "password")} | {"group": group}

    def send(self, req, resp, values, group):
        self.sent.append(values)
        if isinstance(self.answer, Exception):
            raise self.answer
        return f"/groups/{group}?ok=1"

    def view(self, req, values, errors, group):
        return {"group_name": group.upper(), "summary": sorted(errors)}


class Context(falcon.Context):
    """What the gateway's middleware puts on every request."""

    def __init__(self):
        super().__init__()
        self.lang, self.caller, self.token, self.csrf_failed = "vi", {}, None, False
        self.request_id = "r1"


def client(answer=None):
    request = type("Request", (falcon.Request,), {"context_type": Context})
    app = falcon.App(request_type=request)
    web = Web(rpc=None, renderer=Renderer(), province="01")
    page = Signup(web, answer)
    app.add_route("/groups/{group}/join", page)
    return falcon.testing.TestClient(app), page, web.renderer


def post(test_client, **form):
    form.setdefault("csrf_token", TOKEN)
    return test_client.simulate_post(
        "/groups/g1/join",
        body="&".join(f"{k}={v}" for k, v in form.items()),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{FORM_COOKIE}={TOKEN}",
        },
    )


def test_get_shows_the_blank_form_with_its_view_model():
    test_client, _, renderer = client()
    resp = test_client.simulate_get("/groups/g1/join")
    assert resp.status_code == 200
    template, context = renderer.shown[-1]
    assert template == "signup.html"
    assert context["values"] == {"group": "g1"} and context["errors"] == {}
    assert context["group_name"] == "G1"


def test_a_taken_post_goes_on_to_the_page_send_names():
    test_client, page, _ = client()
    resp = post(test_client, email="a@b.vn", password="pw")
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/groups/g1?ok=1"
    assert page.sent == [{"email": "a@b.vn", "password": "pw", "group": "g1"}]


def test_a_refusal_shows_the_form_again_with_field_errors_and_no_secret():
    refusal = ValidationFailed("bad", {"email": ["Not an e-mail."]})
    test_client, _, renderer = client(refusal)
    resp = post(test_client, email="nope", password="pw")
    assert resp.status_code == 422
    _, context = renderer.shown[-1]
    assert context["values"] == {"email": "nope", "group": "g1"}  # no password
    assert set(context["errors"]) == {"email"}
    assert context["summary"] == ["email"]  # the view model saw the errors


@pytest.mark.parametrize(
    "answer, status", [(NotFound("gone"), 404), (Forbidden("no"), 403)]
)
def test_other_service_errors_are_pages_of_their_own(answer, status):
    test_client, _, renderer = client(answer)
    resp = post(test_client, email="a@b.vn", password="pw")
    assert resp.status_code == status
    assert renderer.shown[-1][0] == "error.html"


def test_a_post_without_its_form_token_is_refused_before_send():
    test_client, page, renderer = client()
    resp = post(test_client, email="a@b.vn", csrf_token="wrong" * 8)
    assert resp.status_code == 403
    assert page.sent == [] and renderer.shown[-1][0] == "error.html"
