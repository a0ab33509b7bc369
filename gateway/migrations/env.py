from alembic import context

from gateway.store import metadata
from services.shared.migrate import run_env

run_env(context, metadata)
