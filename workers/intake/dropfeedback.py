"""What the drop folder tells the people who drop files: outcomes and a summary.

``DropFeedback`` follows the files the watcher uploaded (kept in ``.done/``) by asking the catalog
(``outcome``) at each poll: a failed one moves on to ``.failed/`` next to ``<name>.reason.txt``
(its relative path, its key, the failure's code and reason); a published or duplicate one stays.
``<drop>/.docpipe-summary.txt`` (hidden, so never uploaded itself) lists the run's counts and each
file never taken with the reason (``skip_reason``), rewritten whenever it changes. Only the files
uploaded since the watcher started are followed: after a restart earlier ones stay in ``.done/``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workers.ignore import IGNORED_FOLDERS, IGNORED_NAMES, IGNORED_PREFIXES, TEMP_SUFFIXES, is_ignored_path

log = logging.getLogger("workers.intake.dropfolder")

#: What was skipped and why, and the counts of this run (a hidden file: never uploaded itself).
SUMMARY_FILE = ".docpipe-summary.txt"
#: Upload states after which nothing more happens (the catalog's terminal states).
FINISHED_STATES = frozenset({"published", "duplicate", "failed", "superseded"})
#: ``outcome(bucket, key, etag)``: the upload's (state, failure code, failure reason), None if unknown.
Outcome = Callable[[str, str, str], tuple[str, str | None, str | None] | None]


def skip_reason(rel: PurePosixPath) -> str | None:
    """Why a local file is never uploaded (``workers.ignore``'s rules), or None.

    >>> skip_reason(PurePosixPath("scan.pdf.crdownload")), skip_reason(PurePosixPath("a/res.txt"))
    ('a temporary file (still being downloaded or edited?)', None)
    """
    name = rel.name.lower()
    if any(part.lower() in IGNORED_FOLDERS for part in rel.parts[:-1]):
        return "inside a system folder"
    if name in IGNORED_NAMES:
        return "a system file"
    if name.startswith(IGNORED_PREFIXES):
        return "a lock or resource-fork file"
    if name.endswith(TEMP_SUFFIXES):
        return "a temporary file (still being downloaded or edited?)"
    if any(part.startswith(".") for part in rel.parts):
        return "a hidden file or folder"
    return "ignored" if is_ignored_path(rel) else None


@dataclass
class _Awaiting:
    """An uploaded file in ``.done/`` whose outcome is not known yet."""

    rel: str
    key: str
    etag: str
    path: Path


class DropFeedback:
    """Outcomes and the summary of one drop folder (``done`` and ``failed`` are its two folders)."""

    def __init__(self, path: Path, bucket: str, done: Path, failed: Path, outcome: Outcome | None) -> None:
        self.path, self.bucket, self.done, self.failed = path, bucket, done, failed
        self.outcome = outcome
        #: Counts of this run.
        self.totals: dict[str, int] = {"uploaded": 0, "upload failed": 0, "processing failed": 0, "processed": 0}
        #: Files never taken (relative path -> why), as of the last scan.
        self.skipped: dict[str, str] = {}
        self._awaiting: list[_Awaiting] = []
        self._summary_text = ""

    def uploaded(self, rel: str, key: str, etag: str | None, moved: Path | None) -> None:
        self.totals["uploaded"] += 1
        if moved is not None and self.outcome is not None and etag:
            self._awaiting.append(_Awaiting(rel, key, etag.strip('"'), moved))

    def upload_failed(self) -> None:
        self.totals["upload failed"] += 1

    def follow(self) -> list[str]:
        """Ask for the awaited outcomes; move the failed files; their relative paths."""
        if self.outcome is None or not self._awaiting:
            return []
        failed: list[str] = []
        still: list[_Awaiting] = []
        for item in self._awaiting:
            try:
                found = self.outcome(self.bucket, item.key, item.etag)
            except Exception as exc:  # the catalog is down: ask again at the next poll
                log.warning("drop folder: outcome of %s unknown for now: %s", item.rel, exc)
                still.append(item)
                continue
            if found is None or found[0] not in FINISHED_STATES:
                still.append(item)
            elif found[0] == "failed":
                self._processing_failed(item, found[1] or "failed", found[2] or "")
                failed.append(item.rel)
            else:
                self.totals["processed"] += 1
        self._awaiting = still
        return failed

    def _processing_failed(self, item: _Awaiting, code: str, reason: str) -> None:
        relative = item.path.relative_to(self.done)
        target, n = self.failed / relative, 1
        while target.exists() or Path(f"{target}.reason.txt").exists():
            target = (self.failed / relative).with_name(f"{relative.stem}-{n}{relative.suffix}")
            n += 1
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(item.path, target)
        except OSError as exc:  # moved or removed by its owner: the reason still goes where it would have
            log.error("drop folder: could not move %s to %s: %s", item.path, self.failed, exc)
        note = target.with_name(target.name + ".reason.txt")
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(
            f"{item.rel}\nuploaded as {self.bucket}/{item.key}; processing failed\n{code}: {reason}\n", encoding="utf-8"
        )
        self._prune_done(item.path.parent)
        self.totals["processing failed"] += 1
        log.error("drop folder: processing of %s failed (%s: %s); moved to %s", item.rel, code, reason, self.failed)

    def _prune_done(self, folder: Path) -> None:
        while folder != self.done and self.done in folder.parents:
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                return
            folder = folder.parent

    def summary(self) -> str:
        """What this run took and what it skipped, with the reasons."""
        lines = ["docpipe drop folder: " + ", ".join(f"{n} {what}" for what, n in self.totals.items())]
        if self._awaiting:
            lines.append(f"{len(self._awaiting)} uploaded, waiting for their outcome")
        lines.append(f"skipped ({len(self.skipped)}):" if self.skipped else "skipped: nothing")
        lines += [f"  {rel}: {why}" for rel, why in sorted(self.skipped.items())]
        return "\n".join(lines) + "\n"

    def write_summary(self) -> None:
        """Rewrite the summary file if it changed."""
        text = self.summary()
        if text == self._summary_text:
            return
        try:
            (self.path / SUMMARY_FILE).write_text(text, encoding="utf-8")
            self._summary_text = text
        except OSError as exc:
            log.warning("drop folder: could not write %s: %s", SUMMARY_FILE, exc)
