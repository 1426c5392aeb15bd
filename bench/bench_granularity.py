"""How many Celery tasks per document, and how stage results travel: measured, not guessed.

Variants (every one does the same I/O: one S3 GET of the input, one S3 PUT of the output, one
kombu event on the ``docpipe.events`` topic exchange, and the same CPU work per document)::

    five        ingest -> clean -> segment -> extract -> publish, stage results inline in the message
    five-claim  the same chain, each stage result parked in S3 ("claim check"), only keys travel
    two         process (all pure stages in-process, output stored) -> publish (small summary inline)
    one         one task does everything
    real        the real ``docpipe.process`` task (the chosen design) on distinct seed-sized documents

Usage (Redis at 127.0.0.1:6379, db 13 is flushed; SeaweedFS started unless --s3-endpoint)::

    .venv/bin/python bench/bench_granularity.py [--docs 1000] [--idle 50] [--work-ms auto]

``--work-ms auto`` times ``pipeline.run.process`` on the seeds (mean CPU) and spends that much CPU
per document, split over the three pure stages in the chains.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from celery import chain  # noqa: E402
from pydantic import SecretStr  # noqa: E402

from schemas.events import CloudEvent  # noqa: E402
from workers.broker.app import create_app  # noqa: E402
from workers.names import PROCESS_QUEUE  # noqa: E402
from workers.settings import Settings, StorageSettings  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BUCKET = "bench-granularity"
DONE = "bench:done"
CATALOG_URL = os.environ.get("BENCH_CATALOG_URL", "postgresql://postgres@127.0.0.1:5432/docpipe_bench")
settings = Settings(
    broker_url=SecretStr(REDIS_URL),
    catalog={"url": SecretStr(CATALOG_URL)},
    storage=StorageSettings(endpoint=os.environ.get("BENCH_S3_ENDPOINT", "-")),
)
app = create_app(settings)  # also runs the real ``docpipe.process`` (variant ``real``)
app.conf.task_create_missing_queues = True
PUBLISH_QUEUE = "bench.publish"
_clients: dict[str, Any] = {}


# -- worker side ------------------------------------------------------------------------------------
def _client(name: str) -> Any:
    """One S3 client, Redis client and event publisher per process, made on first use."""
    if name not in _clients:
        import redis
        from minio import Minio

        from workers.events.publisher import KombuPublisher

        factories = {
            "s3": lambda: Minio(os.environ["BENCH_S3_ENDPOINT"], access_key="x", secret_key="x", secure=False),
            "redis": lambda: redis.Redis.from_url(REDIS_URL),
            "pub": lambda: KombuPublisher(REDIS_URL, "bench.events"),
        }
        _clients[name] = factories[name]()
    return _clients[name]


def _s3() -> Any:
    return _client("s3")


def _redis() -> Any:
    return _client("redis")


def _burn(ms: float) -> None:
    end = time.process_time() + ms / 1000
    while time.process_time() < end:
        pass


def _work_ms() -> float:
    return float(os.environ.get("BENCH_WORK_MS", "5"))


def _get(key: str) -> bytes:
    resp = _s3().get_object(BUCKET, key)
    try:
        return bytes(resp.read())
    finally:
        resp.close()
        resp.release_conn()


def _put(key: str, data: bytes) -> None:
    _s3().put_object(BUCKET, key, io.BytesIO(data), len(data), content_type="application/json")


def _stage_result(text: str, factor: int) -> dict[str, Any]:
    """A stage result about as large as the real one (blocks/segments/entities of the text)."""
    return {"blocks": [{"text": text[i : i + 200], "spans": [[i, i + 200]]} for i in range(0, len(text), 200)] * factor}


def _announce(msg: dict[str, Any], size: int) -> None:
    """The outcome event, and the completion record the driver waits for."""
    event = CloudEvent(
        id=msg["id"], source="/bench", type="bench.processed", time="now", data={"doc": msg["id"], "bytes": size}
    )
    _client("pub").publish(event, "document.processed")
    _redis().rpush(DONE, json.dumps({"id": msg["id"], "t0": msg["t0"], "t1": time.time()}))


def _carry(msg: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """Inline: the value rides in the message. Claim check: it is parked in S3, the key rides."""
    if msg["claim"]:
        key = f"tmp/{msg['id']}/{name}.json"
        _put(key, json.dumps(value).encode())
        return {**msg, name: key}
    return {**msg, name: value}


def _fetch(msg: dict[str, Any], name: str) -> Any:
    return json.loads(_get(msg[name])) if msg["claim"] else msg[name]


@app.task(name="bench.ingest", queue=PROCESS_QUEUE)
def ingest(msg: dict[str, Any]) -> dict[str, Any]:
    return _carry(msg, "text", _get(msg["key"]).decode())


@app.task(name="bench.clean", queue=PROCESS_QUEUE)
def clean(msg: dict[str, Any]) -> dict[str, Any]:
    text = _fetch(msg, "text")
    _burn(_work_ms() / 3)
    return _carry({**msg, "text": None}, "clean", _stage_result(text, 1))


@app.task(name="bench.segment", queue=PROCESS_QUEUE)
def segment(msg: dict[str, Any]) -> dict[str, Any]:
    cleaned = _fetch(msg, "clean")
    _burn(_work_ms() / 3)
    return _carry({**msg, "clean": None}, "segments", {**cleaned, "meta": {"doc": msg["id"]}})


@app.task(name="bench.extract", queue=PROCESS_QUEUE)
def extract(msg: dict[str, Any]) -> dict[str, Any]:
    segments = _fetch(msg, "segments")
    _burn(_work_ms() / 3)
    return _carry({**msg, "segments": None}, "doc", {**segments, "entities": segments["blocks"][:50]})


@app.task(name="bench.publish", queue=PUBLISH_QUEUE)
def publish(msg: dict[str, Any]) -> None:
    if "doc" in msg:  # end of a chain: store the output here
        output = json.dumps(_fetch(msg, "doc")).encode()
        _put(f"out/{msg['id']}/document.json", output)
        _announce(msg, len(output))
    else:  # after bench.process, which stored it
        _announce(msg, msg["size"])


def _process(msg: dict[str, Any]) -> bytes:
    text = _get(msg["key"]).decode()
    _burn(_work_ms())
    doc = _stage_result(text, 1)
    output = json.dumps({**doc, "entities": doc["blocks"][:50]}).encode()
    _put(f"out/{msg['id']}/document.json", output)
    return output


@app.task(name="bench.process", queue=PROCESS_QUEUE)
def process(msg: dict[str, Any]) -> None:
    publish.delay({**msg, "size": len(_process(msg))})


@app.task(name="bench.all", queue=PROCESS_QUEUE)
def process_all(msg: dict[str, Any]) -> None:
    _announce(msg, len(_process(msg)))


# -- driver -----------------------------------------------------------------------------------------
def submit(variant: str, key: str) -> None:
    msg = {"id": uuid.uuid4().hex, "key": key, "t0": time.time(), "claim": variant == "five-claim"}
    if variant in ("five", "five-claim"):
        chain(ingest.s(msg), clean.s(), segment.s(), extract.s(), publish.s()).apply_async()
    elif variant == "two":
        process.delay(msg)
    else:
        process_all.delay(msg)


def run_variant(variant: str, keys: list[str], docs: int, idle: int) -> dict[str, float]:
    r = _redis()
    r.delete(DONE)
    lat = []
    for i in range(idle):  # idle latency: one document at a time
        submit(variant, keys[i % len(keys)])
        done = json.loads(r.blpop([DONE], timeout=30)[1])
        lat.append((done["t1"] - done["t0"]) * 1000)
    start = time.time()
    for i in range(docs):
        submit(variant, keys[i % len(keys)])
    burst = [json.loads(r.blpop([DONE], timeout=120)[1]) for _ in range(docs)]
    elapsed = max(d["t1"] for d in burst) - start
    burst_lat = sorted((d["t1"] - d["t0"]) * 1000 for d in burst)
    return {
        "docs_per_s": docs / elapsed,
        "idle_p50_ms": statistics.median(lat),
        "idle_p95_ms": sorted(lat)[int(0.95 * (len(lat) - 1))],
        "burst_p50_ms": statistics.median(burst_lat),
    }


def run_real(docs: int, idle: int) -> dict[str, float]:
    """The real ``docpipe.process`` task on distinct seed-sized documents, timed from ``enqueue`` to
    the ``document.processed`` event consumed from a queue bound to the exchange."""
    from kombu import Connection, Exchange, Queue

    from schemas.events import ObjectEvent
    from workers.catalog.migrate import ensure_database, migrate
    from workers.intake.enqueue import Enqueuer
    from workers.storage.s3 import S3ObjectStore

    ensure_database(CATALOG_URL)
    migrate(CATALOG_URL)
    enqueue = Enqueuer.from_settings(settings)

    store = S3ObjectStore(os.environ["BENCH_S3_ENDPOINT"])
    inbox = settings.storage.inbox_bucket
    store.ensure_bucket(inbox)
    seeds = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    run = uuid.uuid4().hex[:8]
    events = []
    for i in range(idle + docs):
        data = seeds[i % len(seeds)] + f"\n\n（基准 {run} {i}）\n".encode()
        etag = store.put_bytes(inbox, f"real/{run}/{i}.txt", data)
        events.append(ObjectEvent(bucket=inbox, key=f"real/{run}/{i}.txt", etag=etag, size=len(data), source="cli"))
    exchange = Exchange(settings.publish.exchange, type="topic", durable=True)
    with Connection(REDIS_URL) as conn:
        queue = conn.SimpleQueue(Queue("bench.real", exchange, routing_key="document.*"))
        sent: dict[str, float] = {}

        def wait() -> tuple[str, float]:
            message = queue.get(timeout=120)
            message.ack()
            return json.loads(message.body)["subject"], time.time()

        lat = []
        for event in events[:idle]:
            sent[event.key] = time.time()
            enqueue(event)
            key, t1 = wait()
            lat.append((t1 - sent[key]) * 1000)
        start = time.time()
        for event in events[idle:]:
            sent[event.key] = time.time()
            enqueue(event)
        done = [wait() for _ in range(docs)]
        queue.close()
    burst = sorted((t1 - sent[key]) * 1000 for key, t1 in done)
    return {
        "docs_per_s": docs / (max(t for _, t in done) - start),
        "idle_p50_ms": statistics.median(lat),
        "idle_p95_ms": sorted(lat)[int(0.95 * (len(lat) - 1))],
        "burst_p50_ms": statistics.median(burst),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in process_tree(int(child)))]


def measure_work_ms() -> float:
    """Mean CPU of ``pipeline.run.process`` over the seeds (the variants cycle through them)."""
    from pipeline.run import process as core

    paths = sorted((ROOT / "seeds").glob("*.txt"))
    for path in paths:  # warm up
        core(path.read_bytes(), path.name)
    start = time.process_time()
    for path in paths * 5:
        core(path.read_bytes(), path.name)
    return (time.process_time() - start) * 1000 / (len(paths) * 5)


def hop_costs(keys: list[str]) -> dict[str, float]:
    """One stage result: JSON through the broker inline vs. a PUT + GET in S3 (per hop, ms)."""
    text = _get(keys[0]).decode()
    payload = json.dumps(_stage_result(text, 1)).encode()
    t = time.perf_counter()
    for _ in range(50):
        _put("tmp/hop.json", payload)
        _get("tmp/hop.json")
    s3_ms = (time.perf_counter() - t) * 1000 / 50
    t = time.perf_counter()
    for _ in range(50):
        _redis().rpush("bench:hop", payload)
        _redis().blpop(["bench:hop"])
    redis_ms = (time.perf_counter() - t) * 1000 / 50
    return {"payload_kb": len(payload) / 1024, "s3_put_get_ms": s3_ms, "redis_push_pop_ms": redis_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--idle", type=int, default=50)
    parser.add_argument("--work-ms", default="auto")
    parser.add_argument("--s3-endpoint", default="")
    parser.add_argument("--weed-pid", type=int, default=0, help="with --s3-endpoint: to count its CPU")
    parser.add_argument("--variants", default="five,five-claim,two,one,real")
    args = parser.parse_args()
    work_ms = measure_work_ms() if args.work_ms == "auto" else float(args.work_ms)
    server = None
    endpoint = args.s3_endpoint
    if not endpoint:
        from workers.storage.seaweed import SeaweedServer

        server = SeaweedServer.on_free_ports(Path(tempfile.mkdtemp(prefix="bench-weed-"))).start()
        endpoint = server.s3_endpoint
    os.environ.update(BENCH_S3_ENDPOINT=endpoint, BENCH_WORK_MS=str(work_ms))
    _redis().flushdb()
    s3 = _s3()
    if not s3.bucket_exists(BUCKET):
        s3.make_bucket(BUCKET)
    keys = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        data = path.read_bytes()
        s3.put_object(BUCKET, f"in/{path.name}", io.BytesIO(data), len(data))
        keys.append(f"in/{path.name}")
    print(f"work per document: {work_ms:.2f} ms CPU; hop: {hop_costs(keys)}")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bench.bench_granularity",
            "worker",
            "-c",
            "2",
            "-Q",
            f"{PROCESS_QUEUE},{PUBLISH_QUEUE}",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        time.sleep(3)
        redis_pid = int(_redis().info("server")["process_id"])
        weed_pid = server.pid if server is not None and server.pid else args.weed_pid
        for variant in args.variants.split(","):
            pids = {"worker": process_tree(worker.pid), "redis": [redis_pid], "weed": [weed_pid] if weed_pid else []}
            before = {name: sum(cpu_seconds(p) for p in group) for name, group in pids.items()}
            if variant == "real":
                result = run_real(args.docs, args.idle)
            else:
                result = run_variant(variant, keys, args.docs, args.idle)
            for name, group in pids.items():
                used = sum(cpu_seconds(p) for p in group) - before[name]
                result[f"cpu_{name}_ms/doc"] = used * 1000 / (args.docs + args.idle)
            print(f"{variant:11s} " + "  ".join(f"{k} {v:7.1f}" for k, v in result.items()), flush=True)
    finally:
        worker.terminate()
        worker.wait(30)
        _redis().flushdb()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
