"""Articles and entities → table rows: the dataset's schema, defined in one place.

Every table is an Arrow schema here, with each column's meaning in its
metadata; docs/DATASET.md is generated from these (`zhnews schema`), so the
documentation cannot drift from the files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

import pyarrow as pa
import regex

from .articles import Article
from .entities import Entity

SENTENCE_MARKS = "。！？!?；;"


def _field(name: str, typ: pa.DataType, doc: str) -> pa.Field:
    return pa.field(name, typ, metadata={"doc": doc})


SCHEMAS: dict[str, pa.Schema] = {
    "sources": pa.schema(
        [
            _field("source_id", pa.string(), "stable id of the source: hash of its path"),
            _field("path", pa.string(), "the path the source was ingested from (`-` for stdin)"),
            _field("sha256", pa.string(), "hash of the source's bytes; a changed file replaces its old rows"),
            _field("bytes", pa.int64(), "size of the source in bytes"),
            _field("format", pa.string(), "text, html or jsonl"),
            _field("encoding", pa.string(), "detected encoding"),
            _field("documents", pa.int32(), "documents read from it (JSON Lines: one per line)"),
            _field("articles", pa.int32(), "articles split from it"),
            _field("rules_version", pa.string(), "hash of rules/ at extraction"),
        ]
    ),
    "documents": pa.schema(
        [
            _field("source_id", pa.string(), "the source it came from"),
            _field("doc_index", pa.int32(), "order in the source"),
            _field("doc_id", pa.string(), "id given by the source (JSON Lines `id`), else null"),
            _field("line", pa.int32(), "line in a JSON Lines source, else null"),
            _field("title", pa.string(), "title given by the source, else null"),
            _field("published", pa.date32(), "publication date used"),
            _field("published_inferred", pa.bool_(), "true when the date was inferred from the text"),
            _field("text", pa.string(), "the raw text: what offsets refer to, kept so `zhnews reextract` can rerun"),
            _field("rules_version", pa.string(), "hash of rules/ at extraction"),
        ]
    ),
    "articles": pa.schema(
        [
            _field("article_id", pa.string(), "stable id: hash of source path and article text"),
            _field("source_id", pa.string(), "the source it came from"),
            _field("source_path", pa.string(), "path of the source"),
            _field("doc_index", pa.int32(), "the document of the source it came from"),
            _field("article_index", pa.int32(), "order on its page"),
            _field("title", pa.string(), "headline (null when the page gives none)"),
            _field("byline", pa.string(), "byline (`本报讯（曾镜明）`, `□邱福林`)"),
            _field("captions", pa.list_(pa.string()), "photo captions of the article"),
            _field("published", pa.date32(), "publication date"),
            _field("published_inferred", pa.bool_(), "true when inferred from the text"),
            _field("source_start", pa.int64(), "first character of the article in the source text"),
            _field("source_end", pa.int64(), "end of the article in the source text (exclusive)"),
            _field("subject_place", pa.string(), "main place: the first place of title or lead, else the most named"),
            _field("subject_place_code", pa.string(), "its 12-digit division code, if any"),
            _field("programmes", pa.list_(pa.string()), "programmes named in the article"),
            _field("text", pa.string(), "clean text: title, then paragraphs, one a line"),
            _field("rules_version", pa.string(), "hash of rules/ at extraction"),
        ]
    ),
    "entities": pa.schema(
        [
            _field("entity_id", pa.string(), "article id and position"),
            _field("article_id", pa.string(), "the article it stands in"),
            _field("source_id", pa.string(), "the source"),
            _field("type", pa.string(), "FIGURE, PLACE, DATE or PROGRAMME"),
            _field("text", pa.string(), "the mention as in the source, white space removed"),
            _field("start", pa.int64(), "offset of the mention in the source text"),
            _field("end", pa.int64(), "end offset (exclusive)"),
            _field("value", pa.float64(), "FIGURE: value (money in 元)"),
            _field("max", pa.float64(), "FIGURE: upper end of a range"),
            _field("unit", pa.string(), "FIGURE: unit (`元`, `%`, or the measure word)"),
            _field("qualifier", pa.string(), "FIGURE: approx, more_than, at_least, less_than, at_most"),
            _field("kind", pa.string(), "FIGURE: unit kind (money, count…); PROGRAMME: initiative, mechanism…"),
            _field("name", pa.string(), "PLACE/PROGRAMME: canonical name"),
            _field("level", pa.string(), "PLACE: province, city, county, township, village, zone, region, river, foreign"),
            _field("parent", pa.string(), "PLACE: canonical name of the unit above"),
            _field("code", pa.string(), "PLACE: 12-digit statistical division code"),
            _field("date_start", pa.date32(), "DATE: first day (null when open)"),
            _field("date_end", pa.date32(), "DATE: last day (null when open)"),
            _field("vague", pa.bool_(), "DATE: bounds are estimates (近日, 近年来)"),
            _field(
                "first_in_article",
                pa.bool_(),
                "PLACE/PROGRAMME: the article's first mention of this place (name, level, code) or programme (name); "
                "counting these counts articles without a DISTINCT",
            ),
            _field("published", pa.date32(), "publication date of the article (as `articles.published`)"),
            _field("rules_version", pa.string(), "hash of rules/ at extraction"),
        ]
    ),
    "figures": pa.schema(
        [
            _field("figure_id", pa.string(), "= entity_id of the figure"),
            _field("article_id", pa.string(), "the article"),
            _field("source_id", pa.string(), "the source"),
            _field("text", pa.string(), "the mention"),
            _field("value", pa.float64(), "value in comparable units (money in 元)"),
            _field("max", pa.float64(), "upper end of a range, else null"),
            _field("unit", pa.string(), "unit"),
            _field("qualifier", pa.string(), "approx, more_than, at_least, less_than, at_most, or null"),
            _field("kind", pa.string(), "unit kind: money, count, percent, area, length, mass, duration, age…"),
            _field("metric", pa.string(), "what is counted (`快递（外卖）小哥`, `总投资额`)"),
            _field("place", pa.string(), "canonical name of the place it belongs to"),
            _field("place_code", pa.string(), "its 12-digit code"),
            _field("place_level", pa.string(), "its level"),
            _field("place_ancestors", pa.list_(pa.string()), "codes of every unit above the place (for --within)"),
            _field(
                "place_how",
                pa.string(),
                "how the place was found: sentence, deictic, paragraph, article; list when the figure is a sum over listed places (no place)",
            ),
            _field("period_start", pa.date32(), "first day of the period it belongs to"),
            _field("period_end", pa.date32(), "last day of that period"),
            _field("period_how", pa.string(), "how the period was found: sentence, paragraph, article"),
            _field("programme", pa.string(), "programme named in its sentence"),
            _field("programme_how", pa.string(), "sentence, when found"),
            _field("sentence", pa.string(), "the sentence it stands in"),
            _field("published", pa.date32(), "publication date of the article"),
            _field("rules_version", pa.string(), "hash of rules/ at extraction"),
        ]
    ),
}


def entity_fields(e: Entity) -> dict[str, Any]:
    """The columns of the `entities` table that come from the entity itself."""
    return {
        "type": e.type,
        "text": e.text,
        "start": e.start,
        "end": e.end,
        "value": e.value,
        "max": e.max,
        "unit": e.unit,
        "qualifier": e.qualifier,
        "kind": e.kind,
        "name": e.name,
        "level": e.level,
        "parent": e.parent,
        "code": e.code,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "vague": e.vague,
    }


def source_id(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


def _date(v: str | date | None) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(v)


def _sentence(text: str, start: int, end: int, limit: int = 200) -> str:
    """The sentence around [start, end) of the source, OCR line breaks and spaces removed."""
    lo = max(max(text.rfind(c, 0, start) for c in SENTENCE_MARKS) + 1, start - limit)
    ends = [i for i in (text.find(c, end) for c in SENTENCE_MARKS) if i >= 0]
    hi = min(min(ends) + 1 if ends else len(text), end + limit)
    return regex.sub(r"\s+", "", text[lo:hi])


def article_rows(
    src_id: str,
    path: str,
    doc_index: int,
    raw: str,
    art: Article,
    entities: Iterable[Entity],
    published: date | None,
    inferred: bool,
    rules_version: str,
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the articles, entities and figures tables for one article."""
    ents = list(entities)
    places = [e for e in ents if e.type == "PLACE" and e.name]
    subject = places[0] if places else None
    programmes = sorted({e.name for e in ents if e.type == "PROGRAMME" and e.name})
    rows: dict[str, list[dict[str, Any]]] = {"articles": [], "entities": [], "figures": []}
    rows["articles"].append(
        {
            "article_id": art.id,
            "source_id": src_id,
            "source_path": path,
            "doc_index": doc_index,
            "article_index": art.index,
            "title": art.title,
            "byline": art.byline,
            "captions": art.captions,
            "published": published,
            "published_inferred": inferred,
            "source_start": art.source_start,
            "source_end": art.source_end,
            "subject_place": subject.name if subject else None,
            "subject_place_code": subject.code if subject else None,
            "programmes": programmes,
            "text": art.text,
            "rules_version": rules_version,
        }
    )
    seen: set[tuple[str | None, ...]] = set()
    for n, e in enumerate(ents):
        eid = f"{art.id}:{n}"
        first = None
        if e.type in ("PLACE", "PROGRAMME"):
            key = (e.type, e.name, e.level, e.code) if e.type == "PLACE" else (e.type, e.name)
            first = key not in seen
            seen.add(key)
        rows["entities"].append(
            {
                "entity_id": eid,
                "article_id": art.id,
                "source_id": src_id,
                **entity_fields(e),
                "first_in_article": first,
                "published": published,
                "rules_version": rules_version,
            }
        )
        if e.type != "FIGURE":
            continue
        place = next((p for p in places if p.name == e.place), None)
        place_level = place.level if place else None
        ancestors = e.ancestors or []
        period = e.date or {}
        rows["figures"].append(
            {
                "figure_id": eid,
                "article_id": art.id,
                "source_id": src_id,
                "text": e.text,
                "value": e.value,
                "max": e.max,
                "unit": e.unit,
                "qualifier": e.qualifier,
                "kind": e.kind,
                "metric": e.metric,
                "place": e.place,
                "place_code": e.place_code,
                "place_level": place_level,
                "place_ancestors": ancestors,
                "place_how": e.attribution.get("place"),
                "period_start": _date(period.get("start")),
                "period_end": _date(period.get("end")),
                "period_how": e.attribution.get("date"),
                "programme": e.programme,
                "programme_how": e.attribution.get("programme"),
                "sentence": _sentence(raw, e.start, e.end),
                "published": published,
                "rules_version": rules_version,
            }
        )
    return rows


