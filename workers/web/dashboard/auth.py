"""Operators' sign-in, session cookies and CSRF tokens for the dashboard.

A session is a signed cookie ``<user>|<expiry>|<nonce>|<mac>`` (HMAC-SHA256 with the dashboard's
secret key), ``HttpOnly``, ``SameSite=Strict``, path ``/ui``. Every POST carries a CSRF token, the
HMAC of the session's nonce (the sign-in form: of a pre-session cookie's nonce), in the form field
``csrf`` or the ``X-CSRF-Token`` header, and must come from the same origin when the browser says
where it comes from. Credentials come from ``settings.dashboard``: ``users`` (``user:password``
pairs) and/or ``token`` (the password of any user name); with neither, the operators' Flower
credentials (``flower.basic_auth``, which ``docpipe up`` generates); compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from workers.settings import DashboardSettings

#: Cookie names (path /ui).
SESSION_COOKIE = "docpipe_session"
LOGIN_COOKIE = "docpipe_login"
#: Form field and header of the CSRF token.
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in operator."""

    user: str
    expires: int
    nonce: str


class Authenticator:
    """Checks credentials, issues and verifies session cookies and CSRF tokens."""

    def __init__(self, settings: DashboardSettings, *, fallback_users: str = "") -> None:
        key = settings.secret_key.get_secret_value()
        self._key = key.encode() if key else secrets.token_bytes(32)
        self._token = settings.token.get_secret_value()
        self._users: dict[str, str] = {}
        users = settings.users.get_secret_value()
        if not users and not self._token:
            users = fallback_users
        for pair in users.split(","):
            user, sep, password = pair.strip().partition(":")
            if sep and user and password:
                self._users[user] = password
        self.session_seconds = settings.session_seconds

    @property
    def configured(self) -> bool:
        """Whether anyone can sign in at all."""
        return bool(self._token or self._users)

    def check(self, user: str, password: str) -> bool:
        """The credentials are a configured user's, or the token (with any non-empty user name)."""
        if not user or not password or len(user) > 100 or "|" in user:
            return False
        ok = False
        if self._token:
            ok = hmac.compare_digest(password.encode(), self._token.encode())
        expected = self._users.get(user)
        if expected is not None:
            ok = hmac.compare_digest(password.encode(), expected.encode()) or ok
        return ok

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def issue(self, user: str, now: float | None = None) -> str:
        """A session cookie's value for ``user``."""
        expires = int((time.time() if now is None else now) + self.session_seconds)
        body = f"{user}|{expires}|{secrets.token_hex(16)}"
        return f"{body}|{self._mac('session|' + body)}"

    def verify(self, cookie: str | None, now: float | None = None) -> Session | None:
        """The session of a cookie value if it is ours and not expired."""
        if not cookie or cookie.count("|") != 3:
            return None
        body, _, mac = cookie.rpartition("|")
        if not hmac.compare_digest(mac, self._mac("session|" + body)):
            return None
        user, expires, nonce = body.split("|")
        if not expires.isdigit() or int(expires) < (time.time() if now is None else now):
            return None
        return Session(user, int(expires), nonce)

    def csrf_token(self, nonce: str) -> str:
        """The CSRF token of a session (or pre-session) nonce."""
        return self._mac("csrf|" + nonce)

    def csrf_ok(self, nonce: str | None, token: str | None) -> bool:
        return bool(nonce and token) and hmac.compare_digest(str(token), self.csrf_token(str(nonce)))


def new_nonce() -> str:
    return secrets.token_hex(16)


def same_origin(origin: str | None, referer: str | None, host: str | None) -> bool:
    """Whether a POST comes from this host: its ``Origin`` (or, without one, ``Referer``) names it.

    A request that names neither is let through to the CSRF token check (old clients, curl).

    >>> same_origin("http://127.0.0.1:8089", None, "127.0.0.1:8089"), same_origin("http://evil", None, "a:1")
    (True, False)
    """
    source = origin if origin and origin != "null" else referer
    if not source:
        return origin != "null"
    scheme, sep, rest = source.partition("://")
    if not sep or scheme not in {"http", "https"}:
        return False
    return rest.split("/", 1)[0].lower() == (host or "").lower()
