"""The object-store port (``ObjectStore``) and its S3 adapter over the ``minio`` client.

``S3ObjectStore`` talks to MinIO in production and to SeaweedFS's S3 gateway locally. Library
errors are translated in one place, ``s3_errors``::

    S3Error NoSuchKey / NoSuchBucket / NoSuchVersion          -> ObjectNotFoundError (permanent)
    S3Error or ServerError with HTTP 5xx, SlowDown, timeouts  -> StorageError (transient)
    urllib3 errors (refused, reset, timed out), OSError       -> StorageError (transient)
    anything else (AccessDenied, a wrong argument, a bug)     -> not wrapped

The client's ``urllib3.PoolManager`` has short connect timeouts and few retries, so an outage
surfaces as ``StorageError`` within about a second (refused) or ``connect_timeout * (retries + 1)``
(unreachable host), and Celery's own retry policy takes over.

The in-memory fake with the same behaviour lives in ``tests/fakes.py`` (``InMemoryObjectStore``).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import certifi
import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError

from workers.errors import ObjectNotFoundError, ObjectTooLargeError, StorageError

if TYPE_CHECKING:
    from workers.settings import StorageSettings

#: Seconds to wait for a TCP connection to the store.
DEFAULT_CONNECT_TIMEOUT = 2.0
#: Seconds to wait for each read from the socket (not for the whole body).
DEFAULT_READ_TIMEOUT = 30.0
#: Retries of one request on connection errors and on HTTP 500/502/503/504 (idempotent methods).
DEFAULT_RETRIES = 2
#: Content type of documents written with ``put_json``.
JSON_CONTENT_TYPE = "application/json"
#: S3 error codes meaning "no such object" (or no such bucket, which implies it).
NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchBucket", "NoSuchVersion"})
#: S3 error codes that are worth retrying although their HTTP status may be 4xx.
TRANSIENT_CODES = frozenset({"SlowDown", "RequestTimeout", "ServiceUnavailable", "InternalError"})
#: Prefix of user metadata headers; ``ObjectInfo.metadata`` holds names without it, lower-cased.
USER_META_PREFIX = "x-amz-meta-"


@dataclass(frozen=True)
class ObjectInfo:
    """What the store says about one object.

    ``content_type`` and ``metadata`` are None in listings (S3 lists do not carry them); ``stat``
    fills them. Metadata names are lower-case, without ``x-amz-meta-``.
    """

    key: str
    size: int
    etag: str | None
    last_modified: datetime | None
    content_type: str | None = None
    metadata: Mapping[str, str] | None = None


class ObjectStore(Protocol):
    """The object-store capability the pipeline's shell needs. Missing objects raise
    ``ObjectNotFoundError``; an unreachable or failing store raises ``StorageError``."""

    def ensure_bucket(self, name: str) -> None:
        """Create the bucket unless it exists."""
        ...

    def put_bytes(
        self,
        bucket: str,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Write an object; returns its ETag (without quotes)."""
        ...

    def put_json(self, bucket: str, key: str, obj: bytes | Mapping[str, Any]) -> str:
        """Write a JSON document (bytes as they are, a mapping encoded as UTF-8 JSON); returns the ETag."""
        ...

    def get_bytes(self, bucket: str, key: str, max_bytes: int | None = None) -> bytes:
        """The whole content of an object; over ``max_bytes`` raises ``ObjectTooLargeError`` without
        reading more than ``max_bytes + 1`` bytes."""
        ...

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        """Size, ETag, dates, content type and user metadata of an object."""
        ...

    def exists(self, bucket: str, key: str) -> bool:
        """Whether the object exists (False also when the bucket does not)."""
        ...

    def list_objects(self, bucket: str, prefix: str = "", recursive: bool = True) -> Iterator[ObjectInfo]:
        """Objects under ``prefix`` in key order; without ``recursive``, only those directly under it."""
        ...

    def remove(self, bucket: str, key: str) -> None:
        """Delete an object; deleting a missing object is not an error (S3 semantics)."""
        ...


def json_bytes(obj: bytes | Mapping[str, Any]) -> bytes:
    """The bytes ``put_json`` stores: bytes unchanged, a mapping as compact UTF-8 JSON (CJK kept)."""
    if isinstance(obj, bytes):
        return obj
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def user_metadata(headers: Mapping[str, str] | None) -> dict[str, str]:
    """``x-amz-meta-*`` headers -> ``{name: value}`` with lower-case names."""
    return {
        name.lower().removeprefix(USER_META_PREFIX): value
        for name, value in (headers or {}).items()
        if name.lower().startswith(USER_META_PREFIX)
    }


def _status(exc: S3Error) -> int:
    response = getattr(exc, "response", None)
    return int(getattr(response, "status", 0) or 0)


