"""The one-stop office's lists in the browser: tabs, filters, sorts, tasks, documents.

A desk officer registers three paper dossiers of a procedure that names its value
field (the declared value of a plot of land), the leader gives two of them tasks for
two officers, and the desk attaches a file. Everything listed comes from the search
index, so each check waits for the events to be indexed first.
"""

import time
import uuid

from .conftest import ACCEPT, PASSWORD, Agency
from .test_accessibility import AXE, check
from .test_journey import log_in

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
APPLICANTS = {  # applicant -> declared value
    "Nguyễn Thị Hằng": 900_000_000,
    "Lê Văn Tám": 1_200_000,
    "Phạm Minh Đức": 45_000_000,
}


def signed_in(api, email):
    answer = api.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return api.as_user(answer.json()["token"])


def eventually(fetch, done, timeout=30):
    """fetch() until done(answer) holds (the index follows events within ~1 s)."""
    end = time.monotonic() + timeout
    while True:
        answer = fetch()
        if done(answer) or time.monotonic() > end:
            return answer
        time.sleep(0.3)


def land_procedure(agency):
    code = f"DD{uuid.uuid4().hex[:6].upper()}"
    body = {
        "code": code,
        "province": "01",
        "name": f"Đăng ký biến động đất đai {code}",
        "level": 3,
        "processing_days": 10,
        "agencies": [agency.code],
        "form": {
            "fields": [
                {"name": "parcel", "label": "Thửa đất", "type": "text",
                 "required": True},
                {"name": "declared_value", "label": "Giá trị kê khai",
                 "type": "number", "min": 0},
            ],
            "value_field": "declared_value",
        },
        "documents": [
            {"slot": "giay_to", "name": "Giấy tờ", "accept": ACCEPT, "max_count": 5}
        ],
    }  # fmt: skip
    made = agency.operator.post("/api/v1/procedures", json=body)
    assert made.status_code == 201, made.text
    return code


def second_officer(agency):
    email = f"officer2-{uuid.uuid4().hex[:8]}@e2e.test"
    made = agency.operator.post(
        "/api/v1/staff",
        json={
            "email": email, "full_name": "Trần Thị Bình", "password": PASSWORD,
            "role": "officer", "agency": agency.code, "province": "01",
            "department": agency.department,
        },
    )  # fmt: skip
    assert made.status_code == 201, made.text
    return email


def rows(page, cell):
    return page.locator(f"#work-list tbody td.{cell}").all_inner_texts()


