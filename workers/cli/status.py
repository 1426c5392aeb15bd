"""``docpipe status [DOC_ID]``: the ledger, for people.

Without an id: a table of the latest uploads (state, document, key, timings). With a document id
(or a unique prefix of at least 8 characters): its full record as JSON, with the records of every
upload that carried it.
"""

from __future__ import annotations

import json
import sys

import click
from redis.exceptions import RedisError

from workers.catalog.ledger_old import Ledger, ObjectRef

#: Columns of the table: (header, record field, width).
COLUMNS = (
    ("STATE", "state", 10),
    ("DOC", "doc_id", 12),
    ("LOAD", "load_ms", 6),
    ("CLEAN", "cleaned_ms", 6),
    ("SEGM", "segmented_ms", 6),
    ("EXTR", "extracted_ms", 6),
    ("PROC", "process_ms", 7),
    ("STORE", "store_ms", 6),
    ("PUB", "publish_ms", 5),
    ("TOTAL", "total_ms", 7),
    ("UPDATED", "updated_at", 23),
)


def format_table(rows: list[dict[str, str]]) -> str:
    """Recent uploads as fixed-width text (timings in ms; the object ref last, as it is long)."""
    lines = ["  ".join(f"{h:<{w}}" for h, _, w in COLUMNS) + "  OBJECT"]
    for row in rows:
        cells = []
        for _, field, width in COLUMNS:
            value = row.get(field, "")
            if field.endswith("_ms") and value:
                value = f"{float(value):.1f}"
            cells.append(f"{value[:width]:<{width}}")
        reason = f"  [{row['code']}: {row['reason']}]" if row.get("code") else ""
        lines.append("  ".join(cells) + f"  {row['ref']}{reason}")
    return "\n".join(lines)


def _resolve(ledger: Ledger, doc_id: str) -> str | None:
    if len(doc_id) == 64:
        return doc_id
    matches = [k.rsplit(":", 1)[-1] for k in ledger.client.scan_iter(f"{ledger.prefix}doc:{doc_id}*", count=1000)
               if not k.endswith(":objects")]
    return matches[0] if len(matches) == 1 else None


def document_report(ledger: Ledger, doc_id: str) -> dict[str, object] | None:
    """The document record plus its uploads' records, or None when unknown."""
    full = _resolve(ledger, doc_id)
    record = ledger.document(full) if full else {}
    if not record:
        return None
    uploads = []
    for ref in record.pop("objects", []):
        rest, _, etag = ref.rpartition("@")
        bucket, _, key = rest.partition("/")
        upload = {k: v for k, v in ledger.object_record(ObjectRef(bucket, key, etag)).items() if k != "outbox"}
        uploads.append({"ref": ref, **upload})
    return {**record, "uploads": uploads}


@click.command()
@click.argument("doc_id", required=False)
@click.option("--limit", "-n", default=20, show_default=True, help="How many recent uploads to list.")
def status(doc_id: str | None, limit: int) -> None:
    """Show recent uploads, or one document's full record (DOC_ID: sha256 or a unique prefix)."""
    from workers.processing.deps import make_ledger
    from workers.settings import get_settings

    ledger = make_ledger(get_settings())
    try:
        if doc_id is None:
            rows = ledger.recent(limit)
            click.echo(format_table(rows) if rows else "no documents yet")
            return
        if len(doc_id) < 8:
            raise click.BadParameter("give at least 8 characters of the document id", param_hint="DOC_ID")
        report = document_report(ledger, doc_id)
        if report is None:
            click.echo(f"no document {doc_id} (or the prefix is ambiguous)", err=True)
            sys.exit(1)
        click.echo(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
    except RedisError as exc:
        raise click.ClickException(f"cannot read the ledger at {get_settings().redis_url}: {exc}") from exc
