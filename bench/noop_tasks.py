"""A Celery no-op task with docpipe's worker configuration: the ceiling a broker and two pool
processes allow on this machine, measured in the same run as ``bench_e2e.py`` (its ratio).

``celery -A noop_tasks worker`` (run from ``bench/``) with ``BENCH_BROKER_URL`` set.
"""

from __future__ import annotations

import os

from celery import Celery

QUEUE = "bench.noop"

app = Celery("bench-noop", broker=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    task_default_queue=QUEUE,
    worker_detect_quorum_queues=True,
)


@app.task(name="bench.noop", ignore_result=True)  # type: ignore[untyped-decorator]
def noop() -> None:
    """Nothing: what a task costs besides its work."""
