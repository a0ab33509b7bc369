"""Back up every service database and every MinIO bucket; restore them elsewhere.

    python -m deploy.backup backup [--into DIR]     # → DIR/<UTC timestamp>/
    python -m deploy.backup restore DIR             # into this environment's prefixes
    python -m deploy.backup verify DIR              # sizes and checksums only

A backup is a directory: `db/<service>.dump` (pg_dump custom format, one per service
database), `s3/<bucket>/<object key>` (each object as stored), and `manifest.json`
listing every file with its size and sha256, each object's content type and user
metadata (the files service keeps a sha256 there), and the prefixes it was taken
under. Names are kept without the deployment's prefixes
(`PORTAL_DB_PREFIX`, `PORTAL_BUCKET_PREFIX`), so a restore may go to other ones: a
fresh stack, a staging copy. Restore checks the manifest first and refuses a backup
that does not match it, and refuses a database that already holds tables. The search
index is not backed up: it is rebuilt from the databases
(`python -m services.search.rebuild`).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from minio import Minio
from sqlalchemy import create_engine, text

from services.files import settings as files_settings
from services.shared import config

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/migrations"))
CHUNK = 1 << 20
USER_META = "x-amz-meta-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_url(service, environ):
    return config.database_url(service, environ).replace("+psycopg2", "")


def s3_client(environ):
    cfg = config.load(files_settings.SETTINGS, environ)
    return Minio(
        cfg[files_settings.S3_ENDPOINT.key],
        access_key=cfg[files_settings.S3_ACCESS_KEY.key],
        secret_key=cfg[files_settings.S3_SECRET_KEY.key],
        secure=cfg[files_settings.S3_SECURE.key],
        region=cfg[files_settings.S3_REGION.key],
    )


def _prefixes(environ):
    return {
        "db": config.DB_PREFIX.read(environ),
        "bucket": files_settings.BUCKET_PREFIX.read(environ).lower(),
    }


# backup ---------------------------------------------------------------------------
def dump_databases(target, environ):
    (target / "db").mkdir(parents=True)
    for service in SERVICES:
        out = target / "db" / f"{service}.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={out}"]
            + [_pg_url(service, environ)],
            check=True,
        )


def object_info(stat):
    """What an object carries besides its bytes: content type, user metadata."""
    meta = {k.lower(): v for k, v in (stat.metadata or {}).items()}
    user = {k[len(USER_META) :]: v for k, v in meta.items() if k.startswith(USER_META)}
    return {"content_type": stat.content_type, "metadata": user}


def copy_buckets(target, environ):
    """Copy every object of the deployment's buckets; return {bucket: {key: info}}."""
    client, prefix = s3_client(environ), _prefixes(environ)["bucket"]
    types = {}
    for bucket in client.list_buckets():
        if not bucket.name.startswith(prefix):
            continue
        name = bucket.name[len(prefix) :]
        types[name] = {}
        for obj in client.list_objects(bucket.name, recursive=True):
            path = target / "s3" / name / obj.object_name
            path.parent.mkdir(parents=True, exist_ok=True)
            client.fget_object(bucket.name, obj.object_name, str(path))
            stat = client.stat_object(bucket.name, obj.object_name)
            types[name][obj.object_name] = object_info(stat)
    return types


def backup(into, environ=None, now=None):
    """Write a new dated backup under `into`; return its directory."""
    environ = os.environ if environ is None else environ
    now = now or dt.datetime.now(dt.UTC)
    target = Path(into) / now.strftime("%Y%m%dT%H%M%SZ")
    target.mkdir(parents=True)
    dump_databases(target, environ)
    types = copy_buckets(target, environ)
    files = {
        str(p.relative_to(target)): {"size": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(target.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "created_at": now.isoformat(),
        "prefixes": _prefixes(environ),
        "databases": SERVICES,
        "buckets": {name: len(objects) for name, objects in types.items()},
        "objects": types,
        "files": files,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return target


# restore --------------------------------------------------------------------------
def verify(source):
    """Return the manifest when every file matches it; raise BackupError if not."""
    source = Path(source)
    if not (source / "manifest.json").is_file():
        raise BackupError(f"{source}: no manifest.json, not a backup")
    manifest = json.loads((source / "manifest.json").read_text())
    for rel, want in manifest["files"].items():
        path = source / rel
        if not path.is_file():
            raise BackupError(f"{rel}: missing")
        if path.stat().st_size != want["size"] or sha256(path) != want["sha256"]:
            raise BackupError(f"{rel}: does not match the manifest")
    return manifest


def _empty_database(service, environ):
    """Create the service's database if absent; refuse one that holds tables."""
    url = _pg_url(service, environ)
    base, name = url.rsplit("/", 1)
    server = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar()
    engine.dispose()
    if tables:
        raise BackupError(f"database {name} is not empty ({tables} tables)")
    return url


def restore_databases(source, manifest, environ):
    for service in manifest["databases"]:
        url = _empty_database(service, environ)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}"]
            + [str(source / "db" / f"{service}.dump")],
            check=True,
        )


def restore_buckets(source, manifest, environ):
    client, prefix = s3_client(environ), _prefixes(environ)["bucket"]
    for name, objects in manifest["objects"].items():
        bucket = prefix + name
        if not client.bucket_exists(bucket):
            client.make_bucket(bucket)
        for key, info in objects.items():
            client.fput_object(
                bucket,
                key,
                str(source / "s3" / name / key),
                content_type=info["content_type"],
                metadata=info["metadata"],  # e.g. the sha256 the files service checks
            )


def restore(source, environ=None):
    """Restore a verified backup into this environment's databases and buckets."""
    environ = os.environ if environ is None else environ
    source = Path(source)
    manifest = verify(source)
    restore_databases(source, manifest, environ)
    restore_buckets(source, manifest, environ)
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("backup", help="write a dated backup directory")
    into = os.environ.get("PORTAL_BACKUP_DIR", "var/backups")
    make.add_argument("--into", default=into)
    for name in ("restore", "verify"):
        sub.add_parser(name).add_argument("source")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            print(backup(args.into))
        elif args.command == "verify":
            manifest = verify(args.source)
            print(f"OK {len(manifest['files'])} files")
        else:
            manifest = restore(args.source)
            print(f"restored {len(manifest['databases'])} databases and buckets "
                  f"{sorted(manifest['buckets'])}")  # fmt: skip
    except (BackupError, subprocess.CalledProcessError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
