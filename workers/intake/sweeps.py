"""What the reconciler finishes after an outage: failure records and events that could not go out.

- A failure whose record could not be written to the failed bucket (the store was down when it
  happened) is in the catalog with ``record_written_at`` empty: written now.
- An outcome event stored in the outbox but never published (its task gave up while the broker
  was down) is sent now, with its original id, once it is older than ``event_age`` seconds (longer
  than a task's retries last, so a task still retrying is not raced). Archive events have no
  upload: they are only marked as sent.

``ArchiveSweep`` (``workers.archive.sweep``) runs after these when archiving is enabled.
"""

from __future__ import annotations

from typing import Any

import structlog

from schemas.events import CloudEvent
from workers.catalog.archives import ArchiveCatalog
from workers.catalog.catalog import Catalog
from workers.errors import DocpipeError
from workers.events.cloudevent import outcome_of
from workers.storage.s3 import json_bytes

log = structlog.get_logger("docpipe.sweep")

#: Seconds an unpublished outbox event waits before the sweep sends it.
DEFAULT_EVENT_AGE = 900.0


class OutboxSweep:
    """One call = one sweep; returns how many records and events it delivered."""

    def __init__(self, catalog: Catalog, store: Any, publisher: Any, *, event_age: float = DEFAULT_EVENT_AGE) -> None:
        self.catalog = catalog
        self.store = store
        self.publisher = publisher
        self.event_age = event_age

    def run(self) -> int:
        done = 0
        for row in self.catalog.unwritten_failures():
            try:
                self.store.ensure_bucket(row["record_bucket"])
                self.store.put_bytes(
                    row["record_bucket"], row["record_key"], json_bytes(row["record"]), "application/json"
                )
            except DocpipeError as exc:
                log.info("failure records still deferred", error=exc.message)
                break
            self.catalog.failure_written(int(row["upload_id"]))
            done += 1
        for row in self.catalog.unpublished_events(self.event_age):
            event = CloudEvent.model_validate(row["body"])
            self.publisher.publish(event, row["routing_key"])
            if row["upload_id"] is None:  # an archive event: about a document, no upload to finish
                ArchiveCatalog(self.catalog).event_published(event.id)
            else:
                self.catalog.event_sent(event.id, int(row["upload_id"]), outcome_of(event.type))
            done += 1
        if done:
            log.info("sweep delivered", count=done)
        return done
