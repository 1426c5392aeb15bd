"""What a task needs from the outside world, built once per worker process and injectable in tests.

``worker_process_init`` builds the ``Deps`` of each prefork child after the fork (connections are
never shared across processes); other pools (solo, threads, the test worker) build them lazily on
first use. Tests build ``Deps(...)`` with fakes, or with real adapters on their own buckets and
database, and pass them to ``workers.processing.job.handle``.
"""

from __future__ import annotations

import gc
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from pipeline.run import process as core_process
from pipeline.run import warm
from schemas import ProcessedDocument
from schemas.options import PipelineOptions
from workers.archive.request import ArchiveSender, archive_sender
from workers.catalog.catalog import Catalog, catalog_from_settings
from workers.events.publisher import KombuPublisher, Publisher
from workers.settings import Settings, get_settings
from workers.storage.s3 import ObjectStore, S3ObjectStore


class Process(Protocol):
    """``pipeline.run.process``: bytes and a name in, the output out; ``on_stage`` sees stage ends."""

    def __call__(
        self,
        data: bytes,
        name: str,
        *,
        options: PipelineOptions | None = None,
        on_stage: Callable[[str], None] | None = None,
    ) -> ProcessedDocument: ...


#: Test-only: seconds each document's processing is stretched by (to kill a worker mid-task).
#: Read here, in the shell, never by the pure core; unset in production.
SLOW_ENV = "DOCPIPE_TEST_PROCESS_DELAY"


@dataclass
class Deps:
    """Settings and the adapters a task talks to."""

    settings: Settings
    store: ObjectStore
    catalog: Catalog
    publisher: Publisher
    process: Process = field(default=core_process)
    #: Asks for a published document's archive (``docpipe.archive``); None: archiving is off.
    archive: ArchiveSender | None = None

    _buckets_ready: bool = field(default=False, repr=False)

    @property
    def options(self) -> PipelineOptions:
        return PipelineOptions(limits=self.settings.limits)

    @classmethod
    def from_settings(cls, settings: Settings, app: Celery | None = None) -> Deps:
        """Real adapters for ``settings``; connections open lazily, on first use. With ``app``,
        published documents are sent to ``docpipe.archive`` through it (when archiving is on)."""
        return cls(
            settings=settings,
            store=S3ObjectStore.from_settings(settings.storage),
            catalog=catalog_from_settings(settings, worker=f"{socket.gethostname()}:{os.getpid()}", pool_size=1),
            publisher=KombuPublisher(settings.publish_url, settings.publish.exchange),
            process=_slowed(core_process, float(os.environ.get(SLOW_ENV) or 0)),
            archive=archive_sender(app) if app is not None and settings.archive.enabled else None,
        )

    def ensure_buckets(self) -> None:
        """Create the processed, failed and archive buckets once per process (a StorageError is retried)."""
        if not self._buckets_ready:
            storage = self.settings.storage
            for bucket in (storage.processed_bucket, storage.failed_bucket, storage.archive_bucket):
                self.store.ensure_bucket(bucket)
            self._buckets_ready = True

    def close(self) -> None:
        self.publisher.close()
        self.catalog.close()


def _slowed(process: Process, delay: float) -> Process:
    if delay <= 0:
        return process

    def slow_process(
        data: bytes,
        name: str,
        *,
        options: PipelineOptions | None = None,
        on_stage: Callable[[str], None] | None = None,
    ) -> ProcessedDocument:
        time.sleep(delay)
        return process(data, name, options=options, on_stage=on_stage)

    return slow_process


class _ProcessDeps:
    """This process's ``Deps`` (one slot, guarded: the threads pool shares it)."""

    lock = threading.Lock()
    deps: Deps | None = None


def set_deps(deps: Deps | None) -> None:
    """Install ``deps`` for this process (None: build from settings on next use)."""
    with _ProcessDeps.lock:
        _ProcessDeps.deps = deps


def get_deps(app: Celery | None = None) -> Deps:
    """This process's ``Deps``, built on first use from the app's settings (or ``get_settings()``)."""
    with _ProcessDeps.lock:
        if _ProcessDeps.deps is None:
            settings = getattr(app, "settings", None)
            _ProcessDeps.deps = Deps.from_settings(
                settings if isinstance(settings, Settings) else get_settings(), app=app
            )
        return _ProcessDeps.deps


def _build_for_child(sender: Any = None, **kwargs: Any) -> None:
    from celery import current_app

    from workers.logs import configure_logging

    app = current_app._get_current_object()
    settings = getattr(app, "settings", None)
    configure_logging(settings if isinstance(settings, Settings) else get_settings())
    set_deps(None)
    get_deps(app)
    warm()  # the core's gazetteers and rule gates, built before the first document and frozen below
    # Everything alive now (Celery, kombu, pydantic schemas, the gazetteers) lives as long as the
    # process: keep it out of the cyclic GC, whose full collections otherwise walk it all a few
    # times a second under load (~0.5-1 ms of CPU per document). Later garbage is collected as usual.
    gc.freeze()


def _close_for_child(sender: Any = None, **kwargs: Any) -> None:
    with _ProcessDeps.lock:
        if _ProcessDeps.deps is not None:
            _ProcessDeps.deps.close()
            _ProcessDeps.deps = None


worker_process_init.connect(_build_for_child, weak=False)
worker_process_shutdown.connect(_close_for_child, weak=False)
