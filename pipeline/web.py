"""`zhnews serve`: Datasette over the SQLite export, with the article view and the charts.

Datasette gives faceted browsing, SQL, CSV/JSON of any view and shareable
URLs. This module adds what it does not know about the dataset:

- metadata: every table and column described (from `pipeline.records.SCHEMAS`
  and `pipeline.export`), facets on figures (place, unit, programme, year,
  qualifier), full-text search, labels for foreign keys, and canned queries for
  the common questions;
- a Datasette plugin (this module, registered with Datasette's plugin manager):
  - `/-/zhnews/article/<article_id>`: the article with its entities highlighted
    (`pipeline.views`); `#<figure_id>` outlines one figure;
  - `/-/zhnews/`: an overview with the charts (`pipeline.charts`);
  - every figure's or entity's mention (`text`) in a table or query result links
    to its article view, and every article's title too.

The export lives in the dataset's cache (`pipeline.export.cached_export`): it
is rebuilt at start when the manifest changed, and again while serving when an
ingest commits a new manifest (checked at most once a second, on a request).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from datasette import hookimpl

from .export import (
    DB_NAME,
    EXPORT_TABLES,
    FTS_TABLES,
    META_TABLE,
    TABLE_DESCRIPTIONS,
    cached_export,
    manifest_digest,
    table_columns,
)

PLUGIN_NAME = "zhnews"
FIGURE_FACETS = ["place", "unit", "programme", "year", "qualifier"]
LABEL_COLUMNS = {"articles": "title", "sources": "path", "entities": "text", "figures": "text"}
FIGURE_COLUMNS = (
    "f.figure_id, f.text, f.value, f.max, f.unit, f.qualifier, f.metric, f.place, f.place_level, "
    "f.period_start, f.period_end, f.programme, f.published, f.article_id"
)

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "figures_within": {
        "title": "Figures within a place",
        "description": "Every figure of a place and of the places under it, by the division codes of the place's name "
        "(e.g. 赣州市, 章贡区): the place's own figures and those whose ancestors include it.",
        "sql": f"""select {FIGURE_COLUMNS}
from figures f
where f.figure_id in (
  select fp.figure_id from figure_places fp
  where fp.code in (select code from places where name = :place and code is not null)
)
order by f.published, f.place, f.figure_id""",
    },
    "figures_by_code": {
        "title": "Figures within a division code prefix",
        "description": "Figures whose place code starts with a prefix: 36 = 江西省, 3607 = 赣州市, 360702 = 章贡区.",
        "sql": f"""select {FIGURE_COLUMNS}
from figures f
where :prefix != '' and f.place_code like :prefix || '%'
order by f.place_code, f.published, f.figure_id""",
    },
    "programme_figures": {
        "title": "A programme's figures over time",
        "description": "The figures stated in the sentences naming a programme (e.g. 党建质量过硬行动), in order of their period.",
        "sql": """select coalesce(f.period_end, f.published) as date, f.period_start, f.period_end, f.text, f.value, f.unit,
  f.qualifier, f.metric, f.place, f.published, f.figure_id, f.article_id
from figures f
where f.programme = :programme
order by date, f.figure_id""",
    },
    "programme_mentions_by_year": {
        "title": "Mentions of each programme by year",
        "description": "How often each programme is named per year of publication; leave the programme empty for all.",
        "sql": """select e.name as programme, substr(a.published, 1, 4) as year, count(*) as mentions,
  count(distinct e.article_id) as articles
from entities e join articles a on a.article_id = e.article_id
where e.type = 'PROGRAMME' and (:programme = '' or e.name = :programme)
group by e.name, year
order by e.name, year""",
    },
    "totals_by_county_year": {
        "title": "Totals by county and year",
        "description": "Count and sum of figures rolled up to county level (by division code), per year and unit; "
        "optionally one unit (元, 个, %…). Sums are only meaningful within one unit.",
        "sql": """with rolled as (
  select substr(f.place_code, 1, 6) || '000000' as code, f.year, f.unit, f.value
  from figures f
  where length(f.place_code) = 12 and substr(f.place_code, 5, 2) != '00'
    and (:unit = '' or f.unit = :unit)
)
select coalesce((select p.name from places p where p.code = r.code order by p.mentions desc limit 1), r.code) as county,
  r.code, r.year, r.unit, count(*) as figures, sum(r.value) as total
from rolled r
group by r.code, r.year, r.unit
order by county, r.year, r.unit""",
    },
    "search_sentences": {
        "title": "Figures whose sentence contains a text",
        "description": "Substring search in figure sentences and metrics, any length (the search box of the figures "
        "table uses the full-text index, which needs three characters or more).",
        "sql": f"""select {FIGURE_COLUMNS}, f.sentence