def test_a_desk_officer_works_the_lists_like_a_one_stop_office(
    api, stack, browser, shots
):
    agency = Agency(api, stack)
    procedure = land_procedure(agency)
    desk = signed_in(api, agency.staff["desk"])
    leader = signed_in(api, agency.staff["leader"])
    officer = signed_in(api, agency.staff["officer"])
    officer2_email = second_officer(agency)
    ids = {
        "officer": officer.get("/api/v1/accounts/me").json()["id"],
        "officer2": signed_in(api, officer2_email)
        .get("/api/v1/accounts/me")
        .json()["id"],
    }
    dossiers = {}
    for i, (name, value) in enumerate(APPLICANTS.items()):
        made = desk.post(
            "/api/v1/paper-dossiers",
            json={
                "procedure": procedure, "department": agency.department,
                "applicant": {"full_name": name, "kind": "citizen",
                              "national_id": f"00119001234{i}", "phone": "0912345678"},
                "form": {"parcel": f"Thửa số {i + 10}", "declared_value": value},
            },
        )  # fmt: skip
        assert made.status_code == 201, made.text
        dossiers[name] = made.json()
    hang, tam, duc = (dossiers[n] for n in APPLICANTS)
    soon = leader.post(
        f"/api/v1/dossiers/{hang['id']}/tasks",
        json={"title": "Xác minh nguồn gốc đất", "assignee": ids["officer"],
              "due_date": time.strftime("%Y-%m-%d")},
    )  # fmt: skip
    assert soon.status_code == 201, soon.text
    later = leader.post(
        f"/api/v1/dossiers/{tam['id']}/tasks",
        json={"title": "Đo đạc thửa đất", "assignee": ids["officer2"],
              "due_date": "2099-12-31"},
    )  # fmt: skip
    assert later.status_code == 201, later.text
    upload = desk.post(
        f"/api/v1/dossiers/{hang['id']}/files",
        data={"slot": "giay_to", "audience": "internal"},
        files={
            "file": ("Giấy chứng nhận quyền sử dụng đất.pdf", PDF, "application/pdf")
        },
    )
    assert upload.status_code == 201, upload.text

    # wait for the index: every dossier with its assignees' names, both tasks, the file
    mine = {"procedure": procedure, "sort": "assignee", "page_size": 50}
    listed = eventually(
        lambda: desk.get("/api/v1/search/dossiers", params=mine).json(),
        lambda a: (
            [len(i.get("assignee_names") or []) for i in a.get("items", [])]
            == [1, 1, 0]
        ),
    )
    assert [i["applicant"]["full_name"] for i in listed["items"]] == [
        "Nguyễn Thị Hằng",  # Cán bộ officer
        "Lê Văn Tám",  # Trần Thị Bình
        "Phạm Minh Đức",  # nobody: last
    ], listed
    found = eventually(
        lambda: desk.get("/api/v1/search/files", params={"q": "quyen su dung"}).json(),
        lambda a: a.get("total", 0) >= 1,
    )
    assert [f["dossier_id"] for f in found["items"]] == [hang["id"]], found

    page = browser.new_context().new_page()
    log_in(page, stack.url, agency.staff["desk"])
    page.goto(f"{stack.url}/can-bo")
    # the desk opens on its own tab; the processing tab counts the three dossiers
    assert page.locator("#tabs a[aria-current=page]").get_attribute("data-tab") == (
        "waiting_reception"
    )
    page.click("#tabs a[data-tab=processing]")
    page.select_option("#f-thu_tuc", procedure)
    page.click("form.filters button[type=submit]")
    assert "(3)" in page.locator("#tabs a[data-tab=processing]").inner_text()
    assert sorted(rows(page, "applicant")) == sorted(APPLICANTS)
    shots(page, "processing")

    # keyword without diacritics
    page.fill("#f-tu_khoa", "nguyen thi hang")
    page.click("form.filters button[type=submit]")
    assert rows(page, "applicant") == ["Nguyễn Thị Hằng"]
    assert "(1)" in page.locator("#tabs a[data-tab=processing]").inner_text()

    # by the declared value, the highest first
    page.fill("#f-tu_khoa", "")
    page.select_option("#f-sap_xep", "-value")
    page.click("form.filters button[type=submit]")
    assert rows(page, "applicant") == ["Nguyễn Thị Hằng", "Phạm Minh Đức", "Lê Văn Tám"]
    shots(page, "by-value")

    # by the assignee's name; then one assignee; then a receipt number
    page.select_option("#f-sap_xep", "assignee")
    page.click("form.filters button[type=submit]")
    assert rows(page, "assignees") == ["Cán bộ officer", "Trần Thị Bình", "—"]
    page.select_option("#f-can_bo", ids["officer2"])
    page.click("form.filters button[type=submit]")
    assert rows(page, "applicant") == ["Lê Văn Tám"]
    page.select_option("#f-can_bo", "")
    page.fill("#f-so_bien_nhan", duc["receipt_number"])
    page.click("form.filters button[type=submit]")
    assert rows(page, "applicant") == ["Phạm Minh Đức"]

    # a date range after today lists nothing; a bad range is a field error
    page.fill("#f-so_bien_nhan", "")
    page.fill("#f-tu_ngay", "2099-01-01")
    page.click("form.filters button[type=submit]")
    assert page.locator("#no-dossiers").count() == 1
    page.fill("#f-den_ngay", "2098-01-01")
    with page.expect_navigation() as nav:
        page.click("form.filters button[type=submit]")
    assert nav.value.status == 422
    assert page.locator("#f-den_ngay-error").count() == 1

    # documents by file name, without diacritics
    page.goto(f"{stack.url}/tai-lieu?tu_khoa=giay+chung+nhan+dat")
    assert page.locator("#file-list td.file-name").all_inner_texts() == [
        "Giấy chứng nhận quyền sử dụng đất.pdf"
    ]
    shots(page, "documents")

    # tasks: the officer lists his own, the leader every one, by deadline state
    states = {
        t["title"]: t["due_state"]
        for d in (hang, tam)
        for t in leader.get(f"/api/v1/dossiers/{d['id']}/tasks").json()["items"]
    }
    officer_page = browser.new_context().new_page()
    log_in(officer_page, stack.url, agency.staff["officer"])
    officer_page.goto(f"{stack.url}/can-bo/cong-viec?thu_tuc={procedure}")
    titles = officer_page.locator("#task-list td.title").all_inner_texts()
    assert titles == ["Xác minh nguồn gốc đất"]
    leader_page = browser.new_context().new_page()
    log_in(leader_page, stack.url, agency.staff["leader"])
    leader_page.goto(f"{stack.url}/can-bo/cong-viec?thu_tuc={procedure}")
    titles = leader_page.locator("#task-list td.title").all_inner_texts()
    assert titles == ["Xác minh nguồn gốc đất", "Đo đạc thửa đất"]  # time left
    leader_page.select_option("#f-tien_do", "due_soon")
    leader_page.click("form.filters button[type=submit]")
    titles = leader_page.locator("#task-list td.title").all_inner_texts()
    assert titles == [t for t, s in states.items() if s == "due_soon"]
    shots(leader_page, "tasks")

    # another agency's desk finds neither the dossiers nor the file
    other = signed_in(api, Agency(api, stack).staff["desk"])
    theirs = other.get("/api/v1/search/files", params={"q": "quyen su dung"}).json()
    assert hang["id"] not in {f["dossier_id"] for f in theirs["items"]}
    assert other.get("/api/v1/search/dossiers/tabs", params=mine).json()["total"] == 0

    # axe-core over the three lists (its script needs CSP bypassed, as in
    # test_accessibility.py)
    if AXE.exists():
        audit = browser.new_context(bypass_csp=True).new_page()
        log_in(audit, stack.url, agency.staff["leader"])
        problems = []
        for name, path in (
            ("a11y-work-list", f"/can-bo?tab=processing&thu_tuc={procedure}"),
            ("a11y-task-list", f"/can-bo/cong-viec?thu_tuc={procedure}"),
            ("a11y-documents", "/tai-lieu?tu_khoa=giay"),
        ):
            check(audit, stack.url + path, shots, name, problems)
        assert problems == []
