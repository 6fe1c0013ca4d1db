"""Every example kept in a rule file is run here: a rule and its evidence stay side by side."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import default_extractor
from pipeline.rules import default_rules

RULES = default_rules()
EX = default_extractor()


def _figures(text: str):
    return [e for e in EX.extract(text, date(2023, 7, 15)) if e.type == "FIGURE"]


@pytest.mark.parametrize("ex", RULES.units["example"] + RULES.qualifiers["example"], ids=lambda ex: ex["text"])
def test_unit_and_qualifier_examples(ex):
    found = {f.text: f for f in _figures(ex["text"])}
    assert ex["figure"] in found, (ex, list(found))
    f = found[ex["figure"]]
    for key in ("value", "max", "unit", "qualifier"):
        if key in ex:
            assert getattr(f, key) == ex[key], (key, getattr(f, key), ex)


@pytest.mark.parametrize("ex", RULES.not_figures["example"], ids=lambda ex: ex["text"])
def test_not_figure_examples(ex):
    assert [f.text for f in _figures(ex["text"])] == ex["figures"]


@pytest.mark.parametrize("ex", RULES.dates["example"] + RULES.festivals["example"], ids=lambda ex: ex["text"])
def test_date_examples(ex):
    got = {d.text: d for d in EX.dates.find(ex["text"], date.fromisoformat(ex["published"]), [])}
    assert ex["date"] in got, (ex, list(got))
    d = got[ex["date"]]
    assert (d.date_start.isoformat() if d.date_start else None) == ex.get("start")
    assert (d.date_end.isoformat() if d.date_end else None) == ex.get("end")


@pytest.mark.parametrize("ex", RULES.programmes["example"], ids=lambda ex: ex["text"])
def test_programme_examples(ex):
    assert [p.name for p in EX.programmes.find(ex["text"])] == ex["programmes"]
