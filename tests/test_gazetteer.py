"""The gazetteer's village rows are packed into columns: every lookup must answer as the TSV rows say."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipeline import gazetteer
from pipeline.gazetteer import Unit, VillageRows, load_gazetteer
from pipeline.rules import RULES_DIR

DIVISIONS = """code\tname\tlevel\tparent\taliases
330000000000\t浙江省\tprovince\t\t浙江
330100000000\t杭州市\tcity\t330000000000\t杭州
330106000000\t西湖区\tcounty\t330100000000\t西湖
330106109000\t转塘街道\ttown\t330106000000\t
330106109201\t龙坞茶村\tvillage\t330106109000\t龙坞
330106109202\t外桐坞村\tvillage\t330106109000\t
110000000000\t北京市\tprovince\t\t北京
110101000000\t东城区\tcounty\t110000000000\t东城
110101001000\t东华门街道\ttown\t110101000000\t
110101001001\t多福巷社区居委会\tvillage\t110101001000\t多福巷社区
"""


@pytest.fixture()
def small_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A gazetteer of two provinces, its cache in a directory of the test's own."""
    root = tmp_path / "places"
    root.mkdir()
    (root / "divisions.tsv").write_text(DIVISIONS, encoding="utf-8")
    monkeypatch.setattr(gazetteer, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(gazetteer, "_LOADED", {})
    return root


def _answers(gaz: gazetteer.Gazetteer) -> tuple:
    keys = list(gaz.units)
    return (
        keys,
        [gaz.units[k] for k in keys],
        [gaz.ancestors(k) for k in keys],
        [gaz.parent_name(k) for k in keys],
        dict(gaz.surfaces.items()),
    )


def test_villages_answer_as_their_rows(small_root: Path) -> None:
    gaz = load_gazetteer(small_root)
    assert gaz.units["330106109201"] == Unit("330106109201", "龙坞茶村", "village", "330106109000", "330106109201")
    assert gaz.units["110101001001"].name == "多福巷社区居委会"
    assert gaz.ancestors("330106109201") == ["330106109000", "330106000000", "330100000000", "330000000000"]
    assert gaz.parent_name("330106109202") == "转塘街道"
    assert gaz.surfaces["龙坞"] == ["330106109201"]
    assert [hit for _, hit in gaz.iter("杭州市西湖区转塘街道龙坞茶村的茶农")][-1] == ("龙坞茶村", ("330106109201",))
    # the TSV's order, villages after the rest (here: in code order, as the NBS file has them)
    assert list(gaz.units)[-3:] == ["110101001001", "330106109201", "330106109202"]
    assert len(gaz.units) == 10


@pytest.mark.parametrize("key", ["330106109203", "330106109000x", "３３０１０６１０９２０１", "village:龙坞茶村", "", "0"])
def test_keys_not_in_the_table(small_root: Path, key: str) -> None:
    """A code between two villages, full-width digits (int() would read them) and hand-kept keys are not villages here."""
    gaz = load_gazetteer(small_root)
    assert key not in gaz.units
    with pytest.raises(KeyError):
        gaz.units[key]


def test_cache_gives_the_same_answers(small_root: Path) -> None:
    built = _answers(load_gazetteer(small_root))
    gazetteer._LOADED.clear()
    cached = load_gazetteer(small_root)
    assert cached.units._villages is None  # village rows are read on first need
    assert _answers(cached) == built
    # the village file gone: rebuilt from the TSV
    gazetteer._LOADED.clear()
    for p in (gazetteer.CACHE_DIR).glob("*-villages.pkl"):
        p.unlink()
    assert _answers(load_gazetteer(small_root)) == built


def test_rows_that_do_not_pack_stay_plain() -> None:
    """A village key whose code or parent is not a 12-digit code keeps its row as given."""
    gaz = gazetteer.Gazetteer(
        {
            "330106109201": Unit("330106109201", "龙坞茶村", "village", "town:转塘", "330106109201"),
            "330106109202": Unit("330106109202", "外桐坞村", "village", "330106109000", ""),
            "330106109203": Unit("330106109203", "上城埭村", "village", None, "330106109203"),
        },
        {},
    )
    assert len(gaz.units._village_rows()) == 1
    assert gaz.units["330106109201"].parent == "town:转塘"
    assert gaz.units["330106109202"].code == ""
    assert gaz.units["330106109203"] == Unit("330106109203", "上城埭村", "village", None, "330106109203")


def test_real_villages_match_divisions_tsv() -> None:
    """Every 500th village of the bundled file, looked up in the packed table, reads as its TSV row."""
    gaz = load_gazetteer()
    with open(RULES_DIR / "places" / "divisions.tsv", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if "\tvillage\t" in line]
    assert len(rows) > 600_000
    assert isinstance(gaz.units._village_rows(), VillageRows)
    for code, name, level, parent, *_ in itertools.islice(rows, 0, None, 500):
        assert gaz.units[code] == Unit(code, name, level, parent or None, code)