from figures f
where :text != '' and (instr(f.sentence, :text) > 0 or instr(coalesce(f.metric, ''), :text) > 0)
order by f.published, f.figure_id""",
    },
}


def metadata() -> dict[str, Any]:
    """Datasette metadata: descriptions of every table and column, facets, search, labels, canned queries."""
    tables: dict[str, Any] = {}
    for table in EXPORT_TABLES:
        t: dict[str, Any] = {
            "description": TABLE_DESCRIPTIONS.get(table, ""),
            "columns": {name: doc for name, _, doc in table_columns(table)},
        }
        if table in LABEL_COLUMNS:
            t["label_column"] = LABEL_COLUMNS[table]
        if table in FTS_TABLES:
            t["fts_table"], t["fts_pk"] = FTS_TABLES[table][0], "rowid"
        tables[table] = t
    tables["figures"]["facets"] = list(FIGURE_FACETS)
    tables["entities"]["facets"] = ["type", "unit"]
    tables["articles"]["facets"] = ["subject_place", "source_path"]
    tables["places"]["facets"] = ["level"]
    tables["programmes"]["facets"] = ["kind"]
    tables[META_TABLE] = {"hidden": True, "description": "what the export was made from"}
    return {
        "title": "zhnews",
        "description_html": (
            "Figures, places, dates and programmes extracted from Chinese news. "
            '<a href="/-/zhnews/">Overview and charts</a> · click a figure\'s mention to read it highlighted in its article.'
        ),
        "databases": {
            DB_NAME: {
                "description": "The zhnews dataset. Search boxes use a trigram index: type three characters or more "
                "(shorter: the 'Figures whose sentence contains a text' query).",
                "tables": tables,
                "queries": CANNED_QUERIES,
            }
        },
        "plugins": {PLUGIN_NAME: {"database": DB_NAME}},
    }


# ---------------------------------------------------------------- state: the export and its reloads


@dataclass
class State:
    """The dataset a server shows, and its export (rebuilt when an ingest commits a new manifest)."""

    root: Path | None
    db: Path
    digest: str = ""
    stamp: tuple[int, int, int] | None = None
    checked: float = 0.0
    charts: dict[str, str] = field(default_factory=dict)
    lock: asyncio.Lock | None = None

    def manifest_stamp(self) -> tuple[int, int, int] | None:
        if self.root is None:
            return None
        try:
            st = (self.root / "manifest.json").stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    async def refresh(self, datasette: Any, every: float = 1.0) -> None:
        """Re-export when the manifest changed since the last look (at most one look every `every` seconds)."""
        if self.root is None or time.monotonic() - self.checked < every:
            return
        self.lock = self.lock or asyncio.Lock()
        async with self.lock:
            if time.monotonic() - self.checked < every:
                return
            self.checked = time.monotonic()
            stamp = self.manifest_stamp()
            if stamp is None or stamp == self.stamp:
                return
            digest = await asyncio.to_thread(manifest_digest, self.root)
            self.stamp = stamp
            if digest == self.digest:
                return
            db, _ = await asyncio.to_thread(cached_export, self.root)
            self.digest, self.db = digest, db
            self.charts.clear()
            from datasette.database import Database

            datasette.remove_database(DB_NAME)
            datasette.add_database(Database(datasette, path=str(db), is_mutable=True), name=DB_NAME)


def _state(datasette: Any) -> State | None:
    return getattr(datasette, "_zhnews_state", None)


def make_datasette(db: Path, root: Path | None = None) -> Any:
    """A Datasette instance over the export `db` with the zhnews metadata and plugin."""
    import sys

    from datasette.app import Datasette
    from datasette.plugins import pm

    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(sys.modules[__name__], name=PLUGIN_NAME)
    ds = Datasette([str(db)], metadata=metadata(), settings={"truncate_cells_html": 200, "facet_time_limit_ms": 1000})
    state = State(root, Path(db))
    if root is not None:
        state.digest, state.stamp, state.checked = manifest_digest(root), state.manifest_stamp(), time.monotonic()
    ds._zhnews_state = state
    return ds


class _Reloading:
    """ASGI wrapper: before each HTTP request, pick up a re-ingested dataset."""

    def __init__(self, app: Any, datasette: Any) -> None:
        self.app, self.datasette = app, datasette

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        state = _state(self.datasette)
        if scope.get("type") == "http" and state is not None:
            try:
                await state.refresh(self.datasette)
            except Exception as err:  # noqa: BLE001 - a failed re-export keeps serving the old one
                import sys

                print(f"zhnews: could not re-export the dataset: {err}", file=sys.stderr)
        await self.app(scope, receive, send)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8001, echo: Any = print) -> None:
    """Export `root` (if its cache is stale) and serve it with Datasette until interrupted."""
    import uvicorn

    db, rebuilt = cached_export(root)
    ds = make_datasette(db, root)
    asyncio.run(ds.invoke_startup())
    echo(f"{'exported' if rebuilt else 'using the export'} {db}")
    echo(f"zhnews: serving {root} at http://{host}:{port}/  (article view: /-/zhnews/article/<article_id>; Ctrl-C to stop)")
    uvicorn.run(_Reloading(ds.app(), ds), host=host, port=port, log_level="warning", lifespan="on")


# ---------------------------------------------------------------- plugin hooks


def _plain(v: Any) -> Any:
    return v.get("value") if isinstance(v, dict) else v


def _row_get(row: Any, key: str) -> Any:
    try:
        return _plain(row[key])
    except (KeyError, IndexError, TypeError):
        return None


def article_url(datasette: Any, article_id: str, anchor: str | None = None) -> str:
    url = datasette.urls.path(f"/-/zhnews/article/{quote(str(article_id), safe='')}")
    return url + (f"#{quote(str(anchor), safe=':')}" if anchor else "")


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Mentions link to their article view (at the mention); article titles to the article view."""
    if database != DB_NAME or value is None:
        return None
    from markupsafe import Markup, escape

    if column == "text" and table in (None, "figures", "entities"):
        article_id = _row_get(row, "article_id")
        eid = _row_get(row, "figure_id") or _row_get(row, "entity_id")
        if article_id and eid:
            href = article_url(datasette, article_id, eid)
            return Markup(
                f'<a class="zhnews-article" href="{escape(href)}" title="read it in its article">{escape(_plain(value))}</a>'
            )
    if column == "title" and table == "articles":
        article_id = _row_get(row, "article_id")
        if article_id:
            return Markup(f'<a class="zhnews-article" href="{escape(article_url(datasette, article_id))}">{escape(value)}</a>')
    return None


