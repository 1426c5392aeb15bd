"""Real services for integration tests: a SeaweedFS started here, the local Redis.

Nothing is skipped: a missing ``weed`` binary, a SeaweedFS that does not become ready or an
unreachable Redis makes the tests that need them fail (error), with the reason.

- ``seaweed`` (session): one ``weed mini`` on free 127.0.0.1 ports in a temporary directory,
  started on first use and stopped at the end of the session.
- ``s3_store`` / ``store``: an ``S3ObjectStore`` against it (test modules may override ``store``,
  e.g. to run contract tests on the in-memory fake too).
- ``bucket``: a unique, empty bucket in ``store`` per test, removed with its content afterwards.
- ``redis_client``: ``redis://127.0.0.1:6379/15``, flushed before and after each test.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from workers.errors import ObjectNotFoundError
from workers.seaweed import SeaweedServer
from workers.storage import ObjectStore, S3ObjectStore

#: The Redis database integration tests may flush.
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
#: Credentials given to the store; ``weed mini`` without ``-s3.config`` accepts any.
S3_ACCESS_KEY, S3_SECRET_KEY = "docpipe", "docpipe-secret"


def unique_bucket_name(prefix: str = "t") -> str:
    """A fresh, valid S3 bucket name."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """A running ``weed mini`` for the whole session (started lazily, always stopped)."""
    server = SeaweedServer.on_free_ports(Path(tmp_path_factory.mktemp("seaweed")))
    server.start(timeout=90)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_store(seaweed: SeaweedServer) -> S3ObjectStore:
    return S3ObjectStore(seaweed.s3_endpoint, S3_ACCESS_KEY, S3_SECRET_KEY)


@pytest.fixture
def store(s3_store: S3ObjectStore) -> ObjectStore:
    return s3_store


@pytest.fixture
def bucket(store: ObjectStore) -> Iterator[str]:
    name = unique_bucket_name()
    store.ensure_bucket(name)
    yield name
    with contextlib.suppress(ObjectNotFoundError):
        store.remove_bucket(name)  # type: ignore[attr-defined]  # both adapters have it; not the port


def flushed(url: str, *, decode_responses: bool = False) -> Iterator[redis.Redis]:
    """A client of the Redis database at ``url``, emptied before and after use."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5, decode_responses=decode_responses)
    client.ping()  # fails the test (no skip) when Redis is not running
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    yield from flushed(REDIS_TEST_URL)
