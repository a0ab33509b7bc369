"""Settings of the notify service (environment key, default, meaning)."""

from services.shared.config import Setting

SMTP_HOST = Setting("PORTAL_SMTP_HOST", "127.0.0.1", "SMTP relay host.")
SMTP_PORT = Setting("PORTAL_SMTP_PORT", "2525", "SMTP relay port.", int)
SMTP_USER = Setting("PORTAL_SMTP_USER", "", "SMTP login (empty: no AUTH).")
SMTP_PASSWORD = Setting("PORTAL_SMTP_PASSWORD", "", "SMTP password.")
SMTP_TLS = Setting("PORTAL_SMTP_TLS", "false", "Use STARTTLS.", bool)
SMTP_CONNECTIONS = Setting(
    "PORTAL_SMTP_CONNECTIONS",
    "4",
    "Sender threads (SMTP connections) per instance.",
    int,
)
MAIL_FROM = Setting(
    "PORTAL_MAIL_FROM",
    "Cổng dịch vụ công <no-reply@dichvucong.local>",
    "From header and envelope sender of every e-mail.",
)
PUBLIC_URL = Setting(
    "PORTAL_PUBLIC_URL", "http://127.0.0.1:8000", "Base URL of links in e-mails."
)
SEND_BATCH = Setting(
    "PORTAL_NOTIFY_BATCH", "50", "Messages a sender thread claims at once.", int
)
SEND_POLL = Setting(
    "PORTAL_NOTIFY_POLL", "0.5", "Seconds between polls for due messages.", float
)
LEASE = Setting(
    "PORTAL_NOTIFY_LEASE",
    "20",
    "Seconds a claim on a message lasts unless its live sender renews it "
    "(a dead instance's messages are sent by another after at most this).",
    float,
)
RETRY_BASE = Setting(
    "PORTAL_SMTP_RETRY_BASE",
    "5",
    "Seconds before the first retry; doubles each try (max 1 h).",
    float,
)
MAX_ATTEMPTS = Setting(
    "PORTAL_SMTP_MAX_ATTEMPTS", "8", "Tries before a message fails for good.", int
)
BULK_RATE = Setting(
    "PORTAL_BULK_RATE",
    "20",
    "Default bulk send rate, messages/second (0: no limit).",
    float,
)
REMINDER_TIME = Setting(
    "PORTAL_REMINDER_TIME", "07:30", "Local time of the daily reminder digest."
)
TIMEZONE = Setting(
    "PORTAL_TIMEZONE", "Asia/Ho_Chi_Minh", "Time zone of reminder times."
)
REMINDER_POLL = Setting(
    "PORTAL_REMINDER_POLL_SECONDS",
    "5",
    "Seconds between two looks for reminders users set that are due.",
    float,
)
REFUSAL_MINUTES = Setting(
    "PORTAL_NOTIFY_REFUSAL_MINUTES",
    "10",
    "At most one refused-submission e-mail per dossier in this many minutes.",
    float,
)
RESULT_MAX_BYTES = Setting(
    "PORTAL_NOTIFY_RESULT_MAX_BYTES",
    str(10 * 1024 * 1024),
    "Result files are attached up to this total size, else linked.",
    int,
)

SETTINGS = (
    SMTP_HOST,
    SMTP_PORT,
    SMTP_USER,
    SMTP_PASSWORD,
    SMTP_TLS,
    SMTP_CONNECTIONS,
    MAIL_FROM,
    PUBLIC_URL,
    SEND_BATCH,
    SEND_POLL,
    LEASE,
    RETRY_BASE,
    MAX_ATTEMPTS,
    BULK_RATE,
    REMINDER_TIME,
    TIMEZONE,
    REMINDER_POLL,
    REFUSAL_MINUTES,
    RESULT_MAX_BYTES,
)
