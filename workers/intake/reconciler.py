"""The reconciler: the bucket is the truth, events are hints.

Every ``interval`` seconds it lists the inbox and hands each object to ``enqueue``, which sends a
task only for an upload (key + ETag) that the catalog does not know (or whose message was lost)
and answers None for the others. So an event that never arrived only delays a document by one
pass. Temporary and system keys (multipart parts, ``.system``, ``.DS_Store``…) are left alone.
After each pass the ``sweeps`` run (``workers.intake.sweeps``: deferred failure records and
unsent events).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from schemas.events import ObjectEvent
from workers.ignore import is_ignored_key

log = logging.getLogger(__name__)

Enqueue = Callable[[ObjectEvent], str | None]


class ObjectLister(Protocol):
    """The capability of the object store the reconciler needs."""

    def list_objects(self, bucket: str, prefix: str = "", recursive: bool = True) -> Iterable[Any]: ...


@dataclass(frozen=True)
class ReconcileReport:
    """One pass: objects ``listed``, ``enqueued`` now, ``skipped`` as already known to the catalog,
    ``ignored`` as temporary/system keys; ``seconds`` the pass took."""

    listed: int = 0
    enqueued: int = 0
    skipped: int = 0
    ignored: int = 0
    seconds: float = 0.0


def _is_ignored(key: str) -> bool:
    return is_ignored_key(key)


def _event(bucket: str, info: Any) -> ObjectEvent:
    modified = getattr(info, "last_modified", None)
    etag = getattr(info, "etag", None)
    return ObjectEvent(
        bucket=bucket,
        key=info.key,
        size=getattr(info, "size", None),
        etag=str(etag).strip('"') if etag else None,
        version_id=getattr(info, "version_id", None),
        source="reconciler",
        event_time=modified.isoformat() if isinstance(modified, datetime) else modified,
    )


def reconcile_once(store: ObjectLister, bucket: str, enqueue: Enqueue, prefix: str = "") -> ReconcileReport:
    """List ``bucket`` once and enqueue what the catalog does not know.

    Errors of the store or of ``enqueue`` (broker down) end the pass and propagate: the next pass
    starts again from the beginning, and nothing is lost in between.
    """
    started = time.monotonic()
    listed = enqueued = skipped = ignored = 0
    for info in store.list_objects(bucket, prefix=prefix, recursive=True):
        listed += 1
        if _is_ignored(info.key):
            ignored += 1
        elif enqueue(_event(bucket, info)) is None:
            skipped += 1
        else:
            enqueued += 1
    return ReconcileReport(listed, enqueued, skipped, ignored, round(time.monotonic() - started, 3))


class Reconciler:
    """``reconcile_once`` every ``interval`` seconds, from the start, until ``stop`` is set."""

    def __init__(
        self,
        store: ObjectLister,
        bucket: str,
        enqueue: Enqueue,
        interval: float = 30.0,
        *,
        prefix: str = "",
        on_report: Callable[[ReconcileReport], object] | None = None,
        sweeps: list[Callable[[], int]] | None = None,
    ) -> None:
        self.store = store
        self.bucket = bucket
        self.enqueue = enqueue
        self.interval = interval
        self.prefix = prefix
        self.on_report = on_report
        self.sweeps = sweeps or []
        #: The last pass's report, or None before the first one ends.
        self.last: ReconcileReport | None = None
        self.passes = 0
        self.errors = 0

    def run(self, stop: threading.Event) -> None:
        log.info("reconciler: every %.0f s over bucket %s", self.interval, self.bucket)
        while not stop.is_set():
            self.run_once()
            stop.wait(self.interval)

    def run_once(self) -> ReconcileReport | None:
        """One pass and the sweeps; errors are logged and counted, never raised (the loop must go on)."""
        for sweep in self.sweeps:
            try:
                sweep()
            except Exception as exc:
                log.warning("reconciler: sweep failed, retrying next pass: %s", exc)
        try:
            report = reconcile_once(self.store, self.bucket, self.enqueue, self.prefix)
        except Exception as exc:
            self.errors += 1
            log.warning("reconciler: pass over %s failed, retrying next pass: %s", self.bucket, exc)
            return None
        self.passes += 1
        self.last = report
        level = logging.INFO if report.enqueued else logging.DEBUG
        log.log(level, "reconciler: %s", report)
        if self.on_report is not None:
            self.on_report(report)
        return report


def run_reconciler(store: ObjectLister, bucket: str, enqueue: Enqueue, interval: float, stop: threading.Event) -> None:
    """The loop as a function, for a thread target."""
    Reconciler(store, bucket, enqueue, interval).run(stop)
