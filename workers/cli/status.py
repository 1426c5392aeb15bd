"""``docpipe status [DOC_ID]``: the catalog, for people.

Without an id: a table of the latest uploads (state, document, key, timings, failure code and
reason). With a document id (or a unique prefix of at least 8 characters): its full record as
JSON, with its outputs, citations and every upload that carried it.
"""

from __future__ import annotations

import sys
from typing import Any

import click

#: Columns of the table: (header, field, width); timings come from the latest attempt.
COLUMNS = (
    ("STATE", "state", 10),
    ("DOC", "doc_id", 12),
    ("LOAD", "load_ms", 6),
    ("PROC", "process_ms", 7),
    ("STORE", "store_ms", 6),
    ("PUB", "publish_ms", 5),
    ("TOTAL", "total_ms", 7),
    ("UPDATED", "updated_at", 19),
)


def format_table(rows: list[dict[str, Any]]) -> str:
    """Recent uploads as fixed-width text (timings in ms; the object ref last, as it is long)."""
    lines = ["  ".join(f"{h:<{w}}" for h, _, w in COLUMNS) + "  OBJECT"]
    for row in rows:
        timings = row.get("timings") or {}
        cells = []
        for _, field, width in COLUMNS:
            value: Any = timings.get(field) if field.endswith("_ms") else row.get(field)
            text = f"{float(value):.1f}" if field.endswith("_ms") and value is not None else str(value or "")
            if field == "updated_at" and value is not None:
                text = value.strftime("%Y-%m-%d %H:%M:%S")
            cells.append(f"{text[:width]:<{width}}")
        reason = f"  [{row['code']}: {row['reason']}]" if row.get("code") else ""
        lines.append("  ".join(cells) + "  " + ascii(row["ref"])[1:-1] + reason)
    return "\n".join(lines)


@click.command()
@click.argument("doc_id", required=False)
@click.option("--limit", "-n", default=20, show_default=True, help="How many recent uploads to list.")
def status(doc_id: str | None, limit: int) -> None:
    """Show recent uploads, or one document's full record (DOC_ID: sha256 or a unique prefix)."""
    from workers.catalog.catalog import catalog_from_settings, dumps
    from workers.errors import CatalogError
    from workers.redact import redact_url
    from workers.settings import get_settings

    settings = get_settings()
    catalog = catalog_from_settings(settings, pool_size=1)
    try:
        if doc_id is None:
            rows = catalog.recent(limit)
            click.echo(format_table(rows) if rows else "no documents yet")
            return
        if len(doc_id) < 8:
            raise click.BadParameter("give at least 8 characters of the document id", param_hint="DOC_ID")
        report = catalog.document(doc_id)
        if report is None:
            click.echo(f"no document {doc_id} (or the prefix is ambiguous)", err=True)
            sys.exit(1)
        click.echo(dumps(report))
    except CatalogError as exc:
        raise click.ClickException(f"cannot read the catalog at {redact_url(settings.catalog_url)}: {exc}") from exc
    finally:
        catalog.close()
