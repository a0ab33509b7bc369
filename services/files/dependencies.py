"""Providers of the files service: the object store and the dossiers permission gate.

Each hands entrypoints a small facade whose methods name the intent.
"""

import datetime as dt
import functools
import hashlib
import logging
import os

from minio import Minio
from minio.commonconfig import REPLACE, CopySource
from minio.error import S3Error
from nameko.extensions import DependencyProvider

from services.shared import visibility
from services.shared.caller import SYSTEM
from services.shared.errors import Forbidden, NotFound, Unauthenticated
from services.shared.peers import Peer

from . import settings
from .conversion import Office
from .exceptions import StorageUnavailable

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


class Store:
    """Objects of one bucket: presigned URLs, streamed reads, promotion, removal."""

    def __init__(self, client, bucket, url_ttl):
        self.client = client
        self.bucket = bucket
        self.ttl = dt.timedelta(seconds=url_ttl)
        self._ready = False

    def ensure_bucket(self):
        if self._ready:
            return
        try:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)
        except S3Error as exc:
            if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
        self._ready = True

    def upload_url(self, key):
        """Return a presigned PUT URL (the gateway streams the bytes to it)."""
        self.ensure_bucket()
        return self.client.presigned_put_object(self.bucket, key, expires=self.ttl)

    def download_url(self, key):
        return self.client.presigned_get_object(self.bucket, key, expires=self.ttl)

    def fetch_to(self, key, sink):
        """Copy an object into `sink` chunk by chunk; return (size, sha256)."""
        digest, size = hashlib.sha256(), 0
        response = self.client.get_object(self.bucket, key)
        try:
            for chunk in response.stream(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                sink.write(chunk)
        finally:
            response.close()
            response.release_conn()
        return size, digest.hexdigest()

    def put(self, key, stream, length, content_type, sha256):
        self.ensure_bucket()
        self.client.put_object(
            self.bucket,
            key,
            stream,
            length,
            content_type=content_type,
            metadata={"sha256": sha256},
        )

    def promote(self, source, target, content_type, sha256):
        """Copy an incoming object to its final key with its checksum."""
        self.client.copy_object(
            self.bucket,
            target,
            CopySource(self.bucket, source),
            metadata={"sha256": sha256, "Content-Type": content_type},
            metadata_directive=REPLACE,
        )
        self.remove(source)

    def checksum_of(self, key):
        """Return the sha256 kept in the object's own metadata (None when absent)."""
        stat = self.client.stat_object(self.bucket, key)
        meta = {k.lower(): v for k, v in (stat.metadata or {}).items()}
        return meta.get("x-amz-meta-sha256")

    def size_of(self, key):
        """Return an object's size, or None when it does not exist."""
        try:
            return self.client.stat_object(self.bucket, key).size
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                return None
            raise

    def remove(self, key):
        try:
            self.client.remove_object(self.bucket, key)
        except S3Error:
            log.warning("could not remove %s", key, exc_info=True)

    def health(self):
        try:
            self.ensure_bucket()
            self.client.bucket_exists(self.bucket)
            return "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return f"error: {type(exc).__name__}"


class ObjectStore(DependencyProvider):
    """Give each worker the `Store` of the service's bucket (prefix + "files")."""

    def setup(self):
        cfg = self.container.config
        self.client = Minio(
            cfg[settings.S3_ENDPOINT.key],
            access_key=cfg[settings.S3_ACCESS_KEY.key],
            secret_key=cfg[settings.S3_SECRET_KEY.key],
            secure=cfg[settings.S3_SECURE.key],
            region=cfg[settings.S3_REGION.key],
        )
        bucket = f"{cfg[settings.BUCKET_PREFIX.key]}files".lower()
        self.store = Store(self.client, bucket, cfg[settings.URL_TTL.key])

    def get_dependency(self, worker_ctx):
        return self.store


class DossiersGate:
    """Ask the dossiers service who may upload to or read a dossier's files."""

    def __init__(self, dossiers):
        self.dossiers = dossiers

    def check_upload(self, caller, dossier_id, slot):
        """Return {accept, max_count, province, agency, department, owner}."""
        return self.dossiers.check_upload(caller, dossier_id, slot)

    def require_readable(self, caller, dossier_id):
        """Raise NotFound unless the caller may see the dossier."""
        if self.scope_of(caller, dossier_id) is None:
            raise NotFound("Not found")

    def scope_of(self, caller, dossier_id):
        """The dossier's visibility fields as the caller sees it; None if hidden."""
        if visibility.rule(caller, "dossier") == visibility.ALL:
            return {}  # the system sees every record: no need to ask
        try:
            dossier = self.dossiers.get_dossier(caller, dossier_id)
        except (NotFound, Forbidden, Unauthenticated):
            # DossierNotFound arrives as a NotFound: service.py imports its type
            return None
        part = {k: dossier.get(k) for k in visibility.DOSSIER_SCOPE_FIELDS}
        return part | {"assignees": part["assignees"] or []}

    def document_names(self, dossier):
        """Return {slot: name} from the procedure (codes stay codes on failure)."""
        listed = dossier.get("documents")
        if listed is None:
            try:
                listed = self.dossiers.get_dossier(SYSTEM, dossier["id"]).get(
                    "documents"
                )
            except Exception:  # noqa: BLE001 - a slip with slot codes beats no slip
                log.warning("document names unavailable", exc_info=True)
                listed = []
        return {d["slot"]: d["name"] for d in listed or [] if d.get("slot")}

    def detail(self, caller, dossier_id):
        """The dossier as the caller sees it (get_dossier); NotFound when hidden."""
        return self.dossiers.get_dossier(caller, dossier_id)

    def form_labels(self, dossier):
        """{field name: label} of the dossier's procedure (names on failure)."""
        procedure = dossier.get("procedure") or {}
        try:
            found = self.dossiers.get_procedure(
                SYSTEM, procedure.get("code"), dossier.get("province")
            )
        except Exception:  # noqa: BLE001 - a result with field names beats none
            log.warning("form labels unavailable", exc_info=True)
            return {}
        fields = (found.get("form") or {}).get("fields") or []
        return {f["name"]: f.get("label") or f["name"] for f in fields}

    def require_procedure(self, caller, code, province=None):
        """The procedure (of `province`, else the caller's), a withdrawn one too
        (its managers prepare it to be offered again); NotFound if none."""
        return self.dossiers.get_procedure(caller, code, province, withdrawn=True)


class Dossiers(Peer):
    """The dossiers peer (its name a setting so tests may stand in), as a gate."""

    def __init__(self, **options):
        super().__init__("dossiers", settings.DOSSIERS_SERVICE, **options)

    def get_dependency(self, worker_ctx):
        return DossiersGate(super().get_dependency(worker_ctx))


class Directory:
    """Names of agencies and departments (accounts `get_agency`), cached per process."""

    def __init__(self, accounts, cache):
        self.accounts, self.cache = accounts, cache

    def names(self, dossier):
        """Return {agency, department, receiving_agency} display names (codes when
        unknown; receiving_agency only for a dossier received at another agency)."""
        code = dossier.get("agency")
        desk = dossier.get("receiving_agency")
        if dossier.get("agency_name"):
            return {
                "agency": dossier["agency_name"],
                "department": dossier.get("department_name"),
                "receiving_agency": dossier.get("receiving_agency_name"),
            }
        elsewhere = {"receiving_agency": self._name(desk)} if desk != code else {}
        agency = self._agency(code)
        if agency is None:
            return {"agency": code, "department": dossier.get("department")}
        departments = {
            d.get("code"): d.get("name") for d in agency.get("departments") or []
        }
        department = dossier.get("department")
        return {
            "agency": agency.get("name") or code,
            "department": departments.get(department, department),
            **elsewhere,
        }

    def _agency(self, code):
        """The agency's record (cached), {} for none, None when accounts fails."""
        if code and code not in self.cache:
            try:
                self.cache[code] = self.accounts.get_agency(SYSTEM, code) or {}
            except Exception:  # noqa: BLE001 - a slip still prints with codes
                log.warning("agency %s: name unavailable", code, exc_info=True)
                return None
        return self.cache.get(code) or {}

    def _name(self, code):
        return ((self._agency(code) or {}).get("name") or code) if code else ""


class Accounts(Peer):
    """The accounts peer, handing out a `Directory` with a process-wide cache."""

    def __init__(self, **options):
        super().__init__("accounts", **options)
        self.cache = {}

    def get_dependency(self, worker_ctx):
        return Directory(super().get_dependency(worker_ctx), self.cache)


class Uno(DependencyProvider):
    """The LibreOffice client of the files service (generated documents)."""

    def setup(self):
        cfg = self.container.config
        self.office = Office(
            cfg[settings.UNO_HOST.key],
            cfg[settings.UNO_PORT.key],
            cfg[settings.CONVERSION_TIMEOUT.key],
        )

    def get_dependency(self, worker_ctx):
        return self.office


def storage_errors(fn):
    """Turn object-store connection failures into a 503 STORAGE_UNAVAILABLE."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (S3Error, OSError) as exc:
            log.warning("object store failed: %s", exc)
            raise StorageUnavailable("File storage unavailable") from exc

    return wrapper


class Signer(DependencyProvider):
    """The result signer: the agencies' keys in a PKCS#11 token (SoftHSM2 here, the
    province's HSM in production; a remote signing service would be another
    `signing.ResultSigner` handed out here)."""

    def setup(self):
        from . import pki, signing

        cfg = self.container.config
        self.settings = pki.PkiSettings(
            os.path.abspath(cfg[settings.PKI_DIR.key]),
            cfg[settings.PKCS11_MODULE.key],
            cfg[settings.HSM_TOKEN.key],
            cfg[settings.HSM_PIN.key],
            cfg[settings.HSM_SO_PIN.key],
        )
        self.signer = signing.Pkcs11Signer(
            self.settings, enrol=cfg[settings.SIGNING_ENROL.key]
        )

    def roots(self):
        """The trust roots results are verified against (read when asked)."""
        from . import signing

        return signing.trust_roots(self.settings)

    def get_dependency(self, worker_ctx):
        return self
