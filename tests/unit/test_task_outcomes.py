"""The task's report of a recorded failure: what Celery and Flower show for a failed document."""

from __future__ import annotations

import pickle

from schemas.events import ObjectEvent
from workers.intake.enqueue import task_label
from workers.processing.task import DocumentFailedError, process_object


class TestDocumentFailedError:
    def test_message_is_code_and_reason(self) -> None:
        """``str`` and ``repr`` carry the code and the reason (Flower shows the repr)."""
        exc = DocumentFailedError("empty", "no text after cleaning")
        assert str(exc) == "empty: no text after cleaning"
        assert "empty: no text after cleaning" in repr(exc)

    def test_survives_pickling_between_pool_processes(self) -> None:
        """The prefork pool pickles exceptions: both fields come back."""
        back = pickle.loads(pickle.dumps(DocumentFailedError("too_large", "over 10 MB")))
        assert (back.code, back.reason, str(back)) == ("too_large", "over 10 MB", "too_large: over 10 MB")

    def test_task_expects_it_and_acks_the_message(self) -> None:
        """An expected outcome: no traceback in the log, no retry, the message acknowledged."""
        assert DocumentFailedError in process_object.throws
        assert process_object.acks_on_failure_or_timeout is True
        assert not getattr(process_object, "autoretry_for", ())


def test_task_label_names_the_key() -> None:
    """Tasks are shown as ``process <bucket>/<key>``."""
    event = ObjectEvent(bucket="docpipe-inbox", key="ga/res 1.txt", etag="x", source="upload")
    assert task_label(event) == "process docpipe-inbox/ga/res 1.txt"


def test_the_sent_event_names_the_task_by_its_key() -> None:
    """Celery's ``task-sent`` event carries the shadow name the worker's events carry (a monitor
    merging a late sent event over the others keeps ``process <bucket>/<key>``)."""
    from celery.events.state import State

    from workers.broker.app import create_app
    from workers.settings import Settings

    app = create_app(Settings(), worker=False)
    message = app.amqp.as_task_v2(
        "t-1", "docpipe.process", args=[{}], shadow="process in/a.txt", create_sent_event=True
    )
    assert message.sent_event["name"] == message.headers["shadow"] == "process in/a.txt"
    assert message.headers["task"] == "docpipe.process"  # the worker still runs the real task
    state = State()  # the sent event heard after the worker's: the name stays the key
    base = {"uuid": "t-1", "clock": 0}
    state.event(
        {
            **base,
            "type": "task-received",
            "name": "process in/a.txt",
            "hostname": "w",
            "timestamp": 1,
            "local_received": 1,
        }
    )
    state.event({**base, "type": "task-succeeded", "hostname": "w", "timestamp": 2, "local_received": 2})
    state.event(
        {**message.sent_event, "clock": 0, "type": "task-sent", "hostname": "c", "timestamp": 0.5, "local_received": 3}
    )
    assert (state.tasks["t-1"].name, state.tasks["t-1"].state) == ("process in/a.txt", "SUCCESS")
