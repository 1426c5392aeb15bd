"""Errors of the shell (``workers/``): third-party failures translated at the port boundary::

    DocpipeError                      (pipeline.errors)
    ├── PermanentError                never retried -> failure record, message acked, original kept
    │   ├── ObjectNotFoundError       the object (or its bucket) does not exist
    │   ├── ObjectTooLargeError       the object is larger than limits.max_input_bytes (never downloaded whole)
    │   ├── InvalidEventError         a notification or task payload that cannot be read; ``.data`` keeps it
    │   ├── OriginalMissingError      archiving: no upload of the document still holds its bytes
    │   └── InvalidOutputError        archiving: the stored JSON output is not a ProcessedDocument
    └── TransientError                retried with backoff, capped, then dead-lettered
        ├── StorageError              the object store is unreachable, timed out or answered 5xx
        ├── CatalogError              the PostgreSQL catalog is unreachable or restarting
        └── PublishError              an outcome event could not be published (broker down)

Each adapter maps its library's exceptions in one place and chains them (``raise ... from exc``).
Errors the caller cannot act on differently (a bug, a wrong argument) are not wrapped.
"""

from __future__ import annotations

from typing import Any

from pipeline.errors import DocpipeError, PermanentError, TransientError

__all__ = [
    "CatalogError",
    "DocpipeError",
    "InvalidEventError",
    "InvalidOutputError",
    "ObjectNotFoundError",
    "ObjectTooLargeError",
    "OriginalMissingError",
    "PermanentError",
    "PublishError",
    "StorageError",
    "TransientError",
]


class StorageError(TransientError):
    """The object store could not be reached or failed (connection refused, timeout, HTTP 5xx)."""

    code = "storage"


class CatalogError(TransientError):
    """The catalog (PostgreSQL) could not be reached, or it is restarting."""

    code = "catalog"


class PublishError(TransientError):
    """An outcome event could not be handed to the broker."""

    code = "publish"


class ObjectNotFoundError(PermanentError):
    """The object or its bucket does not exist (S3 ``NoSuchKey`` / ``NoSuchBucket``)."""

    code = "not_found"


class ObjectTooLargeError(PermanentError):
    """The object is over ``limits.max_input_bytes``: refused from its size, before reading it all."""

    code = "too_large"


class InvalidEventError(PermanentError):
    """A payload that is not a notification docpipe understands.

    Args:
        message: What is wrong with it.
        data: The raw payload as received, kept for the failure record.

    >>> InvalidEventError("no Records", data={"x": 1}).data
    {'x': 1}
    """

    code = "invalid_event"

    def __init__(
        self, message: str, *, data: Any = None, stage: str | None = None, document: str | None = None
    ) -> None:
        super().__init__(message, stage=stage, document=document)
        self.data = data


class OriginalMissingError(PermanentError):
    """The bytes a document was made from are gone from the inbox (deleted, or every key that held
    them overwritten since): a package must hold the original, so the document cannot be archived."""

    code = "original_missing"


class InvalidOutputError(PermanentError):
    """A stored ``document.json`` that does not read as a ``ProcessedDocument``."""

    code = "invalid_output"