@contextmanager
def s3_errors(bucket: str, key: str | None = None) -> Iterator[None]:
    """Translate minio/urllib3 errors raised inside the block (see the module docstring)."""
    where = f"{bucket}/{key}" if key is not None else bucket
    try:
        yield
    except S3Error as exc:
        if exc.code in NOT_FOUND_CODES:
            raise ObjectNotFoundError(f"{exc.code}: {where}", document=where) from exc
        if _status(exc) >= 500 or exc.code in TRANSIENT_CODES:
            raise StorageError(f"object store failed on {where}: {exc.code}", document=where) from exc
        raise
    except (ServerError, InvalidResponseError) as exc:
        status = exc.status_code if isinstance(exc, ServerError) else int(getattr(exc, "_code", 0) or 0)
        if status >= 500 or status == 429:
            raise StorageError(f"object store failed on {where}: HTTP {status}", document=where) from exc
        raise
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise StorageError(f"object store unreachable for {where}: {exc!r}", document=where) from exc


def make_http_client(
    *,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
) -> urllib3.PoolManager:
    """A pool like minio's default, but with short timeouts and few retries (minio: 5 min, 5)."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(
            total=retries,
            connect=retries,
            read=retries,
            backoff_factor=0.2,
            status_forcelist=(500, 502, 503, 504),
            raise_on_status=False,  # hand the last 5xx to minio, whose S3Error we map
        ),
    )


class S3ObjectStore:
    """``ObjectStore`` over an S3 API (MinIO, SeaweedFS) through the ``minio`` client.

    Args:
        endpoint: ``host:port`` without scheme, e.g. ``127.0.0.1:8333``.
        access_key, secret_key: Credentials; empty for anonymous requests.
        secure: HTTPS when True.
        region: Bucket region (None: the client's default, ``us-east-1``).
        connect_timeout, read_timeout, retries: See ``make_http_client``.
    """

    def __init__(
        self,
        endpoint: str,
        access_key: str | None = None,
        secret_key: str | None = None,
        secure: bool = False,
        region: str | None = None,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self.client = Minio(
            endpoint,
            access_key=access_key or None,
            secret_key=secret_key or None,
            secure=secure,
            region=region,
            http_client=make_http_client(connect_timeout=connect_timeout, read_timeout=read_timeout, retries=retries),
        )

    @classmethod
    def from_settings(cls, storage: StorageSettings, **options: Any) -> S3ObjectStore:
        """Build from ``settings.storage``; ``options`` are the keyword-only timeouts/retries."""
        return cls(
            storage.endpoint,
            storage.access_key,
            storage.secret_key.get_secret_value(),
            secure=storage.secure,
            region=storage.region,
            **options,
        )

    def __repr__(self) -> str:
        return f"S3ObjectStore({self.endpoint!r})"

    def ensure_bucket(self, name: str) -> None:
        with s3_errors(name):
            if self.client.bucket_exists(name):
                return
            try:
                self.client.make_bucket(name, location=self.region)
            except S3Error as exc:
                if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

    def remove_bucket(self, name: str) -> None:
        """Delete a bucket and everything in it (for tests and tooling, not part of the port)."""
        with s3_errors(name):
            for obj in self.client.list_objects(name, recursive=True):
                if obj.object_name is not None:
                    self.client.remove_object(name, obj.object_name)
            self.client.remove_bucket(name)

    def put_bytes(
        self,
        bucket: str,
        key: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        with s3_errors(bucket, key):
            result = self.client.put_object(
                bucket,
                key,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata=dict(metadata) if metadata else None,
            )
        return (result.etag or "").strip('"')

    def put_json(self, bucket: str, key: str, obj: bytes | Mapping[str, Any]) -> str:
        return self.put_bytes(bucket, key, json_bytes(obj), content_type=JSON_CONTENT_TYPE)

    def get_bytes(self, bucket: str, key: str, max_bytes: int | None = None) -> bytes:
        with s3_errors(bucket, key):
            response = self.client.get_object(bucket, key)
            try:
                if max_bytes is None:
                    return bytes(response.read())
                declared = int(response.headers.get("Content-Length") or 0)
                data = b"" if declared > max_bytes else bytes(response.read(max_bytes + 1))
            finally:
                response.close()
                response.release_conn()
        size = max(declared, len(data))
        if size > max_bytes:
            raise ObjectTooLargeError(
                f"{bucket}/{key}: {size} bytes, over the limit max_input_bytes={max_bytes}", document=f"{bucket}/{key}"
            )
        return data

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        with s3_errors(bucket, key):
            obj = self.client.stat_object(bucket, key)
        return ObjectInfo(
            key=key,
            size=obj.size or 0,
            etag=(obj.etag or "").strip('"') or None,
            last_modified=obj.last_modified,
            content_type=obj.content_type,
            metadata=user_metadata(obj.metadata),
        )

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self.stat(bucket, key)
        except ObjectNotFoundError:
            return False
        return True

    def list_objects(self, bucket: str, prefix: str = "", recursive: bool = True) -> Iterator[ObjectInfo]:
        with s3_errors(bucket, prefix or None):
            for obj in self.client.list_objects(bucket, prefix=prefix or None, recursive=recursive):
                if obj.is_dir or obj.object_name is None:
                    continue
                yield ObjectInfo(
                    key=obj.object_name,
                    size=obj.size or 0,
                    etag=(obj.etag or "").strip('"') or None,
                    last_modified=obj.last_modified,
                )

    def remove(self, bucket: str, key: str) -> None:
        with s3_errors(bucket, key):
            self.client.remove_object(bucket, key)
