"""Turn a stored original into a PDF: office documents through the warm LibreOffice
listener (unoserver), images through img2pdf. Every call is bounded in time."""

import html
import io
import os
import xmlrpc.client

import img2pdf
import magic
from PIL import Image

from . import domain
from .uno import UnoListener


class ConversionError(Exception):
    """A conversion that cannot succeed; `reason` is the stable, stored cause."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def text_as_html(raw):
    """Wrap plain text (UTF-8, Vietnamese kept) as HTML for LibreOffice."""
    text = raw.decode("utf-8", errors="replace")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        "<pre style=\"font-family: 'DejaVu Sans Mono', monospace; "
        'white-space: pre-wrap">'
        f"{html.escape(text)}</pre></body></html>"
    ).encode()


def image_to_pdf(path):
    """Return PDF bytes of an image (alpha and palettes flattened with Pillow)."""
    try:
        with Image.open(path) as img:
            img.verify()
        with Image.open(path) as img:
            if img.mode in ("RGBA", "LA", "P", "PA", "I;16", "I", "F") or (
                img.format not in ("JPEG", "PNG", "TIFF")
            ):
                buf = io.BytesIO()
                img.convert("RGB").save(buf, format="PNG")
                return img2pdf.convert(buf.getvalue())
        with open(path, "rb") as handle:
            return img2pdf.convert(handle.read())
    except Image.DecompressionBombError as exc:
        raise ConversionError("image_too_large", str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad image
        raise ConversionError("corrupt_image", type(exc).__name__) from exc


def password_protected(path):
    """Tell whether an office file is encrypted (libmagic: "CDFV2 Encrypted", the
    container Office writes for a password-protected DOCX/XLSX/PPTX)."""
    return magic.from_file(path, mime=True) == "application/encrypted"


class Office:
    """Client of a unoserver listener with a hard time limit per conversion.

    With a `ManagedListener` (the worker's own), a conversion over the limit kills and
    restarts the listener, a dead listener is restarted and the conversion retried
    once, and the listener is recycled after N conversions.
    """

    def __init__(self, host, port, timeout, managed=None):
        self.host, self.port, self.timeout = host, port, timeout
        self.managed = managed

    def listener(self):
        port = self.managed.port if self.managed else self.port
        return UnoListener(self.host, port, self.timeout)

    def to_pdf(self, path):
        """Return PDF bytes for the office document at `path`."""
        if password_protected(path):
            raise ConversionError("password_protected")
        if domain.extension(path) == "txt":
            with open(path, "rb") as handle:
                return self.html_to_pdf(text_as_html(handle.read()))
        if self.host not in ("127.0.0.1", "localhost"):
            with open(path, "rb") as handle:  # a remote listener cannot read our disk
                return self._convert(indata=handle.read())
        return self._convert(inpath=os.path.abspath(path))

    def html_to_pdf(self, data):
        """Return PDF bytes of an HTML page (UTF-8) rendered by LibreOffice Writer."""
        return self._convert(
            indata=data, infilter="HTML (StarWriter)", filtername="writer_pdf_Export"
        )

    def _convert(self, **kwargs):
        try:
            data = self._attempt(kwargs)
        except ConversionError as exc:
            if not self.managed or exc.reason != "converter_unavailable":
                raise
            self.managed.restart(exc.detail)
            data = self._attempt(kwargs)
        if self.managed:
            self.managed.converted()
        return data

    def _attempt(self, kwargs):
        try:
            data = self.listener().convert(**kwargs)
        except TimeoutError as exc:
            if self.managed:
                self.managed.restart(f"conversion over {self.timeout} s")
            raise ConversionError("timeout", f"over {self.timeout} s") from exc
        except xmlrpc.client.Fault as exc:
            raise ConversionError(
                "unreadable_document", _short(exc.faultString)
            ) from exc
        except (ConnectionError, OSError, xmlrpc.client.ProtocolError) as exc:
            raise ConversionError("converter_unavailable", str(exc)) from exc
        if not data.startswith(b"%PDF"):
            raise ConversionError("unreadable_document", "no PDF produced")
        return data


def _short(text):
    line = (text or "").strip().splitlines()[-1:] or [""]
    return line[0][:300]


def convert(office, path):
    """Return PDF bytes for the file at `path` (its extension says what it is)."""
    how = domain.conversion_for(os.path.basename(path))
    if how == "image":
        return image_to_pdf(path)
    if how == "office":
        return office.to_pdf(path)
    raise ConversionError("not_convertible")
