"""Batch ingest: sources → articles, entities and figures in the Parquet dataset.

Bad input never stops a batch: an unreadable source (or a bad line of a JSON
Lines file) is one `ReadError`, reported as it happens and again in the
summary, and everything else is ingested. A source already in the dataset with
the same bytes and rules is skipped; a changed one replaces its old rows. All
of a run's changes become visible at once when the manifest is replaced.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .dataset import Writer, locked
from .extraction import default_extractor
from .published import infer_published, load_metadata
from .read import RawDoc, ReadError, iter_sources, read_bytes
from .records import article_rows, source_id


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


def source_tables(
    path: str, data: bytes, sha: str, published: date | None, metadata: dict[str, date], rules_version: str
) -> tuple[dict[str, list[dict[str, Any]]], list[ReadError]]:
    """All rows one source contributes to the dataset, and the errors inside it."""
    extractor = default_extractor()
    src_id = source_id(path if path == "-" else os.path.realpath(path))
    tables: dict[str, list[dict[str, Any]]] = {"sources": [], "documents": [], "articles": [], "entities": [], "figures": []}
    errors: list[ReadError] = []
    fmt, encoding = "text", "utf-8"
    suffix = Path(path).suffix.lower() if path != "-" else ".txt"
    for doc_index, item in enumerate(read_bytes(path, data, suffix)):
        if isinstance(item, ReadError):
            errors.append(item)
            continue
        fmt, encoding = item.fmt, item.encoding
        pub, inferred = _published(item, published, metadata)
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
                "rules_version": rules_version,
            }
        )
        for art, entities in extractor.articles(item.text, pub, path, item.title):
            rows = article_rows(src_id, path, doc_index, item.text, art, entities, pub, inferred, rules_version)
            for k, v in rows.items():
                tables[k].extend(v)
    tables["sources"].append(
        {
            "source_id": src_id,
            "path": path,
            "sha256": sha,
            "bytes": len(data),
            "format": fmt,
            "encoding": encoding,
            "documents": len(tables["documents"]),
            "articles": len(tables["articles"]),
            "rules_version": rules_version,
        }
    )
    return tables, errors


def ingest(
    paths: list[str],
    out_dir: Path,
    published: date | None = None,
    progress: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Summary:
    """Ingest every source under `paths` into the dataset at `out_dir` (see pipeline.dataset)."""
    summary = Summary()
    metadata = load_metadata(paths)
    rules_version = default_extractor().rules.version
    with locked(out_dir):
        writer = Writer(out_dir)
        items: Any = iter_sources(paths)
        if progress:
            from tqdm import tqdm

            items = tqdm(items, desc="ingest", unit="file", file=sys.stderr)
        for item in items:
            if isinstance(item, ReadError):
                summary.rejected.append(item)
                if warn:
                    warn(str(item))
                continue
            path, data = item
            sha = hashlib.sha256(data).hexdigest()
            src_id = source_id(path if path == "-" else os.path.realpath(path))
            if writer.unchanged(src_id, sha, rules_version):
                summary.unchanged += 1
                continue
            tables, errors = source_tables(path, data, sha, published, metadata, rules_version)
            for err in errors:
                if warn:
                    warn(str(err))
            if not tables["documents"]:
                summary.rejected.extend(errors[:1] or [ReadError(path, "no readable document")])
                summary.line_errors.extend(errors[1:])
                continue
            summary.line_errors.extend(errors)
            writer.stage(src_id, path, sha, rules_version, tables)
            summary.sources += 1
            summary.documents += len(tables["documents"])
            summary.articles += len(tables["articles"])
            summary.entities += len(tables["entities"])
            summary.figures += len(tables["figures"])
        writer.commit()
    return summary


def reextract(out_dir: Path, warn: Callable[[str], None] | None = None) -> Summary:
    """Re-run extraction on the documents stored in the dataset, with the current rules.

    Sources extracted with other rules get new rows; the raw text kept in the
    `documents` table is the input, so the original files are not needed.
    """
    from .dataset import Dataset

    summary = Summary()
    extractor = default_extractor()
    rules_version = extractor.rules.version
    with locked(out_dir):
        writer = Writer(out_dir)
        ds = Dataset(out_dir)
        for src_id, entry in sorted(writer.manifest.sources.items()):
            if entry.rules_version == rules_version:
                summary.unchanged += 1
                continue
            source = ds.sql("SELECT * FROM sources WHERE source_id = ?", [src_id]).to_dict("records")
            docs = ds.sql("SELECT * FROM documents WHERE source_id = ? ORDER BY doc_index", [src_id]).to_dict("records")
            tables: dict[str, list[dict[str, Any]]] = {
                "sources": [],
                "documents": [],
                "articles": [],
                "entities": [],
                "figures": [],
            }
            for d in docs:
                pub = d["published"].date() if hasattr(d["published"], "date") else d["published"]
                if pub is not None and not isinstance(pub, date):
                    pub = None
                tables["documents"].append({**d, "published": pub, "rules_version": rules_version})
                for art, entities in extractor.articles(d["text"], pub, entry.path, d["title"]):
                    rows = article_rows(
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
                    for k, v in rows.items():
                        tables[k].extend(v)
            for s in source:
                tables["sources"].append({**s, "articles": len(tables["articles"]), "rules_version": rules_version})
            writer.stage(src_id, entry.path, entry.sha256, rules_version, tables)
            summary.sources += 1
            summary.documents += len(docs)
            summary.articles += len(tables["articles"])
            summary.entities += len(tables["entities"])
            summary.figures += len(tables["figures"])
        del ds
        writer.commit()
    return summary
