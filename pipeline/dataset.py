"""The Parquet dataset: one file per source and table, a manifest, and DuckDB views over them.

Layout of a dataset directory:

    manifest.json             which part files make up each table, per source (the commit point)
    parts/<table>/<source_id>-<sha>.parquet
    parts/<table>/segment-<digest>.parquet   many sources' rows, merged by pipeline/compact.py
    .lock                     held by the one ingest that may write

Why this scheme: a new source only adds files, so nothing already stored is
rewritten; a changed source gets new files and its old ones are dropped; an
unchanged source is skipped. A run writes its part files first, then replaces
`manifest.json` with one atomic rename: readers only see files the manifest
names, so a run killed at any point leaves the dataset as it was before it or
as after it (orphaned part files of a killed run are removed by the next one).
"""

from __future__ import annotations

import builtins
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

MANIFEST = "manifest.json"
# 2: entities carry `first_in_article` and `published`, which the places and programmes views
# count instead of a DISTINCT over every mention and a join (a source's `format` in the manifest
# says which schema its part files have; sources written before have none, i.e. 1).
FORMAT_VERSION = 2
# The tables of pipeline.records.SCHEMAS, named here so that opening a dataset to query it
# does not import pyarrow and the schema module (a test checks the two agree).
TABLES = ("sources", "documents", "articles", "entities", "figures")


def duckdb_engine() -> ModuleType:
    """DuckDB's compiled engine module, imported without the `duckdb` package's Python layer unless already loaded.

    The `duckdb` package re-exports `_duckdb` (its C++ extension: `connect`, the connection's
    `execute`/`fetchall`/`df`, the exception classes are the same objects) and adds a pure-Python
    relation and expression API that costs ~0.13 s to import, a third of a `zhnews query`. The
    query commands use only the DB-API part, so they import the engine alone;
    `pipeline.dataset.open()` imports the whole package first, so its connection has the full API
    (`con.sql()` and relations). A DuckDB without a top-level `_duckdb` gets the package.
    """
    import sys

    if "duckdb" in sys.modules:
        return sys.modules["duckdb"]
    try:
        import _duckdb
    except ImportError:
        import duckdb

        return duckdb
    return _duckdb


class DatasetLocked(RuntimeError):
    """Another ingest holds the dataset's lock."""


class DatasetError(RuntimeError):
    """A dataset directory that cannot be read (no manifest, bad manifest)."""


@dataclass
class SourceEntry:
    """What the manifest records for one source."""

    path: str
    sha256: str
    rules_version: str
    parts: dict[str, str]  # table → file name relative to the dataset directory
    articles: int = 0
    format: int = FORMAT_VERSION  # the schema of its part files

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "rules_version": self.rules_version,
            "parts": self.parts,
            "articles": self.articles,
            "format": self.format,
        }


