"""Request guards shared by every route: bearer tokens, body size, JSON depth, read timeouts.

``read_json`` answers what an HTTP client did wrong with a status, never by dropping the
connection: 411/413 for a body too long (declared or streamed), 400 for malformed or too deeply
nested JSON (the depth is counted on the raw bytes before ``json.loads`` could recurse), 408 for a
body that does not arrive within the read timeout.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from starlette.requests import Request


class RequestRefused(Exception):  # noqa: N818 - carries an HTTP answer, not an error of ours
    """An answer to give instead of handling the request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bearer_ok(header: str | None, token: str) -> bool:
    """``Authorization: Bearer <token>``, the scheme in any case (RFC 9110 §11.1), compared in constant time.

    >>> bearer_ok("bearer s3cret", "s3cret"), bearer_ok("Bearer  wrong", "s3cret"), bearer_ok(None, "x")
    (True, False, False)
    """
    if not token or not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def json_depth(data: bytes) -> int:
    """Deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it.

    >>> json_depth(b'{"a": [1, {"b": "[[["}]}')
    3
    """
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def read_body(request: Request, max_bytes: int, timeout: float) -> bytes:
    """The body, at most ``max_bytes``, within ``timeout`` seconds; ``RequestRefused`` otherwise."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise RequestRefused(400, "Content-Length is not a number")
        if int(declared) > max_bytes:
            raise RequestRefused(413, f"body over {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0

    async def collect() -> None:
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise RequestRefused(413, f"body over {max_bytes} bytes")
            chunks.append(chunk)

    try:
        await asyncio.wait_for(collect(), timeout)
    except TimeoutError as exc:
        raise RequestRefused(408, f"body not received within {timeout:g} s") from exc
    return b"".join(chunks)


async def read_json(request: Request, *, max_bytes: int, max_depth: int, timeout: float) -> Any:
    data = await read_body(request, max_bytes, timeout)
    if json_depth(data) > max_depth:
        raise RequestRefused(400, f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RequestRefused(400, f"malformed JSON: {exc}") from exc
