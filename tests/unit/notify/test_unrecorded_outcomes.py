"""Each message is recorded right after its own SMTP answer; an outcome a database
outage kept from being written is written before anything is claimed again."""

import eventlet
from eventlet.semaphore import Semaphore

from services.notify.dispatch import Dispatcher


class Outage(Exception):
    pass


def sender(record_failures, batch=1, taken=()):
    """A Dispatcher whose database calls are recorded; `record` fails N times and
    the ids in `taken` were taken over by another instance."""
    dispatcher = object.__new__(Dispatcher)
    dispatcher.unrecorded, dispatcher.calls, dispatcher.running = [], [], True
    dispatcher.recording = Semaphore()
    failures, claimed = [record_failures], [0]

    def claim():
        dispatcher.calls.append("claim")
        ids = list(range(claimed[0] + 1, claimed[0] + 1 + batch))
        claimed[0] += batch
        return ids

    def begin(message_id):
        return None if message_id in taken else {"id": message_id}

    def record(outcome):
        if failures[0]:
            failures[0] -= 1
            dispatcher.calls.append("record failed")
            raise Outage
        dispatcher.calls.append(("recorded", outcome["id"]))

    def attempt(client, row):
        dispatcher.calls.append(("sent", row["id"]))
        return {"id": row["id"], "status": "sent"}

    dispatcher.claim, dispatcher.begin, dispatcher.record = claim, begin, record
    dispatcher.attempt = attempt
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
        ("recorded", 1),
        "claim",
        ("sent", 2),
        ("recorded", 2),
    ]
    assert dispatcher.unrecorded == []


def test_each_message_is_recorded_after_its_own_answer_not_per_batch():
    dispatcher = sender(record_failures=0, batch=3)
    deliver(dispatcher)
    assert dispatcher.calls == [
        "claim",
        ("sent", 1),
        ("recorded", 1),
        ("sent", 2),
        ("recorded", 2),
        ("sent", 3),
        ("recorded", 3),
    ]


def test_a_row_taken_over_by_another_instance_is_not_sent():
    dispatcher = sender(record_failures=0, batch=3, taken={2})
    deliver(dispatcher)
    assert ("sent", 2) not in dispatcher.calls
    assert ("sent", 3) in dispatcher.calls


def test_sender_threads_draining_together_write_each_outcome_once():
    """Two sender threads find the same outcomes unwritten after an outage; each
    write waits on the database (a green-thread switch). Each outcome is written
    exactly once: none is dropped (its lease would run out and it would be sent
    again) and none twice."""
    dispatcher = sender(record_failures=0)
    written = []

    def record(outcome):
        eventlet.sleep(0.01)  # the database round trip: the other thread runs
        written.append(outcome["id"])

    dispatcher.record = record
    dispatcher.unrecorded = [{"id": 1}, {"id": 2}, {"id": 3}]
    threads = [eventlet.spawn(dispatcher.record_unrecorded) for _ in range(2)]
    for thread in threads:
        thread.wait()
    assert sorted(written) == [1, 2, 3]
    assert dispatcher.unrecorded == []
