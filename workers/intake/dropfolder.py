"""A drop folder: files put there are uploaded to the inbox once completely written, then moved.

Portable polling, no inotify. A file is *ready* when its size and mtime were the same in at least
two polls spanning ``stable_seconds`` (half-written downloads and copies keep changing), when it
is not a temporary or system file (``workers.ignore.is_ignored_path``) and when nothing else under
the same top-level folder is still changing (a folder being copied in is taken as a whole).

After a successful upload the file moves to ``<drop>/.done/<timestamp>-<name>`` (a folder keeps
its tree under ``.done/<timestamp>-<folder>/``). An upload that cannot succeed however often it is
retried (a name S3 cannot store, or ``max_attempts`` failures that are not the store's fault, such
as an unreadable file) moves it to ``<drop>/.failed/`` next to a ``<name>.reason.txt``. A store
outage or a missing bucket leaves the file in place to be tried again at the next poll, however
long it lasts: a file is never deleted and never lost.

The outcome comes back too (``workers.intake.dropfeedback``, given ``outcome``, a lookup of the
catalog): a file whose processing failed moves on from ``.done/`` to ``.failed/`` with its
``<name>.reason.txt``, and ``<drop>/.docpipe-summary.txt`` lists what was skipped and why.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from schemas.events import ObjectEvent
from workers.errors import ObjectNotFoundError, TransientError
from workers.ignore import is_ignored_path
from workers.intake.dropfeedback import SUMMARY_FILE, DropFeedback, Outcome, skip_reason
from workers.intake.upload import (
    Nudge,
    ObjectWriter,
    content_type_for,
    key_for,
    nudge,
    put_bytes,
)

log = logging.getLogger(__name__)

#: Where uploaded files go, and files that could not be uploaded or processed, inside the drop folder.
DONE_DIR = ".done"
FAILED_DIR = ".failed"

Signature = tuple[int, int]  # (size, mtime_ns)


@dataclass
class _Seen:
    signature: Signature
    since: float  # monotonic time the signature was first seen
    polls: int = 1
    attempts: int = 0


@dataclass
class PollReport:
    """What one poll did; ``pending`` files are still being written or waiting to settle.

    ``failed`` could not be uploaded; ``processing_failed`` were uploaded and failed in the
    pipeline (moved from ``.done/`` to ``.failed/``); ``skipped`` maps files never taken to why."""

    uploaded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    processing_failed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    pending: int = 0
    store_down: bool = False


def _signature(path: Path) -> Signature:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _is_store_side(exc: BaseException) -> bool:
    """Failures of the store, not of the file (outage, missing bucket): retried forever, never counted."""
    return isinstance(exc, TransientError | ObjectNotFoundError | ConnectionError | TimeoutError)


class DropFolderWatcher:
    """Watches ``path`` and uploads settled files to ``bucket`` under their relative path."""

    def __init__(
        self,
        path: Path,
        store: ObjectWriter,
        bucket: str,
        stable_seconds: float = 2.0,
        on_uploaded: Nudge | None = None,
        *,
        poll_interval: float = 1.0,
        max_attempts: int = 3,
        prefix: str = "",
        clock: Callable[[], float] = time.monotonic,
        outcome: Outcome | None = None,
    ) -> None:
        self.path = Path(path)
        self.store = store
        self.bucket = bucket
        self.stable_seconds = stable_seconds
        self.on_uploaded = on_uploaded
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self.prefix = prefix
        self._clock = clock
        self._seen: dict[PurePosixPath, _Seen] = {}
        #: Handled files that could not be moved away, with the signature they had.
        self._stuck: dict[PurePosixPath, Signature] = {}
        self.feedback = DropFeedback(self.path, bucket, self.path / DONE_DIR, self.path / FAILED_DIR, outcome)

    # -- scanning ---------------------------------------------------------------------------------

    def _scan(self) -> dict[PurePosixPath, Signature]:
        """Every candidate file under the drop folder with its current (size, mtime)."""
        found: dict[PurePosixPath, Signature] = {}
        skipped: dict[str, str] = {}
        for current, dirs, files in os.walk(self.path):
            here = PurePosixPath(Path(current).relative_to(self.path).as_posix())
            for d in dirs:
                if is_ignored_path(d) and not (here == PurePosixPath(".") and d in (DONE_DIR, FAILED_DIR)):
                    skipped[(here / d).as_posix() + "/"] = skip_reason(here / d / "x") or "ignored"
            dirs[:] = [d for d in dirs if not is_ignored_path(d)]  # also skips .done and .failed
            for name in files:
                full = Path(current) / name
                rel = PurePosixPath(full.relative_to(self.path).as_posix())
                if is_ignored_path(rel):
                    if rel.as_posix() != SUMMARY_FILE:
                        skipped[rel.as_posix()] = skip_reason(rel) or "ignored"
                    continue
                try:
                    st = full.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if st.st_mode & 0o170000 == 0o100000:  # regular files only
                    found[rel] = (st.st_size, st.st_mtime_ns)
                else:
                    skipped[rel.as_posix()] = "not a regular file (a link, a pipe or a device)"
        self.feedback.skipped = skipped
        return found

    def _observe(self, found: dict[PurePosixPath, Signature], now: float) -> None:
        for rel in set(self._seen) - set(found):
            del self._seen[rel]  # gone (moved or deleted by someone): forget it
        for rel in [r for r, sig in self._stuck.items() if found.get(r) != sig]:
            del self._stuck[rel]  # moved or rewritten since: handle it afresh
        for rel, sig in found.items():
            if rel in self._stuck:
                continue
            seen = self._seen.get(rel)
            if seen is None or seen.signature != sig:
                attempts = seen.attempts if seen else 0
                self._seen[rel] = _Seen(sig, since=now, attempts=attempts)
            else:
                seen.polls += 1

    def _settled(self, rel: PurePosixPath, now: float) -> bool:
        seen = self._seen[rel]
        return seen.polls >= 2 and now - seen.since >= self.stable_seconds

    def ready(self) -> list[PurePosixPath]:
        """Files whose whole top-level unit (the file, or its top folder) has settled."""
        now = self._clock()
        busy_units = {rel.parts[0] for rel in self._seen if not self._settled(rel, now)}
        return sorted(rel for rel in self._seen if rel.parts[0] not in busy_units)

    # -- acting -----------------------------------------------------------------------------------

    def poll_once(self) -> PollReport:
        """Scan, upload what has settled, move it out of the way; never raises for one file."""
        report = PollReport()
        if not self.path.is_dir():
            self.path.mkdir(parents=True, exist_ok=True)
        self._observe(self._scan(), self._clock())
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        ready = self.ready()
        for rel in ready:
            self._handle(rel, stamp, report)
            if report.store_down:
                break  # no use trying the other files now: all wait for the next poll
        report.pending = len(self._seen) - len(report.uploaded) - len(report.failed)
        self._prune_empty_dirs({rel.parts[0] for rel in ready if len(rel.parts) > 1})
        report.processing_failed = self.feedback.follow()
        report.skipped = dict(self.feedback.skipped)
        self.feedback.write_summary()
        return report

    @property
    def totals(self) -> dict[str, int]:
        """Counts of this run: uploaded, upload failed, processing failed, processed."""
        return self.feedback.totals

    def _handle(self, rel: PurePosixPath, stamp: str, report: PollReport) -> None:
        seen = self._seen[rel]
        full = self.path / rel
        try:
            key = key_for(rel, self.prefix)
        except ValueError as exc:
            self._fail(rel, stamp, f"cannot be stored under this name: {exc}", report)
            return
        try:
            data = full.read_bytes()
            now_sig = _signature(full)
            if now_sig != seen.signature or len(data) != now_sig[0]:
                seen.signature, seen.since, seen.polls = now_sig, self._clock(), 1
                return  # changed under us: wait for it to settle again
            etag = put_bytes(self.store, self.bucket, key, data, content_type_for(full))
            if _signature(full) != seen.signature:
                seen.since, seen.polls = self._clock(), 1
                return  # rewritten during the upload: upload the new content once it settles
        except FileNotFoundError:
            self._seen.pop(rel, None)  # removed by its owner before we got to it
            return
        except Exception as exc:
            self._retry_or_fail(rel, exc, stamp, report)
            return
        event = ObjectEvent(bucket=self.bucket, key=key, size=len(data), etag=etag, source="dropfolder")
        moved = self._move(rel, self.path / DONE_DIR, stamp)
        self._seen.pop(rel, None)
        report.uploaded.append(key)
        self.feedback.uploaded(rel.as_posix(), key, etag, moved)
        log.info("drop folder: uploaded %s as %s/%s (etag %s)", rel, self.bucket, key, etag)
        nudge(self.on_uploaded, event)

    def _retry_or_fail(self, rel: PurePosixPath, exc: Exception, stamp: str, report: PollReport) -> None:
        seen = self._seen[rel]
        reason = f"{type(exc).__name__}: {exc}"
        if _is_store_side(exc):
            log.warning("drop folder: store unavailable, %s stays for the next poll: %s", rel, reason)
            report.retrying.append(rel.as_posix())
            report.store_down = True
            return
        seen.attempts += 1
        if seen.attempts < self.max_attempts:
            log.warning("drop folder: attempt %d for %s failed: %s", seen.attempts, rel, reason)
            report.retrying.append(rel.as_posix())
            return
        self._fail(rel, stamp, f"upload failed {seen.attempts} times; last error: {reason}", report)

    def _fail(self, rel: PurePosixPath, stamp: str, reason: str, report: PollReport) -> None:
        target = self._move(rel, self.path / FAILED_DIR, stamp)
        if target is not None:
            note = target.with_name(target.name + ".reason.txt")
            note.write_text(f"{rel.as_posix()}\n{reason}\n", encoding="utf-8")
        self._seen.pop(rel, None)
        report.failed.append(rel.as_posix())
        self.feedback.upload_failed()
        log.error("drop folder: %s moved to %s: %s", rel, FAILED_DIR, reason)

    def _move(self, rel: PurePosixPath, under: Path, stamp: str) -> Path | None:
        """Rename ``rel`` to ``under/<stamp>-<top>/<rest>`` without overwriting anything.

        When the rename fails the file stays, remembered so that it is not uploaded again.
        """
        top, *rest = rel.parts
        target = under / f"{stamp}-{top}"
        if rest:
            target = target.joinpath(*rest)
        candidate, n = target, 1
        while candidate.exists() or Path(f"{candidate}.reason.txt").exists():
            candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
            n += 1
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            os.rename(self.path / rel, candidate)
        except OSError as exc:  # it stays where it is, and is not handled twice
            log.error("drop folder: could not move %s out of the way: %s", rel, exc)
            self._stuck[rel] = self._seen[rel].signature
            return None
        return candidate

    def _prune_empty_dirs(self, tops: set[str]) -> None:
        for top in tops:
            for current, _dirs, _files in sorted(os.walk(self.path / top), reverse=True):
                with contextlib.suppress(OSError):
                    os.rmdir(current)  # only succeeds when empty

    def run(self, stop: threading.Event) -> None:
        """Poll every ``poll_interval`` seconds until ``stop`` is set."""
        log.info("drop folder: watching %s -> bucket %s", self.path, self.bucket)
        while not stop.is_set():
            try:
                self.poll_once()
            except Exception:  # a broken poll must not end the watcher
                log.exception("drop folder: poll failed")
            stop.wait(self.poll_interval)
