"""Deprecated routes: marked once here, announced on every answer they give.

A route listed in DEPRECATED (by its route template, as in the `routes()` tables)
answers as before, plus:

- `Deprecation: @<unix time>` (RFC 9745): since when it is deprecated;
- `Sunset: <HTTP date>` (RFC 8594): after when it may stop answering;
- `Link: <successor>; rel="successor-version"` to what replaces it, and
  `<notice>; rel="deprecation"` to the human notice when there is one.

The rules (what may change within /api/v1, the minimum period between the two
dates) are in the README's "API versioning" section; `tests/unit/gateway/
test_deprecation.py` checks every entry against them.
"""

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime

MIN_NOTICE = dt.timedelta(days=180)


@dataclass(frozen=True)
class Deprecated:
    since: dt.datetime
    sunset: dt.datetime
    successor: str
    notice: str = None

    def headers(self):
        links = [f'<{self.successor}>; rel="successor-version"']
        if self.notice:
            links.append(f'<{self.notice}>; rel="deprecation"')
        return {
            "Deprecation": f"@{int(self.since.timestamp())}",
            "Sunset": format_datetime(self.sunset.astimezone(dt.UTC), usegmt=True),
            "Link": ", ".join(links),
        }


# route template → Deprecated. Nothing of /api/v1 is deprecated yet.
DEPRECATED = {}


class Deprecations:
    """Add the deprecation headers to the answers of the routes listed."""

    def __init__(self, table=None):
        self.table = DEPRECATED if table is None else table

    def process_response(self, req, resp, resource, req_succeeded):
        entry = self.table.get(req.uri_template) if self.table else None
        if entry is None:
            return
        for name, value in entry.headers().items():
            if name == "Link" and resp.get_header("Link"):
                value = f"{resp.get_header('Link')}, {value}"
            resp.set_header(name, value)
