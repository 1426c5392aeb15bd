"""``ArchiveRequest``: the payload of ``docpipe.archive``, and the one way to send it.

The task is sent by name (``send_archive``), so the senders — the processing task after it
published a document, the reconciler's sweep, ``docpipe archive`` — never import the archiving
code or the core. Payloads are JSON (``model_dump(mode="json")``), validated again on receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from workers.names import ARCHIVE_QUEUE, ARCHIVE_TASK

#: ``send(doc_id, pipeline_version)``: ask for one document version's archive.
ArchiveSender = Callable[[str, str], None]


class ArchiveRequest(BaseModel):
    """Archive the published document ``doc_id`` (the catalog says which version is published)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    #: The version the sender saw published (informational: the catalog's current one is archived).
    pipeline_version: str | None = Field(None, max_length=64)
    #: Forget a recorded permanent failure of this version first (an operator's retry).
    retry_failed: bool = False


def send_archive(app: Any, doc_id: str, pipeline_version: str | None = None, *, retry_failed: bool = False) -> str:
    """Send ``docpipe.archive`` for one document; the task id."""
    request = ArchiveRequest(doc_id=doc_id, pipeline_version=pipeline_version, retry_failed=retry_failed)
    args = [request.model_dump(mode="json")]
    result = app.send_task(
        ARCHIVE_TASK,
        args=args,
        queue=ARCHIVE_QUEUE,
        argsrepr=repr(args),
        kwargsrepr="{}",
        shadow=f"archive {doc_id[:12]}",  # the name Flower shows: the document it archives
    )
    return str(result.id)


def archive_sender(app: Any) -> ArchiveSender:
    """``send(doc_id, version)`` bound to ``app``."""

    def send(doc_id: str, pipeline_version: str) -> None:
        send_archive(app, doc_id, pipeline_version)

    return send


__all__ = ["ArchiveRequest", "ArchiveSender", "archive_sender", "send_archive"]
