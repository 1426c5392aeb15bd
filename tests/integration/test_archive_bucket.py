"""``docpipe export``'s bucket source against a real SeaweedFS: processed outputs and inbox originals."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest

from pipeline.run import process
from tests.integration.conftest import unique_bucket_name
from workers.archive.export import export
from workers.archive.sources import items, originals_in_bucket, read_processed_bucket, select_since
from workers.errors import ObjectNotFoundError
from workers.storage.s3 import ObjectStore, S3ObjectStore

pytestmark = pytest.mark.integration
SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


@pytest.fixture(name="buckets")
def _buckets(s3_store: S3ObjectStore) -> Iterator[tuple[str, str]]:
    names = unique_bucket_name("inbox"), unique_bucket_name("processed")
    for name in names:
        s3_store.ensure_bucket(name)
    yield names
    for name in names:
        for info in list(s3_store.list_objects(name)):
            s3_store.remove(name, info.key)
        with contextlib.suppress(ObjectNotFoundError):
            s3_store.remove_bucket(name)


def test_export_from_buckets(tmp_path: Path, s3_store: ObjectStore, buckets: tuple[str, str]) -> None:
    """Outputs listed from the processed bucket find their originals in the inbox by key and hash."""
    inbox, processed = buckets
    for index, path in enumerate(SEEDS):
        key = f"drop/{path.name}"
        data = path.read_bytes()
        s3_store.put_bytes(inbox, key, data)
        doc = process(data, key)
        s3_store.put_json(processed, f"{doc.doc_id}/document.json", doc.model_dump(mode="json"))
        if index == 0:  # an inbox object overwritten since: its bytes no longer match the output
            s3_store.put_bytes(inbox, key, data + b"\n")
    records = select_since(read_processed_bucket(s3_store, processed), dt.datetime.now(dt.UTC).date())
    assert len(records) == len(SEEDS)
    found, missing = items(records, originals_in_bucket(s3_store, inbox))
    assert len(found) == len(SEEDS) - 1 and len(missing) == 1
    for package in export(found, tmp_path, generated="2026-01-01"):
        bagit.Bag(str(package.path)).validate()
    assert select_since(records, dt.date(2999, 1, 1)) == []