DATASETTE_CSS = """
dl.column-descriptions { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; font-size: .85rem; }
dl.column-descriptions dt { font-weight: bold; } dl.column-descriptions dd { margin: 0; color: #555; }
a.zhnews-article { font-weight: bold; }
"""


@hookimpl
def extra_css_urls(database: str | None, datasette: Any) -> list[str]:
    return [datasette.urls.path("/-/zhnews/zhnews.css")]


@hookimpl
def extra_body_script(database: str | None, table: str | None, view_name: str) -> str | None:
    """Fold the column descriptions of a table page (they are long) into a <details> the reader can open."""
    if database != DB_NAME or view_name != "table":
        return None
    return (
        "document.querySelectorAll('dl.column-descriptions').forEach(dl => {"
        " const d = document.createElement('details'); const s = document.createElement('summary');"
        " s.textContent = 'What each column means'; dl.parentNode.insertBefore(d, dl); d.append(s, dl); });"
    )


async def css_view(datasette: Any, request: Any) -> Any:
    from datasette.utils.asgi import Response

    return Response(DATASETTE_CSS, content_type="text/css; charset=utf-8")


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/-/zhnews/zhnews\.css$", css_view),
        (r"^/-/zhnews/?$", overview_view),
        (r"^/-/zhnews/article/(?P<article_id>[^/]+)$", article_view),
        (r"^/-/zhnews/charts/(?P<name>places|programmes)\.svg$", chart_view),
    ]


def _nav(datasette: Any, article_id: str | None = None) -> str:
    links = [
        (datasette.urls.instance(), "zhnews data"),
        (datasette.urls.path("/-/zhnews/"), "overview"),
        (datasette.urls.table(DB_NAME, "figures"), "figures"),
    ]
    if article_id:
        q = urlencode({"article_id": article_id})
        links += [
            (datasette.urls.table(DB_NAME, "figures") + "?" + q, "figures of this article"),
            (datasette.urls.table(DB_NAME, "entities") + "?" + q, "entities of this article"),
            (datasette.urls.row(DB_NAME, "articles", quote(article_id, safe="")), "article row"),
        ]
    from .views import esc

    return "".join(f'<a href="{esc(h)}">{esc(t)}</a>' for h, t in links)


