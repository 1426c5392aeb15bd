"""The guard: a message no task can read is dead-lettered with a logged reason; the worker goes on.

Celery's consumer (in the worker's main process) unpacks each task message before handing it to
the pool. A message of the wrong shape (a JSON object where protocol 2 has ``[args, kwargs,
embed]``, a missing ``task`` header, a foreign content type) raised there kills the main process,
and every restart dies again on the same message. ``GuardedConsumer`` checks each message first
(``unreadable``) and catches whatever Celery's own handler still raises; either way the message is
dead-lettered (``dead_letter``): rejected without requeue on RabbitMQ (the quorum queue sends it to
``docpipe.dead``), copied to ``docpipe.dead`` and acknowledged on Redis.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import structlog
from celery.worker.consumer import Consumer
from kombu.message import Message

from workers.broker.topology import dead_letter_exchange, dead_letter_queue, is_amqp
from workers.names import DEAD_LETTER_QUEUE

log = structlog.get_logger("docpipe.guard")

#: The only content type docpipe's tasks accept.
JSON = "application/json"
#: Header naming why a copied message was dead-lettered (Redis; RabbitMQ adds ``x-death``).
REASON_HEADER = "x-docpipe-dead-letter-reason"


def unreadable(message: Message, known_tasks: Any) -> str | None:  # noqa: PLR0911 - one reason per check
    """Why the task could not read ``message``, or None when it is a well-formed docpipe task."""
    headers = message.headers
    if not isinstance(headers, dict):
        return f"headers are {type(headers).__name__}, not a mapping"
    task = headers.get("task")
    if not isinstance(task, str):
        return "no task header (not a Celery protocol 2 message)"
    if task not in known_tasks:
        return f"unknown task {task[:100]!r}"
    if not isinstance(headers.get("id"), str):
        return "no task id header"
    if message.content_type != JSON:
        return f"content type {str(message.content_type)[:60]!r}, only {JSON} is accepted"
    try:
        body = json.loads(message.body)
    except (ValueError, TypeError) as exc:
        return f"body is not JSON: {exc}"
    if not (isinstance(body, list) and len(body) == 3):
        return (
            f"body is {type(body).__name__}{'' if not isinstance(body, list) else f' of {len(body)}'}, "
            "not [args, kwargs, embed]"
        )
    args, kwargs, embed = body
    if not isinstance(args, list) or not isinstance(kwargs, dict) or not isinstance(embed, dict):
        return "body is not [list, dict, dict]"
    return None


def dead_letter(app: Any, message: Message, reason: str) -> None:
    """Log why, then hand ``message`` to the dead-letter queue; never raises."""
    headers = message.headers if isinstance(message.headers, dict) else {}
    log.warning(
        "message dead-lettered",
        reason=reason,
        task_id=headers.get("id"),
        task=headers.get("task"),
        content_type=message.content_type,
        delivery_tag=message.delivery_tag,
    )
    try:
        if is_amqp(app.conf.broker_url or ""):
            message.reject(requeue=False)  # type: ignore[no-untyped-call]
            return
        with app.producer_or_acquire() as producer:
            producer.publish(
                message.body,
                exchange=dead_letter_exchange(),
                routing_key=DEAD_LETTER_QUEUE,
                content_type=message.content_type or "application/octet-stream",
                content_encoding=message.content_encoding or "binary",
                headers={**{str(k): v for k, v in headers.items()}, REASON_HEADER: reason},
                declare=[dead_letter_queue(False)],
                retry=True,
            )
        message.ack()  # type: ignore[no-untyped-call]
    except Exception:  # the connection went away: the message comes back and is judged again
        log.exception("could not dead-letter a message", reason=reason)


class GuardedConsumer(Consumer):  # type: ignore[misc]
    """Celery's consumer with ``unreadable``/``dead_letter`` in front of its task handler."""

    def create_task_handler(self, *args: Any, **kwargs: Any) -> Callable[[Message], Any]:
        handler = super().create_task_handler(*args, **kwargs)
        app = self.app

        def on_task_received(message: Message) -> Any:
            reason = unreadable(message, app.tasks)
            if reason is None:
                try:
                    return handler(message)
                except Exception as exc:
                    reason = f"{type(exc).__name__}: {exc}"
            dead_letter(app, message, reason)
            return None

        return on_task_received

    def start(self) -> None:
        """Declare the dead-letter exchange and queue first: RabbitMQ drops what it cannot route."""
        try:
            with self.app.connection_for_write() as conn:
                dead_letter_queue(is_amqp(self.app.conf.broker_url or ""))(conn.default_channel).declare()  # type: ignore[no-untyped-call]
        except Exception:
            log.exception("could not declare the dead-letter queue yet")
        super().start()
