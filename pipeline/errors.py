"""Errors of docpipe. One root, split by what the caller can do::

    DocpipeError
    ├── PermanentError       bad input: never retried -> failure record, original kept
    │   ├── EmptyDocumentError        no bytes, or nothing but white space
    │   ├── UnsupportedDocumentError  a format docpipe does not read (binary, images...)
    │   ├── UndecodableDocumentError  text whose encoding cannot be determined
    │   └── TooLargeError             over a limit of ``schemas.options.Limits`` (``limit`` names it)
    └── TransientError       I/O that may succeed later: retried with backoff, then dead-lettered
                             (raised only by the shell, ``workers/``; the pure core never does I/O)

Context travels in keyword-only attributes; errors from libraries are chained with ``from``.
"""

from __future__ import annotations


class DocpipeError(Exception):
    """Root of every error docpipe raises on purpose."""

    #: Short stable code for records and events.
    code = "error"

    def __init__(self, message: str, *, stage: str | None = None, document: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage
        self.document = document


class PermanentError(DocpipeError):
    """The input itself is at fault: retrying cannot help."""

    code = "permanent"


class EmptyDocumentError(PermanentError):
    """The document has no content."""

    code = "empty"


class UnsupportedDocumentError(PermanentError):
    """The document is in a format docpipe does not read."""

    code = "unsupported"


class UndecodableDocumentError(PermanentError):
    """The document's text encoding cannot be determined."""

    code = "undecodable"


class TransientError(DocpipeError):
    """A failure of I/O that may pass: retry with backoff."""

    code = "transient"


class TooLargeError(PermanentError):
    """The document is over a limit (input size, inflated .docx part, PDF pages or stream, characters,
    segments), found before the work that would need the memory. ``limit`` names the setting of
    ``schemas.options.Limits`` when the caller knows it."""

    code = "too_large"

    def __init__(
        self, message: str, *, limit: str | None = None, stage: str | None = None, document: str | None = None
    ) -> None:
        super().__init__(message, stage=stage, document=document)
        self.limit = limit
