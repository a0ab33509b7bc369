"""Settings of the accounts service (environment key, default, meaning)."""

from services.shared.config import Setting
from services.shared.session_tokens import SESSION_KEY

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
    "PORTAL_LOGIN_WINDOW",
    "900",
    "Seconds over which failed sign-ins (logins, OAuth token requests) are counted.",
    int,
)
LOGIN_FREE_FAILS = Setting(
    "PORTAL_LOGIN_FREE_FAILS",
    "3",
    "Failures of one account from one address before each next attempt waits.",
    int,
)
LOGIN_BASE_DELAY = Setting(
    "PORTAL_LOGIN_BASE_DELAY",
    "1",
    "Seconds of the first wait; each further failure doubles it.",
    int,
)
LOGIN_MAX_DELAY = Setting(
    "PORTAL_LOGIN_MAX_DELAY",
    "900",
    "Longest wait of one account from one address (the delay never grows beyond).",
    int,
)
LOGIN_FAILS_ACCOUNT = Setting(
    "PORTAL_LOGIN_FAILS_PER_ACCOUNT",
    "20",
    "Failures of one account from all addresses before attempts from addresses it "
    "never signed in from also wait (guessing spread over many addresses).",
    int,
)
LOGIN_FAILS_IP = Setting(
    "PORTAL_LOGIN_FAILS_PER_IP",
    "100",
    "Failures from one address over all accounts before attempts on accounts never "
    "signed in from it also wait (password spraying); sized for an office behind NAT.",
    int,
)
LOGIN_WIDE_MAX_DELAY = Setting(
    "PORTAL_LOGIN_WIDE_MAX_DELAY",
    "60",
    "Longest wait caused by the per-account or per-address budget.",
    int,
)
LOGIN_KNOWN_TTL = Setting(
    "PORTAL_LOGIN_KNOWN_TTL",
    "2592000",
    "Seconds a successful sign-in makes its (account, address) pair known: known "
    "pairs are never delayed by other addresses' or other accounts' failures.",
    int,
)
LOGIN_NOTICE_AFTER = Setting(
    "PORTAL_LOGIN_NOTICE_AFTER",
    "5",
    "Failures of one account within a window that e-mail its owner a notice "
    "(at most one notice per window).",
    int,
)
REGISTRATIONS_IP = Setting(
    "PORTAL_REGISTRATIONS_PER_IP", "30", "Registrations per IP address per hour.", int
)

SETTINGS = (
    SESSION_KEY,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SESSION_TTL,
    CLIENT_TOKEN_TTL,
    ACTIVATION_TTL,
    RESET_TTL,
    MAILS_PER_HOUR,
    LOGIN_WINDOW,
    LOGIN_FREE_FAILS,
    LOGIN_BASE_DELAY,
    LOGIN_MAX_DELAY,
    LOGIN_FAILS_ACCOUNT,
    LOGIN_FAILS_IP,
    LOGIN_WIDE_MAX_DELAY,
    LOGIN_KNOWN_TTL,
    LOGIN_NOTICE_AFTER,
    REGISTRATIONS_IP,
)
