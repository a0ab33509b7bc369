"""Browser fixtures: Debian's Chromium driven by Playwright, an agency set up by API.

Playwright never downloads a browser here: it launches the system Chromium
(`PORTAL_CHROMIUM`, default /usr/bin/chromium). The sync API runs outside any asyncio
loop (nameko's pytest plugin is disabled, so no eventlet in this process).
"""

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("PORTAL_SCREENSHOTS", ROOT / "var" / "screenshots"))
# the widths every page is looked at: a desktop and a phone (CSS pixels)
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PASSWORD = "Portal-E2e-2026"
ACCEPT = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(stack):
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.skip(f"no Chromium at {executable}")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=executable, headless=True, args=ARGS
        )
        yield launched
        launched.close()


class Shots:
    """Screenshots of a page at each width, under var/screenshots/<test>/.

    `shots(page, "step")` writes `NN-step-desktop.png` and `NN-step-phone.png` (the
    whole page, scrolled), then gives the page its size back. Every browser test
    calls it at its steps; `look_at_every_page` below also calls it for each page
    still open when a test ends, so no page a browser test shows goes unseen.
    """

    def __init__(self, name):
        self.dir = SCREENSHOTS / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, step):
        self.count += 1
        size = page.viewport_size
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            name = f"{self.count:02d}-{step}-{width_name}.png"
            page.screenshot(path=str(self.dir / name), full_page=True)
        if size:
            page.set_viewport_size(size)


@pytest.fixture
def shots(request):
    return Shots(request.node.name)


@pytest.fixture(autouse=True)
def look_at_every_page(request):
    """After a browser test, a screenshot of each page it left open (both widths)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = {id(context) for context in browser.contexts}
    yield
    shots = Shots(request.node.name)
    shots.count = 90  # after the test's own steps
    for context in browser.contexts:
        if id(context) in before:
            continue
        for page in context.pages:
            if not page.is_closed() and page.url.startswith("http"):
                try:
                    shots(page, "end")
                except playwright_error() as exc:  # a page gone meanwhile: say so
                    print(f"no end screenshot of {page.url}: {exc}")


def playwright_error():
    from playwright.sync_api import Error

    return Error


class Agency:
    """An agency, its department, a procedure and desk/officer/leader accounts."""

    def __init__(self, api, stack, name="UBND xã Thử Nghiệm"):
        self.name = name
        login = api.post(
            "/api/v1/sessions",
            json={
                "email": stack.env["PORTAL_ADMIN_EMAIL"],
                "password": stack.env["PORTAL_ADMIN_PASSWORD"],
            },
        )
        assert login.status_code == 201, login.text
        self.operator = api.as_user(login.json()["token"])
        suffix = uuid.uuid4().hex[:6].upper()
        self.code, self.department = f"E{suffix}", "TP"
        self.procedure = f"E2E{suffix}"
        self._create()
        self.staff = {role: self._staff(role) for role in ("desk", "officer", "leader")}

    def _post(self, path, body):
        resp = self.operator.post(path, json=body)
        assert resp.status_code == 201, (path, resp.text)
        return resp.json()

    def _create(self):
        self._post(
            "/api/v1/agencies",
            {"code": self.code, "name": self.name, "province": "01"},
        )
        self._post(
            "/api/v1/departments",
            {"code": self.department, "name": "Tư pháp", "agency": self.code},
        )
        self._post("/api/v1/procedures", self.procedure_body())

    def procedure_body(self):
        return {
            "code": self.procedure,
            "province": "01",
            "name": f"Đăng ký khai sinh {self.procedure}",
            "level": 3,
            "processing_days": 3,
            "fee": 8000,
            "agencies": [self.code],
            "steps": ["Nộp tờ khai và giấy chứng sinh", "Nhận kết quả"],
            "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
            "templates": [{"name": "Tờ khai đăng ký khai sinh"}],
            "form": {
                "fields": [
                    {"name": "child_name", "label": "Họ tên trẻ", "type": "text",
                     "required": True},
                    {"name": "copies", "label": "Số bản sao", "type": "number",
                     "required": True, "min": 1, "max": 10},
                    {"name": "born", "label": "Ngày sinh", "type": "date"},
                ]
            },
            "documents": [
                {"slot": "to_khai", "name": "Tờ khai", "required": True,
                 "accept": ACCEPT, "max_count": 5},
                {"slot": "giay_chung_sinh", "name": "Giấy chứng sinh",
                 "required": True, "accept": ACCEPT, "max_count": 5},
            ],
        }  # fmt: skip

    def _staff(self, role):
        email = f"{role}-{uuid.uuid4().hex[:8]}@e2e.test"
        body = {
            "email": email,
            "full_name": f"Cán bộ {role}",
            "password": PASSWORD,
            "role": role,
            "agency": self.code,
            "province": "01",
        }
        if role in ("officer", "leader"):
            body["department"] = self.department
        self._post("/api/v1/staff", body)
        return email


@pytest.fixture
def agency(api, stack):
    return Agency(api, stack)
