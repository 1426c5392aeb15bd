# mypy: disable-error-code="no-untyped-call"
"""Chaos suite: faults, bursts and hostile inputs against a real stack, with figures per scenario.

Everything runs on components started here, on free 127.0.0.1 ports, so nothing another person
uses is restarted: SeaweedFS (``weed mini``), a Valkey without persistence (the Redis broker), an
embedded PostgreSQL (the catalog), a real ``celery -A workers worker`` (-c 2) and the intake (filer
subscriber and reconciler) in this process. With ``--broker rabbitmq`` the tasks and events go
through a vhost of its own on the machine's RabbitMQ, whose "restart" is a forced close of every
connection of that vhost (``rabbitmqctl close_all_connections``).

Scenarios (``--only`` to pick): ``burst``, ``kill-pool`` (SIGKILL of pool processes all along),
``kill-main`` (SIGKILL of the worker's whole process group mid-run, then a new worker),
``broker-restart``, ``catalog-restart``, ``store-outage`` (60 s, ``--outage``), ``bad-inputs``
(>= 500 generated hostile inputs, ``bench/chaos_inputs.py``; the 100 MB-XML .docx among them, its
time to failure and the pool's peak RSS reported), ``startup-burst`` (a fresh intake and a burst
once it is up: how many were enqueued by the subscriber, how many left to the reconciler).

Each prints: uploaded / completed / failed-with-reason / lost / duplicated / crashed, where
``lost`` = uploads with no outcome at the end, ``duplicated`` = outputs written twice for one
document plus outcome events delivered twice, ``crashed`` = worker main processes that died
without being killed here. ``--short`` is the CI size (a test runs it); the default is the full one.

    .venv/bin/python bench/chaos.py                 # full: 10,000-document burst, 60 s outage
    .venv/bin/python bench/chaos.py --short --json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from chaos_inputs import bad_inputs  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from workers.catalog.migrate import ensure_database, migrate  # noqa: E402
from workers.devstack.postgres import EmbeddedPostgres  # noqa: E402
from workers.devstack.processes import ManagedProcess, celery_command, free_port  # noqa: E402
from workers.devstack.stack import settings_env  # noqa: E402
from workers.devstack.valkey import ValkeyServer  # noqa: E402
from workers.errors import StorageError  # noqa: E402
from workers.settings import CatalogSettings, IntakeSettings, Settings, StorageSettings, WorkerSettings  # noqa: E402
from workers.storage.s3 import S3ObjectStore  # noqa: E402
from workers.storage.seaweed import SeaweedPorts, SeaweedServer  # noqa: E402

SEEDS = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
TERMINAL = ("published", "duplicate", "failed", "superseded")


@dataclass
class Figures:
    scenario: str
    uploaded: int = 0
    completed: int = 0
    failed_with_reason: int = 0
    failed_without_reason: int = 0
    lost: int = 0
    duplicated: int = 0
    crashed: int = 0
    seconds: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)


class EventCounter:
    """Counts deliveries of each outcome event id (a consumer that reconnects after broker faults)."""

    def __init__(self, url: str, exchange: str) -> None:
        from kombu import Exchange, Queue

        self.url = url
        self.queue = Queue(
            f"chaos-{uuid.uuid4().hex[:8]}",
            Exchange(exchange, type="topic", durable=True),
            routing_key="document.*",
            durable=True,
        )
        self.ids: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(20)

    def _run(self) -> None:
        from kombu import Connection

        while not self._stop.is_set():
            try:
                with (
                    Connection(self.url, connect_timeout=3) as conn,
                    conn.Consumer([self.queue], callbacks=[self._on], accept=None),
                ):
                    self._ready.set()
                    while not self._stop.is_set():
                        with contextlib.suppress(TimeoutError):
                            conn.drain_events(timeout=0.5)
            except Exception:  # the broker went away: reconnect
                self._stop.wait(1)

    def _on(self, _body: Any, message: Any) -> None:
        raw = message.body
        self.ids[json.loads(raw)["id"]] += 1
        message.ack()

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.ids.values() if n > 1)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class Rig:
    """The components, their settings, and the faults."""

    def __init__(self, folder: Path, broker: str, args: argparse.Namespace) -> None:
        self.folder, self.args = folder, args
        self.seaweed = SeaweedServer(folder / "seaweed", ports=SeaweedPorts.free())
        self.valkey: ValkeyServer | None = None
        self.postgres = EmbeddedPostgres(folder / "postgres", free_port(), folder / "postgres.log")
        self.broker_kind = broker
        self.amqp_vhost: str | None = None
        self.worker: ManagedProcess | None = None
        self.killed_by_us = 0
        self.crashes = 0
        #: Set while this rig kills and restarts the worker itself (its exit is no crash).
        self.restarting = threading.Event()
        #: Children are started from this one long-lived thread: they get SIGTERM when the thread
        #: that started them ends (PR_SET_PDEATHSIG), and the fault threads are short-lived.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="chaos-spawner")
        self.intake: Any = None

    def start(self) -> None:
        self.spawn(self._start)

    def _start(self) -> None:
        self.seaweed.start(90)
        self.postgres.start()
        ensure_database(self.postgres.url)
        migrate(self.postgres.url)
        if self.broker_kind == "redis":
            self.valkey = ValkeyServer(self.folder / "valkey", free_port(), persistent=False)
            self.valkey.start()
            broker = self.valkey.url
        else:
            import subprocess

            self.amqp_vhost = f"docpipe-chaos-{uuid.uuid4().hex[:8]}"
            subprocess.run(["rabbitmqctl", "-q", "add_vhost", self.amqp_vhost], check=True, capture_output=True)
            subprocess.run(
                ["rabbitmqctl", "-q", "set_permissions", "-p", self.amqp_vhost, "guest", ".*", ".*", ".*"],
                check=True,
                capture_output=True,
            )
            broker = f"amqp://guest:guest@127.0.0.1:5672/{self.amqp_vhost}"
        self.settings = Settings(
            broker_url=SecretStr(broker),
            data_dir=self.folder,
            catalog=CatalogSettings(url=SecretStr(self.postgres.url)),
            storage=StorageSettings(
                endpoint=self.seaweed.s3_endpoint,
                inbox_bucket="chaos-inbox",
                processed_bucket="chaos-out",
                failed_bucket="chaos-failed",
            ),
            # Redis: a killed worker's tasks come back after the visibility timeout; retries
            # (capped at half of it) still span more than a 60 s outage: 1+2+4+8+15*8 s, >= 67 s with jitter.
            worker=WorkerSettings(
                concurrency=2,
                visibility_timeout=30,
                task_time_limit=20,
                retry_backoff_max=15,
                max_retries=12,
                events=False,
            ),
            intake=IntakeSettings(filer_grpc=self.seaweed.filer_grpc, reconcile_interval=5.0, drop_enabled=False),
        )
        self.store = S3ObjectStore.from_settings(self.settings.storage)
        for bucket in ("chaos-inbox", "chaos-out", "chaos-failed"):
            self.store.ensure_bucket(bucket)
        self._start_worker()
        self.start_intake()

    # -- parts --------------------------------------------------------------------------------
    def spawn(self, start: Callable[[], Any]) -> Any:
        return self._spawner.submit(start).result()

    def start_worker(self) -> None:
        if threading.current_thread().name.startswith("chaos-spawner"):
            self._start_worker()
        else:
            self.spawn(self._start_worker)

    def _start_worker(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")} | settings_env(self.settings)
        env |= {"PYTHONPATH": str(ROOT), "DOCPIPE_LOG__FORMAT": "json"}
        command = celery_command(
            "worker",
            "-c",
            "2",
            "-Q",
            "docpipe.process",
            "-n",
            f"chaos-{uuid.uuid4().hex[:6]}@localhost",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
        )
        self.worker = ManagedProcess("worker", command, self.folder / "worker.log", env)
        self.worker.start(cwd=ROOT)

    def check_worker(self) -> None:
        """A worker main process that died without us: a crash (counted), replaced."""
        if not self.restarting.is_set() and self.worker is not None and self.worker.exit_code is not None:
            self.crashes += 1
            self.start_worker()

    def start_intake(self, inbox: str | None = None, reconcile: float | None = None) -> Any:
        from workers.intake.service import IntakeService

        settings = self.settings
        if inbox or reconcile:
            settings = settings.model_copy(
                update={
                    "storage": settings.storage.model_copy(
                        update={"inbox_bucket": inbox or settings.storage.inbox_bucket}
                    ),
                    "intake": settings.intake.model_copy(update={"reconcile_interval": reconcile or 5.0}),
                }
            )
        intake = IntakeService(settings, store=self.store, web=False, dropfolder=False)
        intake.start()
        if inbox is None:
            self.intake = intake
        return intake

    def pool_pids(self) -> list[int]:
        if self.worker is None or self.worker.pid is None:
            return []
        with contextlib.suppress(OSError):
            return [
                int(p) for p in Path(f"/proc/{self.worker.pid}/task/{self.worker.pid}/children").read_text().split()
            ]
        return []

    def kill_worker(self) -> None:
        assert self.worker is not None and self.worker.pid is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.stop(1)

    def restart_broker(self, down: float) -> None:
        if self.valkey is not None:
            port = self.valkey.port
            self.valkey.stop(0)  # SIGTERM; nothing is persisted: every queue is gone
            time.sleep(down)
            self.valkey = ValkeyServer(self.folder / "valkey", port, persistent=False)
            self.spawn(self.valkey.start)
        else:
            import subprocess

            time.sleep(down / 2)
            subprocess.run(
                ["rabbitmqctl", "-q", "close_all_connections", "-p", str(self.amqp_vhost), "chaos"],
                check=False,
                capture_output=True,
            )

    def restart_catalog(self, down: float) -> None:
        port = self.postgres.port
        self.postgres.stop()
        time.sleep(down)
        self.postgres = EmbeddedPostgres(self.folder / "postgres", port, self.folder / "postgres.log")
        self.spawn(self.postgres.start)

    def store_outage(self, down: float) -> None:
        self.seaweed.stop()
        time.sleep(down)
        self.spawn(lambda: self.seaweed.start(90))

    def stop(self) -> None:
        if self.intake is not None:
            self.intake.stop()
        if self.worker is not None:
            self.worker.stop(10)
        for part in (self.valkey, self.postgres):
            if part is not None:
                with contextlib.suppress(Exception):
                    part.stop()
        self.seaweed.stop()
        self._spawner.shutdown()
        if self.amqp_vhost:
            import subprocess

            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.amqp_vhost], check=False, capture_output=True)

    # -- measuring ----------------------------------------------------------------------------
    def rows(self, prefix: str, bucket: str = "chaos-inbox") -> list[dict[str, Any]]:
        for _ in range(30):  # the catalog may be restarting
            try:
                with psycopg.connect(self.postgres.url, connect_timeout=3) as conn:
                    cur = conn.execute(
                        "SELECT u.key, u.state, u.source, u.doc_id, f.code, f.reason, u.done_at, u.queued_at "
                        "FROM uploads u LEFT JOIN failures f USING (upload_id) WHERE u.bucket = %s AND u.key LIKE %s",
                        (bucket, prefix + "%"),
                    )
                    names = [c.name for c in cur.description or []]
                    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            except psycopg.OperationalError:
                time.sleep(1)
        raise RuntimeError("catalog unreachable")

    def double_outputs(self, prefix: str) -> int:
        """Documents whose output was written by more than one attempt (``store_ms`` recorded)."""
        with psycopg.connect(self.postgres.url) as conn:
            row = conn.execute(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT u.doc_id, count(*) AS n FROM attempts a "
                "JOIN uploads u USING (upload_id) WHERE u.key LIKE %s AND a.timings ? 'store_ms' "
                "GROUP BY u.doc_id) t WHERE n > 1",
                (prefix + "%",),
            ).fetchone()
        return int(row[0]) if row else 0


def upload(rig: Rig, docs: list[tuple[str, bytes]], threads: int = 8, bucket: str = "chaos-inbox") -> dict[str, str]:
    """Upload in parallel (retrying through store outages); the ETag per uploaded key."""
    done: dict[str, str] = {}

    def put(item: tuple[str, bytes]) -> None:
        for _ in range(180):  # the store is down for a while in one scenario
            try:
                done[item[0]] = rig.store.put_bytes(bucket, item[0], item[1], "text/plain")
                return
            except StorageError:
                time.sleep(1)
            except Exception:  # a key the client or the store refuses (too long, '..'): never an upload
                return

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, docs))
    return done


def wait_terminal(rig: Rig, prefix: str, expected: int, timeout: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rig.check_worker()
        rows = rig.rows(prefix)
        if len(rows) >= expected and all(r["state"] in TERMINAL for r in rows):
            break
        time.sleep(1)
    return rows


def good_docs(prefix: str, count: int) -> list[tuple[str, bytes]]:
    run = uuid.uuid4().hex[:6]
    return [
        (f"{prefix}{i:05d}.txt", SEEDS[i % len(SEEDS)] + f"\n\n（混沌 {run} {i}）\n".encode()) for i in range(count)
    ]


def scenario(  # noqa: PLR0917 - one call site, read in order
    rig: Rig,
    name: str,
    docs: list[tuple[str, bytes]],
    fault: Callable[[], Any] | None,
    counter: EventCounter,
    timeout: float,
) -> Figures:
    prefix = f"{name}/"
    began = time.monotonic()
    crashes = rig.crashes
    thread = threading.Thread(target=fault, daemon=True) if fault else None
    if thread:
        thread.start()
    uploaded = upload(rig, docs)
    if thread:
        thread.join()
    rows = wait_terminal(rig, prefix, len(uploaded), timeout)
    states = Counter(r["state"] for r in rows)
    failed = [r for r in rows if r["state"] == "failed"]
    figures = Figures(
        name,
        uploaded=len(uploaded),
        completed=states["published"] + states["duplicate"],
        failed_with_reason=sum(1 for r in failed if r["code"] and r["reason"]),
        failed_without_reason=sum(1 for r in failed if not (r["code"] and r["reason"])),
        lost=len(uploaded) - sum(states[s] for s in TERMINAL),
        duplicated=rig.double_outputs(prefix),
        crashed=rig.crashes - crashes,
        seconds=round(time.monotonic() - began, 1),
    )
    figures.notes["failure_codes"] = dict(Counter(r["code"] for r in failed))
    figures.notes["enqueued_by"] = dict(Counter(r["source"] for r in rows))
    return figures


def run(args: argparse.Namespace) -> list[Figures]:  # noqa: PLR0915 - the scenarios, in order
    folder = Path(tempfile.mkdtemp(prefix="docpipe-chaos-"))
    folder.chmod(0o711)  # the embedded PostgreSQL runs as an unprivileged user under root
    rig = Rig(folder, args.broker, args)
    results: list[Figures] = []
    n = args.docs
    try:
        rig.start()
        counter = EventCounter(rig.settings.publish_url, rig.settings.publish.exchange)
        counter.start()
        wanted = args.only or [
            "burst",
            "kill-pool",
            "kill-main",
            "broker-restart",
            "catalog-restart",
            "store-outage",
            "bad-inputs",
            "startup-burst",
        ]
        stop_killing = threading.Event()

        def kill_pool() -> None:
            for _ in range(max(5, n // 15)):  # as many kills as the fault scenarios' documents / 15
                if stop_killing.wait(1.5):
                    return
                pids = rig.pool_pids()
                if pids:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(random.choice(pids), signal.SIGKILL)
                        rig.killed_by_us += 1

        def kill_main() -> None:
            time.sleep(0.5)
            rig.restarting.set()
            rig.kill_worker()
            killed = time.monotonic()
            time.sleep(1.0)
            rig.start_worker()
            rig.restarting.clear()
            results_notes["kill_main_restart_s"] = round(time.monotonic() - killed, 1)

        results_notes: dict[str, Any] = {}
        plans: dict[str, tuple[list[tuple[str, bytes]], Callable[[], Any] | None]] = {
            "burst": (good_docs("burst/", args.burst), None),
            "kill-pool": (good_docs("kill-pool/", n), kill_pool),
            "kill-main": (good_docs("kill-main/", n), kill_main),
            "broker-restart": (good_docs("broker-restart/", n), lambda: (time.sleep(0.3), rig.restart_broker(3))),
            "catalog-restart": (good_docs("catalog-restart/", n), lambda: (time.sleep(0.3), rig.restart_catalog(5))),
            "store-outage": (good_docs("store-outage/", n), lambda: (time.sleep(0.3), rig.store_outage(args.outage))),
        }
        for name in wanted:
            if name in plans:
                docs, fault = plans[name]
                figures = scenario(rig, name, docs, fault, counter, args.timeout)
                stop_killing.set()
                figures.notes |= {k: v for k, v in results_notes.items() if k.startswith(name.replace("-", "_"))}
                if name == "kill-pool":
                    figures.notes["pool_processes_killed"] = rig.killed_by_us
                stop_killing.clear()
            elif name == "bad-inputs":
                figures = bad_input_scenario(rig, args, counter)
            elif name == "startup-burst":
                figures = startup_burst(rig, args)
            else:
                raise SystemExit(f"no scenario {name}")
            results.append(figures)
            print(line(figures), file=sys.stderr, flush=True)
        time.sleep(2)
        event_duplicates = counter.duplicates()
        counter.stop()
        for figures in results:
            figures.notes["event_redeliveries_all_scenarios"] = event_duplicates
    finally:
        rig.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def bad_input_scenario(rig: Rig, args: argparse.Namespace, counter: EventCounter) -> Figures:
    inputs = list(bad_inputs(args.bad))
    docs = [(key, data) for _, key, data in inputs]
    bomb_key = next(key for label, key, _ in inputs if label == "docx-bomb")
    began = time.time()
    figures = scenario(rig, "bad", docs, None, counter, args.timeout)
    figures.scenario = "bad-inputs"
    rows = {r["key"]: r for r in rig.rows("bad/")}
    bomb = rows.get(bomb_key, {})
    if bomb.get("done_at") and bomb.get("queued_at"):
        figures.notes["docx_bomb_seconds_to_failure"] = round((bomb["done_at"] - bomb["queued_at"]).total_seconds(), 2)
    figures.notes["docx_bomb"] = f"{bomb.get('code')}: {bomb.get('reason')}"
    figures.notes["pool_peak_rss_mib"] = pool_peak_rss(rig)
    figures.notes["classes"] = len({label for label, _, _ in inputs})
    figures.notes["store_refused_keys"] = len(docs) - figures.uploaded
    figures.notes["wall_s_since_upload"] = round(time.time() - began, 1)
    return figures


def pool_peak_rss(rig: Rig) -> float:
    peaks = []
    for pid in rig.pool_pids():
        with contextlib.suppress(OSError):
            for row in Path(f"/proc/{pid}/status").read_text().splitlines():
                if row.startswith("VmHWM:"):
                    peaks.append(int(row.split()[1]) / 1024)
    return round(max(peaks, default=0.0), 1)


def startup_burst(rig: Rig, args: argparse.Namespace) -> Figures:
    """A fresh inbox and intake (no saved position), and a burst once ``start()`` returned and the
    reconciler's first pass (over the empty bucket) is over."""
    inbox = f"chaos-fresh-{uuid.uuid4().hex[:6]}"
    rig.store.ensure_bucket(inbox)
    began = time.monotonic()
    intake = rig.start_intake(inbox=inbox, reconcile=3600.0)  # its first pass runs now, on an empty bucket
    try:
        # The subscriber's position is fixed inside start(); the reconciler's first pass runs in its own
        # thread after the sweeps, and a pass that lists the bucket once the burst has begun rightly
        # enqueues what it sees first. Wait for that pass, so what is counted is the subscriber alone.
        first_pass = time.monotonic() + 30
        while intake.reconciler is not None and intake.reconciler.passes + intake.reconciler.errors == 0:
            if time.monotonic() > first_pass:
                break
            time.sleep(0.05)
        docs = good_docs("startup/", args.startup)
        uploaded = upload(rig, docs, bucket=inbox)
        deadline = time.monotonic() + args.timeout
        rows: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            rows = rig.rows("startup/", bucket=inbox)
            if len(rows) >= len(uploaded):
                break
            time.sleep(1)
    finally:
        intake.stop()
    sources = Counter(r["source"] for r in rows)
    enqueued = sum(sources.values())
    figures = Figures(
        "startup-burst",
        uploaded=len(uploaded),
        completed=enqueued,
        lost=len(uploaded) - enqueued,
        seconds=round(time.monotonic() - began, 1),
    )
    figures.notes["enqueued_by"] = dict(sources)
    figures.notes["left_to_reconciler"] = sources.get("reconciler", 0) + figures.lost
    figures.notes["counted"] = "enqueued (a worker on another inbox refuses them: only the intake is measured)"
    return figures


