"""Which names are temporary or system files, never documents: one rule for object keys (intake,
reconciler) and one for local paths (drop folder, ``docpipe upload``, ``docpipe process``)."""

from __future__ import annotations

from pathlib import PurePosixPath

#: Names that operating systems, sync tools and editors leave behind (compared case-insensitively).
IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
#: Folder names whose whole content is system noise (compared case-insensitively).
IGNORED_FOLDERS = frozenset({"__macosx", "@eadir", ".trashes", ".spotlight-v100", ".fseventsd"})
#: Name prefixes of AppleDouble files and Office / LibreOffice lock files.
IGNORED_PREFIXES = ("._", "~$", ".~lock.", "~lock.")
#: Suffixes of files still being written by a browser, a copy tool or an editor (case-insensitive).
TEMP_SUFFIXES = (".part", ".partial", ".filepart", ".tmp", ".temp", ".crdownload", ".download", ".swp", "~")


def is_ignored_key(key: str) -> bool:
    """True for keys that are temporary or system files, or folder markers, never documents.

    >>> [is_ignored_key(k) for k in ["inbox/决议 1.txt", "inbox/.DS_Store", "a/__MACOSX/x.pdf", "inbox/"]]
    [False, True, True, True]
    """
    if not key or key.endswith("/"):
        return True
    *folders, name = key.split("/")
    low = name.lower()
    return (
        any(folder.lower() in IGNORED_FOLDERS for folder in folders)
        or low in IGNORED_NAMES
        or low.startswith(IGNORED_PREFIXES)
        or low.endswith(TEMP_SUFFIXES)
    )


def is_ignored_path(relative: str | PurePosixPath) -> bool:
    """A local file that is never uploaded: what ``is_ignored_key`` refuses, plus hidden files and
    anything under a hidden folder (``.done/``, ``.failed/``, ``.git/``)."""
    rel = PurePosixPath(relative)
    return is_ignored_key(rel.as_posix()) or any(part.startswith(".") for part in rel.parts)
