"""The XML of OAI-PMH responses: the envelope, errors, headers, records, resumption tokens.

Responses are UTF-8 XML that validates against the official ``OAI-PMH.xsd`` (kept in ``xsd/``);
every datestamp is ``YYYY-MM-DDThh:mm:ssZ`` (the granularity Identify declares), UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from lxml import etree

from workers.web.oai.dublin_core import xml_text
from workers.web.oai.errors import BARE_REQUEST, OaiError
from workers.web.oai.formats import OAI_NS, OAI_SCHEMA, XSI_NS

#: Argument values the ``request`` element may carry: the schema's types for them.
_VALID = {
    "metadataPrefix": re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$"),
    "set": re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$"),
    "from": re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$"),
    "until": re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$"),
    "identifier": re.compile(r"^[^\s<>\"{}|\\^`]+$"),
    "resumptionToken": re.compile(r"^.{1,4096}$"),
}


def datestamp(value: dt.datetime) -> str:
    """``2026-01-31T12:00:05Z`` (UTC, to the second)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def qname(local: str) -> str:
    return f"{{{OAI_NS}}}{local}"


def sub(parent: etree._Element, local: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, qname(local), {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def envelope(
    now: dt.datetime, base_url: str, verb: str | None, arguments: Mapping[str, str], error: OaiError | None = None
) -> etree._Element:
    """``<OAI-PMH>`` with ``responseDate`` and ``request``; the ``request`` attributes are the
    arguments (none after badVerb/badArgument, and only values the schema's types allow)."""
    root = etree.Element(qname("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    sub(root, "responseDate", datestamp(now))
    request = sub(root, "request", base_url)
    if error is None or error.code not in BARE_REQUEST:
        if verb:
            request.set("verb", verb)
        for key, value in arguments.items():
            pattern = _VALID.get(key)
            if pattern is not None and pattern.match(value):
                request.set(key, xml_text(value))
    if error is not None:
        sub(root, "error", error.message, code=error.code)
    return root


def header(parent: etree._Element, identifier: str, stamp: dt.datetime, specs: list[str]) -> etree._Element:
    element = sub(parent, "header")
    sub(element, "identifier", identifier)
    sub(element, "datestamp", datestamp(stamp))
    for spec in specs:
        sub(element, "setSpec", spec)
    return element


def resumption_token(
    parent: etree._Element, token: str, *, cursor: int, total: int, expires: dt.datetime | None
) -> None:
    """A token (empty at the last page, as the protocol asks) with cursor and complete list size."""
    attributes = {"cursor": str(cursor), "completeListSize": str(total)}
    if expires is not None and token:
        attributes["expirationDate"] = datestamp(expires)
    sub(parent, "resumptionToken", token, **attributes)


def serialize(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


__all__ = ["datestamp", "envelope", "header", "qname", "resumption_token", "serialize", "sub"]
