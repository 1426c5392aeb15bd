"""Akoma Ntoso 3.0 output (the UN's AKN4UN profile) of a processed document. Pure: no I/O.

``build(doc)`` gives the lxml tree, ``to_bytes(doc)`` the XML; ``work_iri(doc)`` the document's
AKN Work IRI. Each element holding a segment's text carries ``docpipe:segment`` with the
segment id, so AKN and JSON can be checked against each other.
"""

from __future__ import annotations

from pipeline.akn.build import STATEMENT_NAMES, build, to_bytes, work_iri
from pipeline.akn.inline import xml_safe
from pipeline.akn.names import AKN, DP

__all__ = ["AKN", "DP", "STATEMENT_NAMES", "build", "to_bytes", "work_iri", "xml_safe"]
