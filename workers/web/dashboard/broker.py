"""The broker as the dashboard sees it: a Celery client app (for sending tasks), queue depths and the
workers that answer a ping, cached for a few seconds so a busy overview does not load the broker.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from workers.names import ARCHIVE_QUEUE, DEAD_LETTER_QUEUE, FAILED_QUEUE, PROCESS_QUEUE, PROCESS_TASK
from workers.settings import Settings

#: Queues whose depth the overview shows.
WATCHED_QUEUES = (PROCESS_QUEUE, ARCHIVE_QUEUE, FAILED_QUEUE, DEAD_LETTER_QUEUE)
#: Seconds a broker reading is reused.
CACHE_SECONDS = 5.0


class BrokerView:
    """Lazily made Celery client app; ``send``, ``queue_depths()``, ``workers()``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app: Any = None
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Any]] = {}

    @property
    def app(self) -> Any:
        with self._lock:
            if self._app is None:
                from workers.broker.app import create_app

                self._app = create_app(self.settings, worker=False)
            return self._app

    def send(self, payload: dict[str, Any]) -> str:
        """One ``docpipe.process`` task for an object-event payload."""
        args = [payload]
        result = self.app.send_task(PROCESS_TASK, args=args, queue=PROCESS_QUEUE, argsrepr=repr(args), kwargsrepr="{}")
        return str(result.id)

    def _cached(self, name: str, compute: Any) -> Any:
        hit = self._cache.get(name)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        value = compute()
        self._cache[name] = (time.monotonic(), value)
        return value

    def queue_depths(self) -> dict[str, int | None]:
        """Messages waiting per watched queue (None: the queue does not exist or the broker is down)."""

        def compute() -> dict[str, int | None]:
            depths: dict[str, int | None] = {}
            try:
                with self.app.connection_for_read() as conn:
                    conn.ensure_connection(max_retries=1, timeout=2)
                    for name in WATCHED_QUEUES:
                        channel = conn.channel()
                        try:
                            depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
                        except Exception:
                            depths[name] = None
                        finally:
                            try:
                                channel.close()
                            except Exception:
                                conn.collect()
            except Exception:
                return dict.fromkeys(WATCHED_QUEUES)
            return depths

        result: dict[str, int | None] = self._cached("depths", compute)
        return result

    def workers(self) -> list[str]:
        """Names of the workers that answered a ping within half a second."""

        def compute() -> list[str]:
            try:
                replies = self.app.control.ping(timeout=0.5) or []
            except Exception:
                return []
            return sorted(name for reply in replies for name in reply)

        result: list[str] = self._cached("workers", compute)
        return result
