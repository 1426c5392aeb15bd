"""The shell's layout: the intake loads no part of the core; ``celery -A workers`` finds the app."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def _modules_after(statement: str) -> list[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return list(json.loads(out.splitlines()[-1]))


def test_intake_and_web_load_no_core() -> None:
    """Importing the intake service and the web app loads ``pipeline.errors`` at most, never the
    stages or their data (the gazetteers, the traditional-simplified table)."""
    loaded = _modules_after("import workers.intake.service, workers.web.app, workers.intake.enqueue")
    core = [m for m in loaded if m == "pipeline" or m.startswith("pipeline.")]
    assert set(core) <= {"pipeline", "pipeline.errors"}, core


def test_celery_finds_the_app() -> None:
    """``celery -A workers`` resolves ``workers.celery`` to the configured app with the task."""
    code = "import workers; app = workers.celery; app.loader.import_default_modules(); print(sorted(app.tasks))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert "docpipe.process" in out


def test_table_names_exist_after_migration(catalog_url: str) -> None:
    """Every table named in workers.names exists in a migrated catalog."""
    from tests.conftest import catalog_rows
    from workers.names import TABLES

    rows = catalog_rows(catalog_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert set(TABLES) <= {r["tablename"] for r in rows}
    assert json.dumps(sorted(TABLES))
