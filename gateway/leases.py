"""Rate-limit counts taken from the shared counter in batches (one process's part).

Counting every request with an upsert in the gateway database was a fifth of the
gateway's CPU on an authenticated read (bench/README.md, core, "Read path"). So a
process reserves *positions* of an identity's count for the window — 1, then 2, 4 …
up to `most` while the identity keeps coming, never more than a tenth of what is left
of its budget — and hands them out to its requests without a round trip. Position p
is answered as the p-th request of the window, as the single upsert answered.

What holds, with any number of gateway instances and processes:

- **Never over the budget.** Every admitted request holds a distinct position ≤ the
  limit of the shared counter (the reservation is one upsert, serialised by its
  row lock), exactly as when each request was counted.
- **Early refusal, bounded.** Positions a process reserved and did not use before
  the window ended are lost to that identity: it may be refused before it made
  `limit` requests, by at most the unused reservations of the other processes —
  each at most `most`, a tenth of what was left when it was taken, and one more
  than that process had taken before in the window (a reservation is at most twice
  the largest before it). With fewer than 20 left every reservation is one
  position: the last requests are counted one by one, as before.
- **RateLimit-Remaining** is the limit minus the request's position: exact with one
  process; across processes it may jump by their reservations.
- Once a process sees the budget spent, it refuses that identity locally until the
  window ends (the count never goes down within a window).

Windows are the database's (`now()`); a reservation ends where the window ends as
measured from just before it was asked for, so it never outlives its window.
"""

import math
import threading
import time
from collections import OrderedDict

SHARE = 10  # a reservation takes at most this fraction (1/SHARE) of what is left


class _Held:
    __slots__ = ("ranges", "ends", "taken", "spent")

    def __init__(self, ends):
        # ranges of positions held; the largest reservation so far (the next one
        # takes at most twice as many); whether the budget is spent
        self.ranges, self.ends, self.taken, self.spent = [], ends, 0, False

    def next(self):
        while self.ranges:
            first, last = self.ranges[0]
            if first <= last:
                self.ranges[0] = (first + 1, last)
                return first
            self.ranges.pop(0)
        return None


class Leases:
    """Per process: the positions reserved per (identity, window) and not yet used."""

    def __init__(self, store, most=64, kept=4096):
        self.store, self.most, self.kept = store, max(1, int(most)), kept
        self._lock = threading.Lock()
        self._held = OrderedDict()

    def take(self, identity, window, limit):
        """(position of this request in the window's count, seconds until it ends)."""
        key, began = (identity, window), time.monotonic()
        with self._lock:
            held, want = self._held.get(key), 1
            if held is not None and began < held.ends:
                position = held.next()
                if position is not None:
                    return position, _left(held, began)
                if held.spent:
                    return limit + 1, _left(held, began)
                want = min(self.most, 2 * held.taken)
        last, granted, seconds_left = self.store.reserve(
            identity, window, limit, want, SHARE
        )
        ends = began + seconds_left
        with self._lock:
            held = self._held.get(key)
            if held is None or abs(held.ends - ends) > window / 2:
                held = _Held(ends)  # the first reservation of this window
            held.taken = max(held.taken, granted)
            if granted > 1:  # this request takes the first position, keep the rest
                held.ranges.append((last - granted + 2, last))
            held.spent = held.spent or last >= limit
            self._held[key] = held
            self._held.move_to_end(key)
            while len(self._held) > self.kept:
                self._held.popitem(last=False)  # its unused positions are lost
        return last - granted + 1, _left(held, began)


def _left(held, now):
    return max(1, math.ceil(held.ends - now))
