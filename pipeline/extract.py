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

from .attribution import attribute
from .clean import CleanText, clean
from .dates import DateFinder
from .entities import Entity
from .figures import FigureFinder
from .gazetteer import load_gazetteer
from .places import PlaceFinder
from .programmes import ProgrammeFinder
from .rules import Rules, default_rules

TITLES = regex.compile(r"《[^《》\n]{1,80}》")
SPACE = regex.compile(r"\s+")


@dataclass
class Extractor:
    """All extractors over one set of rules, built once and reused for every document."""

    rules: Rules

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

    def on_clean(self, text: str, published: date | None) -> list[Entity]:
        """Entities with offsets into the clean text `text`."""
        programmes = self.programmes.find(text)
        titles = [m.span() for m in TITLES.finditer(text)]
        inside = [(p.start, p.end) for p in programmes] + titles
        dates = self.dates.find(text, published, inside)
        figures = self.figures.find(text, inside + [(d.start, d.end) for d in dates])
        places = self.places.find(text, inside)
        entities = sorted(programmes + dates + figures + places, key=lambda e: (e.start, e.end))
        attribute(text, entities)
        return entities

    def extract(self, raw: str, published: date | None = None) -> list[Entity]:
        """Entities with offsets into `raw`, the source text as given."""
        cleaned = clean(raw)
        entities = self.on_clean(cleaned.text, published)
        return [e for e in (_to_source(e, cleaned, raw) for e in entities) if e.text]


def _to_source(e: Entity, cleaned: CleanText, raw: str) -> Entity:
    s, t = cleaned.source_span(e.start, e.end)
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
