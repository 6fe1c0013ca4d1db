"""The extraction API: text (+ publication date) → entities with values and attribution.

Order matters and is the guideline's: programmes and 《titles》 first (numbers
and places inside them are not entities), then dates (a year is a DATE, not a
FIGURE), then figures and places outside both, then attribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import regex

from .articles import Article, split_articles
from .attribution import attribute
from .clean import clean
from .dates import DateFinder
from .entities import Entity
from .figures import FigureFinder
from .gazetteer import load_gazetteer
from .html_text import is_html, visible_text
from .places import PlaceFinder
from .programmes import Analysis, ProgrammeFinder
from .rules import Rules, default_rules

TITLES = regex.compile(r"《[^《》\n]{1,80}》")
SPACE = regex.compile(r"\s+")


@dataclass
class Extractor:
    """All extractors over one set of rules, built once and reused for every document."""

    rules: Rules
    last_period: dict[str, str | None] | None = None

    @cached_property
    def figures(self) -> FigureFinder:
        return FigureFinder(self.rules)

    @cached_property
    def dates(self) -> DateFinder:
        return DateFinder(self.rules)

    @cached_property
    def programmes(self) -> ProgrammeFinder:
        return ProgrammeFinder(self.rules)

    @cached_property
    def places(self) -> PlaceFinder:
        return PlaceFinder(self.rules, load_gazetteer(self.rules.root / "places"))

    def on_clean(
        self,
        text: str,
        published: date | None,
        inherited: dict[str, str | None] | None = None,
        known_programmes: dict[str, str] | None = None,
        programme_analysis: Analysis | None = None,
    ) -> list[Entity]:
        """Entities with offsets into the clean text `text` (one article).

        `inherited` is the period of the previous item on the page, for figures
        of an item that sets none; the item's own period is left in `self.last_period`.
        `programme_analysis` is `self.programmes.analyse(text)` when the caller made it already.
        """
        programmes = self.programmes.find(text, known_programmes, programme_analysis)
        titles = [m.span() for m in TITLES.finditer(text)]
        inside = [(p.start, p.end) for p in programmes] + titles
        dates = self.dates.find(text, published, inside)
        figures = self.figures.find(text, inside + [(d.start, d.end) for d in dates])
        places = self.places.find(text, inside)
        entities = sorted(programmes + dates + figures + places, key=lambda e: (e.start, e.end))
        self.last_period = attribute(text, entities, published, inherited)
        return entities

    def articles(
        self, raw: str, published: date | None = None, source: str = "-", title: str | None = None, reflow: bool = True
    ) -> list[tuple[Article, list[Entity]]]:
        """Clean `raw`, split it into articles, and extract each; entity offsets point into `raw`.

        `reflow=False` for text read from HTML, whose lines are the page's blocks.
        """
        out = []
        period = None
        page = clean(raw, reflow)
        analysis = self.programmes.analyse(page.text)
        known = self.programmes.names(page.text, analysis)
        for art in split_articles(page, source, title):
            # Most pages are one item whose text is the page's: its programmes are analysed once, not twice.
            found = self.on_clean(art.text, published, period, known, analysis if art.text == page.text else None)
            period = self.last_period
            entities = [e for e in (_to_source(e, art.offsets, raw) for e in found) if e.text]
            out.append((art, entities))
        return out

    def extract(self, raw: str, published: date | None = None) -> list[Entity]:
        """Entities with offsets into `raw`, the source text as given, in reading order.

        An HTML page is read as its visible article text (pipeline/html_text.py);
        offsets still point into the page's source.
        """
        if is_html(raw):
            text, offsets = visible_text(raw)
            entities = [e for _, ents in self.articles(text, published, reflow=False) for e in ents]
            for e in entities:
                e.start, e.end = offsets[e.start], offsets[e.end - 1] + 1
            return sorted(entities, key=lambda e: (e.start, e.end))
        entities = [e for _, ents in self.articles(raw, published) for e in ents]
        return sorted(entities, key=lambda e: (e.start, e.end))


def _to_source(e: Entity, offsets: tuple[int, ...], raw: str) -> Entity:
    """Move an entity from article offsets to source offsets; its text is the source slice without white space."""
    s, t = offsets[e.start], offsets[e.end - 1] + 1
    e.start, e.end = s, t
    e.text = SPACE.sub("", raw[s:t])
    if e.type == "PROGRAMME":
        e.name = e.text  # the name as written, nested marks included (docs/ANNOTATION.md)
    return e


_EXTRACTOR: Extractor | None = None


def default_extractor() -> Extractor:
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor(default_rules())
    return _EXTRACTOR


def extract(text: str, published: date | None = None) -> list[Entity]:
    """FIGURE, PLACE, DATE and PROGRAMME mentions of `text`, in reading order."""
    return default_extractor().extract(text, published)
