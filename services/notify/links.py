"""The portal's own links in e-mails: named by the template, built by the system.

A template never sees a URL or a token. It calls `portal_link(label)` (the link of
its kind: the reset page with its token, the dossier page...) or
`dossier_link(item, label)` (a dossier page of a digest item); each call writes an
opaque marker. After rendering (and, for html, after sanitising) the system puts the
real URL where a marker stands alone: as the whole `href` of an anchor, as the
whole text of that anchor, or between white space in the text part. A marker glued
to anything else (`https://elsewhere/?{{ portal_link() }}`) is dropped, so a link
with its token can only ever be a link to the portal itself.
"""

import re
import secrets

from markupsafe import Markup, escape

from services.shared import routes

PREFIX = "urn:portal-link:"
ANY_MARKER = re.compile(re.escape(PREFIX) + r"[0-9a-f]*:?\d*")


class LinkSet:
    """The links of one render: marker → URL, and the helpers templates call."""

    def __init__(self, base_url, link=None, html=False):
        self.base_url = base_url.rstrip("/")
        self.link = link
        self.html = html
        self.nonce = secrets.token_hex(6)
        self.urls = {}

    def _marker(self, url):
        marker = f"{PREFIX}{self.nonce}:{len(self.urls)}"
        self.urls[marker] = url
        return marker

    def _write(self, url, label):
        marker = self._marker(url or "")
        if not self.html:
            return marker
        text = marker if label is None else escape(label)
        return Markup(f'<a href="{marker}">{text}</a>')

    def portal_link(self, label=None):
        """Write the link of this e-mail's kind (an anchor in html)."""
        return self._write(self.link, label)

    def dossier_link(self, item, label=None):
        """Write the portal page of a digest item's dossier."""
        dossier_id = item.get("dossier_id") if hasattr(item, "get") else None
        url = routes.url(self.base_url, "staff_dossier", dossier_id=dossier_id or "")
        return self._write(url, label)

    def helpers(self):
        return {"portal_link": self.portal_link, "dossier_link": self.dossier_link}

    def stray(self, rendered):
        """Markers that do not stand alone in `rendered` (html or text)."""
        alone = self._alone_pattern()
        rest = alone.sub("", rendered)
        return PREFIX in rest

    def fill(self, rendered):
        """Put the URLs where markers stand alone; drop every other marker."""
        escape_url = (lambda u: str(escape(u))) if self.html else (lambda u: u)

        def put(match):
            url = escape_url(self.urls.get(match.group("m"), ""))
            return match.group(0).replace(match.group("m"), url)

        return self.drop(self._alone_pattern().sub(put, rendered))

    @staticmethod
    def drop(rendered):
        """Remove every marker (a subject carries no link)."""
        return ANY_MARKER.sub("", rendered)

    def _alone_pattern(self):
        marker = rf"(?P<m>{re.escape(PREFIX)}{self.nonce}:\d+)"
        if self.html:
            # the whole href value, or the whole text of an anchor
            return re.compile(rf'(?:(?<=href=")|(?<=>)){marker}(?="|</a>)')
        return re.compile(rf"(?<!\S){marker}(?!\S)")


def path_of(url, base_url):
    """The portal path of a URL built under `base_url` (in-app entries link within
    the portal, whatever host it is reached by); other URLs stay as they are."""
    base = base_url.rstrip("/")
    return url[len(base) :] or "/" if url and url.startswith(base) else url
