"""Child processes and ports for ``docpipe up`` and the benchmarks: start, watch, stop cleanly."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

#: Seconds between SIGTERM and SIGKILL when stopping a child.
DEFAULT_GRACE = 15.0


def celery_command(*args: str) -> list[str]:
    """The command line of ``celery -A workers ARGS`` with this interpreter (a worker, Flower)."""
    return [sys.executable, "-m", "celery", "-A", "workers", *args]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_or_free(port: int, host: str = "127.0.0.1") -> int:
    """``port`` when it can be bound on ``host`` now, else a free one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return free_port(host)
    return port


class ManagedProcess:
    """A child in its own process group, logging to a file, stopped SIGTERM-then-SIGKILL."""

    def __init__(
        self,
        name: str,
        command: list[str],
        log_path: Path,
        env: dict[str, str] | None = None,
        *,
        user: str | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> None:
        self.name, self.command, self.log_path, self.env, self.user = name, command, log_path, env, user
        self.stop_signal = stop_signal
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, cwd: Path | None = None) -> None:
        from workers.storage.seaweed import _die_with_parent

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (only prctl between fork and exec)
            user=self.user,
        )

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    def stop(self, grace: float = DEFAULT_GRACE) -> None:
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(self.stop_signal)
                try:
                    process.wait(grace)
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop within %.0f s: SIGKILL", self.name, grace)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # the leader if still there, and any leftovers
            process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def wait_until(check: Callable[[], bool], timeout: float, what: str, alive: ManagedProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if alive is not None and alive.exit_code is not None:
            raise RuntimeError(f"{what}: exited with code {alive.exit_code}; see {alive.log_path}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready after {timeout:.0f} s")
        time.sleep(0.2)
