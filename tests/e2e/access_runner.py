"""Send every cell of the access matrix to the running gateway and keep the outcome.

One keep-alive session per role; the roles run in parallel, each role's cells in
order, phase by phase (reads, writes, destructive writes, logging out), so a later
phase never runs before an earlier one of any role has finished.
"""

from concurrent.futures import ThreadPoolExecutor
from itertools import groupby

import requests

from gateway.middleware import CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, csrf_token_for
from gateway.web.base import FORM_COOKIE

from .access_table import filled, path_of
from .test_api_journey import PDF

ANONYMOUS_FORM = "matrix-anonymous-form-token-0123456789abcdef"


def outcome(resp, reveals=None):
    """A response as the table writes it: its status, or `login` for a redirect.

    With `reveals` (a world value), a 200 becomes "200 shows" or "200 hides" as the
    body does or does not carry that value: lists and pages are checked for what
    they show, not only for whether they answer.
    """
    location = resp.headers.get("Location") or ""
    if resp.status_code in (302, 303) and location.startswith("/dang-nhap"):
        return "login"
    if reveals is not None and resp.status_code == 200:
        return "200 shows" if str(reveals) in resp.text else "200 hides"
    return resp.status_code


class RoleClient:
    """Send one role's requests: bearer on the API, the session cookies on pages."""

    def __init__(self, base_url, token, is_user):
        self.base_url, self.token, self.is_user = base_url, token, is_user
        self.session = requests.Session()

    def auth(self, page):
        if self.token is None:
            return {}, {FORM_COOKIE: ANONYMOUS_FORM}, ANONYMOUS_FORM
        csrf = csrf_token_for(self.token)
        if page and self.is_user:
            cookies = {SESSION_COOKIE: self.token, CSRF_COOKIE: csrf}
            return {}, cookies, csrf
        return {"Authorization": f"Bearer {self.token}"}, {}, csrf

    def send(self, cell, values):
        page = not cell.template.startswith("/api/")
        headers, cookies, csrf = self.auth(page)
        request = cell.request
        kwargs = {"headers": headers, "cookies": cookies, "allow_redirects": False}
        kwargs["params"] = filled(request.get("query"), values)
        if cell.method != "GET":
            kwargs |= self.body(request, values, page, csrf)
            headers["X-CSRF-Token"] = csrf
        resp = self.session.request(
            cell.method, self.base_url + path_of(cell, values), timeout=60, **kwargs
        )
        self.session.cookies.clear()
        reveals = request.get("reveals")
        return outcome(resp, values[reveals] if reveals else None)

    @staticmethod
    def body(request, values, page, csrf):
        if "multipart" in request:
            fields = filled(request["multipart"], values)
            return {
                "data": {CSRF_FIELD: csrf} | fields if page else fields,
                "files": {"file": ("matrix.pdf", PDF, "application/pdf")},
            }
        if page:
            return {
                "data": {CSRF_FIELD: csrf} | filled(request.get("form", {}), values)
            }
        return {"json": filled(request.get("json", {}), values)}


def run_cells(world, base_url, cells):
    """Return {cell: outcome} for every cell, sent phase by phase."""
    users = set(world.emails) | {"operator"}
    clients = {
        role: RoleClient(base_url, token, role in users)
        for role, token in world.tokens.items()
    }
    results = {}
    ordered = sorted(cells, key=lambda c: c.request["phase"])
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _, phase in groupby(ordered, key=lambda c: c.request["phase"]):
            by_role = {}
            for cell in phase:
                by_role.setdefault(cell.role, []).append(cell)
            done = pool.map(
                lambda item: [(c, send(clients[item[0]], c, world)) for c in item[1]],
                by_role.items(),
            )
            for pairs in done:
                results.update(pairs)
    return results


def send(client, cell, world):
    """Send a cell; a server error is sent once more before it is kept.

    The infrastructure is shared by every test run on the machine, and a burst of
    them exhausts PostgreSQL's connection slots (a 500 that says nothing of access);
    an error that the code makes answers 500 twice and fails its cell.
    """
    values = world.values | {"who": f"{world.roles.index(cell.role):02d}"}
    got = None
    for _ in range(2):
        try:
            got = client.send(cell, values)
        except requests.RequestException as exc:
            got = f"error: {type(exc).__name__}"
        if not str(got).startswith(("5", "error")):
            break
    return got
