"""The dashboard's parts: sign-in, sessions and CSRF tokens, the reader, the chart, and its pages and
actions served by docpipe's web server over the session's real PostgreSQL catalog.

Rows are written with SQL into a catalog database of this module's own. Tasks an action sends go
to the session's own Valkey (no worker: the integration tests run them).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from pydantic import SecretStr

from tests.conftest import catalog_rows, own_catalog
from tests.fakes import InMemoryObjectStore
from workers.catalog.catalog import Catalog
from workers.settings import CatalogSettings, DashboardSettings, Settings, StorageSettings
from workers.web.app import create_web_app
from workers.web.dashboard.auth import Authenticator, same_origin
from workers.web.dashboard.chart import line_chart
from workers.web.dashboard.reader import runs, segment_tree
from workers.web.server import WebServer

TAG = uuid.uuid4().hex[:8]
ORGAN = f"Test Organ {TAG}"
INBOX = f"ui-{TAG}"
USER, PASSWORD, TOKEN = "ops", "s3cret-pass", "tok-" + TAG


#: Document 1's outputs: the JSON contract (read by the reader), Akoma Ntoso, a bag.
OUTPUTS = (
    ("json", "out", f"{TAG}/document.json"),
    ("akn", "archive", f"akn/{TAG}.akn.xml"),
    ("bag", "archive", f"bags/{TAG}.zip"),
)
OUTPUT = {
    "segments": [
        {"id": "p1", "kind": "preamble", "text": "Recalling its resolution 60/251,"},
        {"id": "o1", "kind": "operative", "num": "1", "text": "Decides to act;"},
        {"id": "o1a", "kind": "subparagraph", "num": "a", "parent": "o1", "text": "at once;"},
    ],
    "entities": [{"segment": "p1", "start": 25, "end": 31, "type": "resolution", "value": "A/RES/60/251"}],
}
AKN, BAG = b"<akomaNtoso/>", b"PK\x03\x04 a zip"


def title(n: int) -> str:
    """Document 8's title is markup, which every page must show as text."""
    return f"<script>alert({n})</script> {TAG}" if n == 8 else f"Title {n} {TAG}"


def doc_id(n: int) -> str:
    return hashlib.sha256(f"{TAG}-{n}".encode()).hexdigest()


class TestAuthenticator:
    """Credentials, session cookies and CSRF tokens."""

    auth = Authenticator(DashboardSettings(users=SecretStr("ops:pw,eve:other"), token=SecretStr("tok")))

    def test_users_and_token(self) -> None:
        """A configured user's password or the token signs in; anything else does not."""
        assert self.auth.check("ops", "pw") and self.auth.check("anyone", "tok")
        assert not self.auth.check("ops", "other") and not self.auth.check("", "tok")
        assert not self.auth.check("a|b", "tok")  # the cookie's separator is not a name

    def test_nobody_without_credentials(self) -> None:
        """With no users, no token and no Flower credentials the dashboard cannot be entered."""
        empty = Authenticator(DashboardSettings())
        assert not empty.configured and not empty.check("admin", "")

    def test_flower_credentials_only_as_a_fallback(self) -> None:
        """Flower's user:password signs in when the dashboard has none of its own, and only then."""
        assert Authenticator(DashboardSettings(), fallback_users="docpipe:fl0wer").check("docpipe", "fl0wer")
        own = Authenticator(DashboardSettings(token=SecretStr("t")), fallback_users="docpipe:fl0wer")
        assert not own.check("docpipe", "fl0wer") and own.check("docpipe", "t")

    def test_session_round_trip_and_tampering(self) -> None:
        """A cookie verifies; a changed user, a changed MAC, an expired one or another key's do not."""
        cookie = self.auth.issue("ops")
        session = self.auth.verify(cookie)
        assert session is not None and session.user == "ops"
        assert self.auth.verify(cookie.replace("ops|", "eve|", 1)) is None
        assert self.auth.verify(cookie[:-1] + ("0" if cookie[-1] != "0" else "1")) is None
        assert self.auth.verify(cookie, now=time.time() + self.auth.session_seconds + 5) is None
        assert Authenticator(DashboardSettings(token=SecretStr("tok"))).verify(cookie) is None

    def test_csrf_token_is_bound_to_the_nonce(self) -> None:
        """A session's token passes for that session only."""
        assert self.auth.csrf_ok("n1", self.auth.csrf_token("n1"))
        assert not self.auth.csrf_ok("n2", self.auth.csrf_token("n1")) and not self.auth.csrf_ok("n1", "")

    def test_same_origin(self) -> None:
        """Origin (or Referer) must name this host; an opaque origin never passes."""
        assert same_origin("http://h:1", None, "h:1") and same_origin(None, "http://h:1/ui/x", "h:1")
        assert not same_origin("http://evil:1", None, "h:1") and not same_origin("null", None, "h:1")
        assert same_origin(None, None, "h:1")  # no browser headers: the token decides


