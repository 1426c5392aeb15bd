"""Stage *read*: bytes and a file name -> decoded text (``SourceText``).

Text files in UTF-8 (with or without BOM), UTF-16 (with BOM) and GB18030/GBK are decoded;
other encodings are detected with charset-normalizer. ``.docx`` gives the text of its
paragraphs, ``.pdf`` its text layer. Anything else is a ``PermanentError`` with a reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from pipeline.errors import EmptyDocumentError, UndecodableDocumentError, UnsupportedDocumentError

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
#: Control characters that never occur in real text (NUL and friends): a sign of binary data.
_BINARY_CONTROLS = frozenset(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27}


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded text of one input, with what was learned while decoding it."""

    text: str
    media_type: str
    encoding: str | None


def read(data: bytes, name: str) -> SourceText:
    """Decode ``data`` (named ``name``) into text, or raise a ``PermanentError``."""
    if not data or not data.strip():
        raise EmptyDocumentError(f"{name}: the file is empty", stage="read", document=name)
    lower = name.lower()
    if data[:4] == b"%PDF" or lower.endswith(".pdf"):
        return SourceText(_pdf_text(data, name), "application/pdf", None)
    if data[:2] == b"PK" or lower.endswith(".docx"):
        return SourceText(_docx_text(data, name), _DOCX, None)
    text, encoding = decode_text(data, name)
    media = "text/markdown" if lower.endswith((".md", ".markdown")) else "text/plain"
    return SourceText(text, media, encoding)


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode text bytes; returns the text and the encoding used."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_binary(text, name)
        return text, "utf-8"
    if _looks_binary(data):
        raise UnsupportedDocumentError(
            f"{name}: binary data, not a text, .docx or .pdf document", stage="read", document=name
        )
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableDocumentError(f"{name}: cannot determine the text encoding", stage="read", document=name)
    return _strict(data, best.encoding, name), best.encoding


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UndecodableDocumentError(f"{name}: not valid {encoding}: {exc}", stage="read", document=name) from exc
    _refuse_binary(text, name)
    return text


_CONTROL_CHARS = re.compile("[" + "".join(f"\\x{c:02x}" for c in sorted(_BINARY_CONTROLS)) + "]")
_CONTROL_BYTES = re.compile(_CONTROL_CHARS.pattern.encode())


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample or len(_CONTROL_BYTES.findall(sample)) > len(sample) // 100


def _refuse_binary(text: str, name: str) -> None:
    sample = text[:4096]
    if "\x00" in sample or len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
        raise UnsupportedDocumentError(
            f"{name}: binary data, not a text, .docx or .pdf document", stage="read", document=name
        )


def _docx_text(data: bytes, name: str) -> str:
    import docx  # python-docx: imported lazily, most inputs are text
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnsupportedDocumentError(
            f"{name}: not a readable .docx file ({exc})", stage="read", document=name
        ) from exc
    text = "\n\n".join(p.text for p in document.paragraphs)
    if not text.strip():
        raise EmptyDocumentError(f"{name}: the .docx file has no text", stage="read", document=name)
    return text


def _pdf_text(data: bytes, name: str) -> str:
    """The text layer of a PDF, read with PDFium (``pipeline.pdf``, chosen by measurement)."""
    from pipeline.pdf import pdf_text  # imported lazily, most inputs are text

    return pdf_text(data, name)
