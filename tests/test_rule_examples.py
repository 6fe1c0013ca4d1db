"""Every example kept in a rule file is run here: a rule and its evidence stay side by side."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extraction import default_extractor
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
    assert not set(ex.get("absent", [])) & set(got), (ex, list(got))
    if "date" not in ex:
        return
    assert ex["date"] in got, (ex, list(got))
    d = got[ex["date"]]
    assert (d.date_start.isoformat() if d.date_start else None) == ex.get("start")
    assert (d.date_end.isoformat() if d.date_end else None) == ex.get("end")


@pytest.mark.parametrize("ex", RULES.programmes["example"], ids=lambda ex: ex["text"])
def test_programme_examples(ex):
    assert [p.name for p in EX.programmes.find(ex["text"])] == ex["programmes"]


def _place_examples():
    rows = []
    path = RULES.root / "places" / "examples.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


@pytest.mark.parametrize("ex", _place_examples(), ids=lambda ex: ex["text"])
def test_place_examples(ex):
    """Each place example, said in a sentence that names its parent, resolves to its name, level and code."""
    keys = [k for k in EX.places.gaz.surfaces[ex["text"]] if EX.places.gaz.units[k].name == ex["name"]]
    unit_key = next((k for k in keys if EX.places.gaz.units[k].code == ex.get("code")), keys[0])
    parents = [EX.places.gaz.units[a].name for a in EX.places.gaz.ancestors(unit_key)]
    sentence = "".join(reversed(parents)) + ex["text"] + "召开会议。"
    found = {p.text: p for p in EX.places.find(sentence, [])}
    assert ex["text"] in found, (sentence, list(found))
    p = found[ex["text"]]
    assert (p.name, p.level) == (ex["name"], ex["level"])
    if ex.get("code"):
        assert p.code == ex["code"]


def _not_places_examples():
    import tomllib

    with open(RULES.root / "places" / "not_places.toml", "rb") as f:
        return tomllib.load(f)["example"]


@pytest.mark.parametrize("ex", _not_places_examples(), ids=lambda ex: ex["text"])
def test_not_places_examples(ex):
    assert [p.text for p in EX.places.find(ex["text"], [])] == ex["places"]


def _standalone_examples():
    import tomllib

    with open(RULES.root / "places" / "standalone.toml", "rb") as f:
        return tomllib.load(f)["example"]


@pytest.mark.parametrize("ex", _standalone_examples(), ids=lambda ex: ex["text"])
def test_standalone_short_form_examples(ex):
    """A county's short form alone is a place exactly where a cue of standalone.toml marks it."""
    assert [p.text for p in EX.places.find(ex["text"], [])] == ex["places"]


def _alias_rows():
    rows = [line.split("\t") for line in (RULES.root / "places" / "aliases.tsv").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r[0] and not r[0].startswith("#")]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("row", _alias_rows(), ids=lambda r: r["name"])
def test_hand_aliases_resolve_to_their_unit(row):
    """Each alias of aliases.tsv, after its parent in a sentence, is a PLACE with the row's name and code."""
    for alias in row["aliases"].split("|"):
        found = {p.text: p for p in EX.places.find(f"{row['parent']}{alias}新建牧场3处。", [])}
        assert alias in found, (alias, list(found))
        assert (found[alias].name, found[alias].code) == (row["name"], row["code"])
