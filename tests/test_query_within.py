"""`--within NAME` resolves names without loading the place index, and gives the index's answer."""

from __future__ import annotations

import random

import pytest

from pipeline.dataset import TABLES
from pipeline.gazetteer import HAND_FILES, _read_tsv, is_village, load_gazetteer
from pipeline.place_lookup import codes_within, names_of_codes, place_units
from pipeline.records import SCHEMAS
from pipeline.rules import RULES_DIR

PLACES = RULES_DIR / "places"


def _index_answer(gaz, name: str) -> list[tuple[str, str]]:  # noqa: ANN001 - pipeline.gazetteer.Gazetteer
    units = [gaz.units[k] for k in gaz.surfaces.get(name, [])]
    return [(u.level, u.code) for u in units]


@pytest.fixture(scope="module")
def gazetteer():  # noqa: ANN201
    return load_gazetteer(PLACES)


def _sample_names(gaz) -> list[str]:  # noqa: ANN001
    """Names of every kind: divisions and their aliases at each level, hand-kept places, shared names."""
    rng = random.Random(7)
    surfaces = list(gaz.surfaces)
    above_villages = [s for s in surfaces if any(not is_village(k) for k in gaz.surfaces[s])]
    hand = [r["name"] for f in HAND_FILES if (PLACES / f).exists() for r in _read_tsv(PLACES / f)]
    hand_aliases = [
        a.strip()
        for f in HAND_FILES
        if (PLACES / f).exists()
        for r in _read_tsv(PLACES / f)
        for a in r["aliases"].split("|")
        if a
    ]
    fixed = [
        "北京市",
        "北京",
        "赣州市",
        "赣州",
        "章贡区",
        "朝阳区",
        "新村",
        "赣州经开区",
        "香港",
        "雄安新区",
        "长江",
        "不存在的地方",
        "县",
    ]
    return fixed + rng.sample(surfaces, 30) + rng.sample(above_villages, 30) + rng.sample(hand, 15) + rng.sample(hand_aliases, 10)


def test_lookup_gives_the_place_index_answer(gazetteer):
    for name in _sample_names(gazetteer):
        assert place_units(name, PLACES) == _index_answer(gazetteer, name), name


def test_within_prefers_divisions_above_village_level():
    assert codes_within("赣州") == ["360700000000"]
    assert codes_within("章贡区") == ["360702000000"]
    assert sorted(codes_within("朝阳区")) == ["110105000000", "220104000000"]  # Beijing's and Changchun's
    assert codes_within("不存在的地方") == []
    # A name only villages bear means those villages.
    villages = codes_within("新村")
    assert len(villages) > 100 and all(not c.endswith("000") for c in villages)


def test_names_of_codes_are_the_index_names(gazetteer):
    """Binary search in divisions.tsv finds every level's canonical name, and nothing for unknown codes."""
    rng = random.Random(11)
    codes = [u.code for u in rng.sample(list(gazetteer.units.values()), 200) if u.code and len(u.code) == 12]
    codes += ["110000000000", "360702000000", "659012505000"]  # the first row, a county, the last row
    names = names_of_codes([*codes, "999999999999", "000000000000"], PLACES)
    assert names == {c: gazetteer.units[c].name for c in codes}


def test_query_tables_are_the_schema_tables():
    assert TABLES == tuple(SCHEMAS)


def test_a_query_loads_neither_the_extractor_nor_pyarrow(tmp_path):
    """`zhnews query` start-up pays for click and DuckDB only: no NLP models, place index, Arrow or pandas."""
    import subprocess
    import sys
    from datetime import date

    from pipeline.dataset import Writer

    from .conftest import ROOT

    figure = {
        "figure_id": "a1:3",
        "article_id": "a1",
        "text": "214.46亿元",
        "value": 21446000000.0,
        "unit": "元",
        "place": "章贡区",
        "place_code": "360702000000",
        "place_ancestors": ["360700000000", "360000000000"],
        "published": date(2023, 1, 5),
    }
    writer = Writer(tmp_path)
    writer.stage("s1", "news.txt", "0" * 64, "r1", {"figures": [figure], "articles": [{"article_id": "a1"}]})
    writer.commit()
    heavy = ("pipeline.extraction", "pipeline.places", "jieba", "cn2an", "pyarrow", "pandas")
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import main\n"
        f"r = CliRunner().invoke(main, ['query', 'figures', '--within', '赣州', '--dataset', {str(tmp_path)!r}, '--format', 'csv'])\n"
        "print(r.output.splitlines()[1:], r.exit_code)\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    rows, loaded = r.stdout.splitlines()
    assert rows.startswith("['214.46亿元,21446000000,,元,,,章贡区,") and rows.endswith(" 0"), r.stderr
    assert loaded == "[]"


def test_a_division_code_prefix_is_its_descendants(gazetteer):
    """`--within` tests code prefixes: a unit's coded ancestors are exactly the divisions its code's prefixes name."""
    from pipeline.place_lookup import CODE_DIGITS

    rng = random.Random(5)
    by_code = {u.code: u for u in gazetteer.units.values() if u.code and u.level in CODE_DIGITS and u.level != "village"}
    units = [u for u in gazetteer.units.values() if u.code and u.level != "village"]
    units += rng.sample([u for u in gazetteer.units.values() if u.level == "village"], 20000)
    for u in units:
        coded = {gazetteer.units[a].code for a in gazetteer.ancestors(u.key)} - {None, ""}
        implied = {
            c
            for n in (2, 4, 6, 9)
            if (c := u.code[:n].ljust(12, "0")) != u.code and c in by_code and CODE_DIGITS[by_code[c].level] == n
        }
        assert implied == {c for c in coded if c in by_code}, u
