"""Test doubles that behave like the real adapters (kept honest by the contract tests)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from workers.errors import ObjectNotFoundError, ObjectTooLargeError, StorageError
from workers.storage.s3 import JSON_CONTENT_TYPE, ObjectInfo, json_bytes


@dataclass(frozen=True)
class _Stored:
    data: bytes
    content_type: str
    metadata: dict[str, str]
    etag: str
    last_modified: datetime


@dataclass
class InMemoryObjectStore:
    """An ``ObjectStore`` in a dict, with MinIO's semantics.

    Writing to a missing bucket raises ``ObjectNotFoundError`` (as MinIO does; SeaweedFS may
    create it for admin identities). Set ``unavailable = True`` to simulate an outage: every call
    then raises ``StorageError``. ``calls`` records ``(method, bucket, key)`` for assertions.
    """

    unavailable: bool = False
    calls: list[tuple[str, str, str | None]] = field(default_factory=list)
    _buckets: dict[str, dict[str, _Stored]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _enter(self, method: str, bucket: str, key: str | None = None) -> None:
        self.calls.append((method, bucket, key))
        if self.unavailable:
            raise StorageError(f"in-memory store unavailable ({method} {bucket}/{key or ''})")

    def _bucket(self, bucket: str, key: str | None = None) -> dict[str, _Stored]:
        try:
            return self._buckets[bucket]
        except KeyError:
            where = f"{bucket}/{key}" if key is not None else bucket
            raise ObjectNotFoundError(f"NoSuchBucket: {where}", document=where) from None

    def _object(self, bucket: str, key: str) -> _Stored:
        try:
            return self._bucket(bucket, key)[key]
        except KeyError:
            raise ObjectNotFoundError(f"NoSuchKey: {bucket}/{key}", document=f"{bucket}/{key}") from None

    def ensure_bucket(self, name: str) -> None:
        self._enter("ensure_bucket", name)
        with self._lock:
            self._buckets.setdefault(name, {})

    def remove_bucket(self, name: str) -> None:
        self._enter("remove_bucket", name)
        with self._lock:
            self._bucket(name)
            del self._buckets[name]

    def put_bytes(
        self,
        bucket: str,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        self._enter("put_bytes", bucket, key)
        etag = hashlib.md5(data).hexdigest()
        meta = {name.lower(): value for name, value in (metadata or {}).items()}
        with self._lock:
            self._bucket(bucket, key)[key] = _Stored(
                bytes(data), content_type, meta, etag, datetime.now(UTC).replace(microsecond=0)
            )
        return etag

    def put_json(self, bucket: str, key: str, obj: bytes | Mapping[str, Any]) -> str:
        return self.put_bytes(bucket, key, json_bytes(obj), content_type=JSON_CONTENT_TYPE)

    def get_bytes(self, bucket: str, key: str, max_bytes: int | None = None) -> bytes:
        self._enter("get_bytes", bucket, key)
        with self._lock:
            data = self._object(bucket, key).data
        if max_bytes is not None and len(data) > max_bytes:
            raise ObjectTooLargeError(f"{bucket}/{key}: {len(data)} bytes, over the limit max_input_bytes={max_bytes}")
        return data

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        self._enter("stat", bucket, key)
        with self._lock:
            stored = self._object(bucket, key)
        return ObjectInfo(
            key=key,
            size=len(stored.data),
            etag=stored.etag,
            last_modified=stored.last_modified,
            content_type=stored.content_type,
            metadata=dict(stored.metadata),
        )

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self.stat(bucket, key)
        except ObjectNotFoundError:
            return False
        return True

    def list_objects(self, bucket: str, prefix: str = "", recursive: bool = True) -> Iterator[ObjectInfo]:
        self._enter("list_objects", bucket, prefix or None)
        with self._lock:
            items = sorted(self._bucket(bucket).items(), key=lambda item: item[0].encode("utf-8"))
        for key, stored in items:
            if not key.startswith(prefix) or (not recursive and "/" in key[len(prefix) :]):
                continue
            yield ObjectInfo(key=key, size=len(stored.data), etag=stored.etag, last_modified=stored.last_modified)

    def remove(self, bucket: str, key: str) -> None:
        self._enter("remove", bucket, key)
        with self._lock:
            self._bucket(bucket, key).pop(key, None)
