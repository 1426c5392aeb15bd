"""``docpipe.archive``: the Celery task around ``workers.archive.job.handle_archive``, on its own queue.

Sent by the processing task right after it published a document (and by the reconciler's sweep
for a document whose request was lost). Thin, like ``docpipe.process``: an unreadable payload is
refused to the dead-letter queue; a ``TransientError`` (store, catalog, broker) is retried with
the shell's backoff, ``worker.max_retries`` times; what the job cannot decide never kills the worker.
"""

from __future__ import annotations

from typing import Any

import structlog
from celery import shared_task

from pipeline.errors import TransientError
from workers.archive.job import handle_archive
from workers.names import ARCHIVE_QUEUE, ARCHIVE_TASK
from workers.processing.deps import get_deps
from workers.processing.job import DeadLetter
from workers.processing.task import refuse, retry_backoff

log = structlog.get_logger("docpipe.archive")


@shared_task(  # type: ignore[untyped-decorator]
    bind=True, name=ARCHIVE_TASK, queue=ARCHIVE_QUEUE, ignore_result=True, max_retries=None
)
def archive_document(self: Any, payload: Any) -> str:
    """``docpipe.archive``: one published document, payload ``ArchiveRequest.model_dump(mode="json")``."""
    deps = get_deps(self.app)
    worker = deps.settings.worker
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task_id=self.request.id, retries=self.request.retries, task="archive")
    try:
        return handle_archive(deps, payload, task_id=self.request.id or "local", retries=self.request.retries)
    except DeadLetter as exc:
        refuse(self, exc.reason, payload)
        raise  # not reached: refuse raises Reject
    except TransientError as exc:
        if self.request.retries >= worker.max_retries:
            refuse(self, f"gave up after {self.request.retries} retries: {exc.message}", payload)
        delay = retry_backoff(worker, redis=deps.settings.broker_is_redis).delay(self.request.retries)
        log.info("retrying", error=exc.message, code=exc.code, countdown=round(delay, 2))
        raise self.retry(exc=exc, countdown=delay) from exc
    finally:
        structlog.contextvars.clear_contextvars()
