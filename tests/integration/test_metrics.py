"""``GET /metrics`` against a real worker and catalog: ``promtool check metrics`` accepts scrapes
taken before, during and after a run, and the figures are the catalog's."""

from __future__ import annotations

import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.operators_rig import EMPTY_INPUT, OperatorsRig, rabbitmqctl, unique_seed, wait_for
from workers.storage.seaweed import SeaweedServer
from workers.web.app import create_web_app
from workers.web.server import WebServer

pytestmark = pytest.mark.integration

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(scope="module", name="rig")
def _rig(
    seaweed: SeaweedServer, redis_server: str, catalog_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OperatorsRig]:
    vhost = f"docpipe-metrics-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    rig = OperatorsRig(
        seaweed, Path(tmp_path_factory.mktemp("metrics")), f"{redis_server}/12", catalog_url,
        f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
    )  # fmt: skip
    try:
        yield rig  # the worker is started by the test, after the first scrape
    finally:
        rig.stop()
        rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(name="web")
def _web(rig: OperatorsRig) -> Iterator[WebServer]:
    server = WebServer(rig.settings, create_web_app(rig.settings, enqueue=rig.enqueue, catalog=rig.catalog), port=0)
    server.start()
    yield server
    server.stop()


def scrape(web: WebServer, folder: Path, name: str) -> tuple[str, Samples]:
    """One scrape, checked by promtool; its text and its samples."""
    with urllib.request.urlopen(f"{web.url}/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = response.read().decode()
    (folder / f"{name}.prom").write_text(text)
    checked = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    return text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def catalog_count(rig: OperatorsRig, query: str) -> dict[str, int]:
    return {str(r["k"]): int(r["n"]) for r in rig.catalog.rows("test", query)}


def test_scrapes_pass_promtool_and_match_the_catalog(rig: OperatorsRig, web: WebServer) -> None:
    """Queued, mid-run and finished scrapes are valid; the finished figures equal the catalog's counts."""
    before = scrape(web, rig.tmp, "before")[1]
    keys = []
    for n in range(8):
        seed = unique_seed(n % 4)
        keys.append(f"ok/{n}.txt")
        rig.upload(keys[-1], seed)
        if n < 2:
            keys.append(f"copy/{n}.txt")
            rig.upload(keys[-1], seed)
    for n in range(3):
        keys.append(f"bad/{n}.txt")
        rig.upload(keys[-1], EMPTY_INPUT + b"\n" * n)  # distinct bytes: three failures, no duplicate
    queued = scrape(web, rig.tmp, "queued")[1]  # no worker yet: every upload waits
    assert value(queued, "docpipe_backlog", state="queued") - value(before, "docpipe_backlog", state="queued") == 13
    assert value(queued, "docpipe_queue_messages", queue="docpipe.process") == 13
    assert value(queued, "docpipe_broker_up") == value(queued, "docpipe_catalog_up") == 1

    rig.start(flower=False)
    wait_for(lambda: (rig.upload_state("ok/0.txt") or "queued") != "queued", 60, "a first outcome")
    scrape(web, rig.tmp, "running")
    states = rig.wait_done(*keys)
    outcomes = sorted(states.values())
    assert (outcomes.count("published"), outcomes.count("duplicate"), outcomes.count("failed")) == (8, 2, 3)

    _, after = scrape(web, rig.tmp, "after")
    uploads = catalog_count(rig, "SELECT state AS k, count(*) AS n FROM uploads GROUP BY state")
    for state, n in uploads.items():
        assert value(after, "docpipe_uploads", state=state) == n, state
    documents = catalog_count(rig, "SELECT state AS k, count(*) AS n FROM documents GROUP BY state")
    for state, n in documents.items():
        assert value(after, "docpipe_documents", state=state) == n, state
    codes = catalog_count(rig, "SELECT code AS k, count(*) AS n FROM failures GROUP BY code")
    assert codes.get("empty", 0) >= 3
    for code, n in codes.items():
        assert value(after, "docpipe_failures", code=code) == n, code
    sent = catalog_count(
        rig, "SELECT routing_key AS k, count(*) AS n FROM events WHERE published_at IS NOT NULL GROUP BY routing_key"
    )
    for routing_key, n in sent.items():
        assert value(after, "docpipe_events_published_total", routing_key=routing_key) == n, routing_key
    grew = value(after, "docpipe_events_published_total", routing_key="document.processed") - value(
        before, "docpipe_events_published_total", routing_key="document.processed"
    )
    assert grew == 8
    totals = catalog_count(rig, "SELECT 'total' AS k, count(*) AS n FROM attempts WHERE timings ? 'total_ms'")
    assert value(after, "docpipe_stage_duration_seconds_count", stage="total") == totals["total"]
    assert value(after, "docpipe_stage_duration_seconds_bucket", stage="total", le="+Inf") == totals["total"]
    assert value(after, "docpipe_stage_duration_seconds_sum", stage="extracted") > 0
    assert value(after, "docpipe_backlog", state="queued") == uploads.get("queued", 0)
    assert value(after, "docpipe_queue_messages", queue="docpipe.process") == 0


def test_catalog_down_is_a_valid_scrape(rig: OperatorsRig) -> None:
    """An unreachable catalog gives ``docpipe_catalog_up 0``, still a valid exposition, no error."""
    from workers.catalog.catalog import Catalog
    from workers.devstack.processes import free_port
    from workers.web.metrics import metrics_registry

    dead = Catalog.connect(f"postgresql://postgres@127.0.0.1:{free_port()}/none", connect_timeout=1)
    try:
        from prometheus_client import generate_latest

        text = generate_latest(metrics_registry(dead, rig.settings.broker)).decode()
    finally:
        dead.close()
    checked = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout
    assert "docpipe_catalog_up 0.0" in text and "docpipe_broker_up 1.0" in text
