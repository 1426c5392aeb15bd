"""Retry and reprocess with a real worker: SeaweedFS, the session's catalog, the session's Valkey as
broker, ``celery -A workers worker`` (``tests.integration.test_service_e2e.Service``).

A failure a retry can fix: the task for an object version that is not in the inbox yet fails
``not_found``; once the same bytes are stored (same ETag), a retry publishes it. Reprocess runs a
published document through the core again. The catalog keeps every action and every failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from schemas.events import ObjectEvent
from tests.conftest import catalog_rows
from tests.integration.test_service_e2e import ROOT, Service, seed_bytes
from workers.catalog.operations import ActionRefusedError, Operations
from workers.errors import ObjectNotFoundError
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration

#: The installed command line.
DOCPIPE = str(Path(sys.executable).parent / "docpipe")


@pytest.fixture
def service(seaweed: SeaweedServer, tmp_path: Path, catalog_url: str, redis_server: str) -> Iterator[Service]:
    broker = f"{redis_server}/13"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    svc = Service(seaweed, tmp_path, broker, catalog_url)
    try:
        yield svc
    finally:
        svc.stop_workers()
        svc.catalog.close()
        client.flushdb()
        client.close()
        for name in (svc.settings.storage.inbox_bucket, svc.settings.storage.processed_bucket):
            with contextlib.suppress(ObjectNotFoundError):
                svc.store.remove_bucket(name)


def missing_object(service: Service, key: str, data: bytes) -> ObjectEvent:
    """An event for bytes not stored yet (their ETag is their MD5): its task fails ``not_found``."""
    return ObjectEvent(
        bucket=service.settings.storage.inbox_bucket,
        key=key,
        etag=hashlib.md5(data).hexdigest(),
        size=len(data),
        source="upload",
    )


def upload_row(service: Service, key: str) -> dict[str, Any]:
    rows = catalog_rows(
        service.settings.catalog_url,
        "SELECT u.*, f.code FROM uploads u LEFT JOIN failures f USING (upload_id) WHERE u.bucket = %s AND u.key = %s",
        (service.settings.storage.inbox_bucket, key),
    )
    return rows[0] if rows else {}


def wait_until(service: Service, check: Any, what: str, timeout: float = 40) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what} not reached within {timeout} s\n{service.logs()}")


def action(service: Service, action_id: int) -> dict[str, Any]:
    return catalog_rows(
        service.settings.catalog_url, "SELECT * FROM operator_actions WHERE action_id = %s", (action_id,)
    )[0]


def test_retry_publishes_a_fixed_failure_and_keeps_its_record(service: Service) -> None:
    """A not_found failure, the bytes stored, a retry: published, the first failure in the history,
    the action recorded with its actor and finished."""
    service.start_worker("ops1")
    data = seed_bytes(1)
    key = "late/A_RES_1.txt"
    service.enqueue(missing_object(service, key, data))
    failed = wait_until(
        service, lambda: upload_row(service, key).get("state") == "failed" and upload_row(service, key), "failure"
    )
    assert failed["code"] == "not_found" and failed["doc_id"] is None
    assert service.store.put_bytes(service.settings.storage.inbox_bucket, key, data) == failed["etag"]

    ops = Operations.from_settings(service.settings, service.catalog)
    result = ops.retry(str(failed["upload_id"]), "alice")
    assert result.task_id and result.upload_id == failed["upload_id"]
    done = wait_until(
        service,
        lambda: action(service, result.action_id)["done_at"] and action(service, result.action_id),
        "action done",
    )
    assert done["outcome"] == "published" and done["actor"] == "alice" and done["action"] == "retry"
    assert done["code"] == "not_found" and done["requested_at"] <= done["done_at"]
    row = upload_row(service, key)
    assert row["state"] == "published" and row["code"] is None and row["pending_action"] is None
    doc_id = hashlib.sha256(data).hexdigest()
    assert row["doc_id"] == doc_id
    history = catalog_rows(
        service.settings.catalog_url, "SELECT * FROM failure_history WHERE upload_id = %s", (failed["upload_id"],)
    )
    assert [(h["code"], h["action_id"]) for h in history] == [("not_found", result.action_id)]
    assert service.store.exists(service.settings.storage.processed_bucket, f"{doc_id}/document.json")
    with pytest.raises(ActionRefusedError):
        ops.retry(str(failed["upload_id"]), "alice")  # published: nothing to retry


def test_reprocess_runs_the_core_again(service: Service) -> None:
    """A published document reprocessed: a new attempt that rewrites the output (not reused), its
    outcome event sent again, the action finished; the document stays published."""
    service.start_worker("ops2")
    data = seed_bytes(2)
    event = service.upload("re/A_RES_2.txt", data)
    service.enqueue(event)
    doc_id = hashlib.sha256(data).hexdigest()
    wait_until(service, lambda: upload_row(service, event.key).get("state") == "published", "published")
    out = service.settings.storage.processed_bucket
    first_write = service.store.stat(out, f"{doc_id}/document.json").last_modified
    time.sleep(1.1)  # the store's modification times have a resolution of a second

    ops = Operations.from_settings(service.settings, service.catalog)
    result = ops.reprocess(doc_id[:10], "bob")
    assert result.doc_id == doc_id and result.action == "reprocess"
    done = wait_until(
        service,
        lambda: action(service, result.action_id)["done_at"] and action(service, result.action_id),
        "reprocessed",
    )
    assert done["outcome"] == "published" and done["actor"] == "bob"
    attempts = catalog_rows(
        service.settings.catalog_url,
        "SELECT number, outcome, timings FROM attempts WHERE upload_id = %s ORDER BY number",
        (result.upload_id,),
    )
    assert [(a["number"], a["outcome"]) for a in attempts] == [(1, "processed"), (2, "processed")]
    assert "output_reused" not in attempts[1]["timings"] and "store_ms" in attempts[1]["timings"]
    assert service.store.stat(out, f"{doc_id}/document.json").last_modified > first_write
    # the same content and pipeline version: the same (deterministic) event id, re-sent and recorded once
    events = catalog_rows(
        service.settings.catalog_url,
        "SELECT routing_key, published_at FROM events WHERE upload_id = %s",
        (result.upload_id,),
    )
    assert [e["routing_key"] for e in events] == ["document.processed"] and events[0]["published_at"]
    assert catalog_rows(service.settings.catalog_url, "SELECT state FROM documents WHERE doc_id = %s", (doc_id,)) == [
        {"state": "published"}
    ]


def test_a_retry_that_fails_again_is_recorded_beside_the_first(service: Service) -> None:
    """Bytes the core refuses: the retry fails again; both failures are on record, the action's
    outcome is failed."""
    service.start_worker("ops3")
    event = service.upload("bad/blob.bin", bytes(range(256)) * 4 + seed_bytes(0)[:16])
    service.enqueue(event)
    failed = wait_until(
        service, lambda: upload_row(service, event.key).get("code") and upload_row(service, event.key), "failure"
    )
    ops = Operations.from_settings(service.settings, service.catalog)
    result = ops.retry(failed["doc_id"], "carol")  # by document id: its latest failed upload
    done = wait_until(
        service, lambda: action(service, result.action_id)["done_at"] and action(service, result.action_id), "retried"
    )
    assert done["outcome"] == "failed"
    now = upload_row(service, event.key)
    assert now["state"] == "failed" and now["code"] == failed["code"]
    history = catalog_rows(
        service.settings.catalog_url,
        "SELECT code, failed_at FROM failure_history WHERE upload_id = %s",
        (now["upload_id"],),
    )
    current = catalog_rows(
        service.settings.catalog_url, "SELECT failed_at FROM failures WHERE upload_id = %s", (now["upload_id"],)
    )
    assert len(history) == 1 and len(current) == 1 and current[0]["failed_at"] > history[0]["failed_at"]


def test_cli_retries_a_code_and_reprocesses(service: Service) -> None:
    """``docpipe retry --code not_found`` sends both failed uploads again; both are published;
    ``docpipe reprocess`` runs one again; an unknown document is refused."""
    service.start_worker("ops4")
    keys, datas = ["late/one.txt", "late/two.txt"], [seed_bytes(0), seed_bytes(3)]
    for key, data in zip(keys, datas, strict=True):
        service.enqueue(missing_object(service, key, data))
    for key in keys:
        wait_until(service, lambda k=key: upload_row(service, k).get("state") == "failed", f"{key} failed")
    for key, data in zip(keys, datas, strict=True):
        service.store.put_bytes(service.settings.storage.inbox_bucket, key, data)
    cli = subprocess.run(
        [DOCPIPE, "retry", "--code", "not_found", "--actor", "dave"],
        check=False,
        cwd=ROOT,
        env=service.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cli.returncode == 0, cli.stderr
    assert sum(line.startswith("retry #") for line in cli.stdout.splitlines()) >= 2
    for key in keys:
        wait_until(service, lambda k=key: upload_row(service, k).get("state") == "published", f"{key} published")
    actors = catalog_rows(
        service.settings.catalog_url,
        "SELECT a.actor, a.outcome FROM operator_actions a JOIN uploads u USING (upload_id) WHERE u.key = ANY(%s)",
        (keys,),
    )
    assert sorted((a["actor"], a["outcome"]) for a in actors) == [("dave", "published"), ("dave", "published")]
    doc = hashlib.sha256(datas[0]).hexdigest()
    again = subprocess.run(
        [DOCPIPE, "reprocess", doc[:10], "--actor", "dave", "--note", "pipeline upgrade"],
        check=False,
        cwd=ROOT,
        env=service.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and again.stdout.startswith("reprocess #"), again.stderr
    action_id = int(again.stdout.split("#", 1)[1].split()[0])
    done = wait_until(
        service, lambda: action(service, action_id)["done_at"] and action(service, action_id), "reprocessed"
    )
    assert (done["outcome"], done["note"], done["doc_id"]) == ("published", "pipeline upgrade", doc)
    reprocess = subprocess.run(
        [DOCPIPE, "reprocess", "0" * 12],
        check=False,
        cwd=ROOT,
        env=service.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert reprocess.returncode == 1 and "no document" in reprocess.stderr
