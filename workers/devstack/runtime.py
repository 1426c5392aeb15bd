"""``<data_dir>/runtime.json``: where a running ``docpipe up`` listens, for every other command.

``docpipe up`` replaces busy default ports with free ones; it writes what it chose (endpoints,
bucket, queue and exchange names, its pid; never a password or a token) once everything is up,
and removes the file when it stops. ``client_settings()`` is the settings of a client command
(``upload``, ``status``, ``show``, ...): ``get_settings()`` with the runtime file of a live
``docpipe up`` laid over it, so after a restart on other ports those commands still reach it.
URLs are stored without their passwords; a client puts back the one of its own settings.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import SecretStr

from workers.settings import Settings

#: File name under ``settings.data_dir``.
RUNTIME_FILE = "runtime.json"
#: Version of the file's layout.
RUNTIME_VERSION = 1


def runtime_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / RUNTIME_FILE


def without_password(url: str) -> str:
    """``url`` with its password removed (the user name is kept)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_password_of(url: str, own: str) -> str:
    """``url`` (stored without a password) with the password of ``own`` when both name the same user."""
    stored, mine = urlsplit(url), urlsplit(own)
    if stored.password is not None or mine.password is None or (stored.username or "") != (mine.username or ""):
        return url
    netloc = f"{mine.username or ''}:{mine.password}@{stored.hostname or ''}"
    netloc += f":{stored.port}" if stored.port else ""
    return urlunsplit((stored.scheme, netloc, stored.path, stored.query, stored.fragment))


def describe_settings(settings: Settings, *, pid: int, flower_url: str | None = None) -> dict[str, Any]:
    """What the runtime file holds for a stack running with ``settings``."""
    s = settings
    return {
        "version": RUNTIME_VERSION,
        "pid": pid,
        "storage": {
            "endpoint": s.storage.endpoint,
            "secure": s.storage.secure,
            "inbox_bucket": s.storage.inbox_bucket,
            "processed_bucket": s.storage.processed_bucket,
            "failed_bucket": s.storage.failed_bucket,
            "archive_bucket": s.storage.archive_bucket,
        },
        "broker_url": without_password(s.broker),
        "catalog_url": without_password(s.catalog_url),
        "publish": {"url": without_password(s.publish_url), "exchange": s.publish.exchange},
        "queues": ["docpipe.process", "docpipe.archive", "docpipe.dead", "docpipe.failed"],
        "web": {"host": s.web.host, "port": s.web.port, "url": s.web.base_url},
        "flower": {"host": s.flower.host, "port": s.flower.port, "url": flower_url},
        "filer_grpc": s.intake.filer_grpc,
        "drop_dir": str(Path(s.intake.drop_dir).resolve()),
    }


def write_runtime(settings: Settings, *, pid: int, flower_url: str | None = None) -> Path:
    """Write the runtime file atomically (mode 0644: it holds no secret)."""
    path = runtime_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{RUNTIME_FILE}.{os.getpid()}")
    temporary.write_text(json.dumps(describe_settings(settings, pid=pid, flower_url=flower_url), indent=2) + "\n")
    temporary.replace(path)
    return path


def remove_runtime(settings: Settings, *, pid: int) -> None:
    """Remove the runtime file if it is this process's."""
    found = read_runtime(settings, live_only=False)
    if found is not None and found.get("pid") == pid:
        with contextlib.suppress(FileNotFoundError):
            runtime_path(settings).unlink()


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_runtime(settings: Settings, *, live_only: bool = True) -> dict[str, Any] | None:
    """The runtime file's content; None if there is none, it is unreadable, or (``live_only``) its
    ``docpipe up`` is gone."""
    try:
        data = json.loads(runtime_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != RUNTIME_VERSION:
        return None
    return data if not live_only or _alive(data.get("pid")) else None


def apply_runtime(settings: Settings, runtime: dict[str, Any]) -> Settings:
    """``settings`` pointed at the running stack ``runtime`` describes."""
    storage = settings.storage.model_copy(update=dict(runtime["storage"]))
    publish_url = with_password_of(runtime["publish"]["url"], settings.publish_url)
    return settings.model_copy(
        update={
            "broker_url": SecretStr(with_password_of(runtime["broker_url"], settings.broker)),
            "catalog": settings.catalog.model_copy(
                update={"url": SecretStr(with_password_of(runtime["catalog_url"], settings.catalog_url))}
            ),
            "publish": settings.publish.model_copy(
                update={"url": SecretStr(publish_url), "exchange": runtime["publish"]["exchange"]}
            ),
            "storage": storage,
            "web": settings.web.model_copy(update={"host": runtime["web"]["host"], "port": runtime["web"]["port"]}),
            "flower": settings.flower.model_copy(
                update={"host": runtime["flower"]["host"], "port": runtime["flower"]["port"]}
            ),
            "intake": settings.intake.model_copy(update={"filer_grpc": runtime["filer_grpc"]}),
        }
    )


def client_settings() -> Settings:
    """The settings of a client command: the environment's, pointed at a live ``docpipe up`` if there is one."""
    from workers.settings import get_settings

    settings = get_settings()
    runtime = read_runtime(settings)
    return settings if runtime is None else apply_runtime(settings, runtime)
