"""A real a3m (lightweight Archivematica) turns a docpipe transfer into an AIP.

``make test`` installs a3m first (``scripts/setup_a3m.sh``: its own Python 3.12 venv in
``.venv-a3m``). The server ``a3md`` runs from its own processing directory under the test's tmp
folder with its gRPC bound to a free 127.0.0.1 port; the ``a3m`` client submits the transfer.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from lxml import etree

from pipeline.run import process
from workers.archive.item import ArchiveItem
from workers.archive.transfer import write_transfer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
A3M_BIN = ROOT / ".venv-a3m" / "bin"
NS = {
    "mets": "http://www.loc.gov/METS/",
    "premis": "http://www.loc.gov/premis/v3",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(name="a3m_server")
def _a3m_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``a3md`` on 127.0.0.1 with its own shared directory and SQLite database; stopped afterwards."""
    if not (A3M_BIN / "a3md").exists():
        pytest.fail("a3m is not installed: run scripts/setup_a3m.sh (make test does)")
    share = tmp_path / "a3m-share"
    address = f"127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "A3M_RPC_BIND_ADDRESS": address,
        "A3M_SHARED_DIRECTORY": f"{share}/",
        "A3M_TEMP_DIR": f"{share}/tmp/",
        "A3M_PROCESSING_DIRECTORY": f"{share}/currentlyProcessing/",
        "A3M_REJECTED_DIRECTORY": f"{share}/rejected/",
        "A3M_DB_NAME": str(tmp_path / "a3m.sqlite"),
        "A3M_WORKER_THREADS": "1",
    }
    log = (tmp_path / "a3md.log").open("wb")
    server = subprocess.Popen(
        [str(A3M_BIN / "a3md")], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield address, share, tmp_path / "a3md.log"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_a3m_makes_an_aip_of_a_docpipe_transfer(tmp_path: Path, a3m_server: tuple[str, Path, Path], capsys) -> None:  # type: ignore[no-untyped-def]
    """PREMIS fixity of each original equals docpipe's sha256; METS lists every file; formats identified."""
    address, share, log = a3m_server
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    items = [ArchiveItem(process(p.read_bytes(), p.name), p.read_bytes()) for p in seeds]
    transfer = write_transfer(tmp_path / "docpipe-seeds", items, generated="2026-01-01")
    written = {
        p.relative_to(transfer).as_posix(): p.read_bytes() for p in (transfer / "objects").rglob("*") if p.is_file()
    }

    started = time.monotonic()
    result = subprocess.run(
        [
            str(A3M_BIN / "a3m"),
            "--address",
            address,
            "--wait-for-ready",
            "--no-input",
            "--name",
            "docpipe-seeds",
            "-p",
            "aip_compression_algorithm=4",
            "-p",
            "normalize=no",
            transfer.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\na3m: AIP of {len(items)} documents ({len(written)} files) in {elapsed:.1f} s")
    assert result.returncode == 0 and "completed successfully" in result.stdout, result.stdout + log.read_text()

    (aip,) = (share / "completed").glob("docpipe-seeds-*.tar.gz")
    with tarfile.open(aip) as tar:
        tar.extractall(tmp_path / "aip", filter="data")
    (mets_path,) = (tmp_path / "aip").glob("*/data/METS.*.xml")
    mets = etree.parse(str(mets_path))

    # every file docpipe wrote is in the METS file section, and in the AIP with the same bytes
    files = {
        f.find("mets:FLocat", NS).get(f"{{{NS['xlink']}}}href"): f
        for f in mets.iterfind(".//mets:fileSec//mets:file", NS)
    }
    assert set(written) <= set(files), set(written) - set(files)
    for href, data in written.items():
        assert (mets_path.parent / href).read_bytes() == data

    originals = {f"objects/{item.folder}/{item.original_name}": item for item in items}
    for href, data in written.items():
        amd = mets.find(f".//mets:amdSec[@ID='{files[href].get('ADMID')}']", NS)
        digest = amd.findtext(".//premis:objectCharacteristics/premis:fixity/premis:messageDigest", namespaces=NS)
        algorithm = amd.findtext(".//premis:fixity/premis:messageDigestAlgorithm", namespaces=NS)
        assert algorithm == "sha256" and digest == hashlib.sha256(data).hexdigest()
        key = amd.findtext(".//premis:formatRegistry/premis:formatRegistryKey", namespaces=NS)
        assert key and key != "UNKNOWN", f"{href}: format not identified"
        if href in originals:
            assert digest == originals[href].doc.provenance.sha256  # docpipe's own hash of the original
            assert key == "x-fmt/111"  # plain text
            events = {
                e.findtext("premis:eventType", namespaces=NS): e.findtext(".//premis:eventOutcome", namespaces=NS)
                for e in amd.iterfind(".//premis:event", NS)
            }
            assert events.get("fixity check") == "pass"  # our metadata/checksum.sha256, verified by a3m
        elif href.endswith(".json"):
            assert key == "fmt/817"  # JSON
    identifiers = {el.text for el in mets.iterfind(".//dc:identifier", NS)}
    assert "A/RES/69/179" in identifiers
