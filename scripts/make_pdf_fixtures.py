"""Build the PDF fixtures of ``tests/fixtures/pdf/`` from the seeds and corpus texts (LibreOffice).

Usage::

    python scripts/make_pdf_fixtures.py [OUTPUT_DIR]

Needs LibreOffice Writer (``soffice``; Debian ``libreoffice-writer-nogui``) and the Noto CJK fonts
(Debian ``fonts-noto-cjk``); python-docx comes with the project. Each source text becomes a .docx
(one paragraph per non-blank line, A4, Liberation Serif with Noto Serif CJK for Chinese), in one
column, in two, or dense (no space between paragraphs, indented first lines, justified), which
``soffice --headless --convert-to pdf`` turns into PDF:

- ``**bold**`` is set bold and ``[text](#)`` links become their text (markdown residue of web copies);
- superscript numbers (``¹``, ``¹⁰``) are set as real superscripts: the digits 1, 0 raised and
  smaller, which is how a word processor prints a footnote marker; a line that opens with one is a
  footnote definition and is set in a smaller size;
- in Chinese texts, a plain-digit footnote definition (``1 一個成員國…``) and the plain-digit marker
  closing a line (``…通過。 1``) are set the same way;
- a form feed, and in the seeds a run of three or more blank lines (where their pages end), is a
  page break; LibreOffice breaks the other pages where they fill.

Besides each ``<stem>.<1col|2col|dense>.pdf`` it writes ``<stem>.source.txt``: the paragraphs the PDF
was made from, one per line, superscripts as Unicode superscript digits, a line holding only a
form feed where a page break was forced. That file is the input of the rendering, so a perfect
text extractor gives it back modulo line wrapping; ``manifest.json`` lists every PDF.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "tests" / "fixtures" / "pdf"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"

#: (source file relative to the repository, language, whether three blank lines end a page)
SOURCES: tuple[tuple[str, str, bool], ...] = (
    ("seeds/000_883dc088e795b25f.txt", "zh", True),
    ("seeds/001_7be3694dd3d710bf.txt", "zh", True),
    ("seeds/002_1820d0fad8b12acf.txt", "zh", True),
    ("seeds/003_5b8e28b97d1114ab.txt", "zh", True),
    ("tests/fixtures/corpus/zh/sres-389-1976.zh-hant.txt", "zh-hant", False),
    ("tests/fixtures/corpus/zh/sres-2326-2016.zh-hant.txt", "zh-hant", False),
    ("tests/fixtures/corpus/zh/ares-498-v.zh.txt", "zh", False),
    ("tests/fixtures/corpus/zh/sres-3-1946.zh-hant.txt", "zh-hant", False),
    ("tests/fixtures/corpus/zh/sres-1232-1999.zh.txt", "zh", False),
    ("tests/fixtures/corpus/en/sres-1325-2000.en.txt", "en", False),
    ("tests/fixtures/corpus/en/ares-48-141.en.txt", "en", False),
    ("tests/fixtures/corpus/en/sres-2334-2016.en.txt", "en", False),
    ("tests/fixtures/corpus/en/a-77-l53.en.txt", "en", False),
    ("tests/fixtures/corpus/en/sres-1540-2004.en.txt", "en", False),
)
#: The layouts: name -> (columns, dense). A dense layout has no space between paragraphs: their
#: first lines are indented and the text is justified, as in many printed documents.
LAYOUTS = {"1col": (1, False), "2col": (2, False), "dense": (1, True)}
#: Sources also set in a dense layout (the others only in one column and, for TWO_COLUMNS, in two).
DENSE = frozenset({"003_5b8e28b97d1114ab", "sres-1325-2000.en"})
#: Sources also set in two columns (the others only in one: the CJK seeds' PDFs weigh 150-380 kB each).
TWO_COLUMNS = frozenset(
    {
        "003_5b8e28b97d1114ab",
        "sres-389-1976.zh-hant",
        "sres-2326-2016.zh-hant",
        "sres-1325-2000.en",
        "ares-48-141.en",
    }
)

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_PAGE_BREAK = "\f"
_SEED_PAGE_END = re.compile(r"\n[ \t]*\n[ \t]*\n[ \t]*\n")  # three or more blank lines
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")
_ESCAPE = re.compile(r"\\([\\()\[\]*_#.\-`])")
_INLINE = re.compile(rf"\*\*(?P<bold>.+?)\*\*|(?P<sup>[{SUPERSCRIPT_DIGITS}]+)")
_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
#: A Chinese footnote definition in plain digits: ``1 一個成員國…`` (not ``1.``, a paragraph number).
_ZH_PLAIN_NOTE = re.compile(rf"^(\d{{1,2}})[ \u3000]+(?=[{_HAN}《(（])")
#: A plain-digit marker closing a Chinese line: ``…通過。 1``.
_ZH_PLAIN_MARKER = re.compile(r"(?<=[。，,;；.])[ \u3000]*(\d{1,2})$")

FONTS = {"zh": "Noto Serif CJK SC", "zh-hant": "Noto Serif CJK TC", "en": "Noto Serif CJK SC"}
LATIN_FONT = "Liberation Serif"
BODY_SIZE = Pt(11)
NOTE_SIZE = Pt(9)


@dataclass
class Paragraph:
    """One paragraph: runs of (text, bold, superscript); ``note`` for a footnote definition."""

    runs: list[tuple[str, bool, bool]] = field(default_factory=list)
    note: bool = False

    def source_text(self) -> str:
        """The paragraph as plain text, superscripts as Unicode superscript digits."""
        return "".join(text.translate(_TO_SUPERSCRIPT) if sup else text for text, _, sup in self.runs)


#: A parsed document: paragraphs, and ``None`` where a page break is forced.
Document = list[Paragraph | None]


def parse(text: str, language: str, *, blank_lines_end_pages: bool) -> Document:
    """Paragraphs and forced page breaks of a source text (see the module's docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if blank_lines_end_pages:
        text = _SEED_PAGE_END.sub("\n" + _PAGE_BREAK + "\n", text)
    document: Document = []
    for line in text.split("\n"):
        for k, piece in enumerate(line.split(_PAGE_BREAK)):
            if k:
                document.append(None)
            if piece.strip():
                document.append(_paragraph(piece.strip(), language))
    while document and document[0] is None:
        document.pop(0)
    while document and document[-1] is None:
        document.pop()
    out: Document = []
    for item in document:
        if item is None and out and out[-1] is None:
            continue
        out.append(item)
    return out


def _paragraph(line: str, language: str) -> Paragraph:
    line = _ESCAPE.sub(r"\1", _LINK.sub(r"\1", line))
    if language.startswith("zh"):
        plain = _ZH_PLAIN_NOTE.match(line)
        if plain:
            line = plain.group(1).translate(_TO_SUPERSCRIPT) + " " + line[plain.end() :]
        else:
            line = _ZH_PLAIN_MARKER.sub(lambda m: m.group(1).translate(_TO_SUPERSCRIPT), line)
    runs: list[tuple[str, bool, bool]] = []
    position = 0
    for m in _INLINE.finditer(line):
        if m.start() > position:
            runs.append((line[position : m.start()], False, False))
        if m.group("bold") is not None:
            runs.append((m.group("bold"), True, False))
        else:
            runs.append((m.group("sup").translate(_FROM_SUPERSCRIPT), False, True))
        position = m.end()
    if position < len(line):
        runs.append((line[position:], False, False))
    return Paragraph(runs=runs, note=bool(runs) and runs[0][2])


def source_text(document: Document) -> str:
    """The ``.source.txt`` form of a parsed document."""
    return "".join(_PAGE_BREAK + "\n" if p is None else p.source_text() + "\n" for p in document)


def build_docx(document: Document, language: str, columns: int, path: Path, *, dense: bool = False) -> None:
    """Write ``document`` as a .docx in ``columns`` columns (dense: see ``LAYOUTS``)."""
    out = docx.Document()
    section = out.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    if columns > 1:
        cols = section._sectPr.find(qn("w:cols"))
        if cols is None:
            cols = OxmlElement("w:cols")
            section._sectPr.append(cols)
        cols.set(qn("w:num"), str(columns))
        cols.set(qn("w:space"), "425")  # twentieths of a point: 0.75 cm between columns
    normal = out.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONTS[language])
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "zh-TW" if language == "zh-hant" else "zh-CN")
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(0 if dense else 6)
    pending_break = False
    for item in document:
        if item is None:
            pending_break = True
            continue
        paragraph = out.add_paragraph()
        if dense:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if not item.note:
                paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        if pending_break:
            paragraph.paragraph_format.page_break_before = True
            pending_break = False
        for text, bold, sup in item.runs:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.font.superscript = sup or None
            if item.note:
                run.font.size = NOTE_SIZE
    out.save(str(path))


