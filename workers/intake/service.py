"""The intake service: every way a document reaches the pipeline, each in its own thread.

::

    SeaweedFS filer ──gRPC SubscribeMetadata (durable, resumes from its saved position)──┐
    MinIO / SeaweedFS ──POST /minio, /seaweedfs (bearer token)───────────────────────────┤
    reconciler ──lists the inbox every intake.reconcile_interval s───────────────────────┼─> enqueue()
    drop folder ──uploads settled files to the inbox, then moves them to .done/──────────┘      │
                                                                   ledger: new upload? ─> docpipe.process

Every path ends in ``workers.processing.task.enqueue``, which sends a task only for an upload (bucket, key,
ETag) the ledger does not know, so overlapping hints cost one Redis round trip each and nothing
more. A part that fails (store or Redis down) logs, waits and tries again; it never stops the
others. ``stop()`` ends all of them within a few seconds.

Switches: ``intake.filer_grpc`` empty disables the subscriber (MinIO deployments);
``intake.reconcile_interval`` <= 0 disables the reconciler; the constructor's keyword flags (and
``docpipe intake --no-...``) disable any part.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schemas.events import ObjectEvent
from workers.intake.dropfolder import DropFolderWatcher
from workers.ignore import is_ignored_key
from workers.intake.minio_listener import MinioListener
from workers.intake.reconciler import Reconciler
from workers.settings import Settings
from workers.web.webhooks import WebhookServer, make_server

log = logging.getLogger(__name__)

Enqueue = Callable[[ObjectEvent], str | None]
#: Seconds between restarts of the filer subscriber after an error (doubling up to the max).
SUBSCRIBER_BACKOFF = (1.0, 30.0)
#: Name under which the subscriber's position is saved (one per inbox bucket).
CHECKPOINT_KEY = "docpipe:intake:seaweedfs:{bucket}:since_ns"


def default_enqueue(settings: Settings) -> Enqueue:
    """``workers.processing.task.enqueue`` bound to an app built from ``settings`` (not the global one)."""
    from workers.broker.app import create_app
    from workers.processing.task import enqueue

    return functools.partial(enqueue, app=create_app(settings))


class IntakeService:
    """Runs the enabled intake parts in daemon threads; ``start()``, then ``stop()``.

    Args:
        settings: Where the inbox, the filer, the endpoint and the drop folder are.
        enqueue: Defaults to ``default_enqueue(settings)``.
        store: The object store (default: ``S3ObjectStore.from_settings``).
        redis: Client for the subscriber's checkpoint (default: from ``settings.redis_url``).
        webhook, filer, reconciler, dropfolder, minio_listener: Which parts run (the MinIO
            notification stream also needs ``intake.minio_listen``).
        webhook_port: Overrides ``intake.webhook_port`` (0: a free port).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        enqueue: Enqueue | None = None,
        store: Any = None,
        redis: Any = None,
        webhook: bool = True,
        filer: bool = True,
        reconciler: bool = True,
        dropfolder: bool = True,
        minio_listener: bool = True,
        webhook_port: int | None = None,
    ) -> None:
        intake = settings.intake
        self.settings = settings
        self.bucket = settings.storage.inbox_bucket
        self.enqueue = enqueue or default_enqueue(settings)
        if store is None:
            from workers.storage.s3 import S3ObjectStore

            store = S3ObjectStore.from_settings(settings.storage)
        self.store = store
        self._redis = redis
        self.enabled = {
            "webhook": webhook,
            "filer": filer and bool(intake.filer_grpc),
            "reconciler": reconciler and intake.reconcile_interval > 0,
            "dropfolder": dropfolder and intake.drop_enabled,
            "minio_listener": minio_listener and intake.minio_listen,
        }
        self._webhook_port = webhook_port
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.webhook: WebhookServer | None = None
        self.reconciler: Reconciler | None = None
        self.dropfolder: DropFolderWatcher | None = None
        self.subscriber: Any = None
        self.listener: MinioListener | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Bind the endpoint (errors raise here) and start every enabled part's thread."""
        intake = self.settings.intake
        self._stop.clear()
        try:
            self.store.ensure_bucket(self.bucket)
        except Exception as exc:  # the parts retry on their own; say it once, clearly
            log.warning("intake: inbox bucket %s not reachable yet: %s", self.bucket, exc)
        if self.enabled["webhook"]:
            self.webhook = make_server(self.settings, self.enqueue, port=self._webhook_port)
            self._threads.append(self.webhook.start())
        if self.enabled["filer"]:
            self._spawn("docpipe-filer-subscriber", self._run_subscriber)
        if self.enabled["reconciler"]:
            self.reconciler = Reconciler(self.store, self.bucket, self.enqueue, intake.reconcile_interval)
            self._spawn("docpipe-reconciler", self.reconciler.run, self._stop)
        if self.enabled["dropfolder"]:
            self.dropfolder = DropFolderWatcher(
                Path(intake.drop_dir).resolve(),
                self.store,
                self.bucket,
                intake.drop_stable_seconds,
                on_uploaded=self.enqueue,
                poll_interval=intake.drop_poll_interval,
            )
            self._spawn("docpipe-dropfolder", self.dropfolder.run, self._stop)
        if self.enabled["minio_listener"]:
            self.listener = MinioListener(self.store.client, self.bucket, self.enqueue)
            self._spawn("docpipe-minio-listener", self.listener.run, self._stop)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every part and wait for its thread (at most ``timeout`` seconds each)."""
        self._stop.set()
        if self.webhook is not None:
            self.webhook.stop(timeout)
            self.webhook = None
        if self.listener is not None:
            self.listener.close()  # a blocked read of the notification stream ends now
        for thread in self._threads:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("intake: thread %s did not stop within %.0f s", thread.name, timeout)
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
        if self.webhook is not None:
            lines.append(f"intake webhook   {self.webhook.url}/minio  {self.webhook.url}/seaweedfs  (bearer token)")
        if self.enabled["filer"]:
            lines.append(f"intake filer     grpc://{intake.filer_grpc}  /buckets/{self.bucket}/  (SubscribeMetadata)")
        if self.reconciler is not None:
            lines.append(f"intake reconcile s3 bucket {self.bucket} every {intake.reconcile_interval:g} s")
        if self.dropfolder is not None:
            lines.append(f"intake drop      {self.dropfolder.path}  (settled after {intake.drop_stable_seconds:g} s)")
        return lines

    # -- parts ------------------------------------------------------------------------------------

    def _spawn(self, name: str, target: Callable[..., object], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _handle_filer_event(self, event: ObjectEvent) -> None:
        if event.bucket == self.bucket and not is_ignored_key(event.key):
            self.enqueue(event)

    def _make_subscriber(self) -> Any:
        from redis import Redis

        from workers.intake.filer_subscriber import FilerSubscriber, RedisCheckpointStore

        if self._redis is None:
            self._redis = Redis.from_url(self.settings.redis_url, socket_timeout=10, socket_connect_timeout=5)
        return FilerSubscriber(
            self.settings.intake.filer_grpc,
            path_prefix=f"/buckets/{self.bucket}/",
            client_name=f"docpipe-intake-{self.bucket}",
            checkpoint=RedisCheckpointStore(self._redis, CHECKPOINT_KEY.format(bucket=self.bucket)),
        )

    def _run_subscriber(self) -> None:
        """The subscriber reconnects by itself; this loop restarts it after any other error
        (Redis down while saving its position or enqueueing): the event is delivered again."""
        delay = SUBSCRIBER_BACKOFF[0]
        while not self._stop.is_set():
            try:
                self.subscriber = self.subscriber or self._make_subscriber()
                log.info("intake: following %r", self.subscriber)
                self.subscriber.run(self._handle_filer_event, stop=self._stop)
                delay = SUBSCRIBER_BACKOFF[0]
            except Exception as exc:
                log.warning("intake: filer subscriber stopped (%s); restarting in %.0f s", exc, delay)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, SUBSCRIBER_BACKOFF[1])
