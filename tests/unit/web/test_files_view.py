"""Which links a file gets in the browser (gateway/web/files_view.py)."""

from gateway.web.files_view import views

PDF = {"size": 10, "sha256": "x"}


def test_an_image_opens_as_itself_and_prints_as_an_image():
    got = views({"id": "f1", "kind": "upload", "content_type": "image/jpeg",
                 "pdf": PDF})  # fmt: skip
    assert got["open"] == got["image"] == "/api/v1/files/f1/content"
    assert got["frame"] == "/api/v1/files/f1/pdf"
    assert got["original"] == "/api/v1/files/f1/content?download=1"
    assert got["pdf"] == "/api/v1/files/f1/pdf?download=1"
    assert got["print"] == "/tep/f1/ban-in"


def test_an_office_file_is_seen_and_printed_as_its_pdf_once_converted():
    docx = {"id": "f2", "kind": "upload", "content_type": "application/msword"}
    before = views(docx)
    assert before["open"] is before["frame"] is before["print"] is None
    assert before["original"] == "/api/v1/files/f2/content?download=1"
    after = views(dict(docx, pdf=PDF))
    assert after["open"] == after["frame"] == "/api/v1/files/f2/pdf"
    assert after["print"] == "/tep/f2/ban-in"


def test_a_template_links_to_the_template_routes_and_has_no_print_view():
    got = views({"id": "t/1", "kind": "template", "content_type": "application/pdf"})
    assert got["original"] == "/api/v1/templates/t%2F1/content?download=1"
    assert got["frame"] == "/api/v1/templates/t%2F1/content"
    assert got["print"] is None
