"""``WebServer``: uvicorn in a thread of the intake process, with a read timeout uvicorn lacks.

uvicorn times out idle keep-alive connections but not a request whose headers arrive slowly (a
client holding 300 half-sent requests held 300 connections open). ``TimedH11Protocol`` gives each
request ``web.read_timeout`` seconds from the connection (or the previous response) until the
client has sent all of it, then answers 408 and closes. ``limit_concurrency`` bounds connections
(503 beyond). The default token is refused on a non-loopback address.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from workers.settings import Settings

#: The token shipped in the settings' default: refused unless the endpoint is loopback-only.
DEFAULT_TOKEN = "change-me"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: Connections served at once; more are answered 503.
LIMIT_CONCURRENCY = 256
_TIMEOUT_ANSWER = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for receiving each whole request."""

    read_timeout: float = 10.0
    _read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(self.read_timeout, self._expire)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _expire(self) -> None:
        self._read_timer = None
        if self.transport.is_closing() or self.conn.their_state is h11.DONE:
            return  # the whole request is in: the application is working on it
        started = self.conn.their_state is not h11.IDLE or bool(self.conn.trailing_data[0])
        if self.conn.our_state is h11.IDLE and started:
            self.transport.write(_TIMEOUT_ANSWER)
        self.transport.close()


def protocol_with_timeout(seconds: float) -> type[H11Protocol]:
    return type("DocpipeH11Protocol", (TimedH11Protocol,), {"read_timeout": seconds})


class WebServer:
    """Serve ``app`` on ``host:port`` (0: a free port) in a daemon thread; ``start()``, ``stop()``."""

    def __init__(self, settings: Settings, app: Any, *, host: str | None = None, port: int | None = None) -> None:
        web = settings.web
        host = web.host if host is None else host
        if web.webhook_token.get_secret_value() == DEFAULT_TOKEN and host not in LOOPBACK:
            raise ValueError(
                f"web.webhook_token is the default {DEFAULT_TOKEN!r}: set DOCPIPE_WEB__WEBHOOK_TOKEN "
                f"before listening on {host}"
            )
        self.config = uvicorn.Config(
            app,
            host=host,
            port=web.port if port is None else port,
            http=protocol_with_timeout(web.read_timeout),
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_keep_alive=5,
            limit_concurrency=LIMIT_CONCURRENCY,
            h11_max_incomplete_event_size=64 * 1024,
            timeout_graceful_shutdown=5,
            server_header=False,
        )
        self.server = uvicorn.Server(self.config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        servers = getattr(self.server, "servers", None) or []
        for server in servers:
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return int(self.config.port)

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> threading.Thread:
        """Bind and serve; raises if the socket cannot be bound within ``timeout`` seconds."""
        self._thread = threading.Thread(target=self.server.run, name="docpipe-web", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"web server could not listen on {self.config.host}:{self.config.port}")
            if time.monotonic() > deadline:
                raise RuntimeError("web server did not start")
            time.sleep(0.02)
        return self._thread

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
