"""Batch ingest: sources → articles, entities and figures in the Parquet dataset.

Bad input never stops a batch: an unreadable source (or a bad line of a JSON
Lines file) is one `ReadError`, reported as it happens and again in the
summary, and everything else is ingested. A source already in the dataset with
the same bytes and rules is skipped; a changed one replaces its old rows. All
of a run's changes become visible at once when the manifest is replaced.

Extraction runs in tasks on an engine (`pipeline.parallel`: this process,
worker processes, or a Dask cluster). A task is one source, or for a JSON
Lines source (which may hold a whole archive) a batch of about `CHUNK_CHARS`
characters of its documents, read and cut up here (a UTF-8 file from disk a
line at a time, `pipeline.read.JsonlFile`; one in another encoding is decoded
whole). Tasks are submitted in input order with a bounded number in flight,
and their rows are written in input order by this process, streaming into
the source's part files in row groups of bounded size: memory does not grow
with the size of the input, and the dataset is byte for byte the same
whatever the engine or worker count.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .dataset import FORMAT_VERSION, SourceEntry, Writer, locked
from .extraction import Extractor, default_extractor
from .published import infer_published, load_metadata
from .read import JSONL_SUFFIXES, JsonlFile, RawDoc, ReadError, iter_sources, read_bytes
from .records import SCHEMAS, article_rows, source_id

# A JSON Lines source is cut into tasks of about this many characters of text (or this many documents).
CHUNK_CHARS = 50_000
CHUNK_DOCS = 256
# Rows of one table are written out as a Parquet row group once this much (Arrow's in-memory size) is
# buffered: four tables' buffers, plus the writer's copy of one while it encodes, are what ingest holds.
ROW_GROUP_BYTES = 2 << 20
DOC_TABLES = ("documents", "articles", "entities", "figures")


@dataclass
class Summary:
    """What a run did: counts for the end-of-run report and the exit status."""

    sources: int = 0  # source files ingested (new or changed)
    unchanged: int = 0  # source files already in the dataset as they are
    documents: int = 0
    articles: int = 0
    entities: int = 0
    figures: int = 0
    rejected: list[ReadError] = field(default_factory=list)  # whole sources that could not be read
    line_errors: list[ReadError] = field(default_factory=list)  # bad records inside a readable source

    @property
    def inputs(self) -> int:
        return self.sources + self.unchanged + len(self.rejected)

    @property
    def errors(self) -> list[ReadError]:
        return self.rejected + self.line_errors


@dataclass(frozen=True)
class Context:
    """What every task of one run needs besides its documents."""

    published: date | None
    metadata: dict[str, date]
    rules_version: str


@dataclass
class Task:
    """Extraction work for one engine call: a whole source (`data`), or documents of a source read here (`docs`)."""

    path: str
    src_id: str
    data: bytes | None = None
    docs: list[tuple[int, RawDoc]] = field(default_factory=list)  # (doc_index, document)


@dataclass
class Part:
    """A task's rows (Arrow tables of the document-level tables) and the errors met."""

    tables: dict[str, pa.Table]
    errors: list[ReadError]
    fmt: str | None = None  # format and encoding of the last document read
    encoding: str | None = None

    def count(self, table: str) -> int:
        return self.tables[table].num_rows


def _published(doc: RawDoc, given: date | None, metadata: dict[str, date]) -> tuple[date | None, bool]:
    """Publication date and whether it was inferred from the text."""
    if doc.published:
        return doc.published, False
    if given:
        return given, False
    stem = Path(doc.source).stem
    if stem in metadata:
        return metadata[stem], False
    if doc.doc_id and doc.doc_id in metadata:
        return metadata[doc.doc_id], False
    inferred = infer_published(doc.text)
    return inferred, inferred is not None


def _suffix(path: str) -> str:
    return Path(path).suffix.lower() if path != "-" else ".txt"


def _document_rows(
    extractor: Extractor,
    src_id: str,
    path: str,
    doc_index: int,
    item: RawDoc,
    ctx: Context,
    tables: dict[str, list[dict[str, Any]]],
) -> None:
    """Append the rows of one document (its documents row, and its articles, entities and figures) to `tables`."""
    pub, inferred = _published(item, ctx.published, ctx.metadata)
    tables["documents"].append(
        {
            "source_id": src_id,
            "doc_index": doc_index,
            "doc_id": item.doc_id,
            "line": item.line,
            "title": item.title,
            "published": pub,
            "published_inferred": inferred,
            "text": item.text,
            "rules_version": ctx.rules_version,
        }
    )
    for art, entities in extractor.articles(item.text, pub, path, item.title, reflow=item.fmt != "html"):
        rows = article_rows(src_id, path, doc_index, item.text, art, entities, pub, inferred, ctx.rules_version)
        for k, v in rows.items():
            tables[k].extend(v)


