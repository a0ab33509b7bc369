"""Settings of the dossiers service (environment key, default, meaning)."""

from services.shared.config import Setting

DEADLINE_SWEEP = Setting(
    "PORTAL_DEADLINE_SWEEP_SECONDS",
    "300",
    "Seconds between two passes of the deadline sweep (due soon, overdue, steps).",
    float,
)

CLAIM_FAILS = Setting(
    "PORTAL_CLAIM_FAILS_PER_HOUR",
    "5",
    "Wrong claims of paper dossiers one account may make per hour.",
    int,
)

SETTINGS = (DEADLINE_SWEEP, CLAIM_FAILS)
