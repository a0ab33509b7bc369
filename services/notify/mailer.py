"""The SMTP facade the dispatcher sends through (messages come from `mime.py`).

`send_message` asks for SMTPUTF8 only when an address itself is not ASCII.
"""

import smtplib

from .domain import classify_smtp


class SendFailed(Exception):
    """A delivery attempt failed; `kind` is "temporary" or "permanent"."""

    def __init__(self, kind, reason):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class SmtpClient:
    """One SMTP connection reused for a batch; reconnects when it drops."""

    def __init__(self, host, port, timeout=15.0, user=None, password=None, tls=False):
        self.host, self.port, self.timeout = host, int(port), timeout
        self.user, self.password, self.tls = user, password, tls
        self.conn = None

    def _connect(self):
        try:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.tls:
                conn.starttls()
            if self.user:
                conn.login(self.user, self.password)
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(classify_smtp(exc.smtp_code), _reason(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed("temporary", f"connect: {exc}") from None
        self.conn = conn

    def send(self, msg):
        """Send one EmailMessage; raise SendFailed on any failure."""
        self._deliver(lambda conn: conn.send_message(msg))

    def _deliver(self, send):
        if self.conn is None:
            self._connect()
        try:
            refused = send(self.conn)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendFailed(classify_smtp(code), f"{code} {_text(text)}") from None
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise SendFailed(classify_smtp(exc.smtp_code), _reason(exc)) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise SendFailed("permanent", f"unsupported: {exc}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendFailed("temporary", f"{type(exc).__name__}: {exc}") from None
        if refused:
            code, text = next(iter(refused.values()))
            raise SendFailed(classify_smtp(code), f"{code} {_text(text)}")

    def _reset(self):
        try:
            self.conn.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self):
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.conn = None


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reason(exc):
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"
