"""Against a server without ListenBucketNotification (SeaweedFS answers 501), the listener says so
and stops by itself instead of spinning; the other intake paths carry the events."""

from __future__ import annotations

import threading

import pytest

from schemas.events import ObjectEvent
from workers.backoff import Backoff
from workers.intake.minio_listener import MinioListener
from workers.storage.s3 import S3ObjectStore

pytestmark = pytest.mark.integration


def test_listener_stops_on_not_implemented(s3_store: S3ObjectStore, bucket: str) -> None:
    """A real 501 from SeaweedFS turns the listener off (supported False) within seconds."""
    seen: list[ObjectEvent] = []
    listener = MinioListener(s3_store.client, bucket, seen.append, backoff=Backoff(first=0.05, cap=0.1))
    thread = threading.Thread(target=listener.run, args=(threading.Event(),), daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert listener.supported is False
    assert seen == []
