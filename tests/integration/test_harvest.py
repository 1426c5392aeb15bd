"""A real OAI-PMH harvester (oaipmh-scythe) harvests docpipe, end to end on real components.

The seeds and every corpus fixture are uploaded to a SeaweedFS inbox, enqueued through the intake,
processed and then archived automatically by a real ``celery -A workers worker`` (queues
``docpipe.process`` and ``docpipe.archive``; broker: this session's Valkey), recorded in a
PostgreSQL catalog of this module's own. The intake's web server (``docpipe intake``'s, on a free
127.0.0.1 port) serves ``/oai`` and the BagIt profile. The harvester then lists every record (pages
of ten: it follows the resumption tokens), gets each record in ``oai_dc`` and ``akn``, and
harvests selectively by set and by date; every response it receives is validated against the
official OAI-PMH schema and the schemas of its records. The archive bucket's bags validate against
the profile that ``bagit-profile`` fetches from the server, at the URL each bag declares.

The documents are uploaded in two rounds, the cited ones first, so that every citing document is
archived after what it cites is published: its AKN ``ref``s then carry the cited documents' own
Work IRIs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import bagit_profile
import pytest
from bdbag import bdbag_api
from kombu import Connection, Exchange, Queue
from kombu.simple import SimpleQueue
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.config import HTTPConfig
from oaipmh_scythe.iterator import OAIResponseIterator
from pydantic import SecretStr

from pipeline.akn import AKN, work_iri
from pipeline.run import process
from schemas import ProcessedDocument
from schemas.events import ObjectEvent
from tests.conftest import ROOT, catalog_rows, database_url
from tests.integration.conftest import unique_bucket_name
from tests.oai_schemas import assert_valid
from workers.archive.profile import profile_url
from workers.broker.topology import dead_letter_queue
from workers.catalog.archives import ArchiveCatalog
from workers.devstack.processes import celery_command, free_port
from workers.devstack.stack import settings_env
from workers.intake.service import IntakeService
from workers.names import ARCHIVE_QUEUE, ARCHIVE_TASK, PROCESS_QUEUE
from workers.processing.job import citations
from workers.settings import (
    CatalogSettings,
    IntakeSettings,
    OaiSettings,
    Settings,
    StorageSettings,
    WebSettings,
    WorkerSettings,
)
from workers.storage.s3 import S3ObjectStore
from workers.storage.seaweed import SeaweedServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1500)]

INPUTS = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("tests/fixtures/corpus/*/*.txt"))
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "akn": AKN,
}
REPOSITORY = "docpipe.harvest.test"
#: Records per page: small, so that harvesting all of them follows a dozen resumption tokens.
PAGE = 10
#: Seconds to wait for every document to be archived (two worker processes, ~110 documents).
WAIT = 900


class Stack:
    """Catalog, buckets, intake with its web server, one real worker; the documents it was given."""

    def __init__(self, seaweed: SeaweedServer, redis_url: str, tmp: Path) -> None:
        self.tmp = tmp
        self.catalog_url = database_url(f"docpipe_test_harvest_{os.getpid()}_{uuid.uuid4().hex[:8]}")
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.settings = Settings(
            broker_url=SecretStr(redis_url),
            catalog=CatalogSettings(url=SecretStr(self.catalog_url)),
            storage=StorageSettings(
                endpoint=seaweed.s3_endpoint,
                inbox_bucket=unique_bucket_name("in"),
                processed_bucket=unique_bucket_name("out"),
                failed_bucket=unique_bucket_name("bad"),
                archive_bucket=unique_bucket_name("arc"),
            ),
            worker=WorkerSettings(concurrency=2, max_retries=3, retry_backoff_max=2, events=False),
            web=WebSettings(port=port, public_url=self.base),
            oai=OaiSettings(page_size=PAGE, repository_identifier=REPOSITORY),
            intake=IntakeSettings(filer_grpc="", reconcile_interval=0, drop_enabled=False),
        )
        self.store = S3ObjectStore.from_settings(self.settings.storage)
        self.store.ensure_bucket(self.settings.storage.inbox_bucket)
        self.intake: IntakeService | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = tmp / "worker.log"

    def start(self) -> None:
        from workers.catalog.migrate import ensure_database, migrate

        ensure_database(self.catalog_url)
        migrate(self.catalog_url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")} | settings_env(self.settings)
        env["DOCPIPE_LOG__FORMAT"] = "json"
        command = celery_command(
            "worker",
            "-c",
            "2",
            "-n",
            f"harvest-{uuid.uuid4().hex[:6]}@%h",
        )
        command += ["-Q", f"{PROCESS_QUEUE},{ARCHIVE_QUEUE}", "--without-gossip", "--without-mingle", "-l", "info"]
        self.worker = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )
        self.intake = IntakeService(
            self.settings, filer=False, reconciler=False, dropfolder=False, minio_listener=False
        )
        self.intake.start()

    def stop(self) -> None:
        if self.intake is not None:
            self.intake.stop()
        if self.worker is not None and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGTERM)
            try:
                self.worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.worker.pid, signal.SIGKILL)
                self.worker.wait(5)
        from workers.catalog.migrate import drop_database

        drop_database(self.catalog_url)
        for bucket in (
            self.settings.storage.inbox_bucket,
            self.settings.storage.processed_bucket,
            self.settings.storage.failed_bucket,
            self.settings.storage.archive_bucket,
        ):
            with contextlib.suppress(Exception):
                for info in list(self.store.list_objects(bucket)):
                    self.store.remove(bucket, info.key)
                self.store.remove_bucket(bucket)

    def upload(self, paths: list[Path]) -> None:
        assert self.intake is not None
        for path in paths:
            data = path.read_bytes()
            key = f"{path.parent.name}/{path.name}"
            etag = self.store.put_bytes(self.settings.storage.inbox_bucket, key, data)
            event = ObjectEvent(
                bucket=self.settings.storage.inbox_bucket, key=key, etag=etag, size=len(data), source="upload"
            )
            self.intake.enqueue(event)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def rows(self, query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return catalog_rows(self.catalog_url, query, params)


@pytest.fixture(scope="module", name="stack")
def _stack(seaweed: SeaweedServer, redis_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(seaweed, f"{redis_server}/12", tmp_path_factory.mktemp("harvest"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module", name="archived_events")
def _archived_events(stack: Stack) -> Iterator[SimpleQueue]:
    """A queue bound to every outcome event (bound before anything is published: Redis drops the rest)."""
    with Connection(stack.settings.broker) as conn:
        exchange = Exchange(stack.settings.publish.exchange, type="topic", durable=True)
        queue = conn.SimpleQueue(Queue(f"test.archived.{uuid.uuid4().hex[:8]}", exchange, routing_key="document.*"))
        yield queue
        queue.close()
        queue.queue(conn.default_channel).delete()


def wait_archived(stack: Stack, events: SimpleQueue, count: int, seen: dict[str, dict[str, Any]]) -> None:
    """Collect ``document.archived`` events (by document) until ``count`` documents are archived."""
    deadline = time.monotonic() + WAIT
    while len(seen) < count:
        assert stack.worker is not None and stack.worker.poll() is None, stack.logs()
        try:
            message = events.get(timeout=5)
        except events.Empty:
            assert time.monotonic() < deadline, f"{len(seen)} of {count} archived\n{stack.logs()}"
            continue
        message.ack()
        body = json.loads(message.body)
        assert body["type"] not in ("org.docpipe.document.failed", "org.docpipe.document.archive_failed"), body
        if body["type"] == "org.docpipe.document.archived":
            seen[body["data"]["doc_id"]] = body


@pytest.fixture(scope="module", name="harvested")
def _harvested(stack: Stack, archived_events: SimpleQueue) -> dict[str, Any]:
    """Every input processed and archived, in two rounds (cited documents first)."""
    docs = {path: process(path.read_bytes(), path.name) for path in INPUTS}
    symbols = {d.meta.symbol for d in docs.values() if d.meta.symbol}
    cited_symbols = {c["symbol"] for d in docs.values() for c in citations(d)} & symbols
    first = [p for p, d in docs.items() if d.meta.symbol in cited_symbols]
    second = [p for p in docs if p not in first]
    seen: dict[str, dict[str, Any]] = {}
    stack.upload(first)
    wait_archived(stack, archived_events, len({docs[p].doc_id for p in first}), seen)
    stack.upload(second)
    wait_archived(stack, archived_events, len({d.doc_id for d in docs.values()}), seen)
    return {"docs": docs, "second": second, "events": seen}


def scythe(stack: Stack, **options: Any) -> Scythe:
    return Scythe(f"{stack.base}/oai", **options)


def oai_id(doc_id: str) -> str:
    return f"oai:{REPOSITORY}:{doc_id}"


def test_harvester_lists_every_record_page_by_page(stack: Stack, harvested: dict[str, Any]) -> None:
    """ListRecords (oai_dc) through every resumption token gives each published document once;
    every page validates; the tokens count the list (cursor, completeListSize); POST works too."""
    expected = {oai_id(d.doc_id) for d in harvested["docs"].values()}
    with scythe(stack) as harvester:
        records = list(harvester.list_records(metadata_prefix="oai_dc"))
    assert sorted(r.header.identifier for r in records) == sorted(expected)
    with scythe(stack, iterator=OAIResponseIterator, http_config=HTTPConfig(http_method="POST")) as harvester:
        pages = list(harvester.list_records(metadata_prefix="oai_dc"))
    assert len(pages) == -(-len(expected) // PAGE)
    listed: list[str] = []
    for number, page in enumerate(pages):
        root = assert_valid(page.http_response.content)
        listed += [str(e.text) for e in root.findall(".//oai:header/oai:identifier", NS)]
        token = root.find(".//oai:resumptionToken", NS)
        assert token is not None and token.get("cursor") == str(number * PAGE)
        assert token.get("completeListSize") == str(len(expected))
    assert sorted(listed) == sorted(expected)
    with scythe(stack) as harvester:
        identify = harvester.identify()
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ" and identify.deletedRecord == "no"
    assert identify.baseURL == f"{stack.base}/oai"


def test_harvester_gets_each_record_as_dublin_core_and_akoma_ntoso(stack: Stack, harvested: dict[str, Any]) -> None:
    """GetRecord of every item in oai_dc (symbol, OAI id, cited resolutions as relations) and in
    akn (the archived XML: the bucket's object, byte for byte once canonical); all responses valid."""
    docs: dict[Path, ProcessedDocument] = harvested["docs"]
    published = {d.meta.symbol: d.doc_id for d in docs.values() if d.meta.symbol}
    akn_keys = {r["doc_id"]: r["key"] for r in stack.rows("SELECT doc_id, key FROM outputs WHERE kind = 'akn'")}
    archive = stack.settings.storage.archive_bucket
    with scythe(stack, iterator=OAIResponseIterator) as harvester:
        for doc in {d.doc_id: d for d in docs.values()}.values():
            dc_root = assert_valid(
                harvester.get_record(identifier=oai_id(doc.doc_id), metadata_prefix="oai_dc").http_response.content
            )
            identifiers = [e.text for e in dc_root.findall(".//dc:identifier", NS)]
            assert identifiers == [s for s in (doc.meta.symbol, oai_id(doc.doc_id)) if s]
            relations = {e.text for e in dc_root.findall(".//dc:relation", NS)}
            for cited in citations(doc):
                assert cited["symbol"] in relations
                if cited["symbol"] in published:
                    assert any(r and r.startswith(f"oai:{REPOSITORY}:") for r in relations)
            akn_root = assert_valid(
                harvester.get_record(identifier=oai_id(doc.doc_id), metadata_prefix="akn").http_response.content
            )
            akn = akn_root.find(".//akn:akomaNtoso", NS)
            assert akn is not None
            stored = etree.fromstring(stack.store.get_bytes(archive, akn_keys[doc.doc_id]))
            assert etree.tostring(akn, method="c14n", exclusive=True) == etree.tostring(
                stored, method="c14n", exclusive=True
            )


def test_citations_in_akn_point_at_the_cited_documents(stack: Stack, harvested: dict[str, Any]) -> None:
    """In the archived AKN of every document of the second round, each ref to a symbol the catalog
    has published carries that document's own Work IRI."""
    docs: dict[Path, ProcessedDocument] = harvested["docs"]
    by_symbol = {d.meta.symbol: d for d in docs.values() if d.meta.symbol}
    akn_keys = {r["doc_id"]: r["key"] for r in stack.rows("SELECT doc_id, key FROM outputs WHERE kind = 'akn'")}
    checked = 0
    for path in harvested["second"]:
        doc = docs[path]
        targets = {c["symbol"] for c in citations(doc)} & set(by_symbol)
        if not targets:
            continue
        root = etree.fromstring(stack.store.get_bytes(stack.settings.storage.archive_bucket, akn_keys[doc.doc_id]))
        hrefs = {r.get("href") for r in root.iter(f"{{{AKN}}}ref")}
        for symbol in targets:
            iri = work_iri(by_symbol[symbol])
            number = iri.rsplit("/", 1)[1]
            assert iri in hrefs, (doc.meta.symbol, symbol, hrefs)
            assert {h for h in hrefs if h and h.endswith("/" + number)} == {iri}
            checked += 1
    assert checked >= 10, checked


def test_selective_harvesting_by_set_and_date(stack: Stack, harvested: dict[str, Any]) -> None:
    """A set gives the documents of that organ or session; from/until give the datestamps between."""
    rows = stack.rows("SELECT doc_id, body, session, updated_at FROM documents WHERE state = 'published'")
    with scythe(stack) as harvester:
        sets = {s.setSpec for s in harvester.list_sets()}
        assert {"organ", "session", "organ:general-assembly", "organ:security-council", "session:ga-69"} <= sets
        ga = {h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", set_="organ:general-assembly")}
        assert ga == {oai_id(r["doc_id"]) for r in rows if r["body"] == "General Assembly"}
        s69 = {h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", set_="session:ga-69")}
        assert s69 == {oai_id(r["doc_id"]) for r in rows if r["body"] == "General Assembly" and r["session"] == 69}
        headers = list(harvester.list_identifiers(metadata_prefix="oai_dc"))
        stamps = sorted(h.datestamp for h in headers)
        middle = stamps[len(stamps) // 2]
        later = {h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", from_=middle)}
        assert later == {h.identifier for h in headers if h.datestamp >= middle}
        earlier = {h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", until=middle)}
        assert earlier == {h.identifier for h in headers if h.datestamp <= middle}
        akn = {h.identifier for h in harvester.list_identifiers(metadata_prefix="akn", set_="organ:security-council")}
        assert akn == {oai_id(r["doc_id"]) for r in rows if r["body"] == "Security Council"}


def _unzip(data: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [top] = {name.split("/", 1)[0] for name in archive.namelist()}
        archive.extractall(into)
    return into / top


def test_every_archived_bag_validates_against_the_served_profile(
    stack: Stack, harvested: dict[str, Any], tmp_path: Path
) -> None:
    """Each document's zipped bag validates (bagit, bdbag) and against the profile bagit-profile
    fetches from the web server at the URL the bag declares; each transfer's checksums verify;
    document.archived said where each output is."""
    url = profile_url(stack.base)
    checker = bagit_profile.Profile(url)  # fetched over HTTP from docpipe's server
    assert checker.profile["BagIt-Profile-Info"]["BagIt-Profile-Identifier"] == url
    outputs = stack.rows("SELECT doc_id, kind, bucket, key FROM outputs WHERE kind IN ('akn', 'bag', 'transfer')")
    by_doc: dict[str, dict[str, str]] = {}
    for row in outputs:
        by_doc.setdefault(row["doc_id"], {})[row["kind"]] = row["key"]
    events = harvested["events"]
    assert set(by_doc) == set(events)
    for index, (doc_id, keys) in enumerate(sorted(by_doc.items())):
        assert {k: v["key"] for k, v in events[doc_id]["data"]["outputs"].items()} == keys
        bag_path = _unzip(
            stack.store.get_bytes(stack.settings.storage.archive_bucket, keys["bag"]), tmp_path / f"b{index}"
        )
        bag = bagit.Bag(str(bag_path))
        bag.validate()
        bdbag_api.validate_bag(str(bag_path), fast=False)
        assert checker.validate(bag), [str(e) for e in checker.report.errors]
        original = next(p for p in (bag_path / "data").iterdir() if p.name.startswith("original"))
        assert hashlib.sha256(original.read_bytes()).hexdigest() == doc_id
        transfer = _unzip(
            stack.store.get_bytes(stack.settings.storage.archive_bucket, keys["transfer"]), tmp_path / f"t{index}"
        )
        subprocess.run(
            ["sha256sum", "-c", "--strict", "--quiet", "../metadata/checksum.sha256"],
            cwd=transfer / "objects",
            check=True,
        )
    print(f"\nbags validated against the served profile: {len(by_doc)}")


def test_archiving_again_writes_nothing_and_bad_messages_do_not_stop_the_worker(
    stack: Stack, harvested: dict[str, Any]
) -> None:
    """An archive task for an archived document is skipped (no object rewritten, no second event);
    an unreadable archive message is dead-lettered and the worker goes on."""
    from workers.archive.request import send_archive
    from workers.broker.app import create_app

    app = create_app(stack.settings, worker=False)
    doc_id = next(iter(harvested["events"]))
    archive = stack.settings.storage.archive_bucket
    before = {i.key: i.etag for i in stack.store.list_objects(archive)}
    task_id = send_archive(app, doc_id)
    app.send_task(ARCHIVE_TASK, args=[{"doc_id": "not a document id"}], queue=ARCHIVE_QUEUE)
    deadline = time.monotonic() + 120
    while f"{task_id}] succeeded" not in stack.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.2)
    [line] = [x for x in stack.log.read_text(errors="replace").splitlines() if f"{task_id}] succeeded" in x]
    assert "succeeded" in line and ": 'skipped'" in line, line
    assert {i.key: i.etag for i in stack.store.list_objects(archive)} == before
    assert (
        len(stack.rows("SELECT 1 FROM events WHERE doc_id = %s AND routing_key = 'document.archived'", (doc_id,))) == 1
    )
    state = archive_state(stack, doc_id)
    assert state["outcome"] == "archived" and state["announced"]
    with Connection(stack.settings.broker) as conn:
        dead = dead_letter_queue(False)(conn.default_channel)
        dead.declare()
        deadline = time.monotonic() + 60
        found = None
        while found is None and time.monotonic() < deadline:
            found = dead.get(no_ack=True, accept=[])
            time.sleep(0.1 if found is None else 0)
    assert found is not None
    assert stack.worker is not None and stack.worker.poll() is None


def archive_state(stack: Stack, doc_id: str) -> dict[str, Any]:
    """What the catalog says of the document's archive (``ArchiveCatalog.state``)."""
    from workers.catalog.catalog import Catalog

    catalog = Catalog.connect(stack.catalog_url, pool_size=1)
    try:
        state = ArchiveCatalog(catalog).state(doc_id)
    finally:
        catalog.close()
    assert state is not None
    return state
