"""Paper dossiers their applicant can follow: the access code and the claim.

The desk registers a paper dossier without an owner and prints a receipt slip with
the receipt number and a short access code. A citizen with an account claims it with
the receipt number and either the national ID (or tax code) the desk took from their
papers, which must also be the one on their own account, or the slip's code. Wrong
attempts are counted per account (`PORTAL_CLAIM_FAILS_PER_HOUR`), and every refusal
gives the same answer, so nobody learns which receipt numbers exist.

The code is kept as it is, not hashed: 8 characters of a 31-letter alphabet are
about 40 bits, which a stolen table's hashes would not protect against an offline
search anyway, while the desk must be able to print the slip again. It is shown only
to the desk of the dossier's agency (who see the applicant's national ID, the other
proof, anyway), never in snapshots, events or the index, and it is erased once
claimed.
"""

import datetime as dt
import hmac
import secrets

from sqlalchemy import func, select

from services.contracts import dossiers as contract
from services.shared import permissions
from services.shared.errors import detail
from services.shared.schemas import load

from . import store
from .exceptions import ClaimRefused, TooManyClaims
from .models import ClaimAttempt, Dossier

# No 0/O, 1/I/L: the code is read from paper and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
WINDOW = dt.timedelta(hours=1)
MISMATCH = detail("claim_mismatch")


def new_code():
    """A random access code for a paper dossier's receipt slip."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _normal(text):
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())


def _failures(session, user_id):
    """(count, oldest) of the account's failed claims within the window."""
    since = store.now() - WINDOW
    return session.execute(
        select(func.count(ClaimAttempt.id), func.min(ClaimAttempt.at)).where(
            ClaimAttempt.user_id == user_id, ClaimAttempt.at >= since
        )
    ).one()


def _id_number(applicant):
    key = "tax_code" if applicant.get("kind") == "business" else "national_id"
    return _normal(applicant.get(key))


def _proves(dossier, data, directory, user_id):
    """Tell whether the claim's proof matches the dossier (and the claimant)."""
    if data.get("access_code"):
        code = dossier.access_code or ""
        given = _normal(data["access_code"])
        return bool(code) and hmac.compare_digest(given.encode(), code.encode())
    number, given = _id_number(dossier.applicant or {}), _normal(data["national_id"])
    if not number or not hmac.compare_digest(given.encode(), number.encode()):
        return False
    # The ID proves the claimant is the applicant only if it is on his own account.
    _, national_id, tax_code = directory.identity(user_id)
    return given in {_normal(national_id), _normal(tax_code)} - {""}


def _take(session, caller, dossier):
    """Make the dossier the caller's: owner, history entry, event."""
    applicant = dict(dossier.applicant or {}, id=caller["user_id"])
    applicant["email"] = applicant.get("email") or caller.get("email")
    dossier.owner_id, dossier.applicant = caller["user_id"], applicant
    dossier.access_code = None
    dossier.updated_at = store.now()
    store.record_history(session, dossier, caller, "claim")
    actor = store.actor_of(caller)
    store.emit(
        session, dossier, "dossier_updated", {"changes": ["owner"], "actor": actor}
    )


def claim(session, caller, data, directory, limit):
    """Return (error, dossier detail); the error is raised after the commit."""
    store.require_login(caller)
    permissions.require(caller, "dossier.claim")
    data = load(contract.ClaimSchema, data)
    user = caller["user_id"]
    count, oldest = _failures(session, user)
    if count >= limit:
        wait = int((oldest + WINDOW - store.now()).total_seconds()) + 1
        wait = max(wait, 1)
        error = TooManyClaims(
            "Too many attempts", {"retry_after": [str(wait)]}, params={"seconds": wait}
        )
        return error, None
    dossier = session.scalar(
        select(Dossier)
        .where(Dossier.receipt_number == data["receipt_number"].strip())
        .with_for_update()
    )
    if dossier is not None and dossier.owner_id == user:
        return None, store.detail(session, caller, dossier)
    usable = dossier is not None and dossier.paper and dossier.owner_id is None
    if not usable or not _proves(dossier, data, directory, user):
        session.add(ClaimAttempt(user_id=user, receipt_number=data["receipt_number"]))
        refused = ClaimRefused(
            "The dossier could not be claimed", {"claim": [MISMATCH]}
        )
        return refused, None
    _take(session, caller, dossier)
    return None, store.detail(session, caller, dossier)
