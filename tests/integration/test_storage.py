"""Contract of ``ObjectStore``: the same assertions on ``S3ObjectStore`` (against a real SeaweedFS)
and on ``InMemoryObjectStore``, so the fake used by unit tests behaves like the real thing."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3

from pipeline.errors import PermanentError, TransientError
from tests.fakes import InMemoryObjectStore
from workers.errors import ObjectNotFoundError, StorageError
from workers.storage.s3 import JSON_CONTENT_TYPE, ObjectStore, S3ObjectStore

pytestmark = pytest.mark.integration

#: Keys that broke other pipelines: Chinese, spaces, plus signs, full-width punctuation, nesting.
AWKWARD_KEYS = [
    "inbox/决议 1.txt",
    "inbox/a+b c.txt",
    "收件箱/第75届 决议（草案）.txt",
    "inbox/deep/er/still.txt",
]


@pytest.fixture(params=["seaweedfs", "in-memory"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """Overrides conftest's ``store``: each contract test runs on both adapters."""
    if request.param == "in-memory":
        return InMemoryObjectStore()
    s3: S3ObjectStore = request.getfixturevalue("s3_store")
    return s3


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TestObjectStoreContract:
    def test_put_then_get_returns_the_bytes_and_md5_etag(self, store: ObjectStore, bucket: str) -> None:
        """A single-part upload returns the MD5 hex ETag and reads back unchanged."""
        data = "第一条 决议\n".encode() * 100
        etag = store.put_bytes(bucket, "inbox/a.txt", data, content_type="text/plain; charset=utf-8")
        assert etag == hashlib.md5(data).hexdigest()
        assert store.get_bytes(bucket, "inbox/a.txt") == data

    def test_stat_reports_size_etag_type_and_user_metadata(self, store: ObjectStore, bucket: str) -> None:
        """``stat`` returns size, ETag, an aware timestamp, the content type and lower-cased metadata."""
        data = b"%PDF-1.4 tiny"
        etag = store.put_bytes(bucket, "r.pdf", data, content_type="application/pdf", metadata={"Tenant": "acme"})
        info = store.stat(bucket, "r.pdf")
        assert (info.key, info.size, info.etag) == ("r.pdf", len(data), etag)
        assert info.content_type == "application/pdf"
        assert info.metadata == {"tenant": "acme"}
        assert isinstance(info.last_modified, datetime) and info.last_modified.tzinfo is not None

    def test_put_json_encodes_mappings_as_utf8_and_keeps_bytes(self, store: ObjectStore, bucket: str) -> None:
        """Mappings become UTF-8 JSON (CJK unescaped); bytes are stored as they are."""
        store.put_json(bucket, "out/doc.json", {"title": "决议", "n": 1})
        raw = store.get_bytes(bucket, "out/doc.json")
        assert json.loads(raw) == {"title": "决议", "n": 1} and "决议".encode() in raw
        assert store.stat(bucket, "out/doc.json").content_type == JSON_CONTENT_TYPE
        store.put_json(bucket, "out/raw.json", b'{"a": 1}')
        assert store.get_bytes(bucket, "out/raw.json") == b'{"a": 1}'

    def test_overwrite_replaces_content_and_etag(self, store: ObjectStore, bucket: str) -> None:
        """Writing a key again replaces it (S3 has no conflict on overwrite)."""
        first = store.put_bytes(bucket, "k.txt", b"one")
        second = store.put_bytes(bucket, "k.txt", b"two!")
        assert first != second
        assert store.get_bytes(bucket, "k.txt") == b"two!"
        assert store.stat(bucket, "k.txt").size == 4

    def test_empty_object(self, store: ObjectStore, bucket: str) -> None:
        """A zero-byte object is stored, listed and read back."""
        etag = store.put_bytes(bucket, "empty.txt", b"")
        assert etag == hashlib.md5(b"").hexdigest()
        assert store.get_bytes(bucket, "empty.txt") == b""
        assert [o.size for o in store.list_objects(bucket)] == [0]

    @pytest.mark.parametrize("key", AWKWARD_KEYS)
    def test_chinese_space_and_plus_keys_round_trip(self, store: ObjectStore, bucket: str, key: str) -> None:
        """Keys with Chinese, spaces and ``+`` are stored, listed, stat'ed and read under the same name."""
        store.put_bytes(bucket, key, key.encode())
        assert store.exists(bucket, key)
        assert store.get_bytes(bucket, key) == key.encode()
        assert store.stat(bucket, key).key == key
        assert [o.key for o in store.list_objects(bucket)] == [key]

    def test_list_objects_filters_by_prefix_in_key_order(self, store: ObjectStore, bucket: str) -> None:
        """Listings are in key order, honour the prefix, and ``recursive=False`` stays at one level."""
        for key in ["b/2.txt", "a/1.txt", "a/sub/3.txt", "a/0.txt", "top.txt"]:
            store.put_bytes(bucket, key, key.encode())
        assert [o.key for o in store.list_objects(bucket)] == [
            "a/0.txt",
            "a/1.txt",
            "a/sub/3.txt",
            "b/2.txt",
            "top.txt",
        ]
        assert [o.key for o in store.list_objects(bucket, prefix="a/")] == ["a/0.txt", "a/1.txt", "a/sub/3.txt"]
        assert [o.key for o in store.list_objects(bucket, prefix="a/", recursive=False)] == ["a/0.txt", "a/1.txt"]
        listed = next(iter(store.list_objects(bucket, prefix="top")))
        assert (listed.size, listed.etag) == (7, hashlib.md5(b"top.txt").hexdigest())
        assert listed.content_type is None and listed.metadata is None  # listings do not carry them

    def test_remove_then_missing_everywhere(self, store: ObjectStore, bucket: str) -> None:
        """After ``remove`` the object is gone; removing it again is not an error."""
        store.put_bytes(bucket, "gone.txt", b"x")
        store.remove(bucket, "gone.txt")
        assert not store.exists(bucket, "gone.txt")
        assert list(store.list_objects(bucket)) == []
        store.remove(bucket, "gone.txt")

    def test_missing_key_raises_object_not_found(self, store: ObjectStore, bucket: str) -> None:
        """A missing key is a permanent ``ObjectNotFoundError`` for reads and ``stat``."""
        with pytest.raises(ObjectNotFoundError) as read:
            store.get_bytes(bucket, "nope/决议.txt")
        assert isinstance(read.value, PermanentError)
        with pytest.raises(ObjectNotFoundError):
            store.stat(bucket, "nope/决议.txt")
        assert store.exists(bucket, "nope/决议.txt") is False

    def test_missing_bucket_raises_object_not_found(self, store: ObjectStore) -> None:
        """A missing bucket is also ``ObjectNotFoundError`` (reads, listings); ``exists`` says False."""
        with pytest.raises(ObjectNotFoundError):
            store.get_bytes("no-such-bucket-docpipe", "k")
        with pytest.raises(ObjectNotFoundError):
            list(store.list_objects("no-such-bucket-docpipe"))
        assert store.exists("no-such-bucket-docpipe", "k") is False

    def test_ensure_bucket_is_idempotent(self, store: ObjectStore, bucket: str) -> None:
        """Ensuring an existing bucket keeps it and its content."""
        store.put_bytes(bucket, "keep.txt", b"x")
        store.ensure_bucket(bucket)
        assert store.exists(bucket, "keep.txt")


