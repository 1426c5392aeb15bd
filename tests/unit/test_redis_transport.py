"""kombu's Redis channel with one client per pool (``workers.broker.redis_transport``), and the Celery
settings that go with it (real Redis, db 14)."""

from __future__ import annotations

import uuid

from kombu import Connection, Exchange, Queue

from workers.broker import redis_transport
from workers.broker.app import create_app
from workers.settings import Settings, WorkerSettings

REDIS_URL = "redis://127.0.0.1:6379/14"


def test_channel_reuses_one_client_per_pool() -> None:
    """The same client for every command on a pool; a new pool (fork, reconnect) gets a new one."""
    redis_transport.install()
    with Connection(REDIS_URL) as conn:
        channel = conn.default_channel
        assert isinstance(channel, redis_transport.Channel)
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is second and first.connection_pool is channel.pool
        given = object()
        with channel.conn_or_acquire(given) as client:
            assert client is given
        channel._disconnect_pools()
        with channel.conn_or_acquire() as third:
            assert third is not first and third.connection_pool is channel.pool
        assert conn.as_uri().startswith("redis://")


def test_messages_still_flow() -> None:
    """Publish and consume through a topic exchange, as the outcome events do."""
    redis_transport.install()
    exchange = Exchange(f"test-{uuid.uuid4().hex[:8]}", type="topic", durable=False)
    queue = Queue(f"test-{uuid.uuid4().hex[:8]}", exchange, routing_key="document.*", auto_delete=True)
    with Connection(REDIS_URL) as conn, conn.SimpleQueue(queue) as events:
        for n in range(3):
            conn.Producer().publish(
                {"n": n},
                exchange=exchange,
                routing_key="document.processed",
                serializer="json",
                declare=[exchange, queue],
            )
        got = []
        for _ in range(3):
            message = events.get(timeout=5)
            got.append(message.payload["n"])
            message.ack()
        assert sorted(got) == [0, 1, 2]
        queue(conn.default_channel).delete()


def test_task_events_follow_the_setting() -> None:
    """Task events are on by default (Flower shows every task) and off with ``worker.events`` false."""
    loud = create_app(Settings(redis_url=REDIS_URL)).conf
    assert loud.worker_send_task_events and loud.task_send_sent_event
    quiet = create_app(Settings(redis_url=REDIS_URL, worker=WorkerSettings(events=False))).conf
    assert not quiet.worker_send_task_events and not quiet.task_send_sent_event