@dataclass
class Manifest:
    sources: dict[str, SourceEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Manifest:
        path = root / MANIFEST
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {k: SourceEntry(**{"format": 1, **v}) for k, v in data["sources"].items()}
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise DatasetError(f"{path}: unreadable manifest ({err})") from err
        return cls(entries)

    def dump(self) -> str:
        body = {"format": FORMAT_VERSION, "sources": {k: self.sources[k].as_dict() for k in sorted(self.sources)}}
        return json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def oldest_format(self) -> int:
        return min((e.format for e in self.sources.values()), default=FORMAT_VERSION)

    def files(self, table: str) -> list[str]:
        """The table's part files, each once (a compacted segment holds the rows of many sources)."""
        return list(dict.fromkeys(e.parts[table] for _, e in sorted(self.sources.items()) if table in e.parts))


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the dataset's write lock; a second writer gets DatasetLocked at once."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise DatasetLocked(f"{root}: another zhnews ingest is writing this dataset; try again when it has finished") from err
        yield
    finally:
        os.close(fd)


def _write_parquet(path: Path, table: str, rows: list[dict[str, Any]]) -> None:
    """Write rows to a temporary file, fsync it, and rename it into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .records import SCHEMAS

    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]), tmp, compression="zstd")
    with builtins.open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Writer:
    """Stages sources for one ingest run and commits them with one manifest rename."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = Manifest.load(root)
        self.staged: dict[str, SourceEntry] = {}

    def unchanged(self, src_id: str, sha256: str, rules_version: str) -> bool:
        entry = self.manifest.sources.get(src_id)
        return (
            entry is not None
            and entry.sha256 == sha256
            and entry.rules_version == rules_version
            and entry.format >= FORMAT_VERSION  # an older schema's files are rewritten
        )

    def stage(self, src_id: str, path: str, sha256: str, rules_version: str, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Write one source's part files (not yet visible to readers)."""
        parts = {}
        for table in TABLES:
            rows = tables.get(table, [])
            name = f"parts/{table}/{src_id}-{sha256[:16]}-{rules_version}.parquet"
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_parquet(target, table, rows)
            parts[table] = name
        self.staged[src_id] = SourceEntry(path, sha256, rules_version, parts, len(tables.get("articles", [])))

    def commit(self) -> bool:
        """Publish staged sources atomically; returns False when nothing changed."""
        if not self.staged:
            self._collect_garbage(self.manifest)
            return False
        from .compact import without_sources

        # Segments (pipeline/compact.py) the replaced sources share with others are rewritten without their rows.
        kept = without_sources(self.root, self.manifest.sources, set(self.staged))
        self.publish(Manifest({**kept, **self.staged}))
        self.staged = {}
        return True

    def publish(self, new: Manifest) -> None:
        """Make `new` the dataset's manifest with one atomic rename, then remove the files it no longer names."""
        tmp = self.root / f".{MANIFEST}.tmp{os.getpid()}"
        tmp.write_text(new.dump(), encoding="utf-8")
        with builtins.open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, self.root / MANIFEST)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self.manifest = new
        self._collect_garbage(new)

    def _collect_garbage(self, manifest: Manifest) -> None:
        """Remove part files no manifest names: replaced versions and leftovers of killed runs."""
        live = {p for e in manifest.sources.values() for p in e.parts.values()}
        parts = self.root / "parts"
        if not parts.exists():
            return
        for f in parts.rglob("*"):
            rel = f.relative_to(self.root).as_posix()
            if f.is_file() and rel not in live:
                try:
                    f.unlink()
                except OSError:
                    pass


class Dataset:
    """Read access to a dataset: DuckDB views by table name, and pandas frames.

    The DuckDB connection can read the dataset's own part files and nothing
    else: external access is disabled and the configuration locked once the
    views exist, so `sql()` cannot read or write other files.
    """

    def __init__(self, root: str | Path) -> None:
        duckdb = duckdb_engine()
        self.root = Path(root)
        if not (self.root / MANIFEST).exists():
            raise DatasetError(f"{self.root}: no dataset here (no {MANIFEST}); run `zhnews ingest PATH --out {self.root}` first")
        self.manifest = Manifest.load(self.root)
        self.con = duckdb.connect(":memory:")
        # Each view's binding and each query would otherwise parse the same footers again
        # (a segment's holds hundreds of row groups): ~0.05 s of every `zhnews query`.
        self.con.execute("SET parquet_metadata_cache = true")
        files: list[str] = []
        base = self.root.resolve()  # once: resolving each of thousands of part paths costs a syscall each
        current = self.manifest.oldest_format() >= FORMAT_VERSION
        # Part files of older formats lack columns: read by name, missing columns as nulls.
        options = "" if current else ", union_by_name = true"
        for table in TABLES:
            paths = [str(base / p) for p in self.manifest.files(table)]
            files += paths
            if paths:
                self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({paths!r}{options})")
            else:
                import pyarrow as pa

                from .records import SCHEMAS

                empty = pa.Table.from_pylist([], schema=SCHEMAS[table])
                self.con.register(f"_{table}_empty", empty)
                self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM _{table}_empty")
        self.con.execute(PLACES_VIEW if current else PLACES_VIEW_FORMAT_1)
        self.con.execute(PROGRAMMES_VIEW if current else PROGRAMMES_VIEW_FORMAT_1)
        if files:
            self.con.execute(f"SET allowed_paths={files!r}")
        self.con.execute("SET enable_external_access=false")
        self.con.execute("SET lock_configuration=true")

    def sql(self, query: str, params: list[Any] | None = None):  # noqa: ANN201 - a pandas DataFrame
        """Run SQL over the tables; returns a pandas DataFrame."""
        return self.con.execute(query, params or []).df()

    def relation(self, query: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(query, params or [])
        return [d[0] for d in cur.description], cur.fetchall()

    def figures(self):  # noqa: ANN201
        return self.sql("SELECT * FROM figures")

    def entities(self):  # noqa: ANN201
        return self.sql("SELECT * FROM entities")

    def articles(self):  # noqa: ANN201
        return self.sql("SELECT * FROM articles")

    def sources(self):  # noqa: ANN201
        return self.sql("SELECT * FROM sources")

    def places(self):  # noqa: ANN201
        return self.sql("SELECT * FROM places")

    def programmes(self):  # noqa: ANN201
        return self.sql("SELECT * FROM programmes")


PLACES_VIEW = """
CREATE VIEW places AS
SELECT name, level, any_value(parent) AS parent, code,
       count(*) AS mentions, count(*) FILTER (WHERE first_in_article) AS articles,
       min(published) AS first_published, max(published) AS last_published
FROM entities
WHERE type = 'PLACE'
GROUP BY name, level, code
"""

# A programme's kind is the one most of its mentions give, ties going to the last in
# alphabetical order (mode() would pick one of them at random from run to run).
PROGRAMMES_VIEW = """
CREATE VIEW programmes AS
WITH e AS (SELECT *, count(*) OVER (PARTITION BY name, kind) AS kind_mentions FROM entities WHERE type = 'PROGRAMME')
SELECT e.name, max({'n': e.kind_mentions, 'kind': e.kind}).kind AS kind, count(*) AS mentions,
       count(*) FILTER (WHERE e.first_in_article) AS articles,
       list(DISTINCT a.subject_place ORDER BY a.subject_place) FILTER (WHERE a.subject_place IS NOT NULL) AS places,
       min(e.published) AS first_published, max(e.published) AS last_published
FROM e JOIN articles a USING (article_id)
GROUP BY e.name
"""

# The same views over a dataset holding part files written before format 2.
PLACES_VIEW_FORMAT_1 = """
CREATE VIEW places AS
SELECT name, level, any_value(parent) AS parent, code,
       count(*) AS mentions, count(DISTINCT e.article_id) AS articles,
       min(a.published) AS first_published, max(a.published) AS last_published
FROM entities e JOIN articles a USING (article_id)
WHERE e.type = 'PLACE'
GROUP BY name, level, code
"""

PROGRAMMES_VIEW_FORMAT_1 = """
CREATE VIEW programmes AS
WITH e AS (SELECT *, count(*) OVER (PARTITION BY name, kind) AS kind_mentions FROM entities WHERE type = 'PROGRAMME')
SELECT e.name, max({'n': e.kind_mentions, 'kind': e.kind}).kind AS kind, count(*) AS mentions,
       count(DISTINCT e.article_id) AS articles,
       list(DISTINCT a.subject_place ORDER BY a.subject_place) FILTER (WHERE a.subject_place IS NOT NULL) AS places,
       min(a.published) AS first_published, max(a.published) AS last_published
FROM e JOIN articles a USING (article_id)
GROUP BY e.name
"""


def open(root: str | Path) -> Dataset:  # noqa: A001 - the documented API name: pipeline.dataset.open(DIR)
    """Open a dataset directory for querying (its `.con` is a full `duckdb` connection: relations and `.sql()` too)."""
    import duckdb  # noqa: F401 - the package's Python API on the connection, see duckdb_engine()

    return Dataset(root)
