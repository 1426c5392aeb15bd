# mypy: disable-error-code="no-untyped-call"
"""End-to-end benchmark: S3 upload -> intake -> worker -> ``document.processed`` on the exchange.

Uploads N seed-sized documents (each seed plus a unique last line, so every one is a new document)
through the S3 API, and measures with a consumer bound to the ``docpipe.events`` exchange:

- throughput: documents published per second, from the first upload to the last event;
- latency: from the end of each upload (its PUT answered) to its event arriving, p50/p95/p99,
  both for a burst (all N at once, as fast as the uploader threads go) and idle (one at a time);
- worker peak RSS (``VmHWM``) of the worker's main process and of each pool process;
- CPU per document during the burst, by part: worker main process, worker pool, SeaweedFS, Redis,
  and this process's intake threads, event consumer and uploader (the benchmark's own share);
- the ceiling: a Celery no-op task (``bench/noop_tasks.py``, docpipe's worker settings, the same
  broker and concurrency) drained from a full queue in the same run; throughput is also given as
  a ratio to it.

``--broker redis`` (default: the embedded stack's Valkey) or ``--broker rabbitmq`` (a vhost of its
own on the RabbitMQ at ``--amqp``, made with ``rabbitmqctl`` and deleted afterwards).

Nothing enqueues by hand: the stack's intake (SeaweedFS metadata subscriber, or MinIO's webhook)
has to notice each upload, as in production. Without ``--endpoint`` the embedded stack of
``docpipe up`` is started here (data in a temporary folder) and stopped afterwards.

    .venv/bin/python bench/bench_e2e.py                      # 2,000 docs on the embedded stack
    .venv/bin/python bench/bench_e2e.py --docs 200 --idle 20 --concurrency 2 --broker rabbitmq
    .venv/bin/python bench/bench_e2e.py --endpoint 127.0.0.1:9000 --access-key K --secret-key S \\
        --broker-url redis://127.0.0.1:6379/0 --worker-pid 1234   # a running stack
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kombu.connection import Connection  # noqa: E402
from kombu.entity import Exchange, Queue  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from workers.devstack.stack import Stack, StackOptions  # noqa: E402
from workers.events.cloudevent import register_serializer  # noqa: E402
from workers.settings import Settings, StorageSettings  # noqa: E402
from workers.storage.s3 import S3ObjectStore  # noqa: E402

SEEDS = [path.read_bytes() for path in sorted((ROOT / "seeds").glob("*.txt"))]
#: Where nothing answers: the embedded stack starts its own Valkey (and PostgreSQL) for the run.
NOWHERE = "redis://127.0.0.1:1/0"


@contextlib.contextmanager
def rabbitmq_vhost(base: str) -> Any:
    """A vhost of the benchmark's own on the RabbitMQ at ``base`` (``amqp://user:pw@host:port``)."""
    import subprocess

    vhost = f"docpipe-bench-{uuid.uuid4().hex[:8]}"
    user = base.split("//")[1].split(":", maxsplit=1)[0]
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, capture_output=True)
    try:
        subprocess.run(
            ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"],
            check=True,
            capture_output=True,
        )
        yield f"{base.rstrip('/')}/{vhost}"
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False, capture_output=True)


class EventCollector:
    """A consumer on an exclusive queue bound to ``document.*``: arrival time per subject (key)."""

    def __init__(self, url: str, exchange: str) -> None:
        self.connection = Connection(url)
        self.queue = Queue(
            f"bench-{uuid.uuid4().hex[:8]}",
            Exchange(exchange, type="topic", durable=True),
            routing_key="document.*",
            exclusive=True,
            auto_delete=True,
        )
        self.arrived: dict[str, tuple[float, str]] = {}
        self.changed = threading.Condition()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("event consumer did not start")

    def _on_message(self, body: Any, message: Any) -> None:
        now = time.time()
        raw = message.body
        event = json.loads(raw) if isinstance(raw, str | bytes) else body
        with self.changed:
            self.arrived.setdefault(event.get("subject", ""), (now, event.get("type", "").rsplit(".", 1)[-1]))
            self.changed.notify_all()
        message.ack()

    def _run(self) -> None:
        register_serializer()
        with self.connection.Consumer(
            [self.queue], callbacks=[self._on_message], accept=["json", "application/cloudevents+json"]
        ):
            self._ready.set()
            while not self._stop.is_set():
                try:
                    self.connection.drain_events(timeout=0.5)
                except TimeoutError:
                    continue

    def wait_for(self, keys: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not keys <= self.arrived.keys():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 1.0))
        return True

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.connection.release()


def document(index: int, run_id: str) -> bytes:
    return SEEDS[index % len(SEEDS)] + f"\n\n（基准 {run_id} 第 {index} 号）\n".encode()


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(values)}


