"""``GET /metrics``: Prometheus metrics computed from the catalog at scrape time.

Nothing is counted in the worker processes (whose prefork pool would need a multiprocess
directory, and whose counts die with them): every scrape reads the catalog, the record of what
happened, so any number of workers, restarts included, give one consistent set of figures.

Metrics (all ``docpipe_*``)::

    documents{state}                       gauge      documents (content) by state
    uploads{state}                         gauge      uploads (object versions) by state
    failures{code}                         gauge      uploads whose recorded failure has this code
    backlog{state}                         gauge      uploads not finished: queued | processing
    backlog_oldest_seconds                 gauge      age of the oldest unfinished upload
    events_published_total{routing_key}    counter    outcome events sent (the outbox, published)
    events_unpublished                     gauge      outcome events stored but not sent yet
    stage_duration_seconds{stage}          histogram  per attempt, from ``attempts.timings``
    queue_messages{queue}                  gauge      messages waiting in the broker's queue
    broker_up, catalog_up                  gauge      1 when the scrape could read it

A catalog or broker that does not answer gives ``*_up 0`` and no figures of its own, never an error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import (
    CollectorRegistry,
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from workers.catalog.catalog import Catalog
from workers.errors import CatalogError
from workers.names import ARCHIVE_QUEUE, DEAD_LETTER_QUEUE, FAILED_QUEUE, PROCESS_QUEUE
from workers.settings import Settings

#: Upper bounds of the stage latency buckets, in milliseconds (``+Inf`` is added).
STAGE_BUCKETS_MS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)
#: Queues whose depth is reported.
QUEUES = (PROCESS_QUEUE, ARCHIVE_QUEUE, DEAD_LETTER_QUEUE, FAILED_QUEUE)
#: Every state the catalog's CHECK constraints allow, so each series exists from the first scrape.
DOCUMENT_STATES = ("received", "processing", "processed", "published", "failed")
UPLOAD_STATES = ("queued", "processing", "processed", "published", "duplicate", "failed", "superseded")

_STAGES_SQL = (
    "SELECT left(t.key, -3) AS stage, count(*) AS n, sum(t.value::float8) AS total_ms, ARRAY["
    + ", ".join(f"count(*) FILTER (WHERE t.value::float8 <= {b})" for b in STAGE_BUCKETS_MS)
    + "] AS buckets FROM attempts a, jsonb_each_text(a.timings) t "
    "WHERE t.key LIKE '%%\\_ms' GROUP BY t.key ORDER BY t.key"
)


class CatalogCollector:
    """A prometheus_client custom collector: every figure read when Prometheus scrapes."""

    def __init__(self, catalog: Catalog, broker_url: str = "") -> None:
        self.catalog = catalog
        self.broker_url = broker_url

    def describe(self) -> list[Metric]:
        return []  # figures are unknown until scraped: keep registration free of catalog reads

    def collect(self) -> Iterator[Metric]:
        try:
            metrics = list(self._catalog_metrics())
        except CatalogError:
            metrics = []
        yield GaugeMetricFamily("docpipe_catalog_up", "1 when the catalog answered this scrape", 1 if metrics else 0)
        yield from metrics
        yield from self._queue_metrics()

    def _count(self, what: str, query: str) -> dict[str, int]:
        return {str(r["k"]): int(r["n"]) for r in self.catalog.rows(what, query)}

    def _catalog_metrics(self) -> Iterator[Metric]:
        by_state = self._count("metrics", "SELECT state AS k, count(*) AS n FROM documents GROUP BY state")
        yield _gauge("docpipe_documents", "Documents (content) by state", "state", by_state, DOCUMENT_STATES)
        uploads = self._count("metrics", "SELECT state AS k, count(*) AS n FROM uploads GROUP BY state")
        yield _gauge("docpipe_uploads", "Uploads (object versions) by state", "state", uploads, UPLOAD_STATES)
        codes = self._count("metrics", "SELECT code AS k, count(*) AS n FROM failures GROUP BY code")
        yield _gauge("docpipe_failures", "Uploads whose recorded failure has this code", "code", codes, ())
        backlog = {s: uploads.get(s, 0) for s in ("queued", "processing")}
        yield _gauge("docpipe_backlog", "Uploads not finished yet", "state", backlog, ())
        oldest = self.catalog.row(
            "metrics",
            "SELECT coalesce(extract(epoch FROM now() - min(updated_at)), 0)::float8 AS age FROM uploads "
            "WHERE state IN ('queued', 'processing')",
        )
        yield GaugeMetricFamily(
            "docpipe_backlog_oldest_seconds",
            "Seconds since the oldest unfinished upload last changed",
            float(oldest["age"] if oldest else 0.0),
        )
        events = self.catalog.rows(
            "metrics",
            "SELECT routing_key, count(*) FILTER (WHERE published_at IS NOT NULL) AS sent, "
            "count(*) FILTER (WHERE published_at IS NULL) AS unsent FROM events GROUP BY routing_key",
        )
        sent = CounterMetricFamily("docpipe_events_published", "Outcome events sent", labels=["routing_key"])
        for row in events:
            sent.add_metric([row["routing_key"]], int(row["sent"]))
        yield sent
        yield GaugeMetricFamily(
            "docpipe_events_unpublished", "Outcome events stored, not sent yet", sum(int(r["unsent"]) for r in events)
        )
        yield self._stage_histogram()

    def _stage_histogram(self) -> Metric:
        family = HistogramMetricFamily(
            "docpipe_stage_duration_seconds", "Time per stage of each attempt (attempts.timings)", labels=["stage"]
        )
        for row in self.catalog.rows("metrics", _STAGES_SQL):
            bounds = [(f"{b / 1000:g}", int(n)) for b, n in zip(STAGE_BUCKETS_MS, row["buckets"], strict=True)]
            family.add_metric(
                [row["stage"]], [*bounds, ("+Inf", int(row["n"]))], sum_value=float(row["total_ms"] or 0) / 1000
            )
        return family

    def _queue_metrics(self) -> Iterator[Metric]:
        depths = queue_depths(self.broker_url) if self.broker_url else None
        up = 0 if depths is None else 1
        yield GaugeMetricFamily("docpipe_broker_up", "1 when the broker answered this scrape", up)
        if depths is not None:
            yield _gauge("docpipe_queue_messages", "Messages waiting in the broker's queue", "queue", depths, ())


def _gauge(name: str, doc: str, label: str, values: dict[str, int], always: tuple[str, ...]) -> Metric:
    family = GaugeMetricFamily(name, doc, labels=[label])
    for key in sorted({*always, *values}):
        family.add_metric([key], values.get(key, 0))
    return family


def queue_depths(url: str, timeout: float = 2.0) -> dict[str, int] | None:
    """Messages ready in each of ``QUEUES`` (0 for one never declared); None if the broker is down."""
    from kombu.connection import Connection

    depths: dict[str, int] = {}
    try:
        options = {"socket_timeout": timeout}
        with Connection(url, connect_timeout=timeout, transport_options=options) as conn:  # type: ignore[no-untyped-call]
            conn.ensure_connection(max_retries=1, timeout=timeout)
            for queue in QUEUES:
                channel = conn.channel()
                try:
                    depths[queue] = int(channel.queue_declare(queue, passive=True).message_count)
                except Exception:  # not declared yet (RabbitMQ closes the channel: open another)
                    depths[queue] = 0
                finally:
                    with contextlib.suppress(Exception):
                        channel.close()
    except Exception:
        return None
    return depths


def metrics_registry(catalog: Catalog, broker_url: str = "") -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CatalogCollector(catalog, broker_url))
    return registry


def metrics_routes(settings: Settings, catalog: Catalog | None) -> list[BaseRoute]:
    """``GET /metrics`` (the Prometheus text format), when the server has a catalog."""
    if catalog is None:
        return []
    registry = metrics_registry(catalog, settings.broker)

    async def metrics(_request: Request) -> Response:
        body: Any = await run_in_threadpool(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", metrics, methods=["GET"])]
