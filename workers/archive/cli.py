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
    help="Folders of `docpipe process` outputs (default: the catalog's published documents).",
)
@click.option(
    "--originals",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folders holding the original files, matched by content (with --from).",
)
@click.option(
    "--batch",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[NAME]",
    help="One package for all documents, named NAME (default docpipe-<since>-<today>).",
)
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

    By default the catalog chooses: the published documents whose output was written on or after
    the day, their originals read from the uploads that carried them. Documents whose original
    cannot be found are reported and left out; the exit status is 1 then.
    """
    from workers.archive import sources
    from workers.archive.export import export
    from workers.archive.profile import profile_url
    from workers.devstack.runtime import client_settings

    settings = client_settings()  # a running `docpipe up` wherever it listens
    day = since.date() if since else None
    if from_dirs:
        records = [r for folder in from_dirs for r in sources.read_output_dir(folder)]
        find = sources.originals_in_folders(originals or from_dirs)
    else:
        from workers.catalog.archives import ArchiveCatalog
        from workers.catalog.catalog import catalog_from_settings
        from workers.storage.s3 import S3ObjectStore

        catalog = catalog_from_settings(settings, pool_size=1)
        try:
            records, find = sources.read_catalog(
                ArchiveCatalog(catalog), S3ObjectStore.from_settings(settings.storage), day
            )
        finally:
            catalog.close()
    chosen = sources.select_since(records, day)
    found, missing = sources.items(chosen, find)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    if batch == "":
        batch = f"docpipe-{day.isoformat() if day else 'all'}-{today}"
    kinds = [cast("Format", kind) for kind in formats]
    written = export(
        found,
        out_dir,
        formats=kinds,
        batch=batch,
        generated=today,
        profile_id=profile_url(settings.web.base_url),
    )
    for package in written:
        click.echo(
            f"{package.kind} {package.path} ({len(package.doc_ids)} document{'s' if len(package.doc_ids) != 1 else ''})"
        )
    for doc_id in missing:
        click.echo(f"MISSING original of {doc_id}", err=True)
    sys.exit(1 if missing else 0)


@click.command("archive")
@click.argument("doc_ids", nargs=-1, required=True)
@click.option("--retry-failed", is_flag=True, help="Forget a recorded archive failure of the current version first.")
def archive_command(doc_ids: tuple[str, ...], retry_failed: bool) -> None:
    """Send published documents (ids or unique prefixes of 8+ characters) to docpipe.archive.

    Archiving is idempotent: an archived document is skipped; a half-written archive is finished.
    """
    from workers.archive.request import send_archive
    from workers.broker.app import create_app
    from workers.catalog.catalog import catalog_from_settings
    from workers.devstack.runtime import client_settings

    settings = client_settings()  # a running `docpipe up` wherever it listens
    catalog = catalog_from_settings(settings, pool_size=1)
    app = create_app(settings, worker=False)
    unknown = 0
    try:
        for given in doc_ids:
            record = catalog.document(given) if len(given) >= 8 else None
            if record is None or record["state"] != "published":
                click.echo(f"no published document {given}", err=True)
                unknown += 1
                continue
            task = send_archive(app, record["doc_id"], record["pipeline_version"], retry_failed=retry_failed)
            click.echo(f"{record['doc_id']}\t{task}")
    finally:
        catalog.close()
    sys.exit(1 if unknown else 0)


def write_akn(doc_json_path: Path, doc: ProcessedDocument) -> Path:
    """``<stem>.akn.xml`` beside ``<stem>.json`` (``docpipe process --akn``)."""
    from pipeline.akn import to_bytes

    path = doc_json_path.with_name(doc_json_path.name.removesuffix(".json") + ".akn.xml")
    path.write_bytes(to_bytes(doc, generated=dt.datetime.now(dt.UTC).date().isoformat()))
    return path


__all__ = ["archive_command", "export_command", "write_akn"]
