"""Settings of the files service (environment key, default, meaning)."""

from services.shared.config import Setting

MB = 1024 * 1024

S3_ENDPOINT = Setting("PORTAL_S3_ENDPOINT", "127.0.0.1:9100", "MinIO (S3) host:port.")
S3_ACCESS_KEY = Setting("PORTAL_S3_ACCESS_KEY", "portal-dev", "MinIO access key.")
S3_SECRET_KEY = Setting("PORTAL_S3_SECRET_KEY", "portal-dev-secret", "MinIO secret.")
S3_SECURE = Setting("PORTAL_S3_SECURE", "false", "Use HTTPS to reach MinIO.", bool)
S3_REGION = Setting("PORTAL_S3_REGION", "us-east-1", "Region used to sign URLs.")
BUCKET_PREFIX = Setting(
    "PORTAL_BUCKET_PREFIX", "", "Prefix of the bucket name (tests set one per run)."
)
MAX_FILE_BYTES = Setting(
    "PORTAL_FILES_MAX_BYTES", str(20 * MB), "Largest single upload, in bytes.", int
)
MAX_DOSSIER_BYTES = Setting(
    "PORTAL_FILES_MAX_DOSSIER_BYTES",
    str(200 * MB),
    "Largest total of the files of one dossier, in bytes.",
    int,
)
MAX_UNPACKED_BYTES = Setting(
    "PORTAL_FILES_MAX_UNPACKED_BYTES",
    str(100 * MB),
    "Largest uncompressed total of a zip-based document (zip-bomb guard).",
    int,
)
MAX_RATIO = Setting(
    "PORTAL_FILES_MAX_RATIO",
    "100",
    "Largest uncompressed/compressed ratio of a zip-based document.",
    int,
)
URL_TTL = Setting(
    "PORTAL_FILES_URL_TTL", "300", "Seconds a presigned object URL stays valid.", int
)
SCAN_COMMAND = Setting(
    "PORTAL_SCAN_COMMAND",
    "",
    "Antivirus command reading a file on stdin (exit 0 clean, 1 infected), e.g. "
    "`clamdscan --no-summary -`; empty = no scanner.",
)
UNO_HOST = Setting("PORTAL_UNO_HOST", "127.0.0.1", "unoserver (LibreOffice) host.")
UNO_PORT = Setting("PORTAL_UNO_PORT", "2003", "unoserver XML-RPC port.", int)
CONVERSION_TIMEOUT = Setting(
    "PORTAL_CONVERSION_TIMEOUT", "60", "Seconds one conversion may take.", int
)
UNO_COMMAND = Setting(
    "PORTAL_UNO_COMMAND",
    "",
    "unoserver command each converter runs as its own listener (restarted when "
    "stuck, recycled); empty = use the shared listener at PORTAL_UNO_HOST:PORT.",
)
UNO_RECYCLE_AFTER = Setting(
    "PORTAL_UNO_RECYCLE_AFTER",
    "1000",
    "Conversions after which a converter's own listener is restarted (0 = never).",
    int,
)
CONVERTER_CONCURRENCY = Setting(
    "PORTAL_CONVERTER_CONCURRENCY",
    "1",
    "Conversions one converter process runs at once (= messages it prefetches).",
    int,
)
DOSSIERS_SERVICE = Setting(
    "PORTAL_FILES_DOSSIERS_SERVICE",
    "dossiers",
    "Service asked for upload and read permission (tests may name a stand-in).",
)

PUBLIC_URL = Setting(
    "PORTAL_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "Base URL of the portal (lookup links and QR codes on generated slips).",
)

PKI_DIR = Setting(
    "PORTAL_PKI_DIR",
    "var/pki",
    "Directory of the local CA (ca.pem: the trust root results are verified"
    " against) and, in development, the SoftHSM2 token.",
)
PKCS11_MODULE = Setting(
    "PORTAL_PKCS11_MODULE",
    "/usr/lib/softhsm/libsofthsm2.so",
    "PKCS#11 library of the token holding the agencies' signing keys (an HSM's).",
)
HSM_TOKEN = Setting(
    "PORTAL_HSM_TOKEN", "portal-signing", "Label of the token holding the keys."
)
HSM_PIN = Setting(
    "PORTAL_HSM_PIN", "", "User PIN of the token (empty: results cannot be signed)."
)
HSM_SO_PIN = Setting(
    "PORTAL_HSM_SO_PIN", "", "Security officer PIN (only to create the local token)."
)
SIGNING_ENROL = Setting(
    "PORTAL_SIGNING_ENROL",
    "0",
    "Development and tests: give an agency without a key one from the local CA.",
    bool,
)

SETTINGS = (
    S3_ENDPOINT,
    S3_ACCESS_KEY,
    S3_SECRET_KEY,
    S3_SECURE,
    S3_REGION,
    BUCKET_PREFIX,
    MAX_FILE_BYTES,
    MAX_DOSSIER_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_RATIO,
    URL_TTL,
    SCAN_COMMAND,
    UNO_HOST,
    UNO_PORT,
    CONVERSION_TIMEOUT,
    UNO_COMMAND,
    UNO_RECYCLE_AFTER,
    CONVERTER_CONCURRENCY,
    DOSSIERS_SERVICE,
    PUBLIC_URL,
    PKI_DIR,
    PKCS11_MODULE,
    HSM_TOKEN,
    HSM_PIN,
    HSM_SO_PIN,
    SIGNING_ENROL,
)