def convert(paths: list[Path], outdir: Path) -> None:
    """Convert .docx files to PDF with LibreOffice in one run (its own throw-away profile)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, paths),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _stem(path: str) -> str:
    return Path(path).name.removesuffix(".txt")


def main(argv: list[str]) -> int:
    outdir = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    outdir.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        built: list[Path] = []
        for source, language, seed in SOURCES:
            stem = _stem(source)
            document = parse((ROOT / source).read_text("utf-8"), language, blank_lines_end_pages=seed)
            (outdir / f"{stem}.source.txt").write_text(source_text(document), "utf-8")
            layouts = ["1col", *(["2col"] if stem in TWO_COLUMNS else []), *(["dense"] if stem in DENSE else [])]
            for layout in layouts:
                columns, dense = LAYOUTS[layout]
                name = f"{stem}.{layout}"
                build_docx(document, language, columns, work / f"{name}.docx", dense=dense)
                built.append(work / f"{name}.docx")
                manifest.append(
                    {
                        "pdf": f"{name}.pdf",
                        "source": source,
                        "text": f"{stem}.source.txt",
                        "language": language,
                        "layout": layout,
                        "columns": columns,
                        "seed": seed,
                        "forced_page_breaks": document.count(None),
                    }
                )
        convert(built, outdir)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
    total = sum(p.stat().st_size for p in outdir.glob("*.pdf"))
    print(f"{len(manifest)} PDFs in {outdir} ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
