"""``docpipe up --demo PATH``: upload PATH into the running stack, wait, summarise, copy the outputs.

Uploads go through the S3 API like any client's; each upload is then followed in the catalog (by
bucket, key and ETag) until it is ``published``, ``duplicate`` or ``failed``. The latency shown is
from the end of the upload to the moment the catalog recorded the outcome event as sent.
"""

from __future__ import annotations

import json
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workers.catalog.catalog import TERMINAL_STATES, Catalog, ObjectRef
from workers.intake.upload import UploadResult, upload_paths

#: Seconds between catalog polls.
POLL_INTERVAL = 0.1


@dataclass
class DemoRow:
    """One uploaded file's fate."""

    key: str
    etag: str | None
    uploaded_at: float  # wall clock, seconds
    state: str = "uploading"
    doc_id: str = ""
    title: str = ""
    segments: int | None = None
    entities: int | None = None
    latency_ms: float | None = None
    reason: str = ""
    record: dict[str, Any] = field(default_factory=dict)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut and pad ``text`` to ``width`` terminal columns (CJK characters take two)."""
    out = ""
    for ch in text:
        if _width(out + ch) > width - (1 if _width(text) > width else 0):
            out += "…"
            break
        out += ch
    return out + " " * max(0, width - _width(out))


def wait_for(catalog: Catalog, bucket: str, rows: list[DemoRow], timeout: float, stop: threading.Event) -> None:
    """Poll the catalog until every row is terminal, ``timeout`` passes or ``stop`` is set."""
    deadline = time.monotonic() + timeout
    pending = [row for row in rows if row.etag]
    while pending and time.monotonic() < deadline and not stop.is_set():
        for row in list(pending):
            record = catalog.upload(ObjectRef(bucket, row.key, str(row.etag)))
            row.state = record.get("state", "waiting")
            if row.state in TERMINAL_STATES:
                row.record = record
                moment = record.get("done_at") or record.get("updated_at")
                done = moment.timestamp() if isinstance(moment, datetime) else time.time()
                row.latency_ms = max(0.0, (done - row.uploaded_at) * 1000)
                pending.remove(row)
        if pending:
            stop.wait(POLL_INTERVAL)
    for row in pending:
        row.state = f"timeout ({row.state})"


def fetch_outputs(store: Any, settings: Any, catalog: Catalog, rows: list[DemoRow], out_dir: Path) -> None:
    """Fill titles and counts from each document.json, and copy it to ``out_dir/<stem>.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    for row in rows:
        row.doc_id = row.record.get("doc_id") or ""
        row.reason = row.record.get("reason") or ""
        if row.state not in {"published", "duplicate"} or not row.doc_id:
            continue
        doc = catalog.document(row.doc_id) or {}
        output: dict[str, Any] = next(iter(doc.get("outputs") or []), {})
        bucket = output.get("bucket") or settings.storage.processed_bucket
        key = output.get("key") or f"{row.doc_id}/document.json"
        data = store.get_bytes(bucket, key)
        document = json.loads(data)
        row.title = str((document.get("meta") or {}).get("title") or "")
        row.segments = len(document.get("segments") or [])
        row.entities = len(document.get("entities") or [])
        stem = Path(row.key).stem
        name = stem if stem not in written else f"{stem}-{row.doc_id[:8]}"
        written.add(name)
        (out_dir / f"{name}.json").write_bytes(data)


def summary(rows: list[DemoRow]) -> list[str]:
    """The table, one line per upload, plus failure reasons underneath."""
    header = f"{'key':<32} {'doc id':<12} {'state':<10} {'title':<36} {'#seg':>5} {'#ent':>5} {'latency':>9}"
    lines = [header, "-" * len(header)]
    for row in rows:
        latency = f"{row.latency_ms:.0f} ms" if row.latency_ms is not None else "-"
        lines.append(
            f"{_fit(row.key, 32)} {row.doc_id[:12]:<12} {row.state:<10} {_fit(row.title, 36)} "
            f"{row.segments if row.segments is not None else '-':>5} "
            f"{row.entities if row.entities is not None else '-':>5} {latency:>9}"
        )
    lines += [f"  {row.key}: {row.reason}" for row in rows if row.reason]
    return lines


def run_demo(
    stack: Any,
    path: Path,
    *,
    out_dir: Path,
    timeout: float,
    stop: threading.Event,
    echo: Callable[[str], None] = print,
) -> bool:
    """Upload ``path``, wait for every document, print the table; True when none failed or timed out."""
    from workers.catalog.catalog import catalog_from_settings

    settings = stack.settings
    bucket = settings.storage.inbox_bucket
    rows: list[DemoRow] = []

    def record(result: UploadResult) -> None:
        if result.ok:
            rows.append(DemoRow(result.key, result.etag, time.time()))
        else:
            echo(f"upload failed: {result.path}: {result.error}")

    began = time.monotonic()
    results = upload_paths([path], stack.store, bucket, enqueue=stack.enqueue, on_result=record)
    echo(f"uploaded {len(rows)} of {len(results)} files from {path} to {bucket}; waiting for the pipeline…")
    catalog = catalog_from_settings(settings, pool_size=1)
    try:
        wait_for(catalog, bucket, rows, timeout, stop)
        fetch_outputs(stack.store, settings, catalog, rows, out_dir)
    finally:
        catalog.close()
    echo("")
    for line in summary(rows):
        echo(line)
    published = sum(row.state == "published" for row in rows)
    echo(f"\n{published} published, {len(rows) - published} other, in {time.monotonic() - began:.1f} s")
    echo(
        f"outputs: s3://{settings.storage.processed_bucket}/<doc id>/document.json at http://{settings.storage.endpoint}"
    )
    echo(f"local copies: {out_dir.resolve()}/<name>.json")
    ok_states = {"published", "duplicate"}
    return bool(rows) and all(row.state in ok_states for row in rows) and len(rows) == len(results)
