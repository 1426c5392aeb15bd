"""Which file names are temporary or system files, never documents (drop folder, uploads, CLI)."""

from __future__ import annotations

import fnmatch
from pathlib import PurePath

#: Exact names that are never documents.
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".localized", "@eaDir", ".stfolder", ".Trashes"})
#: Patterns of partial downloads, editor locks and resource forks.
IGNORED_PATTERNS = ("*.part", "*.partial", "*.tmp", "*.crdownload", "*.filepart", "*.swp", "~$*", "._*", ".~lock.*")
IGNORED_DIRS = frozenset({"__MACOSX", ".git", ".done", ".failed", "@eaDir", ".Trashes"})


def is_ignored_name(path: PurePath | str) -> bool:
    """True for temporary and system files, hidden files, and anything under an ignored folder."""
    parts = PurePath(path).parts
    if not parts:
        return True
    if any(part in IGNORED_DIRS for part in parts[:-1]):
        return True
    name = parts[-1]
    if name in IGNORED_NAMES or name.startswith("."):
        return True
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_PATTERNS)
