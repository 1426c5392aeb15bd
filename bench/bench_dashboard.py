"""Dashboard benchmark: server-side render times of its pages over a catalog of 10,000 documents.

Creates a database of its own on the PostgreSQL at ``--postgres`` (default: the machine's), migrates
it, fills it with ``--docs`` documents (each with an upload and a finished attempt; every tenth
failed, with its failure; received over the last ``--days``), serves the dashboard with docpipe's
web server on a free 127.0.0.1 port, signs in, and times each page ``--repeat`` times (the full
request, as a browser would make it). Prints the median and the slowest per page, then the query
plan of the list's first page. The database is dropped at the end.

    .venv/bin/python bench/bench_dashboard.py
    .venv/bin/python bench/bench_dashboard.py --docs 50000 --repeat 30
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from pydantic import SecretStr

from workers.catalog.catalog import Catalog
from workers.catalog.migrate import drop_database, ensure_database, migrate
from workers.settings import CatalogSettings, DashboardSettings, Settings
from workers.web.app import create_web_app
from workers.web.server import WebServer

ORGANS = ("General Assembly", "Security Council", "Human Rights Council", "Economic and Social Council")
FILL = """
INSERT INTO documents (doc_id, size, state, body, language, symbol, title, received_at, published_at,
                       pipeline_version, segments, entities, warnings)
SELECT encode(sha256(('bench-' || i)::bytea), 'hex'), 10000 + i,
       CASE WHEN i %% 10 = 0 THEN 'failed' ELSE 'published' END,
       (ARRAY['General Assembly', 'Security Council', 'Human Rights Council',
              'Economic and Social Council'])[1 + i %% 4],
       CASE WHEN i %% 3 = 0 THEN 'en' ELSE 'zh' END,
       'A/RES/' || (50 + i %% 30) || '/' || i, '决议标题 resolution title number ' || i,
       now() - make_interval(secs => i * %(spread)s), now() - make_interval(secs => i * %(spread)s - 3),
       '0.2.0', 40, 80, 2
FROM generate_series(1, %(n)s) AS i;
INSERT INTO uploads (bucket, key, etag, source, size, state, doc_id, attempts, queued_at, started_at, done_at)
SELECT 'docpipe-inbox', 'inbox/' || (50 + i %% 30) || '/A_RES_' || i || '.txt', md5(i::text), 'bench', 10000 + i,
       CASE WHEN i %% 10 = 0 THEN 'failed' ELSE 'published' END, encode(sha256(('bench-' || i)::bytea), 'hex'), 1,
       now() - make_interval(secs => i * %(spread)s + 2), now() - make_interval(secs => i * %(spread)s + 1),
       now() - make_interval(secs => i * %(spread)s - 3)
FROM generate_series(1, %(n)s) AS i;
UPDATE documents d SET owner_upload = u.upload_id FROM uploads u WHERE u.doc_id = d.doc_id;
INSERT INTO attempts (upload_id, number, task_id, worker, started_at, finished_at, outcome, timings)
SELECT upload_id, 1, md5(upload_id::text), 'bench@host', started_at, done_at,
       CASE WHEN state = 'failed' THEN 'failed' ELSE 'processed' END, '{"total_ms": 30.0, "process_ms": 4.0}'
FROM uploads;
INSERT INTO failures (upload_id, doc_id, code, reason, record_bucket, record_key, record, failed_at)
SELECT upload_id, doc_id, (ARRAY['unsupported', 'empty', 'extraction'])[1 + (upload_id % 3)::int], 'bench failure',
       'docpipe-failed', doc_id || '.json', '{}', done_at
FROM uploads WHERE state = 'failed';
ANALYZE;
"""


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--days", type=float, default=3.0, help="received over this many days")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    url = args.postgres.rpartition("/")[0] + f"/docpipe_bench_{uuid.uuid4().hex[:8]}"
    ensure_database(url)
    try:
        migrate(url)
        started = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as conn:
            params = {"n": args.docs, "spread": args.days * 86400 / args.docs}
            for statement in filter(str.strip, FILL.split(";")):
                conn.execute(statement, params if "%(" in statement else None)  # type: ignore[call-overload]
        print(f"catalog: {args.docs} documents written in {time.perf_counter() - started:.1f} s")
        run(url, args)
    finally:
        drop_database(url)


def run(url: str, args: argparse.Namespace) -> None:
    settings = Settings(
        # no broker (nothing listens on port 1): the overview's queue depths and workers read as
        # unknown, and the machine's Redis is left alone
        broker_url=SecretStr("redis://127.0.0.1:1/0"),
        catalog=CatalogSettings(url=SecretStr(url)),
        dashboard=DashboardSettings(token=SecretStr("bench"), page_size=50),
    )
    catalog = Catalog.connect(url, pool_size=4)
    web = WebServer(settings, create_web_app(settings, enqueue=lambda e: None, catalog=catalog), port=0)
    web.start()
    try:
        client = Client(web.port)
        _, login = client.request("GET", "/ui/login")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', login)
        assert token
        status, _ = client.request("POST", "/ui/login", {"csrf": token.group(1), "user": "bench", "password": "bench"})
        assert status == 303, status
        doc = catalog.row("a document", "SELECT doc_id FROM documents ORDER BY received_at DESC LIMIT 1")
        assert doc
        pages = {
            "documents (first page)": "/ui/documents",
            "documents, page 100": "/ui/documents?page=100",
            "documents, state=failed": "/ui/documents?state=failed",
            "documents, organ + language": "/ui/documents?" + urlencode({"organ": ORGANS[1], "language": "en"}),
            "documents, date range": "/ui/documents?since=2020-01-01&until=2100-01-01",
            "search symbol (prefix)": "/ui/documents?q=A/RES/77/",
            "search title (substring)": "/ui/documents?q=number+9999",
            "search key (substring)": "/ui/documents?q=A_RES_4242",
            "table only (htmx refresh)": "/ui/documents?state=published",
            "a document": f"/ui/documents/{doc['doc_id']}",
            "failures": "/ui/failures",
            "overview, 6 h": "/ui/overview?hours=6",
            "overview, 72 h": "/ui/overview?hours=72",
        }
        print(f"{'page':32s} {'median ms':>10s} {'max ms':>8s}  (of {args.repeat}, the whole HTTP request)")
        for name, path in pages.items():
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                status, _ = client.request("GET", path)
                times.append((time.perf_counter() - t0) * 1000)
                assert status == 200, (path, status)
            print(f"{name:32s} {statistics.median(times):10.1f} {max(times):8.1f}")
        with psycopg.connect(url) as conn:
            plan = conn.execute(
                "EXPLAIN ANALYZE SELECT d.doc_id FROM documents d ORDER BY d.received_at DESC, d.doc_id LIMIT 50"
            ).fetchall()
        print("\nplan of the first page:\n  " + "\n  ".join(str(r[0]) for r in plan))
    finally:
        web.stop()
        catalog.close()


if __name__ == "__main__":
    main()
