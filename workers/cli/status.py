"""``docpipe status``: the latest uploads as a table, for people (or ``--json`` for tools).

``--state failed`` (repeatable, or comma-separated) and ``--since 2h`` (or ``30m``, ``1d``, an ISO
date or time) filter; the columns are the state, when it last changed, the key, the document's
symbol, its id, the time the task took, and a failure's code and reason. One document's whole
record is ``docpipe show`` (``workers/cli/show.py``).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from workers.catalog.catalog import TERMINAL_STATES

#: Upload states ``--state`` accepts.
STATES = ("queued", "processing", "processed", *sorted(TERMINAL_STATES))
#: ``--since`` units.
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: Widest a key may be shown (longer ones keep their end: the file name).
KEY_WIDTH = 48
REASON_WIDTH = 90


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``30m``, ``2h``, ``1d``, ``1w`` (before ``now``) or an ISO date / date-time (UTC when naive).

    >>> parse_since("2h", datetime(2026, 1, 1, 12, tzinfo=UTC)).isoformat()
    '2026-01-01T10:00:00+00:00'
    >>> parse_since("2026-01-01").isoformat()
    '2026-01-01T00:00:00+00:00'
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if match:
        return (now or datetime.now(UTC)) - timedelta(seconds=float(match[1]) * _UNITS[match[2]])
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: give 30m, 2h, 1d, 1w or an ISO date", param_hint="--since") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _states(values: tuple[str, ...]) -> list[str]:
    states = [s.strip() for v in values for s in v.split(",") if s.strip()]
    unknown = sorted(set(states) - set(STATES))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: one of {', '.join(STATES)}", param_hint="--state")
    return states


def _clip(text: str, width: int, *, keep_end: bool = False) -> str:
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1) :] if keep_end else text[: width - 1] + "…"


def _printable(text: Any) -> str:
    """Control characters escaped: a key with a newline stays on its line."""
    return ascii(str(text))[1:-1] if not str(text).isprintable() else str(text)


def _cells(row: dict[str, Any]) -> list[str]:
    timings = row.get("timings") or {}
    total = timings.get("total_ms")
    updated = row.get("updated_at")
    key = row.get("key")
    where = f"{row['bucket']}/{key}" if key is not None and row.get("bucket") else str(row.get("ref", ""))
    reason = f"{row['code']}: {row['reason']}" if row.get("code") else ""
    if not reason and row.get("duplicate_of"):
        reason = f"same content as {row['duplicate_of']}"
    return [
        str(row.get("state") or ""),
        updated.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if isinstance(updated, datetime) else "",
        _clip(_printable(where), KEY_WIDTH, keep_end=True),
        _clip(_printable(row.get("symbol") or ""), 24),
        str(row.get("doc_id") or "")[:12],
        f"{float(total):.0f} ms" if total is not None else "",
        _clip(_printable(reason), REASON_WIDTH),
    ]


HEADERS = ["STATE", "UPDATED (UTC)", "KEY", "SYMBOL", "DOC", "TOOK", "FAILURE / NOTE"]


def format_table(rows: list[dict[str, Any]]) -> str:
    """Uploads as aligned columns, widths fitted to the content; the last column is not padded."""
    table = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) if i < len(HEADERS) - 1 else cell for i, cell in enumerate(line)).rstrip()
        for line in table
    )


def as_json(rows: list[dict[str, Any]]) -> str:
    """The rows as a JSON array (dates in ISO 8601)."""
    return json.dumps(rows, ensure_ascii=False, default=_iso, indent=1)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


@click.command()
@click.option("--state", "state", multiple=True, help=f"Only these states ({', '.join(STATES)}); repeatable.")
@click.option("--since", help="Changed since: 30m, 2h, 1d, 1w, or an ISO date / time (UTC).")
@click.option("--limit", "-n", default=20, show_default=True, help="At most this many uploads.")
@click.option("--json", "json_out", is_flag=True, help="A JSON array of the rows instead of the table.")
def status(state: tuple[str, ...], since: str | None, limit: int, json_out: bool) -> None:
    """The latest uploads: state, key, symbol, document, time taken, failure code and reason."""
    from workers.catalog.catalog import catalog_from_settings
    from workers.catalog.listing import uploads
    from workers.devstack.runtime import client_settings
    from workers.errors import CatalogError
    from workers.redact import redact_url

    states = _states(state)
    moment = parse_since(since) if since else None
    settings = client_settings()
    catalog = catalog_from_settings(settings, pool_size=1)
    try:
        rows = uploads(catalog, states=states, since=moment, limit=limit)
    except CatalogError as exc:
        raise click.ClickException(f"cannot read the catalog at {redact_url(settings.catalog_url)}: {exc}") from exc
    finally:
        catalog.close()
    if json_out:
        click.echo(as_json(rows))
    else:
        click.echo(format_table(rows) if rows else "no uploads" + (" match" if states or since else " yet"))
