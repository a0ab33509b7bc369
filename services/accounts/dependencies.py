"""Providers of the accounts service: the first national operator at start."""

import logging

from nameko.extensions import DependencyProvider
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.shared.config import database_url
from services.shared.database import make_engine

from . import domain, security, settings, store
from .models import User

log = logging.getLogger(__name__)
LOCK_ID = 7_310_012  # advisory lock: two instances never create two operators


class OperatorBootstrap(DependencyProvider):
    """Create the first operator from PORTAL_ADMIN_EMAIL/PASSWORD if none exists."""

    def start(self):
        config = self.container.config
        email = domain.normalize_email(config.get(settings.ADMIN_EMAIL.key))
        password = config.get(settings.ADMIN_PASSWORD.key) or ""
        if not email or not password:
            log.warning("no PORTAL_ADMIN_EMAIL/PASSWORD: no operator bootstrapped")
            return
        url = config.get("DB_URL") or database_url(self.container.service_name)
        engine = make_engine(url, pool_size=1)
        try:
            with Session(engine) as session, session.begin():
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID}
                )
                bootstrap(session, email, password)
        finally:
            engine.dispose()


def bootstrap(session, email, password):
    """Insert the operator unless an operator already exists; return it or None."""
    if session.scalar(select(User.id).where(User.kind == "operator").limit(1)):
        return None
    user = User(
        kind="operator",
        email=email,
        full_name="Quản trị hệ thống",
        role="operator",
        status="active",
        password_hash=security.hash_secret(password),
        lang="vi",
    )
    session.add(user)
    store.audit(session, {"user_id": "system"}, "operator.bootstrap", email)
    log.info("bootstrapped the first national operator")
    return user
