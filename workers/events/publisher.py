"""Outcome events: CloudEvents 1.0 JSON on the kombu topic exchange ``docpipe.events``.

Routing keys ``document.processed``, ``document.failed`` and ``document.duplicate``; a durable queue
``docpipe.failed`` bound to ``document.failed`` keeps every failure for people and tools to drain.
The transport is the Redis at ``redis_url`` by default, RabbitMQ when ``DOCPIPE_PUBLISH__URL`` is
``amqp://...``. Event ids are deterministic (uuid5), so a consumer dedupes redeliveries on ``id``.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal, Protocol

from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.exceptions import OperationalError
from kombu.pools import producers

from schemas.events import CloudEvent
from workers.broker import redis_transport
from workers.errors import PublishError
from workers.catalog.ledger_old import ObjectRef, now_iso

Outcome = Literal["processed", "failed", "duplicate"]
#: Namespace of event ids: uuid5(namespace, outcome, doc id, pipeline version[, upload]).
EVENT_NAMESPACE = uuid.UUID("5d0c9f1e-7b0a-4a43-9f55-2f4f7f1f0d0c")
FAILED_QUEUE = "docpipe.failed"
#: kombu publish retries on connection errors before PublishError (then Celery retries the task).
RETRY_POLICY: dict[str, Any] = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 2}


def routing_key(outcome: Outcome) -> str:
    return f"document.{outcome}"


def event_id(outcome: Outcome, doc_id: str | None, pipeline_version: str, obj: ObjectRef) -> str:
    """Deterministic id: per (doc id, outcome, pipeline version) for ``processed``; failures and
    duplicates also name the upload, since several uploads can fail or duplicate one content."""
    parts = [outcome, doc_id or "-", pipeline_version]
    if outcome != "processed":
        parts.append(obj.ref)
    return str(uuid.uuid5(EVENT_NAMESPACE, "|".join(parts)))


def make_event(
    outcome: Outcome, obj: ObjectRef, doc_id: str | None, pipeline_version: str, data: dict[str, Any]
) -> CloudEvent:
    """The CloudEvent announcing ``outcome`` for the upload ``obj``."""
    return CloudEvent(
        id=event_id(outcome, doc_id, pipeline_version, obj),
        source=f"/docpipe/{obj.bucket}",
        type=f"org.docpipe.document.{outcome}",
        subject=obj.key,
        time=now_iso(),
        data=data,
    )


class Publisher(Protocol):
    """Where outcome events go (``KombuPublisher``; ``tests.fakes`` has a recording one)."""

    def publish(self, event: CloudEvent, routing_key: str) -> None: ...

    def close(self) -> None: ...


class KombuPublisher:
    """Publishes through a pooled kombu producer with a retry policy; errors -> ``PublishError``."""

    def __init__(self, url: str, exchange: str, *, failed_queue: str = FAILED_QUEUE) -> None:
        self.url = url
        redis_transport.install()
        self.connection = Connection(  # type: ignore[no-untyped-call]
            url,
            connect_timeout=5,
            transport_options={"socket_timeout": 10, "socket_connect_timeout": 5},
        )
        self.exchange = Exchange(exchange, type="topic", durable=True)  # type: ignore[no-untyped-call]
        self.failed_queue = Queue(  # type: ignore[no-untyped-call]
            failed_queue, self.exchange, routing_key=routing_key("failed"), durable=True
        )
        #: What a broker outage looks like through kombu: all of it is worth a retry.
        self._errors: tuple[type[BaseException], ...] = (
            OperationalError,
            OSError,
            *self.connection.connection_errors,
            *self.connection.channel_errors,
        )

    def publish(self, event: CloudEvent, routing_key: str) -> None:
        body = event.model_dump(mode="json")
        try:
            with producers[self.connection].acquire(block=True, timeout=10) as producer:
                producer.publish(
                    body,
                    exchange=self.exchange,
                    routing_key=routing_key,
                    serializer="json",
                    delivery_mode=2,
                    message_id=event.id,
                    headers={"ce_type": event.type, "ce_id": event.id},
                    declare=[self.exchange, self.failed_queue],
                    retry=True,
                    retry_policy=RETRY_POLICY,
                )
        except self._errors as exc:
            raise PublishError(f"cannot publish {routing_key} to {_safe(self.url)}: {exc!r}") from exc

    def close(self) -> None:
        producers[self.connection].force_close_all()
        self.connection.release()  # type: ignore[no-untyped-call]


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
