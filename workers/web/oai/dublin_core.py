"""``oai_dc`` records: unqualified Dublin Core mapped from the catalog's row of a document.

================  ===========================================================================
element           from
================  ===========================================================================
``dc:title``      ``meta.title`` (``xml:lang`` = the document's language); without one: its
                  type and symbol (``Resolution S/RES/1325 (2000)``)
``dc:creator``    the issuing organ (``meta.body``), and the Main Committee of a committee draft
``dc:publisher``  ``United Nations``
``dc:subject``    the agenda item title (``meta.agenda_title``)
``dc:date``       the adoption date (ISO 8601 day)
``dc:type``       ``Text`` (DCMI type vocabulary), and ``Resolution`` / ``Draft resolution`` /
                  ``Decision``
``dc:identifier`` the UN symbol, then the item's OAI identifier
``dc:language``   ISO 639-2/T: ``zho`` or ``eng``
``dc:relation``   every resolution or document the text cites (its symbol), the OAI identifier
                  of each published document carrying that symbol, and the draft and report the
                  resolution was adopted from (``meta.draft_symbol``, ``meta.report_symbol``)
``dc:format``     ``text/plain`` etc.: the original's media type is not in the catalog: left out
================  ===========================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lxml import etree

from workers.web.oai.formats import DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, XSI_NS

#: ``meta.language`` -> ISO 639-2/T (the same codes as the AKN expressions and transfers).
LANGUAGES = {"zh": "zho", "en": "eng"}
DOC_TYPES = {"resolution": "Resolution", "draft_resolution": "Draft resolution", "decision": "Decision"}
PUBLISHER = "United Nations"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def xml_text(value: object) -> str:
    """Text XML 1.0 can carry (characters it cannot are replaced by U+FFFD)."""
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def dublin_core(
    row: Mapping[str, Any], cited: Iterable[Mapping[str, Any]], identifier: Callable[[str], str]
) -> etree._Element:
    """The ``oai_dc:dc`` element of one document (``row`` from ``OaiCatalog``; ``cited`` its citations)."""
    meta: Mapping[str, Any] = row.get("meta") or {}
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")

    def add(name: str, value: object, lang: str | None = None) -> None:
        if value is None or str(value).strip() == "":
            return
        element = etree.SubElement(root, f"{{{DC_NS}}}{name}")
        element.text = xml_text(" ".join(str(value).split()))
        if lang:
            element.set(_XML_LANG, lang)

    doc_type = DOC_TYPES.get(str(row.get("doc_type") or ""))
    symbol = row.get("symbol")
    title = row.get("title") or (f"{doc_type or 'Document'} {symbol}" if symbol else None)
    add("title", title, row.get("language") if row.get("title") else None)
    add("creator", row.get("body"))
    add("creator", meta.get("committee"))
    add("publisher", PUBLISHER)
    add("subject", meta.get("agenda_title"), row.get("language"))
    add("date", row["adopted_on"].isoformat() if row.get("adopted_on") else None)
    add("type", "Text")
    add("type", doc_type)
    add("identifier", symbol)
    add("identifier", identifier(str(row["doc_id"])))
    add("language", LANGUAGES.get(str(row.get("language")), row.get("language")))
    for citation in cited:
        add("relation", citation["cited_symbol"])
        for other in citation.get("cited_ids") or []:
            add("relation", identifier(str(other)))
    add("relation", meta.get("draft_symbol"))
    add("relation", meta.get("report_symbol"))
    return root


__all__ = ["DOC_TYPES", "LANGUAGES", "PUBLISHER", "dublin_core", "xml_text"]
