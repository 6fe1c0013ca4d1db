"""Batch ingest: sources → clean articles with their entities, as JSON Lines.

Bad input never stops a batch: each unreadable source is one `ReadError`
(reported as it happens and again in the summary); the output file is written
to a temporary name and renamed into place, so an interrupted run leaves the
previous output as it was.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .extract import default_extractor
from .published import infer_published, load_metadata
from .read import RawDoc, ReadError, read_sources


@dataclass
class Summary:
    """What a run did: counts for the end-of-run report and the exit status."""

    documents: int = 0
    articles: int = 0
    entities: int = 0
    errors: list[ReadError] = field(default_factory=list)

    @property
    def inputs(self) -> int:
        return self.documents + len(self.errors)


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


def article_records(doc: RawDoc, published: date | None, inferred: bool) -> Iterable[dict]:
    """One JSON-ready record per article of a document, entities with source offsets."""
    for art, entities in default_extractor().articles(doc.text, published, doc.source, doc.title):
        yield {
            "id": art.id,
            "source": doc.source,
            "line": doc.line,
            "doc_id": doc.doc_id,
            "index": art.index,
            "title": art.title,
            "byline": art.byline,
            "captions": art.captions,
            "published": published.isoformat() if published else None,
            "published_inferred": inferred,
            "source_start": art.source_start,
            "source_end": art.source_end,
            "text": art.text,
            "entities": [e.gold_dict() for e in entities],
        }


def ingest(paths: list[str], out_dir: Path, published: date | None = None, progress: bool = False, warn=None) -> Summary:
    """Read, clean, split and extract every source; write `out_dir/articles.jsonl` atomically."""
    summary = Summary()
    metadata = load_metadata(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "articles.jsonl"
    tmp = out_dir / f".articles.jsonl.tmp{os.getpid()}"
    items = read_sources(paths)
    if progress:
        from tqdm import tqdm

        items = tqdm(items, desc="ingest", unit="doc", file=sys.stderr)
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for item in items:
                if isinstance(item, ReadError):
                    summary.errors.append(item)
                    if warn:
                        warn(str(item))
                    continue
                summary.documents += 1
                pub, inferred = _published(item, published, metadata)
                for rec in article_records(item, pub, inferred):
                    summary.articles += 1
                    summary.entities += len(rec["entities"])
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return summary
