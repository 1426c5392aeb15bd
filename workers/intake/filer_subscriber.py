"""SeaweedFS filer metadata stream (gRPC ``SubscribeMetadata``) -> ``ObjectEvent``s, resumable.

The durable SeaweedFS intake: the filer replays its metadata log from a ``since_ns`` timestamp, so
a subscriber that saves its position after handling each event loses nothing across restarts
(at-least-once: an event whose handler did not return is delivered again).

    subscriber = FilerSubscriber(settings.intake.filer_grpc,
                                 checkpoint=CatalogCheckpointStore(catalog, "seaweedfs:inbox"))
    subscriber.run(enqueue, stop=stop_event)

Measured facts this relies on (SeaweedFS 4.48):

- ``since_ns`` is inclusive: the event at exactly ``since_ns`` is sent again, so events with
  ``ts_ns <=`` the position a connection started from are skipped here. Under concurrent writes
  the stream is not strictly ordered, so later events older than the newest seen are kept.
- ``client_id`` must be non-zero, or no live events arrive after the replay.
- The filer refuses a second subscription with a known ``client_id`` unless its ``client_epoch`` is
  higher ("duplicated local subscription", gRPC UNKNOWN); every connection therefore takes a new,
  increasing epoch, and that error is retried like UNAVAILABLE.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import zlib
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Protocol

import grpc

from schemas.events import ObjectEvent
from workers.backoff import Backoff
from workers.intake.notifications import SEAWEED_ETAG_ATTR, filer_etag, filer_event_kind, object_event_from_filer
from workers.storage._filer_pb import filer_pb2, filer_pb2_grpc

if TYPE_CHECKING:
    from workers.catalog.catalog import Catalog

log = logging.getLogger(__name__)

#: Seconds between saves while only skipped events (directories, other noise) arrive.
DEFAULT_CHECKPOINT_INTERVAL = 1.0
#: Reconnect backoff: first wait and cap, in seconds (doubling in between; a reconnect is cheap, and a
#: filer back from an outage should be followed again within seconds, before the reconciler's next pass).
DEFAULT_BACKOFF = Backoff(first=0.5, cap=5.0)
#: gRPC codes after which the subscriber reconnects instead of raising.
RETRYABLE_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,  # the filer's plain errors, e.g. "duplicated local subscription"
        grpc.StatusCode.CANCELLED,  # cancelled by the server (we only cancel when stopping)
    }
)
#: Channel options: keepalive no more often than SeaweedFS's servers allow (60 s).
CHANNEL_OPTIONS = (
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
)
_INT32_MAX = 2**31 - 1


class _EpochCounter:
    """``client_epoch`` values larger than any this process used, and than any an earlier process
    used (unless it reconnected more than once a second on average): seconds since 1970, or last + 1."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def __call__(self) -> int:
        with self._lock:
            self._last = min(max(self._last + 1, int(time.time())), _INT32_MAX)
            return self._last


_next_epoch = _EpochCounter()


def default_client_id(client_name: str) -> int:
    """A stable, non-zero int32 for a client name (the filer tracks subscribers by this id)."""
    return (zlib.crc32(client_name.encode("utf-8")) & _INT32_MAX) or 1


# --- checkpoints ------------------------------------------------------------------------------------


class CheckpointStore(Protocol):
    """Where a subscriber keeps its position: the ``ts_ns`` of the last event fully handled."""

    def load(self) -> int | None:
        """The saved position, or None when there is none yet."""
        ...

    def save(self, since_ns: int) -> None:
        """Replace the saved position."""
        ...


class MemoryCheckpointStore:
    """A position in memory (tests, one-off runs). ``saves`` counts ``save`` calls."""

    def __init__(self, since_ns: int | None = None) -> None:
        self.since_ns = since_ns
        self.saves = 0

    def load(self) -> int | None:
        return self.since_ns

    def save(self, since_ns: int) -> None:
        self.since_ns = since_ns
        self.saves += 1


