"""OAI-PMH error conditions (protocol §3.6): each is answered with HTTP 200 and ``<error code=…>``."""

from __future__ import annotations

from typing import Final, Literal

ErrorCode = Literal[
    "badArgument",
    "badResumptionToken",
    "badVerb",
    "cannotDisseminateFormat",
    "idDoesNotExist",
    "noRecordsMatch",
    "noMetadataFormats",
    "noSetHierarchy",
]
#: Errors after which the ``request`` element carries no attributes (protocol §3.2).
BARE_REQUEST: Final = frozenset({"badVerb", "badArgument"})


class OaiError(Exception):
    """An OAI-PMH error to answer with (not an error of docpipe's: a request it refuses)."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: ErrorCode = code
        self.message = message


__all__ = ["BARE_REQUEST", "ErrorCode", "OaiError"]