def rate_of_first(arrived: dict[str, tuple[float, str]], first: float, share: float) -> float:
    """Documents per second until ``share`` of them had arrived (a few stragglers left out)."""
    times = sorted(t for t, _ in arrived.values())
    count = max(1, int(len(times) * share))
    return round(count / (times[count - 1] - first), 1) if times else 0.0


def peak_rss_mib(pid: int | None) -> dict[str, float]:
    """``VmHWM`` (peak resident set) of ``pid`` and each process in its process group, in MiB."""
    if pid is None:
        return {}
    peaks: dict[str, float] = {}
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pid:
                continue
            status = (proc / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[f"{'main' if int(proc.name) == pid else 'child'} {proc.name}"] = int(line.split()[1]) / 1024
    return peaks


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """User + system CPU of a process (or one of its threads), from /proc; 0 when it is gone."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    try:
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:13]) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(p for child in children for p in process_tree(int(child)))]


def redis_pid(url: str) -> int | None:
    """The pid of the Redis server at ``url`` when it runs on this machine (INFO ``process_id``)."""
    from redis import Redis

    try:
        with contextlib.closing(Redis.from_url(url, socket_connect_timeout=1)) as client:
            pid = int(client.info("server")["process_id"])
    except Exception:
        return None
    return pid if Path(f"/proc/{pid}").exists() else None


class CpuMeter:
    """CPU of the parts of the stack from ``start()`` to ``per_doc_ms()``: the worker (main process
    and pool), SeaweedFS, Redis (the whole server: other users of it count too), the embedded
    PostgreSQL (postmaster and backends), and this process
    split into the intake's threads, the event consumer's thread and the rest (the uploader threads,
    the main thread, gRPC's own threads)."""

    def __init__(  # noqa: PLR0917 - the pids, by position as sampled
        self,
        worker_pid: int | None,
        weed_pid: int | None,
        redis: int | None,
        intake_threads: list[threading.Thread],
        consumer: threading.Thread,
        postgres: int | None = None,
    ) -> None:
        self.worker_pid, self.weed_pid, self.redis_pid, self.pg_pid = worker_pid, weed_pid, redis, postgres
        self.intake_threads, self.consumer = intake_threads, consumer
        self.before: dict[str, float] = {}

    @classmethod
    def of(
        cls,
        stack: Stack | None,
        settings: Settings,
        worker_pid: int | None,
        weed_pid: int | None,
        collector: EventCollector,
    ) -> CpuMeter:
        """A started meter on the embedded stack's processes (or the given pids of a running one)."""
        meter = cls(
            worker_pid,
            stack.seaweed.pid if stack is not None else weed_pid,
            redis_pid(settings.broker),
            list(stack.intake._threads) if stack is not None else [],
            collector._thread,
            stack.postgres.pid if stack is not None and stack.postgres is not None else None,
        )
        meter.start()
        return meter

    def sample(self) -> dict[str, float]:
        me = os.getpid()
        tree = process_tree(self.worker_pid) if self.worker_pid else []
        out = {
            "worker main": sum(cpu_seconds(p) for p in tree[:1]),
            "worker pool": sum(cpu_seconds(p) for p in tree[1:]),
            "seaweedfs": cpu_seconds(self.weed_pid) if self.weed_pid else 0.0,
            "redis": cpu_seconds(self.redis_pid) if self.redis_pid else 0.0,
            "postgres": sum(cpu_seconds(p) for p in process_tree(self.pg_pid)) if self.pg_pid else 0.0,
            "intake": sum(cpu_seconds(me, t.native_id) for t in self.intake_threads if t.native_id),
            "consumer": cpu_seconds(me, self.consumer.native_id) if self.consumer.native_id else 0.0,
        }
        out["uploader+main"] = cpu_seconds(me) - out["intake"] - out["consumer"]
        return out

    def start(self) -> None:
        self.before = self.sample()

    def per_doc_ms(self, docs: int) -> dict[str, float]:
        after = self.sample()
        used = {name: (after[name] - self.before[name]) * 1000 / max(1, docs) for name in after}
        used["total"] = sum(used.values())
        return {name: round(value, 2) for name, value in used.items()}


def upload_all(store: Any, bucket: str, docs: dict[str, bytes], threads: int) -> dict[str, tuple[float, str]]:
    """Upload in parallel; (time the PUT was answered, ETag) per key."""
    done: dict[str, tuple[float, str]] = {}

    def put(item: tuple[str, bytes]) -> None:
        etag = store.put_bytes(bucket, item[0], item[1], content_type="text/plain")
        done[item[0]] = (time.time(), etag)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, docs.items()))
    return done


