"""``docpipe export``: archive packages (BagIt bags, Archivematica/a3m transfers) of processed documents."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

if TYPE_CHECKING:
    from schemas import ProcessedDocument
    from workers.archive.export import Format


@click.command("export")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the packages."
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only documents processed on or after this day (UTC).",
)
@click.option(
    "--from",
    "from_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folders of `docpipe process` outputs (default: the processed bucket).",
)
@click.option(
    "--originals",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folders holding the original files, matched by content (with --from).",
)
@click.option("--batch", default=None, metavar="NAME", help="One package for all documents, named NAME.")
@click.option(
    "--format", "formats", multiple=True, type=click.Choice(["bag", "transfer"]), default=("bag",), show_default=True
)
def export_command(
    *,
    out_dir: Path,
    since: dt.datetime | None,
    from_dirs: tuple[Path, ...],
    originals: tuple[Path, ...],
    batch: str | None,
    formats: tuple[str, ...],
) -> None:
    """Bag (and/or make a3m transfers of) every document processed since a day.

    Documents whose original cannot be found are reported and left out; the exit status is 1 then.
    """
    from workers.archive import sources
    from workers.archive.export import export

    if from_dirs:
        records = [r for folder in from_dirs for r in sources.read_output_dir(folder)]
        find = sources.originals_in_folders(originals or from_dirs)
    else:
        from workers.settings import get_settings
        from workers.storage.s3 import S3ObjectStore

        storage = get_settings().storage
        store = S3ObjectStore.from_settings(storage)
        records = list(sources.read_processed_bucket(store, storage.processed_bucket))
        find = sources.originals_in_bucket(store, storage.inbox_bucket)
    chosen = sources.select_since(records, since.date() if since else None)
    found, missing = sources.items(chosen, find)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    kinds = [cast("Format", kind) for kind in formats]
    written = export(found, out_dir, formats=kinds, batch=batch, generated=today)
    for package in written:
        click.echo(
            f"{package.kind} {package.path} ({len(package.doc_ids)} document{'s' if len(package.doc_ids) != 1 else ''})"
        )
    for doc_id in missing:
        click.echo(f"MISSING original of {doc_id}", err=True)
    sys.exit(1 if missing else 0)


def write_akn(doc_json_path: Path, doc: ProcessedDocument) -> Path:
    """``<stem>.akn.xml`` beside ``<stem>.json`` (``docpipe process --akn``)."""
    from pipeline.akn import to_bytes

    path = doc_json_path.with_name(doc_json_path.name.removesuffix(".json") + ".akn.xml")
    path.write_bytes(to_bytes(doc, generated=dt.datetime.now(dt.UTC).date().isoformat()))
    return path


__all__ = ["export_command", "write_akn"]