class TestReader:
    """The segment tree of an output."""

    def test_entities_cut_the_text(self) -> None:
        """Runs re-join to the text; overlapping entities after the first stay unmarked."""
        text = "大会回顾其第60/251号决议"
        entities = [
            {"start": 5, "end": 15, "type": "resolution", "value": "A/RES/60/251"},
            {"start": 6, "end": 8, "type": "session"},
        ]
        out = runs(text, entities)
        assert "".join(r.text for r in out) == text
        assert [r.entity for r in out] == ["", "resolution"]

    def test_tree_nests_and_groups(self) -> None:
        """Subparagraphs nest under their paragraph; parts come in document order."""
        output = {
            "segments": [
                {"id": "c", "kind": "closing", "text": "end"},
                {"id": "h", "kind": "header", "text": "head"},
                {"id": "o1", "kind": "operative", "num": "1", "text": "op"},
                {"id": "s1", "kind": "subparagraph", "num": "a", "parent": "o1", "text": "sub"},
                {"id": "i1", "kind": "item", "num": "i", "parent": "s1", "text": "item"},
            ],
            "entities": [{"segment": "o1", "start": 0, "end": 2, "type": "date"}],
        }
        tree = segment_tree(output)
        assert [name for name, _ in tree] == ["Header", "Operative part", "Closing"]
        op = tree[1][1][0]
        assert op.runs[0].entity == "date" and op.children[0].children[0].id == "i1"


def test_chart_draws_each_series() -> None:
    """One polyline per series, scaled to the largest value, with its legend."""
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    points = [{"t": t0 + timedelta(minutes=i), "a": i, "b": 10 - i} for i in range(11)]
    svg = line_chart(points, [("a", "per minute"), ("b", "backlog")], title="t")
    assert svg.startswith("<svg") and svg.count("<polyline") == 2 and "per minute" in svg and ">10<" in svg


# -- the pages over the real catalog -------------------------------------------------------------


