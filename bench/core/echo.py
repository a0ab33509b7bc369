"""The two trivial responders the RPC floor rows call, each in its own process.

    python bench/core/echo.py kombu URI   # raw kombu: reply to each message at once
    python bench/core/echo.py nameko URI  # a nameko service whose `ping` returns

The kombu one is the broker's floor (one publish, one consume, one reply); the nameko
one is the same round trip through the services' entrypoint (`services/shared/rpc.py`,
nameko's with its reply published as the services publish theirs) and the gateway's
client.
"""

import sys

QUEUE = "bench-core-echo"


def serve_kombu(uri):
    from kombu import Connection, Exchange, Producer, Queue

    with Connection(uri) as conn:
        channel = conn.channel()
        producer = Producer(channel, exchange=Exchange(""), serializer="json")
        queue = Queue(QUEUE, auto_delete=True, channel=channel)

        def reply(body, message):
            producer.publish(
                body,
                routing_key=message.properties["reply_to"],
                correlation_id=message.properties["correlation_id"],
            )
            message.ack()

        with conn.Consumer(queue, callbacks=[reply], accept=["json"]) as consumer:
            consumer.qos(prefetch_count=64)
            print("ready", flush=True)
            while True:
                conn.drain_events()


def serve_nameko(uri):
    import eventlet

    eventlet.monkey_patch()
    from nameko.containers import ServiceContainer

    from services.shared.rpc import rpc

    class BenchEcho:
        name = "bench_echo"

        @rpc
        def ping(self, value=None):
            return value

    container = ServiceContainer(BenchEcho, {"AMQP_URI": uri, "serializer": "json"})
    container.start()
    print("ready", flush=True)
    container.wait()


if __name__ == "__main__":
    {"kombu": serve_kombu, "nameko": serve_nameko}[sys.argv[1]](sys.argv[2])
