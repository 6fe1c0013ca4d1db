"""HTML pages: an article with its entities highlighted, and the accuracy report.

The article view is displaCy's "ent" look done by hand, because every mark
needs a `title` (a figure's value, unit, place and period show on hover), an
`id` (`#<figure_id>` in a link from Datasette scrolls to the figure and
outlines it) and `data-*` attributes, and because marks may overlap (a gold
mention missed inside a predicted one, in the report): overlapping spans are
nested, and a span that crosses another is cut in pieces, of which only the
first carries the id (`mark.ent[data-eid]:not(.cont)` counts the entities).

Entity offsets point into the source text. An article is shown as its clean
text: the offset map of `pipeline.clean` / `pipeline.articles` takes each
source offset to the clean one. From the dataset the map is rebuilt by
re-splitting the stored document text; when that no longer gives the stored
article (the cleaning rules changed since), the raw source slice is shown.

Pages are self-contained (inline CSS, charts as data: URIs), so a file
written by `zhnews show --html` or `zhnews eval --report` opens anywhere.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

TYPES = ("FIGURE", "PLACE", "DATE", "PROGRAMME")
COLOURS = {"FIGURE": "#feca74", "PLACE": "#7aecec", "DATE": "#bfe1d9", "PROGRAMME": "#c9b6ff"}
LABELS = {"FIGURE": "数字 FIGURE", "PLACE": "地点 PLACE", "DATE": "时间 DATE", "PROGRAMME": "项目 PROGRAMME"}

CSS = """
:root { --fg: #222; --muted: #666; --line: #ddd; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: var(--fg); margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 4rem; line-height: 1.6; }
nav.zhnews { font-size: .9rem; margin-bottom: 1rem; padding-bottom: .5rem; border-bottom: 1px solid var(--line); }
nav.zhnews a { margin-right: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem; }
.meta { color: var(--muted); font-size: .9rem; } .meta span { margin-right: 1rem; }
.legend { margin: .75rem 0; font-size: .85rem; }
.legend .key { display: inline-block; padding: .1em .5em; border-radius: .3em; margin-right: .4rem; }
.text { font-size: 1.05rem; line-height: 2.3; } .text.pre { white-space: pre-wrap; } .text p { margin: 0 0 .6rem; }
mark.ent { padding: .15em .3em; margin: 0 .1em; border-radius: .35em; line-height: 1; color: inherit;
           box-decoration-break: clone; -webkit-box-decoration-break: clone; }
mark.ent .lbl { font-size: .55em; font-weight: bold; line-height: 1; border-radius: .3em; margin-left: .35em;
                vertical-align: middle; text-transform: uppercase; opacity: .75; white-space: nowrap; }
mark.ent:target, mark.ent.focus { outline: 3px solid #e4572e; outline-offset: 2px; }
mark.ent.fp { outline: 2px solid #d62728; } mark.ent.fn { background: #fff !important; outline: 2px dashed #1f5fbf; }
mark.ent.value { outline: 2px double #ff7f0e; } mark.ent.tp { opacity: .55; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.captions { color: var(--muted); }
details > summary { cursor: pointer; } .doc { margin: 1.5rem 0; }
.errors li { margin: .2rem 0; } .errors .kind { font-weight: bold; }
.kind-FP { color: #d62728; } .kind-FN { color: #1f5fbf; } .kind-VALUE { color: #c15f00; }
img.chart { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
.note { color: var(--muted); font-size: .85rem; }
"""


def esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == "" or v == []


def _day(v: Any) -> str | None:
    if _blank(v):
        return None
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    s = str(v)
    return None if s in ("NaT", "None") else s[:10]


def _number(v: Any) -> str:
    if _blank(v):
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return f"{int(f):,}"
    return f"{f:,.6g}" if abs(f) >= 1 else f"{f:.6g}"


def _list(v: Any) -> list[str]:
    if _blank(v):
        return []
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return [v]
    if hasattr(v, "tolist"):
        v = v.tolist()
    return [str(x) for x in v if not _blank(x)]


# ---------------------------------------------------------------- spans → HTML


@dataclass
class Span:
    """One highlighted mention: [start, end) in the displayed text."""

    start: int
    end: int
    type: str
    eid: str = ""
    title: str = ""
    label: str = ""
    classes: tuple[str, ...] = ()
    attrs: dict[str, str] = field(default_factory=dict)


def _open_tag(s: Span, first: bool, colour: str) -> str:
    cls = " ".join(("ent", f"ent-{s.type}", *s.classes, *(() if first else ("cont",))))
    attrs = [f'class="{cls}"', f'data-type="{esc(s.type)}"', f'style="background: {colour}"']
    if s.title:
        attrs.append(f'title="{esc(s.title)}"')
    if first and s.eid:
        attrs += [f'id="{esc(s.eid)}"', f'data-eid="{esc(s.eid)}"']
    attrs += [f'data-{k}="{esc(v)}"' for k, v in s.attrs.items()]
    return f"<mark {' '.join(attrs)}>"


def highlight(text: str, spans: Iterable[Span]) -> str:
    """`text` as HTML with every span in a <mark>; overlapping spans nest, crossing ones are cut."""
    spans = sorted((s for s in spans if 0 <= s.start < s.end <= len(text)), key=lambda s: (s.start, -s.end))
    order = {id(s): k for k, s in enumerate(spans)}
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[Span] = []
    opened: set[int] = set()
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        active = sorted((s for s in spans if s.start <= lo and hi <= s.end), key=lambda s: order[id(s)])
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep] is active[keep]:
            keep += 1
        for s in reversed(stack[keep:]):
            out.append(_close(s, lo))
        stack = stack[:keep]
        for s in active[keep:]:
            out.append(_open_tag(s, id(s) not in opened, COLOURS.get(s.type, "#ddd")))
            opened.add(id(s))
            stack.append(s)
        out.append(esc(text[lo:hi]))
    for s in reversed(stack):
        out.append(_close(s, len(text)))
    return "".join(out)


def highlight_paragraphs(text: str, spans: Sequence[Span]) -> str:
    """Like `highlight`, one <p> per line of `text`; when a span crosses a line break, the whole text in one block."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    per_line: list[list[Span]] = [[] for _ in lines]
    for s in spans:
        k = next((k for k, (lo, hi) in enumerate(lines) if lo <= s.start and s.end <= hi), None)
        if k is None:
            return f'<div class="text pre" lang="zh">{highlight(text, spans)}</div>'
        per_line[k].append(Span(s.start - lines[k][0], s.end - lines[k][0], s.type, s.eid, s.title, s.label, s.classes, s.attrs))
    paras = (
        f"<p>{highlight(text[lo:hi], per_line[k])}</p>" for k, (lo, hi) in enumerate(lines) if text[lo:hi].strip() or per_line[k]
    )
    return f'<div class="text" lang="zh">{"".join(paras)}</div>'


def _close(s: Span, at: int) -> str:
    label = f'<span class="lbl">{esc(s.label or s.type)}</span>' if at == s.end else ""
    return f"{label}</mark>"


# ---------------------------------------------------------------- entities


def entity_title(e: Mapping[str, Any]) -> str:
    """What shows on hover: a figure's value, unit, place and period; a place's level and code…"""
    t = e.get("type")
    parts: list[str] = []
    if t == "FIGURE":
        value = _number(e.get("value"))
        if not _blank(e.get("max")):
            value += f"–{_number(e.get('max'))}"
        parts.append(f"value: {value} {e.get('unit') or ''}".rstrip())
        if not _blank(e.get("qualifier")):
            parts.append(f"qualifier: {e['qualifier']}")
        if not _blank(e.get("kind")):
            parts.append(f"kind: {e['kind']}")
        if not _blank(e.get("metric")):
            parts.append(f"metric: {e['metric']}")
        place = e.get("place")
        if not _blank(place):
            code = f" [{e['place_code']}]" if not _blank(e.get("place_code")) else ""
            how = f" ({e['place_how']})" if not _blank(e.get("place_how")) else ""
            parts.append(f"place: {place}{code}{how}")
        else:
            parts.append("place: —")
        lo, hi = _day(e.get("period_start")), _day(e.get("period_end"))
        if lo or hi:
            how = f" ({e['period_how']})" if not _blank(e.get("period_how")) else ""
            parts.append(f"period: {lo or '…'} – {hi or '…'}{how}")
        else:
            parts.append("period: —")
        if not _blank(e.get("programme")):
            parts.append(f"programme: {e['programme']}")
    elif t == "PLACE":
        parts.append(str(e.get("name") or e.get("text")))
        for k in ("level", "code"):
            if not _blank(e.get(k)):
                parts.append(f"{k}: {e[k]}")
        if not _blank(e.get("parent")):
            parts.append(f"in: {e['parent']}")
    elif t == "DATE":
        lo, hi = _day(e.get("date_start")), _day(e.get("date_end"))
        parts.append(f"{lo or '…'} – {hi or '…'}")
        if e.get("vague") is True or e.get("vague") == 1:
            parts.append("vague")
    elif t == "PROGRAMME":
        parts.append(str(e.get("name") or e.get("text")))
        if not _blank(e.get("kind")):
            parts.append(f"kind: {e['kind']}")
    return " · ".join(parts)


def entity_record(e: Any, eid: str) -> dict[str, Any]:
    """A `pipeline.entities.Entity` as the flat record the dataset stores (entities + figures columns)."""
    period = e.date or {}
    how = e.attribution or {}
    from .records import entity_fields

    return {
        "entity_id": eid,
        **entity_fields(e),
        "metric": e.metric,
        "place": e.place,
        "place_code": e.place_code,
        "place_how": how.get("place"),
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "period_how": how.get("date"),
        "programme": e.programme,
    }


class OffsetMap:
    """Source offsets → offsets in a text built from them (`offsets[i]` = source offset of character i)."""

    def __init__(self, offsets: Sequence[int]) -> None:
        self.at: dict[int, list[int]] = defaultdict(list)
        for i, o in enumerate(offsets):
            self.at[o].append(i)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The shortest [s, t) whose first character came from `start` and last from `end - 1`."""
        best = None
        for i in self.at.get(start, ()):
            for j in self.at.get(end - 1, ()):
                if j >= i and (best is None or j - i < best[1] - best[0]):
                    best = (i, j + 1)
        return best


@dataclass
class ArticleView:
    """An article ready to render: its fields, the text shown, and the entity records with spans into that text."""

    article_id: str
    title: str | None
    text: str
    entities: list[dict[str, Any]]
    spans: list[tuple[int, int] | None]
    byline: str | None = None
    published: str | None = None
    published_inferred: bool = False
    source_path: str | None = None
    subject_place: str | None = None
    programmes: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    shown: str = "clean"  # clean: the article's clean text; raw: the source slice (offset map unavailable)

    @property
    def missing(self) -> list[dict[str, Any]]:
        return [e for e, s in zip(self.entities, self.spans, strict=True) if s is None]


def view_from_extraction(art: Any, entities: Sequence[Any], published: date | None, source: str) -> ArticleView:
    """An article straight from `Extractor.articles()` (offsets into the raw text)."""
    omap = OffsetMap(art.offsets)
    records = [entity_record(e, f"{art.id}:{n}") for n, e in enumerate(entities)]
    return ArticleView(
        article_id=art.id,
        title=art.title,
        text=art.text,
        entities=records,
        spans=[omap.span(e["start"], e["end"]) for e in records],
        byline=art.byline,
        published=_day(published),
        source_path=source,
        subject_place=next((e.name for e in entities if e.type == "PLACE" and e.name), None),
        programmes=sorted({e.name for e in entities if e.type == "PROGRAMME" and e.name}),
        captions=list(art.captions),
    )


def view_from_rows(
    article: Mapping[str, Any], entities: Sequence[Mapping[str, Any]], document: Mapping[str, Any] | None
) -> ArticleView:
    """An article from dataset rows (DuckDB or the SQLite export): `articles` row, `entities` rows joined with
    their `figures` columns, and the `documents` row (its raw text, and its source's `format`) for offsets."""
    from .articles import split_articles
    from .clean import clean

    records = [dict(e) for e in sorted(entities, key=lambda e: (int(e["start"]), int(e["end"])))]
    text = str(article.get("text") or "")
    raw = document.get("text") if document else None
    spans: list[tuple[int, int] | None] = []
    shown = "clean"
    art = None
    if raw:
        doc_title = document.get("title") if document else None
        doc_title = None if _blank(doc_title) else doc_title
        # Text read from HTML keeps its lines (its blocks), as ingest cleaned it.
        page_text = clean(raw, reflow=document.get("format") != "html")
        arts = split_articles(page_text, str(article.get("source_path") or "-"), doc_title)
        idx = article.get("article_index")
        art = next((a for a in arts if a.text == text and (idx is None or a.index == int(idx))), None)
        art = art or next((a for a in arts if a.text == text), None)
    if art is not None:
        omap = OffsetMap(art.offsets)
        spans = [omap.span(int(e["start"]), int(e["end"])) for e in records]
    elif raw:
        lo, hi = int(article.get("source_start") or 0), int(article.get("source_end") or len(raw))
        text, shown = raw[lo:hi], "raw"
        spans = [
            (int(e["start"]) - lo, int(e["end"]) - lo) if lo <= int(e["start"]) < int(e["end"]) <= hi else None for e in records
        ]
    else:
        spans = [None for _ in records]
    return ArticleView(
        article_id=str(article.get("article_id")),
        title=None if _blank(article.get("title")) else str(article.get("title")),
        text=text,
        entities=records,
        spans=spans,
        byline=None if _blank(article.get("byline")) else str(article.get("byline")),
        published=_day(article.get("published")),
        published_inferred=article.get("published_inferred") in (True, 1),
        source_path=None if _blank(article.get("source_path")) else str(article.get("source_path")),
        subject_place=None if _blank(article.get("subject_place")) else str(article.get("subject_place")),
        programmes=_list(article.get("programmes")),
        captions=_list(article.get("captions")),
        shown=shown,
    )


# ---------------------------------------------------------------- article pages


def _legend(counts: Counter) -> str:
    keys = "".join(
        f'<span class="key ent-{t}" style="background: {COLOURS[t]}">{esc(LABELS[t])} <b>{counts.get(t, 0)}</b></span>'
        for t in TYPES
    )
    return f'<div class="legend">{keys}<span class="note">hover a mark for its values</span></div>'


def _figures_table(view: ArticleView, link: Callable[[str], str] | None = None) -> str:
    figs = [e for e in view.entities if e.get("type") == "FIGURE"]
    if not figs:
        return ""
    head = "<tr><th>mention</th><th class=num>value</th><th>unit</th><th>qualifier</th><th>metric</th><th>place</th><th>period</th><th>programme</th></tr>"
    rows = []
    for e in figs:
        lo, hi = _day(e.get("period_start")), _day(e.get("period_end"))
        period = f"{lo or '…'} – {hi or '…'}" if lo or hi else ""
        value = _number(e.get("value")) + (f"–{_number(e.get('max'))}" if not _blank(e.get("max")) else "")
        mention = f'<a href="#{esc(e["entity_id"])}">{esc(e.get("text"))}</a>'
        rows.append(
            f"<tr><td>{mention}</td><td class=num>{esc(value)}</td><td>{esc(e.get('unit'))}</td><td>{esc(e.get('qualifier'))}</td>"
            f"<td>{esc(e.get('metric'))}</td><td>{esc(e.get('place'))}</td><td>{esc(period)}</td><td>{esc(e.get('programme'))}</td></tr>"
        )
    return f'<h3>Figures ({len(figs)})</h3><table class="figures">{head}{"".join(rows)}</table>'


def article_section(view: ArticleView, heading: str = "h1", extra_meta: str = "") -> str:
    """One article: headline, facts, legend, highlighted text, captions, figures table."""
    spans = [
        Span(s[0], s[1], str(e.get("type")), eid=str(e.get("entity_id") or ""), title=entity_title(e), label=str(e.get("type")))
        for e, s in zip(view.entities, view.spans, strict=True)
        if s is not None
    ]
    body = (
        highlight_paragraphs(view.text, spans)
        if view.shown == "clean"
        else f'<div class="text pre" lang="zh">{highlight(view.text, spans)}</div>'
    )
    meta = []
    if view.published:
        meta.append(f"<span>published {esc(view.published)}{' (inferred)' if view.published_inferred else ''}</span>")
    if view.byline:
        meta.append(f"<span>{esc(view.byline)}</span>")
    if view.subject_place:
        meta.append(f"<span>place: {esc(view.subject_place)}</span>")
    if view.source_path:
        meta.append(f"<span>source: {esc(view.source_path)}</span>")
    meta.append(f"<span>article {esc(view.article_id)}</span>")
    counts = Counter(str(e.get("type")) for e, s in zip(view.entities, view.spans, strict=True) if s is not None)
    parts = [
        f'<section class="article" id="article-{esc(view.article_id)}" data-article-id="{esc(view.article_id)}" '
        f'data-entities="{len(view.entities)}">',
        f"<{heading}>{esc(view.title or '(no headline)')}</{heading}>",
        f'<p class="meta">{"".join(meta)}{extra_meta}</p>',
    ]
    if view.programmes:
        parts.append(f'<p class="meta">programmes: {esc("、".join(view.programmes))}</p>')
    parts.append(_legend(counts))
    if view.shown == "raw":
        parts.append('<p class="note">Shown as in the source (the cleaning rules changed since this article was extracted).</p>')
    parts.append(body)
    if view.missing:
        parts.append(
            f'<p class="note">{len(view.missing)} entities could not be placed in the text: '
            + esc("、".join(str(e.get("text")) for e in view.missing))
            + "</p>"
        )
    parts.append(_figures_table(view))
    parts.append("</section>")
    return "\n".join(parts)


def page(title: str, body: str, nav: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + (f'<nav class="zhnews">{nav}</nav>\n' if nav else "")
        + body
        + "\n</body>\n</html>\n"
    )


def article_page(view: ArticleView, nav: str = "") -> str:
    return page(f"{view.title or view.article_id} · zhnews", article_section(view), nav)


def file_page(name: str, views: Sequence[ArticleView]) -> str:
    """Every article of one input file on one page."""
    n = sum(len(v.entities) for v in views)
    toc = "".join(f'<li><a href="#article-{esc(v.article_id)}">{esc(v.title or "(no headline)")}</a></li>' for v in views)
    head = f'<h1>{esc(name)}</h1><p class="meta"><span>{len(views)} articles</span><span>{n} entities</span></p><ol>{toc}</ol>'
    return page(f"{name} · zhnews", head + "\n".join(article_section(v, "h2") for v in views))


# ---------------------------------------------------------------- loading articles


def views_of_file(path: str, published: date | None = None) -> tuple[list[ArticleView], list[str]]:
    """Read and extract FILE (or -): one view per article, and the read errors."""
    from .extraction import default_extractor
    from .published import infer_published, load_metadata
    from .read import ReadError, read_sources

    metadata = load_metadata([path]) if path != "-" else {}
    views, errors = [], []
    extractor = default_extractor()
    for item in read_sources([path]):
        if isinstance(item, ReadError):
            errors.append(str(item))
            continue
        pub = published or item.published or metadata.get(Path(item.source).stem)
        if pub is None and item.doc_id:
            pub = metadata.get(item.doc_id)
        pub = pub or infer_published(item.text)
        for art, ents in extractor.articles(item.text, pub, item.source, item.title):
            views.append(view_from_extraction(art, ents, pub, item.source))
    return views, errors


ENTITY_QUERY = """
SELECT e.*, f.metric, f.place, f.place_code, f.place_how, f.period_start, f.period_end, f.period_how, f.programme
FROM entities e LEFT JOIN figures f ON f.figure_id = e.entity_id
WHERE e.article_id = ? ORDER BY e.start, e."end"
"""


def find_article_ids(dataset: Any, key: str) -> list[str]:
    """Article ids in a `pipeline.dataset.Dataset` equal to `key`, else starting with it."""
    _, rows = dataset.relation("SELECT article_id FROM articles WHERE article_id = ?", [key])
    if not rows and len(key) >= 4:
        _, rows = dataset.relation("SELECT article_id FROM articles WHERE starts_with(article_id, ?) ORDER BY 1", [key])
    return [r[0] for r in rows]


def view_from_dataset(dataset: Any, article_id: str) -> ArticleView | None:
    """The article `article_id` of a `pipeline.dataset.Dataset` (DuckDB)."""

    def records(q: str, params: list[Any]) -> list[dict[str, Any]]:
        cols, rows = dataset.relation(q, params)
        return [dict(zip(cols, r, strict=True)) for r in rows]

    arts = records("SELECT * FROM articles WHERE article_id = ?", [article_id])
    if not arts:
        return None
    art = arts[0]
    docs = records(
        "SELECT d.text, d.title, s.format FROM documents d JOIN sources s USING (source_id)"
        " WHERE d.source_id = ? AND d.doc_index = ?",
        [art["source_id"], art["doc_index"]],
    )
    return view_from_rows(art, records(ENTITY_QUERY, [article_id]), docs[0] if docs else None)


def terminal_text(view: ArticleView, colour: bool) -> str:
    """The article for a terminal: marks as ANSI colours, or as ⟦mention⟧TYPE when not a terminal."""
    codes = {"FIGURE": "43", "PLACE": "46", "DATE": "42", "PROGRAMME": "45"}
    out, pos = [], 0
    placed = sorted((s, e) for e, s in zip(view.entities, view.spans, strict=True) if s is not None)
    for (lo, hi), e in placed:
        if lo < pos:
            continue
        out.append(view.text[pos:lo])
        t = str(e.get("type"))
        out.append(f"\x1b[30;{codes.get(t, '47')}m{view.text[lo:hi]}\x1b[0m" if colour else f"⟦{view.text[lo:hi]}⟧{t}")
        pos = hi
    out.append(view.text[pos:])
    lines = [f"# {view.title or '(no headline)'}  [{view.article_id}] {view.published or ''}", "".join(out)]
    for e in view.entities:
        if e.get("type") == "FIGURE":
            lines.append(f"  {e.get('text')}: {entity_title(e)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the accuracy report


class RecordingRun:
    """Wraps the extractor given to `pipeline.evaluate.evaluate`, keeping what it returned for each document."""

    def __init__(self, run: Callable[[str, date | None], list[Any]]) -> None:
        self.run = run
        self.calls: list[tuple[str, list[Any]]] = []

    def __call__(self, text: str, published: date | None) -> list[Any]:
        out = self.run(text, published)
        self.calls.append((text, list(out)))
        return out

    def entities_for(self, text: str, k: int) -> list[Any] | None:
        if k < len(self.calls) and self.calls[k][0] == text:
            return self.calls[k][1]
        return next((ents for t, ents in self.calls if t == text), None)


def _find_nth(text: str, mention: str, nth: int) -> tuple[int, int] | None:
    """The nth occurrence of `mention` in `text`, white space allowed between its characters (gold text has none)."""
    import regex

    if not mention:
        return None
    pattern = regex.compile(r"\s*".join(regex.escape(c) for c in mention))
    found = [m.span() for m in pattern.finditer(text)]
    if not found:
        return None
    return found[nth] if nth < len(found) else found[0]


@dataclass
class Marked:
    start: int
    end: int
    type: str
    status: str  # tp, fp, fn, value
    text: str
    title: str
    detail: str = ""


def _pair(doc: Any, predicted: list[dict[str, Any]]) -> list[Marked]:
    """Gold and predicted mentions of one document paired as pipeline.evaluate does (per type, by text, in reading order)."""
    from .evaluate import VALUE_FIELDS, _same, pair_mentions

    out: list[Marked] = []
    for t in TYPES:
        gold = [g for g in doc.entities if g.get("type") == t]
        pred = sorted((p for p in predicted if p.get("type") == t), key=lambda p: tuple(p.get("offset") or (0, 0)))
        for g, p, k in pair_mentions(gold, pred):
            if g is None:
                s, e = p["offset"]
                out.append(Marked(s, e, t, "fp", p["text"], f"false positive {t} · {entity_title(_gold_to_record(p))}"))
                continue
            if p is None:
                where = _find_nth(doc.text, g["text"], k)
                gold_vals = {f: g[f] for f in VALUE_FIELDS[t] if f in g}
                title = f"missed (false negative) {t}; gold: " + ", ".join(f"{f}={v}" for f, v in gold_vals.items())
                if where:
                    out.append(Marked(where[0], where[1], t, "fn", g["text"], title))
                continue
            fields = [f for f in VALUE_FIELDS[t] if f in g]
            wrong = [f for f in fields if not _same(g[f], p.get(f))]
            s, e = p["offset"]
            rec = _gold_to_record(p)
            if wrong:
                detail = ", ".join(f"{f}: gold {g[f]!r} got {p.get(f)!r}" for f in wrong)
                out.append(Marked(s, e, t, "value", p["text"], f"value mismatch: {detail} · {entity_title(rec)}", detail))
            else:
                out.append(Marked(s, e, t, "tp", p["text"], f"correct · {entity_title(rec)}"))
    return out


def _gold_to_record(p: Mapping[str, Any]) -> dict[str, Any]:
    """A predicted entity in gold format → the record entity_title reads."""
    r = dict(p)
    if p.get("type") == "DATE":
        r["date_start"], r["date_end"] = p.get("start"), p.get("end")
    if p.get("type") == "FIGURE":
        d = p.get("date") or {}
        r["period_start"], r["period_end"] = d.get("start"), d.get("end")
        att = p.get("attribution") or {}
        r["place_how"], r["period_how"] = att.get("place"), att.get("date")
    return r


STATUS_LABEL = {"fp": "FP", "fn": "FN", "value": "VALUE", "tp": ""}


def _doc_html(doc: Any, marks: list[Marked], n: int) -> tuple[str, Counter]:
    from .clean import clean

    page_text = clean(doc.text)
    omap = OffsetMap(page_text.offsets)
    spans, unplaced = [], []
    counts: Counter = Counter()
    for k, m in enumerate(marks):
        counts[(m.status, m.type)] += 1
        where = omap.span(m.start, m.end)
        if where is None:
            unplaced.append(m)
            continue
        eid = f"d{n}-{m.status}-{k}" if m.status != "tp" else ""
        label = f"{STATUS_LABEL[m.status]} {m.type}".strip()
        spans.append(Span(where[0], where[1], m.type, eid=eid, title=m.title, label=label, classes=(m.status,)))
    errors = sorted((k, m) for k, m in enumerate(marks) if m.status != "tp")
    items = "".join(
        f'<li><span class="kind kind-{STATUS_LABEL[m.status]}">{STATUS_LABEL[m.status]}</span> {esc(m.type)} '
        f'<a href="#d{n}-{m.status}-{k}">{esc(m.text)}</a>' + (f" — {esc(m.detail)}" if m.detail else "") + "</li>"
        for k, m in sorted(errors, key=lambda km: km[1].start)
        if m not in unplaced
    )
    items += "".join(
        f'<li><span class="kind kind-{STATUS_LABEL[m.status]}">{STATUS_LABEL[m.status]}</span> {esc(m.type)} {esc(m.text)} '
        "(not found in the text)</li>"
        for m in unplaced
    )
    n_err = len(errors)
    body = highlight_paragraphs(page_text.text, spans)
    summary = f"{esc(doc.id)} — {n_err} errors" + (f" · published {doc.published.isoformat()}" if doc.published else "")
    html_ = (
        f'<details class="doc" id="doc-{n}" data-doc-id="{esc(doc.id)}" data-errors="{n_err}"{" open" if n_err else ""}>'
        f"<summary><b>{summary}</b></summary>" + (f'<ul class="errors">{items}</ul>' if items else "") + f"{body}</details>"
    )
    return html_, counts


def eval_report_html(docs: Sequence[Any], report: Any, recorder: RecordingRun, gold_files: Sequence[str] = ()) -> str:
    """The accuracy report: scores per type, a chart, and every document with its errors highlighted."""
    from .charts import scores_svg, svg_data_uri

    scores = report.scores()
    head = "<tr><th>type</th><th class=num>gold</th><th class=num>predicted</th><th class=num>P</th><th class=num>R</th><th class=num>F1</th><th class=num>value</th><th class=num>place</th><th class=num>date</th></tr>"

    def f(v: Any) -> str:
        return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    rows = "".join(
        f"<tr><th>{esc(t)}</th><td class=num>{s['gold']}</td><td class=num>{s['predicted']}</td><td class=num>{f(s['precision'])}</td>"
        f"<td class=num>{f(s['recall'])}</td><td class=num>{f(s['f1'])}</td><td class=num>{f(s['value_agreement'])}</td>"
        f"<td class=num>{f(s['place_agreement'])}</td><td class=num>{f(s['date_agreement'])}</td></tr>"
        for t, s in scores.items()
    )
    docs_html, total = [], Counter()
    for n, doc in enumerate(docs):
        ents = recorder.entities_for(doc.text, n) or []
        marks = _pair(doc, [e.gold_dict() for e in ents])
        h, counts = _doc_html(doc, marks, n)
        total.update(counts)
        docs_html.append(h)
    err_head = "<tr><th>type</th><th class=num>FP</th><th class=num>FN</th><th class=num>VALUE</th></tr>"
    err_rows = "".join(
        f"<tr><th>{t}</th><td class=num>{total[('fp', t)]}</td><td class=num>{total[('fn', t)]}</td><td class=num>{total[('value', t)]}</td></tr>"
        for t in TYPES
    )
    key = "".join(
        f'<mark class="ent ent-FIGURE {c}" style="background: {COLOURS["FIGURE"]}">{esc(name)}</mark> '
        for c, name in (("tp", "correct"), ("fp", "false positive"), ("fn", "false negative"), ("value", "value mismatch"))
    )
    chart = svg_data_uri(scores_svg(scores))
    body = (
        "<h1>zhnews accuracy report</h1>"
        f'<p class="meta"><span>{len(docs)} documents</span><span>gold: {esc(", ".join(gold_files))}</span></p>'
        f'<table class="scores">{head}{rows}</table>'
        f'<img class="chart" alt="precision, recall and F1 per type" src="{chart}">'
        f'<h2>Errors</h2><table class="error-counts">{err_head}{err_rows}</table>'
        f'<p class="legend">{key} · colours by type: '
        + "".join(f'<span class="key" style="background: {COLOURS[t]}">{t}</span>' for t in TYPES)
        + "</p>"
        + '<p class="note">Hover a mark for the gold and predicted values. A false negative is placed at the matching '
        "occurrence of its text.</p>" + "<h2>Documents</h2>" + "\n".join(docs_html)
    )
    return page("zhnews accuracy report", body)


def write_eval_report(
    out: str | Path, docs: Sequence[Any], report: Any, recorder: RecordingRun, gold_files: Sequence[str] = ()
) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(eval_report_html(docs, report, recorder, gold_files), encoding="utf-8")
    return out
