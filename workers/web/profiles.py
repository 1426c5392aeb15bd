"""``/profiles/docpipe-bag-v1.json``: docpipe's BagIt profile, at the URL every bag declares.

The bags say ``BagIt-Profile-Identifier: {web.base_url}/profiles/docpipe-bag-v1.json``; this route
serves the committed profile naming that same URL (``workers.archive.profile``), so
``bagit-profile`` pointed at a bag's identifier fetches the profile it was made for.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from workers.archive.profile import PROFILE_PATH, profile, profile_url
from workers.settings import Settings


def profile_routes(settings: Settings) -> list[Route]:
    url = profile_url(settings.web.base_url)

    async def bag_profile(_request: Request) -> Response:
        return JSONResponse(profile(url), headers={"Cache-Control": "public, max-age=3600"})

    return [Route(PROFILE_PATH, bag_profile, methods=["GET", "HEAD"])]


__all__ = ["profile_routes"]
