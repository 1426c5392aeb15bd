"""Shared test helpers: the project's seeds and gold fixtures, and a catalog database per session.

``catalog_url`` (session): a database of its own (``docpipe_test_<pid>_<random>``) on the machine's
PostgreSQL (``DOCPIPE_TEST_POSTGRES``, default ``postgresql://postgres@127.0.0.1:5432/postgres``),
migrated to head, dropped at the end. Tests isolate their rows by using buckets of their own.
A PostgreSQL that does not answer fails the tests that need it; nothing is skipped.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
DOCS = Path(__file__).resolve().parent / "fixtures" / "docs"
#: The server test sessions create their databases on.
POSTGRES_SERVER = os.environ.get("DOCPIPE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def database_url(name: str, server: str = POSTGRES_SERVER) -> str:
    """``server``'s URL with another database name."""
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 4, "the project keeps its own copy of the four seeds"
    return paths


@contextlib.contextmanager
def own_catalog(purpose: str = "") -> Iterator[str]:
    """A migrated catalog database of its own (``docpipe_test_<purpose>_<pid>_<random>``), dropped
    when the block ends: for tests whose rows must stay out of other tests' listings and sweeps."""
    from workers.catalog.migrate import drop_database, ensure_database, migrate

    name = "_".join(part for part in ("docpipe_test", purpose, str(os.getpid()), uuid.uuid4().hex[:8]) if part)
    url = database_url(name)
    ensure_database(url)
    try:
        migrate(url)
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def catalog_url() -> Iterator[str]:
    """A migrated catalog database for this test session, dropped afterwards."""
    with own_catalog() as url:
        yield url


def catalog_rows(url: str, query: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
    """Rows of a query on the catalog, as dicts (for assertions)."""
    from psycopg.rows import dict_row

    with psycopg.connect(url, row_factory=dict_row) as conn:
        return list(conn.execute(query, params).fetchall())  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Valkey of this session's own on a free port (nothing kept on disk): ``redis://127.0.0.1:N``.

    The machine's Redis is shared with other people's test runs; the queues, exchanges and
    flushes of this session stay in this server. Append ``/<db>`` for a database."""
    from workers.devstack.processes import free_port
    from workers.devstack.valkey import ValkeyServer

    server = ValkeyServer(tmp_path_factory.mktemp("valkey"), free_port(), persistent=False)
    server.start()
    try:
        yield server.url.rsplit("/", 1)[0]
    finally:
        server.stop()
