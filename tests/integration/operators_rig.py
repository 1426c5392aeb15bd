"""A running docpipe for the operators' tests: real worker, real Flower, real brokers, real catalog.

``OperatorsRig`` uses the session's SeaweedFS and catalog database and starts, on free 127.0.0.1
ports, a ``celery -A workers worker -E`` and a ``celery -A workers flower`` (basic auth) on a
Valkey database of the session's own, with the outcome events on a RabbitMQ vhost of its own (as
in production). Buckets are unique per rig; ``stop()`` ends every process it started.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from schemas.events import ObjectEvent
from tests.integration.conftest import unique_bucket_name
from workers.broker.app import create_app
from workers.catalog.catalog import Catalog
from workers.devstack.processes import ManagedProcess, celery_command, free_port, wait_until
from workers.devstack.stack import PROJECT_ROOT, settings_env
from workers.intake.enqueue import Enqueuer
from workers.settings import (
    ArchiveSettings,
    CatalogSettings,
    FlowerSettings,
    PublishSettings,
    Settings,
    StorageSettings,
    WorkerSettings,
)
from workers.storage.s3 import S3ObjectStore
from workers.storage.seaweed import SeaweedServer

#: Flower's basic auth in the rig (a test value, not a secret of anyone's).
FLOWER_AUTH = "ops:rig-password"
#: Inputs the pipeline refuses (an empty file) and accepts (a seed made unique).
EMPTY_INPUT = b""


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def unique_seed(n: int = 3) -> bytes:
    """A seed made unique (one more closing line), so the catalog has never seen it."""
    data = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))[n].read_bytes()
    return data + f"\n\n（测试 {uuid.uuid4().hex[:12]}）\n".encode()


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """``check()``'s first truthy value within ``timeout`` seconds, else AssertionError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class OperatorsRig:
    """Settings, store, enqueuer, a worker and Flower for one test module."""

    def __init__(self, seaweed: SeaweedServer, tmp: Path, redis_url: str, catalog_url: str, amqp_url: str) -> None:
        self.tmp = tmp
        self.amqp_url = amqp_url
        self.settings = Settings(
            broker_url=SecretStr(redis_url),
            data_dir=tmp / "data",
            catalog=CatalogSettings(url=SecretStr(catalog_url)),
            publish=PublishSettings(url=SecretStr(amqp_url)),
            storage=StorageSettings(
                endpoint=seaweed.s3_endpoint,
                inbox_bucket=unique_bucket_name("in"),
                processed_bucket=unique_bucket_name("out"),
                failed_bucket=unique_bucket_name("failed"),
                archive_bucket=unique_bucket_name("arch"),
            ),
            worker=WorkerSettings(concurrency=2, events=True, max_retries=2, retry_backoff_max=2),
            flower=FlowerSettings(port=free_port(), basic_auth=SecretStr(FLOWER_AUTH)),
            archive=ArchiveSettings(enabled=False),
        )
        self.store = S3ObjectStore.from_settings(self.settings.storage)
        self.store.ensure_bucket(self.settings.storage.inbox_bucket)
        self.app = create_app(self.settings, worker=False)
        self.catalog = Catalog.connect(catalog_url, pool_size=2)
        self.enqueue = Enqueuer(self.app, self.catalog)
        self.worker_name = f"ops-{uuid.uuid4().hex[:8]}@rig"
        self.processes: list[ManagedProcess] = []
        self.flower_url = f"http://127.0.0.1:{self.settings.flower.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCPIPE_", "FLOWER_"))}
        env.update(settings_env(self.settings))
        env["DOCPIPE_LOG__FORMAT"] = "json"
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        return env

    def start(self, *, flower: bool = True) -> None:
        worker = ManagedProcess(
            "worker",
            celery_command("worker", "-E", "-c", "2", "-Q", "docpipe.process",
             "-n", self.worker_name, "--loglevel=INFO"),
            self.tmp / "worker.log",
            self.env(),
        )  # fmt: skip
        worker.start(cwd=PROJECT_ROOT)
        self.processes.append(worker)
        wait_until(
            lambda: bool(self.app.control.ping(destination=[self.worker_name], timeout=0.5)), 60, "worker", worker
        )
        if flower:
            self._start_flower()

    def restart_flower(self) -> None:
        """Stop Flower (it saves its state) and start it again on the same database."""
        flower = next(p for p in self.processes if p.name == "flower")
        flower.stop(20)
        self.processes.remove(flower)
        self._start_flower(warm_up=False)

    def _start_flower(self, *, warm_up: bool = True) -> None:
        port = self.settings.flower.port
        command = celery_command("flower", "--address=127.0.0.1", f"--port={port}",
                   "--persistent=True", f"--db={self.tmp / 'flower.db'}")  # fmt: skip  # as docpipe up runs it
        flower = ManagedProcess(
            "flower", command, self.tmp / "flower.log", self.env() | {"FLOWER_BASIC_AUTH": FLOWER_AUTH}
        )
        flower.start(cwd=PROJECT_ROOT)
        self.processes.append(flower)
        wait_until(lambda: self.flower_get("/healthcheck") is not None, 60, "flower", flower)
        if not warm_up:
            return
        # Flower answers before its event receiver listens: a first task it sees proves it does
        data = unique_seed()

        def sees_warm_up() -> bool:
            self.upload(f"warm-up/{uuid.uuid4().hex[:8]}.txt", data)
            time.sleep(1)
            tasks = self.flower_get("/api/tasks") or {}
            return any(t.get("state") == "SUCCESS" for t in tasks.values())

        wait_until(sees_warm_up, 60, "flower to receive task events", flower)

    def flower_get(self, path: str) -> Any:
        """GET ``path`` on Flower with basic auth: the decoded JSON (or text), None if it does not answer."""
        token = base64.b64encode(FLOWER_AUTH.encode()).decode()
        request = urllib.request.Request(self.flower_url + path, headers={"Authorization": f"Basic {token}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                body = response.read().decode()
        except OSError:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return body

    def upload(self, key: str, data: bytes) -> ObjectEvent:
        """PUT ``data`` in the inbox and enqueue it as the intake would."""
        bucket = self.settings.storage.inbox_bucket
        etag = self.store.put_bytes(bucket, key, data, "text/plain")
        event = ObjectEvent(bucket=bucket, key=key, size=len(data), etag=etag, source="upload")
        self.enqueue(event)
        return event

    def upload_state(self, key: str) -> str | None:
        row = self.catalog.row(
            "test",
            "SELECT state FROM uploads WHERE bucket = %s AND key = %s",
            (self.settings.storage.inbox_bucket, key),
        )
        return None if row is None else str(row["state"])

    def wait_done(self, *keys: str, timeout: float = 60) -> dict[str, str]:
        """Each key's final upload state, once all are final."""
        final = {"published", "duplicate", "failed", "superseded"}

        def states() -> dict[str, str] | None:
            found = {k: self.upload_state(k) or "" for k in keys}
            return found if all(s in final for s in found.values()) else None

        result: dict[str, str] = wait_for(states, timeout, f"outcomes of {keys}")
        return result

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop(10)
        self.processes.clear()
        self.enqueue.close()
        self.app.close()
