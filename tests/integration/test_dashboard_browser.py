"""The dashboard in a real headless browser: Debian's chromium driven by Playwright
(``executable_path``; ``make browser`` installs it), against the whole service: SeaweedFS, the
session's catalog, the session's Valkey as broker, a real ``celery`` worker and docpipe's web server.

An operator signs in, lists the documents, finds one by its symbol, opens it (the reader shows its
segment tree with entities), retries a failed upload from the Failures page and watches it arrive
published in the list (live, by server-sent events), reprocesses a document and sees the action
done. Screenshots of each page go to ``$DOCPIPE_SCREENSHOTS`` (``scripts/dashboard_screenshots.sh``
writes the README's into ``docs/``), else to the test's temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from pydantic import SecretStr

from tests.conftest import catalog_rows, own_catalog
from tests.integration.test_operations import missing_object, upload_row, wait_until
from tests.integration.test_service_e2e import Service, seed_bytes
from workers.errors import ObjectNotFoundError
from workers.settings import DashboardSettings
from workers.storage.seaweed import SeaweedServer
from workers.web.app import create_web_app
from workers.web.server import WebServer

pytestmark = pytest.mark.integration

USER, PASSWORD = "operator", "correct horse battery staple"


def chromium_path() -> str:
    """Debian's chromium (a missing browser fails the test: ``make browser`` installs it)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Debian's chromium is not installed: run `make browser`"
    return path


@pytest.fixture(name="own_catalog")
def _own_catalog() -> Iterator[str]:
    """A catalog of this test's own: the dashboard lists all of a catalog, so only this test's rows."""
    with own_catalog("browser") as url:
        yield url


@pytest.fixture
def stack(seaweed: SeaweedServer, tmp_path: Path, own_catalog: str, redis_server: str) -> Iterator[dict[str, Any]]:
    catalog_url = own_catalog
    broker = f"{redis_server}/12"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    svc = Service(seaweed, tmp_path, broker, catalog_url)
    settings = svc.settings.model_copy(
        update={"dashboard": DashboardSettings(users=SecretStr(f"{USER}:{PASSWORD}"), secret_key=SecretStr("k" * 32))}
    )
    svc.settings = settings
    web = WebServer(
        settings, create_web_app(settings, enqueue=svc.enqueue, catalog=svc.catalog, store=svc.store), port=0
    )
    web.start()
    try:
        yield {"service": svc, "url": web.url}
    finally:
        web.stop()
        svc.stop_workers()
        svc.catalog.close()
        client.flushdb()
        client.close()
        for name in (settings.storage.inbox_bucket, settings.storage.processed_bucket, settings.storage.failed_bucket):
            with contextlib.suppress(ObjectNotFoundError):
                svc.store.remove_bucket(name)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])
        try:
            yield instance
        finally:
            instance.close()