class CatalogCheckpointStore:
    """A position in the catalog's ``checkpoints`` table; an outage raises ``CatalogError``."""

    def __init__(self, catalog: Catalog, name: str) -> None:
        self.catalog = catalog
        self.name = name

    def load(self) -> int | None:
        return self.catalog.load_checkpoint(self.name)

    def save(self, since_ns: int) -> None:
        self.catalog.save_checkpoint(self.name, since_ns)


# --- responses -> events ----------------------------------------------------------------------------


def _path(directory: str, entry: filer_pb2.Entry) -> str:
    return f"{directory.rstrip('/')}/{entry.name}"


def event_from_response(response: filer_pb2.SubscribeMetadataResponse) -> ObjectEvent | None:
    """The ``ObjectEvent`` of one metadata response, or None when it is not an object that now
    exists (deletes, directories, multipart parts, paths outside ``/buckets/<bucket>/``)."""
    note = response.event_notification
    has_old, has_new = note.HasField("old_entry"), note.HasField("new_entry")
    new_dir = note.new_parent_path or response.directory
    kind = filer_event_kind(
        _path(response.directory, note.old_entry) if has_old else None,
        _path(new_dir, note.new_entry) if has_new else None,
    )
    if kind is None or not has_new:
        return None
    entry = note.new_entry
    return object_event_from_filer(
        new_dir,
        entry.name,
        is_directory=entry.is_directory,
        size=entry.attributes.file_size,
        etag=filer_etag(entry.extended.get(SEAWEED_ETAG_ATTR), entry.attributes.md5),
        ts_ns=response.ts_ns,
        kind=kind,
        source="seaweedfs-grpc",
    )


# --- the subscriber ---------------------------------------------------------------------------------


