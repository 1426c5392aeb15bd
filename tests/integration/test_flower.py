"""Failures where operators already look: Flower's HTTP API, against a real worker and Flower.

A bad input is a FAILURE task whose exception carries the failure's code and reason (the same the
catalog recorded, with its ``document.failed`` event sent and the message acknowledged); a good
input and a duplicate are SUCCESS; every task is named after its document's key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.operators_rig import EMPTY_INPUT, OperatorsRig, rabbitmqctl, unique_seed, wait_for
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", name="rig")
def _rig(
    seaweed: SeaweedServer, redis_server: str, catalog_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OperatorsRig]:
    vhost = f"docpipe-flower-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    rig = OperatorsRig(
        seaweed, Path(tmp_path_factory.mktemp("flower")), f"{redis_server}/11", catalog_url,
        f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
    )  # fmt: skip
    try:
        rig.start(flower=True)
        yield rig
    finally:
        rig.stop()
        rabbitmqctl("delete_vhost", vhost)


def flower_tasks(rig: OperatorsRig) -> dict[str, dict[str, Any]]:
    tasks = rig.flower_get("/api/tasks")
    return tasks if isinstance(tasks, dict) else {}


def test_bad_input_is_a_failure_task_with_its_reason(rig: OperatorsRig) -> None:
    """The empty upload's task is FAILURE in Flower, its exception the catalog's code and reason."""
    seed = unique_seed()
    rig.upload("good/res.txt", seed)
    rig.upload("good/copy.txt", seed)  # the same bytes: a duplicate
    rig.upload("bad/empty.txt", EMPTY_INPUT)
    states = rig.wait_done("good/res.txt", "good/copy.txt", "bad/empty.txt")
    assert sorted(states.values()) == ["duplicate", "failed", "published"], states
    bucket = rig.settings.storage.inbox_bucket
    failure = rig.catalog.row(
        "test",
        "SELECT f.code, f.reason, f.task_id FROM failures f JOIN uploads u USING (upload_id) "
        "WHERE u.bucket = %s AND u.key = %s",
        (bucket, "bad/empty.txt"),
    )
    assert failure is not None and failure["code"] == "empty"

    def settled() -> dict[str, dict[str, Any]] | None:
        by_name = {t.get("name"): t for t in flower_tasks(rig).values()}
        wanted = [f"process {bucket}/{k}" for k in ("good/res.txt", "good/copy.txt", "bad/empty.txt")]
        done = all(by_name.get(n, {}).get("state") in {"SUCCESS", "FAILURE"} for n in wanted)
        return by_name if done else None

    by_name = wait_for(settled, 30, "Flower to see the three tasks finish")
    bad = by_name[f"process {bucket}/bad/empty.txt"]
    assert bad["state"] == "FAILURE", bad
    assert bad["uuid"] == failure["task_id"]
    assert "DocumentFailedError" in bad["exception"]
    assert f"{failure['code']}: {failure['reason']}" in bad["exception"], bad["exception"]
    for key in ("good/res.txt", "good/copy.txt"):  # either may be the duplicate: two pool processes race
        task = by_name[f"process {bucket}/{key}"]
        assert task["state"] == "SUCCESS" and task["result"] == repr(states[key]), task


def test_failed_message_is_acknowledged_and_announced(rig: OperatorsRig) -> None:
    """After the FAILURE nothing is redelivered or retried: the queue is empty, one failure event stored."""
    key = f"bad/{uuid.uuid4().hex[:6]}.txt"
    rig.upload(key, EMPTY_INPUT)
    assert rig.wait_done(key) == {key: "failed"}
    bucket = rig.settings.storage.inbox_bucket
    events = rig.catalog.rows(
        "test",
        "SELECT e.routing_key, e.published_at FROM events e JOIN uploads u USING (upload_id) "
        "WHERE u.bucket = %s AND u.key = %s",
        (bucket, key),
    )
    assert [e["routing_key"] for e in events] == ["document.failed"] and events[0]["published_at"] is not None

    def queue_empty() -> bool:
        import redis

        client = redis.Redis.from_url(rig.settings.broker)
        try:
            return client.llen("docpipe.process") == 0 and client.hlen("unacked") == 0
        finally:
            client.close()

    wait_for(queue_empty, 20, "the process queue and the unacked set to empty")
    attempts = rig.catalog.row("test", "SELECT attempts FROM uploads WHERE bucket = %s AND key = %s", (bucket, key))
    assert attempts is not None and attempts["attempts"] == 1
    assert rig.processes[0].exit_code is None, "the worker is still running"


def test_history_survives_a_restart_of_flower(rig: OperatorsRig) -> None:
    """Flower runs persistent (as ``docpipe up`` starts it): after a restart the failed task is still listed."""
    key = f"bad/{uuid.uuid4().hex[:6]}.txt"
    rig.upload(key, EMPTY_INPUT)
    assert rig.wait_done(key) == {key: "failed"}
    name = f"process {rig.settings.storage.inbox_bucket}/{key}"

    def failed_task() -> dict[str, Any] | None:
        return next((t for t in flower_tasks(rig).values() if t.get("name") == name and t["state"] == "FAILURE"), None)

    before = wait_for(failed_task, 30, "Flower to list the failure")
    rig.restart_flower()
    after = wait_for(failed_task, 30, "the failure to be listed after the restart")
    assert after["uuid"] == before["uuid"] and after["exception"] == before["exception"]
