"""Settings of the dossiers service (environment key, default, meaning)."""

from services.shared.config import Setting

DEADLINE_SWEEP = Setting(
    "PORTAL_DEADLINE_SWEEP_SECONDS",
    "300",
    "Seconds between two passes of the deadline sweep (due soon, overdue, steps).",
    float,
)

SETTINGS = (DEADLINE_SWEEP,)
