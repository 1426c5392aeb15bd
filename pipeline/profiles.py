"""The language profiles docpipe has, by language code."""

from __future__ import annotations

from functools import cache

from pipeline.profile import Profile

#: Language codes with a profile (``pipeline/<code>/``).
LANGUAGES = ("zh", "en")


@cache
def profile_for(code: str) -> Profile:
    """The profile of language ``code`` (imported on first use)."""
    if code == "zh":
        from pipeline.zh import PROFILE as ZH

        return ZH
    if code == "en":
        from pipeline.en import PROFILE as EN

        return EN
    raise KeyError(f"no profile for language {code!r}")
