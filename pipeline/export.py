"""The dataset as one SQLite database, for Datasette and for anyone with an SQLite client.

Tables are those of the Parquet dataset (`sources`, `documents`, `articles`,
`entities`, `figures`) plus the views `places` and `programmes` materialised,
read through the DuckDB views of `pipeline.dataset.Dataset`. In SQLite:

- dates are ISO text (`2022-07-01`), booleans 0/1, list columns
  (`captions`, `programmes`, `place_ancestors`, `places`) JSON text;
- primary keys and foreign keys link the tables (figures → entities, articles,
  sources; entities → articles, sources; articles → sources and documents…);
- the columns people filter on are indexed;
- `articles_fts` (title, text) and `figures_fts` (sentence, metric) are FTS5
  indexes with the trigram tokenizer, so any Chinese substring of three or more
  characters is found without word segmentation;
- two columns and one table exist only here: `figures.year` (for faceting),
  `figures.article_title`, and `figure_places`, one row per figure and each unit
  it lies in (its own place and every ancestor), so "figures within 赣州市" is
  an indexed join instead of a scan of JSON lists.

The file is written to a temporary name and renamed into place: a reader never
sees a half-written export. `_zhnews_export` records the manifest it was made
from, so `cached_export` rebuilds only when the dataset changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from .dataset import MANIFEST, Dataset
from .records import SCHEMAS

# Bump when the layout of the export changes, so cached exports are rebuilt.
EXPORT_VERSION = "3"
META_TABLE = "_zhnews_export"
DB_NAME = "zhnews"  # the database's name in Datasette: the file is <DB_NAME>.db
FTS_TABLES = {"articles": ("articles_fts", ("title", "text")), "figures": ("figures_fts", ("sentence", "metric"))}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "documents": ("source_id", "doc_index"),
    "articles": ("article_id",),
    "entities": ("entity_id",),
    "figures": ("figure_id",),
    "programmes": ("name",),
}

FOREIGN_KEYS: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]] = {
    "documents": [(("source_id",), "sources", ("source_id",))],
    "articles": [
        (("source_id",), "sources", ("source_id",)),
        (("source_id", "doc_index"), "documents", ("source_id", "doc_index")),
    ],
    "entities": [(("article_id",), "articles", ("article_id",)), (("source_id",), "sources", ("source_id",))],
    "figures": [
        (("figure_id",), "entities", ("entity_id",)),
        (("article_id",), "articles", ("article_id",)),
        (("source_id",), "sources", ("source_id",)),
    ],
    "figure_places": [(("figure_id",), "figures", ("figure_id",))],
}

INDEXES: dict[str, list[tuple[str, ...]]] = {
    "documents": [("published",)],
    "articles": [("source_id", "doc_index"), ("published",), ("subject_place",), ("subject_place_code",), ("title",)],
    "entities": [("article_id",), ("source_id",), ("type",), ("name",), ("code",), ("unit",), ("date_start",), ("date_end",)],
    "figures": [
        ("article_id",),
        ("source_id",),
        ("place",),
        ("place_code",),
        ("place_level",),
        ("unit",),
        ("kind",),
        ("qualifier",),
        ("programme",),
        ("published",),
        ("period_start",),
        ("period_end",),
        ("year",),
        ("value",),
    ],
    "figure_places": [("code",), ("figure_id",)],
    "places": [("name",), ("code",), ("level",), ("parent",)],
    "programmes": [("kind",), ("mentions",)],
}

# Columns of the views and of what only the export has, with their meaning (the
# tables' columns are documented in pipeline.records.SCHEMAS).
VIEW_COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "places": [
        ("name", "TEXT", "canonical name of the place"),
        ("level", "TEXT", "province, city, county, township, village, zone, region, river, foreign"),
        ("parent", "TEXT", "canonical name of the unit above"),
        ("code", "TEXT", "12-digit statistical division code, if any"),
        ("mentions", "INTEGER", "PLACE mentions of it in the dataset"),
        ("articles", "INTEGER", "articles that name it"),
        ("first_published", "TEXT", "earliest publication date of an article naming it"),
        ("last_published", "TEXT", "latest publication date of an article naming it"),
    ],
    "programmes": [
        ("name", "TEXT", "the programme's name as written"),
        ("kind", "TEXT", "initiative, mechanism, model… (the most frequent kind given to it)"),
        ("mentions", "INTEGER", "PROGRAMME mentions of it"),
        ("articles", "INTEGER", "articles that name it"),
        ("places", "TEXT", "JSON list of the subject places of those articles"),
        ("first_published", "TEXT", "earliest publication date of an article naming it"),
        ("last_published", "TEXT", "latest publication date of an article naming it"),
    ],
    "figure_places": [
        ("figure_id", "TEXT", "the figure"),
        ("code", "TEXT", "division code of the figure's place or of a unit above it"),
        ("self", "INTEGER", "1 for the figure's own place, 0 for a unit above it"),
    ],
}
EXTRA_COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "figures": [
        ("year", "INTEGER", "year of the figure's period (its end, else the publication date); export only, for faceting"),
        ("article_title", "TEXT", "headline of the article (export only, for reading lists of figures)"),
    ],
}
TABLE_DESCRIPTIONS = {
    "sources": "Input files, one row each, with how they were read.",
    "documents": "Documents of each source (a JSON Lines file has one per line) with their raw text, which entity offsets point into.",
    "articles": "News items split from the documents: title, byline, captions, clean text, main place and programmes.",
    "entities": "Every FIGURE, PLACE, DATE and PROGRAMME mention, with its normalised value and its offsets in the source text.",
    "figures": "Figures with their attribution: the place, period and programme each belongs to, and the sentence it stands in.",
    "places": "Every place named in the dataset, with mention and article counts (computed from entities).",
    "programmes": "The programme catalogue: each programme named, its kind, mentions, articles and places.",
    "figure_places": "One row per figure and each unit it lies in (its own place and every unit above), for 'figures within a place'.",
}

SQL_TYPES = {
    pa.string(): "TEXT",
    pa.int32(): "INTEGER",
    pa.int64(): "INTEGER",
    pa.float64(): "REAL",
    pa.date32(): "TEXT",
    pa.bool_(): "INTEGER",
}


def _sql_type(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return "TEXT"  # JSON
    return SQL_TYPES.get(t, "TEXT")


def table_columns(table: str) -> list[tuple[str, str, str]]:
    """(name, SQLite type, meaning) of every column of an exported table."""
    if table in SCHEMAS:
        cols = [(f.name, _sql_type(f.type), (f.metadata or {}).get(b"doc", b"").decode("utf-8")) for f in SCHEMAS[table]]
        return cols + EXTRA_COLUMNS.get(table, [])
    return VIEW_COLUMNS[table]


EXPORT_TABLES = ("sources", "documents", "articles", "entities", "figures", "figure_places", "places", "programmes")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_sql(table: str) -> str:
    cols = [f"{_q(n)} {t}" for n, t, _ in table_columns(table)]
    if table in PRIMARY_KEYS:
        cols.append(f"PRIMARY KEY ({', '.join(map(_q, PRIMARY_KEYS[table]))})")
    for src, other, dst in FOREIGN_KEYS.get(table, []):
        cols.append(f"FOREIGN KEY ({', '.join(map(_q, src))}) REFERENCES {_q(other)} ({', '.join(map(_q, dst))})")
    return f"CREATE TABLE {_q(table)} (\n  " + ",\n  ".join(cols) + "\n)"


def _value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    if isinstance(v, (list, tuple)):
        return json.dumps([_value(x) for x in v], ensure_ascii=False)
    if hasattr(v, "tolist"):
        return _value(v.tolist())
    return v


# What each table is read as from the DuckDB views, in a stable order.
SOURCE_QUERIES = {
    "sources": "SELECT {cols} FROM sources ORDER BY source_id",
    "documents": "SELECT {cols} FROM documents ORDER BY source_id, doc_index",
    "articles": "SELECT {cols} FROM articles ORDER BY source_id, doc_index, article_index",
    "entities": 'SELECT {cols} FROM entities ORDER BY source_id, start, "end", entity_id',
    "figures": (
        "SELECT {cols} FROM (SELECT f.*, year(coalesce(f.period_end, f.published)) AS year, a.title AS article_title, "
        "e.start AS _start FROM figures f LEFT JOIN entities e ON e.entity_id = f.figure_id "
        "LEFT JOIN articles a ON a.article_id = f.article_id) ORDER BY source_id, _start, figure_id"
    ),
    "places": "SELECT {cols} FROM places ORDER BY mentions DESC, name, code",
    "programmes": "SELECT {cols} FROM programmes ORDER BY mentions DESC, name",
}


@dataclass
class ExportSummary:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # duplicate primary keys left out

    def line(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.rows.items())
        dup = ", ".join(f"{n} {t}" for t, n in self.skipped.items() if n)
        return f"{counts} → {self.path}" + (f" (duplicate keys left out: {dup})" if dup else "")


def _fetch(dataset: Dataset, table: str, batch: int = 5000) -> Iterator[list[tuple]]:
    cols = ", ".join(_q(n) for n, _, _ in table_columns(table))
    cur = dataset.con.execute(SOURCE_QUERIES[table].format(cols=cols))
    while True:
        rows = cur.fetchmany(batch)
        if not rows:
            return
        yield rows


def manifest_digest(root: Path) -> str:
    return hashlib.sha256((Path(root) / MANIFEST).read_bytes()).hexdigest()


def export_sqlite(dataset: Dataset | str | Path, out: str | Path) -> ExportSummary:
    """Write the dataset to the SQLite file `out` (replaced atomically)."""
    ds = dataset if isinstance(dataset, Dataset) else Dataset(dataset)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    summary = ExportSummary(out)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA foreign_keys=OFF")  # checked once at the end
        for table in EXPORT_TABLES:
            con.execute(create_sql(table))
        for table in EXPORT_TABLES:
            if table == "figure_places":
                continue
            names = [n for n, _, _ in table_columns(table)]
            verb = "INSERT OR IGNORE" if table in PRIMARY_KEYS else "INSERT"
            insert = f"INSERT INTO {_q(table)} VALUES ({', '.join('?' * len(names))})".replace("INSERT", verb, 1)
            n = kept = 0
            for rows in _fetch(ds, table):
                converted = [tuple(_value(v) for v in r) for r in rows]
                before = con.total_changes
                con.executemany(insert, converted)
                kept += con.total_changes - before
                n += len(rows)
                if table == "figures":
                    con.executemany("INSERT INTO figure_places VALUES (?, ?, ?)", list(_figure_places(rows, names)))
            summary.rows[table] = kept
            summary.skipped[table] = n - kept
        summary.rows["figure_places"] = con.execute("SELECT count(*) FROM figure_places").fetchone()[0]
        for table, indexes in INDEXES.items():
            for cols in indexes:
                name = f"idx_{table}_{'_'.join(cols)}"
                con.execute(f"CREATE INDEX {_q(name)} ON {_q(table)} ({', '.join(map(_q, cols))})")
        for table, (fts, cols) in FTS_TABLES.items():
            con.execute(
                f"CREATE VIRTUAL TABLE {_q(fts)} USING fts5({', '.join(map(_q, cols))}, "
                f'content="{table}", content_rowid="rowid", tokenize="trigram")'
            )
            con.execute(
                f"INSERT INTO {_q(fts)} (rowid, {', '.join(map(_q, cols))}) SELECT rowid, {', '.join(map(_q, cols))} FROM {_q(table)}"
            )
        violations = con.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise RuntimeError(f"export: {len(violations)} rows refer to rows that do not exist, e.g. {violations[0]}")
        con.execute(f"CREATE TABLE {_q(META_TABLE)} (key TEXT PRIMARY KEY, value TEXT)")
        meta = {
            "export_version": EXPORT_VERSION,
            "manifest_sha256": manifest_digest(ds.root),
            "dataset": str(Path(ds.root).resolve()),
        }
        con.executemany(f"INSERT INTO {_q(META_TABLE)} VALUES (?, ?)", sorted(meta.items()))
        con.commit()
        con.execute("ANALYZE")
        con.commit()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, out)
    return summary


def _figure_places(rows: Iterable[tuple], names: list[str]) -> Iterator[tuple[str, str, int]]:
    i_id, i_code, i_anc = names.index("figure_id"), names.index("place_code"), names.index("place_ancestors")
    for r in rows:
        code = r[i_code]
        if code:
            yield (r[i_id], code, 1)
        for anc in dict.fromkeys(r[i_anc] or []):
            if anc and anc != code:
                yield (r[i_id], anc, 0)


def export_meta(path: str | Path) -> dict[str, str]:
    """What an export records about itself; {} when the file is missing or not an export."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            return dict(con.execute(f"SELECT key, value FROM {_q(META_TABLE)}").fetchall())
    except sqlite3.Error:
        return {}


def cache_path(root: str | Path) -> Path:
    """Where `zhnews serve` keeps the export of a dataset: DIR/.cache/zhnews.db, or a user cache when DIR is read-only."""
    root = Path(root).resolve()
    here = root / ".cache"
    try:
        here.mkdir(exist_ok=True)
        if os.access(here, os.W_OK):
            return here / f"{DB_NAME}.db"
    except OSError:
        pass
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zhnews"
    return base / hashlib.sha1(str(root).encode("utf-8")).hexdigest()[:16] / f"{DB_NAME}.db"


def is_current(db: Path, root: str | Path) -> bool:
    meta = export_meta(db)
    return meta.get("export_version") == EXPORT_VERSION and meta.get("manifest_sha256") == manifest_digest(Path(root))


def cached_export(root: str | Path) -> tuple[Path, bool]:
    """The export of dataset `root` in its cache file, rebuilt when the manifest changed; (path, rebuilt)."""
    root = Path(root)
    db = cache_path(root)
    if is_current(db, root):
        return db, False
    export_sqlite(Dataset(root), db)
    return db, True
