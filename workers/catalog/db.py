"""Connections to the catalog and the one mapping of psycopg's errors.

``catalog_errors()`` turns what an unreachable or restarting PostgreSQL raises (``OperationalError``
and friends) into ``CatalogError``, a ``TransientError``: the task retries with backoff, the
intake's loops wait and try again. Errors that are bugs (a wrong query, a violated constraint) are
not wrapped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from workers.errors import CatalogError

#: What psycopg raises when the server is down, restarting or unreachable.
OUTAGE_ERRORS = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg.errors.AdminShutdown,
    psycopg.errors.CannotConnectNow,
)


@contextmanager
def catalog_errors(what: str) -> Iterator[None]:
    """Translate an outage of the catalog inside the block into ``CatalogError``."""
    try:
        yield
    except OUTAGE_ERRORS as exc:
        raise CatalogError(f"catalog unavailable ({what}): {type(exc).__name__}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else ""


def make_pool(url: str, *, size: int = 4, connect_timeout: float = 5.0, name: str = "docpipe") -> ConnectionPool:
    """A lazily opened pool of autocommit connections (each catalog call is its own transaction).

    No check query before each use (it doubled the round trips): a connection broken by a catalog
    restart fails its next call with ``CatalogError`` (the caller retries), and the pool replaces it."""
    kwargs: dict[str, Any] = {
        "autocommit": True,
        "row_factory": dict_row,
        "connect_timeout": connect_timeout,
        "application_name": name,
    }
    return ConnectionPool(
        url,
        min_size=1,
        max_size=max(1, size),
        kwargs=kwargs,
        open=False,
        reconnect_timeout=0,
        timeout=connect_timeout,
        name=name,
    )
