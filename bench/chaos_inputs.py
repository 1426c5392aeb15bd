"""Generated hostile inputs for ``chaos.py``: every class of bad input docpipe must record with a
reason (or read correctly), deterministic for a seed.

Classes: encodings (UTF-16 without BOM both ways, Big5, GB18030, UTF-8 with BOM), white space
only, empty, binary noise, NUL-laced text, truncated and garbage PDFs, zip files that are no
.docx, zip bombs (a small .docx whose XML inflates to 100 MB, many parts), XML entity expansion
inside a .docx, text over the size limit, and hostile keys (newlines, control characters, path
tricks, very long names, right-to-left marks) around ordinary documents.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
TRADITIONAL = sorted((ROOT / "tests" / "fixtures" / "corpus" / "zh").glob("*.zh-hant.txt"))

#: The bar's bomb: a .docx of about 300 KB whose document.xml inflates to 100 MB.
BOMB_XML_BYTES = 100_000_000


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bomb() -> bytes:
    """A .docx whose document.xml is 100 MB of paragraphs (deflates to ~300 KB)."""
    paragraph = b"<w:p><w:r><w:t>" + "决议".encode() * 20 + b"</w:t></w:r></w:p>"
    body = paragraph * (BOMB_XML_BYTES // len(paragraph))
    xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           + body + b"</w:body></w:document>")  # fmt: skip
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": xml})


def entity_expansion_docx() -> bytes:
    entities = "".join(f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e0 "lol">{entities}]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
           "<w:t>&e9;</w:t></w:r></w:p></w:body></w:document>").encode()  # fmt: skip
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": xml})


def _seed(rng: random.Random, tag: str) -> str:
    return rng.choice(SEEDS).decode("utf-8") + f"\n\n（{tag}）\n"


def bad_inputs(count: int, seed: int = 7) -> Iterator[tuple[str, str, bytes]]:
    """``count`` inputs as (class, key, bytes), cycling through the classes."""
    rng = random.Random(seed)
    trad = [p.read_text("utf-8") for p in TRADITIONAL[:4]]
    makers: list[tuple[str, Callable[[int], tuple[str, bytes]]]] = [
        ("utf16le-nobom", lambda i: (f"enc/{i}.txt", _seed(rng, f"le {i}").encode("utf-16-le"))),
        ("utf16be-nobom", lambda i: (f"enc/{i}.txt", _seed(rng, f"be {i}").encode("utf-16-be"))),
        ("big5", lambda i: (f"enc/{i}.txt", (trad[i % len(trad)] + f"\n（{i}）").encode("big5", errors="ignore"))),
        ("gb18030", lambda i: (f"enc/{i}.txt", _seed(rng, f"gb {i}").encode("gb18030"))),
        ("utf8-bom", lambda i: (f"enc/{i}.txt", b"\xef\xbb\xbf" + _seed(rng, f"bom {i}").encode())),
        ("whitespace", lambda i: (f"ws/{i}.txt", rng.choice([b" ", b"\n", b"\t", "\u3000".encode()]) * (i % 50 + 1))),
        ("empty", lambda i: (f"empty/{i}.txt", b"")),
        ("binary", lambda i: (f"bin/{i}.bin", rng.randbytes(2048 + i))),
        ("nul-text", lambda i: (f"nul/{i}.txt", _seed(rng, str(i)).encode().replace("。".encode(), b"\x00"))),
        (
            "pdf-truncated",
            lambda i: (f"pdf/{i}.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>" + rng.randbytes(i % 200)),
        ),
        ("pdf-garbage", lambda i: (f"pdf/{i}.pdf", b"%PDF-" + rng.randbytes(4096))),
        ("zip-not-docx", lambda i: (f"zip/{i}.docx", _zip({"a.txt": rng.randbytes(100)}))),
        ("zip-truncated", lambda i: (f"zip/{i}.docx", _zip({"word/document.xml": b"<w/>" * 100})[: 50 + i % 50])),
        ("entity-expansion", lambda i: (f"xml/{i}.docx", entity_expansion_docx())),
        ("key-newline", lambda i: (f'keys/evil\n{{"level": "critical"}} {i}.txt', _seed(rng, f"nl {i}").encode())),
        ("key-control", lambda i: (f"keys/\x1b[31mred\x07 {i}.txt", _seed(rng, f"ctl {i}").encode())),
        ("key-dots", lambda i: (f"keys/../../etc/passwd-{i}.txt", _seed(rng, f"dots {i}").encode())),
        ("key-long", lambda i: ("keys/" + "长" * 300 + f"{i}.txt", _seed(rng, f"long {i}").encode())),
        ("key-rtl", lambda i: (f"keys/\u202eexe.txt-{i}", _seed(rng, f"rtl {i}").encode())),
    ]
    yield "docx-bomb", "bad/docx-bomb/318KB-100MB-xml.docx", docx_bomb()
    yield "too-large-text", "bad/too-large-text/21MB.txt", ("决议。" * 2_400_000).encode()
    for i in range(count - 2):
        label, make = makers[i % len(makers)]
        key, data = make(i)
        yield label, f"bad/{label}/{key}", data
