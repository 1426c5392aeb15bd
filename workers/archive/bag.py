"""BagIt 1.0 bags (RFC 8493) of processed documents, written with bdbag, declaring docpipe's profile.

A bag's bytes depend only on its documents (bdbag's idempotent mode leaves out the bagging
date), so re-archiving the same documents with the same pipeline version gives the same bag.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from workers.archive.item import ArchiveItem

#: The profile every docpipe bag declares (``workers/archive/profiles/docpipe-bag-v1.json``).
PROFILE_ID = "urn:docpipe:bagit-profile:v1"
PROFILE_FILE = "docpipe-bag-v1.json"


def profile() -> dict[str, Any]:
    """docpipe's BagIt profile, as the web app will serve it."""
    text = resources.files("workers.archive").joinpath("profiles", PROFILE_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _config_file() -> str:
    return str(resources.files("workers.archive").joinpath("bdbag.json"))


def write_bag(dest: Path, items: Sequence[ArchiveItem], *, generated: str, docpipe_version: str) -> Path:
    """One bag at ``dest`` holding ``items``: one document at the top of ``data/``, several in a folder each.

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
            "BagIt-Profile-Identifier": PROFILE_ID,
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


__all__ = ["PROFILE_FILE", "PROFILE_ID", "profile", "write_bag"]
