"""Put local files into the inbox bucket: ``docpipe upload PATH...`` and the drop folder.

The bucket is the truth; the ``enqueue`` call after each upload is only a nudge, so a failed
nudge is reported but is not a failed upload (the reconciler will find the object).

Which local files are never uploaded (``is_ignored_path``) is decided here, once, for both the
command and the drop-folder watcher::

    >>> is_ignored_path("报告/A_RES_75_1.txt"), is_ignored_path("a/.DS_Store"), is_ignored_path("x.part")
    (False, True, True)
"""

from __future__ import annotations

import logging
import mimetypes
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from schemas.events import EventSource, ObjectEvent
from workers.ignore import is_ignored_path

log = logging.getLogger(__name__)

#: S3 limits a key to 1,024 bytes of UTF-8.
MAX_KEY_BYTES = 1024

#: What is called after an upload: ``workers.processing.task.enqueue`` or a test double.
Nudge = Callable[[ObjectEvent], object]


class ObjectWriter(Protocol):
    """The one capability of the object store that uploading needs."""

    def put_bytes(self, bucket: str, key: str, data: bytes, *args: Any, **kwargs: Any) -> Any: ...


def key_for(relative: str | PurePosixPath, prefix: str = "") -> str:
    """The object key of a relative path: NFC-normalised, ``/``-separated, names kept as they are.

    Raises ``ValueError`` for a key S3 cannot store (too long, control characters).
    """
    rel = unicodedata.normalize("NFC", PurePosixPath(relative).as_posix()).lstrip("/")
    key = f"{prefix.strip('/')}/{rel}" if prefix.strip("/") else rel
    if not rel or rel == ".":
        raise ValueError("empty object key")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError(f"object key longer than {MAX_KEY_BYTES} bytes of UTF-8: {key[:80]}…")
    if any(unicodedata.category(ch) == "Cc" for ch in key):
        raise ValueError(f"object key contains control characters: {key!r}")
    return key


def content_type_for(path: Path) -> str:
    """A content type for the upload; text is declared UTF-8 only when it is."""
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def put_bytes(store: ObjectWriter, bucket: str, key: str, data: bytes, content_type: str) -> str | None:
    """Upload and return the ETag, whatever shape the store's ``put_bytes`` answers with."""
    result = store.put_bytes(bucket, key, data, content_type=content_type)
    if isinstance(result, str):
        return result.strip('"')
    etag = getattr(result, "etag", None)
    return str(etag).strip('"') if etag else None


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, PurePosixPath]]:
    """Each regular file under ``paths`` with its key-relative path, ignored files left out.

    A file argument keeps its own name; a folder argument contributes the paths inside it.
    Symbolic links to folders are not followed (no loops); links to files are read.
    """
    for root in paths:
        if root.is_file():
            if not is_ignored_path(root.name):
                yield root, PurePosixPath(root.name)
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"no such file or folder: {root}")
        for current, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not is_ignored_path(d))
            for name in sorted(files):
                path = Path(current) / name
                rel = PurePosixPath(path.relative_to(root).as_posix())
                if not is_ignored_path(rel) and path.is_file():
                    yield path, rel


@dataclass(frozen=True)
class UploadResult:
    """What happened to one local file."""

    path: Path
    key: str
    size: int = 0
    etag: str | None = None
    error: str | None = None
    nudged: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def upload_file(
    store: ObjectWriter,
    bucket: str,
    path: Path,
    key: str,
    *,
    enqueue: Nudge | None = None,
    source: EventSource = "upload",
) -> UploadResult:
    """Upload one file and nudge the pipeline; storage errors are returned, not raised."""
    try:
        data = path.read_bytes()
        etag = put_bytes(store, bucket, key, data, content_type_for(path))
    except Exception as exc:  # reported per file; the caller decides the exit code
        log.warning("upload of %s failed: %s", path, exc)
        return UploadResult(path, key, error=f"{type(exc).__name__}: {exc}")
    nudged = nudge(enqueue, ObjectEvent(bucket=bucket, key=key, size=len(data), etag=etag, source=source))
    return UploadResult(path, key, size=len(data), etag=etag, nudged=nudged)


def nudge(enqueue: Nudge | None, event: ObjectEvent) -> bool:
    """Call ``enqueue``; a failure is logged, never raised (the reconciler is the safety net)."""
    if enqueue is None:
        return False
    try:
        enqueue(event)
    except Exception as exc:
        log.warning("uploaded %s but could not enqueue it (the reconciler will): %s", event.key, exc)
        return False
    return True


def upload_paths(
    paths: Iterable[Path],
    store: ObjectWriter,
    bucket: str,
    *,
    enqueue: Nudge | None = None,
    prefix: str = "",
    on_result: Callable[[UploadResult], None] | None = None,
) -> list[UploadResult]:
    """Upload every non-ignored file under ``paths``; one result per file, in a stable order."""
    results = []
    for path, rel in iter_files(paths):
        try:
            key = key_for(rel, prefix)
        except ValueError as exc:
            result = UploadResult(path, rel.as_posix(), error=str(exc))
        else:
            result = upload_file(store, bucket, path, key, enqueue=enqueue)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
