"""PDF text extractors compared on the PDF fixtures (``tests/fixtures/pdf/``, see
``scripts/make_pdf_fixtures.py``): speed, memory, fidelity, footnote markers, robustness.

    python bench/bench_pdf.py [--rounds 5] [--only NAME ...]

Candidates: pypdf (``page.extract_text()``), pypdfium2 (``get_text_range()``), pdfminer.six
(``extract_pages`` with its default layout analysis), pdfplumber (``page.extract_text()``, when
installed) and docpipe's own ``pipeline.pdf.pdf_text`` (pypdfium2 plus the rebuilding of lines,
superscripts and paragraphs). Each runs in a child process of its own, so that its peak memory
is its own. Figures (no assertions):

- ms/page and MB/s: median over ``--rounds`` runs of extracting every fixture (one core);
  peak MB: growth of the child's peak RSS over the run, past the import and one warm-up document;
- similarity: 1 - character error rate (Levenshtein) between the source text and the extracted
  text, both in NFKC without white space (so ``¹`` and ``1`` compare equal here), per layout;
- order: share of the source's paragraphs found in the source's order (longest increasing run);
- markers: the footnote markers inside paragraphs, as they come out: ``sup`` a Unicode superscript,
  ``glued`` a plain digit against the word before it, ``spaced`` a plain digit after a space,
  ``break`` after a line break, ``lost`` not found; ``defs``: footnote definitions that open a line
  with a superscript (``sup``) or a plain digit (``digit``);
- pages: page texts given / pages in the PDF; seams: page breaks where the end of one page and
  the start of the next are contiguous in the source (nothing lost or doubled at the break);
- Han gaps: spaces between two Chinese characters, in the output less in the source;
  missing Han: Chinese characters of the source missing from the output (multiset), U+FFFD found.

Robustness: each candidate on a truncated PDF, garbage after the header, a text that is not a PDF,
a PDF encrypted with a user password and one with only an owner password, 100,000 pages, and one
page whose content stream inflates to 300 MB; what it returns or raises, its time and peak memory
(``pipeline.pdf`` with ``max_pages=5000`` and ``max_stream_bytes=64 MB``).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
CANDIDATES = ("pypdf", "pypdfium2", "pdfminer.six", "pdfplumber", "pipeline.pdf")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_RUN = re.compile(f"[{SUPERSCRIPTS}]+")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_GAP = re.compile(f"(?<=[{_HAN}])[ \t]+(?=[{_HAN}])")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_WS = re.compile(r"\s+")
_LIMITS = {"max_pages": 5000, "max_stream_bytes": 64_000_000}


# --- the candidates: bytes -> page texts ---------------------------------------------------------


def _pypdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _pypdfium2(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for i in range(len(document)):
            page = document[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def _pdfminer(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return [
        "".join(element.get_text() for element in page if isinstance(element, LTTextContainer))
        for page in extract_pages(io.BytesIO(data))
    ]


def _pdfplumber(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _docpipe(data: bytes, **limits: Any) -> list[str]:
    from pipeline.pdf import PAGE_BREAK, pdf_text

    return pdf_text(data, "bench.pdf", **limits).split(PAGE_BREAK)


EXTRACTORS: dict[str, Callable[..., list[str]]] = {
    "pypdf": _pypdf,
    "pypdfium2": _pypdfium2,
    "pdfminer.six": _pdfminer,
    "pdfplumber": _pdfplumber,
    "pipeline.pdf": _docpipe,
}


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pypdfium2" if name == "pipeline.pdf" else name)
    except PackageNotFoundError:
        return "-"


# --- fidelity measures ------------------------------------------------------------------------------


def squash(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def _no_space(text: str) -> str:
    return _WS.sub("", text)


def _spaced(text: str) -> str:
    """A pattern for ``text`` with any white space between its characters."""
    return r"\s*".join(map(re.escape, text))


def similarity(source: str, output: str) -> float:
    from rapidfuzz.distance import Levenshtein

    a, b = squash(source), squash(output)
    return 1 - Levenshtein.distance(a, b) / max(len(a), 1)


def order(paragraphs: list[str], output: str) -> float:
    """Share of the paragraphs found in order: longest increasing run of their positions."""
    import bisect

    flat = squash(output)
    positions = []
    cursor = 0
    for p in paragraphs:
        key = squash(p)[:14]
        if len(key) >= 10:
            at = flat.find(key, cursor)  # the next occurrence (running heads repeat), else the first
            at = flat.find(key) if at < 0 else at
            positions.append(at)
            cursor = at + 1 if at >= 0 else cursor
    found = [p for p in positions if p >= 0]
    if not positions:
        return 1.0
    tails: list[int] = []  # patience sorting: length of the longest increasing subsequence
    for p in found:
        i = bisect.bisect_left(tails, p)
        tails[i : i + 1] = [p]
    return len(tails) / len(positions)


def markers(paragraphs: list[str], output: str) -> Counter[str]:
    """How the source's footnote markers and definitions come out (see the module's docstring)."""
    counts: Counter[str] = Counter()
    cursor = 0
    for paragraph in paragraphs:
        for m in _SUP_RUN.finditer(paragraph):
            digits = m.group().translate(str.maketrans(SUPERSCRIPTS, "0123456789"))
            if m.start() == 0:
                rest = _spaced(_no_space(paragraph[m.end() :])[:2])
                line = re.compile(r"(?m)^[ \t]*(?:(" + re.escape(m.group()) + r")|" + digits + r")[ \t]*" + rest)
                found = line.search(output)
                counts["defs " + ("sup" if found and found.group(1) else "digit" if found else "elsewhere")] += 1
                continue
            before = _no_space(paragraph[: m.start()])[-3:]
            if len(before) < 3:
                continue
            pattern = re.compile(_spaced(before) + r"(\s*)(?:(" + re.escape(m.group()) + r")|" + digits + r"(?!\d))")
            found = pattern.search(output, cursor) or pattern.search(output)
            if found is None:
                counts["lost"] += 1
                continue
            cursor = found.end()
            if found.group(2):
                counts["sup"] += 1
            elif not found.group(1):
                counts["glued"] += 1
            elif "\n" in found.group(1) or "\f" in found.group(1):
                counts["break"] += 1
            else:
                counts["spaced"] += 1
    return counts


def seams(pages: list[str], source: str) -> tuple[int, int]:
    """Page breaks whose two sides are contiguous in the source, and page breaks."""
    flat = squash(source)
    good = total = 0
    for a, b in itertools.pairwise(pages):
        tail, head = squash(a)[-6:], squash(b)[:6]
        if not tail or not head:
            continue
        total += 1
        good += (tail + head) in flat
    return good, total


def peak_kb() -> int:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]


# --- child: one candidate on every fixture -------------------------------------------------------


def child(name: str, rounds: int) -> dict[str, Any]:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    extract = EXTRACTORS[name]
    manifest = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))
    docs = [(m, (FIXTURES / m["pdf"]).read_bytes()) for m in manifest]
    sys.path.insert(0, str(ROOT))
    from tests import pdfgen

    extract(pdfgen.pdf_with_pages(1))  # imports and first-call costs out of the figures
    base = peak_kb()
    outputs = [extract(data) for _, data in docs]
    peak = peak_kb() - base
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _, data in docs:
            extract(data)
        times.append(time.perf_counter() - start)
    import pypdfium2 as pdfium

    pdf_pages = [len(pdfium.PdfDocument(data)) for _, data in docs]
    result: dict[str, Any] = {
        "seconds": statistics.median(times),
        "pages": sum(pdf_pages),
        "bytes": sum(len(data) for _, data in docs),
        "peak_mb": peak / 1024,
        "similarity": {},
        "order": {},
        "markers": Counter(),
        "pages_given": 0,
        "seams": [0, 0],
        "han_gaps": 0,
        "han_missing": 0,
        "han_total": 0,
        "replacement": 0,
    }
    for (meta, _), pages, n_pages in zip(docs, outputs, pdf_pages, strict=True):
        source = (FIXTURES / meta["text"]).read_text("utf-8")
        paragraphs = [p for p in source.split("\n") if p.strip() and p != "\f"]
        output = "\n\f\n".join(pages)
        result["similarity"].setdefault(meta["layout"], []).append(similarity(source, output))
        result["order"].setdefault(meta["layout"], []).append(order(paragraphs, output))
        result["markers"].update(markers(paragraphs, output))
        result["pages_given"] += len(pages) if len(pages) == n_pages else 0
        good, total = seams(pages, source)
        result["seams"][0] += good
        result["seams"][1] += total
        if meta["language"].startswith("zh"):
            result["han_gaps"] += len(_HAN_GAP.findall(output)) - len(_HAN_GAP.findall(source))
            want, got = Counter(_HAN_CHAR.findall(source)), Counter(_HAN_CHAR.findall(output))
            result["han_missing"] += sum((want - got).values())
            result["han_total"] += sum(want.values())
        result["replacement"] += output.count("\ufffd")
    result["similarity"] = {k: statistics.mean(v) for k, v in result["similarity"].items()}
    result["order"] = {k: statistics.mean(v) for k, v in result["order"].items()}
    return result


# --- robustness ---------------------------------------------------------------------------------


def robustness_cases(workdir: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from tests import pdfgen

    seed = (FIXTURES / "003_5b8e28b97d1114ab.1col.pdf").read_bytes()
    cases = {
        "truncated": seed[: len(seed) * 6 // 10],
        "garbage": seed[:2000] + bytes((b * 7 + 3) % 256 for b in seed[2000:]),
        "not a PDF": b"%PDF-1.7\nnot a PDF at all\n",
        "encrypted (user pw)": pdfgen.encrypted(seed, "secret"),
        "encrypted (owner pw)": pdfgen.encrypted(seed, ""),
        "100,000 pages": pdfgen.pdf_with_pages(100_000),
        "300 MB stream": pdfgen.pdf_with_stream(300_000_000),
    }
    paths = {}
    for i, (label, data) in enumerate(cases.items()):
        path = workdir / f"case{i}.pdf"
        path.write_bytes(data)
        paths[label] = path
    return paths


def robust_child(name: str, path: str) -> dict[str, Any]:
    data = Path(path).read_bytes()
    extract = EXTRACTORS[name]
    sys.path.insert(0, str(ROOT))
    from tests import pdfgen

    extract(pdfgen.pdf_with_pages(1))  # warm up
    base = peak_kb()
    start = time.perf_counter()
    try:
        pages = extract(data, **_LIMITS) if name == "pipeline.pdf" else extract(data)
        outcome = f"ok, {len(pages)} pages"
    except Exception as exc:
        outcome = f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}"
    return {
        "outcome": outcome,
        "seconds": time.perf_counter() - start,
        "peak_mb": (peak_kb() - base) / 1024,
    }


# --- parent -------------------------------------------------------------------------------------


def _run_child(args: list[str], timeout: float) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"timeout > {timeout:.0f} s", "seconds": timeout, "peak_mb": float("nan")}
    if done.returncode != 0:
        return {"outcome": f"crashed ({done.returncode}) {done.stderr.strip()[-80:]}", "seconds": 0, "peak_mb": 0}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _installed(name: str) -> bool:
    module = {"pdfminer.six": "pdfminer", "pipeline.pdf": "pypdfium2"}.get(name, name)
    from importlib.util import find_spec

    return find_spec(module) is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=list(CANDIDATES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--robust", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rounds)))
        return
    if args.robust:
        print(json.dumps(robust_child(*args.robust)))
        return
    names = [n for n in args.only if _installed(n)]
    results = {n: _run_child(["--child", n, "--rounds", str(args.rounds)], 900) for n in names}
    manifest = json.loads((FIXTURES / "manifest.json").read_text("utf-8"))
    print(f"{len(manifest)} PDFs from {FIXTURES.relative_to(ROOT)}, median of {args.rounds} rounds, one core\n")
    layouts = sorted({m["layout"] for m in manifest})
    head = f"{'extractor':14} {'version':9} {'ms/page':>7} {'MB/s':>6} {'peak MB':>7} "
    head += " ".join(f"{'sim ' + layout:>10}" for layout in layouts)
    head += " " + " ".join(f"{'order ' + layout:>11}" for layout in layouts)
    print(head)
    for name, r in results.items():
        if r is None or "similarity" not in r:
            print(f"{name:14} {r}")
            continue
        row = f"{name:14} {_version(name):9} {1000 * r['seconds'] / r['pages']:7.2f} "
        row += f"{r['bytes'] / 1e6 / r['seconds']:6.2f} {r['peak_mb']:7.1f} "
        row += " ".join(f"{r['similarity'][layout]:10.4f}" for layout in layouts)
        row += " " + " ".join(f"{r['order'][layout]:11.3f}" for layout in layouts)
        print(row)
    print(
        f"\n{'extractor':14} {'markers in text':48} {'definitions':30} {'pages':>7} {'seams':>7} "
        f"{'Han gaps':>8} {'miss Han':>8} {'U+FFFD':>6}"
    )
    for name, r in results.items():
        if r is None or "markers" not in r:
            continue
        m = r["markers"]
        inline = " ".join(f"{k} {m.get(k, 0)}" for k in ("sup", "glued", "spaced", "break", "lost"))
        defs = " ".join(f"{k} {m.get('defs ' + k, 0)}" for k in ("sup", "digit", "elsewhere"))
        pages = f"{r['pages_given']}/{r['pages']}"
        seam = f"{r['seams'][0]}/{r['seams'][1]}"
        missing = f"{r['han_missing']}/{r['han_total']}"
        han = f"{r['han_gaps']:8d} {missing:>8} {r['replacement']:6d}"
        print(f"{name:14} {inline:48} {defs:30} {pages:>7} {seam:>7} {han}")
    print("\nRobustness (outcome, seconds, peak MB; pipeline.pdf with max_pages=5000, max_stream_bytes=64 MB)")
    with tempfile.TemporaryDirectory() as tmp:
        cases = robustness_cases(Path(tmp))
        print(f"{'case':22} " + " ".join(f"{n:>34}" for n in names))
        for label, path in cases.items():
            cells = []
            for name in names:
                r = _run_child(["--robust", name, str(path)], 120) or {}
                cells.append(f"{r['outcome'][:22]} {r['seconds']:5.2f}s {r['peak_mb']:4.0f}")
            print(f"{label:22} " + " ".join(f"{c:>34}" for c in cells))


if __name__ == "__main__":
    main()
