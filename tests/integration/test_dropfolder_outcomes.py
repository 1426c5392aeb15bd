"""Drop-folder feedback on real components: a file whose processing fails moves from ``.done/`` to
``.failed/`` with its reason beside it; what was skipped is listed with why."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.operators_rig import OperatorsRig, rabbitmqctl, wait_for
from workers.devstack.stack import PROJECT_ROOT
from workers.intake.dropfeedback import SUMMARY_FILE
from workers.intake.dropfolder import DONE_DIR, FAILED_DIR
from workers.intake.service import IntakeService
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", name="rig")
def _rig(
    seaweed: SeaweedServer, redis_server: str, catalog_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OperatorsRig]:
    vhost = f"docpipe-drop-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    rig = OperatorsRig(
        seaweed, Path(tmp_path_factory.mktemp("drop")), f"{redis_server}/13", catalog_url,
        f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
    )  # fmt: skip
    try:
        rig.start(flower=False)
        yield rig
    finally:
        rig.stop()
        rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(name="drop")
def _drop(rig: OperatorsRig, tmp_path: Path) -> Iterator[Path]:
    """The intake's drop-folder watcher alone, on a folder of this test's own."""
    folder = tmp_path / "drop"
    folder.mkdir()
    intake = rig.settings.intake.model_copy(
        update={"drop_dir": folder, "drop_stable_seconds": 0.3, "drop_poll_interval": 0.2}
    )
    service = IntakeService(
        rig.settings.model_copy(update={"intake": intake}),
        enqueue=rig.enqueue,
        store=rig.store,
        catalog=rig.catalog,
        web=False,
        filer=False,
        reconciler=False,
        minio_listener=False,
    )
    service.start()
    yield folder
    service.stop()


def test_failed_processing_moves_the_file_to_failed_with_its_reason(rig: OperatorsRig, drop: Path) -> None:
    """The empty file ends in ``.failed/`` beside ``<name>.reason.txt`` naming the catalog's code and
    reason; the seed stays in ``.done/``; skipped files are listed in the summary with why."""
    seed = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))[1]
    (drop / "ga").mkdir()
    shutil.copy(seed, drop / "ga" / "resolution.txt")
    (drop / "ga" / "resolution.txt").write_bytes(seed.read_bytes() + uuid.uuid4().hex.encode())
    (drop / "blank.txt").write_bytes(b"")
    (drop / ".DS_Store").write_bytes(b"\0")
    (drop / "draft.docx.part").write_bytes(b"half")
    (drop / "~$lock.docx").write_bytes(b"x")
    os.symlink("/etc/hostname", drop / "link.txt")

    def failed_note() -> list[Path]:
        return list((drop / FAILED_DIR).rglob("*.reason.txt")) if (drop / FAILED_DIR).exists() else []

    notes = wait_for(failed_note, 60, "the blank file's reason in .failed/")
    assert len(notes) == 1 and notes[0].name.endswith("-blank.txt.reason.txt"), notes
    moved = notes[0].with_name(notes[0].name.removesuffix(".reason.txt"))
    assert moved.exists() and moved.read_bytes() == b""  # the original, untouched
    failure = rig.catalog.row(
        "test",
        "SELECT f.code, f.reason FROM failures f JOIN uploads u USING (upload_id) WHERE u.bucket = %s AND u.key = %s",
        (rig.settings.storage.inbox_bucket, "blank.txt"),
    )
    assert failure is not None
    note = notes[0].read_text()
    assert note.startswith("blank.txt\n") and f"{failure['code']}: {failure['reason']}" in note
    assert not [p for p in (drop / DONE_DIR).rglob("*") if p.name.endswith("blank.txt")]
    assert [p.name for p in (drop / DONE_DIR).rglob("*.txt")] == ["resolution.txt"]
    assert rig.wait_done("ga/resolution.txt") == {"ga/resolution.txt": "published"}

    def summary() -> str:
        text = (drop / SUMMARY_FILE).read_text() if (drop / SUMMARY_FILE).exists() else ""
        return text if "1 processed" in text else ""

    text = wait_for(summary, 20, "the summary to count the published file")
    assert "2 uploaded" in text and "1 processing failed" in text and "0 upload failed" in text
    assert ".DS_Store: a system file" in text
    assert "draft.docx.part: a temporary file" in text
    assert "~$lock.docx: a lock or resource-fork file" in text
    assert "link.txt: not a regular file" in text
    assert (drop / "draft.docx.part").exists() and (drop / "link.txt").is_symlink()  # never touched
