"""``docpipe.archive``: the Celery task around ``workers.archive.job.handle_archive``, on its own queue.

Sent by the processing task right after it published a document (and by the reconciler's sweep
for a document whose request was lost). Thin, like ``docpipe.process``: an unreadable payload is
refused to the dead-letter queue; a ``TransientError`` (store, catalog, broker) is retried with
the shell's backoff, ``worker.max_retries`` times; what the job cannot decide never kills the worker.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from workers.archive.job import handle_archive
from workers.names import ARCHIVE_QUEUE, ARCHIVE_TASK
from workers.processing.deps import get_deps
from workers.processing.task import run_guarded


@shared_task(  # type: ignore[untyped-decorator]
    bind=True, name=ARCHIVE_TASK, queue=ARCHIVE_QUEUE, ignore_result=True, max_retries=None
)
def archive_document(self: Any, payload: Any) -> str:
    """``docpipe.archive``: one published document, payload ``ArchiveRequest.model_dump(mode="json")``."""
    deps = get_deps(self.app)
    return run_guarded(
        self,
        deps,
        payload,
        lambda: handle_archive(deps, payload, task_id=self.request.id or "local", retries=self.request.retries),
        task="archive",
    )
