"""``create_web_app``: one Starlette application for every HTTP face of docpipe.

Routes are grouped by audience, each group a function returning its routes, all served by the
same ``WebServer``: operators have the dashboard (``/ui``, behind its own sign-in) and the
Prometheus scrape (``/metrics``, computed from the catalog); archive systems ``/oai`` (OAI-PMH,
given a catalog and a store) and ``/profiles/docpipe-bag-v1.json`` (the BagIt profile); storage
its webhooks. ``/healthz`` needs no authentication.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from workers.catalog.catalog import Catalog
from workers.settings import Settings
from workers.storage.s3 import ObjectStore
from workers.web.dashboard import dashboard_routes
from workers.web.metrics import metrics_routes
from workers.web.profiles import profile_routes
from workers.web.webhooks import Enqueue, webhook_routes


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_web_app(
    settings: Settings,
    *,
    enqueue: Enqueue,
    catalog: Catalog | None = None,
    store: ObjectStore | None = None,
    extra_routes: list[BaseRoute] | None = None,
) -> Starlette:
    """The ASGI app: ``/healthz``, the BagIt profile, ``/metrics``, OAI-PMH (with ``catalog`` and
    ``store``, when ``oai.enabled``), the dashboard, the webhooks, and any ``extra_routes`` (all
    before the webhooks' catch-all ``/{source}``)."""
    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET", "HEAD"])]
    routes += profile_routes(settings)
    routes += metrics_routes(settings, catalog)
    if settings.oai.enabled and catalog is not None and store is not None:
        from workers.web.oai.routes import oai_routes

        routes += oai_routes(settings, catalog, store)
    routes += dashboard_routes(settings, catalog, store)
    routes += extra_routes or []
    routes += webhook_routes(settings, enqueue)
    return Starlette(routes=routes)