def line(f: Figures) -> str:
    return (
        f"{f.scenario:<16} uploaded {f.uploaded:>6}  completed {f.completed:>6}  failed-with-reason "
        f"{f.failed_with_reason:>5}  lost {f.lost:>3}  duplicated {f.duplicated:>3}  crashed {f.crashed:>2}  "
        f"{f.seconds:>7.1f} s  {json.dumps(f.notes, ensure_ascii=False, default=str)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI size: 120 documents, 15 s outage, 500 bad inputs")
    parser.add_argument("--broker", choices=["redis", "rabbitmq"], default="redis")
    parser.add_argument("--only", nargs="*", help="scenarios to run (default: all)")
    parser.add_argument("--docs", type=int, default=None, help="documents per fault scenario")
    parser.add_argument("--burst", type=int, default=None, help="documents of the burst scenario")
    parser.add_argument("--startup", type=int, default=None, help="documents of the start-up burst")
    parser.add_argument("--bad", type=int, default=500, help="generated bad inputs (>= 500)")
    parser.add_argument("--outage", type=float, default=None, help="seconds the store is down")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for each scenario")
    parser.add_argument("--keep", action="store_true", help="keep the data folder (logs) afterwards")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.docs = args.docs or (120 if args.short else 1000)
    args.burst = args.burst or (300 if args.short else 10_000)
    args.startup = args.startup or (300 if args.short else 2000)
    args.outage = args.outage or (15.0 if args.short else 60.0)
    results = run(args)
    if args.json:
        print(json.dumps([asdict(f) for f in results], ensure_ascii=False, default=str))
    else:
        for figures in results:
            print(line(figures))


if __name__ == "__main__":
    main()