class FilerSubscriber:
    """Follows the filer's metadata log under ``path_prefix`` and yields object events.

    Args:
        filer_grpc_addr: ``host:port`` of the filer's gRPC API (HTTP port + 10000).
        path_prefix: Only entries under this path (``/buckets/`` = every bucket).
        client_name: Shown in the filer's log.
        client_id: Non-zero int32, unique per subscriber on a filer (default: from ``client_name``).
        checkpoint: Where the position is loaded from and saved to.
        start_ns: Position when the checkpoint is empty (default: now; 0 replays the whole log).
        checkpoint_interval: Seconds between saves while only skipped events arrive.
        backoff: Waits between reconnects (``workers.backoff.Backoff``).
    """

    def __init__(
        self,
        filer_grpc_addr: str,
        path_prefix: str = "/buckets/",
        client_name: str = "docpipe",
        client_id: int | None = None,
        *,
        checkpoint: CheckpointStore,
        start_ns: int | None = None,
        checkpoint_interval: float = DEFAULT_CHECKPOINT_INTERVAL,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        client_id = default_client_id(client_name) if client_id is None else client_id
        if not 0 < abs(client_id) <= _INT32_MAX:
            raise ValueError(f"client_id must be a non-zero int32, not {client_id}")
        self.filer_grpc_addr = filer_grpc_addr
        self.path_prefix = path_prefix
        self.client_name = client_name
        self.client_id = client_id
        self.checkpoint = checkpoint
        self.start_ns = start_ns
        self.checkpoint_interval = checkpoint_interval
        self.backoff = backoff
        #: ts_ns of the last event handled or skipped (None before ``events`` starts).
        self.position: int | None = None
        self._saved: int | None = None
        self._last_save = 0.0

    def __repr__(self) -> str:
        return f"FilerSubscriber({self.filer_grpc_addr!r}, {self.path_prefix!r}, client_id={self.client_id})"

    def run(self, handler: Callable[[ObjectEvent], object], stop: threading.Event | None = None) -> None:
        """Call ``handler`` for each event until ``stop`` is set; the position is saved after each
        call returns. An exception from ``handler`` propagates; that event is delivered again on
        the next start."""
        with contextlib.closing(self.events(stop)) as events:
            for event in events:
                handler(event)

    def events(self, stop: threading.Event | None = None) -> Generator[ObjectEvent, None, None]:
        """Object events from the saved position on, forever (until ``stop`` is set or the
        generator is closed). An event counts as handled when the caller asks for the next one;
        only then is its position saved."""
        stop = stop or threading.Event()
        self.position = position = self._initial_position()
        attempt = 0
        try:
            while not stop.is_set():
                received = False
                try:
                    connected_since = position
                    with contextlib.closing(self._stream(stop, connected_since)) as stream:
                        for response in stream:
                            received = True
                            if stop.is_set():
                                return
                            if response.ts_ns <= connected_since:
                                continue  # since_ns is inclusive: the boundary event was handled
                            # The stream is not strictly ordered under concurrent writes: an event
                            # older than the newest one seen is still new, so only the connection's
                            # starting point filters (the catalog dedupes anything seen twice).
                            event = event_from_response(response)
                            if event is not None:
                                yield event  # the caller handles it before asking for the next one
                            position = max(position, response.ts_ns)
                            self._advance(position, force=event is not None)
                    log.info("filer %s closed the metadata stream; reconnecting", self.filer_grpc_addr)
                except grpc.RpcError as exc:
                    code = exc.code() if isinstance(exc, grpc.Call) else None
                    if stop.is_set():
                        return
                    if code not in RETRYABLE_CODES:
                        raise
                    details = exc.details() if isinstance(exc, grpc.Call) else exc
                    log.warning("filer %s: %s %s; reconnecting", self.filer_grpc_addr, code, details)
                attempt = 0 if received else attempt + 1
                if stop.wait(self.backoff.delay(attempt)):
                    return
        finally:
            if self.position is not None and self.position != self._saved:
                self._save(self.position)

    # --- internals ---------------------------------------------------------------------------------

    def prime(self) -> int:
        """Fix the starting position now (saved when there was none): uploads after this call are
        replayed from the filer's log whenever the stream connects, however late that is."""
        return self._initial_position()

    def _initial_position(self) -> int:
        saved = self.checkpoint.load()
        if saved is not None:
            self._saved = saved
            return saved
        position = time.time_ns() if self.start_ns is None else self.start_ns
        self._save(position)  # a restart before the first event resumes from here, not from "now"
        return position

    def _advance(self, ts_ns: int, *, force: bool) -> None:
        self.position = ts_ns
        if force or time.monotonic() - self._last_save >= self.checkpoint_interval:
            self._save(ts_ns)

    def _save(self, ts_ns: int) -> None:
        self.checkpoint.save(ts_ns)
        self._saved = ts_ns
        self._last_save = time.monotonic()

    def _stream(
        self, stop: threading.Event, since_ns: int
    ) -> Generator[filer_pb2.SubscribeMetadataResponse, None, None]:
        """One connection's responses; cancelled from a watcher thread as soon as ``stop`` is set."""
        request = filer_pb2.SubscribeMetadataRequest(
            client_name=self.client_name,
            path_prefix=self.path_prefix,
            since_ns=since_ns,
            client_id=self.client_id,
            client_epoch=_next_epoch(),
        )
        done = threading.Event()
        with grpc.insecure_channel(self.filer_grpc_addr, options=CHANNEL_OPTIONS) as channel:
            stub = filer_pb2_grpc.SeaweedFilerStub(channel)  # type: ignore[no-untyped-call]
            call = stub.SubscribeMetadata(request)

            def cancel_on_stop() -> None:
                while not done.is_set():
                    if stop.wait(0.1):
                        call.cancel()
                        return

            watcher = threading.Thread(target=cancel_on_stop, name="filer-subscriber-stop", daemon=True)
            watcher.start()
            try:
                yield from call
            finally:
                done.set()
                call.cancel()
                watcher.join()
