"""``docpipe.process``: the Celery task around ``workers.processing.job.handle``.

Thin: bind the log context, run the job, and turn what it cannot decide into broker actions:

- ``DeadLetter`` (not an object event, or not of the inbox bucket: whoever sent it, Flower
  included) -> rejected without requeue: RabbitMQ dead-letters it to ``docpipe.dead``; on Redis
  it is copied there first. Nothing is read, written or recorded for it.
- ``TransientError`` (store, catalog, broker) -> retried with the backoff of ``workers.backoff``,
  ``worker.max_retries`` times (over minutes: a 60 s outage of any one of them loses nothing);
  after the last, a failure the job could not record leaves the message to the dead-letter queue.
- ``failed`` (recorded in the catalog, the failed bucket and a ``document.failed`` event) ->
  ``DocumentFailedError`` is raised *after* all that, so Celery marks the task FAILURE with the
  code and reason (what Flower and every task-event monitor shows). It is one of the task's
  ``throws`` (logged without a traceback, never retried) and the message is acknowledged
  (``task_acks_on_failure_or_timeout``): nothing is redelivered, the worker goes on. A
  ``duplicate`` is a success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from celery import shared_task
from celery.exceptions import Reject

from pipeline.errors import TransientError
from workers.backoff import Backoff
from workers.broker.topology import dead_letter_exchange, dead_letter_queue, is_amqp
from workers.names import DEAD_LETTER_QUEUE, PROCESS_QUEUE, PROCESS_TASK
from workers.processing.deps import Deps, get_deps
from workers.processing.job import DeadLetter, Job, handle_job
from workers.settings import WorkerSettings

log = structlog.get_logger("docpipe.task")


class DocumentFailedError(Exception):
    """The document failed and the failure is recorded: the task ends FAILURE with ``code: reason``.

    Not an error of the worker: an expected outcome, reported to the task's monitors (Flower)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason

    def __reduce__(self) -> tuple[type[DocumentFailedError], tuple[str, str]]:
        # the prefork pool pickles exceptions between processes: rebuild from both fields
        return type(self), (self.code, self.reason)


def retry_backoff(worker: WorkerSettings, *, redis: bool) -> Backoff:
    """Capped below half the visibility timeout on Redis: it would redeliver a message held longer."""
    cap = min(worker.retry_backoff_max, worker.visibility_timeout / 2) if redis else worker.retry_backoff_max
    return Backoff(first=worker.retry_backoff_first, cap=cap)


def refuse(task: Any, reason: str, payload: Any) -> None:
    """Refuse the message: RabbitMQ dead-letters the rejection; Redis gets a copy in ``docpipe.dead``."""
    log.warning("task refused", reason=reason)
    if not is_amqp(task.app.conf.broker_url or ""):
        with task.app.producer_or_acquire() as producer:
            producer.publish(
                {"task": task.name, "id": task.request.id, "args": [payload], "reason": reason},
                exchange=dead_letter_exchange(),
                routing_key=DEAD_LETTER_QUEUE,
                serializer="json",
                declare=[dead_letter_queue(False)],
                retry=True,
            )
    raise Reject(reason, requeue=False)


def run_guarded(current: Any, deps: Deps, payload: Any, body: Callable[[], str], **context: Any) -> str:
    """``body()`` with the task's log context bound, and what it cannot decide turned into broker
    actions: a ``DeadLetter`` refused, a ``TransientError`` retried with the backoff until
    ``worker.max_retries``, then refused (the policy of every docpipe task)."""
    worker = deps.settings.worker
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task_id=current.request.id, retries=current.request.retries, **context)
    try:
        return body()
    except DeadLetter as exc:
        refuse(current, exc.reason, payload)
        raise  # not reached: refuse raises Reject
    except TransientError as exc:
        if current.request.retries >= worker.max_retries:
            refuse(current, f"gave up after {current.request.retries} retries: {exc.message}", payload)
        delay = retry_backoff(worker, redis=deps.settings.broker_is_redis).delay(current.request.retries)
        log.info("retrying", error=exc.message, code=exc.code, countdown=round(delay, 2))
        raise current.retry(exc=exc, countdown=delay) from exc
    finally:
        structlog.contextvars.clear_contextvars()


@shared_task(  # type: ignore[untyped-decorator]
    bind=True,
    name=PROCESS_TASK,
    queue=PROCESS_QUEUE,
    ignore_result=True,
    max_retries=None,
    throws=(DocumentFailedError,),
    acks_on_failure_or_timeout=True,
)
def process_object(self: Any, payload: Any) -> str:
    """``docpipe.process``: one upload, payload ``ObjectEvent.model_dump(mode="json")``."""
    deps = get_deps(self.app)
    job = Job(deps, self.request.id or "local")
    outcome = run_guarded(self, deps, payload, lambda: handle_job(job, payload, retries=self.request.retries))
    if outcome == "failed" and job.failure is not None:
        raise DocumentFailedError(*job.failure)
    return outcome