def _extract_items(
    path: str, src_id: str, items: Any, ctx: Context
) -> tuple[dict[str, list[dict[str, Any]]], list[ReadError], str | None, str | None]:
    extractor = default_extractor()
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in DOC_TABLES}
    errors: list[ReadError] = []
    fmt = encoding = None
    for doc_index, item in items:
        if isinstance(item, ReadError):
            errors.append(item)
            continue
        fmt, encoding = item.fmt, item.encoding
        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in DOC_TABLES}
        try:
            _document_rows(extractor, src_id, path, doc_index, item, ctx, rows)
        except Exception as err:  # noqa: BLE001 - an extractor bug on one document is that document's error
            errors.append(ReadError(path, f"extraction failed ({_describe(err)})", item.line))
            continue
        for t in DOC_TABLES:
            tables[t].extend(rows[t])
    return tables, errors, fmt, encoding


def _describe(err: BaseException) -> str:
    """One line naming an exception: its type, its message, and where it was raised in zhnews."""
    import traceback

    where = ""
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if "/pipeline/" in frame.filename.replace(os.sep, "/"):
            where = f" at {Path(frame.filename).name}:{frame.lineno}"
            break
    text = " ".join(str(err).split())[:200]
    return f"{type(err).__name__}{': ' + text if text else ''}{where}"


def _source_row(
    src_id: str,
    path: str,
    sha: str,
    size: int,
    fmt: str | None,
    encoding: str | None,
    documents: int,
    articles: int,
    rules_version: str,
) -> dict[str, Any]:
    return {
        "source_id": src_id,
        "path": path,
        "sha256": sha,
        "bytes": size,
        "format": fmt or "text",
        "encoding": encoding or "utf-8",
        "documents": documents,
        "articles": articles,
        "rules_version": rules_version,
    }


def source_tables(
    path: str, data: bytes, sha: str, published: date | None, metadata: dict[str, date], rules_version: str
) -> tuple[dict[str, list[dict[str, Any]]], list[ReadError]]:
    """All rows one source contributes to the dataset, and the errors inside it (in this process)."""
    src_id = source_id(path if path == "-" else os.path.realpath(path))
    ctx = Context(published, metadata, rules_version)
    tables, errors, fmt, encoding = _extract_items(path, src_id, enumerate(read_bytes(path, data, _suffix(path))), ctx)
    n_docs, n_arts = len(tables["documents"]), len(tables["articles"])
    return {
        "sources": [_source_row(src_id, path, sha, len(data), fmt, encoding, n_docs, n_arts, rules_version)],
        **tables,
    }, errors


def run_task(task: Task, ctx: Context) -> Part:
    """The engines' task: extract a whole source or a batch of its documents into Arrow tables (in a worker)."""
    version = default_extractor().rules.version
    if version != ctx.rules_version:
        raise RuntimeError(
            f"this worker has rules {version}, the ingest rules {ctx.rules_version}: run the same zhnews and rules/ on every worker"
        )
    items: Any = enumerate(read_bytes(task.path, task.data, _suffix(task.path))) if task.data is not None else task.docs
    rows, errors, fmt, encoding = _extract_items(task.path, task.src_id, items, ctx)
    tables = {t: pa.Table.from_pylist(rows[t], schema=SCHEMAS[t]) for t in DOC_TABLES}
    return Part(tables, errors, fmt, encoding)


# Events of the plan, in input order, besides tasks.
@dataclass
class _Start:
    path: str
    src_id: str
    sha: str
    size: int


@dataclass
class _End:
    errors: list[ReadError]  # read errors met here (JSON Lines), in order
    fmt: str | None = None
    encoding: str | None = None
    failure: str | None = None  # why the whole source is rejected (a JSON Lines file changed while read)


@dataclass
class _Skip:
    error: ReadError | None = None  # None: unchanged


