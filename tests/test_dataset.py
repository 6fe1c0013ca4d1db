"""The Parquet dataset: incremental, idempotent, crash-safe, locked, and safe to query."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.dataset import Dataset, DatasetLocked, locked

from .conftest import ROOT, SEEDS
from .conftest import tree_digest as _tree_digest


def _run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, cwd=ROOT, **kw)


@pytest.fixture(scope="module")
def corpus_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds") / "dataset"
    r = _run("ingest", "corpus/", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    return out


def test_reingest_changes_nothing_byte_for_byte(corpus_dataset):
    before = _tree_digest(corpus_dataset)
    r = _run("ingest", "corpus/", "--out", str(corpus_dataset), "--quiet")
    assert r.returncode == 0
    assert "0 ingested, 5 unchanged" in r.stdout
    assert _tree_digest(corpus_dataset) == before


def test_worker_count_does_not_change_a_byte(corpus_dataset, tmp_path):
    from pipeline.parallel import default_workers

    # corpus_dataset was written with the default, every core; compare with one worker (or two on a one-core machine).
    workers = "1" if default_workers() > 1 else "2"
    out = tmp_path / "dataset"
    r = _run("ingest", "corpus/", "--out", str(out), "--quiet", "--workers", workers)
    assert r.returncode == 0, r.stderr
    assert _tree_digest(out) == _tree_digest(corpus_dataset)


def test_changed_file_replaces_and_new_file_appends(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "ds"
    assert _run("ingest", str(src), "--out", str(out), "--published", "2022-12-01", "-q").returncode == 0
    first = {p.name for p in (out / "parts" / "figures").iterdir()}
    (src / "b.txt").write_text("今年以来，信丰县新增就业岗位1200个，投资3.5亿元。", encoding="utf-8")
    r = _run("ingest", str(src), "--out", str(out), "--published", "2022-12-01", "-q")
    assert "1 ingested, 1 unchanged" in r.stdout
    assert first <= {p.name for p in (out / "parts" / "figures").iterdir()}  # appended, nothing rewritten
    (src / "b.txt").write_text("今年以来，信丰县新增就业岗位1300个。", encoding="utf-8")
    _run("ingest", str(src), "--out", str(out), "--published", "2022-12-01", "-q")
    ds = Dataset(out)
    texts = list(ds.sql("SELECT text FROM figures f JOIN sources s USING (source_id) WHERE s.path LIKE '%b.txt'")["text"])
    assert texts == ["1300个"]  # the old version's rows are gone


def test_query_within_a_city_lists_its_money_figures(corpus_dataset):
    r = _run(
        "query",
        "figures",
        "--dataset",
        str(corpus_dataset),
        "--within",
        "赣州市",
        "--unit",
        "元",
        "--format",
        "json",
        "--limit",
        "1000",
    )
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all(row["unit"] == "元" for row in rows)
    texts = {row["text"] for row in rows}
    assert "214.46亿元" in texts and "6581.67万元" in texts
    places = {row["place"] for row in rows}
    assert "章贡区" in places and "北京市" not in places
    # The same through SQL and pandas.
    ds = Dataset(corpus_dataset)
    df = ds.sql(
        "SELECT * FROM figures WHERE unit = '元' AND (place_code = '360700000000' OR list_contains(place_ancestors, '360700000000'))"
    )
    assert set(df["text"]) == texts
    assert "214.46亿元" in set(ds.figures()["text"])
    assert int(df.loc[df["text"] == "214.46亿元", "value"].iloc[0]) == 21446000000


def test_totals_roll_figures_up_to_counties_with_their_gazetteer_names(corpus_dataset):
    r = _run("query", "totals", "--dataset", str(corpus_dataset), "--within", "赣州市", "--unit", "元", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    by_code = {}
    for row in rows:
        assert row["code"].startswith("3607") and row["code"].endswith("000000")  # Ganzhou's counties only
        by_code.setdefault(row["code"], row["place"])
    assert by_code["360702000000"] == "章贡区"
    assert [(row["code"], row["year"]) for row in rows] == sorted((row["code"], row["year"]) for row in rows)
    # Each county's count is the number of its figures and of those of every place under it.
    ds = Dataset(corpus_dataset)
    expected = ds.sql(
        "SELECT left(place_code, 6) || '000000' AS code, count(*) AS n FROM figures WHERE unit = '元' "
        "AND left(place_code, 4) = '3607' AND substr(place_code, 5, 2) <> '00' GROUP BY ALL"
    )
    got = {}
    for row in rows:
        got[row["code"]] = got.get(row["code"], 0) + row["figures"]
    assert got == dict(zip(expected["code"], expected["n"], strict=True))


def test_sql_cannot_touch_files_outside_the_dataset(corpus_dataset, tmp_path):
    target = tmp_path / "stolen.csv"
    for q in (
        "SELECT * FROM read_csv('/etc/passwd')",
        f"COPY figures TO '{target}'",
        f"ATTACH '{tmp_path / 'x.db'}' AS x",
        "SET enable_external_access = true",
    ):
        r = _run("sql", q, "--dataset", str(corpus_dataset))
        assert r.returncode == 2, (q, r.stdout)
        assert "zhnews:" in r.stderr
    assert not target.exists()
    r = _run("query", "figures", "--dataset", str(corpus_dataset), "--place", "'; DROP TABLE figures; --", "--format", "csv")
    assert r.returncode == 0 and r.stdout.strip().splitlines() == [r.stdout.strip().splitlines()[0]]
    r = _run("sql", "SELECT count(*) AS n FROM figures", "--dataset", str(corpus_dataset), "--format", "json")
    assert json.loads(r.stdout)["n"] > 100


def test_a_second_ingest_is_refused_while_one_holds_the_lock(corpus_dataset):
    with locked(corpus_dataset):
        with pytest.raises(DatasetLocked):
            with locked(corpus_dataset):
                pass
        r = _run("ingest", str(SEEDS[0]), "--out", str(corpus_dataset))
        assert r.returncode == 4
        assert "another zhnews ingest is writing this dataset" in r.stderr


def test_killed_ingest_leaves_the_previous_dataset(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(SEEDS[1].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "ds"
    assert _run("ingest", str(src), "--out", str(out), "-q", "--published", "2022-12-15").returncode == 0
    before = Dataset(out).sql("SELECT count(*) AS n FROM figures")["n"][0]
    manifest = (out / "manifest.json").read_bytes()
    for i in range(40):
        (src / f"more{i}.txt").write_text(SEEDS[i % len(SEEDS)].read_text(encoding="utf-8") + f"\n{i}", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(src), "--out", str(out), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    parts = out / "parts" / "figures"
    while time.time() < deadline and len(list(parts.iterdir())) < 4:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / "manifest.json").read_bytes() == manifest
    assert Dataset(out).sql("SELECT count(*) AS n FROM figures")["n"][0] == before
    # The next run cleans up and completes.
    assert _run("ingest", str(src), "--out", str(out), "-q", "--published", "2022-12-15").returncode == 0
    live = {p for e in json.loads((out / "manifest.json").read_text())["sources"].values() for p in e["parts"].values()}
    assert {str(p.relative_to(out)) for p in (out / "parts").rglob("*.parquet")} == live


def test_reextract_reruns_stored_articles(tmp_path):
    out = tmp_path / "ds"
    assert _run("ingest", str(SEEDS[4]), "--out", str(out), "-q").returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(iter(manifest["sources"].values()))
    entry["rules_version"] = "old"
    (out / "manifest.json").write_text(json.dumps(manifest))
    r = _run("reextract", str(out))
    assert r.returncode == 0, r.stderr
    assert "1 ingested" in r.stdout
    assert "105项" in set(Dataset(out).figures()["text"])


def test_dataset_docs_match_the_schema():
    from pipeline.records import schema_markdown

    assert (ROOT / "docs" / "DATASET.md").read_text(encoding="utf-8").strip() == schema_markdown().strip()


def _view_rows(ds: Dataset, view_sql: str) -> list[str]:
    select = view_sql.split(" AS\n", 1)[1]
    return sorted(repr(r) for r in ds.relation(select)[1])


def test_places_and_programmes_count_articles_without_distinct_as_they_did_with_it(corpus_dataset):
    from pipeline.dataset import PLACES_VIEW, PLACES_VIEW_FORMAT_1, PROGRAMMES_VIEW, PROGRAMMES_VIEW_FORMAT_1

    ds = Dataset(corpus_dataset)
    places = _view_rows(ds, PLACES_VIEW)
    assert places == _view_rows(ds, PLACES_VIEW_FORMAT_1) and len(places) > 50
    programmes = _view_rows(ds, PROGRAMMES_VIEW)
    assert programmes == _view_rows(ds, PROGRAMMES_VIEW_FORMAT_1) and len(programmes) > 10
    # Some place is named several times in one article: mentions and articles differ.
    assert any(m > a for m, a in ds.relation("SELECT mentions, articles FROM places")[1])


def test_a_dataset_of_the_older_format_still_reads_and_reingest_rewrites_it(tmp_path):
    import pyarrow.parquet as pq

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "ds"
    assert _run("ingest", str(src), "--out", str(out), "--published", "2022-12-01", "-q").returncode == 0
    expected = Dataset(out).relation("SELECT * FROM places ORDER BY name, code")[1]
    # What format 1 wrote: entities without first_in_article and published, sources without "format".
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["sources"].values():
        del entry["format"]
        part = out / entry["parts"]["entities"]
        pq.write_table(pq.read_table(part).drop_columns(["first_in_article", "published"]), part)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert Dataset(out).relation("SELECT * FROM places ORDER BY name, code")[1] == expected
    r = _run("ingest", str(src), "--out", str(out), "--published", "2022-12-01", "-q")
    assert "1 ingested, 0 unchanged" in r.stdout
    assert all(e["format"] == 2 for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sources"].values())
    assert Dataset(out).relation("SELECT * FROM places ORDER BY name, code")[1] == expected


def test_within_by_code_prefix_selects_what_the_ancestor_lists_select(corpus_dataset):
    from pipeline.cli import _within_clause
    from pipeline.place_lookup import codes_within

    ds = Dataset(corpus_dataset)
    total = 0
    for name in ("江西省", "赣州市", "赣州", "章贡区", "信丰县", "瑞金市", "北京市", "朝阳区", "新村", "赣州经开区"):
        clause, params = _within_clause(name)
        got = ds.relation(f"SELECT figure_id FROM figures f WHERE {clause} ORDER BY figure_id", params)[1]
        codes = codes_within(name)
        want = ds.relation(
            "SELECT figure_id FROM figures f WHERE list_contains(?, f.place_code) OR list_has_any(f.place_ancestors, ?) "
            "ORDER BY figure_id",
            [codes, codes],
        )[1]
        assert got == want, name
        total += len(got)
    assert total > 100
