"""Form templates of a procedure, uploaded from the admin procedure page.

A plain multipart form (`csrf_token` part first, then `title` and one or more
`file`s), checked like every upload page (`uploads.check_multipart`), then each file
goes through the same flow as `POST /api/v1/procedures/{code}/templates`: files
`begin_template_upload` → presigned PUT → `complete_upload`
(`gateway/resources/files.py`: `spool_part`, `put_upload`). files checks
`procedure.manage` (an agency admin: procedures its agency receives) and answers 404
for an unknown procedure. A withdrawn procedure takes templates too: its managers
get it ready (form, templates) before publishing it again.
"""

from urllib.parse import quote

from gateway.errors import CodedHTTPError
from services.shared.errors import ServiceError
from services.shared.routes import link

from ..resources.files import put_upload
from .base import Page, field_errors, page, redirect
from .render import gettext
from .uploads import max_body, max_file


def template_list(web, req, code):
    """The procedure's templates, with their download link."""
    province = web.province_of(req)
    items = web.call(req, "files", "list_templates", code, province) or []
    return [dict(t, url=link("template_content", file_id=t["id"])) for t in items]


def upload_template(web, req, code, title, upload):
    filename, declared, spool, size = upload
    with spool:
        begun = web.call(
            req, "files", "begin_template_upload",
            code, filename, declared, size, title or None, web.province_of(req),
        )  # fmt: skip
        return put_upload(web.rpc, req, begun, spool, size)


class TemplateUpload(Page):
    """POST /quan-tri/thu-tuc/{code}/mau-don: add templates, back to the page."""

    def __init__(self, web, form):
        super().__init__(web)
        self.form = form  # the procedure page, shown again with the error
        self.max_body = max_body()

    @page(login=True)
    def on_post(self, req, resp, code):
        parts = getattr(req.context, "parts", None)
        count = 0
        try:
            for upload in parts.files(max_file()) if parts else ():
                upload_template(self.web, req, code, parts.get("title"), upload)
                count += 1
        except (ServiceError, CodedHTTPError) as exc:
            return self._refused(req, resp, code, exc)
        if not count:
            return self._refused(req, resp, code, None)
        redirect(resp, f"/quan-tri/thu-tuc/{quote(code, safe='')}?ok=template")

    def _refused(self, req, resp, code, exc):
        lang = req.context.lang
        if isinstance(exc, ServiceError):
            if exc.status not in (409, 413, 422):
                raise exc
            message = "; ".join(field_errors(exc, lang).values())
        else:
            message = gettext("upload.too_large" if exc else "upload.choose", lang)
        proc = self.form.initial(req, code)  # a withdrawn one too, as the page
        self.form.show(req, resp, proc, {"template": message}, status=422, code=code)
