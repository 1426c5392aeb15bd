"""The README documents every setting, and its two commands are the ones CI and users run."""

from __future__ import annotations

from pydantic import BaseModel

from tests.conftest import ROOT
from workers.settings import Settings

README = (ROOT / "README.md").read_text("utf-8")


def _variables(model: type[BaseModel], prefix: str = "DOCPIPE_") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(_variables(annotation, f"{prefix}{name.upper()}__"))
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_documented() -> None:
    """Each DOCPIPE_* variable appears in the README's environment table."""
    missing = [name for name in _variables(Settings) if f"`{name}`" not in README]
    assert not missing, f"document these in README.md: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls the README's test command."""
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in README
    assert "\nmake test\n" in ci
