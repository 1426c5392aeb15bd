"""The Celery application, configured entirely from ``Settings`` (no second config module).

One task per document, on its own queue (``docs/service.md`` has the measurements behind it)::

    docpipe.process  queue docpipe.process   ledger -> load -> read/clean/segment/extract (in-process)
                                             -> outputs -> ledger -> outcome event

Splitting the stages into five chained tasks measured 2.5-4x slower (a hop costs about as much CPU
as a stage) and a separate publish task 15-30 % slower; timings are kept in the ledger instead.
``celery -A workers worker`` consumes ``docpipe.process``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from celery import Celery
from kombu.entity import Exchange, Queue

from workers.broker import redis_transport
from workers.settings import Settings, get_settings

#: Stable task name: moving a module must not break messages already in flight.
PROCESS_TASK = "docpipe.process"
#: Its queue, so it can be watched and scaled on its own.
PROCESS_QUEUE = "docpipe.process"
#: Seconds the soft time limit leaves before the hard one, to record a timeout cleanly.
SOFT_LIMIT_MARGIN = 0.2


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    """Redis transport options: a visibility timeout longer than any task, and a sweep for
    abandoned messages often enough that a killed worker's task returns soon after the timeout
    (kombu's default sweep runs only every ~100 s)."""
    visibility = settings.worker.visibility_timeout
    return {
        "visibility_timeout": visibility,
        "unacked_restore_interval": max(1, min(10, visibility // 5)),
        "unacked_restore_throttle": 1,
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "health_check_interval": 25,
    }


def check_timeouts(settings: Settings) -> None:
    """Refuse settings under which Redis would redeliver a task that is still running."""
    worker = settings.worker
    if worker.visibility_timeout <= worker.task_time_limit:
        raise ValueError(
            f"worker.visibility_timeout ({worker.visibility_timeout} s) must exceed "
            f"worker.task_time_limit ({worker.task_time_limit} s): Redis would hand a running task "
            "to a second worker"
        )


class DocpipeCelery(Celery):  # type: ignore[misc]
    """A Celery app that remembers the settings it was built from (for ``workers.processing.deps``)."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__("docpipe", **kwargs)
        self.settings = settings


def create_app(settings: Settings) -> DocpipeCelery:
    """A Celery app for ``settings``: JSON only, late acks, prefetch 1, named queues."""
    check_timeouts(settings)
    redis_transport.install()
    worker = settings.worker
    app = DocpipeCelery(settings, broker=settings.effective_broker_url, include=["workers.processing.task"])
    exchange = Exchange("docpipe", type="direct", durable=True)  # type: ignore[no-untyped-call]
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        event_serializer="json",
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        worker_concurrency=worker.concurrency,
        task_time_limit=worker.task_time_limit,
        task_soft_time_limit=max(1.0, worker.task_time_limit * (1 - SOFT_LIMIT_MARGIN)),
        broker_transport_options=broker_transport_options(settings),
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        worker_soft_shutdown_timeout=min(10.0, worker.task_time_limit),
        # Task events cost ~3 ms of CPU per document (worker and intake). Flower turns them on in
        # the workers it sees (control command every few seconds) even when settings.worker.events is off.
        worker_send_task_events=worker.events,
        task_send_sent_event=worker.events,
        task_track_started=True,
        worker_hijack_root_logger=False,
        task_create_missing_queues=False,
        task_default_queue=PROCESS_QUEUE,
        task_default_exchange=exchange.name,
        task_default_routing_key=PROCESS_QUEUE,
        task_queues=(Queue(PROCESS_QUEUE, exchange, routing_key=PROCESS_QUEUE),),  # type: ignore[no-untyped-call]
        task_routes={PROCESS_TASK: {"queue": PROCESS_QUEUE, "routing_key": PROCESS_QUEUE}},
    )
    return app


@lru_cache(maxsize=1)
def get_app() -> DocpipeCelery:
    """The process-wide app, built from ``get_settings()``."""
    return create_app(get_settings())
