"""The OAI-PMH data provider (``workers.web.oai``) on a real catalog (a database of this module's
own) filled by the real task bodies, an in-memory store: every verb, format, set, date bound and
error code, each response validated against the official OAI-PMH schema and its formats' schemas."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from pipeline.version import PIPELINE_VERSION
from schemas.events import ObjectEvent
from tests.conftest import ROOT, database_url
from tests.fakes import InMemoryObjectStore
from tests.oai_schemas import assert_valid
from tests.unit.test_tasks import RecordingPublisher
from workers.archive.job import handle_archive
from workers.catalog.catalog import Catalog
from workers.processing.deps import Deps
from workers.processing.job import handle
from workers.settings import OaiSettings, Settings, StorageSettings
from workers.web.oai import tokens
from workers.web.oai.errors import OaiError
from workers.web.oai.repository import OaiRepository

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0",
    "dp": "urn:docpipe:oai:document:1",
}
BASE = "http://127.0.0.1:8089/oai"
REPOSITORY = "docpipe.test"
CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "en"
#: The documents of this module, in datestamp order: (file, archived?)
FILES = [
    (ROOT / "seeds" / "002_1820d0fad8b12acf.txt", True),  # A/HRC/RES/54/24, zh
    (ROOT / "seeds" / "003_5b8e28b97d1114ab.txt", True),  # A/RES/69/179, zh, GA session 69
    (CORPUS / "sres-1368-2001.en.txt", True),
    (CORPUS / "sres-1373-2001.en.txt", True),  # cites S/RES/1368 (2001)
    (CORPUS / "ares-69-1.en.txt", False),  # GA session 69, not archived yet
]
#: Datestamps given to them (day N of January 2025, noon).
STAMPS = [dt.datetime(2025, 1, n + 1, 12, 0, 0, tzinfo=dt.UTC) for n in range(len(FILES))]


class Harvestable:
    """The module's catalog, store and repository, and what was published."""

    def __init__(self, url: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.settings = Settings(
            storage=StorageSettings(
                inbox_bucket=f"in-{tag}",
                processed_bucket=f"out-{tag}",
                failed_bucket=f"bad-{tag}",
                archive_bucket=f"a-{tag}",
            ),
            oai=OaiSettings(page_size=2, repository_identifier=REPOSITORY),
        )
        self.store = InMemoryObjectStore()
        self.store.ensure_bucket(self.settings.storage.inbox_bucket)
        self.catalog = Catalog.connect(url, pool_size=2)
        self.deps = Deps(self.settings, self.store, self.catalog, RecordingPublisher())
        self.repository = OaiRepository(self.settings.oai, self.catalog, self.store)
        self.doc_ids: list[str] = []

    def publish(self, path: Path, *, archive: bool, stamp: dt.datetime | None) -> str:
        data = path.read_bytes()
        bucket = self.settings.storage.inbox_bucket
        etag = self.store.put_bytes(bucket, path.name, data)
        event = ObjectEvent(bucket=bucket, key=path.name, etag=etag, size=len(data), source="upload")
        assert handle(self.deps, event.model_dump(mode="json"), task_id="p") == "published"
        doc_id = hashlib.sha256(data).hexdigest()
        if archive:
            assert handle_archive(self.deps, {"doc_id": doc_id}, task_id="a") == "archived"
        if stamp is not None:
            with self.catalog.transaction("test") as conn:
                conn.execute("UPDATE documents SET updated_at = %s WHERE doc_id = %s", (stamp, doc_id))
        return doc_id

    def ask(self, **params: str) -> etree._Element:
        """One request, its response validated; the root."""
        pairs = [(k.rstrip("_"), v) for k, v in params.items()]
        return assert_valid(self.repository.respond(pairs, BASE))

    def oai_id(self, doc_id: str) -> str:
        return f"oai:{REPOSITORY}:{doc_id}"


@pytest.fixture(scope="module", name="oai")
def _oai() -> Iterator[Harvestable]:
    from workers.catalog.migrate import drop_database, ensure_database, migrate

    url = database_url(f"docpipe_test_oai_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    ensure_database(url)
    migrate(url)
    harvestable = Harvestable(url)
    try:
        for (path, archive), stamp in zip(FILES, STAMPS, strict=True):
            harvestable.doc_ids.append(harvestable.publish(path, archive=archive, stamp=stamp))
        yield harvestable
    finally:
        harvestable.catalog.close()
        drop_database(url)


def error_code(root: etree._Element) -> str | None:
    error = root.find("oai:error", NS)
    return None if error is None else error.get("code")


def harvest(oai: Harvestable, verb: str, **params: str) -> tuple[list[etree._Element], list[etree._Element]]:
    """Follow the resumption tokens of a list to its end: (pages, items)."""
    pages, items = [], []
    root = oai.ask(verb=verb, **params)
    while True:
        assert error_code(root) is None, etree.tostring(root)
        pages.append(root)
        container = root.find(f"oai:{verb}", NS)
        assert container is not None
        items += container.findall("oai:record" if verb == "ListRecords" else "oai:header", NS)
        token = container.find("oai:resumptionToken", NS)
        if token is None or not token.text:
            return pages, items
        root = oai.ask(verb=verb, resumptionToken=token.text)


def identifiers(items: list[etree._Element]) -> list[str]:
    return [str(item.findtext(".//oai:identifier", namespaces=NS)) for item in items]


class TestVerbs:
    def test_identify(self, oai: Harvestable) -> None:
        """Identify declares the granularity, the deleted-record policy and a true earliest datestamp."""
        identify = oai.ask(verb="Identify").find("oai:Identify", NS)
        assert identify is not None
        assert identify.findtext("oai:baseURL", namespaces=NS) == BASE
        assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
        assert identify.findtext("oai:deletedRecord", namespaces=NS) == "no"
        assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == "2025-01-01T12:00:00Z"

    def test_list_metadata_formats(self, oai: Harvestable) -> None:
        """Three formats; for one item, akn only once it is archived; an unknown item is idDoesNotExist."""
        prefixes = oai.ask(verb="ListMetadataFormats").findall(".//oai:metadataPrefix", NS)
        assert [p.text for p in prefixes] == ["oai_dc", "akn", "docpipe"]
        archived, pending = oai.oai_id(oai.doc_ids[0]), oai.oai_id(oai.doc_ids[4])
        found = oai.ask(verb="ListMetadataFormats", identifier=archived).findall(".//oai:metadataPrefix", NS)
        assert [p.text for p in found] == ["oai_dc", "akn", "docpipe"]
        found = oai.ask(verb="ListMetadataFormats", identifier=pending).findall(".//oai:metadataPrefix", NS)
        assert [p.text for p in found] == ["oai_dc", "docpipe"]
        assert error_code(oai.ask(verb="ListMetadataFormats", identifier=oai.oai_id("0" * 64))) == "idDoesNotExist"

    def test_list_sets(self, oai: Harvestable) -> None:
        """The two hierarchies with a set per organ and per organ's session."""
        specs = {s.text for s in oai.ask(verb="ListSets").findall(".//oai:setSpec", NS)}
        assert {"organ", "session", "organ:general-assembly", "organ:security-council", "session:ga-69"} <= specs
        assert "organ:human-rights-council" in specs and "session:hrc-54" in specs

    def test_lists_page_with_tokens_to_every_item(self, oai: Harvestable) -> None:
        """Pages of two, each token with cursor and complete list size, the last one empty; every
        published item once, in datestamp order."""
        pages, items = harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc")
        assert identifiers(items) == [oai.oai_id(d) for d in oai.doc_ids]
        assert len(pages) == 3
        tokens_ = [p.find(".//oai:resumptionToken", NS) for p in pages]
        assert [(t.get("cursor"), t.get("completeListSize")) for t in tokens_] == [("0", "5"), ("2", "5"), ("4", "5")]  # type: ignore[union-attr]
        assert tokens_[0].get("expirationDate") and not tokens_[2].text  # type: ignore[union-attr]
        stamps = [h.findtext("oai:datestamp", namespaces=NS) for h in items]
        assert stamps == [s.strftime("%Y-%m-%dT%H:%M:%SZ") for s in STAMPS]

    def test_records_in_oai_dc(self, oai: Harvestable) -> None:
        """Dublin Core from the catalog: title, symbol and OAI id, date, ISO 639 language, organ,
        type, and the cited resolutions as relations (with the OAI id of one the repository has)."""
        _, records = harvest(oai, "ListRecords", metadataPrefix="oai_dc")
        assert len(records) == 5
        by_id = {r.findtext(".//oai:identifier", namespaces=NS): r.find(".//oai_dc:dc", NS) for r in records}
        dc = by_id[oai.oai_id(oai.doc_ids[1])]
        assert dc is not None

        def values(element: etree._Element, name: str) -> list[str]:
            return [str(e.text) for e in element.findall(f"dc:{name}", NS)]

        assert values(dc, "identifier") == ["A/RES/69/179", oai.oai_id(oai.doc_ids[1])]
        assert values(dc, "language") == ["zho"] and values(dc, "creator")[0] == "General Assembly"
        assert values(dc, "date") == ["2014-12-18"] and "Resolution" in values(dc, "type")
        assert values(dc, "title") and dc.find("dc:title", NS).get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"  # type: ignore[union-attr]
        citing = by_id[oai.oai_id(oai.doc_ids[3])]
        assert citing is not None
        relations = values(citing, "relation")
        assert "S/RES/1368 (2001)" in relations and oai.oai_id(oai.doc_ids[2]) in relations

    def test_records_in_akn_are_the_archived_xml(self, oai: Harvestable) -> None:
        """akn lists only archived items, each record exactly the XML in the archive bucket."""
        _, records = harvest(oai, "ListRecords", metadataPrefix="akn")
        assert identifiers(records) == [oai.oai_id(d) for d in oai.doc_ids[:4]]
        bucket = oai.settings.storage.archive_bucket
        stored = {
            info.key: oai.store.get_bytes(bucket, info.key)
            for info in oai.store.list_objects(bucket)
            if info.key.startswith("akn/")
        }
        for record in records:
            akn = record.find(".//akn:akomaNtoso", NS)
            assert akn is not None
            doc_id = str(record.findtext(".//oai:identifier", namespaces=NS)).rsplit(":", 1)[1]
            [data] = [v for k, v in stored.items() if doc_id[:8] in k]
            assert etree.tostring(akn, method="c14n", exclusive=True) == etree.tostring(
                etree.fromstring(data), method="c14n", exclusive=True
            )
        pending = oai.ask(verb="GetRecord", identifier=oai.oai_id(oai.doc_ids[4]), metadataPrefix="akn")
        assert error_code(pending) == "cannotDisseminateFormat"

    def test_records_in_docpipe_format_are_the_json(self, oai: Harvestable) -> None:
        """The docpipe format's text is the stored document.json, parsed back unchanged."""
        doc_id = oai.doc_ids[0]
        root = oai.ask(verb="GetRecord", identifier=oai.oai_id(doc_id), metadataPrefix="docpipe")
        wrapper = root.find(".//dp:document", NS)
        assert wrapper is not None and wrapper.get("docId") == doc_id
        stored = oai.store.get_bytes(oai.settings.storage.processed_bucket, f"{doc_id}/document.json")
        assert json.loads(str(wrapper.text)) == json.loads(stored)
        assert wrapper.get("pipelineVersion") == PIPELINE_VERSION


class TestSelective:
    def test_sets(self, oai: Harvestable) -> None:
        """A set gives its members; a parent set its subsets' members; an unknown set nothing."""

        def listed(spec: str) -> list[str]:
            return identifiers(harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc", set=spec)[1])

        ids = [oai.oai_id(d) for d in oai.doc_ids]
        assert listed("organ:security-council") == ids[2:4]
        assert listed("session:ga-69") == [ids[1], ids[4]]
        assert listed("organ") == ids
        root = oai.ask(verb="ListIdentifiers", metadataPrefix="oai_dc", set="organ:trusteeship-council")
        assert error_code(root) == "noRecordsMatch"

    def test_dates(self, oai: Harvestable) -> None:
        """from and until are inclusive, by day or by second; a range with no item is noRecordsMatch."""

        def listed(**bounds: str) -> list[str]:
            return identifiers(harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc", **bounds)[1])

        ids = [oai.oai_id(d) for d in oai.doc_ids]
        assert listed(from_="2025-01-02", until="2025-01-03") == ids[1:3]
        assert listed(from_="2025-01-04T12:00:00Z") == ids[3:]
        assert listed(until="2025-01-01T12:00:00Z") == ids[:1]
        root = oai.ask(
            verb="ListIdentifiers", metadataPrefix="oai_dc", from_="2025-01-01T12:00:01Z", until="2025-01-02T11:59:59Z"
        )
        assert error_code(root) == "noRecordsMatch"
        assert error_code(oai.ask(verb="ListRecords", metadataPrefix="oai_dc", from_="2030-01-01")) == "noRecordsMatch"

    def test_a_list_is_stable_while_documents_are_published(self, oai: Harvestable) -> None:
        """A document published in the middle of a harvest is not in it (no shifted or repeated
        page, the same complete list size), and the next harvest from its responseDate has it."""
        first = oai.ask(verb="ListIdentifiers", metadataPrefix="oai_dc")
        response_date = str(first.findtext("oai:responseDate", namespaces=NS))
        token = first.find(".//oai:resumptionToken", NS)
        assert token is not None and token.text
        new = oai.publish(CORPUS / "sres-1325-2000.en.txt", archive=False, stamp=None)
        rest: list[etree._Element] = []
        root = oai.ask(verb="ListIdentifiers", resumptionToken=token.text)
        while True:
            container = root.find("oai:ListIdentifiers", NS)
            assert container is not None
            rest += container.findall("oai:header", NS)
            assert container.find("oai:resumptionToken", NS).get("completeListSize") == "5"  # type: ignore[union-attr]
            text = container.findtext("oai:resumptionToken", namespaces=NS)
            if not text:
                break
            root = oai.ask(verb="ListIdentifiers", resumptionToken=text)
        listed = identifiers(first.findall(".//oai:header", NS)) + identifiers(rest)
        assert listed == [oai.oai_id(d) for d in oai.doc_ids]
        later = identifiers(harvest(oai, "ListIdentifiers", metadataPrefix="oai_dc", from_=response_date)[1])
        assert later == [oai.oai_id(new)]
        with oai.catalog.transaction("test") as conn:  # back to the module's five documents
            conn.execute("UPDATE documents SET state = 'failed' WHERE doc_id = %s", (new,))


class TestErrors:
    @pytest.mark.parametrize(
        ("params", "code"),
        [
            ({}, "badVerb"),
            ({"verb": "ListEverything"}, "badVerb"),
            ({"verb": "Identify", "extra": "1"}, "badArgument"),
            ({"verb": "ListRecords"}, "badArgument"),
            ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
            ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from_": "2025-13-01"}, "badArgument"),
            (
                {
                    "verb": "ListRecords",
                    "metadataPrefix": "oai_dc",
                    "from_": "2025-01-01",
                    "until": "2025-02-01T00:00:00Z",
                },
                "badArgument",
            ),
            (
                {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from_": "2025-02-01", "until": "2025-01-01"},
                "badArgument",
            ),
            ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
            ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
            ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
            ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
            ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere:1"}, "idDoesNotExist"),
            ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "session:ga-1"}, "noRecordsMatch"),
        ],
    )
    def test_error_codes(self, oai: Harvestable, params: dict[str, str], code: str) -> None:
        """Each refused request gets its OAI-PMH error code in a response the schema accepts."""
        root = oai.ask(**params)
        assert error_code(root) == code
        request = root.find("oai:request", NS)
        assert request is not None and request.text == BASE
        if code in ("badVerb", "badArgument"):
            assert dict(request.attrib) == {}

    def test_repeated_arguments(self, oai: Harvestable) -> None:
        """Two verbs are badVerb; an argument given twice is badArgument."""
        twice = oai.repository.respond([("verb", "Identify"), ("verb", "Identify")], BASE)
        assert error_code(assert_valid(twice)) == "badVerb"
        pairs = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "akn")]
        assert error_code(assert_valid(oai.repository.respond(pairs, BASE))) == "badArgument"

    def test_tokens_that_were_altered_expired_or_used_elsewhere(self, oai: Harvestable) -> None:
        """A token cut, altered, expired, or given to another verb is badResumptionToken."""
        token = oai.ask(verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
            ".//oai:resumptionToken", namespaces=NS
        )
        assert token
        body, check = token.split(".")
        for bad in (token[:-3], body + "." + "0" * len(check), body[:-4] + "AAAA." + check):
            assert error_code(oai.ask(verb="ListIdentifiers", resumptionToken=bad)) == "badResumptionToken"
        assert error_code(oai.ask(verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=oai.settings.oai.token_ttl + 60)
        with pytest.raises(OaiError) as refused:
            tokens.decode(token, "ListIdentifiers", later)
        assert refused.value.code == "badResumptionToken" and "expired" in refused.value.message

    def test_no_set_hierarchy_is_never_answered(self, oai: Harvestable) -> None:
        """docpipe supports sets: ListSets always has the two hierarchies, never noSetHierarchy."""
        root = oai.ask(verb="ListSets")
        assert error_code(root) is None and len(root.findall(".//oai:set", NS)) >= 2


def test_request_attributes_echo_valid_arguments_only(oai: Harvestable) -> None:
    """After other errors the request element echoes the arguments the schema's types allow."""
    root = oai.ask(verb="ListRecords", metadataPrefix="no such format")
    assert error_code(root) == "cannotDisseminateFormat"
    request = root.find("oai:request", NS)
    assert request is not None and request.get("verb") == "ListRecords" and request.get("metadataPrefix") is None


def test_the_schema_check_catches_bad_metadata(oai: Harvestable) -> None:
    """The validation is strict inside <metadata>: a foreign Dublin Core element, an AKN element out
    of place, or a record in a namespace without a schema fails it."""
    good = oai.repository.respond(
        [("verb", "GetRecord"), ("identifier", oai.oai_id(oai.doc_ids[0])), ("metadataPrefix", "oai_dc")], BASE
    )
    assert_valid(good)
    broken_dc = good.replace(b"<dc:publisher>", b"<dc:publisherr>x</dc:publisherr><dc:publisher>", 1)
    akn = oai.repository.respond(
        [("verb", "GetRecord"), ("identifier", oai.oai_id(oai.doc_ids[0])), ("metadataPrefix", "akn")], BASE
    )
    assert_valid(akn)
    root = etree.fromstring(akn)
    statement = root.find(".//akn:statement", NS)
    assert statement is not None
    etree.SubElement(statement, f"{{{NS['akn']}}}notAnElement")
    foreign = good.replace(b"http://www.openarchives.org/OAI/2.0/oai_dc/", b"urn:example:unknown")
    for bad in (broken_dc, etree.tostring(root), foreign):
        with pytest.raises(AssertionError, match="does not validate"):
            assert_valid(bad)
