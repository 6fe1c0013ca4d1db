"""The one record every extractor returns: a typed span with its normalised values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass
class Entity:
    """A FIGURE, PLACE, DATE or PROGRAMME mention.

    `start`/`end` are offsets into the text given to `extract` (end exclusive);
    `text` is that slice with white space removed, as the gold format wants.
    DATE bounds are `date_start`/`date_end` here, because `start`/`end` are the
    offsets; `gold_dict` writes them under the guideline's names.
    """

    type: str
    text: str
    start: int
    end: int
    # FIGURE
    value: float | None = None
    max: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    kind: str | None = None  # FIGURE: unit kind (money, count…); PROGRAMME: guideline kind
    metric: str | None = None
    place: str | None = None
    place_code: str | None = None
    date: dict[str, str | None] | None = None
    programme: str | None = None
    attribution: dict[str, str] = field(default_factory=dict)  # how place/date/programme were found
    # PLACE and PROGRAMME
    name: str | None = None
    level: str | None = None
    parent: str | None = None
    code: str | None = None
    candidates: list[str] | None = None  # ambiguous place: the codes it may be
    ancestors: list[str] | None = None  # PLACE: codes of the units above; FIGURE: those of its place
    # DATE
    date_start: date | None = None
    date_end: date | None = None
    vague: bool | None = None

    def gold_dict(self) -> dict[str, Any]:
        """The entity in the gold format of docs/ANNOTATION.md (plus offsets)."""
        out: dict[str, Any] = {"type": self.type, "text": self.text, "offset": [self.start, self.end]}
        if self.type == "FIGURE":
            out.update(value=self.value, max=self.max, unit=self.unit, qualifier=self.qualifier, kind=self.kind)
            out.update(metric=self.metric, place=self.place, place_code=self.place_code, date=self.date, programme=self.programme)
            if self.attribution:
                out["attribution"] = self.attribution
        elif self.type == "PLACE":
            out.update(name=self.name, level=self.level, parent=self.parent, code=self.code)
            if self.candidates:
                out["candidates"] = self.candidates
        elif self.type == "DATE":
            out.update(
                start=self.date_start.isoformat() if self.date_start else None,
                end=self.date_end.isoformat() if self.date_end else None,
            )
            if self.vague:
                out["vague"] = True
        elif self.type == "PROGRAMME":
            out.update(name=self.name, kind=self.kind)
        return out

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
