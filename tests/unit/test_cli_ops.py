"""The operators' command line: ``status`` filters and table, ``show``'s record, ``--version``,
and the runtime file ``docpipe up`` leaves for the other commands."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from pipeline.version import PIPELINE_VERSION
from workers.cli import main
from workers.cli.show import format_record, format_timings
from workers.cli.status import as_json, format_table, parse_since
from workers.devstack.runtime import (
    apply_runtime,
    read_runtime,
    remove_runtime,
    with_password_of,
    without_password,
    write_runtime,
)
from workers.settings import CatalogSettings, Settings, StorageSettings


class TestVersion:
    def test_prints_distribution_and_pipeline_versions(self) -> None:
        """``docpipe --version`` names the installed docpipe and the core's version."""
        result = CliRunner().invoke(main, ["--version"])
        assert result.exit_code == 0
        assert result.output.startswith(f"docpipe {version('docpipe')} (pipeline {PIPELINE_VERSION}")

    def test_installed_command(self) -> None:
        """The console script answers too."""
        out = subprocess.run([str(Path(sys.executable).with_name("docpipe")), "--version"], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
        assert PIPELINE_VERSION in out


class TestSince:
    def test_relative_and_absolute(self) -> None:
        """Durations count back from now; ISO dates are UTC when naive."""
        now = datetime(2026, 5, 1, 12, tzinfo=UTC)
        assert parse_since("30m", now) == now - timedelta(minutes=30)
        assert parse_since("1w", now) == now - timedelta(days=7)
        assert parse_since("2026-04-30T08:00") == datetime(2026, 4, 30, 8, tzinfo=UTC)

    def test_nonsense_is_refused(self) -> None:
        """A value that is neither a duration nor a date is a usage error."""
        with pytest.raises(click.BadParameter):
            parse_since("yesterday-ish")

    def test_unknown_state_is_refused(self) -> None:
        """``--state`` takes only the catalog's upload states."""
        result = CliRunner().invoke(main, ["status", "--state", "exploded"])
        assert result.exit_code == 2 and "exploded" in result.output


ROW: dict[str, Any] = {
    "bucket": "docpipe-inbox",
    "key": "ga/" + "long-folder-name/" * 5 + "res.txt",
    "state": "failed",
    "updated_at": datetime(2026, 5, 1, 12, 0, 1, tzinfo=UTC),
    "doc_id": "ab" * 32,
    "code": "empty",
    "reason": "res.txt: the file is empty",
    "timings": {"load_ms": 1.5, "publish_ms": 2.0},
}


class TestTable:
    def test_columns_line_up_and_keep_the_file_name(self) -> None:
        """Every row's cells start under their header; a long key keeps its end."""
        published = ROW | {"state": "published", "code": None, "key": "a.txt", "symbol": "A/RES/1/1",
                           "timings": {"total_ms": 85.2}}  # fmt: skip
        lines = format_table([ROW, published]).splitlines()
        assert len(lines) == 3
        start = lines[0].index("SYMBOL")
        assert lines[2][start:].startswith("A/RES/1/1")
        assert "…" in lines[1] and "res.txt" in lines[1] and "empty: res.txt: the file is empty" in lines[1]
        assert "85 ms" in lines[2] and "2026-05-01 12:00:01" in lines[2]

    def test_json_rows(self) -> None:
        """``--json`` is an array of the rows with ISO dates."""
        rows = json.loads(as_json([ROW]))
        assert rows[0]["updated_at"] == "2026-05-01T12:00:01+00:00" and rows[0]["code"] == "empty"


class TestShow:
    def test_record_sections(self) -> None:
        """The record shows the document, each upload with its attempts' timings and its failure, and outputs."""
        doc_id = hashlib.sha256(b"x").hexdigest()
        upload = ROW | {"upload_id": 7, "etag": "e1", "source": "upload", "record_bucket": "failed",
                        "record_key": f"{doc_id}.json", "attempts_list": [
                            {"number": 1, "task_id": "t-1", "worker": "w", "outcome": "failed",
                             "started_at": ROW["updated_at"], "timings": {"total_ms": 3, "load_ms": 1}}]}  # fmt: skip
        text = format_record({"doc_id": doc_id, "state": "failed", "symbol": "A/RES/1/1", "uploads": [upload]})
        assert f"document   {doc_id}" in text and "A/RES/1/1" in text
        assert "#7 failed  docpipe-inbox/ga/" in text and "FAILURE  empty: res.txt: the file is empty" in text
        assert f"record   failed/{doc_id}.json" in text
        assert "attempt 1  failed  task t-1" in text and "timings  load 1.0 · total 3.0 ms" in text
        assert "outputs    -" in text

    def test_timings_in_stage_order(self) -> None:
        """Stages print in the order the task runs them; unknown ones after."""
        timings = {"total_ms": 9, "zzz_ms": 1, "read_ms": 2, "load_ms": 3, "output_reused": 1.0}
        assert format_timings(timings) == "load 3.0 · read 2.0 · total 9.0 · zzz 1.0 ms"


def _settings(tmp_path: Path, **update: Any) -> Settings:
    return Settings(data_dir=tmp_path, **update)


class TestRuntimeFile:
    def test_round_trip_without_secrets(self, tmp_path: Path) -> None:
        """What ``docpipe up`` writes points a client at its ports; no password is written."""
        running = _settings(
            tmp_path,
            broker_url=SecretStr("redis://:brokerpw@127.0.0.1:6390/0"),
            catalog=CatalogSettings(url=SecretStr("postgresql://app:catpw@127.0.0.1:5544/docpipe")),
            storage=StorageSettings(endpoint="127.0.0.1:9333", secret_key=SecretStr("s3pw"), inbox_bucket="in-x"),
        )
        path = write_runtime(running, pid=os.getpid())
        text = path.read_text()
        assert not {"brokerpw", "catpw", "s3pw", "change-me"} & {w.strip('",') for w in text.split()}
        assert "brokerpw" not in text and "catpw" not in text and "s3pw" not in text
        client = _settings(
            tmp_path,
            broker_url=SecretStr("redis://:brokerpw@127.0.0.1:6379/0"),
            catalog=CatalogSettings(url=SecretStr("postgresql://app:catpw@127.0.0.1:5432/docpipe")),
        )
        runtime = read_runtime(client)
        assert runtime is not None
        moved = apply_runtime(client, runtime)
        assert moved.broker == "redis://:brokerpw@127.0.0.1:6390/0"
        assert moved.catalog_url == "postgresql://app:catpw@127.0.0.1:5544/docpipe"
        assert (moved.storage.endpoint, moved.storage.inbox_bucket) == ("127.0.0.1:9333", "in-x")
        remove_runtime(client, pid=os.getpid())
        assert not path.exists()

    def test_a_dead_stack_is_ignored(self, tmp_path: Path) -> None:
        """A file left by a ``docpipe up`` that is gone (killed) points nowhere."""
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)  # fmt: skip
        write_runtime(_settings(tmp_path), pid=int(dead.stdout))
        assert read_runtime(_settings(tmp_path)) is None
        assert read_runtime(_settings(tmp_path), live_only=False) is not None

    def test_passwords(self) -> None:
        """Stored without; given back from the client's own URL for the same user only."""
        assert without_password("amqp://u:p@h:5672/v") == "amqp://u@h:5672/v"
        assert with_password_of("amqp://u@h2:5673/v", "amqp://u:p@h:5672/v") == "amqp://u:p@h2:5673/v"
        assert with_password_of("amqp://u@h2/v", "amqp://other:p@h/v") == "amqp://u@h2/v"
