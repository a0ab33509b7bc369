from alembic import context

from services.shared.migrate import run_env
from services.webhooks.models import Base

run_env(context, Base.metadata)
