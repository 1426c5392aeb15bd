"""Generate ``pipeline/zh/_data/member_states.py`` from ``data/unterm_names.csv`` (stdlib only).

Usage::

    python scripts/build_gazetteer.py [CSV] [OUTPUT]

Defaults: ``data/unterm_names.csv`` and ``pipeline/zh/_data/member_states.py`` relative to the
repository root. ``render(csv_text)`` is pure, so a test can check that the committed module is
up to date without running this script.

The CSV (UNTERM names, as published) is never edited: aliases, changed names and known
misspellings are kept in this script (``ALIASES``), as are the ``BLOCKERS``: strings that contain
a state's name but do not name a state.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT / "data" / "unterm_names.csv"
DEFAULT_OUTPUT = ROOT / "pipeline" / "zh" / "_data" / "member_states.py"

#: CSV columns used (0-based): English short name, Chinese short name, Chinese formal name.
_EN, _ZH_SHORT, _ZH_FORMAL = 0, 4, 10
_COLUMNS = 12
#: Markers after the names of observer states (``*``) and of other states (``**``).
_STATUS_MARKERS = ((" **", "other"), (" *", "observer"))

#: Canonical names that differ from the UNTERM cell (the seeds and our normalisation write
#: ASCII parentheses); the UNTERM spelling stays a surface.
CANONICAL_OVERRIDES: dict[str, str] = {"刚果（布）": "刚果(布)"}

#: English key -> extra surfaces ``(surface, is_short_form)``. ``True`` marks an accepted short
#: name (reported as written, like a sponsor name); ``False`` an alias reported as the canonical.
ALIASES: dict[str, tuple[tuple[str, bool], ...]] = {
    # Current official short forms the 2020-era UNTERM file does not have yet.
    "Netherlands (the)": (("荷兰王国", True),),
    "Eswatini": (("埃斯瓦蒂尼", True), ("埃斯瓦蒂尼王国", False)),
    # Informal short forms and former names.
    "Democratic People's Republic of Korea (the)": (
        ("朝鲜", False),
        ("朝鲜民主主义共和国", False),  # misspelling seen in UN texts (人民 missing)
    ),
    "Republic of Korea (the)": (("韩国", False),),
    "United States of America (the)": (("美国", False),),
    "United Kingdom of Great Britain and Northern Ireland (the)": (
        ("英国", False),
        ("联合王国", False),
    ),
    "Russian Federation (the)": (("俄罗斯", False),),
    "Iran (Islamic Republic of)": (("伊朗", False),),
    "Syrian Arab Republic (the)": (("叙利亚", False),),
    "Venezuela (Bolivarian Republic of)": (("委内瑞拉", False),),
    "Bolivia (Plurinational State of)": (("玻利维亚", False), ("玻利维亚多民族国", False)),
    "United Republic of Tanzania (the)": (("坦桑尼亚", False),),
    "Lao People's Democratic Republic (the)": (("老挝", False),),
    "Republic of Moldova (the)": (("摩尔多瓦", False),),
    "Democratic Republic of the Congo (the)": (("刚果(金)", False),),
    "Turkey": (("Türkiye", False),),
    "Côte d'Ivoire": (("象牙海岸", False),),
    "North Macedonia": (
        ("马其顿", False),
        ("马其顿共和国", False),
        ("前南斯拉夫的马其顿共和国", False),
    ),
    "United Arab Emirates (the)": (("阿联酋", False),),
    "Saudi Arabia": (("沙特", False),),
}

#: Strings that contain a state's name but name no state (matched leftmost-longest, discarded).
BLOCKERS: tuple[str, ...] = (
    # 中国
    "发展中国家",
    "中国家",  # 小岛屿发展中国家, 发达和发展中国家 …
    "中国际",  # 进程中国际社会 …
    "中国内流离失所",  # 冲突中国内流离失所者
    "南中国海",
    # 朝鲜, 韩国
    "朝鲜半岛",
    "朝韩",
    # 美国, 法国, 智利, 海地: words that straddle two words
    "拉美国家",
    "南美国家",
    "北美国家",
    "中美国家",
    "欧美国家",
    "非法国",  # 非法国际贩运
    "合法国",
    "国际法国",  # 国际法国家责任
    "明智利用",
    "海地区",  # 沿海地区, 加勒比海地区, 地中海地区
    "海地带",
    "沿海地",
    # Geography: seas, rivers, regions, territories
    "印度洋",  # also 英属印度洋领地
    "印度支那",
    "西印度群岛",
    "印度教",
    "日本海",
    "几内亚湾",
    "新几内亚",
    "贝宁湾",
    "刚果河",
    "刚果盆地",
    "乍得湖",
    "尼日尔河",
    "尼日尔三角洲",
    "约旦河",
    "约旦河西岸",
    "马里亚纳",
    "马里兰",
    "内蒙古",
    "北爱尔兰",
    "美属萨摩亚",
    "法属圭亚那",
    "阿拉伯国家",
    # Former states whose names contain present ones
    "捷克斯洛伐克",
    "塞尔维亚和黑山",
)

_PAREN_PAIRS = (("(", "（"), (")", "）"))


def _strip_marker(cell: str) -> tuple[str, str]:
    """Remove a trailing ``*``/``**`` marker; returns the clean cell and the status it implies."""
    cell = cell.strip()
    for marker, status in _STATUS_MARKERS:
        if cell.endswith(marker):
            return cell.removesuffix(marker).strip(), status
    return cell, "member"


def _paren_variants(surface: str) -> tuple[str, ...]:
    """The surface with ASCII and with full-width parentheses (one element if it has none)."""
    ascii_form = full_form = surface
    for ascii_char, full_char in _PAREN_PAIRS:
        ascii_form = ascii_form.replace(full_char, ascii_char)
        full_form = full_form.replace(ascii_char, full_char)
    return (ascii_form,) if ascii_form == full_form else (ascii_form, full_form)


State = tuple[str, str, str, tuple[tuple[str, bool], ...]]


def parse(csv_text: str) -> list[State]:
    """States in CSV order: (english_key, canonical, status, surfaces)."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    header, body = rows[0], [row for row in rows[1:] if row]
    if len(header) != _COLUMNS or header[_ZH_SHORT] != "UNTERM Chinese Short":
        raise ValueError(f"unexpected CSV header: {header!r}")
    states: list[State] = []
    for row in body:
        if len(row) != _COLUMNS:
            raise ValueError(f"row with {len(row)} cells: {row!r}")
        key, status = _strip_marker(row[_EN])
        short, short_status = _strip_marker(row[_ZH_SHORT])
        formal, formal_status = _strip_marker(row[_ZH_FORMAL])
        if not status == short_status == formal_status:
            raise ValueError(f"inconsistent status markers in row {row!r}")
        canonical = CANONICAL_OVERRIDES.get(short, short)
        candidates = [(short, True), (formal, False), *ALIASES.get(key, ())]
        surfaces: dict[str, bool] = {}
        for surface, is_short in candidates:
            for variant in _paren_variants(surface):
                # Full-width spellings are accepted but reported as the (ASCII) canonical.
                variant_short = is_short and "（" not in variant
                surfaces[variant] = surfaces.get(variant, False) or variant_short
        states.append((key, canonical, status, tuple(surfaces.items())))
    unknown = set(ALIASES) - {state[0] for state in states}
    if unknown:
        raise ValueError(f"aliases for unknown states: {sorted(unknown)}")
    _check(states)
    return states