def schema_markdown() -> str:
    """docs/DATASET.md: every table and column, its type and meaning, from SCHEMAS."""
    lines = [
        "# The zhnews dataset",
        "",
        "Written by `zhnews ingest PATH... --out DIR` (default `outputs/dataset`); generated from",
        "`pipeline/records.py` by `zhnews schema` — do not edit by hand.",
        "",
        "Layout: `manifest.json` names the Parquet part files of every table, one file per source and",
        "table under `parts/<table>/`; a run commits by replacing the manifest atomically. Once a table",
        "has more than 64 small files, ingest merges them into segments (`parts/<table>/segment-*.parquet`,",
        "many sources each, in order of publication; `zhnews compact` does it on demand), so that a query",
        "opens few files; a replaced source's rows leave its segment.",
        "Query with `zhnews sql`, `zhnews query …`, DuckDB over the part files, or",
        "`pipeline.dataset.open(DIR)` (`.figures()`, `.entities()`, `.articles()`, `.sources()`,",
        "`.places()`, `.programmes()`, `.sql(query)` → pandas DataFrames).",
        "",
        "Views computed from the tables: `places` (every place named: name, level, parent, code,",
        "mentions, articles, first/last publication date) and `programmes` (the catalogue: name, kind,",
        "mentions, articles, places, first/last publication date).",
        "",
    ]
    for table, schema in SCHEMAS.items():
        lines += [f"## `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        for f in schema:
            doc = (f.metadata or {}).get(b"doc", b"").decode("utf-8")
            lines.append(f"| `{f.name}` | {f.type} | {doc} |")
        lines.append("")
    return "\n".join(lines)
