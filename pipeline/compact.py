"""Segments: many sources' small part files merged into a few large ones, so that a query opens few files.

Ingest writes one file per source and table. A dataset fed daily holds thousands of
small sources, and DuckDB reads the footer of every file a query names (about a
millisecond each): 10,000 part files would cost 10 s a query. Compaction merges
runs of small files, in the order of their sources' publication dates, into
segments of up to `SEGMENT_BYTES`, written in row groups of `ROW_GROUP_ROWS`
whose statistics let `ORDER BY published LIMIT` and date filters skip most of
them. The manifest then names the same segment for each of its sources.

Everything stays as the dataset's design wants it:
- a new source is still appended as its own files; nothing else is rewritten;
- replacing a source (a changed file, `reextract`) rewrites the segments that hold
  its old rows without them (`without_sources`, called by `Writer.commit`);
- a segment is written to a temporary file and renamed, and only the manifest's
  atomic rename publishes it, so a killed compaction leaves the dataset as before;
- the result depends only on the dataset's content (names are digests of the
  merged files' names), so it is the same whatever the engine or worker count.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .dataset import TABLES, Manifest, SourceEntry, Writer, locked

SEGMENT_BYTES = 64 << 20  # a segment grows to about this size on disk
SMALL_BYTES = SEGMENT_BYTES // 4  # files below this are merged
ROW_GROUP_ROWS = 16_384  # rows per row group in a segment: fine enough for statistics to skip
AUTO_SMALL_FILES = 64  # ingest compacts when a table has more small files than this
CLUSTER = {"entities": "type"}  # row groups of one value of this column each (the views filter on it)


@dataclass
class Compaction:
    """What a compaction did: files merged and segments written (0 and 0 when nothing was worth merging)."""

    merged: int = 0
    segments: int = 0

    def line(self) -> str:
        return f"compacted {self.merged} part files into {self.segments} segments"


def small_files(manifest: Manifest, root: Path, table: str) -> list[str]:
    """The table's part files smaller than SMALL_BYTES (each once)."""
    return [f for f in manifest.files(table) if _size(root / f) < SMALL_BYTES]


def needs_compaction(root: Path, threshold: int = AUTO_SMALL_FILES) -> bool:
    """True when some table has more than `threshold` small part files."""
    manifest = Manifest.load(root)
    return any(len(small_files(manifest, root, t)) > threshold for t in TABLES)


def compact(root: Path) -> Compaction:
    """Merge the dataset's small part files into segments, under the dataset's lock."""
    with locked(root):
        writer = Writer(root)
        done, sources = Compaction(), dict(writer.manifest.sources)
        order = _source_order(root, writer.manifest)
        for table in TABLES:
            small = set(small_files(writer.manifest, root, table))
            members: dict[str, list[str]] = {}
            for src_id, entry in writer.manifest.sources.items():
                if entry.parts.get(table) in small:
                    members.setdefault(entry.parts[table], []).append(src_id)
            files = sorted(members, key=lambda f: (min(order[s] for s in members[f]), f))
            for group in _runs(files, root):
                name = write_segment(root, table, group)
                for f in group:
                    for src_id in members[f]:
                        sources[src_id] = _moved(sources[src_id], table, name)
                done.merged += len(group)
                done.segments += 1
        if done.segments:
            writer.publish(Manifest(sources))
        return done


def without_sources(root: Path, sources: dict[str, SourceEntry], replaced: set[str]) -> dict[str, SourceEntry]:
    """The manifest's sources after the `replaced` ones leave: segments they share with others are rewritten without their rows.

    A file only replaced sources name needs nothing: it is garbage once the new manifest is published.
    """
    out = dict(sources)
    for table in TABLES:
        members: dict[str, list[str]] = {}
        for src_id, entry in sources.items():
            if table in entry.parts:
                members.setdefault(entry.parts[table], []).append(src_id)
        for f, ids in sorted(members.items()):
            kept = [s for s in ids if s not in replaced]
            if kept and len(kept) < len(ids):
                name = write_segment(root, table, [f], keep=set(kept))
                for src_id in kept:
                    out[src_id] = _moved(out[src_id], table, name)
    return out


