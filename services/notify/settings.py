"""Settings of the notify service (environment key, default, meaning)."""

from services.shared.config import Setting  # noqa: F401

SMTP_HOST = Setting("PORTAL_SMTP_HOST", "127.0.0.1", "SMTP relay host.")
SMTP_PORT = Setting("PORTAL_SMTP_PORT", "2525", "SMTP relay port.", int)

SETTINGS = (
    SMTP_HOST,
    SMTP_PORT,
)
