"""Settings of the files service (environment key, default, meaning)."""

from services.shared.config import Setting  # noqa: F401

S3_ENDPOINT = Setting("PORTAL_S3_ENDPOINT", "127.0.0.1:9100", "MinIO (S3) host:port.")

SETTINGS = (S3_ENDPOINT,)
