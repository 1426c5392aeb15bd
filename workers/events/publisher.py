"""Publishing outcome events: kombu, publisher confirms on RabbitMQ, errors -> ``PublishError``.

Routing keys ``document.processed``, ``document.failed`` and ``document.duplicate``; a durable queue
``docpipe.failed`` bound to ``document.failed`` keeps every failure for people and tools to drain
(a quorum queue on RabbitMQ). The transport is the broker's by default (``publish.url`` empty).
On RabbitMQ the channel is in confirm mode: ``publish`` returns once the broker has the message.
"""

from __future__ import annotations

from typing import Any, Protocol

from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.exceptions import OperationalError
from kombu.pools import producers

from schemas.events import CloudEvent
from workers.broker import redis_transport
from workers.broker.topology import failed_queue_arguments, is_amqp
from workers.errors import PublishError
from workers.events.cloudevent import SERIALIZER, register_serializer
from workers.names import FAILED_QUEUE, routing_key
from workers.redact import redact_url

#: kombu publish retries on connection errors before PublishError (then the task retries).
RETRY_POLICY: dict[str, Any] = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 2}


class Publisher(Protocol):
    """Where outcome events go (``KombuPublisher``; ``tests.fakes`` has a recording one)."""

    def publish(self, event: CloudEvent, routing_key: str) -> None: ...

    def close(self) -> None: ...


class KombuPublisher:
    """Publishes through a pooled kombu producer with a retry policy."""

    def __init__(self, url: str, exchange: str) -> None:
        self.url = url
        redis_transport.install()
        register_serializer()
        amqp = is_amqp(url)
        options: dict[str, Any] = (
            {"confirm_publish": True} if amqp else {"socket_timeout": 10, "socket_connect_timeout": 5}
        )
        self.connection = Connection(url, connect_timeout=5, transport_options=options)  # type: ignore[no-untyped-call]
        self.exchange = Exchange(exchange, type="topic", durable=True)  # type: ignore[no-untyped-call]
        self.failed_queue = Queue(  # type: ignore[no-untyped-call]
            FAILED_QUEUE,
            self.exchange,
            routing_key=routing_key("failed"),
            durable=True,
            queue_arguments=failed_queue_arguments() if amqp else None,
        )
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
                    serializer=SERIALIZER,
                    delivery_mode=2,
                    message_id=event.id,
                    declare=[self.exchange, self.failed_queue],
                    retry=True,
                    retry_policy=RETRY_POLICY,
                )
        except self._errors as exc:
            raise PublishError(f"cannot publish {routing_key} to {redact_url(self.url)}: {exc!r}") from exc

    def close(self) -> None:
        producers[self.connection].force_close_all()
        self.connection.release()  # type: ignore[no-untyped-call]