class Client:
    """HTTP/1.1 to the test server with a cookie store (cookies are path=/ui, one host)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None, **headers: str) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        body = urlencode(form).encode() if form is not None else None
        all_headers = {k.replace("_", "-"): v for k, v in headers.items()}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0].strip('"')
            if value and "max-age=0" not in header.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        conn.close()
        return response

    def csrf(self, html: str) -> str:
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
        assert found, "the page carries a CSRF token"
        return found.group(1)

    def sign_in(self) -> None:
        token = self.csrf(self.request("GET", "/ui/login").text)
        response = self.request("POST", "/ui/login", {"csrf": token, "user": USER, "password": PASSWORD})
        assert response.status == 303 and "docpipe_session" in self.cookies


@pytest.fixture(scope="module", name="db")
def _db() -> Iterator[str]:
    """A catalog of this module's own (its made-up rows stay out of other tests' sweeps)."""
    with own_catalog("ui") as url:
        yield url


@pytest.fixture(scope="module")
def rows(db: str) -> dict[str, Any]:
    """12 documents of ``ORGAN`` (every third failed, with an upload and a failure; one in English
    with a symbol), and one outcome event per document."""
    import psycopg

    with psycopg.connect(db, autocommit=True) as conn:
        for n in range(12):
            state = "failed" if n % 3 == 0 else "published"
            conn.execute(
                "INSERT INTO documents (doc_id, size, state, body, language, symbol, title, received_at) "
                "VALUES (%s, 10, %s, %s, %s, %s, %s, now() - make_interval(days => %s))",
                (doc_id(n), state, ORGAN, "en" if n == 5 else "zh", f"A/RES/{TAG}/{n}", title(n), n),
            )
            upload = conn.execute(
                "INSERT INTO uploads (bucket, key, etag, state, doc_id, attempts, done_at) "
                "VALUES (%s, %s, %s, %s, %s, 1, now()) RETURNING upload_id",
                (INBOX, f"{TAG}/doc-{n}.txt", f"etag{n}", state, doc_id(n)),
            ).fetchone()
            assert upload is not None
            if state == "failed":
                conn.execute(
                    "INSERT INTO failures (upload_id, doc_id, code, reason, record_bucket, record_key, record) "
                    "VALUES (%s, %s, %s, 'it broke', 'f', 'k', '{}')",
                    (upload[0], doc_id(n), f"code_{TAG}"),
                )
        for kind, bucket, key in OUTPUTS:
            conn.execute(
                "INSERT INTO outputs (doc_id, kind, pipeline_version, bucket, key) VALUES (%s, %s, '9.9', %s, %s)",
                (doc_id(1), kind, bucket, key),
            )
    store = InMemoryObjectStore()
    for bucket in ("out", "archive"):
        store.ensure_bucket(bucket)
    for (_, bucket, key), data in zip(OUTPUTS, (json.dumps(OUTPUT).encode(), AKN, BAG), strict=True):
        store.put_bytes(bucket, key, data)
    return {"organ": ORGAN, "store": store}


@pytest.fixture(scope="module")
def server(db: str, redis_server: str, rows: dict[str, Any]) -> Iterator[WebServer]:
    broker = f"{redis_server}/11"
    settings = Settings(
        broker_url=SecretStr(broker),
        catalog=CatalogSettings(url=SecretStr(db)),
        storage=StorageSettings(inbox_bucket=INBOX),
        dashboard=DashboardSettings(users=SecretStr(f"{USER}:{PASSWORD}"), token=SecretStr(TOKEN), page_size=5),
    )
    catalog = Catalog.connect(db, pool_size=2)
    app = create_web_app(settings, enqueue=lambda e: None, catalog=catalog, store=rows["store"])
    web = WebServer(settings, app, port=0)
    web.start()
    try:
        yield web
    finally:
        web.stop()
        catalog.close()
        client = redis.Redis.from_url(broker)
        client.flushdb()
        client.close()


@pytest.fixture
def client(server: WebServer) -> Client:
    return Client(server.port)


def day(url: str, expression: str) -> str:
    """A date as the catalog's time zone has it (the filters' days are the server's)."""
    return str(catalog_rows(url, f"SELECT ({expression})::date AS d")[0]["d"])


