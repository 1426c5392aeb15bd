"""Every row of every profile's rule tables, on text made to match it: what it sets is read
without raising (a setter asking for a group its row does not have would crash on real input)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.profile import Rule
from pipeline.profiles import LANGUAGES, profile_for


def _rows() -> list[tuple[str, Rule]]:
    rows = []
    for code in LANGUAGES:
        profile = profile_for(code)
        for item in fields(profile):
            table = getattr(profile, item.name)
            if isinstance(table, tuple) and table and all(isinstance(row, Rule) for row in table):
                rows += [(f"{code}.{item.name}[{i}].{row.layout}", row) for i, row in enumerate(table)]
    return rows


ROWS = _rows()


@pytest.mark.parametrize(("where", "row"), ROWS, ids=[where for where, _ in ROWS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_row_reads_whatever_it_matches(where: str, row: Rule, data: st.DataObject) -> None:
    text = data.draw(st.from_regex(row.pattern))
    m = row.pattern.match(text)
    if m is None:  # from_regex may put the match after a prefix; rows match at the start
        return
    assert isinstance(row.sets(m), Mapping), where
