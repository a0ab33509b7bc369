"""Signing secrets at rest: encrypted with Fernet (`cryptography`), keys only from
the environment (PORTAL_WEBHOOK_SECRET_KEYS, comma-separated Fernet keys).

The first key encrypts, every listed key decrypts (MultiFernet), so keys rotate:
put a new key first, restart (each instance re-encrypts what an older key sealed,
`Sender.start`), then drop the old key. The database holds only the tokens; a copy
of it without the keys signs nothing.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .settings import SECRET_KEYS


class Vault:
    def __init__(self, setting):
        keys = [k.strip() for k in (setting or "").split(",") if k.strip()]
        if not keys:
            raise RuntimeError(
                f"{SECRET_KEYS.key} must be set (Fernet keys, the first encrypts): "
                "webhook signing secrets are stored encrypted"
            )
        try:
            self.keys = [Fernet(key) for key in keys]
        except ValueError:
            raise RuntimeError(
                f"{SECRET_KEYS.key}: each key must be 32 url-safe base64-encoded bytes "
                "(Fernet.generate_key())"
            ) from None
        self.fernet = MultiFernet(self.keys)

    def seal(self, secret):
        return self.fernet.encrypt(secret.encode()).decode()

    def open(self, token):
        return self.fernet.decrypt(token.encode()).decode()

    def current(self, token):
        """Tell whether a token is sealed with the first (encrypting) key."""
        try:
            self.keys[0].decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def reseal(self, token):
        """The token sealed again with the first key."""
        return self.fernet.rotate(token.encode()).decode()


def new_key():
    return Fernet.generate_key().decode()
