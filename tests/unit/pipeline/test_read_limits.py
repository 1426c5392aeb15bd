"""Limits, encodings and parser errors of the read stage (the shell's issue 7 additions to the core)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import EmptyDocumentError, TooLargeError, UnsupportedDocumentError
from pipeline.read import read
from pipeline.run import process
from schemas.options import Limits, PipelineOptions

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "zh"
SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class TestEncodings:
    def test_big5_is_read_as_big5(self) -> None:
        """Traditional text in Big5 decodes as Big5, not as GB18030 gibberish."""
        text = (CORPUS / "sres-11-1946.zh-hant.txt").read_text("utf-8")
        source = read(text.encode("big5", errors="ignore"), "a.txt")
        assert (
            source.encoding == "big5" and source.text[:40] == text.encode("big5", errors="ignore").decode("big5")[:40]
        )

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_bom(self, encoding: str) -> None:
        """UTF-16 without a byte-order mark is text, not binary data."""
        text = (SEEDS / "000_883dc088e795b25f.txt").read_text("utf-8")
        source = read(text.encode(encoding), "a.txt")
        assert source.encoding == encoding and source.text == text

    def test_gb18030_stays_gb18030(self) -> None:
        """Simplified text in GB18030 is still read as GB18030."""
        text = (SEEDS / "003_5b8e28b97d1114ab.txt").read_text("utf-8")
        assert read(text.encode("gb18030"), "a.txt").encoding == "gb18030"

    @pytest.mark.parametrize("data", [b" \n\t\r\n", "\u3000\u3000\n".encode(), "\u3000 \n".encode("utf-16")])
    def test_white_space_only_is_empty(self, data: bytes) -> None:
        """Nothing but white space (ASCII or ideographic, any encoding) is ``empty``."""
        with pytest.raises(EmptyDocumentError):
            read(data, "blank.txt")


class TestLimits:
    def test_input_size(self) -> None:
        """An input over max_input_bytes is too_large, the limit named in the reason."""
        with pytest.raises(TooLargeError, match="max_input_bytes=10") as caught:
            read(b"x" * 11, "big.txt", Limits(max_input_bytes=10))
        assert caught.value.code == "too_large" and caught.value.limit == "max_input_bytes"

    def test_docx_part_is_refused_before_inflating(self) -> None:
        """A small .docx whose XML inflates to 100 MB is refused from its zip directory."""
        bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w>" + b"a" * 100_000_000 + b"</w>"})
        assert len(bomb) < 1_000_000
        with pytest.raises(TooLargeError, match="max_docx_part_bytes") as caught:
            read(bomb, "bomb.docx")
        assert caught.value.limit == "max_docx_part_bytes"

    def test_docx_total(self) -> None:
        """Many parts under the part limit but over the total are refused too."""
        parts = {f"word/p{i}.xml": b"a" * 1000 for i in range(20)}
        with pytest.raises(TooLargeError, match="max_docx_total_bytes"):
            read(_zip(parts), "many.docx", Limits(max_docx_total_bytes=10_000))

    def test_characters(self) -> None:
        """Decoded text over max_characters is too_large."""
        with pytest.raises(TooLargeError, match="max_characters=100"):
            read("决议".encode() * 60, "long.txt", Limits(max_characters=100))

    def test_segments_through_process(self) -> None:
        """process() checks the segment count with the options it is given."""
        data = (SEEDS / "003_5b8e28b97d1114ab.txt").read_bytes()
        with pytest.raises(TooLargeError, match="max_segments=5"):
            process(data, "a.txt", options=PipelineOptions(limits=Limits(max_segments=5)))
        assert process(data, "a.txt").segments


class TestParserErrors:
    @pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj <<>> garbage", b"PK\x03\x04 not a zip at all"])
    def test_third_party_errors_are_unsupported(self, data: bytes) -> None:
        """pypdf and zipfile errors become ``unsupported`` with their cause, never a bare exception."""
        with pytest.raises(UnsupportedDocumentError, match=r"\((\w+Error|\w+): "):
            read(data, "broken.bin")

    def test_docx_with_entity_expansion_is_not_expanded(self) -> None:
        """A billion-laughs document.xml is not expanded (lxml with resolve_entities=False): no text."""
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8))
            + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>'
        )
        docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": laughs})
        with pytest.raises((UnsupportedDocumentError, EmptyDocumentError)):
            read(docx, "laughs.docx")
