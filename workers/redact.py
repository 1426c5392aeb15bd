"""Keeping secrets out of messages and logs: URLs without their passwords.

>>> redact_url("amqp://docpipe:s3cret@rabbit:5672//")
'amqp://docpipe:***@rabbit:5672//'
>>> redact_url("postgresql://postgres@127.0.0.1:5432/docpipe")
'postgresql://postgres@127.0.0.1:5432/docpipe'
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable url>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