def _check(states: list[State]) -> None:
    """Every surface names exactly one state; blockers are not names; statuses as documented."""
    owner: dict[str, str] = {}
    for key, canonical, _status, surfaces in states:
        if canonical not in dict(surfaces):
            raise ValueError(f"{key}: canonical {canonical!r} is not a surface")
        for surface, _short in surfaces:
            assert surface not in owner, f"{surface!r} names both {owner[surface]!r} and {key!r}"
            owner[surface] = key
    assert len(set(BLOCKERS)) == len(BLOCKERS), "duplicate blocker"
    clashes = [blocker for blocker in BLOCKERS if blocker in owner]
    assert not clashes, f"blockers that are state names: {clashes}"
    counts = {status: 0 for status in ("member", "observer", "other")}
    for state in states:
        counts[state[2]] += 1
    assert counts == {"member": 193, "observer": 2, "other": 2}, counts


def _quote(text: str) -> str:
    """A double-quoted Python string literal (the names hold no quotes or backslashes)."""
    assert '"' not in text and "\\" not in text, text
    return f'"{text}"'


def render(csv_text: str) -> str:
    """The text of ``pipeline/zh/_data/member_states.py`` for the given CSV text."""
    states = parse(csv_text)
    lines = [
        "# generated by scripts/build_gazetteer.py; do not edit",
        '"""Member states, observer states and other states with UN names, and blocker strings.',
        "",
        "Source: UNTERM short and formal Chinese names (``data/unterm_names.csv``), plus aliases,",
        "newer official short forms and known misspellings kept in ``scripts/build_gazetteer.py``.",
        '"""',
        "",
        "#: (english_key, canonical_chinese_short_name, status, ((surface, is_short_form), ...))",
        '#: status: "member" | "observer" | "other"',
        "STATES: tuple[tuple[str, str, str, tuple[tuple[str, bool], ...]], ...] = (",
    ]
    for key, canonical, status, surfaces in states:
        lines.append("    (")
        lines += [f"        {_quote(field)}," for field in (key, canonical, status)]
        items = [f"({_quote(surface)}, {is_short})," for surface, is_short in surfaces]
        if len(items) == 1:  # the layout ``ruff format`` keeps
            lines.append(f"        ({items[0]}),")
        else:
            lines += ["        (", *(f"            {item}" for item in items), "        ),"]
        lines.append("    ),")
    lines.append(")")
    lines.append("")
    lines.append("#: strings that contain a state name but do not name a state (matched and discarded)")
    lines.append("BLOCKERS: tuple[str, ...] = (")
    lines += [f"    {_quote(blocker)}," for blocker in BLOCKERS]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    text = render(source.read_text(encoding="utf-8"))
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
