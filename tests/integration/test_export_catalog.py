"""``docpipe export`` chooses from the catalog: the published documents processed since a day,
their JSON from the processed bucket and their originals from their uploads, against a real
catalog (a database of this module's own) and a real SeaweedFS."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import bagit
import bagit_profile
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from schemas.events import ObjectEvent
from tests.conftest import ROOT, database_url
from tests.integration.conftest import unique_bucket_name
from tests.unit.test_tasks import RecordingPublisher
from workers.archive.profile import profile, profile_url
from workers.catalog.catalog import Catalog
from workers.cli import main
from workers.errors import ObjectNotFoundError
from workers.processing.deps import Deps
from workers.processing.job import handle
from workers.settings import CatalogSettings, Settings, StorageSettings, WebSettings, get_settings
from workers.storage.s3 import S3ObjectStore
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PUBLIC = "http://archive.example.org:8089"


@pytest.fixture(name="published")
def _published(seaweed: SeaweedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Settings, list[str]]]:
    """The four seeds processed by the real task body into a catalog of their own; one of them
    processed "yesterday" (its output's time moved back), one whose inbox key was overwritten since."""
    from workers.catalog.migrate import drop_database, ensure_database, migrate

    url = database_url(f"docpipe_test_export_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    ensure_database(url)
    migrate(url)
    settings = Settings(
        catalog=CatalogSettings(url=SecretStr(url)),
        storage=StorageSettings(
            endpoint=seaweed.s3_endpoint,
            inbox_bucket=unique_bucket_name("in"),
            processed_bucket=unique_bucket_name("out"),
            failed_bucket=unique_bucket_name("bad"),
            archive_bucket=unique_bucket_name("arc"),
        ),
        web=WebSettings(public_url=PUBLIC),
    )
    store = S3ObjectStore.from_settings(settings.storage)
    store.ensure_bucket(settings.storage.inbox_bucket)
    catalog = Catalog.connect(url, pool_size=1)
    deps = Deps(settings, store, catalog, RecordingPublisher())
    doc_ids = []
    try:
        for index, path in enumerate(SEEDS):
            key = f"drop/{path.name}"
            data = path.read_bytes()
            etag = store.put_bytes(settings.storage.inbox_bucket, key, data)
            payload = ObjectEvent(bucket=settings.storage.inbox_bucket, key=key, etag=etag, source="upload")
            assert handle(deps, payload.model_dump(mode="json"), task_id=f"t{index}") == "published"
            doc_ids.append(hashlib.sha256(data).hexdigest())
        with catalog.transaction("test") as conn:
            conn.execute(
                "UPDATE outputs SET created_at = now() - interval '2 days' WHERE doc_id = %s AND kind = 'json'",
                (doc_ids[0],),
            )
        store.put_bytes(settings.storage.inbox_bucket, f"drop/{SEEDS[1].name}", b"overwritten since")
        for name, value in {
            "DOCPIPE_CATALOG__URL": url,
            "DOCPIPE_STORAGE__ENDPOINT": seaweed.s3_endpoint,
            "DOCPIPE_STORAGE__INBOX_BUCKET": settings.storage.inbox_bucket,
            "DOCPIPE_STORAGE__PROCESSED_BUCKET": settings.storage.processed_bucket,
            "DOCPIPE_WEB__PUBLIC_URL": PUBLIC,
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        yield settings, doc_ids
    finally:
        get_settings.cache_clear()
        catalog.close()
        drop_database(url)
        for bucket in (settings.storage.inbox_bucket, settings.storage.processed_bucket):
            with contextlib.suppress(ObjectNotFoundError):
                store.remove_bucket(bucket)


def test_export_since_a_day_from_the_catalog(published: tuple[Settings, list[str]], tmp_path: Path) -> None:
    """--since today: the documents processed today, each in a valid bag declaring the served
    profile's URL; the one whose original is gone is reported, exit status 1."""
    _, doc_ids = published
    today = dt.datetime.now(dt.UTC).date().isoformat()
    result = CliRunner().invoke(main, ["export", "--since", today, "--out", str(tmp_path / "bags")])
    assert result.exit_code == 1, result.output
    assert f"MISSING original of {doc_ids[1]}" in result.output
    bags = sorted((tmp_path / "bags").iterdir())
    assert len(bags) == 2
    url = profile_url(PUBLIC)
    exported = set()
    for path in bags:
        bag = bagit.Bag(str(path))
        bag.validate()
        checker = bagit_profile.Profile(url, profile=profile(url))
        assert checker.validate(bag), [str(e) for e in checker.report.errors]
        exported.add(bag.info["DocPipe-Doc-Id"])
    assert exported == set(doc_ids[2:])


def test_export_everything_as_one_batch(published: tuple[Settings, list[str]], tmp_path: Path) -> None:
    """Without --since every published document with its original; --batch alone names the batch."""
    _, doc_ids = published
    result = CliRunner().invoke(main, ["export", "--out", str(tmp_path), "--batch", "--format", "transfer"])
    assert result.exit_code == 1, result.output
    [transfer] = list(tmp_path.iterdir())
    assert transfer.name.startswith("docpipe-all-") and transfer.name.endswith(".transfer")
    assert len(list((transfer / "objects").iterdir())) == 3
    assert doc_ids[0][:8] in " ".join(p.name for p in (transfer / "objects").iterdir())
