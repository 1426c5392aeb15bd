"""kombu's Redis transport without a new ``redis.Redis`` object per command.

kombu's Redis channel builds a fresh ``redis.Redis`` client (on the channel's shared connection
pool) for every command it sends outside its consumer loop: each task message sent, each ack, each
event published, each exchange lookup. With redis-py 8 constructing a client costs ~0.2 ms of CPU
(it rebuilds ~150 response callbacks), more than the command itself, and a document goes through
about ten of them (intake, worker, pool process). A client on a pool is stateless and thread-safe,
so ``Channel`` keeps one per pool and hands that out instead; the pool, connections, commands and
their order are unchanged. A new pool (after a fork or a reconnect) gets a new client.

``install()`` makes kombu's own Redis transport use this channel in the current process (called by
``workers.broker.app.create_app`` and ``workers.events.publisher.KombuPublisher``). URLs stay
``redis://…``, so Celery's banner, Flower's broker view and ``celery inspect`` see a plain Redis
broker.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    """A kombu Redis channel that reuses one client per connection pool."""

    _shared_client: Any = None

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        if client:
            yield client
            return
        pool = self.pool  # a new one after a fork or a disconnect
        shared = self._shared_client
        if shared is None or shared.connection_pool is not pool:
            shared = self._shared_client = self._create_client()  # type: ignore[no-untyped-call]
        yield shared


def install() -> None:
    """Channels opened from now on by kombu's Redis transport (``redis://``, ``rediss://``) in this
    process are ``Channel``s. Idempotent."""
    kombu_redis.Transport.Channel = Channel
