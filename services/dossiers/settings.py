"""Settings of the dossiers service (environment key, default, meaning)."""

from services.shared.config import Setting  # noqa: F401

SETTINGS = ()
