"""Browsing the dataset: SQLite export, Datasette server, article views, the HTML accuracy report.

The browser tests drive Debian's Chromium (`chromium` + `chromium-driver`, which
.ci/run installs) with Selenium; they skip only where Chromium is not installed.
Set ZHNEWS_SCREENSHOTS=DIR to keep the screenshots they take.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dataset import Dataset
from pipeline.export import EXPORT_TABLES, cached_export, export_sqlite, table_columns
from pipeline.views import Span, highlight, highlight_paragraphs, view_from_rows

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_CHROMIUM = os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)
needs_chromium = pytest.mark.skipif(
    not HAVE_CHROMIUM,
    reason="Chromium is not installed (Debian: apt-get install chromium chromium-driver; .ci/run does this)",
)
SEED = ROOT / "corpus" / "seeds" / "004_1580354c982c9352.txt"


def _run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, cwd=ROOT, **kw)


def _keep(shot: Path) -> None:
    keep = os.environ.get("ZHNEWS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browse") / "dataset"
    r = _run("ingest", "corpus/", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def exported(dataset, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("export") / "zhnews.db"
    export_sqlite(Dataset(dataset), db)
    return db


@pytest.fixture(scope="module")
def browser():
    if not HAVE_CHROMIUM:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium chromium-driver; .ci/run does this)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--window-size=1280,1400",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(dataset):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--dataset", str(dataset), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 45
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"zhnews serve did not come up: {proc.stdout.read() if proc.stdout else ''}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


# ---------------------------------------------------------------- the SQLite export


def test_export_has_keys_indexes_search_and_json_lists(dataset, exported):
    r = _run("export", "--sqlite", str(exported.with_name("cli.db")), "--dataset", str(dataset))
    assert r.returncode == 0, r.stderr
    assert "250 figures" in r.stdout or "figures" in r.stdout
    con = sqlite3.connect(exported)
    ds = Dataset(dataset)
    for table in ("sources", "documents", "articles", "entities", "figures", "places", "programmes"):
        (n,) = ds.relation(f"SELECT count(*) FROM {table}")[1][0]
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
    fks = {(t, fk[3], fk[2], fk[4]) for t in EXPORT_TABLES for fk in con.execute(f"PRAGMA foreign_key_list({t})")}
    assert ("figures", "article_id", "articles", "article_id") in fks
    assert ("figures", "figure_id", "entities", "entity_id") in fks
    assert ("entities", "article_id", "articles", "article_id") in fks
    assert ("articles", "source_id", "sources", "source_id") in fks
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    indexed = {
        (t, row[2])
        for t in EXPORT_TABLES
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [t])
        for row in con.execute(f"PRAGMA index_info({name})")
    }
    for col in ("place", "place_code", "unit", "programme", "published", "period_start", "period_end", "article_id"):
        assert ("figures", col) in indexed, col
    assert ("entities", "type") in indexed and ("entities", "article_id") in indexed
    # Full-text search in Chinese, no segmentation needed (trigram tokenizer).
    hits = con.execute(
        "SELECT a.article_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH '\"容缺受理\"'"
    ).fetchall()
    assert hits and all(
        "容缺受理" in con.execute("SELECT text FROM articles WHERE article_id = ?", h).fetchone()[0] for h in hits
    )
    assert con.execute("SELECT count(*) FROM figures_fts WHERE figures_fts MATCH '\"工作日\"'").fetchone()[0] >= 2
    # List columns are JSON text.
    anc = con.execute("SELECT place_ancestors FROM figures WHERE place_code = '360702000000' LIMIT 1").fetchone()[0]
    assert json.loads(anc) == ["360700000000", "360000000000"]
    assert isinstance(json.loads(con.execute("SELECT programmes FROM articles LIMIT 1").fetchone()[0]), list)
    # Within-place closure table: every figure under 赣州市 by its own code or an ancestor.
    within = con.execute("SELECT count(DISTINCT figure_id) FROM figure_places WHERE code = '360700000000'").fetchone()[0]
    by_list = sum(
        1
        for (c, a) in con.execute("SELECT place_code, place_ancestors FROM figures")
        if c == "360700000000" or "360700000000" in json.loads(a or "[]")
    )
    assert within == by_list > 0


def test_cached_export_is_rebuilt_only_when_the_manifest_changes(dataset, tmp_path):
    copy = tmp_path / "ds"
    shutil.copytree(dataset, copy, ignore=shutil.ignore_patterns(".cache", ".lock"))
    db, rebuilt = cached_export(copy)
    assert rebuilt and db == copy / ".cache" / "zhnews.db"
    assert cached_export(copy) == (db, False)
    manifest = copy / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cached_export(copy) == (db, True)


def test_metadata_describes_every_column_and_canned_queries_run(exported):
    from pipeline.web import CANNED_QUERIES, metadata

    meta = metadata()["databases"]["zhnews"]
    con = sqlite3.connect(exported)
    for table in EXPORT_TABLES:
        t = meta["tables"][table]
        assert t["description"], table
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        assert cols == [c for c, _, _ in table_columns(table)]
        assert all(t["columns"].get(c) for c in cols), (table, [c for c in cols if not t["columns"].get(c)])
    assert meta["tables"]["figures"]["facets"] == ["place", "unit", "programme", "year", "qualifier"]
    (top,) = con.execute("SELECT programme FROM figures WHERE programme IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC").fetchone()
    params = {"place": "赣州市", "prefix": "3607", "programme": top, "unit": "元", "text": "党建"}
    for name, q in CANNED_QUERIES.items():
        names = set(re.findall(r":(\w+)", q["sql"]))
        rows = con.execute(q["sql"], {k: params[k] for k in names}).fetchall()
        assert rows, name
    rows = con.execute(CANNED_QUERIES["figures_by_code"]["sql"], {"prefix": "360702"}).fetchall()
    assert rows and all(r[0] for r in rows)


# ---------------------------------------------------------------- rendering


def test_highlight_nests_and_cuts_overlapping_spans():
    text = "赣州市章贡区投入12.57亿元"
    spans = [Span(0, 6, "PLACE", "a"), Span(3, 6, "PLACE", "b"), Span(5, 10, "FIGURE", "c"), Span(8, 15, "FIGURE", "d")]
    out = highlight(text, spans)
    assert re.sub(r"<[^>]+>", "", out).replace("PLACE", "").replace("FIGURE", "") == text
    assert sorted(re.findall(r'data-eid="(\w)"', out)) == ["a", "b", "c", "d"]
    assert out.count("<mark") == out.count("</mark>")
    paras = highlight_paragraphs("一\n二三", [Span(2, 4, "DATE", "x")])
    assert paras.count("<p>") == 2 and 'data-eid="x"' in paras


def test_article_from_rows_falls_back_to_the_source_text():
    raw = "标题\n\n今年以来，信丰县投资3.5亿元。"
    art = {"article_id": "x", "text": "changed since", "source_start": 0, "source_end": len(raw), "article_index": 0}
    ents = [{"entity_id": "x:0", "type": "PLACE", "text": "信丰县", "start": raw.index("信丰县"), "end": raw.index("信丰县") + 3}]
    view = view_from_rows(art, ents, {"text": raw, "title": None})
    assert view.shown == "raw" and view.text[slice(*view.spans[0])] == "信丰县"


def _entities_in(html_path: Path, browser) -> list[dict]:
    browser.get(html_path.as_uri())
    return browser.execute_script(
        "return [...document.querySelectorAll('mark.ent[data-eid]')].map(m => ({id: m.dataset.eid, type: m.dataset.type,"
        " title: m.title, text: m.innerText, bg: getComputedStyle(m).backgroundColor}))"
    )


@needs_chromium
def test_show_file_highlights_every_entity(tmp_path, browser):
    from pipeline.extraction import default_extractor

    out = tmp_path / "show-seed.html"
    r = CliRunner().invoke(main, ["show", str(SEED), "--html", str(out)])
    assert r.exit_code == 0, r.output
    raw = SEED.read_text(encoding="utf-8")
    expected = [
        (f"{art.id}:{n}", e.type, e.text)
        for art, ents in default_extractor().articles(raw, date(2023, 7, 15), str(SEED))
        for n, e in enumerate(ents)
    ]
    marks = _entities_in(out, browser)
    shot = tmp_path / "show-seed.png"
    browser.save_screenshot(str(shot))
    _keep(shot)
    assert len(marks) == len(expected) > 100
    by_id = {m["id"]: m for m in marks}
    for eid, typ, text in expected:
        m = by_id[eid]
        assert m["type"] == typ
        # The page shows the clean text (widths normalised), the entity keeps the source's characters.
        assert unicodedata.normalize("NFKC", re.sub(r"\s+", "", m["text"]).removesuffix(typ)) == unicodedata.normalize(
            "NFKC", text
        )
        assert m["bg"] not in ("rgba(0, 0, 0, 0)", "transparent")
        if typ == "FIGURE":
            assert "value:" in m["title"] and "place:" in m["title"] and "period:" in m["title"]
    assert len({m["bg"] for m in marks}) == 4  # one colour per type


@needs_chromium
def test_serve_facet_figures_by_place_and_open_an_article(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/zhnews/figures")
    facet = [a for a in browser.find_elements(By.CSS_SELECTOR, '[data-column="place"] ul a') if a.text == "赣州市"]
    assert facet, "no place facet for 赣州市 on the figures table"
    facet[0].click()
    assert "place=" in browser.current_url
    places = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "td.col-place")]
    assert places and set(places) == {"赣州市"}
    shot = tmp_path / "serve-figures-faceted.png"
    browser.save_screenshot(str(shot))
    _keep(shot)
    link = browser.find_element(By.CSS_SELECTOR, "td.col-text a.zhnews-article")
    mention = link.text
    link.click()
    path = urllib.parse.urlparse(browser.current_url)
    assert path.path.startswith("/-/zhnews/article/")
    article_id = path.path.rsplit("/", 1)[1]
    figure_id = urllib.parse.unquote(path.fragment)
    marks = browser.execute_script(
        "return [...document.querySelectorAll('mark.ent[data-eid]')].map(m => ({id: m.dataset.eid, type: m.dataset.type, title: m.title}))"
    )
    n = _get_json(f"{server}/zhnews/entities.json?article_id={article_id}&_size=0")["filtered_table_rows_count"]
    assert len(marks) == n > 0
    target = browser.execute_script(
        "const t = document.querySelector(':target'); return t && [t.id, t.dataset.type, t.title, t.innerText]"
    )
    assert target and target[0] == figure_id and target[1] == "FIGURE" and target[3].startswith(mention)
    assert "value:" in target[2] and "place: 赣州市" in target[2]
    shot = tmp_path / "serve-article.png"
    browser.save_screenshot(str(shot))
    _keep(shot)
    # The overview page shows the charts.
    browser.get(f"{server}/-/zhnews/")
    sizes = browser.execute_script("return [...document.images].map(i => i.complete && i.naturalWidth)")
    assert len(sizes) == 2 and all(sizes)
    # Canned query through the JSON API: figures within 赣州市.
    q = urllib.parse.quote("赣州市")
    rows = _get_json(f"{server}/zhnews/figures_within.json?place={q}&_shape=array")
    assert rows and any(r["place"] != "赣州市" for r in rows)


# ---------------------------------------------------------------- the accuracy report


def test_eval_report_marks_every_error(tmp_path):
    from pipeline.evaluate import evaluate, load_gold
    from pipeline.extraction import extract

    out = tmp_path / "report.html"
    gold = str(ROOT / "corpus" / "gold" / "seeds.jsonl")
    r = CliRunner().invoke(main, ["eval", "--gold", gold, "--report", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    report = evaluate(load_gold(gold), extract)
    for kind, cls in (("FP", "fp"), ("FN", "fn"), ("VALUE", "value")):
        for t in ("FIGURE", "PLACE", "DATE", "PROGRAMME"):
            want = sum(1 for e in report.errors if e.kind == kind and e.type == t)
            marked = len(re.findall(rf'<mark class="ent ent-{t} {cls}"[^>]*data-eid=', page))
            unplaced = len(re.findall(rf'kind-{kind}">{kind}</span> {t} [^<]*\(not found in the text\)', page))
            assert marked + unplaced == want, (kind, t)
    assert "data:image/svg+xml;base64," in page
    for t, s in report.scores().items():
        assert f"<th>{t}</th><td class=num>{s['gold']}</td>" in page


def test_article_view_links_and_reload_in_process(dataset, tmp_path):
    """The plugin without a browser: article view, links from figure rows, and a re-export when the manifest changes."""
    import asyncio

    from pipeline.web import _state, make_datasette

    copy = tmp_path / "ds"
    shutil.copytree(dataset, copy, ignore=shutil.ignore_patterns(".cache", ".lock"))
    db, _ = cached_export(copy)
    ds = make_datasette(db, copy)

    async def go():
        await ds.invoke_startup()
        page = (await ds.client.get("/zhnews/figures?_size=5")).text
        links = re.findall(r'<a class="zhnews-article" href="/-/zhnews/article/(\w+)#(\w+:\d+)"', page)
        assert len(links) == 5
        article_id, figure_id = links[0]
        view = (await ds.client.get(f"/-/zhnews/article/{article_id}")).text
        (n,) = sqlite3.connect(db).execute("SELECT count(*) FROM entities WHERE article_id = ?", [article_id]).fetchone()
        assert len(re.findall(r"<mark [^>]*data-eid=", view)) == n
        assert f'id="{figure_id}"' in view
        assert (await ds.client.get("/-/zhnews/article/nosuch")).status_code == 404
        svg = await ds.client.get("/-/zhnews/charts/places.svg")
        assert svg.status_code == 200 and svg.text.lstrip().startswith("<?xml")
        before = ds.databases["zhnews"]
        state = _state(ds)
        await state.refresh(ds, every=0)
        assert ds.databases["zhnews"] is before  # manifest unchanged: nothing rebuilt
        manifest = copy / "manifest.json"
        manifest.write_text(manifest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        await state.refresh(ds, every=0)
        assert ds.databases["zhnews"] is not before
        assert (await ds.client.get(f"/-/zhnews/article/{article_id}")).status_code == 200

    asyncio.run(go())


def test_show_needs_an_existing_file_or_article(dataset):
    r = CliRunner().invoke(main, ["show", "no/such/file.txt"])
    assert r.exit_code == 2 and "no such file" in r.output
    r = CliRunner().invoke(main, ["show", "ffffffffffffffff", "--dataset", str(dataset)])
    assert r.exit_code == 2 and "neither a file nor an article id" in r.output


def test_show_article_id_from_the_dataset(dataset, tmp_path):
    ds = Dataset(dataset)
    _, rows = ds.relation("SELECT article_id, count(*) FROM entities GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
    article_id, n = rows[0]
    out = tmp_path / "article.html"
    r = CliRunner().invoke(main, ["show", article_id[:8], "--dataset", str(dataset), "--html", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert len(re.findall(r"<mark [^>]*data-eid=", page)) == n
    assert "could not be placed" not in page and "Shown as in the source" not in page
    r = CliRunner().invoke(main, ["show", article_id, "--dataset", str(dataset)])
    assert r.exit_code == 0 and r.output.count("⟦") == n
