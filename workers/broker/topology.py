"""Exchanges and queues of docpipe on each broker.

RabbitMQ (production): every queue is a quorum queue (replicated, survives a node restart). The
task queue ``docpipe.process`` has a delivery limit: a message delivered ``worker.delivery_limit``
times without an ack (it keeps killing its worker) is dead-lettered, at least once, to the queue
``docpipe.dead`` through the exchange ``docpipe.dead``; a message the guard rejects
(``workers.broker.guard``) goes there too. Retries with a countdown use Celery's native delayed
delivery (a topic exchange ``celery_delayed_27`` and a ladder of TTL queues), so a waiting retry
never holds a worker's prefetch slot. Redis (embedded default): plain lists; the guard copies
unreadable messages to ``docpipe.dead`` itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kombu.entity import Exchange, Queue

from workers.names import ARCHIVE_QUEUE, DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, PROCESS_QUEUE, TASK_EXCHANGE

AMQP_SCHEMES = frozenset({"amqp", "amqps", "pyamqp", "librabbitmq"})


def is_amqp(url: str) -> bool:
    return urlsplit(url).scheme in AMQP_SCHEMES


def quorum(**extra: Any) -> dict[str, Any]:
    return {"x-queue-type": "quorum", **extra}


def failed_queue_arguments() -> dict[str, Any]:
    """``docpipe.failed`` on RabbitMQ: a quorum queue."""
    return quorum()


def task_exchange() -> Exchange:
    return Exchange(TASK_EXCHANGE, type="direct", durable=True)  # type: ignore[no-untyped-call]


def dead_letter_exchange() -> Exchange:
    return Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True)  # type: ignore[no-untyped-call]


def dead_letter_queue(amqp: bool) -> Queue:
    return Queue(
        DEAD_LETTER_QUEUE,
        dead_letter_exchange(),
        routing_key=DEAD_LETTER_QUEUE,
        durable=True,  # type: ignore[no-untyped-call]
        queue_arguments=quorum() if amqp else None,
    )


def process_queue(amqp: bool, delivery_limit: int, name: str = PROCESS_QUEUE) -> Queue:
    """``docpipe.process`` (or another task queue: ``docpipe.archive``); on RabbitMQ a quorum queue
    with a delivery limit and a dead-letter target."""
    arguments = None
    if amqp:
        arguments = quorum(
            **{
                "x-delivery-limit": delivery_limit,
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": DEAD_LETTER_QUEUE,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",  # required by at-least-once dead-lettering
            }
        )
    return Queue(
        name,
        task_exchange(),
        routing_key=name,
        durable=True,  # type: ignore[no-untyped-call]
        queue_arguments=arguments,
    )


def archive_queue(amqp: bool, delivery_limit: int) -> Queue:
    """``docpipe.archive``: the same kind of queue as ``docpipe.process``, watched and scaled on its own."""
    return process_queue(amqp, delivery_limit, ARCHIVE_QUEUE)
