"""How the services publish RPC replies (services/shared/rpc.py), on kombu's
in-memory transport: the message as the broker would get it."""

from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.constants import NON_PERSISTENT, PERSISTENT

from services.shared.rpc import ReplyPublisher

URI = "memory://"
EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)


def published(publisher_cls, key):
    queue = Queue(f"q-{key}", EXCHANGE, routing_key=key)
    with Connection(URI) as conn:
        queue(conn.default_channel).declare()
        publisher_cls(URI).publish({"result": 1}, exchange=EXCHANGE, routing_key=key)
        message = queue(conn.default_channel).get(no_ack=True)
    return message


def test_a_reply_is_not_persisted_a_request_still_is():
    assert published(ReplyPublisher, "reply").properties["delivery_mode"] == (
        NON_PERSISTENT
    )
    assert published(Publisher, "request").properties["delivery_mode"] == PERSISTENT


def test_a_reply_asks_no_confirm_and_leaves_the_requests_confirm_alone():
    """nameko's Publisher writes `confirm_publish` into its class-level transport
    options on every publish: a reply publisher sharing that dict would switch the
    confirm (and so UnknownService) off for every request published after it."""
    published(Publisher, "request")
    published(ReplyPublisher, "reply")
    assert ReplyPublisher.transport_options["confirm_publish"] is False
    assert Publisher.transport_options["confirm_publish"] is True
