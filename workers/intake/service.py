"""The intake service: every way a document reaches the pipeline, each in its own thread.

::

    SeaweedFS filer ──gRPC SubscribeMetadata (durable, resumes from its position in the catalog)──┐
    MinIO / SeaweedFS ──POST /hooks/minio, /hooks/seaweedfs (bearer token; ASGI server)──────────┤
    MinIO ──ListenBucketNotification (live, optional)────────────────────────────────────────────┤
    reconciler ──lists the inbox every intake.reconcile_interval s───────────────────────────────┼─> Enqueuer
    drop folder ──uploads settled files to the inbox, then moves them to .done/──────────────────┘      │
                                                                   catalog: new upload? ─> docpipe.process

A part that fails (store, catalog or broker down) logs, waits and tries again; it never stops the
others. The subscriber's starting position is fixed in ``start()``, before it returns, so an
upload made the moment the stack is up is replayed from the filer's log even if the stream
connects later. The intake imports no part of the core (an import-linter contract).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog

from schemas.events import ObjectEvent
from workers.backoff import Backoff
from workers.catalog.catalog import Catalog, catalog_from_settings
from workers.ignore import is_ignored_key
from workers.intake.dropfolder import DropFolderWatcher
from workers.intake.enqueue import Enqueuer
from workers.intake.minio_listener import MinioListener
from workers.intake.reconciler import Reconciler
from workers.names import checkpoint_name
from workers.settings import Settings

log = structlog.get_logger("docpipe.intake")

Enqueue = Callable[[ObjectEvent], str | None]
#: Restarts of the filer subscriber after an error.
SUBSCRIBER_BACKOFF = Backoff(first=1.0, cap=30.0)
#: Seconds before ``start()`` the subscriber's first position lies (clock skew, in-flight writes).
START_MARGIN_NS = 1_000_000_000


class IntakeService:
    """Runs the enabled intake parts in daemon threads; ``start()``, then ``stop()``.

    Args:
        settings: Where the inbox, the filer, the endpoint and the drop folder are.
        enqueue: Defaults to ``Enqueuer.from_settings(settings)``.
        store: The object store (default: ``S3ObjectStore.from_settings``).
        catalog: For the subscriber's position and the reconciler's sweeps (default: from settings).
        publisher: For re-sending outbox events that never went out (default: from settings).
        web, filer, reconciler, dropfolder, minio_listener: Which parts run (the MinIO
            notification stream also needs ``intake.minio_listen``).
        web_port: Overrides ``web.port`` (0: a free port).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        enqueue: Enqueue | None = None,
        store: Any = None,
        catalog: Catalog | None = None,
        publisher: Any = None,
        web: bool = True,
        filer: bool = True,
        reconciler: bool = True,
        dropfolder: bool = True,
        minio_listener: bool = True,
        web_port: int | None = None,
    ) -> None:
        intake = settings.intake
        self.settings = settings
        self.bucket = settings.storage.inbox_bucket
        self.enqueue: Enqueue = enqueue or Enqueuer.from_settings(settings)
        if store is None:
            from workers.storage.s3 import S3ObjectStore

            store = S3ObjectStore.from_settings(settings.storage)
        self.store = store
        self.catalog = catalog or catalog_from_settings(settings, worker="intake")
        if publisher is None:
            from workers.events.publisher import KombuPublisher

            publisher = KombuPublisher(settings.publish_url, settings.publish.exchange)
        self.publisher = publisher
        self.enabled = {
            "web": web,
            "filer": filer and bool(intake.filer_grpc),
            "reconciler": reconciler and intake.reconcile_interval > 0,
            "dropfolder": dropfolder and intake.drop_enabled,
            "minio_listener": minio_listener and intake.minio_listen,
        }
        self._web_port = web_port
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.web: Any = None
        self.reconciler: Reconciler | None = None
        self.dropfolder: DropFolderWatcher | None = None
        self.subscriber: Any = None
        self.listener: MinioListener | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Bind the endpoint (errors raise here), fix the subscriber's position, start every part."""
        intake = self.settings.intake
        self._stop.clear()
        try:
            self.store.ensure_bucket(self.bucket)
        except Exception as exc:  # the parts retry on their own; say it once, clearly
            log.warning("inbox bucket not reachable yet", bucket=self.bucket, error=str(exc))
        if self.enabled["web"]:
            from workers.web.app import create_web_app
            from workers.web.server import WebServer

            app = create_web_app(self.settings, enqueue=self.enqueue, catalog=self.catalog, store=self.store)
            self.web = WebServer(self.settings, app, port=self._web_port)
            self._threads.append(self.web.start())
        if self.enabled["filer"]:
            self.subscriber = self._make_subscriber()
            try:
                self.subscriber.prime()
            except Exception as exc:  # the thread primes it again once the catalog answers
                log.warning("subscriber position not saved yet", error=str(exc))
            self._spawn("docpipe-filer-subscriber", self._run_subscriber)
        if self.enabled["reconciler"]:
            self.reconciler = Reconciler(
                self.store, self.bucket, self.enqueue, intake.reconcile_interval, sweeps=self._sweeps()
            )
            self._spawn("docpipe-reconciler", self.reconciler.run, self._stop)
        if self.enabled["dropfolder"]:
            self.dropfolder = DropFolderWatcher(
                Path(intake.drop_dir).resolve(),
                self.store,
                self.bucket,
                intake.drop_stable_seconds,
                on_uploaded=self.enqueue,
                poll_interval=intake.drop_poll_interval,
                outcome=self._upload_outcome,
            )
            self._spawn("docpipe-dropfolder", self.dropfolder.run, self._stop)
        if self.enabled["minio_listener"]:
            self.listener = MinioListener(self.store.client, self.bucket, self.enqueue)
            self._spawn("docpipe-minio-listener", self.listener.run, self._stop)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every part and wait for its thread (at most ``timeout`` seconds each)."""
        self._stop.set()
        if self.web is not None:
            self.web.stop(timeout)
            self.web = None
        if self.listener is not None:
            self.listener.close()  # a blocked read of the notification stream ends now
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("thread did not stop", thread=thread.name, timeout=timeout)
        self._threads.clear()

    def __enter__(self) -> IntakeService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def alive(self) -> dict[str, bool]:
        """Which threads are running, by name."""
        return {thread.name: thread.is_alive() for thread in self._threads}

    def describe(self) -> list[str]:
        """One line per running part: where it listens or what it watches."""
        intake, lines = self.settings.intake, []
        if self.web is not None:
            lines.append(f"web           {self.web.url}/hooks/minio  {self.web.url}/hooks/seaweedfs  (bearer token)")
            if self.settings.oai.enabled:
                lines.append(f"oai-pmh       {self.web.url}/oai  (profile {self.web.url}/profiles/docpipe-bag-v1.json)")
            if self.settings.dashboard.enabled:
                lines.append(f"dashboard     {self.web.url}/ui  (operators sign in: the README's Dashboard section)")
        if self.enabled["filer"]:
            lines.append(f"intake filer  grpc://{intake.filer_grpc}  /buckets/{self.bucket}/  (SubscribeMetadata)")
        if self.reconciler is not None:
            lines.append(f"reconciler    s3 bucket {self.bucket} every {intake.reconcile_interval:g} s")
        if self.dropfolder is not None:
            lines.append(f"drop folder   {self.dropfolder.path}  (settled after {intake.drop_stable_seconds:g} s)")
        return lines

    # -- parts ------------------------------------------------------------------------------------

    def _spawn(self, name: str, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _sweeps(self) -> list[Callable[[], int]]:
        from workers.intake.sweeps import OutboxSweep

        sweeps = [OutboxSweep(self.catalog, self.store, self.publisher).run]
        if self.settings.archive.enabled:
            from workers.archive.request import archive_sender
            from workers.archive.sweep import ArchiveSweep

            app = getattr(self.enqueue, "app", None)
            if app is None:
                from workers.broker.app import create_app

                app = create_app(self.settings, worker=False)
            sweep = ArchiveSweep(self.catalog, archive_sender(app), sweep_after=self.settings.archive.sweep_after)
            sweeps.append(sweep.run)
        return sweeps

    def _upload_outcome(self, bucket: str, key: str, etag: str) -> tuple[str, str | None, str | None] | None:
        """The drop folder's question to the catalog: the upload's state and failure, if it is known."""
        from workers.catalog.catalog import ObjectRef

        row = self.catalog.upload(ObjectRef(bucket, key, etag))
        return (str(row["state"]), row.get("code"), row.get("reason")) if row else None

    def _handle_filer_event(self, event: ObjectEvent) -> None:
        if event.bucket == self.bucket and not is_ignored_key(event.key):
            self.enqueue(event)

    def _make_subscriber(self) -> Any:
        from workers.intake.filer_subscriber import CatalogCheckpointStore, FilerSubscriber

        return FilerSubscriber(
            self.settings.intake.filer_grpc,
            path_prefix=f"/buckets/{self.bucket}/",
            client_name=f"docpipe-intake-{self.bucket}",
            checkpoint=CatalogCheckpointStore(self.catalog, checkpoint_name(self.bucket)),
            start_ns=time.time_ns() - START_MARGIN_NS,
        )

    def _run_subscriber(self) -> None:
        """The subscriber reconnects by itself; this loop restarts it after any other error
        (catalog or broker down while saving its position or enqueueing): the event comes again."""
        attempt = 0
        while not self._stop.is_set():
            try:
                log.info("following the filer", subscriber=repr(self.subscriber))
                self.subscriber.run(self._handle_filer_event, stop=self._stop)
                attempt = 0
            except Exception as exc:
                delay = SUBSCRIBER_BACKOFF.delay(attempt)
                attempt += 1
                log.warning("filer subscriber stopped; restarting", error=str(exc)[:300], delay=round(delay, 1))
                if self._stop.wait(delay):
                    return
