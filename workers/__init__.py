"""The imperative shell: Celery app and tasks, storage, intake, publishing, settings, CLI.

Importing this package has no side effects; ``celery -A workers worker`` finds the app
through the lazily built ``workers.celery`` attribute.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name in {"celery", "app"}:
        from workers.broker.app import get_app

        return get_app()
    raise AttributeError(name)
