"""MinIO's ``ListenBucketNotification`` stream as an intake path (a MinIO extension of S3).

The stream is live only: events sent while the listener is disconnected are not replayed, so it
is a low-latency hint next to MinIO's webhook (which has a persistent ``queue_dir``) and the
reconciler (which lists the bucket). A server that does not implement the call (SeaweedFS, AWS)
answers 501: the listener says so once and stops, leaving the other paths to do the work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from minio.error import S3Error

from schemas.events import ObjectEvent
from workers.backoff import Backoff
from workers.errors import InvalidEventError
from workers.ignore import is_ignored_key
from workers.intake.notifications import parse_minio_notification

log = logging.getLogger(__name__)

#: Waits between reconnections of the stream.
RECONNECT_BACKOFF = Backoff(first=1.0, cap=30.0)
#: The events listened to: every way an object comes to exist.
CREATED = ("s3:ObjectCreated:*",)


class NotificationClient(Protocol):
    """The part of ``minio.Minio`` the listener uses."""

    def listen_bucket_notification(
        self, bucket_name: str, prefix: str = "", suffix: str = "", events: tuple[str, ...] = ...
    ) -> AbstractContextManager[Iterable[dict[str, Any]]]: ...


class MinioListener:
    """Follows a bucket's notification stream, reconnecting with backoff, until stopped.

    Args:
        client: A ``minio.Minio`` client (or anything with ``listen_bucket_notification``).
        bucket: The inbox bucket.
        handler: Called with each ``ObjectEvent`` (source ``minio``); usually ``enqueue``.
        prefix: Only keys under this prefix.
        backoff: Waits between reconnections (``workers.backoff.Backoff``).
    """

    def __init__(
        self,
        client: NotificationClient,
        bucket: str,
        handler: Callable[[ObjectEvent], object],
        *,
        prefix: str = "",
        backoff: Backoff = RECONNECT_BACKOFF,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.handler = handler
        self.prefix = prefix
        self.backoff = backoff
        self.supported = True
        self._stream: Any = None

    def run(self, stop: threading.Event) -> None:
        """Listen until ``stop`` is set, or until the server says it cannot."""
        attempt = 0
        while not stop.is_set():
            try:
                for event in self._events(stop):
                    self.handler(event)
                    attempt = 0
            except S3Error as exc:
                if exc.code == "NotImplemented":
                    self.supported = False
                    log.warning(
                        "%s does not implement ListenBucketNotification: listener off (%s)", self.bucket, exc.message
                    )
                    return
                log.warning("notification stream of %s: %s %s", self.bucket, exc.code, exc.message)
            except InvalidEventError as exc:
                log.warning("notification stream of %s sent an invalid record: %s", self.bucket, exc.message)
            except Exception as exc:  # connection drops of every kind: reconnect
                if stop.is_set():
                    return
                log.warning("notification stream of %s failed: %s: %s", self.bucket, type(exc).__name__, exc)
            if stop.wait(self.backoff.delay(attempt)):
                return
            attempt += 1

    def close(self) -> None:
        """Interrupt a blocked read (``stop`` alone waits for the next record or keep-alive)."""
        stream = self._stream
        if stream is not None and hasattr(stream, "close"):
            stream.close()

    def _events(self, stop: threading.Event) -> Iterator[ObjectEvent]:
        with self.client.listen_bucket_notification(self.bucket, prefix=self.prefix, events=CREATED) as stream:
            self._stream = stream
            try:
                for record in stream:
                    if stop.is_set():
                        return
                    for event in parse_minio_notification(record):
                        if event.bucket == self.bucket and not is_ignored_key(event.key):
                            yield event
            finally:
                self._stream = None
