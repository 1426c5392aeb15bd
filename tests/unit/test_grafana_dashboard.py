"""docs/grafana/docpipe-dashboard.json: valid JSON for Grafana's import, its queries valid PromQL
(``promtool check rules``) naming only metrics ``/metrics`` exports, and every exported metric shown."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import generate_latest

from tests.conftest import ROOT
from workers.catalog.catalog import Catalog
from workers.web.metrics import metrics_registry

DASHBOARD = ROOT / "docs" / "grafana" / "docpipe-dashboard.json"
#: Sample suffixes of histograms and counters in the text format.
SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text("utf-8"))
    return data


def queries() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p["targets"]]


def exported(catalog_url: str, broker_url: str) -> set[str]:
    """Every sample name a scrape announces (``# TYPE`` lines, with their suffixes)."""
    catalog = Catalog.connect(catalog_url, pool_size=1)
    try:
        text = generate_latest(metrics_registry(catalog, broker_url)).decode()
    finally:
        catalog.close()
    names: set[str] = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE):
        names |= {name} | ({name + s for s in ("_bucket", "_sum", "_count")} if kind == "histogram" else set())
        names |= {name + "_total"} if kind == "counter" else set()
    return names


def test_dashboard_is_importable() -> None:
    """One Prometheus data-source input; each panel has a title, a position and targets on it."""
    data = dashboard()
    assert [i["name"] for i in data["__inputs"]] == ["DS_PROMETHEUS"] and data["uid"] == "docpipe-overview"
    ids = [p["id"] for p in data["panels"]]
    assert len(ids) == len(set(ids)) >= 6
    for panel in data["panels"]:
        assert panel["title"] and panel["targets"] and set(panel["gridPos"]) == {"x", "y", "w", "h"}
        assert all(t["datasource"]["uid"] == "${DS_PROMETHEUS}" for t in panel["targets"])


def test_queries_are_valid_promql(tmp_path: Path) -> None:
    """promtool parses every query (as recording rules)."""
    rules = {"groups": [{"name": "dashboard", "rules": [{"record": f"docpipe:q{i}", "expr": q}
                                                        for i, q in enumerate(queries())]}]}  # fmt: skip
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(rules))
    checked = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_queries_name_exported_metrics_and_show_them_all(catalog_url: str, redis_server: str) -> None:
    """Each docpipe_* name in a query is exported; each exported metric is on some panel."""
    names = exported(catalog_url, f"{redis_server}/9")
    used = {n for q in queries() for n in re.findall(r"\bdocpipe_[a-z_]+", q)}
    assert used and used <= names, used - names
    families = {n for n in names if not n.endswith(SUFFIXES) or n.removesuffix("_total") not in names}
    bases = {re.sub(r"_(bucket|sum|count|total)$", "", n) for n in used}
    missing = {f for f in families if re.sub(r"_(bucket|sum|count|total)$", "", f) not in bases}
    assert not missing, missing
