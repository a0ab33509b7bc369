"""A database outage after SMTP accepted a batch must not send the batch twice."""

from services.notify.dispatch import Dispatcher


class Outage(Exception):
    pass


def sender(record_failures):
    """A Dispatcher whose database calls are recorded; `record` fails N times."""
    dispatcher = object.__new__(Dispatcher)
    dispatcher.unrecorded, dispatcher.calls = [], []
    failures, claimed = [record_failures], [0]

    def claim():
        dispatcher.calls.append("claim")
        claimed[0] += 1
        return [{"id": claimed[0], "province": "01"}]

    def record(sent, failed):
        if failures[0]:
            failures[0] -= 1
            dispatcher.calls.append("record failed")
            raise Outage
        dispatcher.calls.append(("recorded", tuple(sent)))

    dispatcher.claim, dispatcher.record = claim, record
    dispatcher.send_one = lambda client, row: dispatcher.calls.append(
        ("sent", row["id"])
    )
    return dispatcher


def deliver(dispatcher):
    try:
        dispatcher.deliver_once(client=None)
    except Outage:
        pass


def test_outcomes_are_written_before_anything_is_claimed_again():
    dispatcher = sender(record_failures=2)
    deliver(dispatcher)  # sent 1, cannot record it
    deliver(dispatcher)  # database still down: nothing claimed, nothing sent
    deliver(dispatcher)  # records 1 first, then claims and sends the next
    assert dispatcher.calls == [
        "claim",
        ("sent", 1),
        "record failed",
        "record failed",
        ("recorded", (1,)),
        "claim",
        ("sent", 2),
        ("recorded", (2,)),
    ]
    assert dispatcher.unrecorded == []


def test_without_an_outage_each_batch_is_recorded_once():
    dispatcher = sender(record_failures=0)
    deliver(dispatcher)
    assert dispatcher.calls == ["claim", ("sent", 1), ("recorded", (1,))]