def hinted_by(settings: Settings, bucket: str, uploaded: dict[str, tuple[float, str]]) -> dict[str, int]:
    """How many uploads each intake path enqueued (the catalog's ``uploads.source``)."""
    from workers.catalog.catalog import ObjectRef, catalog_from_settings

    catalog, counts = catalog_from_settings(settings, pool_size=1), dict[str, int]()
    try:
        for key, (_, etag) in uploaded.items():
            source = str(catalog.upload(ObjectRef(bucket, key, etag)).get("source", "?"))
            counts[source] = counts.get(source, 0) + 1
    finally:
        catalog.close()
    return counts


def noop_ceiling(broker: str, concurrency: int, tasks: int, logs: Path) -> float:
    """Tasks/s of two pool processes draining ``tasks`` no-op tasks from a full queue."""
    import subprocess

    from kombu import Connection

    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["BENCH_BROKER_URL"] = broker
    import noop_tasks

    app = noop_tasks.app
    app.conf.broker_url = broker
    name = f"noop-{uuid.uuid4().hex[:6]}@localhost"
    env = {**os.environ, "BENCH_BROKER_URL": broker, "PYTHONPATH": str(ROOT / "bench")}
    idle = f"bench.idle.{uuid.uuid4().hex[:6]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "noop_tasks",
            "worker",
            "-c",
            str(concurrency),
            "-n",
            name,
            "-Q",
            idle,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT / "bench",
        env=env,
        stdout=(logs / "noop-worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[name], timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("no-op worker did not start")
        with Connection(broker) as conn:
            app.amqp.queues[noop_tasks.QUEUE](conn.default_channel).declare()
        with app.producer_or_acquire() as producer:
            for _ in range(tasks):
                noop_tasks.noop.apply_async(producer=producer)
        with Connection(broker) as conn:
            queue = app.amqp.queues[noop_tasks.QUEUE](conn.default_channel)
            began = time.monotonic()
            app.control.add_consumer(noop_tasks.QUEUE, destination=[name], reply=True, timeout=5)
            while queue.queue_declare().message_count > 0:
                time.sleep(0.01)
            return round(tasks / (time.monotonic() - began), 1)
    finally:
        worker.terminate()
        worker.wait(20)


def run(args: argparse.Namespace) -> dict[str, Any]:
    with contextlib.ExitStack() as resources:
        broker = args.broker_url
        if args.broker == "rabbitmq" and not args.endpoint:
            broker = resources.enter_context(rabbitmq_vhost(args.amqp))
        return _run(args, broker)


def _run(args: argparse.Namespace, broker: str) -> dict[str, Any]:  # noqa: PLR0915 - one measured run, in order
    stack: Stack | None = None
    data_dir: Path | None = None
    if args.endpoint:
        storage = StorageSettings(
            endpoint=args.endpoint, access_key=args.access_key, secret_key=SecretStr(args.secret_key)
        )
        settings = Settings(broker_url=SecretStr(broker), catalog={"url": SecretStr(args.catalog_url)}, storage=storage)
        worker_pid = args.worker_pid
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="docpipe-bench-"))
        data_dir.chmod(0o711)  # the embedded PostgreSQL runs as an unprivileged user under root
        base = Settings(
            data_dir=data_dir,
            broker_url=SecretStr(broker),
            intake={"drop_dir": data_dir / "drop"},
            catalog={"url": SecretStr(args.catalog_url)},
            # the figures measure processing; --archive adds archiving to the worker's load
            archive={"enabled": args.archive},
        )
        stack = Stack(base, StackOptions(flower=args.flower, concurrency=args.concurrency))
        began = time.monotonic()
        stack.start()
        print(f"embedded stack up in {time.monotonic() - began:.1f} s", file=sys.stderr)
        for line in stack.describe():
            print("  " + line, file=sys.stderr)
        settings = stack.settings
        worker_pid = stack.worker.pid if stack.worker else None
    store = S3ObjectStore.from_settings(settings.storage)
    bucket = settings.storage.inbox_bucket
    store.ensure_bucket(bucket)
    collector = EventCollector(settings.publish_url, settings.publish.exchange)
    collector.start()
    run_id = uuid.uuid4().hex[:8]
    try:
        idle: list[float] = []
        for i in range(args.idle):  # one at a time: the latency of a quiet system
            key = f"bench-{run_id}/idle-{i:04d}.txt"
            store.put_bytes(bucket, key, document(10_000_000 + i, run_id), content_type="text/plain")
            sent = time.time()
            if collector.wait_for({key}, args.timeout):
                idle.append((collector.arrived[key][0] - sent) * 1000)
        docs = {f"bench-{run_id}/{i:05d}.txt": document(i, run_id) for i in range(args.docs)}
        meter = CpuMeter.of(stack, settings, worker_pid, args.weed_pid, collector)
        first = time.time()
        uploaded = upload_all(store, bucket, docs, args.threads)
        upload_seconds = time.time() - first
        complete = collector.wait_for(set(docs), args.timeout)
        cpu = meter.per_doc_ms(args.docs)
        logs = (data_dir or Path(tempfile.gettempdir())) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        concurrency = args.concurrency or settings.worker.concurrency
        ceiling = noop_ceiling(settings.broker, concurrency, args.noop_tasks, logs) if args.noop_tasks else 0.0
        arrived = {k: collector.arrived[k] for k in docs if k in collector.arrived}
        last = max((t for t, _ in arrived.values()), default=time.time())
        latencies = [(arrived[k][0] - uploaded[k][0]) * 1000 for k in arrived]
        outcomes: dict[str, int] = {}
        for _, outcome in arrived.values():
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        throughput = round(len(arrived) / (last - first), 1) if arrived else 0.0
        return {
            "broker": args.broker,
            "docs": args.docs,
            "complete": complete,
            "events": len(arrived),
            "outcomes": outcomes,
            "enqueued_by": hinted_by(settings, bucket, uploaded),
            "upload_docs_per_s": round(args.docs / upload_seconds, 1),
            "throughput_docs_per_s": throughput,
            "noop_ceiling_tasks_per_s": ceiling,
            "ratio_to_noop": round(throughput / ceiling, 3) if ceiling else None,
            "throughput_first_99pct_docs_per_s": rate_of_first(arrived, first, 0.99),
            "burst_latency_ms": {k: round(v, 1) for k, v in percentiles(latencies).items()},
            "idle_latency_ms": {k: round(v, 1) for k, v in percentiles(idle).items()},
            "cpu_ms_per_doc": cpu,
            "worker_peak_rss_mib": {k: round(v, 1) for k, v in sorted(peak_rss_mib(worker_pid).items())},
            "concurrency": concurrency,
        }
    finally:
        collector.stop()
        if stack is not None:
            stack.stop()
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000, help="documents in the burst (default 2000)")
    parser.add_argument("--idle", type=int, default=20, help="documents sent one at a time first (default 20)")
    parser.add_argument("--threads", type=int, default=8, help="uploader threads (default 8)")
    parser.add_argument("--concurrency", type=int, default=None, help="worker processes (embedded stack)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the events")
    parser.add_argument("--flower", action="store_true", help="also start Flower (it costs throughput)")
    parser.add_argument("--archive", action="store_true", help="also archive each published document (docpipe.archive)")
    parser.add_argument("--broker", choices=["redis", "rabbitmq"], default="redis")
    parser.add_argument(
        "--broker-url",
        default=NOWHERE,
        help="Redis broker; used when it answers, else the embedded stack starts Valkey (default)",
    )
    parser.add_argument(
        "--amqp",
        default="amqp://guest:guest@127.0.0.1:5672",
        help="RabbitMQ for --broker rabbitmq (a vhost is made on it)",
    )
    parser.add_argument(
        "--catalog-url",
        default="postgresql://postgres@127.0.0.1:1/docpipe",
        help="PostgreSQL; used when it answers, else an embedded one is started (default)",
    )
    parser.add_argument("--noop-tasks", type=int, default=5000, help="no-op tasks for the ceiling (0: skip)")
    parser.add_argument("--endpoint", help="S3 host:port of a running stack (then nothing is started)")
    parser.add_argument("--access-key", default="docpipe")
    parser.add_argument("--secret-key", default="docpipe-secret")
    parser.add_argument("--worker-pid", type=int, help="with --endpoint: the worker whose RSS to report")
    parser.add_argument("--weed-pid", type=int, help="with --endpoint: the SeaweedFS whose CPU to count")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    result = run(parser.parse_args())
    if "--json" in sys.argv:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(
        f"documents      {result['events']}/{result['docs']} events {result['outcomes']}"
        f"{'' if result['complete'] else '  (TIMED OUT)'}"
    )
    print(f"enqueued by    {result['enqueued_by']}")
    print(
        f"broker         {result['broker']}; no-op ceiling {result['noop_ceiling_tasks_per_s']} tasks/s; "
        f"throughput / ceiling = {result['ratio_to_noop']}"
    )
    print(f"upload rate    {result['upload_docs_per_s']} docs/s")
    print(
        f"throughput     {result['throughput_docs_per_s']} docs/s (first upload -> last event), "
        f"{result['throughput_first_99pct_docs_per_s']} docs/s until 99 % had arrived"
    )
    print(f"latency burst  {result['burst_latency_ms']}")
    print(f"latency idle   {result['idle_latency_ms']}")
    print(f"CPU ms/doc     {result['cpu_ms_per_doc']}")
    print(f"worker RSS     peak MiB {result['worker_peak_rss_mib']} (concurrency {result['concurrency']})")


if __name__ == "__main__":
    main()
