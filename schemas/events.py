"""Messages that cross process boundaries: object notices, task payloads, outcome events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from schemas._base import FrozenModel

EventSource = Literal["minio", "seaweedfs-grpc", "seaweedfs-webhook", "reconciler", "dropfolder", "upload", "cli"]


class ObjectEvent(FrozenModel):
    """A hint that an object exists in a bucket (events are hints; the bucket is the truth)."""

    bucket: str
    key: str
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None
    source: EventSource
    event_time: str | None = None


class CloudEvent(FrozenModel):
    """A CloudEvents 1.0 structured-mode JSON envelope."""

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str | None = None
    time: str
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
