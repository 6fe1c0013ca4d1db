"""Clean page → articles, each with title, byline, body and captions.

A newspaper page holds several items. Their headlines stand before the body
on some pages and after it on others (news briefs opening with `本报讯` often
carry their headline below), so a headline is given to the neighbouring body
it shares the most words with. Bylines (`本报讯（曾镜明）`, `□邱福林`) and
markdown headings (`# …`) open items; photo captions (`图为…`, `…摄`) are kept,
marked as captions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import regex

from .clean import CleanText, _title_like

BRIEF_START = regex.compile(r"^(本报讯|本报记者|新华社|央视网消息|人民网)\s*[（(]?[^）)]{0,20}[）)]?")
BYLINE = regex.compile(r"^[□■◎]\s*\S{1,20}$|^(记者|通讯员|本报记者|特约记者)[\p{Han}\s、]{2,20}$|^\S{1,12}\s*文/图$")
CAPTION = regex.compile(r"^图为|^图片|[\p{Han}）)]\s*摄[）)]?$|^（\S{2,8}\s*摄）$")
HEADING = regex.compile(r"^(#+)\s*")
SUBTITLE = regex.compile(r"^——")
# Share of a headline's character pairs that must recur in the body above it
# for the headline to close that item rather than open the next.
CLOSING_OVERLAP = 0.5
# A headline is at most this long; anything longer is body text.
MAX_TITLE = 40


@dataclass
class Paragraph:
    """A paragraph of the clean text: its role and its clean offsets [start, end)."""

    role: str  # title | subtitle | byline | caption | heading | body
    start: int
    end: int
    text: str


@dataclass
class Article:
    """One news item of a page, with offsets back to the source."""

    source: str
    index: int  # order on the page
    paragraphs: list[Paragraph] = field(default_factory=list)
    title: str | None = None
    byline: str | None = None
    text: str = ""  # title, then body and captions, one paragraph a line
    offsets: tuple[int, ...] = ()  # source offset of each character of `text`
    id: str = ""

    @property
    def source_start(self) -> int:
        return min(self.offsets) if self.offsets else 0

    @property
    def source_end(self) -> int:
        return max(self.offsets) + 1 if self.offsets else 0

    @property
    def captions(self) -> list[str]:
        return [p.text for p in self.paragraphs if p.role == "caption"]


def _bigrams(text: str) -> set[str]:
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return {a + b for a, b in zip(han, han[1:], strict=False)}


def _overlap(title: str, body: str) -> float:
    t = _bigrams(title)
    return len(t & _bigrams(body)) / len(t) if t else 0.0


def _paragraphs(clean: CleanText) -> list[Paragraph]:
    out, pos = [], 0
    for line in clean.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        m = HEADING.match(line)
        if m:
            role = "heading" if len(m.group(1)) > 1 else "title"
            out.append(Paragraph(role, start + m.end(), end, line[m.end() :]))
        elif CAPTION.search(line) and not BRIEF_START.match(line):
            out.append(Paragraph("caption", start, end, line))
        elif BYLINE.match(line):
            out.append(Paragraph("byline", start, end, line))
        elif len(line) <= MAX_TITLE and _title_like(line) and line[-1] not in "。！？…":
            out.append(Paragraph("headline", start, end, line))
        else:
            out.append(Paragraph("body", start, end, line))
    return out


def _body_text(paras: list[Paragraph], limit: int = 400) -> str:
    return "".join(p.text for p in paras if p.role == "body")[:limit]


def _group(paras: list[Paragraph]) -> list[list[Paragraph]]:
    """Group paragraphs into items: cut at bylines, briefs, markdown titles and headline runs."""
    items: list[list[Paragraph]] = [[]]
    i = 0
    while i < len(paras):
        p = paras[i]
        if p.role == "title":
            items.append([p])
        elif p.role == "byline" or (p.role == "body" and BRIEF_START.match(p.text)):
            # A byline or a brief opens an item; the headlines just above it go
            # to this item or close the one before.
            heads = []
            while items[-1] and items[-1][-1].role in ("headline", "subtitle"):
                heads.insert(0, items[-1].pop())
            _place_headlines(items, heads, _body_text(paras[i:]))
            items.append([*(h for h in heads if h.role != "closing"), p])
        elif p.role == "headline":
            run = [p]
            while i + 1 < len(paras) and paras[i + 1].role == "headline":
                i += 1
                run.append(paras[i])
            following = paras[i + 1] if i + 1 < len(paras) else None
            if following is not None and (following.role == "byline" or BRIEF_START.match(following.text)):
                items[-1].extend(run)  # decided when the byline or brief is reached
            else:
                _headline_run(items, run, paras[i + 1 :])
        else:
            items[-1].append(p)
        i += 1
    # Captions or headlines with no body of their own belong to the next item.
    merged: list[list[Paragraph]] = []
    pending: list[Paragraph] = []
    for it in items:
        if any(p.role == "body" for p in it):
            merged.append(pending + it)
            pending = []
        else:
            pending += it
    if pending and merged:
        merged[-1].extend(pending)
    return merged


def _place_headlines(items: list[list[Paragraph]], heads: list[Paragraph], next_body: str) -> None:
    """Headlines between two items go to the item whose body they share more words with."""
    prev_body = _body_text(items[-1]) if items[-1] else ""
    for h in heads:
        if SUBTITLE.match(h.text):
            h.role = "subtitle"
            continue
        if prev_body and _overlap(h.text, prev_body) > max(CLOSING_OVERLAP, _overlap(h.text, next_body)):
            items[-1].append(Paragraph("title", h.start, h.end, h.text))
            h.role = "closing"
        else:
            h.role = "title"


def _headline_run(items: list[list[Paragraph]], run: list[Paragraph], rest: list[Paragraph]) -> None:
    """A headline run with no byline after it: the title closing the item above, or a subheading."""
    prev_body = _body_text(items[-1]) if items[-1] else ""
    next_body = _body_text(rest)
    first = run[0]
    if (
        prev_body
        and not any(p.role == "title" for p in items[-1])
        and _overlap(first.text, prev_body) > max(CLOSING_OVERLAP, _overlap(first.text, next_body))
    ):
        items[-1].append(Paragraph("title", first.start, first.end, first.text))
        items.append([])
        run = run[1:]
    for p in run:
        p.role = "subtitle" if SUBTITLE.match(p.text) else "heading"
        items[-1].append(p)


def _assemble(source: str, index: int, paras: list[Paragraph], clean: CleanText) -> Article:
    title_parts = [p for p in paras if p.role in ("title", "headline")]
    # The first headline of an item is its title when it has no other.
    if title_parts and all(p.role == "headline" for p in title_parts):
        title_parts = title_parts[:1]
    for p in title_parts:
        p.role = "title"
    for p in paras:
        if p.role == "headline":
            p.role = "heading"
    title_ids = {id(p) for p in title_parts}
    subtitles = [p for p in paras if p.role == "subtitle"]
    rest = [p for p in paras if id(p) not in title_ids and p.role != "subtitle"]
    # Captions go last: they describe a photo, not the lead of the story.
    ordered = title_parts + subtitles + [p for p in rest if p.role != "caption"] + [p for p in rest if p.role == "caption"]
    chars: list[str] = []
    offsets: list[int] = []
    for k, p in enumerate(ordered):
        if k:
            chars.append("\n")
            offsets.append(clean.offsets[p.start - 1] if p.start else 0)
        chars.append(p.text)
        offsets.extend(clean.offsets[p.start : p.end])
    text = "".join(chars)
    byline = next((p.text for p in paras if p.role == "byline"), None)
    if byline is None:
        brief = next((BRIEF_START.match(p.text) for p in paras if p.role == "body"), None)
        byline = brief.group(0) if brief else None
    title = " ".join(p.text for p in title_parts + subtitles) or None
    digest = hashlib.sha1(f"{source}\0{text}".encode()).hexdigest()[:16]
    return Article(source, index, ordered, title, byline, text, tuple(offsets), digest)


def split_articles(clean: CleanText, source: str = "-", title: str | None = None) -> list[Article]:
    """Split a cleaned page into articles; a page with no structure is one article.

    `title`, when the source gives one (JSON Lines, HTML), becomes the title of a
    single-article page.
    """
    paras = _paragraphs(clean)
    items = _group(paras)
    if not items:
        items = [paras] if paras else []
    articles = [_assemble(source, k, it, clean) for k, it in enumerate(items)]
    if title and len(articles) == 1 and not articles[0].title:
        articles[0].title = title
    return articles
