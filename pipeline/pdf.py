"""The text layer of a PDF, as the core reads text: ``pdf_text(data, name) -> str``.

PDFium (through pypdfium2) reads the document; it was chosen by measurement (``bench/bench_pdf.py``,
``docs/pdf.md``: 13x faster than pypdf and 28x faster than pdfminer.six on the fixtures, 2.7x
faster than pypdf with the rebuilding below, as faithful, in reading order on two columns, and
counting 100,000 pages in milliseconds). From PDFium's characters, with their font
sizes and positions, this module rebuilds what the core expects of a text:

- **Lines** from baselines, not from PDFium's own line breaks (which put a raised footnote number
  on a line of its own).
- **Superscript digits** (smaller than the text beside them and raised above its baseline) come
  out as Unicode superscripts, ``报告¹``, ``¹ A/HRC/25/63。``: the form the cleaner reads as footnote
  markers and definitions. A PDF text layer otherwise gives them as plain digits glued to a word.
- **Paragraphs**: the lines that a paragraph wraps over are joined into one line (without a space
  between Chinese characters, with one between Latin words; a hyphen ending a line is kept). Two
  lines are joined only when the first one is full (the next line's first word would not have fit
  on it), the second is not indented from its column's left edge, the two are set in the same size, and they
  are as close as the lines of a paragraph: their baselines no farther apart than the closest two
  lines of that size in the document plus 0.3 font sizes (paragraph spacing is more), and at most
  2 font sizes; a line opening with a Chinese closing mark (``、``) continues the one before even
  when that one is short. Anything else, including a paragraph broken by a page or column end,
  stays on lines of its own: the cleaner rejoins those as it rejoins any text.
- **Pages** joined with ``"\\n\\f\\n"`` (the form feed is the page break), each page's lines in the
  order of the content stream, which is the reading order of the PDFs that word processors write
  (in two columns as well); PDFium's own spacing is kept, except a space it inserts between two
  Chinese characters.

Limits (the caller passes them; ``None`` is no limit): ``max_pages``, and ``max_stream_bytes``,
the size any one Flate stream may inflate to, checked before PDFium decodes anything (PDFium
itself inflates a 300 MB content stream whole); image streams are not checked, PDFium does not
decode them to read text. A PDF over a limit raises ``TooLargeError``; an unreadable or
password-protected one ``UnsupportedDocumentError`` with PDFium's reason; one without text
``EmptyDocumentError``. No exception of PDFium's own escapes. Calls are serialised by a lock:
PDFium is not thread-safe.
"""

from __future__ import annotations

import io
import itertools
import re
import threading
import zlib
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import EmptyDocumentError, TooLargeError, UnsupportedDocumentError

PAGE_BREAK = "\n\f\n"

