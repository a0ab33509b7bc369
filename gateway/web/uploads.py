"""Uploads from plain HTML forms (multipart), without the page's script.

The middleware only reads the CSRF token from URL-encoded bodies, so a multipart
POST with the session cookie reaches the page as anonymous with `csrf_failed`. Here
the page reads the parts in order: the `csrf_token` part must come before any file
(the templates put it first), is compared in constant time with the session's token
(`csrf_token_for`, and the `portal_csrf` cookie must match, as in the middleware),
and only then is the session resolved by accounts and the files read. Each file is
spooled and streamed to the files service's upload flow (the helpers of
`gateway/resources/files.py`: `spool_part`, `put_upload`).
"""

import hmac

from services.files.settings import MAX_FILE_BYTES

from ..middleware import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    csrf_token_for,
    resolve_caller,
)
from ..resources.files import MULTIPART_OVERHEAD, put_upload, spool_part
from ..text_guard import checked_parts, part_text

MULTIPART = "multipart/form-data"


class TokenRefused(Exception):
    """The multipart form's CSRF token is missing, late or wrong."""


def is_multipart(req):
    return (req.content_type or "").startswith(MULTIPART)


def _same(a, b):
    return hmac.compare_digest(a.encode(), b.encode())


class Parts:
    """The text fields read so far and the parts still to read."""

    def __init__(self, texts, rest):
        self.texts, self.rest = texts, rest

    def get(self, name, default=None):
        values = self.texts.get(name)
        return values[-1] if values else default

    def getlist(self, name):
        return list(self.texts.get(name) or [])

    def files(self, limit):
        """Yield (filename, declared type, spool, size) of each chosen file in order.

        Text parts met on the way are added to the fields; empty file inputs skipped.
        The caller owns (and closes) each spool.
        """
        for part in self.rest:
            if part.filename is None:
                self.texts.setdefault(part.name, []).append(part_text(part))
            elif part.filename:
                spool, size = spool_part(part.stream, limit)
                yield part.filename, part.content_type, spool, size

    def drain(self):
        """Read the remaining text parts (skipping files)."""
        for part in self.rest:
            if part.filename is None:
                self.texts.setdefault(part.name, []).append(part_text(part))


def read_token(req):
    """Read the parts up to `csrf_token`; return (token, texts, rest)."""
    rest = checked_parts(req.get_media())
    texts = {}
    for part in rest:
        if part.filename is not None:
            raise TokenRefused()  # a file before the token: never stream it
        if part.name == CSRF_FIELD:
            return part_text(part) or "", texts, rest
        texts.setdefault(part.name, []).append(part_text(part))
    raise TokenRefused()


def check_multipart(rpc, req):
    """Verify a multipart form's token, then resolve its session (req.context)."""
    session = req.cookies.get(SESSION_COOKIE) or ""
    if not session:
        raise TokenRefused()
    sent, texts, rest = read_token(req)
    expected = csrf_token_for(session)
    cookie = req.cookies.get(CSRF_COOKIE) or ""
    if not (_same(sent, expected) and _same(cookie, expected)):
        raise TokenRefused()
    req.context.token = session
    req.context.form_token = expected
    req.context.csrf_failed = False
    resolve_caller(req, session)
    req.context.parts = Parts(texts, rest)


def upload_one(web, req, dossier_id, slot, upload, audience=None):
    """Send one spooled file into a dossier's slot; return the stored file's meta."""
    filename, declared, spool, size = upload
    with spool:
        begun = web.call(
            req, "files", "begin_upload",
            dossier_id, slot, filename, declared, size, audience,
        )  # fmt: skip
        return put_upload(web.rpc, req, begun, spool, size)


def max_file():
    return MAX_FILE_BYTES.read()


def max_body():
    """The body limit of a page taking one file's worth of uploads."""
    return max_file() + MULTIPART_OVERHEAD
