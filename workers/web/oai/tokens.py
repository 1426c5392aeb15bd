"""Stateless resumption tokens: where a list stopped, what it selects, when the token expires.

A token is ``base64url(JSON).<check>``, nothing kept on the server, so any server behind the same
catalog continues any list, across restarts. It carries the list's arguments, the keyset position
(the datestamp and id of the last item sent: the next page is ``(updated_at, doc_id) > position``,
so items published meanwhile can neither shift nor repeat a page), the list's upper bound frozen
at the first page (later changes wait for the next harvest), the cursor and the complete list
size counted at the first page, and an expiry. ``check`` (a digest of the JSON) catches a token
that was cut or altered; a forged one selects only what its own arguments would. Anything
unreadable, expired, or used with another verb is ``badResumptionToken``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workers.web.oai.errors import OaiError

#: Version of the token layout; a token of another one is refused.
TOKEN_VERSION = 1


class ListState(BaseModel):
    """Where a ListIdentifiers/ListRecords stands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: int = TOKEN_VERSION
    verb: str = Field(pattern=r"^(ListIdentifiers|ListRecords)$")
    prefix: str = Field(max_length=64)
    set_spec: str | None = Field(None, max_length=256)
    start: dt.datetime | None = None
    #: Exclusive upper bound: the request's ``until``, or the catalog's clock at the first page.
    end: dt.datetime
    #: The last item sent: (datestamp, doc id).
    after: tuple[dt.datetime, str]
    cursor: int = Field(ge=0)
    total: int = Field(ge=0)
    expires: dt.datetime


def _check(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def encode(state: ListState) -> str:
    raw = state.model_dump_json().encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + "." + _check(raw)


def decode(token: str, verb: str, now: dt.datetime) -> ListState:
    """The state in ``token`` for a request of ``verb`` at ``now``, or ``badResumptionToken``."""
    body, _, check = token.partition(".")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if not check or _check(raw) != check:
            raise ValueError("check")
        state = ListState.model_validate(json.loads(raw))
    except (ValueError, binascii.Error, ValidationError, UnicodeDecodeError) as exc:
        raise OaiError("badResumptionToken", "not a resumption token of this repository") from exc
    if state.v != TOKEN_VERSION or state.verb != verb:
        raise OaiError("badResumptionToken", f"this resumption token belongs to {state.verb}")
    if state.expires <= now:
        raise OaiError("badResumptionToken", f"the resumption token expired at {state.expires.isoformat()}")
    return state


__all__ = ["TOKEN_VERSION", "ListState", "decode", "encode"]
