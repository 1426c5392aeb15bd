"""``ArchiveSweep``: the reconciler's pass that finds published documents still without an archive.

The processing task asks for each document's archive the moment it is published; that request is
a hint. The catalog is the record: a published document whose version has neither its outputs
(``bag``) nor a permanent failure recorded, ``archive.sweep_after`` seconds after publication, had
its request lost (broker restart, a worker killed between publishing and asking) or ran out of
retries during an outage, and is sent to ``docpipe.archive`` again. What this process sent is
remembered for ``sweep_after`` seconds (in memory: losing it costs one redundant, idempotent task).
The intake runs it; it loads no part of the core.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from workers.archive.request import ArchiveSender
from workers.catalog.archives import ArchiveCatalog
from workers.catalog.catalog import Catalog

log = structlog.get_logger("docpipe.sweep")


class ArchiveSweep:
    """One call = one pass; returns how many archive requests it sent."""

    def __init__(
        self,
        catalog: Catalog,
        send: ArchiveSender,
        *,
        sweep_after: float,
        limit: int = 200,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.archives = ArchiveCatalog(catalog)
        self.send = send
        self.sweep_after = sweep_after
        self.limit = limit
        self.clock = clock
        self._sent: dict[str, float] = {}

    def run(self) -> int:
        now = self.clock()
        self._sent = {doc: at for doc, at in self._sent.items() if now - at < self.sweep_after}
        sent = 0
        for doc_id, version in self.archives.due(self.sweep_after, self.limit):
            if doc_id in self._sent:
                continue
            self.send(doc_id, version)
            self._sent[doc_id] = now
            sent += 1
        if sent:
            log.info("archive requests sent again", count=sent)
        return sent


__all__ = ["ArchiveSweep"]
