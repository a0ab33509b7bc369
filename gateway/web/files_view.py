"""How a stored file is offered in the browser: the links of one file, in one place.

A file opens in the browser (a new tab, the workspace's frame, the print view) when
the gateway sends it inline: a PDF or an image as uploaded, or the PDF the files
service converted it to. Every other file is only downloaded. The URLs come from the
route table (services/shared/routes.py); who may follow them is the files service's
visibility rule, checked on every request.
"""

from services.shared.routes import link

from ..resources.files import INLINE

IMAGES = tuple(t for t in INLINE if t.startswith("image/"))
TEMPLATE_PAGES = {"content": "template_content", "pdf": "template_pdf"}
FILE_PAGES = {"content": "file_content", "pdf": "file_pdf"}


def views(file):
    """{open, frame, image, original, pdf, print} URLs of `file` (None when absent)."""
    pages = TEMPLATE_PAGES if file.get("kind") == "template" else FILE_PAGES
    file_id = file.get("id")
    content = link(pages["content"], file_id=file_id)
    pdf = link(pages["pdf"], file_id=file_id) if file.get("pdf") else None
    inline = file.get("content_type") in INLINE
    image = content if file.get("content_type") in IMAGES else None
    frame = pdf or (content if inline and not image else None)
    return {
        "open": image or frame,
        "frame": frame,
        "image": image,
        "original": link(pages["content"], {"download": 1}, file_id=file_id),
        "pdf": link(pages["pdf"], {"download": 1}, file_id=file_id) if pdf else None,
        "print": link("file_print", file_id=file_id)
        if (frame or image) and file.get("kind") != "template"
        else None,
    }