def _plan(paths: list[str], writer: Writer, rules_version: str) -> Iterator[_Start | Task | _End | _Skip]:
    """Everything the run does, in input order; sources are read one at a time, as the plan is consumed.

    A UTF-8 JSON Lines file is read from disk a line at a time as its tasks
    are cut (`JsonlFile`); other sources are read whole, to be sent to a task
    or (JSON Lines in another encoding) decoded here.
    """
    for item in iter_sources(paths, stream_jsonl=True):
        if isinstance(item, ReadError):
            yield _Skip(item)
            continue
        streamed = item if isinstance(item, JsonlFile) else None
        data: bytes | None = None
        if streamed is not None:
            path, sha, size = streamed.path, streamed.sha256, streamed.size
        else:
            path, data = item
            sha, size = hashlib.sha256(data).hexdigest(), len(data)
        item = None  # no second reference to the bytes
        src_id = source_id(path if path == "-" else os.path.realpath(path))
        if writer.unchanged(src_id, sha, rules_version):
            yield _Skip()
            continue
        yield _Start(path, src_id, sha, size)
        if data is not None and _suffix(path) not in JSONL_SUFFIXES:
            yield Task(path, src_id, data=data)
            yield _End([])
            continue
        errors: list[ReadError] = []
        batch: list[tuple[int, RawDoc]] = []
        chars = 0
        fmt = encoding = None
        docs = streamed.docs() if streamed is not None else read_bytes(path, data or b"", _suffix(path))
        del data  # the reader drops the bytes once decoded
        for doc_index, doc in enumerate(docs):
            if isinstance(doc, ReadError):
                errors.append(doc)
                continue
            fmt, encoding = doc.fmt, doc.encoding
            batch.append((doc_index, doc))
            chars += len(doc.text)
            if chars >= CHUNK_CHARS or len(batch) >= CHUNK_DOCS:
                yield Task(path, src_id, docs=batch)
                batch, chars = [], 0
        if batch:
            yield Task(path, src_id, docs=batch)
        yield _End(errors, fmt, encoding, streamed.failure if streamed is not None else None)


class _SourceSink:
    """The part files of one source, written as its tasks' rows arrive; published by staging it in the Writer."""

    def __init__(self, root: Path, start: _Start, rules_version: str) -> None:
        self.root = root
        self.start = start
        self.rules_version = rules_version
        self.buffers: dict[str, list[pa.Table]] = {t: [] for t in DOC_TABLES}
        self.buffered = dict.fromkeys(DOC_TABLES, 0)
        self.writers: dict[str, tuple[pq.ParquetWriter, Path]] = {}
        self.counts = dict.fromkeys(DOC_TABLES, 0)
        self.errors: list[ReadError] = []
        self.fmt: str | None = None
        self.encoding: str | None = None
        self.failure: str | None = None

    def name(self, table: str) -> str:
        s = self.start
        return f"parts/{table}/{s.src_id}-{s.sha[:16]}-{self.rules_version}.parquet"  # as Writer.stage names them

    def add(self, part: Part) -> None:
        self.errors.extend(part.errors)
        if part.fmt:
            self.fmt, self.encoding = part.fmt, part.encoding
        for t in DOC_TABLES:
            table = part.tables[t]
            self.counts[t] += table.num_rows
            if table.num_rows:
                self.buffers[t].append(table)
                self.buffered[t] += table.nbytes
                if self.buffered[t] >= ROW_GROUP_BYTES:
                    self._flush(t)

    def _writer(self, table: str) -> pq.ParquetWriter:
        if table not in self.writers:
            target = self.root / self.name(table)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
            self.writers[table] = (pq.ParquetWriter(tmp, SCHEMAS[table], compression="zstd"), tmp)
        return self.writers[table][0]

    def _flush(self, table: str) -> None:
        chunks = self.buffers[table]
        if chunks:
            self._writer(table).write_table(pa.concat_tables(chunks))
        elif table not in self.writers:  # no row at all: an empty file, as pyarrow writes an empty table
            self._writer(table).write_table(pa.Table.from_pylist([], schema=SCHEMAS[table]))
        self.buffers[table], self.buffered[table] = [], 0

    def finish(self, writer: Writer) -> None:
        """Write what is buffered, close and fsync the files, move them into place and stage the source."""
        s = self.start
        row = _source_row(
            s.src_id,
            s.path,
            s.sha,
            s.size,
            self.fmt,
            self.encoding,
            self.counts["documents"],
            self.counts["articles"],
            self.rules_version,
        )
        self.buffers["sources"] = [pa.Table.from_pylist([row], schema=SCHEMAS["sources"])]
        parts = {}
        for t in ("sources", *DOC_TABLES):
            self._flush(t)
            w, tmp = self.writers.pop(t)
            w.close()
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.root / self.name(t))
            parts[t] = self.name(t)
        writer.staged[s.src_id] = SourceEntry(s.path, s.sha, self.rules_version, parts, self.counts["articles"])

    def abort(self) -> None:
        for w, tmp in self.writers.values():
            try:
                w.close()
            finally:
                tmp.unlink(missing_ok=True)
        self.writers = {}


