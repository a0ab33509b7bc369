"""Links in comments: web addresses in plain text become safe links.

The text is escaped whole; only `http://` and `https://` addresses with a host
become anchors (`rel="noopener nofollow ugc"`, new tab), so a `javascript:`,
`data:` or markup in a comment stays text. Trailing punctuation of a sentence
(`.`, `,`, `)`…) is left outside the link.
"""

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}»”’"
REL = "noopener nofollow ugc"


def web_address(candidate):
    """The address if it is an http(s) URL with a host, else None."""
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def _split(found):
    """(link, trailing punctuation) of a matched address."""
    link = found.rstrip(TRAILING)
    # a closing bracket that the address itself opened stays in it
    while (
        link != found and found[len(link)] == ")" and link.count("(") > link.count(")")
    ):
        link += ")"
    return link, found[len(link) :]


def linkify(text):
    """Escaped `text` with its web addresses as links (a Markup string)."""
    text = "" if text is None else str(text)
    out, start = [], 0
    for match in URL.finditer(text):
        link, rest = _split(match.group(0))
        out.append(escape(text[start : match.start()]))
        if web_address(link):
            out.append(
                Markup('<a href="{0}" rel="{1}" target="_blank">{0}</a>').format(
                    link, REL
                )
            )
        else:
            out.append(escape(link))
        out.append(escape(rest))
        start = match.end()
    out.append(escape(text[start:]))
    return Markup("").join(out)
