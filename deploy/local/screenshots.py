"""Screenshots of the main pages with the demo data, for the README.

    PYTHONPATH=. $PORTAL_VENV/bin/python -m deploy.local.screenshots [BASE_URL] [DIR]

Signs in as the demo accounts that `deploy/local/up` prints (their passwords are
the demo ones of seed_accounts.py / seed_history.py) and saves one desktop-width
PNG per page (the visible top, 1280×800) into docs/screenshots/ (or DIR).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from . import seed_accounts, seed_history

ROOT = Path(__file__).resolve().parents[2]
STAFF = {
    user[2] + (f":{user[3]}" if user[3] else ""): user for user in seed_accounts.STAFF
}
BIRTH = "1.001193"  # the seeded birth registration (prefilled fields)


def sign_in(browser, base, email, password):
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{base}/dang-nhap")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return page


def shoot(page, out, name, url=None):
    if url:
        page.goto(url)
        page.wait_for_load_state()
    page.screenshot(path=str(out / f"{name}.png"))
    print(f"  {name}: {page.url}")


def main(base, out):
    out.mkdir(parents=True, exist_ok=True)
    executable = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        visitor = browser.new_context(
            viewport={"width": 1280, "height": 800}
        ).new_page()
        shoot(visitor, out, "home", f"{base}/")
        desk = STAFF["desk"]
        page = sign_in(browser, base, desk[0], desk[4])
        shoot(page, out, "desk-queue", f"{base}/can-bo?trang_thai=approved")
        page.goto(f"{base}/can-bo?trang_thai=completed")
        link = page.locator("main a[href^='/can-bo/ho-so/']").first
        if link.count():
            shoot(page, out, "workspace", base + link.get_attribute("href"))
        officer = STAFF["officer:TPHT"]
        page = sign_in(browser, base, officer[0], officer[4])
        shoot(page, out, "officer-my-work", f"{base}/can-bo/viec-cua-toi")
        citizen = seed_history.CITIZENS[0][0]
        page = sign_in(browser, base, citizen, seed_history.CITIZEN_PASSWORD)
        shoot(page, out, "citizen-new-dossier", f"{base}/ho-so/moi?thu_tuc={BIRTH}")
        browser.close()


if __name__ == "__main__":
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else f"http://127.0.0.1:{os.environ.get('PORTAL_PORT', '8000')}",
        Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "screenshots",
    )
