"""A test run killed outright leaves nothing on the shared components for long:
the next run's start drops what it made (tests/stack.py `remove_leftovers`)."""

import json
import os
import subprocess

import requests
from sqlalchemy import create_engine, text

from tests.stack import OWNER, Stack, remove_leftovers

ENV = dict(os.environ)
PG = ENV.get("PORTAL_PG_DSN_BASE", "postgresql://portal:portal@127.0.0.1:5433")
SEARCH = ENV.get("PORTAL_OPENSEARCH_URL", "http://127.0.0.1:9201").split(",")[0]


def dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def databases(prefix):
    engine = create_engine(f"{PG}/postgres")
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": prefix + "%"},
            )
            return found.scalars().all()
    finally:
        engine.dispose()


def index_of(run):
    return f"{SEARCH}/{run.env['PORTAL_INDEX_PREFIX']}x-v1"


def leave_behind(run, pid):
    """What a run makes on the shared components, and its owner file and a log."""
    run.log_dir.mkdir(parents=True)
    (run.log_dir / "gateway.log").write_text("kept\n")
    (run.log_dir / OWNER).write_text(json.dumps({"pid": pid}))
    engine = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{run.env["PORTAL_DB_PREFIX"]}dossiers"'))
    engine.dispose()
    requests.put(index_of(run), timeout=10).raise_for_status()


def test_the_resources_of_a_dead_run_are_dropped_and_its_logs_kept():
    dead, living = Stack(ENV), Stack(ENV)
    leave_behind(dead, dead_pid())
    leave_behind(living, os.getpid())
    try:
        assert dead.run_id in remove_leftovers(ENV)
        assert databases(dead.env["PORTAL_DB_PREFIX"]) == []
        assert requests.head(index_of(dead), timeout=10).status_code == 404
        assert (dead.log_dir / "gateway.log").read_text() == "kept\n"
        # a run whose process lives is left alone; a dead one is swept once
        prefix = living.env["PORTAL_DB_PREFIX"]
        assert databases(prefix) == [f"{prefix}dossiers"]
        assert requests.head(index_of(living), timeout=10).status_code == 200
        assert dead.run_id not in remove_leftovers(ENV)
    finally:
        for run in (dead, living):
            run.remove_resources()
            (run.log_dir / OWNER).unlink(missing_ok=True)