class TestS3Errors:
    def test_unreachable_endpoint_raises_storage_error_fast(self) -> None:
        """A refused connection surfaces as a transient ``StorageError`` within a second or two."""
        store = S3ObjectStore(f"127.0.0.1:{closed_port()}", "k", "s")
        for call in (
            lambda: store.get_bytes("docs-bucket", "k"),
            lambda: store.put_bytes("docs-bucket", "k", b"x"),
            lambda: list(store.list_objects("docs-bucket")),
            lambda: store.ensure_bucket("docs-bucket"),
        ):
            started = time.monotonic()
            with pytest.raises(StorageError) as caught:
                call()
            assert time.monotonic() - started < 3.0
            assert isinstance(caught.value, TransientError)
            assert isinstance(caught.value.__cause__, urllib3.exceptions.HTTPError)

    def test_server_errors_5xx_raise_storage_error(self) -> None:
        """An S3 5xx answer (after the client's retries) is a ``StorageError``, not a bug."""
        hits: list[str] = []

        class Unavailable(BaseHTTPRequestHandler):
            def _fail(self) -> None:
                hits.append(self.command)
                body = b"<Error><Code>ServiceUnavailable</Code><Message>down</Message></Error>"
                self.send_response(503)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._fail()

            def do_PUT(self) -> None:
                self._fail()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            store = S3ObjectStore(f"127.0.0.1:{server.server_address[1]}", "k", "s", region="us-east-1")
            with pytest.raises(StorageError):
                store.get_bytes("docs-bucket", "k")
            assert len(hits) == 3  # the request and DEFAULT_RETRIES retries
        finally:
            server.shutdown()
            server.server_close()

    def test_in_memory_outage_raises_storage_error(self) -> None:
        """The fake simulates an outage the way the adapter reports one."""
        fake = InMemoryObjectStore(unavailable=True)
        with pytest.raises(StorageError):
            fake.get_bytes("b", "k")
