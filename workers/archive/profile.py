"""docpipe's BagIt profile: the committed JSON, and the URL it is served at and every bag declares.

The profile is ``workers/archive/profiles/docpipe-bag-v1.json``; the web server publishes it at
``{web.base_url}/profiles/docpipe-bag-v1.json`` (``PROFILE_PATH``). A BagIt profile names itself
by the URL it is fetched from, and a bag declares that URL in ``BagIt-Profile-Identifier``
(``bagit-profile`` fetches it from there and checks the two are equal), so both places carry the
deployment's URL: ``profile(url)`` is the committed JSON with its identifier set to ``url``.

This module loads no part of the core: the web server imports it.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

PROFILE_FILE = "docpipe-bag-v1.json"
#: Where the web server serves the profile.
PROFILE_PATH = f"/profiles/{PROFILE_FILE}"
#: The identifier written in the committed file: the URL of the default web settings.
COMMITTED_ID = f"http://127.0.0.1:8089{PROFILE_PATH}"
#: The media type of a BagIt profile (a JSON document).
MEDIA_TYPE = "application/json"


def profile_url(base_url: str) -> str:
    """``{base_url}/profiles/docpipe-bag-v1.json``."""
    return base_url.rstrip("/") + PROFILE_PATH


@cache
def _committed() -> dict[str, Any]:
    text = resources.files("workers.archive").joinpath("profiles", PROFILE_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def profile(url: str = COMMITTED_ID) -> dict[str, Any]:
    """The profile as published at ``url``: it names itself ``url`` and requires bags to declare it."""
    data = copy.deepcopy(_committed())
    data["BagIt-Profile-Info"]["BagIt-Profile-Identifier"] = url
    data["Bag-Info"]["BagIt-Profile-Identifier"]["values"] = [url]
    return data


__all__ = ["COMMITTED_ID", "MEDIA_TYPE", "PROFILE_FILE", "PROFILE_PATH", "profile", "profile_url"]
