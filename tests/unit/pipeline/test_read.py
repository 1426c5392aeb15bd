"""Stage read: encodings, formats, and clear permanent errors for bad input."""

from __future__ import annotations

import io

import pytest

from pipeline.errors import EmptyDocumentError, PermanentError, UnsupportedDocumentError
from pipeline.read import read
from pipeline.zh.script import simplified_view

TEXT = "大会，\n\n回顾其 2000 年 9 月 8 日第 55/2 号决议，\n\n1. 决定继续审议这个问题。\n"


class TestEncodings:
    @pytest.mark.parametrize(
        ("data", "encoding"),
        [
            (TEXT.encode("utf-8"), "utf-8"),
            (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
            (TEXT.encode("utf-16"), "utf-16"),
            (TEXT.encode("gb18030"), "gb18030"),
            (TEXT.encode("gbk"), "gb18030"),
        ],
    )
    def test_decodes(self, data: bytes, encoding: str) -> None:
        """Each supported encoding gives back the same text, and says which it was."""
        source = read(data, "doc.txt")
        assert source.text.replace("\ufeff", "") == TEXT
        assert source.encoding == encoding
        assert source.media_type == "text/plain"

    def test_traditional_gets_a_simplified_view_of_the_same_length(self) -> None:
        """Traditional input is read through a view converted character for character (the Chinese
        profile's processing script), so offsets still hold."""
        text = "聯合國大會決議：人權理事會第五十四屆會議通過的決議。" * 3
        view = simplified_view(read(text.encode("utf-8"), "t.txt").text)
        assert view is not None
        assert len(view) == len(text)
        assert view.startswith("联合国大会决议")

    def test_simplified_text_is_left_alone(self) -> None:
        """Simplified input gets no conversion."""
        assert simplified_view(read(TEXT.encode(), "s.txt").text) is None


class TestFormats:
    def test_docx_paragraphs(self) -> None:
        """A .docx file gives the text of its paragraphs."""
        import docx

        document = docx.Document()
        for line in TEXT.strip().split("\n\n"):
            document.add_paragraph(line)
        buffer = io.BytesIO()
        document.save(buffer)
        source = read(buffer.getvalue(), "r.docx")
        assert "第 55/2 号决议" in source.text
        assert source.media_type.endswith("wordprocessingml.document")

    def test_pdf_text_layer(self) -> None:
        """A PDF's text layer is read."""
        pdf = _tiny_pdf("A/RES/69/179 General Assembly")
        source = read(pdf, "r.pdf")
        assert "A/RES/69/179" in source.text
        assert source.media_type == "application/pdf"


class TestBadInput:
    @pytest.mark.parametrize(
        ("data", "name", "error", "reason"),
        [
            (b"", "empty.txt", EmptyDocumentError, "empty"),
            (b"  \n\t\n", "blank.txt", EmptyDocumentError, "empty"),
            (b"\x00\x01\x02\x03binary\x00" * 20, "blob.bin", UnsupportedDocumentError, "binary"),
            (b"PK\x03\x04 not really a zip", "fake.docx", UnsupportedDocumentError, "docx"),
            (b"%PDF-1.4 truncated", "broken.pdf", PermanentError, "PDF"),
        ],
    )
    def test_permanent_error_with_reason(self, data: bytes, name: str, error: type[Exception], reason: str) -> None:
        """Bad input raises a permanent error whose message says what is wrong."""
        with pytest.raises(error) as info:
            read(data, name)
        assert reason in str(info.value)
        assert name in str(info.value)


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a Helvetica text layer, written by hand."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
