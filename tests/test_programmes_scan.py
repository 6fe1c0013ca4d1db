"""The head-first scan for unquoted full names finds exactly what the plain pattern finds."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.programmes import _han_before_heads

# The pattern the scan stands for: up to 16 Han characters before a head, not followed by a closing mark.
PLAIN = regex.compile(r"(?P<n>\p{Han}{2,16}?(?:行动|工程|计划))(?![”’》])")
PIECES = ["行动", "工程", "计划", "专项", "乡村振兴", "国家重点研发", "”", "’", "》", "“", "\n", "，", "的", "A", "3", "推"]


def test_the_scan_on_a_news_sentence():
    """The shortest reach ends a name (`…示范行动`, not `…行动计划`); a head before a closing mark is no head."""
    text = "各地深入实施乡村振兴示范行动计划，启动“清风”行动”和国家重点研发计划。"
    assert [text[s:e] for s, e in _han_before_heads(text)] == ["各地深入实施乡村振兴示范行动", "和国家重点研发计划"]
    assert _han_before_heads(text) == [m.span("n") for m in PLAIN.finditer(text)]


@settings(max_examples=2000, deadline=None, database=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_scan_finds_what_the_pattern_finds(text):
    assert _han_before_heads(text) == [m.span("n") for m in PLAIN.finditer(text)]


def test_a_plan_as_a_verb_and_a_year_before_it_make_no_programme():
    from datetime import date

    from pipeline import extract

    found = extract("甘肃今年计划新建农村公路2000公里，县里推进乡村振兴人才培育计划的实施。", date(2025, 5, 25))
    assert [e.text for e in found if e.type == "PROGRAMME"] == ["乡村振兴人才培育计划"]
    assert {e.text for e in found if e.type in ("PLACE", "DATE")} == {"甘肃", "今年"}
