"""Storage notifications -> ``ObjectEvent`` hints. Pure: no I/O, no clock, no settings.

Three sources, one key normaliser (``object_event_from_filer`` for both SeaweedFS paths):

- MinIO bucket notifications (``Records[]``; keys URL-encoded, decoded with ``unquote_plus``):
  ``parse_minio_notification``.
- SeaweedFS filer ``notification.webhook`` bodies (``{event_type, key, message}``; ``bytes`` fields
  base64-encoded by Go's JSON encoder): ``parse_seaweed_webhook``.
- SeaweedFS filer gRPC ``SubscribeMetadata`` (``workers.intake.filer_subscriber``), which calls
  ``object_event_from_filer`` with the fields of each response.

Parsers keep only objects that now exist: creates, overwrites and the new name of a rename. They
drop what is not an object (directories, multipart parts under ``.uploads/``, anything outside
``/buckets/<bucket>/``, SeaweedFS's ``/buckets/.system``). Temporary and system *names*
(``.DS_Store``, ``x.part``...) are still objects; the caller drops them with ``is_ignored_key``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import unquote_plus

from pydantic import ValidationError

from schemas.events import EventSource, ObjectEvent
from workers.errors import InvalidEventError

#: The filer directory that holds one sub-directory per S3 bucket (SeaweedFS ``dir_buckets``).
BUCKETS_DIR = "/buckets"
#: Where SeaweedFS keeps the parts of unfinished multipart uploads, inside each bucket.
MULTIPART_DIR = ".uploads"
#: The extended attribute in which SeaweedFS's S3 gateway stores an object's (hex) ETag.
SEAWEED_ETAG_ATTR = "Seaweed-X-Amz-ETag"
#: MinIO/S3 event names (after an optional ``s3:``) that announce an object now exists.
MINIO_CREATED_PREFIX = "ObjectCreated:"

#: What happened to a filer entry.
FilerEventKind = Literal["create", "update", "rename", "delete"]
#: Kinds after which the (new) entry exists.
_EXISTING_KINDS = frozenset({"create", "update", "rename"})


def split_filer_path(path: str) -> tuple[str, str] | None:
    """``/buckets/<bucket>/<key>`` -> ``(bucket, key)``; None for anything that is not an object path.

    >>> split_filer_path("/buckets/docs/inbox/决议 1.txt")
    ('docs', 'inbox/决议 1.txt')
    >>> [split_filer_path(p) for p in ["/buckets/docs", "/buckets/.system/x", "/topics/x/y"]]
    [None, None, None]
    """
    prefix = BUCKETS_DIR + "/"
    if not path.startswith(prefix):
        return None
    bucket, _, key = path[len(prefix) :].partition("/")
    if not bucket or bucket.startswith(".") or not key or key.endswith("/"):
        return None
    if key == MULTIPART_DIR or key.startswith(MULTIPART_DIR + "/"):
        return None
    return bucket, key


def filer_etag(seaweed_etag: bytes | None, md5: bytes | None) -> str | None:
    """The S3 ETag of a filer entry: the gateway's ``Seaweed-X-Amz-ETag``, else hex of the md5.

    Both arguments are raw bytes (as in the protobuf; the webhook's base64 is decoded by its parser).
    Multipart ETags keep their ``-<parts>`` suffix; quotes are removed.
    """
    if seaweed_etag:
        text = seaweed_etag.decode("ascii", errors="replace").strip().strip('"')
        if text:
            return text
    return md5.hex() if md5 else None


def iso_from_ns(ts_ns: int) -> str:
    """UTC ISO 8601 with microseconds and ``Z``, computed without float rounding.

    >>> iso_from_ns(1795347395099807147)
    '2026-11-22T11:36:35.099807Z'
    """
    seconds, nanos = divmod(ts_ns, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds, UTC).replace(microsecond=nanos // 1000)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def object_event_from_filer(
    directory: str,
    name: str,
    *,
    is_directory: bool,
    size: int | None,
    etag: str | None,
    ts_ns: int | None,
    kind: str,
    source: EventSource,
) -> ObjectEvent | None:
    """The one normaliser for SeaweedFS filer events (webhook and gRPC).

    Args:
        directory: The entry's (new) parent directory, e.g. ``/buckets/docs/inbox``.
        name: The entry's (new) name.
        is_directory: Directories are never objects.
        size: ``attributes.file_size``.
        etag: From ``filer_etag``.
        ts_ns: When the filer logged the change (gRPC ``ts_ns``), or the entry's mtime; None if unknown.
        kind: ``create``, ``update``, ``rename`` or ``delete`` (only the first three give an event).
        source: ``seaweedfs-grpc`` or ``seaweedfs-webhook``.

    Returns None for deletes, directories and paths that are not objects (see ``split_filer_path``).
    """
    if kind not in _EXISTING_KINDS or is_directory or not name:
        return None
    located = split_filer_path(f"{directory.rstrip('/')}/{name}")
    if located is None:
        return None
    bucket, key = located
    return ObjectEvent(
        bucket=bucket,
        key=key,
        size=size,
        etag=etag,
        source=source,
        event_time=iso_from_ns(ts_ns) if ts_ns else None,
    )


def filer_event_kind(old_path: str | None, new_path: str | None) -> FilerEventKind | None:
    """Classify a filer change by the full paths of its old and new entries (None when absent)."""
    if new_path is None:
        return "delete" if old_path is not None else None
    if old_path is None:
        return "create"
    return "update" if old_path == new_path else "rename"


# --- MinIO ----------------------------------------------------------------------------------------


def parse_minio_notification(payload: Any) -> list[ObjectEvent]:
    """MinIO (or AWS S3) notification -> one event per ``ObjectCreated`` record.

    Raises ``InvalidEventError`` (with ``data=payload``) when the payload is not a notification.
    """
    records = payload.get("Records") if isinstance(payload, Mapping) else None
    if not isinstance(records, list):
        raise InvalidEventError("not a MinIO notification: no Records list", data=payload)
    events: list[ObjectEvent] = []
    for index, record in enumerate(records):
        try:
            name = str(record["eventName"]).removeprefix("s3:")
            if not name.startswith(MINIO_CREATED_PREFIX):
                continue
            s3 = record["s3"]
            obj = s3["object"]
            etag = (obj.get("eTag") or "").strip('"') or None
            events.append(
                ObjectEvent(
                    bucket=s3["bucket"]["name"],
                    key=unquote_plus(obj["key"]),
                    size=obj.get("size"),
                    etag=etag,
                    version_id=obj.get("versionId") or None,
                    source="minio",
                    event_time=record.get("eventTime"),
                )
            )
        except (KeyError, TypeError, AttributeError, ValidationError) as exc:
            raise InvalidEventError(f"malformed MinIO record {index}: {exc!r}", data=payload) from exc
    return events


# --- SeaweedFS webhook ----------------------------------------------------------------------------


def _b64(value: Any) -> bytes | None:
    """Go's JSON encoding of ``[]byte`` is base64; undecodable values count as absent."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_seaweed_webhook(payload: Any) -> list[ObjectEvent]:
    """SeaweedFS filer webhook body -> zero or one event (creates, overwrites, renames of files).

    Raises ``InvalidEventError`` (with ``data=payload``) when the body does not have the webhook shape.
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("message"), Mapping):
        raise InvalidEventError("not a SeaweedFS webhook body: no message object", data=payload)
    event_type, key, message = payload.get("event_type"), payload.get("key"), payload["message"]
    if not isinstance(event_type, str) or not isinstance(key, str):
        raise InvalidEventError("not a SeaweedFS webhook body: event_type/key missing", data=payload)
    entry = message.get("new_entry")
    if event_type not in _EXISTING_KINDS or not entry:
        return []
    try:
        attributes = entry.get("attributes") or {}
        extended = entry.get("extended") or {}
        mtime_ns = int(attributes.get("mtime", 0)) * 1_000_000_000 + int(attributes.get("mtime_ns", 0))
        directory = message.get("new_parent_path") or key.rsplit("/", 1)[0]
        event = object_event_from_filer(
            directory,
            entry.get("name") or key.rsplit("/", 1)[-1],
            is_directory=bool(entry.get("is_directory", False)),
            size=int(attributes.get("file_size", 0)),
            etag=filer_etag(_b64(extended.get(SEAWEED_ETAG_ATTR)), _b64(attributes.get("md5"))),
            ts_ns=mtime_ns or None,
            kind=event_type,
            source="seaweedfs-webhook",
        )
    except (TypeError, ValueError, AttributeError) as exc:  # ValidationError is a ValueError
        raise InvalidEventError(f"malformed SeaweedFS webhook entry: {exc!r}", data=payload) from exc
    return [event] if event is not None else []
