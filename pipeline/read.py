"""Stage *read*: bytes and a file name -> decoded text (``SourceText``).

Text files in UTF-8 (with or without BOM), UTF-16 (with or without BOM), GB18030/GBK and Big5
are decoded; other encodings are detected with charset-normalizer. ``.docx`` gives the text of its
paragraphs, ``.pdf`` its text layer. Anything else is a ``PermanentError`` with a reason: input of
nothing but white space is ``empty``, an error of a third-party parser is ``unsupported`` with its
cause, and input over a limit of ``schemas.options.Limits`` is ``too_large``, found before the
memory grows (a .docx part's inflated size is read from the zip directory, which bounds what
``zipfile`` will ever inflate; ``pipeline.pdf`` checks a PDF's page count and the inflated size of
its streams before it reads the pages).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from pipeline.errors import EmptyDocumentError, TooLargeError, UndecodableDocumentError, UnsupportedDocumentError
from pipeline.zh._data.t2s import T2S
from schemas.options import Limits

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
#: Control characters that never occur in real text (NUL and friends): a sign of binary data.
_BINARY_CONTROLS = frozenset(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27}


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded text of one input, with what was learned while decoding it."""

    text: str
    media_type: str
    encoding: str | None


def read(data: bytes, name: str, limits: Limits | None = None) -> SourceText:
    """Decode ``data`` (named ``name``) into text, or raise a ``PermanentError``."""
    limits = limits or Limits()
    if len(data) > limits.max_input_bytes:
        raise _too_large(name, f"{len(data)} bytes", "max_input_bytes", limits.max_input_bytes)
    if not data or not data.strip():
        raise EmptyDocumentError(f"{name}: the file is empty", stage="read", document=name)
    lower = name.lower()
    if data[:4] == b"%PDF" or lower.endswith(".pdf"):
        source = SourceText(_pdf_text(data, name, limits), "application/pdf", None)
    elif data[:2] == b"PK" or lower.endswith(".docx"):
        source = SourceText(_docx_text(data, name, limits), _DOCX, None)
    else:
        text, encoding = decode_text(data, name)
        media = "text/markdown" if lower.endswith((".md", ".markdown")) else "text/plain"
        source = SourceText(text, media, encoding)
    if not source.text.strip():
        raise EmptyDocumentError(f"{name}: nothing but white space", stage="read", document=name)
    if len(source.text) > limits.max_characters:
        raise _too_large(name, f"{len(source.text)} characters", "max_characters", limits.max_characters)
    return source


def _too_large(name: str, what: str, limit: str, value: int) -> TooLargeError:
    return TooLargeError(f"{name}: {what}, over the limit {limit}={value}", limit=limit, stage="read", document=name)


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode text bytes; returns the text and the encoding used."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _strict(data, utf16, name), utf16
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
    chinese = _chinese_encoding(data)
    if chinese is not None:
        return _strict(data, chinese, name), chinese
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
_HAN = re.compile("[\u4e00-\u9fff]")


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample or len(_CONTROL_BYTES.findall(sample)) > len(sample) // 100


def _refuse_binary(text: str, name: str) -> None:
    sample = text[:4096]
    if "\x00" in sample or len(_CONTROL_CHARS.findall(sample)) > len(sample) // 100:
        raise UnsupportedDocumentError(
            f"{name}: binary data, not a text, .docx or .pdf document", stage="read", document=name
        )


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for BOM-less UTF-16 text, else None.

    Text of any script written in UTF-16 has NUL high bytes for its ASCII characters (digits,
    spaces, line breaks), all on one side: odd offsets for little-endian, even ones for big-endian.
    Binary data has NULs on both sides, or decodes to control characters."""
    sample = data[:4096]
    if b"\x00" not in sample or len(data) % 2:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < 4 * min(even, odd) + 2:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or len(_CONTROL_CHARS.findall(text)) > len(text) // 100:
        return None
    return encoding


#: Characters that make up a large share of any Chinese text, in both scripts (的 是 在 和 了 有 ...).
_COMMON_HAN = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严國會"
    "議決聯與為員這對發際們來權"
)


#: The same characters in their traditional forms too (Big5 text is traditional).
_COMMON_HAN_BOTH = _COMMON_HAN | frozenset(
    chr(trad) for trad, simp in T2S.items() if (simp if isinstance(simp, str) else chr(simp)) in _COMMON_HAN
)


def _chinese_encoding(data: bytes) -> str | None:
    """GB18030 or Big5, whichever decodes ``data`` into ordinary Chinese; None when neither does.

    GB18030 accepts nearly any byte pairs, so Big5 text decodes as GB18030 without an error, into
    rare characters: the encoding whose text has more of the commonest characters wins."""
    sample = data[:8192]
    scores: dict[str, float] = {}
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        head = text[: len(sample)]
        han = _HAN.findall(head)
        scores[encoding] = sum(ch in _COMMON_HAN_BOTH for ch in han) / len(han) if han else 0.0
    if not scores:
        return None
    return max(scores, key=lambda encoding: scores[encoding])


def _docx_parts_within(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a .docx whose parts would inflate past the limits, before any of them is inflated.

    ``zipfile`` never inflates a member past the size its directory entry declares (it stops and
    checks the CRC), so the declared sizes bound the memory python-docx can use on the XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UnsupportedDocumentError(
            f"{name}: not a readable .docx file ({type(exc).__name__}: {exc})", stage="read", document=name
        ) from exc
    for info in infos:
        if info.file_size > limits.max_docx_part_bytes:
            raise _too_large(name, f"part {info.filename} inflates to {info.file_size} bytes",
                             "max_docx_part_bytes", limits.max_docx_part_bytes)  # fmt: skip
    total = sum(info.file_size for info in infos)
    if total > limits.max_docx_total_bytes:
        raise _too_large(name, f"parts inflate to {total} bytes", "max_docx_total_bytes", limits.max_docx_total_bytes)


def _docx_text(data: bytes, name: str, limits: Limits) -> str:
    import docx  # python-docx: imported lazily, most inputs are text

    _docx_parts_within(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # any error of python-docx, zipfile or lxml: the file is at fault
        raise UnsupportedDocumentError(
            f"{name}: not a readable .docx file ({type(exc).__name__}: {exc})", stage="read", document=name
        ) from exc
    text = "\n\n".join(p.text for p in document.paragraphs)
    if not text.strip():
        raise EmptyDocumentError(f"{name}: the .docx file has no text", stage="read", document=name)
    return text


def _pdf_text(data: bytes, name: str, limits: Limits) -> str:
    """The text layer of a PDF, read with PDFium (``pipeline.pdf``, chosen by measurement), within
    ``limits.max_pdf_pages`` and ``limits.max_pdf_stream_bytes`` (checked before the pages are read)."""
    from pipeline.pdf import pdf_text  # imported lazily, most inputs are text

    try:
        return pdf_text(data, name, max_pages=limits.max_pdf_pages, max_stream_bytes=limits.max_pdf_stream_bytes)
    except TooLargeError as exc:
        limit, value = (("max_pdf_pages", limits.max_pdf_pages) if "pages" in exc.message
                        else ("max_pdf_stream_bytes", limits.max_pdf_stream_bytes))  # fmt: skip
        raise TooLargeError(f"{exc.message} ({limit}={value})", limit=limit, stage="read", document=name) from exc
