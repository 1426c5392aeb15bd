"""The broker as the dashboard sees it: a Celery client app (for sending tasks), queue depths and the
workers that answer a ping, cached for a few seconds so a busy overview does not load the broker.

A reading runs in a thread of its own and is waited for at most ``WAIT_SECONDS``: a broker that is
down or slow leaves the overview with "unknown" (or the last reading) instead of a hanging page,
and the reading lands in the cache when it finishes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from workers.catalog.operations import send_process_task
from workers.names import ARCHIVE_QUEUE, DEAD_LETTER_QUEUE, FAILED_QUEUE, PROCESS_QUEUE
from workers.settings import Settings

#: Queues whose depth the overview shows.
WATCHED_QUEUES = (PROCESS_QUEUE, ARCHIVE_QUEUE, FAILED_QUEUE, DEAD_LETTER_QUEUE)
#: Seconds a broker reading is reused, and the longest a page waits for a new one.
CACHE_SECONDS, WAIT_SECONDS = 5.0, 1.0


class BrokerView:
    """Lazily made Celery client app; ``send``, ``queue_depths()``, ``workers()``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app: Any = None
        self._lock = threading.Lock()
        self._app_lock = threading.Lock()
        self._cache: dict[str, tuple[float, Any]] = {}
        self._running: dict[str, Future[Any]] = {}
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="docpipe-broker-view")

    @property
    def app(self) -> Any:
        with self._app_lock:
            if self._app is None:
                from workers.broker.app import create_app

                self._app = create_app(self.settings, worker=False)
            return self._app

    def send(self, payload: dict[str, Any]) -> str:
        """One ``docpipe.process`` task for an object-event payload."""
        return send_process_task(self.app, payload)

    def _cached(self, name: str, compute: Callable[[], Any], unknown: Any) -> Any:
        with self._lock:
            hit = self._cache.get(name)
            if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
                return hit[1]
            future = self._running.get(name)
            if future is None:
                future = self._pool.submit(self._refresh, name, compute)
                self._running[name] = future
        try:
            return future.result(timeout=WAIT_SECONDS)
        except FutureTimeout:
            return hit[1] if hit is not None else unknown

    def _refresh(self, name: str, compute: Callable[[], Any]) -> Any:
        try:
            value = compute()
            with self._lock:
                self._cache[name] = (time.monotonic(), value)
            return value
        finally:
            with self._lock:
                self._running.pop(name, None)

    def queue_depths(self) -> dict[str, int | None]:
        """Messages waiting per watched queue (None: not declared on RabbitMQ, or the broker is down)."""

        def compute() -> dict[str, int | None]:
            depths: dict[str, int | None] = {}
            try:
                with self.app.connection_for_read() as conn:
                    conn.ensure_connection(max_retries=1, timeout=2)
                    for name in WATCHED_QUEUES:
                        channel = conn.channel()
                        try:
                            depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
                        except Exception:  # Redis keeps no empty list: a queue not found there is empty
                            depths[name] = 0 if self.settings.broker_is_redis else None
                        finally:
                            try:
                                channel.close()
                            except Exception:
                                conn.collect()
            except Exception:
                return dict.fromkeys(WATCHED_QUEUES)
            return depths

        result: dict[str, int | None] = self._cached("depths", compute, dict.fromkeys(WATCHED_QUEUES))
        return result

    def workers(self) -> list[str]:
        """Names of the workers that answered a ping within half a second."""

        def compute() -> list[str]:
            try:
                replies = self.app.control.ping(timeout=0.5) or []
            except Exception:
                return []
            return sorted(name for reply in replies for name in reply)

        result: list[str] = self._cached("workers", compute, [])
        return result
