"""Sign-in throttling: growing delays per (account, address), never a lock-out.

Three counters of failures, kept in the `attempts` table (so they hold across every
instance), each turned into a delay by `domain.backoff_wait`:

- the pair (account, address): after a few free failures each further one doubles
  the wait before this address may try this account again, up to a cap;
- the account over all addresses and the address over all accounts: budgets against
  guessing spread over many addresses and against spraying one password over many
  accounts. They delay only pairs that never signed in successfully: the owner on
  his usual address, or a colleague behind the office's NAT, is never held up by
  someone else's failures.

A delay always ends, and the right password from another address is evaluated at once
(unless that address has its own failures), so an attacker cannot lock anyone out.
"""

import datetime as dt

from sqlalchemy import delete, exists, select

from . import domain, settings, store
from .models import Attempt


class Throttle:
    """The counters of one sign-in attempt: `kind` (login, oauth), who, from where."""

    def __init__(self, session, cfg, kind, who, ip):
        self.session, self.cfg = session, cfg
        who = domain.digest(str(who))[:40]  # fixed length, and no e-mail stored here
        self.pair = f"{kind}:pair:{who}|{ip or '-'}"
        self.known = f"{kind}:known:{who}|{ip or '-'}"
        self.account = f"{kind}:account:{who}"
        self.address = f"{kind}:ip:{ip}" if ip else None

    def _setting(self, setting):
        return self.cfg[setting.key]

    def _times(self, bucket, seconds):
        since = store.now() - dt.timedelta(seconds=seconds)
        return self.session.scalars(
            select(Attempt.at).where(Attempt.bucket == bucket, Attempt.at > since)
        ).all()

    def _wait(self, bucket, free, cap):
        times = self._times(bucket, self._setting(settings.LOGIN_WINDOW))
        base = self._setting(settings.LOGIN_BASE_DELAY)
        return domain.backoff_wait(times, free, base, cap, store.now())

    def is_known(self):
        """Tell whether this pair signed in successfully not long ago."""
        since = store.now() - dt.timedelta(
            seconds=self._setting(settings.LOGIN_KNOWN_TTL)
        )
        query = select(Attempt.id).where(
            Attempt.bucket == self.known, Attempt.at > since
        )
        return self.session.scalar(select(exists(query)))

    def wait_seconds(self):
        """Return how long this attempt must wait before it is evaluated (0: now)."""
        s = self._setting
        waits = [
            self._wait(
                self.pair, s(settings.LOGIN_FREE_FAILS), s(settings.LOGIN_MAX_DELAY)
            )
        ]
        if not self.is_known():
            cap = s(settings.LOGIN_WIDE_MAX_DELAY)
            waits.append(self._wait(self.account, s(settings.LOGIN_FAILS_ACCOUNT), cap))
            if self.address:
                waits.append(self._wait(self.address, s(settings.LOGIN_FAILS_IP), cap))
        return max(waits)

    def failed(self):
        """Count a failure in every counter; return the account's failures so far."""
        for bucket in (self.pair, self.account, self.address):
            if bucket:
                store.count_attempt(self.session, bucket)
        self.session.flush()
        return len(self._times(self.account, self._setting(settings.LOGIN_WINDOW)))

    def succeeded(self):
        """Forget this pair's failures and remember the pair as known."""
        self.session.execute(
            delete(Attempt).where(Attempt.bucket.in_((self.pair, self.known)))
        )
        store.count_attempt(self.session, self.known)

    def may_notice(self):
        """Tell whether the owner may be sent a notice now (one per window)."""
        bucket = f"notice:{self.account}"
        if self._times(bucket, self._setting(settings.LOGIN_WINDOW)):
            return False
        store.count_attempt(self.session, bucket)
        return True
