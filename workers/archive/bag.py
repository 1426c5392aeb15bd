"""BagIt 1.0 bags (RFC 8493) of processed documents, written with bdbag, declaring docpipe's profile.

A bag's bytes depend only on its documents and the profile URL it declares (bdbag's idempotent
mode leaves out the bagging date, and ``zip_bag`` writes a reproducible zip), so re-archiving the
same documents with the same pipeline version gives the same bag, byte for byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from workers.archive.item import ArchiveItem
from workers.archive.profile import COMMITTED_ID

#: The serialization the archive bucket holds (Archivematica's "zipped bag" transfer type).
ZIP_MEDIA_TYPE = "application/zip"


def _config_file() -> str:
    return str(resources.files("workers.archive").joinpath("bdbag.json"))


def write_bag(
    dest: Path,
    items: Sequence[ArchiveItem],
    *,
    generated: str,
    docpipe_version: str,
    profile_id: str = COMMITTED_ID,
) -> Path:
    """One bag at ``dest`` holding ``items``: one document at the top of ``data/``, several in a folder each.

    ``profile_id`` is the URL of docpipe's profile the bag declares (``workers.archive.profile``).
    ``dest`` must not exist; a failed write leaves nothing behind.
    """
    from bdbag import bdbag_api

    if not items:
        raise ValueError("a bag needs at least one document")
    for item in items:
        item.check()
    if dest.exists():
        raise FileExistsError(dest)
    work = dest.with_name(dest.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        single = len(items) == 1
        for item in items:
            folder = work if single else work / item.folder
            folder.mkdir(exist_ok=True)
            for name, data in item.files(generated).items():
                (folder / name).write_bytes(data)
        metadata: dict[str, Any] = {
            "BagIt-Profile-Identifier": profile_id,
            "Source-Organization": "docpipe",
            "DocPipe-Version": docpipe_version,
            "DocPipe-Document-Count": str(len(items)),
        }
        for item in items:
            for name, value in item.tags():
                metadata.setdefault(name, []).append(value)
        metadata = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in metadata.items()}
        bdbag_api.make_bag(str(work), metadata=metadata, config_file=_config_file(), idempotent=True, strict=True)
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


def zip_bag(bag: Path) -> Path:
    """``<bag>.zip`` beside the bag: one top-level folder named as the bag (RFC 8493 §4.4),
    reproducible (fixed times and order), as Archivematica's "zipped bag" transfers take it."""
    from bdbag import bdbag_api

    return Path(bdbag_api.archive_bag(str(bag), "zip", config_file=_config_file(), idempotent=True))


__all__ = ["ZIP_MEDIA_TYPE", "write_bag", "zip_bag"]
