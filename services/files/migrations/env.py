from alembic import context

from services.files.models import Base
from services.shared.migrate import run_env

run_env(context, Base.metadata)
