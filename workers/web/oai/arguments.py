"""Reading an OAI-PMH request: the verb, its arguments, their dates (protocol §3.1, §3.3, §4).

``read_request(pairs)`` takes the decoded ``key=value`` pairs of the query string (GET) or the
form body (POST) and returns an ``OaiRequest`` or raises ``OaiError``:

- ``badVerb``: no verb, an unknown one, or more than one;
- ``badArgument``: an argument the verb does not take, a repeated one, a required one missing,
  ``resumptionToken`` together with anything else, a date that is not ``YYYY-MM-DD`` or
  ``YYYY-MM-DDThh:mm:ssZ``, ``from`` and ``until`` of different granularities, ``from`` after
  ``until``.

Dates are UTC. A day means the whole day: ``until=2026-01-31`` takes everything up to
2026-01-31T23:59:59Z. Bounds come out as ``[start, end)`` datetimes (``end`` exclusive).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from workers.web.oai.errors import OaiError

VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    #: verb: (required arguments, optional arguments) besides ``verb`` and the exclusive ``resumptionToken``
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
}
#: Verbs that page with resumption tokens.
RESUMABLE = frozenset({"ListSets", "ListIdentifiers", "ListRecords"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True, slots=True)
class OaiRequest:
    """A well-formed request; which items exist is for the repository to say."""

    verb: str
    arguments: dict[str, str]
    identifier: str | None = None
    prefix: str | None = None
    set_spec: str | None = None
    #: ``from``, inclusive, and ``until`` made exclusive (a day: the next midnight; a second: +1 s).
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    token: str | None = None


def parse_datestamp(value: str, *, upper: bool = False) -> tuple[dt.datetime, str]:
    """A request date as a UTC instant and its granularity (``day`` or ``second``); ``upper``:
    the exclusive end of the period it names."""
    try:
        if _DAY.match(value):
            day = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC)
            return (day + dt.timedelta(days=1) if upper else day), "day"
        if _SECOND.match(value):
            instant = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
            return (instant + dt.timedelta(seconds=1) if upper else instant), "second"
    except (ValueError, OverflowError):
        pass
    raise OaiError("badArgument", f"not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ): {value!r}")


def _period(arguments: dict[str, str]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``from`` and ``until`` as ``[start, end)``, both of one granularity, in order."""
    start = end = None
    granularity: set[str] = set()
    if "from" in arguments:
        start, grain = parse_datestamp(arguments["from"])
        granularity.add(grain)
    if "until" in arguments:
        end, grain = parse_datestamp(arguments["until"], upper=True)
        granularity.add(grain)
    if len(granularity) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if start is not None and end is not None and start >= end:
        raise OaiError("badArgument", "from is later than until")
    return start, end


def read_request(pairs: Iterable[tuple[str, str]]) -> OaiRequest:
    """The request in ``pairs``, checked against what its verb takes."""
    arguments: dict[str, str] = {}
    repeated: set[str] = set()
    verbs: list[str] = []
    for key, value in pairs:
        if key == "verb":
            verbs.append(value)
        elif key in arguments:
            repeated.add(key)
        else:
            arguments[key] = value
    if len(verbs) != 1:
        raise OaiError("badVerb", "no verb" if not verbs else "the verb is given more than once")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"not an OAI-PMH verb: {verb[:60]!r}")
    if repeated:
        raise OaiError("badArgument", f"repeated argument: {', '.join(sorted(repeated))}")
    required, optional = VERBS[verb]
    if "resumptionToken" in arguments:
        if verb not in RESUMABLE:
            raise OaiError("badArgument", f"{verb} takes no resumptionToken")
        if len(arguments) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument")
        return OaiRequest(verb, arguments, token=arguments["resumptionToken"])
    unknown = set(arguments) - required - optional
    if unknown:
        raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
    missing = required - set(arguments)
    if missing:
        raise OaiError("badArgument", f"{verb} requires {', '.join(sorted(missing))}")
    start, end = _period(arguments)
    return OaiRequest(
        verb,
        arguments,
        identifier=arguments.get("identifier"),
        prefix=arguments.get("metadataPrefix"),
        set_spec=arguments.get("set"),
        start=start,
        end=end,
    )


__all__ = ["RESUMABLE", "VERBS", "OaiRequest", "parse_datestamp", "read_request"]
