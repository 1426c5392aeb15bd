"""``create_web_app``: one Starlette application for every HTTP face of docpipe.

Routes are grouped by audience, each group a function returning its routes, so the dashboard of
the next issue (``/ui``, ``/metrics``, ``/oai``) is one more group here, behind its own auth,
served by the same ``WebServer``. ``/healthz`` needs no authentication.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from workers.settings import Settings
from workers.web.webhooks import Enqueue, webhook_routes


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_web_app(settings: Settings, *, enqueue: Enqueue, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """The ASGI app: ``/healthz``, the webhooks, and any ``extra_routes`` (mounted before the webhooks'
    catch-all ``/{source}``)."""
    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET", "HEAD"])]
    routes += extra_routes or []
    routes += webhook_routes(settings, enqueue)
    return Starlette(routes=routes)