def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("DOCPIPE_SCREENSHOTS") or tmp_path / "shots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_operator_finds_retries_and_reprocesses(stack: dict[str, Any], browser: Any, tmp_path: Path) -> None:
    """List, search by symbol, open a document, retry a failure and see it published, reprocess one."""
    from playwright.sync_api import expect

    svc: Service = stack["service"]
    base: str = stack["url"]
    out = shots(tmp_path)
    svc.start_worker("ui1")
    keys = ["决议/A_RES_75_1.txt", "决议/A_RES_79_1.txt", "hrc/A_HRC_54_1.txt"]
    for n, key in enumerate(keys):
        svc.enqueue(svc.upload(key, seed_bytes(n)))
    late_key, late_data = "late/restored.txt", seed_bytes(3)
    svc.enqueue(missing_object(svc, late_key, late_data))
    for key in [*keys, late_key]:
        wait_until(svc, lambda k=key: upload_row(svc, k).get("state") in {"published", "failed"}, f"{key} finished")
    first = upload_row(svc, keys[2])  # the Human Rights Council seed states its symbol
    symbol = catalog_rows(
        svc.settings.catalog_url, "SELECT symbol FROM documents WHERE doc_id = %s", (first["doc_id"],)
    )[0]["symbol"]
    assert symbol, "the seed's symbol is known to the catalog"

    page = browser.new_page(viewport={"width": 1360, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # signing in: the documents page sends an anonymous visitor to the sign-in form
    page.goto(f"{base}/ui/documents")
    assert "/ui/login" in page.url
    page.fill("input[name=user]", USER)
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_contain_text("Wrong user name or password")
    page.fill("input[name=user]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/ui/documents")
    errors.clear()  # the 401 of the wrong password

    # the list: every document of this test, each with its key
    table = page.locator("table.documents")
    for key in keys:
        expect(table).to_contain_text(key)
    expect(page.locator("p.count")).to_have_text("3 documents")  # the fourth upload failed before its bytes were read
    page.screenshot(path=str(out / "dashboard-documents.png"), full_page=True)

    # search by symbol (htmx reloads the table as one types)
    page.fill("input[name=q]", symbol)
    expect(page.locator("p.count")).to_have_text("1 document")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(keys[2])

    # open it: facts, attempts with their Flower link, outputs, the reader
    table.locator(f"a:has-text('{symbol}')").click()
    page.wait_for_url(f"{base}/ui/documents/{first['doc_id']}")
    expect(page.locator("#doc-state")).to_have_text("published")
    expect(page.locator("a.flower").first).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:5555/task/"))
    assert "/task/" in (page.locator("a.flower").first.get_attribute("href") or "")
    expect(page.locator("#reader")).to_contain_text("Operative part")
    assert page.locator("#reader li.seg-operative").count() > 0
    assert page.locator("#reader mark.ent").count() > 0
    page.screenshot(  # the facts, attempts, outputs and the reader's first parts
        path=str(out / "dashboard-document.png"), full_page=True, clip={"x": 0, "y": 0, "width": 1360, "height": 1500}
    )
    operative = page.locator("#reader section.part").filter(has_text="Operative part")
    assert operative.locator("li.seg-subparagraph").count() > 0  # nested under their paragraph
    operative.screenshot(path=str(out / "dashboard-reader.png"))
    json_view = page.request.get(
        base + (page.locator("table.outputs a:has-text('view')").first.get_attribute("href") or "")
    )
    assert json_view.ok and json_view.json()["doc_id"] == first["doc_id"]

    # the failure: fixed in the store, retried from the Failures page
    failed = upload_row(svc, late_key)
    assert failed["code"] == "not_found"
    svc.store.put_bytes(svc.settings.storage.inbox_bucket, late_key, late_data)
    page.goto(f"{base}/ui/failures")
    row = page.locator(f"#failure-{failed['upload_id']}")
    expect(row).to_contain_text("not_found")
    page.screenshot(path=str(out / "dashboard-failures.png"), full_page=True)
    row.locator("button.retry").click()
    expect(page.locator("#action-notice")).to_contain_text(f"retry of upload {failed['upload_id']}")

    # ... and seen published in the list, which the outcome event refreshes by itself
    page.goto(f"{base}/ui/documents?q=late/")
    expect(page.locator("#live")).to_contain_text("live")
    expect(page.locator("table.documents")).to_contain_text(late_key, timeout=40_000)
    expect(page.locator("table.documents tbody tr").first.locator(".badge")).to_have_text("published", timeout=40_000)
    assert upload_row(svc, late_key)["state"] == "published"

    # reprocess a document from its page; the action is recorded and finishes
    page.goto(f"{base}/ui/documents/{first['doc_id']}")
    page.click("#reprocess")
    expect(page.locator("#action-notice")).to_contain_text("reprocess")
    action_id = int(page.url.split("action=")[1].split("&")[0])
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        page.reload()
        if "done at" in page.locator("#action-notice").inner_text():
            break
        time.sleep(0.5)
    expect(page.locator("#action-notice")).to_contain_text("published")
    done = catalog_rows(svc.settings.catalog_url, "SELECT * FROM operator_actions WHERE action_id = %s", (action_id,))
    assert done[0]["actor"] == USER and done[0]["outcome"] == "published" and done[0]["done_at"] is not None
    expect(page.locator("ul.actions")).to_contain_text(f"#{action_id} reprocess")

    page.goto(f"{base}/ui/overview")
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("#workers")).to_contain_text("ui1@")
    page.screenshot(path=str(out / "dashboard-overview.png"), full_page=True)
    page.close()
    assert not errors, f"the pages logged errors (a script the CSP blocked?): {errors}"
