"""The `rpc` entrypoint every service uses: nameko's, minus one way to die and one
broker round trip per reply.

nameko publishes an RPC's reply from the worker's own thread; when the broker has
gone away meanwhile, that publish raises, the error leaves the worker thread, and the
container treats it as a bug and kills the whole service ("ServiceContainer thread
exited with error", ECONNREFUSED). Observed with RabbitMQ stopped for 20 s under load:
accounts, dossiers and files exited for good. The caller cannot get that reply
anyway (its reply queue went with the connection; it answers 503 and may retry), and
the work itself has committed or rolled back already, so the reply is dropped with a
warning and the service lives on; its consumer reconnects when the broker is back.

nameko also publishes every reply with a publisher confirm (the worker waits for the
broker's ack: a round trip) and persistent (written to disk by the broker). A reply
needs neither: a lost one is what the caller's timeout is for, and a reply queue does
not outlive its caller's connection. Requests keep nameko's confirm: with the
`mandatory` flag it is how a call to a service that never declared its queue fails
at once (UnknownService, 503 `<PEER>_UNAVAILABLE`) instead of waiting for the timeout.
"""

import logging

from kombu.exceptions import OperationalError
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    DEFAULT_TRANSPORT_OPTIONS,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

log = logging.getLogger(__name__)

# What kombu/amqp raise when the broker is unreachable or the connection dropped.
BROKER_GONE = (OperationalError, ConnectionError, OSError)


class ReplyPublisher(Publisher):
    """Publishes replies: no confirm, not persisted (see the module docstring)."""

    use_confirms = False
    delivery_mode = NON_PERSISTENT
    # nameko's Publisher writes `confirm_publish` into this dict on every publish:
    # its own copy, or the requests' publishers (shared class dict) would lose theirs.
    transport_options = DEFAULT_TRANSPORT_OPTIONS.copy()


class ReplyResponder(Responder):
    publisher_cls = ReplyPublisher


class ReplyTolerantConsumer(RpcConsumer):
    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = ReplyResponder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
            self.queue_consumer.ack_message(message)
        except BROKER_GONE as exc:
            key = message.delivery_info.get("routing_key")
            log.warning("reply to %s lost, broker unreachable: %s", key, exc)
        return result, exc_info


class TolerantRpc(Rpc):
    rpc_consumer = ReplyTolerantConsumer()


rpc = TolerantRpc.decorator
