"""What an e-mail's html may contain: a few text tags and links to the portal only.

Two tools, one allow-list. `clean` is the enforcement, run on the html part of every
e-mail rendered from a template: the `nh3` sanitiser (the Ammonia HTML parser, the
same tree building as browsers) keeps only the tags and attributes below, drops
every `href` that is not a portal link marker or a page of the portal itself, every
`style` that fetches anything, and everything else (images, scripts, iframes, forms,
event handlers). `problems` is the explanation, run on save and preview: the
standard library's HTML parser walks the same rendered sample and names each thing
`clean` would remove, so the admin sees why a template is refused.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from .links import PREFIX

TAGS = {
    "a", "b", "strong", "i", "em", "u", "p", "br", "hr", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "td", "th",
    "span", "div", "blockquote", "small",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "*": {"style"}}
STYLE_PROPERTIES = {
    "color", "font-size", "font-weight", "font-style", "font-family",
    "text-align", "text-decoration", "margin", "padding", "border",
}  # fmt: skip
# Content dropped together with the tag (the text of a script is not mail text).
DROPPED = {"script", "style", "iframe", "object", "embed", "noscript", "template"}
FETCHING_CSS = ("url(", "expression(", "@import", "image-set(", "\\")


def portal_url(value, portal_host):
    """True when `value` is an http(s) URL of the portal's own host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.hostname == portal_host


def _allowed(attr, value, portal_host):
    if attr == "href":
        return value.startswith(PREFIX) or portal_url(value, portal_host)
    if attr == "style":
        return not any(bad in value.lower() for bad in FETCHING_CSS)
    return True


def clean(html, portal_host):
    """Return `html` with only the allowed tags, attributes and portal links."""

    def keep(tag, attr, value):
        return value if _allowed(attr, value, portal_host) else None

    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROPPED,
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https", "urn"},
        filter_style_properties=STYLE_PROPERTIES,
        link_rel=None,
    )


class _Walker(HTMLParser):
    def __init__(self, portal_host):
        super().__init__(convert_charrefs=True)
        self.portal_host, self.found = portal_host, []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.found.append(f"<{tag}>")
            return
        allowed = ATTRIBUTES.get(tag, set()) | ATTRIBUTES["*"]
        for attr, value in attrs:
            if attr not in allowed:
                self.found.append(f"<{tag} {attr}>")
            elif not _allowed(attr, value or "", self.portal_host):
                self.found.append(f'<{tag} {attr}="{value}">')

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl):
        self.found.append(f"<!{decl}>")


def problems(html, portal_host):
    """Name every tag, attribute and link of `html` that `clean` would remove."""
    walker = _Walker(portal_host)
    walker.feed(html)
    walker.close()
    return list(dict.fromkeys(walker.found))


def outside_urls(text, portal_host):
    """URLs in plain text that are not pages of the portal."""
    found = []
    for word in text.split():
        word = word.strip("()<>[]\"'.,;")
        if "://" in word or word.lower().startswith(("www.", "javascript:", "data:")):
            if not portal_url(word, portal_host):
                found.append(word)
    return found
