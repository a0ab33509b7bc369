"""Agency and department names by code: the one place pages and exports read them.

Agencies and departments are public reference data (accounts answers `list_agencies`
and `list_departments` to anyone), so one table serves every caller: it is read from
accounts at most once per `ttl` seconds per gateway process, and again (at most once
per `retry` seconds) when a code is not in it — an agency created a minute ago gets
its name without waiting for the table to age. When accounts cannot answer, the code
itself is shown (a page never fails for want of a name) and the read is retried later.
"""

import logging
import threading
import time
import weakref

from nameko.exceptions import RemoteError

from services.shared.caller import ANONYMOUS
from services.shared.errors import ServiceError

log = logging.getLogger(__name__)
TTL, RETRY = 300.0, 10.0


class Names:
    """Resolve agency and department codes to their names (cached)."""

    def __init__(self, rpc, ttl=TTL, retry=RETRY, clock=time.monotonic):
        self.rpc, self.ttl, self.retry, self.clock = rpc, ttl, retry, clock
        self._lock = threading.Lock()
        self._agencies, self._departments = {}, {}
        self._loaded_at = self._tried_at = None
        # when each unknown code was last looked for: a code met for the first time
        # (an agency made a moment ago) is read at once, the same one at most every
        # `retry` seconds; each worker process has its own table
        self._missed, self._reads = {}, 0

    # --- the table ----------------------------------------------------------------
    def _fetch(self):
        agencies = self.rpc.call(
            "accounts", "list_agencies", ANONYMOUS, include_closed=True
        )
        departments = self.rpc.call("accounts", "list_departments", ANONYMOUS)
        return (
            {a["code"]: a.get("name") or a["code"] for a in agencies or ()},
            {
                (d["agency"], d["code"]): d.get("name") or d["code"]
                for d in departments or ()
            },
        )

    def _refresh(self, missing=False, force=False):
        now = self.clock()
        fresh = self._loaded_at is not None and now - self._loaded_at < self.ttl
        recent = self._tried_at is not None and now - self._tried_at < self.retry
        if not force and ((fresh and not missing) or recent):
            return
        with self._lock:
            self._tried_at = now
            self._reads += 1
            try:
                self._agencies, self._departments = self._fetch()
            except (ServiceError, RemoteError) as exc:
                log.warning("accounts did not list agencies; showing codes: %s", exc)
                return
            self._loaded_at = now

    def _lookup(self, table, key):
        reads = self._reads
        self._refresh()
        if key not in table():
            now, tried = self.clock(), self._missed.get(key)
            up = self._loaded_at is not None and self._loaded_at == self._tried_at
            if (
                self._reads == reads
                and up
                and (tried is None or now - tried >= self.retry)
            ):
                self._refresh(force=True)  # accounts answers: ask for this code now
            else:
                self._refresh(missing=True)
            if len(self._missed) > 1000:
                self._missed.clear()
            self._missed[key] = now
        return table().get(key)

    # --- what pages and exports ask ----------------------------------------------
    def agency(self, code):
        """The agency's name, or its code when it is unknown."""
        if not code:
            return ""
        return self._lookup(lambda: self._agencies, code) or str(code)

    def department(self, code, agency=None):
        """The department's name; without its agency, the name every agency that
        has a department of that code gives it, else "name (agency name)" each."""
        if not code:
            return ""
        if agency:
            return self._lookup(lambda: self._departments, (agency, code)) or str(code)
        self._refresh()
        found = sorted(
            (name, owner) for (owner, dept), name in self._departments.items()
            if dept == code
        )  # fmt: skip
        if not found:
            return str(code)
        if len({name for name, _ in found}) == 1:
            return found[0][0]
        return " / ".join(f"{name} ({self.agency(owner)})" for name, owner in found)

    def agencies(self, codes):
        """[(code, name)] of several agencies, in the order given."""
        return [(code, self.agency(code)) for code in codes or ()]


_SHARED = weakref.WeakKeyDictionary()


def names_for(rpc):
    """The app's one `Names` (pages and API exports share its cache)."""
    try:
        found = _SHARED.get(rpc)
        if found is None:
            found = _SHARED.setdefault(rpc, Names(rpc))
    except TypeError:  # an app built without a pool (a few unit tests)
        return Names(rpc)
    return found
