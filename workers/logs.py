"""Logging: structlog, JSON lines (a console renderer when stderr is a terminal).

Every process of docpipe (worker, pool processes, intake, ``docpipe up``) calls
``configure_logging(settings)`` once. Standard-library loggers (Celery, kombu, uvicorn, ours)
go through the same renderer, so each line of a log file is one JSON object. Fields bound with
``structlog.contextvars`` (``task_id``, ``doc_id``, ``key``) appear on every line of their task.

Two rules keep logs honest and quiet:

- JSON escapes every value, so a key with a newline stays inside its line (on a console the
  renderer shows field values with ``repr``, and ``escape_controls`` escapes the message itself);
- ``redact`` replaces the values of secret-looking fields and the passwords of URLs in any field
  or message: no secret of the settings reaches a log.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog
from structlog.types import EventDict, Processor

#: Field names whose values are never logged.
SECRET_FIELDS = re.compile(r"(password|secret|token|authorization|basic_auth|api_key)", re.IGNORECASE)
#: ``scheme://user:password@`` in any text.
URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_secrets: set[str] = set()


def add_secret(value: str) -> None:
    """Never log ``value`` (settings' secrets are registered by ``configure_logging``)."""
    if len(value) >= 4:
        _secrets.add(value)


def _scrub(text: str) -> str:
    text = URL_PASSWORD.sub(r"\g<head>***@", text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


def redact(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    """Remove secrets from every field (by name, by URL shape, by known value)."""
    for name, value in list(event_dict.items()):
        if SECRET_FIELDS.search(name) and name != "event":
            event_dict[name] = "***"
        elif isinstance(value, str):
            event_dict[name] = _scrub(value)
        elif value is not None and not isinstance(value, int | float | bool):
            event_dict[name] = _scrub(str(value))
    return event_dict


def escape_controls(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    """Console lines: a newline or other control character in the message is shown escaped (the
    console renderer already shows the other fields with ``repr``)."""
    value = event_dict.get("event")
    if isinstance(value, str) and _CONTROL.search(value):
        event_dict["event"] = value.encode("unicode_escape").decode("ascii")
    return event_dict


def _renderer(fmt: str) -> Processor:
    console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    if console:
        return structlog.dev.ConsoleRenderer(colors=False)
    return structlog.processors.JSONRenderer(ensure_ascii=False)


def configure_logging(settings: Any = None, *, level: str | None = None, fmt: str | None = None) -> None:
    """structlog and the standard library's root logger, rendering to stderr."""
    log_settings = getattr(settings, "log", None)
    level = (level or getattr(log_settings, "level", None) or "INFO").upper()
    fmt = fmt or getattr(log_settings, "format", None) or "auto"
    if settings is not None:
        _register_secrets(settings)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.format_exc_info,
        redact,
    ]
    renderer = _renderer(fmt)
    if isinstance(renderer, structlog.dev.ConsoleRenderer):
        shared.append(escape_controls)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("urllib3", "botocore", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def _register_secrets(settings: Any) -> None:
    from pydantic import BaseModel, SecretStr

    def walk(model: BaseModel) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                add_secret(secret)
                if "://" in secret:
                    password = URL_PASSWORD.search(secret)
                    if password:
                        add_secret(secret[password.end("head") : password.end() - 1])
            elif isinstance(value, BaseModel):
                walk(value)

    walk(settings)
