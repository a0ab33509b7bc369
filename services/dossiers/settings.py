"""Settings of the dossiers service (environment key, default, meaning)."""

from services.shared.config import Setting

DEADLINE_SWEEP = Setting(
    "PORTAL_DEADLINE_SWEEP_SECONDS",
    "300",
    "Seconds between two passes of the deadline sweep (due soon, overdue, steps).",
    float,
)

PUBLIC_URL = Setting(
    "PORTAL_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "The portal's address: procedure links to its host are always allowed.",
)
LINK_HOSTS = Setting(
    "PORTAL_LINK_HOSTS",
    "",
    "Outside hosts procedure texts and template links may point to, per province:"
    " `01=dichvucong.gov.vn hanoi.gov.vn;*=chinhphu.vn` (`*`: every province).",
)

CLAIM_FAILS = Setting(
    "PORTAL_CLAIM_FAILS_PER_HOUR",
    "5",
    "Wrong claims of paper dossiers one account may make per hour.",
    int,
)

SETTINGS = (DEADLINE_SWEEP, PUBLIC_URL, LINK_HOSTS, CLAIM_FAILS)
