"""``Enqueuer``: every way into the pipeline ends here. Events are hints; the catalog decides.

An upload (bucket, key, ETag) the catalog does not know is reserved (``queued``) and one
``docpipe.process`` task is sent for it; a known one is not sent again, unless it went stale
(queued or processing, untouched for ``stale_seconds``: its message was lost, e.g. with a Redis
broker restarted without persistence) or it is a dead-lettered failure old enough to retry. So
the subscriber, the webhooks, the reconciler and the drop folder can all call it for the same
object and cost one catalog round trip each.

This module sends the task by name: the intake never imports the task's code (nor the core).
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from schemas.events import ObjectEvent
from workers.catalog.catalog import Catalog, ObjectRef, catalog_from_settings
from workers.names import PROCESS_QUEUE, PROCESS_TASK
from workers.settings import Settings


def task_label(event: ObjectEvent) -> str:
    """The name monitors (Flower) show for the task: ``process <bucket>/<key>`` (Celery's ``shadow``)."""
    return f"process {event.bucket}/{event.key}"


class Enqueuer:
    """``enqueue(event) -> task id | None`` (None: the catalog knows the upload)."""

    def __init__(self, app: Celery, catalog: Catalog) -> None:
        self.app = app
        self.catalog = catalog

    @classmethod
    def from_settings(cls, settings: Settings) -> Enqueuer:
        from workers.broker.app import create_app

        return cls(create_app(settings, worker=False), catalog_from_settings(settings, worker="intake"))

    def __call__(self, event: ObjectEvent) -> str | None:
        obj: ObjectRef | None = None
        if event.etag:  # without one the task itself decides (it stats the object)
            obj = ObjectRef(event.bucket, event.key, event.etag.strip('"'))
            if self.catalog.reserve(obj, event.source, event.size) is not None:
                return None
        args: list[Any] = [event.model_dump(mode="json")]
        try:
            # argsrepr given: Celery's own saferepr of the arguments was a quarter of send_task's CPU
            result = self.app.send_task(
                PROCESS_TASK,
                args=args,
                queue=PROCESS_QUEUE,
                argsrepr=repr(args),
                kwargsrepr="{}",
                shadow=task_label(event),
            )
        except Exception:
            if obj is not None:
                self.catalog.unreserve(obj)
            raise
        return str(result.id)

    def close(self) -> None:
        self.catalog.close()
