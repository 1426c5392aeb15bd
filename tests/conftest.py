"""Shared test helpers: paths to the project's own seeds and gold fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
DOCS = Path(__file__).resolve().parent / "fixtures" / "docs"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 4, "the project keeps its own copy of the four seeds"
    return paths
