"""``/oai``: the OAI-PMH endpoint (GET, and POST with a form body, as protocol §3.1.1 requires),
and ``/oai/schemas/<file>``: the schema of docpipe's own metadata format.

No authentication: harvesting is public by design (the server binds 127.0.0.1 unless configured
otherwise). A catalog or store outage is answered 503 with ``Retry-After`` (protocol §3.1.2.2).
"""

from __future__ import annotations

from importlib import resources
from urllib.parse import parse_qsl

import structlog
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from workers.catalog.catalog import Catalog
from workers.errors import TransientError
from workers.settings import Settings
from workers.storage.s3 import ObjectStore
from workers.web.guards import RequestRefused, read_body
from workers.web.oai.formats import DOCPIPE_SCHEMA_FILE
from workers.web.oai.repository import OaiRepository

log = structlog.get_logger("docpipe.oai")

#: ``/oai``: the baseURL's path under the server's base URL.
OAI_PATH = "/oai"
XML_TYPE = "text/xml; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded"
#: Seconds a harvester is asked to wait after a 503.
RETRY_AFTER = "30"


def base_url(settings: Settings, request: Request) -> str:
    """The repository's baseURL: ``web.public_url`` + ``/oai``, or what the request reached."""
    if settings.web.public_url:
        return settings.web.public_url.rstrip("/") + OAI_PATH
    return str(request.base_url).rstrip("/") + OAI_PATH


def oai_routes(settings: Settings, catalog: Catalog, store: ObjectStore) -> list[Route]:
    repository = OaiRepository(settings.oai, catalog, store)
    web = settings.web

    async def endpoint(request: Request) -> Response:
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != FORM_TYPE:
                return PlainTextResponse(f"OAI-PMH POST requests are {FORM_TYPE}", 415)
            try:
                body = await read_body(request, web.max_body_bytes, web.read_timeout)
            except RequestRefused as refused:
                return PlainTextResponse(refused.message, refused.status)
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        else:
            pairs = list(request.query_params.multi_items())
        try:
            xml = await run_in_threadpool(repository.respond, pairs, base_url(settings, request))
        except TransientError as exc:
            log.warning("oai-pmh unavailable", error=exc.message)
            return PlainTextResponse("catalog or store unavailable, try again", 503, {"Retry-After": RETRY_AFTER})
        return Response(xml, media_type=XML_TYPE)

    async def schema(request: Request) -> Response:
        if request.path_params["name"] != DOCPIPE_SCHEMA_FILE:
            return PlainTextResponse("no such schema", 404)
        data = resources.files("workers.web.oai").joinpath("xsd", DOCPIPE_SCHEMA_FILE).read_bytes()
        return Response(data, media_type="application/xml")

    return [
        Route(OAI_PATH, endpoint, methods=["GET", "POST"]),
        Route(OAI_PATH + "/schemas/{name}", schema, methods=["GET"]),
    ]


__all__ = ["OAI_PATH", "base_url", "oai_routes"]
