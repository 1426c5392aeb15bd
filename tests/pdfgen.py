"""Hand-built PDFs for the limits and failure cases of the PDF reader (no library: bytes as the spec
lays them out, so each case is exactly what it says).

- ``pdf_with_pages(n)``: ``n`` pages sharing one content stream (100,000 pages make 16 MB);
- ``pdf_with_stream(size)``: one page whose Flate content stream inflates to ``size`` bytes
  (a "zip bomb": 200 MB of content compress to ~200 kB);
- ``encrypted(data, user_password)``: ``data`` encrypted with pypdf (RC4-128);
- ``pdf_with_image(w, h)``: text and an image of w x h bytes; ``pdf_without_text()``: a drawing only.
"""

from __future__ import annotations

import io
import zlib

_TEXT = b"BT /F1 12 Tf 72 720 Td (Hello, page text.) Tj ET\n"


def build(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of ``objects`` (object ``i + 1`` is ``objects[i]``), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(content: bytes, *, compress: bool) -> bytes:
    if compress:
        data = zlib.compress(content, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_with_pages(n: int, content: bytes = _TEXT) -> bytes:
    """``n`` pages, all drawing the same content stream (object 4)."""
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        _FONT,
        _stream(content, compress=True),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objects.extend(page for _ in range(n))
    return build(objects)


def pdf_with_stream(size: int) -> bytes:
    """One page whose content stream inflates to ``size`` bytes (text, then white space)."""
    content = _TEXT + b" " * max(0, size - len(_TEXT))
    return pdf_with_pages(1, content)


def encrypted(data: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    """``data`` encrypted (RC4-128, which pypdf writes without a crypto library)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_image(width: int, height: int, content: bytes = _TEXT) -> bytes:
    """One page with text and a grey image of ``width`` x ``height`` bytes (Flate: a few kB)."""
    image = zlib.compress(b"\x80" * (width * height), 9)
    draw = b"q 200 0 0 200 50 50 cm /Im1 Do Q\n" + content
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        _stream(draw, compress=True),
        _FONT,
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length %d /Filter /FlateDecode >>\nstream\n"
        % (width, height, len(image))
        + image
        + b"\nendstream",
    ]
    return build(objects)


def pdf_without_text() -> bytes:
    """One page that draws a line and no text (what a scan without OCR is, to a text reader)."""
    return pdf_with_pages(1, b"0 0 m 300 300 l S\n")