@dataclass
class _Pending:
    task: Task
    future: Any
    attempts: int = 1


def _make_engine(engine: Any, workers: int, scheduler: str | None, lock_path: Path) -> Any:
    from . import parallel

    if scheduler or engine == "dask":
        return parallel.DaskEngine(scheduler, workers)
    if engine not in (None, "local"):
        return engine  # an engine object (tests, embedding applications)
    if workers <= 1:
        return parallel.InlineEngine()
    return parallel.ProcessEngine(workers, str(lock_path))


def ingest(
    paths: list[str],
    out_dir: Path,
    published: date | None = None,
    progress: bool = False,
    warn: Callable[[str], None] | None = None,
    workers: int = 1,
    engine: Any = "local",
    scheduler: str | None = None,
) -> Summary:
    """Ingest every source under `paths` into the dataset at `out_dir` (see pipeline.dataset).

    `workers` > 1 extracts in that many worker processes; `engine="dask"` (or a
    `scheduler` address) on a Dask cluster; or pass an engine object of
    `pipeline.parallel`. The dataset written is the same in every case.
    """
    summary = Summary()
    ctx = Context(published, load_metadata(paths), default_extractor().rules.version)
    runner = _make_engine(engine, workers, scheduler, out_dir / ".lock")
    versions = getattr(runner, "rules_versions", None)
    if versions and versions != {ctx.rules_version}:
        runner.close()
        raise RuntimeError(
            f"the workers run rules {', '.join(sorted(versions))}, this ingest {ctx.rules_version}: install the same zhnews and rules/ on every worker"
        )
    bar = None
    try:
        with locked(out_dir):
            writer = Writer(out_dir)
            if progress:
                from tqdm import tqdm

                bar = tqdm(desc="ingest", unit="file", file=sys.stderr)
            _run(_plan(paths, writer, ctx.rules_version), runner, writer, ctx, summary, warn, bar)
            writer.commit()
    finally:
        if bar is not None:
            bar.close()
        runner.close()
    return summary


def _run(
    plan: Iterator[Any], runner: Any, writer: Writer, ctx: Context, summary: Summary, warn: Callable[[str], None] | None, bar: Any
) -> None:
    """Submit the plan's tasks with at most `runner.slots` in flight and consume everything in input order."""
    queue: deque[Any] = deque()
    in_flight = 0
    exhausted = False
    sink: _SourceSink | None = None

    def submit(task: Task) -> Any:
        try:
            return runner.submit(run_task, task, ctx)
        except runner.retryable as err:  # the pool broke before we saw it: this task's turn will retry it
            failed: Future = Future()
            failed.set_exception(err)
            return failed

    def fill() -> None:
        nonlocal in_flight, exhausted
        while not exhausted and in_flight < runner.slots:
            event = next(plan, None)
            if event is None:
                exhausted = True
            elif isinstance(event, Task):
                queue.append(_Pending(event, submit(event)))
                in_flight += 1
            else:
                queue.append(event)

    def tell(msg: str) -> None:
        if warn:
            warn(msg)

    while True:
        fill()
        if not queue:
            break
        head = queue[0]
        if isinstance(head, _Pending):
            try:
                part: Part | None = head.future.result()
                failure = None
            except runner.retry_alone as err:
                if head.attempts >= 2:
                    part, failure = None, _describe(err)
                else:  # its worker died under another task: once more, alone
                    head.future = submit(head.task)
                    head.attempts += 1
                    continue
            except runner.retryable:
                if head.attempts >= 2:
                    part, failure = None, "worker process died twice on this source"
                else:  # the pool broke (a worker was killed): start a new one and resubmit what was in flight
                    runner.reset()
                    for p in queue:
                        if isinstance(p, _Pending) and not _succeeded(p.future):
                            p.future = submit(p.task)
                            p.attempts += 1
                    continue
            except Exception as err:  # noqa: BLE001 - a failed task is its source's error, never the run's end
                part, failure = None, _describe(err)
            queue.popleft()
            in_flight -= 1
            assert sink is not None
            if failure and not sink.failure:
                sink.failure = failure
            if part is not None and not sink.failure:
                sink.add(part)
            continue
        queue.popleft()
        if isinstance(head, _Skip):
            if head.error is None:
                summary.unchanged += 1
            else:
                summary.rejected.append(head.error)
                tell(str(head.error))
        elif isinstance(head, _Start):
            sink = _SourceSink(writer.root, head, ctx.rules_version)
            continue
        elif isinstance(head, _End):
            assert sink is not None
            _end_source(sink, head, writer, summary, tell)
            sink = None
        if bar is not None:
            bar.update(1)


