"""The Celery application, configured entirely from ``Settings`` (no second config module).

One task per document, ``docpipe.process`` on queue ``docpipe.process`` (docs/service.md has the
measurements behind it), then one ``docpipe.archive`` on queue ``docpipe.archive`` per
published document (docs/archive.md). ``celery -A workers worker`` consumes both (``-Q``
chooses). JSON only, late acks, prefetch 1; the guard (``workers.broker.guard.GuardedConsumer``)
dead-letters any message the task could not read before Celery sees it.

RabbitMQ: quorum queues (``workers.broker.topology``), publisher confirms, native delayed delivery
for retries. Redis: a visibility timeout checked to be longer than the task time limit, the
restore sweep every few seconds so a killed worker's tasks come back soon after the timeout.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from celery import Celery
from celery.app.amqp import AMQP

from workers.broker import redis_transport
from workers.broker.topology import archive_queue, is_amqp, process_queue, task_exchange
from workers.names import ARCHIVE_QUEUE, ARCHIVE_TASK, PROCESS_QUEUE, PROCESS_TASK
from workers.settings import Settings, get_settings

#: Share of the hard time limit at which the soft limit fires, to record a timeout cleanly.
SOFT_LIMIT_SHARE = 0.8


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    """Redis: visibility timeout and a restore sweep every ``min(10, visibility/5)`` s (kombu's
    default sweeps every ~100 s). RabbitMQ: publisher confirms on every task sent."""
    if is_amqp(settings.broker):
        return {"confirm_publish": True}
    visibility = settings.worker.visibility_timeout
    return {
        "visibility_timeout": visibility,
        "unacked_restore_interval": max(1, min(10, visibility // 5)),
        "unacked_restore_throttle": 1,
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "health_check_interval": 25,
    }


class ShadowedAMQP(AMQP):  # type: ignore[misc]
    """Celery's message builder, whose ``task-sent`` event names a task by its shadow name.

    A task is sent as ``process <bucket>/<key>`` (``shadow``), and the worker's ``task-received``
    event carries that name; Celery's ``task-sent`` event carries the task's own name. A monitor
    that hears the sent event after the others (the client's and the worker's events travel apart)
    merges its fields over them, and Flower showed ``docpipe.process`` again. Both now say the same."""

    def as_task_v2(self, *args: Any, **kwargs: Any) -> Any:  # Celery passes its arguments by position
        message = super().as_task_v2(*args, **kwargs)
        shadow = message.headers.get("shadow")
        if shadow and message.sent_event is not None:
            message.sent_event["name"] = shadow
        return message


class DocpipeCelery(Celery):  # type: ignore[misc]
    """A Celery app that remembers the settings it was built from (for ``workers.processing.deps``)."""

    amqp_cls = f"{__name__}:ShadowedAMQP"

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__("docpipe", **kwargs)
        self.settings = settings


def create_app(settings: Settings, *, worker: bool = True) -> DocpipeCelery:
    """A Celery app for ``settings``. ``worker=False`` (the intake) loads no task module."""
    redis_transport.install()
    w = settings.worker
    amqp = is_amqp(settings.broker)
    include = ["workers.processing.task", "workers.archive.task"] if worker else []
    app = DocpipeCelery(settings, broker=settings.broker, include=include)
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
        worker_concurrency=w.concurrency,
        worker_max_memory_per_child=w.max_memory_per_child,
        task_time_limit=w.task_time_limit,
        task_soft_time_limit=max(1.0, w.task_time_limit * SOFT_LIMIT_SHARE),
        broker_transport_options=broker_transport_options(settings),
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        worker_soft_shutdown_timeout=min(10.0, w.task_time_limit),
        worker_send_task_events=w.events,
        task_send_sent_event=w.events,
        task_track_started=True,
        worker_hijack_root_logger=False,
        worker_consumer="workers.broker.guard:GuardedConsumer",
        task_create_missing_queues=False,
        task_default_queue=PROCESS_QUEUE,
        task_default_exchange=task_exchange().name,
        task_default_routing_key=PROCESS_QUEUE,
        task_default_queue_type="quorum" if amqp else "classic",
        task_queues=(process_queue(amqp, w.delivery_limit), archive_queue(amqp, w.delivery_limit)),
        task_routes={
            PROCESS_TASK: {"queue": PROCESS_QUEUE, "routing_key": PROCESS_QUEUE},
            ARCHIVE_TASK: {"queue": ARCHIVE_QUEUE, "routing_key": ARCHIVE_QUEUE},
        },
        worker_detect_quorum_queues=True,
        broker_native_delayed_delivery_queue_type="quorum",
    )
    return app


@lru_cache(maxsize=1)
def get_app() -> DocpipeCelery:
    """The process-wide app, built from ``get_settings()``."""
    return create_app(get_settings())


def _setup_logging(**_kwargs: object) -> None:
    """Celery's ``setup_logging`` signal: structlog JSON lines instead of Celery's own format."""
    from workers.logs import configure_logging

    configure_logging(get_settings())


def connect_logging() -> None:
    from celery.signals import setup_logging

    setup_logging.connect(_setup_logging, weak=False)


connect_logging()