class TestPages:
    """Sign-in, the pages, their queries and security headers."""

    def test_anonymous_is_sent_to_sign_in(self, client: Client) -> None:
        """Pages redirect to the sign-in form; the event stream and actions refuse."""
        response = client.request("GET", "/ui/documents?state=failed")
        assert response.status == 303 and response.getheader("location").startswith("/ui/login?next=/ui/documents")
        assert client.request("GET", "/ui/events").status == 403
        assert client.request("POST", "/ui/actions/retry", {"upload": "1"}).status == 403

    def test_sign_in_needs_the_form_token(self, client: Client) -> None:
        """A sign-in POST without its CSRF token, or with wrong credentials, gives no session."""
        client.request("GET", "/ui/login")
        assert client.request("POST", "/ui/login", {"user": USER, "password": PASSWORD}).status == 403
        token = client.csrf(client.request("GET", "/ui/login").text)
        assert client.request("POST", "/ui/login", {"csrf": token, "user": USER, "password": "no"}).status == 401
        assert "docpipe_session" not in client.cookies
        token = client.csrf(client.request("GET", "/ui/login").text)
        ok = client.request("POST", "/ui/login", {"csrf": token, "user": "anyone", "password": TOKEN})
        assert ok.status == 303 and "docpipe_session" in client.cookies

    def test_security_headers(self, client: Client) -> None:
        """CSP, nosniff, frame denial and no-store on pages; the session cookie is HttpOnly and strict."""
        token = client.csrf(client.request("GET", "/ui/login").text)
        login = client.request("POST", "/ui/login", {"csrf": token, "user": USER, "password": PASSWORD})
        cookie = next(h for h in login.headers.get_all("set-cookie") if h.startswith("docpipe_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
        page = client.request("GET", "/ui/documents")
        assert page.status == 200
        assert "script-src 'self'" in page.getheader("content-security-policy")
        assert "frame-ancestors 'none'" in page.getheader("content-security-policy")
        assert page.getheader("x-content-type-options") == "nosniff" and page.getheader("x-frame-options") == "DENY"
        assert page.getheader("cache-control") == "no-store"

    def test_filters_search_and_pages(self, client: Client, db: str) -> None:
        """State, organ, language and date filters; search by symbol, title and key; 5 per page."""
        client.sign_in()

        def table(**query: str) -> str:
            response = client.request("GET", "/ui/documents?" + urlencode({"organ": ORGAN, **query}), HX_Request="true")
            assert response.status == 200
            return str(response.text)

        assert "12 documents, page 1 of 3" in table()
        assert table().count("<tr class=") == 5 and table(page="3").count("<tr class=") == 2
        failed = table(state="failed")
        assert "4 documents" in failed and "published</span>" not in failed and f"code_{TAG}" in failed
        assert "1 document" in table(language="en") and f"A/RES/{TAG}/5" in table(language="en")
        assert "1 document<" in table(q=f"a/res/{TAG}/11") and "doc-11.txt" in table(q=f"a/res/{TAG}/11")
        assert "1 document<" in table(q=f"Title 7 {TAG}") and "1 document<" in table(q=f"{TAG}/doc-4.txt")
        assert "0 documents" in table(q="100%_nothing")  # LIKE's wildcards are literal
        since = day(db, "now() - interval '2.5 days'")
        assert "3 documents" in table(since=since)
        until = day(db, "now() - interval '11 days'")
        assert "1 document<" in table(until=until)

    def test_document_page(self, client: Client) -> None:
        """A document shows its upload, failure and a retry button; an unknown one says so; markup in
        a title is escaped."""
        client.sign_in()
        page = client.request("GET", f"/ui/documents/{doc_id(3)}").text
        assert f"A/RES/{TAG}/3" in page and "it broke" in page and "Retry</button>" in page
        assert "No document" in client.request("GET", f"/ui/documents/{'f' * 64}").text
        markup = client.request("GET", f"/ui/documents/{doc_id(8)}").text
        assert "<script>alert(8)" not in markup and "&lt;script&gt;alert(8)&lt;/script&gt;" in markup

    def test_outputs_and_reader(self, client: Client) -> None:
        """The reader shows the stored JSON as a tree with its entities; JSON and AKN open inline,
        the bag downloads; an unknown output is 404."""
        client.sign_in()
        page = client.request("GET", f"/ui/documents/{doc_id(1)}").text
        assert '<mark class="ent ent-resolution" title="resolution: A/RES/60/251">60/251</mark>' in page
        assert 'id="seg-o1a"' in page.split('id="seg-o1"', 1)[1]  # nested under paragraph 1
        base = f"/ui/documents/{doc_id(1)}/outputs"
        akn = client.request("GET", f"{base}/akn/9.9")
        assert akn.status == 200 and akn.getheader("content-type").startswith("application/xml")
        assert akn.getheader("content-disposition").startswith("inline") and akn.text == AKN.decode()
        bag = client.request("GET", f"{base}/bag/9.9")
        assert bag.getheader("content-disposition").startswith("attachment") and bag.getheader("content-length") == str(
            len(BAG)
        )
        assert (
            client.request("GET", f"{base}/json/9.9?download=1")
            .getheader("content-disposition")
            .startswith("attachment")
        )
        assert client.request("GET", f"{base}/bag/0.0").status == 404

    def test_failures_and_overview(self, client: Client) -> None:
        """Failures grouped by code with their count; the overview draws its chart."""
        client.sign_in()
        page = client.request("GET", f"/ui/failures?code=code_{TAG}").text
        assert re.search(rf"code_{TAG}</a></td><td>4</td>", page)
        overview = client.request("GET", "/ui/overview?hours=3").text
        assert "<svg" in overview and "documents per minute" in overview and "docpipe.process" in overview


class TestActions:
    """Every POST is CSRF-checked; a retry is recorded with the operator's name."""

    def _failed_upload(self, db: str, n: int) -> int:
        return int(catalog_rows(db, "SELECT upload_id FROM uploads WHERE doc_id = %s", (doc_id(n),))[0]["upload_id"])

    def test_retry_refused_without_token_or_from_elsewhere(self, client: Client, db: str) -> None:
        """No token, another session's token, or another origin: 403 and nothing recorded."""
        upload = self._failed_upload(db, 0)
        client.sign_in()
        other = Client(client.port)
        other.sign_in()
        foreign = other.csrf(other.request("GET", "/ui/failures").text)
        token = client.csrf(client.request("GET", "/ui/failures").text)
        assert client.request("POST", "/ui/actions/retry", {"upload": str(upload)}).status == 403
        assert client.request("POST", "/ui/actions/retry", {"upload": str(upload), "csrf": foreign}).status == 403
        evil = client.request(
            "POST", "/ui/actions/retry", {"upload": str(upload), "csrf": token}, Origin="http://evil.example"
        )
        assert evil.status == 403
        assert catalog_rows(db, "SELECT 1 FROM operator_actions WHERE upload_id = %s", (upload,)) == []

    def test_retry_is_recorded(self, client: Client, db: str) -> None:
        """With the token: 303 back to the page, the action with the actor, the upload queued, the
        failure moved to the history."""
        upload = self._failed_upload(db, 6)
        client.sign_in()
        token = client.csrf(client.request("GET", "/ui/failures").text)
        response = client.request(
            "POST",
            "/ui/actions/retry",
            {"upload": str(upload), "csrf": token, "next": "/ui/failures"},
            Origin=f"http://127.0.0.1:{client.port}",
        )
        assert response.status == 303 and response.getheader("location").startswith("/ui/failures?action=")
        action = catalog_rows(db, "SELECT * FROM operator_actions WHERE upload_id = %s", (upload,))
        assert [(a["action"], a["actor"], a["code"], a["done_at"]) for a in action] == [
            ("retry", USER, f"code_{TAG}", None)
        ]
        assert catalog_rows(db, "SELECT state FROM uploads WHERE upload_id = %s", (upload,)) == [{"state": "queued"}]
        assert len(catalog_rows(db, "SELECT 1 FROM failure_history WHERE upload_id = %s", (upload,))) == 1
        notice = client.request("GET", response.getheader("location")).text
        assert f"retry of upload {upload}" in notice and "running" in notice
        again = client.request("POST", "/ui/actions/retry", {"upload": str(upload), "csrf": token})
        assert again.status == 409 and "is queued" in again.text  # queued now: not a failure to retry


def test_event_stream_announces_new_outcomes(client: Client, db: str) -> None:
    """Outcome events recorded in the catalog reach a signed-in browser's stream, once each, also
    one that commits after a newer one."""
    import socket

    client.sign_in()
    sock = socket.create_connection(("127.0.0.1", client.port), timeout=10)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    sock.sendall(f"GET /ui/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
    received = b""
    while b"retry: 3000" not in received:
        received += sock.recv(4096)
    assert b"text/event-stream" in received
    event_id = uuid.uuid4()
    import psycopg

    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO events (event_id, doc_id, routing_key, body) VALUES (%s, %s, 'document.processed', '{}')",
            (event_id, doc_id(1)),
        )
    deadline = time.monotonic() + 10
    while str(event_id).encode() not in received and time.monotonic() < deadline:
        received += sock.recv(4096)
    assert b"event: outcome" in received and str(event_id).encode() in received
    assert doc_id(1).encode() in received and b'"outcome": "processed"' in received
    # an event stamped before the newest one seen (its transaction began earlier, committed later)
    late = uuid.uuid4()
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO events (event_id, doc_id, routing_key, body, created_at) "
            "VALUES (%s, %s, 'document.failed', '{}', now() - interval '5 seconds')",
            (late, doc_id(2)),
        )
    deadline = time.monotonic() + 10
    while str(late).encode() not in received and time.monotonic() < deadline:
        received += sock.recv(4096)
    sock.close()
    assert str(late).encode() in received and received.count(str(event_id).encode()) == 1