_LOCK = threading.Lock()
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = str.maketrans("0123456789", _SUPERSCRIPTS)
#: CJK ideographs, kana, CJK and full-width punctuation: no space is put between two of them.
_CJK = re.compile("[\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_OPENING = frozenset("《〈（(「『“‘〔【［")
#: Chinese closing marks: they never open a line, and may hang in the right margin.
_CLOSING = frozenset("，。、；：？！）》〉」』”’〕】］")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 1 << 20

# What makes a superscript (relative to the text beside it) and a line (relative to its font size).
_SMALL = 0.8  # a superscript's size is at most this share of the text's
_RAISED = 0.2  # its baseline at least this many text sizes above the text's
_SAME_BASELINE = 0.35
_PARAGRAPH_PITCH = 2.0
_INDENT = 0.5
_PITCH_SLACK = 0.3
_SIZE_TOLERANCE = 0.1


def pdf_text(data: bytes, name: str, *, max_pages: int | None = None, max_stream_bytes: int | None = None) -> str:
    """The text of a PDF's text layer, page by page, joined with ``"\\n\\f\\n"``; see the module."""
    if max_stream_bytes is not None:
        _check_streams(data, max_stream_bytes, name)
    with _LOCK:
        pages = _pages(data, name, max_pages, max_stream_bytes)
    text = PAGE_BREAK.join(pages)
    if not text.strip():
        raise EmptyDocumentError(
            f"{name}: the PDF has no text layer (scanned images are not read)", stage="read", document=name
        )
    return text


def _pages(data: bytes, name: str, max_pages: int | None, max_stream_bytes: int | None) -> list[str]:
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == raw.FPDF_ERR_PASSWORD:
            raise UnsupportedDocumentError(
                f"{name}: the PDF is encrypted and needs a password ({exc})", stage="read", document=name
            ) from exc
        raise UnsupportedDocumentError(f"{name}: not a readable PDF ({exc})", stage="read", document=name) from exc
    except Exception as exc:  # PDFium's wrapper also raises ValueError, TypeError... on odd input
        raise UnsupportedDocumentError(f"{name}: not a readable PDF ({exc})", stage="read", document=name) from exc
    try:
        count = len(document)
        if max_pages is not None and count > max_pages:
            raise TooLargeError(
                f"{name}: the PDF has {count} pages, more than the limit of {max_pages}", stage="read", document=name
            )
        if max_stream_bytes is not None and raw.FPDF_GetSecurityHandlerRevision(document) >= 0:
            # encrypted without a user password: check the streams of a decrypted copy
            copy = io.BytesIO()
            document.save(copy, flags=raw.FPDF_REMOVE_SECURITY)
            _check_streams(copy.getvalue(), max_stream_bytes, name)
        pages = [_page_lines(document, i) for i in range(count)]
        closest = _closest_pitches(pages)
        columns = _Columns([line for lines in pages for line in lines])
        return ["\n".join(_paragraphs(lines, columns, closest)) for lines in pages]
    except (TooLargeError, MemoryError):
        raise
    except Exception as exc:
        raise UnsupportedDocumentError(f"{name}: not a readable PDF ({exc})", stage="read", document=name) from exc
    finally:
        document.close()


def _check_streams(data: bytes, limit: int, name: str) -> None:
    """Raise ``TooLargeError`` if a Flate stream of ``data`` (other than an image) inflates past ``limit``."""
    for m in _STREAM.finditer(data):
        start = m.end()
        if data[start : start + 1] != b"x":  # not a zlib stream (another filter, or encrypted)
            continue
        header = data[max(0, m.start() - 4096) : m.start()]
        header = header[header.rfind(b"obj") + 1 :]
        if _IMAGE.search(header):
            continue
        end = data.find(b"endstream", start)
        size = _inflated_size(data[start : end if end >= 0 else len(data)], limit)
        if size > limit:
            raise TooLargeError(
                f"{name}: a stream of the PDF inflates to more than {limit} bytes", stage="read", document=name
            )


def _inflated_size(stream: bytes, limit: int) -> int:
    """Bytes ``stream`` inflates to, counting no further than ``limit + 1``; 0 if it is not zlib data."""
    inflate = zlib.decompressobj()
    total = 0
    pending = stream
    try:
        while pending and total <= limit:
            total += len(inflate.decompress(pending, _CHUNK))
            pending = inflate.unconsumed_tail
            if inflate.eof:
                break
    except zlib.error:
        return total
    return total


@dataclass(slots=True)
class _Char:
    text: str
    size: float
    x0: float
    x1: float
    y: float  # baseline


@dataclass(slots=True)
class _Line:
    chars: list[_Char] = field(default_factory=list)
    size: float = 0.0  # of the largest characters
    base: float = 0.0  # their baseline
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    #: right end of the last character that is not Chinese closing punctuation (which may hang in the margin)
    x1_core: float = 0.0
    last: _Char | None = None  # the last character that is not a space

    def accepts(self, ch: _Char) -> bool:
        """Whether ``ch`` continues this line (same baseline, or raised/lowered as a smaller script)."""
        last = self.last
        if last is None:
            return True
        if ch.x0 < last.x0 - 0.5 * max(ch.size, self.size):  # back to the left: another line
            return False
        dy = ch.y - self.base
        if ch.size > self.size / _SMALL:  # the line so far was in small script (a footnote number)
            return -0.7 * ch.size <= dy <= _SAME_BASELINE * ch.size
        if ch.size >= _SMALL * self.size:
            return abs(dy) <= _SAME_BASELINE * self.size
        return -0.4 * self.size <= dy <= 0.8 * self.size

    def add(self, ch: _Char) -> None:
        self.chars.append(ch)
        self.last = ch
        if ch.size > self.size * 1.05:  # the line's size and baseline are those of its largest characters
            self.size, self.base = ch.size, ch.y


def _page_lines(document: Any, index: int) -> list[_Line]:
    page = document[index]
    textpage = page.get_textpage()
    try:
        return _lines(textpage)
    finally:
        textpage.close()
        page.close()


def _lines(textpage: Any) -> list[_Line]:
    """The page's lines, in content order, with their text (superscripts marked)."""
    import ctypes

    from pypdfium2 import raw

    get_unicode = raw.FPDFText_GetUnicode
    get_box = raw.FPDFText_GetLooseCharBox
    get_origin = raw.FPDFText_GetCharOrigin
    get_size = raw.FPDFText_GetFontSize
    is_generated = raw.FPDFText_IsGenerated
    rect = raw.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(x), ctypes.byref(y)
    prect = ctypes.byref(rect)
    lines: list[_Line] = []
    line: _Line | None = None
    count = textpage.count_chars()
    textpage = textpage.raw  # the handle itself: the wrapper converts itself on every call
    for i in range(count):
        code = get_unicode(textpage, i)
        if code in (10, 13) or code == 0:  # PDFium's line breaks (lines are rebuilt), unmapped glyphs
            continue
        text = "-" if code == 2 else chr(code)  # PDFium marks a hyphen at a line end as U+0002
        if text.isspace():
            if line is not None and line.chars and line.chars[-1].size:  # one space between two characters
                generated = is_generated(textpage, i) == 1
                line.chars.append(_Char(" " if not generated else "\0", 0.0, 0.0, 0.0, 0.0))
            continue
        if not text.isprintable():
            continue
        get_box(textpage, i, prect)
        get_origin(textpage, i, px, py)
        ch = _Char(text, get_size(textpage, i), rect.left, rect.right, y.value)
        if line is None or not line.accepts(ch):
            line = _Line()
            lines.append(line)
        line.add(ch)
    for ln in lines:
        _finish(ln)
    return [ln for ln in lines if ln.text]


def _finish(line: _Line) -> None:
    """Set the line's text (superscript digits marked, PDFium's spaces between Chinese dropped) and extent."""
    chars = line.chars
    while chars and not chars[-1].size:  # trailing spaces
        chars.pop()
    sized = [c for c in chars if c.size]
    if not sized:
        return
    line.x0, line.x1 = sized[0].x0, max(c.x1 for c in sized)
    core = [c for c in sized if c.text not in _CLOSING] or sized
    line.x1_core = max(c.x1 for c in core)
    out: list[str] = []
    for k, ch in enumerate(chars):
        if not ch.size:
            if ch.text == "\0":  # a space PDFium inserted for a gap: not between two Chinese characters
                before, after = chars[k - 1].text, chars[k + 1].text if k + 1 < len(chars) else ""
                if _CJK.match(before) and _CJK.match(after):
                    continue
            out.append(" ")
        elif _is_digit(ch) and _is_superscript(chars, k):
            out.append(ch.text.translate(_SUPERSCRIPT))
        else:
            out.append(ch.text)
    line.text = "".join(out).strip()


def _is_superscript(chars: list[_Char], k: int) -> bool:
    """Whether the digit ``chars[k]`` is smaller than, and raised above, the nearest other text beside it."""
    ch = chars[k]
    ref = _neighbour(chars, k, -1) or _neighbour(chars, k, 1)
    return ref is not None and ch.size <= _SMALL * ref.size and ch.y - ref.y >= _RAISED * ref.size


def _neighbour(chars: list[_Char], k: int, step: int) -> _Char | None:
    """The nearest character before (``step`` -1) or after (1) ``chars[k]``, past its run of digits and spaces."""
    size = chars[k].size
    i = k + step
    while 0 <= i < len(chars):
        c = chars[i]
        if c.size and not (_is_digit(c) and abs(c.size - size) <= 0.05 * size):
            return c
        i += step
    return None


def _is_digit(ch: _Char) -> bool:
    return ch.text.isascii() and ch.text.isdigit()


def _closest_pitches(pages: list[list[_Line]]) -> dict[float, float]:
    """Font size -> the smallest distance between the baselines of two successive lines in that size:
    the line pitch inside a paragraph, wherever the document has a paragraph of two lines."""
    closest: dict[float, float] = {}
    for lines in pages:
        for a, b in itertools.pairwise(lines):
            if _same_size(a, b) and a.base > b.base:
                key = round(a.size, 1)
                closest[key] = min(closest.get(key, a.base - b.base), a.base - b.base)
    return closest


def _paragraphs(lines: list[_Line], columns: _Columns, closest: dict[float, float]) -> list[str]:
    """Join the lines of a page that wrap one paragraph; one string per paragraph."""
    out: list[str] = []
    for k, line in enumerate(lines):
        if k and _wraps(lines[k - 1], line, columns, closest.get(round(lines[k - 1].size, 1), 0.0), out[-1]):
            out[-1] = _glue(out[-1], line.text)
        else:
            out.append(line.text)
    return out


class _Columns:
    """Where the lines of the document start and end, to tell a full line and an indented one: the
    lines starting within 3 font sizes of one another, on any page, are taken to be of one column."""

    def __init__(self, lines: list[_Line]) -> None:
        self._left: dict[int, float] = {}  # x0 rounded to the point -> the least x0 / largest x1 there
        self._right: dict[int, float] = {}
        for ln in lines:
            key = round(ln.x0)
            self._left[key] = min(self._left.get(key, ln.x0), ln.x0)
            self._right[key] = max(self._right.get(key, ln.x1_core), ln.x1_core)

    def _near(self, line: _Line, below: int, above: int) -> range:
        return range(round(line.x0) - below, round(line.x0) + above + 1)

    def left(self, line: _Line) -> float:
        """The left edge of ``line``'s column (of the lines starting at most 3 sizes to its left)."""
        keys = self._near(line, round(3 * line.size), 0)
        return min((self._left[k] for k in keys if k in self._left), default=line.x0)

    def right(self, line: _Line) -> float:
        """The right edge of ``line``'s column: the farthest a line starting near it reaches."""
        span = round(3 * line.size)
        return max((self._right[k] for k in self._near(line, span, span) if k in self._right), default=line.x1)


def _same_size(a: _Line, b: _Line) -> bool:
    return abs(a.size - b.size) <= _SIZE_TOLERANCE * max(a.size, b.size)


def _wraps(prev: _Line, line: _Line, columns: _Columns, closest: float, paragraph: str) -> bool:
    """Whether ``line`` continues the paragraph that ``prev`` ends (see the module's docstring)."""
    if not _same_size(prev, line) or line.x1 < prev.x0 or line.x0 > prev.x1:
        return False  # another size, another column
    if line.x0 > columns.left(line) + _INDENT * line.size:
        return False  # an indented first line
    if line.text[0] in _SUPERSCRIPTS and paragraph[0] in _SUPERSCRIPTS:
        return False  # a footnote after a footnote
    pitch = prev.base - line.base
    if not 0 < pitch <= min(_PARAGRAPH_PITCH * line.size, closest + _PITCH_SLACK * line.size):
        return False
    # a Chinese closing mark never opens a paragraph: the line before was broken short
    return line.text[0] in _CLOSING or _is_full(prev, line, columns.right(prev))


def _is_full(prev: _Line, line: _Line, right: float) -> bool:
    """Whether ``prev`` reaches its column's right edge ``right``, less the width of ``line``'s first word."""
    space = 0.0 if _CJK.match(line.text[0]) or _CJK.match(prev.text[-1]) else 0.25 * prev.size
    return prev.x1 + space + _first_word_width(line) >= right - 0.1 * prev.size


def _first_word_width(line: _Line) -> float:
    """Width of what could not stay on the line before: a Latin word, or a Chinese character with the
    punctuation that may not be parted from it (an opening mark before it, closing marks after it)."""
    chars = line.chars
    first = chars[0]
    end = first.x1
    if _CJK.match(first.text):
        rest = chars[1:]
        if first.text in _OPENING and rest and rest[0].size:
            end, rest = rest[0].x1, rest[1:]
        for c in rest:
            if not (c.size and c.text in _CLOSING):
                break
            end = c.x1
        return end - first.x0
    for c in chars[1:]:
        if not c.size or _CJK.match(c.text):
            break
        end = c.x1
    return end - first.x0


def _glue(before: str, after: str) -> str:
    """Join two lines of one paragraph."""
    if not before or not after:
        return before + after
    if _CJK.match(before[-1]) or _CJK.match(after[0]) or before.endswith("-") or before.endswith("/"):
        return before + after
    return before + " " + after
