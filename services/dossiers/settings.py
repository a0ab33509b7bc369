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

# The payment provider (services/dossiers/payments): which adapter, its pages and
# API, and the merchant's credentials (from the environment only, never stored).
PAYMENT_PROVIDER = Setting(
    "PORTAL_PAYMENT_PROVIDER", "vnpay", "The payment adapter (`vnpay`)."
)
PAYMENT_URL = Setting(
    "PORTAL_PAYMENT_URL",
    "http://127.0.0.1:8790/paymentv2/vpcpay.html",
    "The provider's payment page the applicant is sent to.",
)
PAYMENT_API_URL = Setting(
    "PORTAL_PAYMENT_API_URL",
    "http://127.0.0.1:8790/merchant_webapi/api/transaction",
    "The provider's merchant API (transaction query, refund).",
)
PAYMENT_MERCHANT = Setting(
    "PORTAL_PAYMENT_MERCHANT", "", "The merchant (terminal) code the provider gave."
)
PAYMENT_SECRET = Setting(
    "PORTAL_PAYMENT_SECRET", "", "The merchant's signing secret (HMAC-SHA512)."
)

SETTINGS = (
    DEADLINE_SWEEP,
    PUBLIC_URL,
    LINK_HOSTS,
    CLAIM_FAILS,
    PAYMENT_PROVIDER,
    PAYMENT_URL,
    PAYMENT_API_URL,
    PAYMENT_MERCHANT,
    PAYMENT_SECRET,
)
