"""One stack for every fault test, on components the tests may break.

Its broker and database are private (tests/faults/components.py); OpenSearch, MinIO
and the SMTP sink are the shared ones, reached through Toxiproxy so a test can cut
them off without stopping them for anybody else.
"""

import os
from pathlib import Path

import pytest

from tests.stack import Stack

from .components import PrivatePostgres, PrivateRabbit, Toxiproxy
from .workload import World

HERE = Path(__file__).parent
CLIENTS = 3


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.faults)


class Faults:
    """The components a test may break, the stack on them and its world."""

    def __init__(self, rabbit, postgres, toxiproxy, stack, world):
        self.rabbit, self.postgres, self.toxiproxy = rabbit, postgres, toxiproxy
        self.stack, self.world = stack, world


def upstream(url_or_hostport):
    return url_or_hostport.split("://", 1)[-1].rstrip("/")


@pytest.fixture(scope="session")
def faults():
    if os.environ.get("PORTAL_SKIP_STACK"):
        pytest.skip("PORTAL_SKIP_STACK is set")
    rabbit, postgres, toxiproxy, stack = PrivateRabbit(), PrivatePostgres(), None, None
    try:
        rabbit.start()
        postgres.start()
        toxiproxy = Toxiproxy()
        toxiproxy.start()
        env = dict(os.environ)
        search = toxiproxy.proxy(
            "opensearch", upstream(env.get("PORTAL_OPENSEARCH_URL", "127.0.0.1:9201"))
        )
        minio = toxiproxy.proxy(
            "minio", upstream(env.get("PORTAL_S3_ENDPOINT", "127.0.0.1:9100"))
        )
        smtp = toxiproxy.proxy(
            "smtp",
            f"{env.get('PORTAL_SMTP_HOST', '127.0.0.1')}:"
            f"{env.get('PORTAL_SMTP_PORT', '2525')}",
        )
        env.update(
            PORTAL_AMQP_URI=rabbit.amqp_uri,
            PORTAL_RABBIT_MGMT_URL=rabbit.mgmt_url,
            PORTAL_PG_DSN_BASE=postgres.dsn_base,
            PORTAL_OPENSEARCH_URL=f"http://{search}",
            PORTAL_S3_ENDPOINT=minio,
            PORTAL_SMTP_HOST=smtp.split(":")[0],
            PORTAL_SMTP_PORT=smtp.split(":")[1],
        )
        stack = Stack(env)
        stack.start()
        yield Faults(rabbit, postgres, toxiproxy, stack, World(stack, CLIENTS))
    finally:
        if stack is not None:
            stack.stop()
        if toxiproxy is not None:
            toxiproxy.close()
        postgres.close()
        rabbit.close()
