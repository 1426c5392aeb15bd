"""Building the outcome events and putting them on the wire.

Structured content mode (CloudEvents AMQP binding): the whole event is the message body, JSON,
with content type ``application/cloudevents+json``; the SDK's ``from_amqp`` reads it as it is.
Ids are deterministic (uuid5), so a consumer dedupes a rare re-send on ``id``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from kombu import serialization

from schemas.events import CloudEvent
from workers.names import EVENT_TYPE_PREFIX, ArchiveOutcome, Outcome

#: Namespace of event ids: uuid5(namespace, outcome, doc id, pipeline version[, upload]).
EVENT_NAMESPACE = uuid.UUID("5d0c9f1e-7b0a-4a43-9f55-2f4f7f1f0d0c")
#: The structured-mode content type of the JSON event format.
CONTENT_TYPE = "application/cloudevents+json"
#: kombu serializer name registered for that content type (``register_serializer``).
SERIALIZER = "cloudevents"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def event_id(outcome: Outcome | ArchiveOutcome, doc_id: str | None, pipeline_version: str, upload_ref: str = "") -> str:
    """Per (doc id, outcome, pipeline version) for ``processed`` and the archive outcomes; failures
    and duplicates also name the upload, since several uploads can fail or duplicate one content."""
    parts = [outcome, doc_id or "-", pipeline_version]
    if outcome in ("failed", "duplicate"):
        parts.append(upload_ref)
    return str(uuid.uuid5(EVENT_NAMESPACE, "|".join(parts)))


def make_event(
    outcome: Outcome,
    *,
    bucket: str,
    key: str,
    upload_ref: str,
    doc_id: str | None,
    pipeline_version: str,
    data: dict[str, Any],
) -> CloudEvent:
    """The CloudEvent announcing ``outcome`` for one upload."""
    return CloudEvent(
        id=event_id(outcome, doc_id, pipeline_version, upload_ref),
        source=f"/docpipe/{bucket}",
        type=f"{EVENT_TYPE_PREFIX}{outcome}",
        subject=key,
        time=now_iso(),
        data=data,
    )


def make_archive_event(
    outcome: ArchiveOutcome, *, doc_id: str, pipeline_version: str, subject: str, data: dict[str, Any]
) -> CloudEvent:
    """``document.archived`` / ``document.archive_failed`` for one document version (source: the archive bucket)."""
    return CloudEvent(
        id=event_id(outcome, doc_id, pipeline_version),
        source="/docpipe/archive",
        type=f"{EVENT_TYPE_PREFIX}{outcome}",
        subject=subject,
        time=now_iso(),
        data=data,
    )


def outcome_of(event_type: str) -> Outcome:
    outcome = event_type.removeprefix(EVENT_TYPE_PREFIX)
    if outcome not in ("processed", "failed", "duplicate"):
        raise ValueError(f"not a docpipe outcome event type: {event_type!r}")
    return outcome  # type: ignore[return-value]


def _dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def register_serializer() -> None:
    """Let kombu publish and decode ``application/cloudevents+json`` (idempotent)."""
    serialization.register(  # type: ignore[no-untyped-call]
        SERIALIZER, _dumps, json.loads, content_type=CONTENT_TYPE, content_encoding="utf-8"
    )
