"""Signing in and out of the dashboard (``auth`` has the cookies and tokens)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from workers.web.dashboard.auth import (
    CSRF_FIELD,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    new_nonce,
)
from workers.web.dashboard.base import (
    DashboardBase,
    safe_next,
)


class SignInViews(DashboardBase):
    """The sign-in form, sign-in and sign-out."""

    async def login_page(self, request: Request, error: str = "", status: int = 200) -> Response:
        nonce = request.cookies.get(LOGIN_COOKIE) or new_nonce()
        response = self.templates.TemplateResponse(
            request,
            "login.html",
            {
                "session": None,
                "csrf": self.auth.csrf_token(nonce),
                "csrf_field": CSRF_FIELD,
                "error": error,
                "configured": self.auth.configured,
                "next": safe_next(request.query_params.get("next", "")),
            },
            status_code=status,
        )
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path="/ui", httponly=True, samesite="strict")
        return response

    async def login(self, request: Request) -> Response:
        form = await self._form(request)
        if not self._post_allowed(request, request.cookies.get(LOGIN_COOKIE), form):
            return PlainTextResponse("CSRF check failed", status_code=403)
        user, password = form.get("user", "").strip(), form.get("password", "")
        if not self.auth.check(user, password):
            await asyncio.sleep(0.5)  # a little friction for guessing
            return await self.login_page(request, "Wrong user name or password.", 401)
        response = RedirectResponse(safe_next(form.get("next", "")) or "/ui/documents", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            self.auth.issue(user),
            max_age=self.auth.session_seconds,
            path="/ui",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/ui")
        return response

    async def logout(self, request: Request) -> Response:
        session = self.session(request)
        form = await self._form(request)
        if session is None or not self._post_allowed(request, session.nonce, form):
            return PlainTextResponse("CSRF check failed", status_code=403)
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/ui")
        return response
