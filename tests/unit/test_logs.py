"""structlog JSON lines: bound fields, escaped keys, no secrets."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from pydantic import SecretStr

from workers.logs import configure_logging
from workers.settings import CatalogSettings, Settings, StorageSettings


@pytest.fixture(name="lines")
def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    settings = Settings(
        storage=StorageSettings(secret_key=SecretStr("s3-very-secret")),
        catalog=CatalogSettings(url=SecretStr("postgresql://docpipe:pg-very-secret@db:5432/docpipe")),
    )
    configure_logging(settings, fmt="json")
    structlog.contextvars.bind_contextvars(task_id="t-1", doc_id="d" * 64, key='evil\n{"level": "critical"}')
    log = structlog.get_logger("docpipe.test")
    log.warning("document failed", reason="bad", url="amqp://u:amqp-very-secret@rabbit//")
    logging.getLogger("celery.test").error("connecting to postgresql://docpipe:pg-very-secret@db/docpipe")
    log.info("oops", password="hunter2", detail="the key is s3-very-secret")
    structlog.contextvars.clear_contextvars()
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_one_json_object_per_line_with_bound_fields(lines: list[str]) -> None:
    """Each event is one JSON line; task_id, doc_id and key are fields; the newline in the key is escaped."""
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    first = records[0]
    assert first["event"] == "document failed" and first["task_id"] == "t-1" and first["doc_id"] == "d" * 64
    assert first["key"] == 'evil\n{"level": "critical"}' and first["level"] == "warning"


def test_no_secret_reaches_the_log(lines: list[str]) -> None:
    """Passwords in URLs, secret settings and secret-named fields are replaced by ***."""
    text = "\n".join(lines)
    for secret in ("s3-very-secret", "pg-very-secret", "amqp-very-secret", "hunter2"):
        assert secret not in text
    assert "***" in text


def test_console_lines_escape_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    """In a terminal, a key with a newline is shown escaped, on one line."""
    configure_logging(Settings(), fmt="console")
    structlog.get_logger("docpipe.test").warning("failed on a\nFAKE ERROR line", key="b\nFAKE too")
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "a\\nFAKE" in err[0] and "b\\nFAKE" in err[0]
