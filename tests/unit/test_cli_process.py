"""`docpipe process / schema / evaluate` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import GOLD, SEEDS
from workers.cli import main


def test_process_folder_and_evaluate(tmp_path: Path) -> None:
    """Seeds -> one JSON per input -> the evaluation reaches the bar."""
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["process", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.glob("*.json")) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    result = runner.invoke(main, ["evaluate", "--gold", str(GOLD), "--pred", str(out), "--min", "0.98"])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output


def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    """An empty and a binary file are reported with reasons; the good one is written; exit 1."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "in" / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / "in" / "good.txt").write_bytes((SEEDS / "003_5b8e28b97d1114ab.txt").read_bytes())
    result = CliRunner().invoke(main, ["process", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty.txt: empty" in result.output
    assert "blob.txt: unsupported" in result.output
    assert ".DS_Store" not in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["good.json"]
    assert json.loads((tmp_path / "out" / "good.json").read_text("utf-8"))["meta"]["symbol"] == "A/RES/69/179"


def test_schema_command_prints_json_schema() -> None:
    """`docpipe schema` prints the contract's JSON Schema."""
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "ProcessedDocument"
