"""``OaiRepository``: one OAI-PMH request in, one XML response out (blocking: catalog and store calls).

The verbs (protocol §4) over the catalog (``OaiCatalog``) and the buckets (the ``akn`` output in
the archive bucket, ``document.json`` in the processed bucket). Policies, declared in Identify:
granularity ``YYYY-MM-DDThh:mm:ssZ``; ``deletedRecord`` ``no`` — docpipe never removes a
document from the catalog or its outputs from the buckets (reprocessing adds a version, it does
not withdraw one), so there is no deletion to report; a repository that starts deleting must
switch to ``persistent`` and keep tombstones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import structlog
from lxml import etree

from workers.catalog.catalog import Catalog
from workers.errors import ObjectNotFoundError
from workers.settings import OaiSettings
from workers.storage.s3 import ObjectStore
from workers.web.oai import records, sets, tokens
from workers.web.oai.arguments import OaiRequest, read_request
from workers.web.oai.dublin_core import dublin_core, xml_text
from workers.web.oai.errors import OaiError
from workers.web.oai.formats import DOCPIPE_NS, XSI_NS, MetadataFormat, formats
from workers.web.oai.queries import OaiCatalog, Selection

log = structlog.get_logger("docpipe.oai")

#: A parser for stored AKN: no network, no entities, no DTD (the XML came from docpipe, but a bucket is not a promise).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
_SAFE_JSON = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: When nothing is published yet: a lower bound of every datestamp docpipe will ever give.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class OaiRepository:
    """The data provider. ``respond(pairs, base_url)`` -> XML bytes (errors included: HTTP 200)."""

    def __init__(self, settings: OaiSettings, catalog: Catalog, store: ObjectStore) -> None:
        self.settings = settings
        self.queries = OaiCatalog(catalog)
        self.store = store

    def identifier(self, doc_id: str) -> str:
        return f"oai:{self.settings.repository_identifier}:{doc_id}"

    def _doc_id(self, identifier: str) -> str:
        prefix = f"oai:{self.settings.repository_identifier}:"
        doc_id = identifier.removeprefix(prefix)
        if doc_id == identifier or not re.fullmatch(r"[0-9a-f]{64}", doc_id):
            raise OaiError("idDoesNotExist", f"no item {identifier[:200]!r} in this repository")
        return doc_id

    def respond(self, pairs: Iterable[tuple[str, str]], base_url: str) -> bytes:
        pairs = list(pairs)
        verb = next((value for key, value in pairs if key == "verb"), None)
        arguments = {key: value for key, value in pairs if key != "verb"}
        now = self.queries.now()
        try:
            request = read_request(pairs)
            root = records.envelope(now, base_url, request.verb, request.arguments)
            getattr(self, f"_{request.verb}")(root, request, now, base_url)
        except OaiError as error:
            root = records.envelope(now, base_url, verb, arguments, error)
        return records.serialize(root)

    # -- verbs ---------------------------------------------------------------------------------
    def _Identify(self, root: etree._Element, _request: OaiRequest, now: dt.datetime, base_url: str) -> None:  # noqa: N802
        element = records.sub(root, "Identify")
        records.sub(element, "repositoryName", self.settings.repository_name)
        records.sub(element, "baseURL", base_url)
        records.sub(element, "protocolVersion", "2.0")
        records.sub(element, "adminEmail", self.settings.admin_email)
        earliest = self.queries.earliest() or min(now, EPOCH)
        records.sub(element, "earliestDatestamp", records.datestamp(earliest))
        records.sub(element, "deletedRecord", "no")
        records.sub(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")

    def _ListMetadataFormats(  # noqa: N802
        self, root: etree._Element, request: OaiRequest, _now: dt.datetime, base_url: str
    ) -> None:
        available = list(formats(base_url).values())
        if request.identifier is not None:
            doc_id = self._doc_id(request.identifier)
            if self.queries.document(doc_id) is None:
                raise OaiError("idDoesNotExist", f"no item {request.identifier!r} in this repository")
            has_akn = self.queries.has_akn(doc_id)
            available = [f for f in available if f.prefix != "akn" or has_akn]
        element = records.sub(root, "ListMetadataFormats")
        for fmt in available:
            entry = records.sub(element, "metadataFormat")
            records.sub(entry, "metadataPrefix", fmt.prefix)
            records.sub(entry, "schema", fmt.schema)
            records.sub(entry, "metadataNamespace", fmt.namespace)

    def _ListSets(self, root: etree._Element, request: OaiRequest, _now: dt.datetime, _base_url: str) -> None:  # noqa: N802
        if request.token is not None:
            raise OaiError("badResumptionToken", "ListSets is answered in one response: no token is valid")
        element = records.sub(root, "ListSets")
        counts = self.queries.set_counts()
        entries: dict[str, str] = {sets.ORGAN: sets.set_name(sets.ORGAN), sets.SESSION: sets.set_name(sets.SESSION)}
        for row in counts:
            body, session = str(row["body"]), row["session"]
            organ, *session_spec = sets.set_specs(body, session)
            entries.setdefault(organ, sets.set_name(organ, body))
            for spec in session_spec:
                entries.setdefault(spec, sets.set_name(spec, body, session))
        for spec, name in sorted(entries.items()):
            entry = records.sub(element, "set")
            records.sub(entry, "setSpec", spec)
            records.sub(entry, "setName", name)

    def _GetRecord(self, root: etree._Element, request: OaiRequest, _now: dt.datetime, base_url: str) -> None:  # noqa: N802
        assert request.identifier is not None and request.prefix is not None
        fmt = self._format(request.prefix, base_url)
        doc_id = self._doc_id(request.identifier)
        row = self.queries.document(doc_id)
        if row is None:
            raise OaiError("idDoesNotExist", f"no item {request.identifier!r} in this repository")
        [metadata] = self._metadata(fmt, [row])
        if metadata is None:
            raise OaiError("cannotDisseminateFormat", f"{request.identifier} is not (yet) available as {fmt.prefix}")
        element = records.sub(root, "GetRecord")
        self._record(element, row, metadata)

    def _ListIdentifiers(self, root: etree._Element, request: OaiRequest, now: dt.datetime, base_url: str) -> None:  # noqa: N802
        self._list(root, request, now, base_url, with_metadata=False)

    def _ListRecords(self, root: etree._Element, request: OaiRequest, now: dt.datetime, base_url: str) -> None:  # noqa: N802
        self._list(root, request, now, base_url, with_metadata=True)

    # -- lists ---------------------------------------------------------------------------------
    def _list(
        self, root: etree._Element, request: OaiRequest, now: dt.datetime, base_url: str, *, with_metadata: bool
    ) -> None:
        if request.token is not None:
            state = tokens.decode(request.token, request.verb, now)
            prefix, set_spec, start, end = state.prefix, state.set_spec, state.start, state.end
            after: tuple[dt.datetime, str] | None = state.after
            cursor, total = state.cursor, state.total
        else:
            assert request.prefix is not None
            prefix, set_spec, start = request.prefix, request.set_spec, request.start
            end = min(request.end, now) if request.end is not None else now
            after, cursor, total = None, 0, -1
        fmt = self._format(prefix, base_url)
        set_filter = sets.parse_set(set_spec, self.queries.bodies()) if set_spec else sets.SetFilter()
        selection = Selection(end=end, start=start, sets=set_filter, output_kind=fmt.output_kind)
        if total < 0:
            total = self.queries.count(selection)
        size = self.settings.page_size
        rows = self.queries.page(selection, after, size + 1)
        more, rows = len(rows) > size, rows[:size]
        if not rows:
            if request.token is not None:
                raise OaiError("badResumptionToken", "the list this token continues has no more items")
            raise OaiError("noRecordsMatch", "no item matches these arguments")
        element = records.sub(root, request.verb)
        if with_metadata:
            for row, metadata in zip(rows, self._metadata(fmt, rows), strict=True):
                self._record(element, row, metadata)
        else:
            for row in rows:
                records.header(element, self.identifier(row["doc_id"]), row["updated_at"], self._specs(row))
        if not more and request.token is None:
            return  # a complete list in one response: no token at all
        token = ""
        expires = None
        if more:
            expires = now + dt.timedelta(seconds=self.settings.token_ttl)
            last = rows[-1]
            token = tokens.encode(
                tokens.ListState(
                    verb=request.verb,
                    prefix=prefix,
                    set_spec=set_spec,
                    start=start,
                    end=end,
                    after=(last["updated_at"], str(last["doc_id"])),
                    cursor=cursor + len(rows),
                    total=max(total, cursor + len(rows) + 1),
                    expires=expires,
                )
            )
        records.resumption_token(element, token, cursor=cursor, total=max(total, cursor + len(rows)), expires=expires)

    # -- records -------------------------------------------------------------------------------
    def _format(self, prefix: str, base_url: str) -> MetadataFormat:
        fmt = formats(base_url).get(prefix)
        if fmt is None:
            raise OaiError("cannotDisseminateFormat", f"no metadata format {prefix[:60]!r} (see ListMetadataFormats)")
        return fmt

    def _specs(self, row: dict[str, Any]) -> list[str]:
        return sets.set_specs(row.get("body"), row.get("session"))

    def _record(self, parent: etree._Element, row: dict[str, Any], metadata: etree._Element | None) -> None:
        """A record; without metadata (its output vanished from the bucket) only its header."""
        record = records.sub(parent, "record")
        records.header(record, self.identifier(row["doc_id"]), row["updated_at"], self._specs(row))
        if metadata is not None:
            records.sub(record, "metadata").append(metadata)

    def _metadata(self, fmt: MetadataFormat, rows: list[dict[str, Any]]) -> list[etree._Element | None]:
        """The metadata element of each row in ``fmt`` (None where the item has none in that format)."""
        ids = [str(r["doc_id"]) for r in rows]
        if fmt.output_kind is None:
            cited = self.queries.citations(ids)
            return [dublin_core(row, cited.get(str(row["doc_id"]), []), self.identifier) for row in rows]
        located = self.queries.outputs(ids, fmt.output_kind)
        found: list[etree._Element | None] = []
        for row in rows:
            where = located.get(str(row["doc_id"]))
            data = self._read(where) if where else None
            if data is None:
                found.append(None)
            elif fmt.prefix == "akn":
                found.append(etree.fromstring(data, _PARSER))
            else:
                found.append(self._wrapped(row, data, fmt.schema))
        return found

    def _read(self, where: tuple[str, str]) -> bytes | None:
        try:
            return self.store.get_bytes(*where)
        except ObjectNotFoundError:
            log.warning("output listed in the catalog is missing", bucket=where[0], key=where[1])
            return None

    def _wrapped(self, row: dict[str, Any], data: bytes, schema: str) -> etree._Element:
        """``<docpipe:document>`` holding the JSON text (characters XML cannot carry as JSON escapes)."""
        text = _SAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", data.decode("utf-8"))
        element = etree.Element(f"{{{DOCPIPE_NS}}}document", nsmap={"docpipe": DOCPIPE_NS, "xsi": XSI_NS})
        element.set(f"{{{XSI_NS}}}schemaLocation", f"{DOCPIPE_NS} {schema}")
        element.set("docId", str(row["doc_id"]))
        element.set("pipelineVersion", xml_text(row.get("pipeline_version") or ""))
        element.set("mediaType", "application/json")
        element.text = text
        return element


__all__ = ["OaiRepository"]