async def _rows(db: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    res = await db.execute(sql, params or [])
    return [dict(zip(res.columns, r, strict=True)) for r in res.rows]


async def article_view(datasette: Any, request: Any) -> Any:
    from datasette.utils.asgi import Response

    from .views import ENTITY_QUERY, article_page, esc, page, view_from_rows

    article_id = request.url_vars["article_id"]
    db = datasette.get_database(DB_NAME)
    arts = await _rows(db, "select * from articles where article_id = ?", [article_id])
    if not arts:
        body = f"<h1>No article {esc(article_id)}</h1><p>It is not in the dataset (or no longer: re-ingested sources get new ids).</p>"
        return Response.html(page("not found · zhnews", body, _nav(datasette)), status=404)
    art = arts[0]
    ents = await _rows(db, ENTITY_QUERY, [article_id])
    docs = await _rows(
        db,
        "select d.text, d.title, s.format from documents d join sources s using (source_id)"
        " where d.source_id = ? and d.doc_index = ?",
        [art["source_id"], art["doc_index"]],
    )
    view = await asyncio.to_thread(view_from_rows, art, ents, docs[0] if docs else None)
    return Response.html(article_page(view, _nav(datasette, article_id)))


async def _chart(datasette: Any, name: str) -> str:
    from .charts import places_svg, programmes_svg

    state = _state(datasette)
    cache = state.charts if state is not None else {}
    if name in cache:
        return cache[name]
    db = datasette.get_database(DB_NAME)
    if name == "places":
        rows = await _rows(db, "select place_code, place_ancestors from figures where place_code is not null")
        names = {
            r["code"]: r["name"]
            for r in await _rows(db, "select code, name from places where code is not null order by mentions")
        }
        import json

        svg = await asyncio.to_thread(
            places_svg, [(r["place_code"], json.loads(r["place_ancestors"] or "[]")) for r in rows], names
        )
    else:
        rows = await _rows(
            db,
            "select e.name, a.published from entities e join articles a on a.article_id = e.article_id where e.type = 'PROGRAMME'",
        )
        svg = await asyncio.to_thread(programmes_svg, [(r["name"], r["published"]) for r in rows])
    cache[name] = svg
    return svg


async def chart_view(datasette: Any, request: Any) -> Any:
    from datasette.utils.asgi import Response

    svg = await _chart(datasette, request.url_vars["name"])
    return Response(svg, content_type="image/svg+xml; charset=utf-8")


async def overview_view(datasette: Any, request: Any) -> Any:
    from datasette.utils.asgi import Response

    from .views import esc, page

    db = datasette.get_database(DB_NAME)
    counts = []
    for table in ("articles", "entities", "figures", "places", "programmes"):
        n = (await db.execute(f"select count(*) from {table}")).rows[0][0]
        counts.append(
            f'<li><a href="{esc(datasette.urls.table(DB_NAME, table))}">{table}</a>: {n} — {esc(TABLE_DESCRIPTIONS[table])}</li>'
        )
    queries = "".join(
        f'<li><a href="{esc(datasette.urls.query(DB_NAME, name))}">{esc(q["title"])}</a> — {esc(q["description"])}</li>'
        for name, q in CANNED_QUERIES.items()
    )
    latest = await _rows(
        db, "select article_id, title, published, subject_place from articles order by published desc, article_id limit 30"
    )
    articles = "".join(
        f'<li><a href="{esc(article_url(datasette, a["article_id"]))}">{esc(a["title"] or "(no headline)")}</a> '
        f'<span class="note">{esc(a["published"])} · {esc(a["subject_place"] or "")}</span></li>'
        for a in latest
    )
    search = datasette.urls.table(DB_NAME, "articles")
    body = (
        "<h1>zhnews: overview</h1>"
        f'<form action="{esc(search)}" method="get"><input name="_search" placeholder="search articles (3+ characters)"> '
        '<button type="submit">Search</button></form>'
        f"<h2>Tables</h2><ul>{''.join(counts)}</ul>"
        f"<h2>Questions</h2><ul>{queries}</ul>"
        "<h2>Figures per place</h2>"
        f'<img class="chart" alt="figures per place on the division hierarchy" src="{esc(datasette.urls.path("/-/zhnews/charts/places.svg"))}">'
        "<h2>Programmes over time</h2>"
        f'<img class="chart" alt="mentions of each programme over time" src="{esc(datasette.urls.path("/-/zhnews/charts/programmes.svg"))}">'
        f"<h2>Articles</h2><ul>{articles}</ul>"
    )
    return Response.html(page("zhnews overview", body, _nav(datasette)))
