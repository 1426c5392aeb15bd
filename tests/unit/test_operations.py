"""``workers.catalog.operations`` over the real catalog, each sent task run at once by the real task
body (``handle``) with the fakes of ``test_tasks`` (in-memory store, recording publisher); and
migration 0002 down and up again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import catalog_rows, database_url
from tests.unit.test_tasks import publisher, seed, task_deps, upload
from workers.catalog.operations import ActionRefusedError, Operations
from workers.processing.deps import Deps
from workers.processing.job import handle


@pytest.fixture(name="deps")
def _deps(catalog_url: str) -> Iterator[Deps]:
    """As ``test_tasks``' own: buckets of this test's own, the real catalog."""
    with task_deps(catalog_url) as made:
        yield made


def run_task(deps: Deps, payload: dict[str, Any], task_id: str) -> str:
    """The task body's outcome; a failure it records and then raises (so Flower shows it) is ``failed``
    too: the tests read what happened from the catalog."""
    try:
        return handle(deps, payload, task_id=task_id)
    except Exception:
        return "failed"


class Runner:
    """A ``SendTask`` that runs the task body right away (or refuses, as a broker that is down)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.sent: list[dict[str, Any]] = []
        self.down = False

    def __call__(self, payload: dict[str, Any]) -> str:
        if self.down:
            raise ConnectionError("broker down")
        self.sent.append(payload)
        task_id = f"op-{uuid.uuid4().hex[:8]}"
        run_task(self.deps, payload, task_id)
        return task_id


def missing(deps: Deps, key: str, data: bytes) -> dict[str, Any]:
    """A task payload for bytes not in the inbox yet (their MD5 as ETag): it fails ``not_found``."""
    bucket = deps.settings.storage.inbox_bucket
    return {"bucket": bucket, "key": key, "etag": hashlib.md5(data).hexdigest(), "size": len(data), "source": "upload"}


def row(url: str, query: str, *params: Any) -> dict[str, Any]:
    rows = catalog_rows(url, query, params)
    assert len(rows) == 1, rows
    return rows[0]


class TestRetry:
    """Retrying failed uploads."""

    def test_fixed_failure_is_published_and_its_record_kept(self, deps: Deps, catalog_url: str) -> None:
        """not_found, the bytes stored, a retry: published; the action done with its outcome; the
        first failure in the history; attempts counted from the retry."""
        data = seed(2)
        payload = missing(deps, "late/a.txt", data)
        assert run_task(deps, payload, "t1") == "failed"
        failed = row(catalog_url, "SELECT * FROM uploads WHERE bucket = %s AND key = 'late/a.txt'", payload["bucket"])
        deps.store.put_bytes(payload["bucket"], "late/a.txt", data)
        ops = Operations(deps.catalog, Runner(deps), inbox=deps.settings.storage.inbox_bucket)
        result = ops.retry(str(failed["upload_id"]), "alice", note="restored from backup")
        action = row(catalog_url, "SELECT * FROM operator_actions WHERE action_id = %s", result.action_id)
        assert (action["action"], action["actor"], action["note"], action["code"]) == (
            "retry",
            "alice",
            "restored from backup",
            "not_found",
        )
        assert action["outcome"] == "published" and action["done_at"] >= action["requested_at"]
        now = row(catalog_url, "SELECT * FROM uploads WHERE upload_id = %s", failed["upload_id"])
        assert now["state"] == "published" and now["pending_action"] is None
        assert (now["attempts"], now["attempt_base"]) == (2, 1)
        history = row(catalog_url, "SELECT * FROM failure_history WHERE upload_id = %s", failed["upload_id"])
        assert history["code"] == "not_found" and history["action_id"] == result.action_id
        assert catalog_rows(catalog_url, "SELECT 1 FROM failures WHERE upload_id = %s", (failed["upload_id"],)) == []
        assert publisher(deps).keys() == ["document.failed", "document.processed"]

    def test_only_failures_are_retried(self, deps: Deps, catalog_url: str) -> None:
        """A published upload, an unknown id or document, no actor, an upload of another bucket than
        the inbox: refused, nothing sent."""
        runner = Runner(deps)
        ops = Operations(deps.catalog, runner, inbox=deps.settings.storage.inbox_bucket)
        run_task(deps, upload(deps, "ok.txt", seed(3)), "t1")
        done = row(catalog_url, "SELECT upload_id FROM uploads WHERE bucket = %s", deps.settings.storage.inbox_bucket)
        for target in (str(done["upload_id"]), "999999999", "deadbeef" * 2, "not-an-id"):
            with pytest.raises(ActionRefusedError):
                ops.retry(target, "bob")
        with pytest.raises(ActionRefusedError):
            ops.reprocess("0" * 64, "bob")
        with pytest.raises(ActionRefusedError):
            ops.retry(str(done["upload_id"]), "")
        run_task(deps, missing(deps, "gone.txt", b"never stored"), "t2")
        gone = row(
            catalog_url,
            "SELECT upload_id FROM uploads WHERE bucket = %s AND key = 'gone.txt'",
            deps.settings.storage.inbox_bucket,
        )
        elsewhere = Operations(deps.catalog, runner, inbox="another-inbox")
        with pytest.raises(ActionRefusedError, match="not the inbox"):
            elsewhere.retry(str(gone["upload_id"]), "bob")  # its worker would refuse the task
        assert elsewhere.retry_code("not_found", "bob") == []
        assert runner.sent == []

    def test_retry_code_and_a_broker_that_refuses(self, deps: Deps, catalog_url: str) -> None:
        """Every failure of a code is retried, one action each; with the broker down the upload is left
        queued for the intake's sweep and the action says so."""
        code_tag = uuid.uuid4().hex[:6]
        datas = [seed(0), seed(1)]
        keys = [f"late/{code_tag}-{n}.txt" for n in range(2)]
        for key, data in zip(keys, datas, strict=True):
            run_task(deps, missing(deps, key, data), f"t-{key}")
            deps.store.put_bytes(deps.settings.storage.inbox_bucket, key, data)
        runner = Runner(deps)
        runner.down = True
        ops = Operations(deps.catalog, runner, inbox=deps.settings.storage.inbox_bucket)
        first_id = row(catalog_url, "SELECT upload_id FROM uploads WHERE key = %s", keys[0])["upload_id"]
        first = ops.retry(str(first_id), "carol")
        assert first.task_id == ""
        note = row(catalog_url, "SELECT note, done_at FROM operator_actions WHERE action_id = %s", first.action_id)
        assert note["note"] == "task not sent: ConnectionError" and note["done_at"] is None
        assert row(catalog_url, "SELECT state FROM uploads WHERE key = %s", keys[0])["state"] == "queued"
        runner.down = False
        results = [r for r in ops.retry_code("not_found", "carol") if r.key in keys]
        assert [r.key for r in results] == [keys[1]]  # the first is queued, no longer a failure
        assert row(catalog_url, "SELECT state FROM uploads WHERE key = %s", keys[1])["state"] == "published"


