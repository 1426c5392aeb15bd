"""The chaos suite's short run (``bench/chaos.py --short``), as CI runs it: every scenario ends
with nothing lost, nothing duplicated, no worker crash, every failure with its reason."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT

#: The whole short run is one fixture: several minutes, more than the suite's per-test timeout.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module", name="figures")
def _figures() -> dict[str, dict[str, Any]]:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "chaos.py"), "--short", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=1800, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-5000:]
    return {f["scenario"]: f for f in json.loads(result.stdout.splitlines()[-1])}


SCENARIOS = ["burst", "kill-pool", "kill-main", "broker-restart", "catalog-restart", "store-outage", "bad-inputs"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_nothing_lost_duplicated_or_crashed(figures: dict[str, dict[str, Any]], name: str) -> None:
    """Each upload ends with an outcome; no output written twice; no worker main process died."""
    f = figures[name]
    assert f["uploaded"] > 0
    assert (f["lost"], f["duplicated"], f["crashed"], f["failed_without_reason"]) == (0, 0, 0, 0), f
    assert f["completed"] + f["failed_with_reason"] == f["uploaded"], f


def test_faults_are_not_failures(figures: dict[str, dict[str, Any]]) -> None:
    """Faults of the infrastructure (kills, restarts, a store outage) fail no document."""
    for name in SCENARIOS[:-1]:
        assert figures[name]["failed_with_reason"] == 0, figures[name]


def test_bad_inputs_are_recorded_with_reasons(figures: dict[str, dict[str, Any]]) -> None:
    """At least 500 hostile inputs; the 100 MB-XML .docx among them fails too_large."""
    f = figures["bad-inputs"]
    assert f["uploaded"] + f["notes"]["store_refused_keys"] >= 500
    assert f["notes"]["docx_bomb"].startswith("too_large:")
    assert set(f["notes"]["failure_codes"]) <= {"too_large", "empty", "unsupported", "undecodable"}


def test_startup_burst_is_enqueued_by_events(figures: dict[str, dict[str, Any]]) -> None:
    """A burst the moment the intake is up: every upload enqueued by the subscriber, none left to the reconciler."""
    f = figures["startup-burst"]
    assert f["lost"] == 0 and f["notes"]["left_to_reconciler"] == 0, f
    assert f["notes"]["enqueued_by"] == {"seaweedfs-grpc": f["uploaded"]}
