"""``docpipe show DOC``: one document's record, for people (``--json`` for tools).

DOC is a document id (sha256), a unique prefix of at least 8 characters, or the key of one of its
uploads (``key`` or ``bucket/key``). Printed: the document (state, symbol, organ, language, title,
counts, pipeline version), each upload with its every attempt and stage timings, a failure's code
and reason with its record in the failed bucket, the outputs, citations and archive state.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

#: Stage timings in the order a task runs them (others follow, alphabetically).
STAGE_ORDER = ("load", "read", "cleaned", "segmented", "extracted", "process", "store", "publish", "total")


def _when(value: Any) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if isinstance(value, datetime) else "-"


def _text(value: Any) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text if text.isprintable() else ascii(text)[1:-1]


def format_timings(timings: dict[str, Any] | None) -> str:
    """``load 1.2 · read 0.3 · … · total 85.0 ms`` (stage order, then the rest)."""
    stages = {k.removesuffix("_ms"): v for k, v in (timings or {}).items() if k.endswith("_ms")}
    order = [s for s in STAGE_ORDER if s in stages] + sorted(set(stages) - set(STAGE_ORDER))
    return " · ".join(f"{s} {float(stages[s]):.1f}" for s in order) + " ms" if order else "-"


def _document_lines(doc: dict[str, Any]) -> list[str]:
    lines = [
        f"document   {doc['doc_id']}",
        f"  state      {_text(doc.get('state'))}    pipeline {_text(doc.get('pipeline_version'))}",
        f"  symbol     {_text(doc.get('symbol'))}    type {_text(doc.get('doc_type'))}"
        f"    organ {_text(doc.get('body'))}    language {_text(doc.get('language'))}"
        f"    session {_text(doc.get('session'))}",
        f"  title      {_text(doc.get('title'))}",
        f"  adopted    {_text(doc.get('adopted_on'))}",
        f"  counts     {_text(doc.get('segments'))} segments, {_text(doc.get('entities'))} entities, "
        f"{_text(doc.get('warnings'))} warnings    size {_text(doc.get('size'))} bytes",
        f"  received   {_when(doc.get('received_at'))}    published {_when(doc.get('published_at'))}",
    ]
    return lines


def _upload_lines(upload: dict[str, Any]) -> list[str]:
    lines = [
        f"  #{upload['upload_id']} {upload['state']}  {_text(upload['bucket'])}/{_text(upload['key'])}"
        f"  etag {_text(upload['etag'])}",
        f"      source {_text(upload.get('source'))}    size {_text(upload.get('size'))}    "
        f"queued {_when(upload.get('queued_at'))}    done {_when(upload.get('done_at'))}",
    ]
    if upload.get("duplicate_of"):
        lines.append(f"      duplicate of {_text(upload['duplicate_of'])} (same content: one output)")
    if upload.get("code"):
        lines.append(f"      FAILURE  {upload['code']}: {_text(upload.get('reason'))}")
        if upload.get("record_key"):
            lines.append(f"      record   {upload['record_bucket']}/{upload['record_key']}")
    for attempt in upload.get("attempts_list") or []:
        lines.append(
            f"      attempt {attempt['number']}  {_text(attempt.get('outcome') or 'unfinished')}  "
            f"task {_text(attempt.get('task_id'))}  worker {_text(attempt.get('worker'))}  "
            f"started {_when(attempt.get('started_at'))}"
        )
        lines.append(f"        timings  {format_timings(attempt.get('timings'))}")
    return lines


def format_record(record: dict[str, Any]) -> str:
    """The record as indented text, one section per part."""
    lines = _document_lines(record) if record.get("doc_id") else ["document   - (the upload failed before it was read)"]
    lines.append("uploads")
    for upload in record.get("uploads") or []:
        lines += _upload_lines(upload)
    outputs = record.get("outputs") or []
    lines.append("outputs" if outputs else "outputs    -")
    lines += [
        f"  {o['kind']:<9} {o['pipeline_version']:<8} {o['bucket']}/{o['key']}  {_when(o.get('created_at'))}"
        for o in outputs
    ]
    citations = record.get("citations") or []
    if citations:
        lines.append("citations")
        lines += [f"  {_text(c['cited_symbol'])} ({c['kind']} ×{c['occurrences']})" for c in citations]
    archive = record.get("archive")
    if archive:
        lines.append(f"archive    {json.dumps(archive, default=str, ensure_ascii=False)}")
    return "\n".join(lines)


@click.command()
@click.argument("doc")
@click.option("--json", "json_out", is_flag=True, help="The record as JSON.")
def show(doc: str, json_out: bool) -> None:
    """One document's record: uploads, attempts, timings, failure, outputs (DOC: id, prefix or key)."""
    from workers.catalog.catalog import catalog_from_settings, dumps
    from workers.catalog.listing import record
    from workers.devstack.runtime import client_settings
    from workers.errors import CatalogError
    from workers.redact import redact_url

    settings = client_settings()
    catalog = catalog_from_settings(settings, pool_size=1)
    try:
        found = record(catalog, doc)
    except CatalogError as exc:
        raise click.ClickException(f"cannot read the catalog at {redact_url(settings.catalog_url)}: {exc}") from exc
    finally:
        catalog.close()
    if found is None:
        raise click.ClickException(f"no document or upload {doc!r} (or the id prefix is ambiguous)")
    click.echo(dumps(found) if json_out else format_record(found))