class TestReprocess:
    """Reprocessing a published document."""

    def test_reprocess_rewrites_the_output(self, deps: Deps, catalog_url: str) -> None:
        """A second processed attempt that writes the output again (not reused), the action done."""
        data = seed(3)
        run_task(deps, upload(deps, "r.txt", data), "t1")
        doc_id = hashlib.sha256(data).hexdigest()
        out = deps.settings.storage.processed_bucket
        deps.store.put_bytes(out, f"{doc_id}/document.json", b"{}")  # damage it: a reprocess must rewrite it
        ops = Operations(deps.catalog, Runner(deps), inbox=deps.settings.storage.inbox_bucket)
        result = ops.reprocess(doc_id[:12], "dave", note="pipeline upgrade")
        action = row(catalog_url, "SELECT * FROM operator_actions WHERE action_id = %s", result.action_id)
        assert (action["action"], action["outcome"], action["doc_id"]) == ("reprocess", "published", doc_id)
        timings = catalog_rows(
            catalog_url, "SELECT timings FROM attempts WHERE upload_id = %s ORDER BY number", (result.upload_id,)
        )
        assert len(timings) == 2 and "output_reused" not in timings[1]["timings"]
        assert deps.store.get_bytes(out, f"{doc_id}/document.json") != b"{}"
        assert row(catalog_url, "SELECT state FROM documents WHERE doc_id = %s", doc_id)["state"] == "published"


def test_migration_0002_goes_down_and_up(catalog_url: str) -> None:
    """Downgrading to 0001 removes what 0002 added; upgrading again restores it."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from workers.catalog.migrate import _sqlalchemy_url, alembic_config, drop_database, ensure_database, migrate

    url = database_url(f"docpipe_mig_{uuid.uuid4().hex[:8]}")
    ensure_database(url)
    try:
        migrate(url)
        engine = create_engine(_sqlalchemy_url(url), poolclass=NullPool)
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        engine.dispose()
        tables = {
            r["tablename"] for r in catalog_rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        assert "failure_history" not in tables and "operator_actions" in tables
        migrate(url)
        assert catalog_rows(url, "SELECT version_num FROM alembic_version") == [{"version_num": "0002"}]
    finally:
        drop_database(url)