def write_segment(root: Path, table: str, files: list[str], keep: set[str] | None = None) -> str:
    """Write the rows of `files` (only those of the `keep` sources, if given) as one segment; returns its name.

    Rows stream through in bounded batches, so memory does not grow with the segment. Rows of a
    table in CLUSTER are gathered by that column's value into their own row groups, whose
    statistics then let a filter on it (`type = 'PROGRAMME'`) skip the others.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .records import SCHEMAS

    digest = hashlib.sha256("\n".join([*files, "keep:", *sorted(keep or ())]).encode()).hexdigest()[:16]
    name = f"parts/{table}/segment-{digest}.parquet"
    target = root / name
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    schema = SCHEMAS[table]
    kept = pa.array(sorted(keep or ()), pa.string())
    column = CLUSTER.get(table)
    buffered: dict[str, list[pa.RecordBatch]] = {}  # cluster value → batches of its rows
    rows: dict[str, int] = {}
    written = False
    with pq.ParquetWriter(tmp, schema, compression="zstd") as out:

        def flush(value: str) -> None:
            out.write_table(pa.Table.from_batches(buffered.pop(value), schema=schema), row_group_size=ROW_GROUP_ROWS)
            rows.pop(value)

        for f in files:
            for batch in pq.ParquetFile(root / f).iter_batches(batch_size=ROW_GROUP_ROWS):
                if keep is not None:
                    batch = batch.filter(pc.is_in(batch["source_id"], kept))
                batch = _conform(batch, schema)
                for value, part in _clustered(batch, column):
                    buffered.setdefault(value, []).append(part)
                    rows[value] = rows.get(value, 0) + part.num_rows
                    if rows[value] >= ROW_GROUP_ROWS:
                        flush(value)
                        written = True
        for value in sorted(buffered):
            flush(value)
            written = True
        if not written:  # no row at all: an empty file, as ingest writes for an empty table
            out.write_table(pa.Table.from_pylist([], schema=schema))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return name


def _clustered(batch, column: str | None):  # noqa: ANN001, ANN202 - a pyarrow RecordBatch; yields (value, batch)
    """The batch cut by the values of `column` (in sorted order), or whole under "" when there is none."""
    import pyarrow.compute as pc

    if column is None or not batch.num_rows:
        if batch.num_rows:
            yield "", batch
        return
    values = batch.column(column)
    for value in sorted(v for v in pc.unique(values).to_pylist() if v is not None):
        yield value, batch.filter(pc.equal(values, value))
    if values.null_count:
        yield "\uffff", batch.filter(pc.is_null(values))


def _conform(batch, schema):  # noqa: ANN001, ANN202 - pyarrow RecordBatch and Schema
    """The batch with the schema's columns in its order: a part file of an older format gets nulls for newer columns."""
    import pyarrow as pa

    columns = [batch.column(f.name) if f.name in batch.schema.names else pa.nulls(batch.num_rows, f.type) for f in schema]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _runs(files: list[str], root: Path) -> Iterable[list[str]]:
    """Consecutive files grouped up to SEGMENT_BYTES; a group of one file is left as it is."""
    group: list[str] = []
    size = 0
    for f in files:
        n = _size(root / f)
        if group and size + n > SEGMENT_BYTES:
            if len(group) > 1:
                yield group
            group, size = [], 0
        group.append(f)
        size += n
    if len(group) > 1:
        yield group


def _source_order(root: Path, manifest: Manifest) -> dict[str, tuple[date, str]]:
    """Each source's earliest publication date (from its articles file's statistics), then its id."""
    import pyarrow.parquet as pq

    first: dict[str, date] = {}
    for f in manifest.files("articles"):
        meta = pq.ParquetFile(root / f).metadata
        column = meta.schema.to_arrow_schema().get_field_index("published")
        dates = [
            s.min
            for i in range(meta.num_row_groups)
            if column >= 0 and (s := meta.row_group(i).column(column).statistics) is not None and s.has_min_max
        ]
        first[f] = min(dates, default=date.max)
    return {src_id: (first.get(e.parts.get("articles", ""), date.max), src_id) for src_id, e in manifest.sources.items()}


def _moved(entry: SourceEntry, table: str, name: str) -> SourceEntry:
    return replace(entry, parts={**entry.parts, table: name})


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
