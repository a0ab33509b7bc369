"""Settings of the accounts service (environment key, default, meaning)."""

from services.shared.config import Setting

ADMIN_EMAIL = Setting(
    "PORTAL_ADMIN_EMAIL", "", "E-mail of the first national operator (bootstrap)."
)
ADMIN_PASSWORD = Setting(
    "PORTAL_ADMIN_PASSWORD", "", "Password of the first national operator (bootstrap)."
)
SESSION_TTL = Setting(
    "PORTAL_SESSION_TTL", "43200", "Seconds a login session or API token lives.", int
)
CLIENT_TOKEN_TTL = Setting(
    "PORTAL_CLIENT_TOKEN_TTL", "3600", "Seconds an OAuth client token lives.", int
)
ACTIVATION_TTL = Setting(
    "PORTAL_ACTIVATION_TTL", "172800", "Seconds an activation link is valid.", int
)
RESET_TTL = Setting("PORTAL_RESET_TTL", "3600", "Seconds a reset link is valid.", int)
MAILS_PER_HOUR = Setting(
    "PORTAL_TOKEN_MAILS_PER_HOUR",
    "5",
    "Activation or reset e-mails one account may be sent per hour (more asks are "
    "answered the same way but send nothing).",
    int,
)
LOGIN_WINDOW = Setting(
    "PORTAL_LOGIN_WINDOW", "900", "Seconds over which failed logins are counted.", int
)
LOGIN_FAILS_ACCOUNT = Setting(
    "PORTAL_LOGIN_FAILS_PER_ACCOUNT", "5", "Failed logins per account per window.", int
)
LOGIN_FAILS_IP = Setting(
    "PORTAL_LOGIN_FAILS_PER_IP", "20", "Failed logins per IP address per window.", int
)
REGISTRATIONS_IP = Setting(
    "PORTAL_REGISTRATIONS_PER_IP", "30", "Registrations per IP address per hour.", int
)

SETTINGS = (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SESSION_TTL,
    CLIENT_TOKEN_TTL,
    ACTIVATION_TTL,
    RESET_TTL,
    MAILS_PER_HOUR,
    LOGIN_WINDOW,
    LOGIN_FAILS_ACCOUNT,
    LOGIN_FAILS_IP,
    REGISTRATIONS_IP,
)
