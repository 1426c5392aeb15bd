"""``docpipe up``'s foreground: one line per finished upload, read from the catalog.

::

    13:20:01  published  docpipe-inbox/ga/a-res-69-1.txt  A/RES/69/1  85 ms  1a2b3c4d5e6f
    13:20:02  failed     docpipe-inbox/bad.txt  empty: bad.txt: the file is empty
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from workers.catalog.catalog import Catalog
from workers.errors import CatalogError

#: Seconds between polls of the catalog.
POLL_INTERVAL = 1.0

_FINISHED = """
SELECT u.upload_id, u.bucket, u.key, u.state, u.doc_id, u.done_at, d.symbol, f.code, f.reason,
       (SELECT a.timings FROM attempts a WHERE a.upload_id = u.upload_id ORDER BY a.number DESC LIMIT 1) AS timings,
       (SELECT o.bucket || '/' || o.key FROM uploads o WHERE o.upload_id = u.duplicate_of) AS duplicate_of
FROM uploads u LEFT JOIN documents d ON d.doc_id = u.doc_id LEFT JOIN failures f ON f.upload_id = u.upload_id
WHERE u.state IN ('published', 'duplicate', 'failed', 'superseded') AND u.done_at IS NOT NULL
  AND (u.done_at, u.upload_id) > (%s, %s)
ORDER BY u.done_at, u.upload_id LIMIT 500
"""


def finished_line(row: dict[str, Any]) -> str:
    """One finished upload as a line (control characters escaped)."""
    when = row["done_at"].astimezone(UTC).strftime("%H:%M:%S") if row.get("done_at") else "--:--:--"
    parts = [when, f"{row['state']:<10}", ascii(f"{row['bucket']}/{row['key']}")[1:-1]]
    if row["state"] == "failed":
        parts.append(ascii(f"{row.get('code')}: {row.get('reason')}")[1:-1])
    else:
        total = (row.get("timings") or {}).get("total_ms")
        parts += [str(row.get("symbol") or "-"), f"{float(total):.0f} ms" if total is not None else ""]
        if row.get("duplicate_of"):
            parts.append(f"same content as {row['duplicate_of']}")
        parts.append(str(row.get("doc_id") or "")[:12])
    return "  ".join(p for p in parts if p)


class FinishedFollower:
    """Polls the catalog in a thread and calls ``echo`` with a line per upload finished after ``start()``."""

    def __init__(self, catalog: Catalog, echo: Callable[[str], None], *, interval: float = POLL_INTERVAL) -> None:
        self.catalog = catalog
        self.echo = echo
        self.interval = interval
        self._mark: tuple[datetime, int] = (datetime.now(UTC), 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="docpipe-follow", daemon=True)

    def start(self) -> None:
        row = self.catalog.row("follow", "SELECT now() AS now")
        self._mark = (row["now"] if row else datetime.now(UTC), 0)
        self._thread.start()

    def poll(self) -> int:
        """Echo what finished since the last poll; how many lines."""
        rows = self.catalog.rows("follow", _FINISHED, self._mark)
        for row in rows:
            self.echo(finished_line(row))
            self._mark = (row["done_at"], int(row["upload_id"]))
        return len(rows)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except CatalogError:
                continue  # the catalog is restarting: the next poll catches up

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self.catalog.close()
