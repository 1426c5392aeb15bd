"""The drop-folder watcher: stability, ignore rules, moving out, and never losing a file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from schemas.events import ObjectEvent
from workers.errors import StorageError
from workers.ignore import is_ignored_path
from workers.intake.dropfolder import DONE_DIR, FAILED_DIR, DropFolderWatcher
from workers.intake.upload import key_for

BUCKET = "inbox"


class MemoryStore:
    """Records uploads; ``fail_with`` makes every upload raise that error."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.content_types: dict[str, str] = {}
        self.fail_with: Exception | None = None
        self.calls = 0

    def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str = "", **_: Any) -> str:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        self.objects[(bucket, key)] = data
        self.content_types[key] = content_type
        return f"etag-{len(data)}"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(name="clock")
def _clock() -> Clock:
    return Clock()


@pytest.fixture(name="store")
def _store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture(name="events")
def _events() -> list[ObjectEvent]:
    return []


@pytest.fixture(name="watcher")
def _watcher(tmp_path: Path, store: MemoryStore, clock: Clock, events: list[ObjectEvent]) -> DropFolderWatcher:
    return DropFolderWatcher(tmp_path, store, BUCKET, stable_seconds=2.0, on_uploaded=events.append, clock=clock)


def settle(watcher: DropFolderWatcher, clock: Clock, polls: int = 3, step: float = 1.0) -> None:
    for _ in range(polls):
        watcher.poll_once()
        clock.advance(step)


def done_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root / DONE_DIR).as_posix() for p in (root / DONE_DIR).rglob("*") if p.is_file())