def _succeeded(future: Any) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _end_source(sink: _SourceSink, end: _End, writer: Writer, summary: Summary, tell: Callable[[str], None]) -> None:
    errors = end.errors + sink.errors
    if end.fmt:
        sink.fmt, sink.encoding = end.fmt, end.encoding
    for err in errors:
        tell(str(err))
    if end.failure or sink.failure:
        sink.abort()
        failed = ReadError(sink.start.path, end.failure or f"extraction failed ({sink.failure})")
        tell(str(failed))
        summary.rejected.append(failed)
        summary.line_errors.extend(errors)
        return
    if not sink.counts["documents"]:
        sink.abort()
        summary.rejected.extend(errors[:1] or [ReadError(sink.start.path, "no readable document")])
        summary.line_errors.extend(errors[1:])
        return
    summary.line_errors.extend(errors)
    sink.finish(writer)
    summary.sources += 1
    summary.documents += sink.counts["documents"]
    summary.articles += sink.counts["articles"]
    summary.entities += sink.counts["entities"]
    summary.figures += sink.counts["figures"]


def reextract(out_dir: Path, warn: Callable[[str], None] | None = None) -> Summary:
    """Re-run extraction on the documents stored in the dataset, with the current rules.

    Sources extracted with other rules get new rows; the raw text kept in the
    `documents` table is the input, so the original files are not needed. Each
    source's documents are read from its part file a batch at a time and its
    new rows written as they come, as ingest does: memory does not grow with it.
    """
    summary = Summary()
    rules_version = default_extractor().rules.version
    with locked(out_dir):
        writer = Writer(out_dir)
        for src_id, entry in sorted(writer.manifest.sources.items()):
            if entry.rules_version == rules_version and entry.format >= FORMAT_VERSION:
                summary.unchanged += 1
                continue
            sink = _reextract_source(writer, src_id, entry, rules_version)
            summary.sources += 1
            summary.documents += sink.counts["documents"]
            summary.articles += sink.counts["articles"]
            summary.entities += sink.counts["entities"]
            summary.figures += sink.counts["figures"]
        writer.commit()
    return summary


def _reextract_source(writer: Writer, src_id: str, entry: SourceEntry, rules_version: str) -> _SourceSink:
    """Extract one stored source's documents again and stage its new part files (the old ones stay until the commit)."""
    extractor = default_extractor()
    # A source's part files may be segments shared with other sources (pipeline/compact.py): its rows only.
    [source] = pq.read_table(writer.root / entry.parts["sources"], filters=[("source_id", "=", src_id)]).to_pylist()
    own = pa.scalar(src_id, pa.string())
    sink = _SourceSink(writer.root, _Start(entry.path, src_id, entry.sha256, source["bytes"]), rules_version)
    sink.fmt, sink.encoding = source["format"], source["encoding"]
    try:
        # Documents are stored in doc_index order, by ingest and by this function.
        for batch in pq.ParquetFile(writer.root / entry.parts["documents"]).iter_batches(batch_size=CHUNK_DOCS):
            rows: dict[str, list[dict[str, Any]]] = {t: [] for t in DOC_TABLES}
            for d in batch.filter(pc.equal(batch["source_id"], own)).to_pylist():
                pub = d["published"] if isinstance(d["published"], date) else None
                rows["documents"].append({**d, "rules_version": rules_version})
                for art, entities in extractor.articles(d["text"], pub, entry.path, d["title"], reflow=sink.fmt != "html"):
                    arts = article_rows(
                        src_id,
                        entry.path,
                        d["doc_index"],
                        d["text"],
                        art,
                        entities,
                        pub,
                        bool(d["published_inferred"]),
                        rules_version,
                    )
                    for k, v in arts.items():
                        rows[k].extend(v)
            sink.add(Part({t: pa.Table.from_pylist(rows[t], schema=SCHEMAS[t]) for t in DOC_TABLES}, []))
        sink.finish(writer)
    except BaseException:
        sink.abort()
        raise
    return sink
