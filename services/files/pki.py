"""The local PKI of development and tests: a SoftHSM2 token, a root CA, agency keys.

Production never runs this: a province's HSM (or remote signing service) holds the
keys and its CA issued the certificates. Here `ensure(settings, agencies)` makes,
idempotently:

- a SoftHSM2 configuration and token directory under `PORTAL_PKI_DIR`
  (`SOFTHSM2_CONF` must point at `softhsm2.conf` there before the library loads);
- one token, labelled `PORTAL_HSM_TOKEN`, initialised with the PINs from the
  environment (`PORTAL_HSM_PIN`, `PORTAL_HSM_SO_PIN`: never a default in code);
- a root CA (`ca.pem`, its key `ca-key.pem` readable by the owner only: a dev CA);
- per agency code, an RSA key pair generated INSIDE the token (never exported) and
  a certificate the CA issues for its public key, stored beside it in the token
  (label = the agency code) and as `certs/<code>.pem`.
"""

import datetime as dt
import hashlib
import os
import subprocess

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

CA_NAME = "Portal Local Root CA (development)"
YEARS = 10


class PkiSettings:
    """Where the token and the CA live, and how to open the token."""

    def __init__(self, directory, module, token, pin, so_pin):
        self.directory, self.module, self.token = directory, module, token
        self.pin, self.so_pin = pin, so_pin

    @classmethod
    def from_env(cls, env=None):
        """From the environment (`services/files/settings.py` declares the keys)."""
        from . import settings

        env = os.environ if env is None else env
        return cls(
            os.path.abspath(settings.PKI_DIR.read(env)),
            settings.PKCS11_MODULE.read(env),
            settings.HSM_TOKEN.read(env),
            settings.HSM_PIN.read(env),
            settings.HSM_SO_PIN.read(env),
        )

    @property
    def conf(self):
        return os.path.join(self.directory, "softhsm2.conf")

    @property
    def ca_cert_path(self):
        return os.path.join(self.directory, "ca.pem")

    @property
    def ca_key_path(self):
        return os.path.join(self.directory, "ca-key.pem")

    def cert_path(self, agency):
        return os.path.join(self.directory, "certs", f"{agency}.pem")


def key_id(agency):
    """The PKCS#11 CKA_ID of an agency's key and certificate (stable, 8 bytes)."""
    return hashlib.sha256(agency.encode("utf-8")).digest()[:8]


def ensure(settings, agencies=()):
    """Create what is missing (token, CA, agency keys); return the settings."""
    if not settings.pin or not settings.so_pin:
        raise RuntimeError("PORTAL_HSM_PIN and PORTAL_HSM_SO_PIN must be set")
    _ensure_token(settings)
    _ensure_ca(settings)
    for agency in agencies:
        enrol(settings, agency)
    return settings


def _ensure_token(settings):
    tokens = os.path.join(settings.directory, "tokens")
    os.makedirs(tokens, mode=0o700, exist_ok=True)
    os.makedirs(os.path.join(settings.directory, "certs"), exist_ok=True)
    if not os.path.exists(settings.conf):
        with open(settings.conf, "w", encoding="utf-8") as out:
            out.write(
                f"directories.tokendir = {tokens}\n"
                "objectstore.backend = file\nlog.level = ERROR\n"
            )
    env = dict(os.environ, SOFTHSM2_CONF=settings.conf)
    listing = subprocess.run(
        ["softhsm2-util", "--show-slots"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    labels = [
        line.split(":", 1)[1].strip()
        for line in listing.splitlines()
        if line.strip().startswith("Label:")
    ]
    if settings.token in [x for x in labels if x]:
        return
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            settings.token,
            "--pin",
            settings.pin,
            "--so-pin",
            settings.so_pin,
        ],
        env=env,
        capture_output=True,
        check=True,
    )


def _ensure_ca(settings):
    if os.path.exists(settings.ca_cert_path):
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    descriptor = os.open(settings.ca_key_path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    with open(settings.ca_cert_path, "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))


def _open(settings, rw=False):
    os.environ["SOFTHSM2_CONF"] = settings.conf  # read when the library loads
    token = pkcs11.lib(settings.module).get_token(token_label=settings.token)
    return token.open(rw=rw, user_pin=settings.pin)


def enrol(settings, agency, display_name=None):
    """Give an agency a key in the token and a CA-issued certificate (once)."""
    if os.path.exists(settings.cert_path(agency)):
        return
    with _open(settings, rw=True) as session:
        found = list(session.get_objects({Attribute.LABEL: agency}))
        if not any(o.object_class == ObjectClass.PRIVATE_KEY for o in found):
            session.generate_keypair(
                KeyType.RSA, 2048, id=key_id(agency), label=agency, store=True
            )
        public = session.get_key(ObjectClass.PUBLIC_KEY, label=agency)
        cert = _issue(settings, agency, display_name, public)
        der = cert.public_bytes(serialization.Encoding.DER)
        for old in found:
            if old.object_class == ObjectClass.CERTIFICATE:
                old.destroy()
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: agency,
                Attribute.ID: key_id(agency),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: der,
            }
        )
    with open(settings.cert_path(agency), "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))


def _issue(settings, agency, display_name, public):
    with open(settings.ca_key_path, "rb") as source:
        ca_key = serialization.load_pem_private_key(source.read(), None)
    with open(settings.ca_cert_path, "rb") as source:
        ca = x509.load_pem_x509_certificate(source.read())
    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
        int.from_bytes(public[Attribute.MODULUS], "big"),
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, display_name or agency),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    key = numbers.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * 3))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            False,
        )
        .sign(ca_key, hashes.SHA256())
    )


if __name__ == "__main__":  # deploy/local: python -m services.files.pki [agency...]
    import sys

    done = ensure(PkiSettings.from_env(), sys.argv[1:])
    print(f"PKI ready: {done.directory} (token {done.token})")