class TestStability:
    def test_uploads_only_after_two_polls_and_stable_seconds(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """A new file is left alone until it has been unchanged for stable_seconds over two polls."""
        (tmp_path / "a.txt").write_bytes(b"hello")
        assert watcher.poll_once().uploaded == []  # first sight
        clock.advance(1.0)
        assert watcher.poll_once().uploaded == []  # second poll, only 1 s
        clock.advance(1.0)
        assert watcher.poll_once().uploaded == ["a.txt"]
        assert store.objects[(BUCKET, "a.txt")] == b"hello"

    def test_long_interval_still_needs_two_polls(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """A file seen once is never uploaded, however old its mtime."""
        path = tmp_path / "old.txt"
        path.write_bytes(b"x")
        os.utime(path, (1, 1))
        clock.advance(3600)
        assert watcher.poll_once().uploaded == []
        clock.advance(2.0)
        assert watcher.poll_once().uploaded == ["old.txt"]

    def test_growing_file_waits(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """Each change of size restarts the wait; the final content is what gets uploaded."""
        path = tmp_path / "big.txt"
        for n in range(1, 6):
            path.write_bytes(b"x" * n * 100)
            watcher.poll_once()
            clock.advance(1.5)
        assert store.objects == {}
        settle(watcher, clock)
        assert store.objects[(BUCKET, "big.txt")] == b"x" * 500

    def test_mtime_change_alone_restarts_the_wait(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """Same size but a new mtime (rewritten in place) counts as a change."""
        path = tmp_path / "same.txt"
        path.write_bytes(b"aaaa")
        watcher.poll_once()
        clock.advance(1.5)
        watcher.poll_once()
        path.write_bytes(b"bbbb")
        os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
        clock.advance(1.0)
        assert watcher.poll_once().uploaded == []
        settle(watcher, clock)
        assert store.objects[(BUCKET, "same.txt")] == b"bbbb"

    def test_folder_being_copied_waits_for_all_its_files(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """While one file of a top-level folder still changes, none of that folder is uploaded."""
        folder = tmp_path / "批次"
        folder.mkdir()
        (folder / "一.txt").write_bytes(b"done")
        growing = folder / "二.txt"
        for n in range(4):
            growing.write_bytes(b"y" * (n + 1))
            watcher.poll_once()
            clock.advance(1.0)
        assert store.objects == {}
        settle(watcher, clock)
        assert set(store.objects) == {(BUCKET, "批次/一.txt"), (BUCKET, "批次/二.txt")}


class TestIgnoreRules:
    @pytest.mark.parametrize(
        "name",
        [
            "report.pdf.part",
            "x.tmp",
            "download.crdownload",
            "~$draft.docx",
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            "__MACOSX/a.txt",
            "._a.txt",
            ".hidden.txt",
            "sub/.git/config",
            "a.txt.filepart",
            "backup~",
        ],
    )
    def test_ignored(self, name: str) -> None:
        """Temporary, system and hidden files are never uploaded."""
        assert is_ignored_path(name)

    @pytest.mark.parametrize("name", ["A_RES_75_1.txt", "报告/第一部分.docx", "a.b.c.pdf", "tmp/x.txt"])
    def test_kept(self, name: str) -> None:
        """Ordinary names, Chinese included, are kept."""
        assert not is_ignored_path(name)

    def test_watcher_skips_ignored_and_leaves_them(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """Ignored files stay where they are, untouched."""
        for name in ["a.part", ".DS_Store", "~$b.docx", "Thumbs.db", "desktop.ini", "._c.txt"]:
            (tmp_path / name).write_bytes(b"junk")
        (tmp_path / "__MACOSX").mkdir()
        (tmp_path / "__MACOSX" / "d.txt").write_bytes(b"junk")
        (tmp_path / "real.txt").write_bytes(b"real")
        settle(watcher, clock, polls=4)
        assert list(store.objects) == [(BUCKET, "real.txt")]
        assert (tmp_path / "a.part").exists()
        assert (tmp_path / "__MACOSX" / "d.txt").exists()

    def test_chinese_names_are_kept_as_keys(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """The key is the relative path with the Chinese names as they are."""
        (tmp_path / "大会").mkdir()
        (tmp_path / "大会" / "第75届 决议.txt").write_text("大会，", encoding="utf-8")
        settle(watcher, clock)
        assert (BUCKET, "大会/第75届 决议.txt") in store.objects
        assert store.content_types["大会/第75届 决议.txt"] == "text/plain"

    def test_key_for_rejects_overlong(self) -> None:
        """A key over S3's 1,024-byte limit is refused."""
        with pytest.raises(ValueError, match="1024"):
            key_for("决" * 400)


class TestMoveOut:
    def test_moves_to_done_with_timestamp(
        self, tmp_path: Path, watcher: DropFolderWatcher, clock: Clock, events: list[ObjectEvent]
    ) -> None:
        """After upload the file is moved under .done/<timestamp>-name and the callback is told."""
        (tmp_path / "a.txt").write_bytes(b"hello")
        settle(watcher, clock)
        assert not (tmp_path / "a.txt").exists()
        [moved] = done_files(tmp_path)
        assert moved.endswith("-a.txt") and moved[:8].isdigit()
        assert events == [ObjectEvent(bucket=BUCKET, key="a.txt", size=5, etag="etag-5", source="dropfolder")]

    def test_folder_tree_moves_together(self, tmp_path: Path, watcher: DropFolderWatcher, clock: Clock) -> None:
        """A folder's files land under one .done/<timestamp>-folder/ tree; the emptied folder goes."""
        (tmp_path / "batch" / "sub").mkdir(parents=True)
        (tmp_path / "batch" / "1.txt").write_bytes(b"1")
        (tmp_path / "batch" / "sub" / "2.txt").write_bytes(b"2")
        settle(watcher, clock)
        moved = done_files(tmp_path)
        assert len(moved) == 2 and moved[0].split("/")[0] == moved[1].split("/")[0]
        assert moved[0].endswith("-batch/1.txt") and moved[1].endswith("-batch/sub/2.txt")
        assert not (tmp_path / "batch").exists()

    def test_same_name_twice_keeps_both(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """Nothing in .done is ever overwritten."""
        for content in (b"one", b"two"):
            (tmp_path / "a.txt").write_bytes(content)
            settle(watcher, clock)
        contents = sorted((tmp_path / DONE_DIR / name).read_bytes() for name in done_files(tmp_path))
        assert contents == [b"one", b"two"]

    def test_callback_failure_still_moves(self, tmp_path: Path, store: MemoryStore, clock: Clock) -> None:
        """Upload done, enqueue failing (broker down): the object is in the bucket, the file moves on."""

        def broken(_: ObjectEvent) -> None:
            raise ConnectionError("redis down")

        watcher = DropFolderWatcher(tmp_path, store, BUCKET, 2.0, on_uploaded=broken, clock=clock)
        (tmp_path / "a.txt").write_bytes(b"x")
        settle(watcher, clock)
        assert (BUCKET, "a.txt") in store.objects
        assert len(done_files(tmp_path)) == 1


class TestFailures:
    def test_store_down_leaves_file_and_retries(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """A storage outage never moves or loses the file, however many polls it lasts."""
        (tmp_path / "a.txt").write_bytes(b"keep me")
        store.fail_with = StorageError("connection refused")
        settle(watcher, clock, polls=10)
        assert (tmp_path / "a.txt").read_bytes() == b"keep me"
        assert store.calls >= 5
        assert not (tmp_path / FAILED_DIR).exists()
        store.fail_with = None
        report = watcher.poll_once()
        assert report.uploaded == ["a.txt"]
        assert store.objects[(BUCKET, "a.txt")] == b"keep me"

    def test_outage_stops_the_poll_early(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """While the store is down, one failed upload per poll is enough: the rest wait."""
        for n in range(5):
            (tmp_path / f"{n}.txt").write_bytes(b"x")
        store.fail_with = StorageError("connection refused")
        settle(watcher, clock, polls=3)
        assert store.calls == 1
        store.fail_with = None
        assert len(watcher.poll_once().uploaded) == 5

    def test_permanent_failure_moves_to_failed_with_reason(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """An error that is not the store's fault is retried max_attempts times, then set aside."""
        (tmp_path / "a.txt").write_bytes(b"bad")
        store.fail_with = ValueError("rejected by the store")
        settle(watcher, clock, polls=6)
        failed = sorted(p.name for p in (tmp_path / FAILED_DIR).iterdir())
        assert len(failed) == 2 and failed[0].endswith("-a.txt") and failed[1].endswith("-a.txt.reason.txt")
        reason = (tmp_path / FAILED_DIR / failed[1]).read_text(encoding="utf-8")
        assert "rejected by the store" in reason and "3 times" in reason
        assert (tmp_path / FAILED_DIR / failed[0]).read_bytes() == b"bad"

    def test_file_deleted_before_upload_is_forgotten(
        self, tmp_path: Path, watcher: DropFolderWatcher, store: MemoryStore, clock: Clock
    ) -> None:
        """A file removed by its owner while waiting is simply dropped from tracking."""
        path = tmp_path / "a.txt"
        path.write_bytes(b"x")
        watcher.poll_once()
        path.unlink()
        settle(watcher, clock)
        assert store.objects == {}

    def test_unmovable_file_is_not_uploaded_again(
        self,
        tmp_path: Path,
        watcher: DropFolderWatcher,
        store: MemoryStore,
        clock: Clock,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the move fails the file stays, and is not uploaded again until it changes."""
        (tmp_path / "a.txt").write_bytes(b"x")

        def no_rename(*_: Any) -> None:
            raise PermissionError("read-only folder")

        monkeypatch.setattr("workers.intake.dropfolder.os.rename", no_rename)
        settle(watcher, clock, polls=8)
        assert store.calls == 1
        assert (tmp_path / "a.txt").exists()


class TestOutcomes:
    """Outcomes of uploaded files, as the catalog reports them (a dict here)."""

    def test_failed_processing_moves_on_to_failed_once_known(self, tmp_path: Path, store: MemoryStore,
                                                              clock: Clock) -> None:  # fmt: skip
        """Unknown: stays in .done/; failed: .failed/ with the reason; a catalog error: asked again."""
        outcomes: dict[str, Any] = {}

        def outcome(bucket: str, key: str, etag: str) -> Any:
            found = outcomes.get(key)
            if isinstance(found, Exception):
                raise found
            return found

        watcher = DropFolderWatcher(tmp_path, store, BUCKET, stable_seconds=2.0, clock=clock, outcome=outcome)
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "bad.txt").write_text("x")
        (tmp_path / "good.txt").write_text("yy")
        settle(watcher, clock)
        done = sorted(
            p.relative_to(tmp_path / DONE_DIR).as_posix().split("-", 1)[1] for p in (tmp_path / DONE_DIR).rglob("*.txt")
        )
        assert done == ["good.txt", "sub/bad.txt"], done  # after the timestamp
        outcomes["sub/bad.txt"] = ConnectionError("catalog down")
        outcomes["good.txt"] = ("published", None, None)
        assert watcher.poll_once().processing_failed == []
        outcomes["sub/bad.txt"] = ("failed", "empty", "sub/bad.txt: no text")
        assert watcher.poll_once().processing_failed == ["sub/bad.txt"]
        moved = list((tmp_path / FAILED_DIR).rglob("bad.txt"))
        assert len(moved) == 1 and moved[0].read_text() == "x"
        note = moved[0].with_name("bad.txt.reason.txt").read_text()
        assert note == "sub/bad.txt\nuploaded as inbox/sub/bad.txt; processing failed\nempty: sub/bad.txt: no text\n"
        assert [p.name.split("-", 1)[1] for p in (tmp_path / DONE_DIR).rglob("*.txt")] == ["good.txt"]
        assert watcher.totals == {"uploaded": 2, "upload failed": 0, "processing failed": 1, "processed": 1}

    def test_summary_lists_what_was_skipped_and_why(self, watcher: DropFolderWatcher, tmp_path: Path) -> None:
        """Temporary, system, hidden and non-regular files each with their reason; the summary itself not."""
        (tmp_path / "a.pdf.crdownload").write_bytes(b"x")
        (tmp_path / "Thumbs.db").write_bytes(b"x")
        (tmp_path / ".hidden.txt").write_bytes(b"x")
        (tmp_path / "__MACOSX").mkdir()
        (tmp_path / "__MACOSX" / "._a.txt").write_bytes(b"x")
        os.mkfifo(tmp_path / "pipe.txt")
        report = watcher.poll_once()
        assert report.skipped == {
            "a.pdf.crdownload": "a temporary file (still being downloaded or edited?)",
            "Thumbs.db": "a system file",
            ".hidden.txt": "a hidden file or folder",
            "__MACOSX/._a.txt": "inside a system folder",
            "pipe.txt": "not a regular file (a link, a pipe or a device)",
        }
        summary = (tmp_path / ".docpipe-summary.txt").read_text()
        assert "skipped (5):" in summary and "  Thumbs.db: a system file" in summary
        assert ".docpipe-summary.txt" not in watcher.poll_once().skipped
