"""Gold matching and scores, as defined in docs/ANNOTATION.md ("Gold format").

Matching is per document and per type, as multisets of `text`; each gold
mention matches at most once (gold and predicted mentions are paired in
reading order). Value agreement is scored on matched pairs for the fields the
gold carries; attribution agreement on figures whose gold has place/date.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import regex

from .entities import Entity

TYPES = ("FIGURE", "PLACE", "DATE", "PROGRAMME")
VALUE_FIELDS = {"FIGURE": ("value", "max", "unit"), "PLACE": ("name", "level"), "DATE": ("start", "end"), "PROGRAMME": ("name",)}
SPACE = regex.compile(r"\s+")


class GoldError(ValueError):
    """A gold file that does not follow the format; the message names file and line."""


@dataclass
class GoldDoc:
    id: str
    text: str
    published: date | None
    entities: list[dict[str, Any]]


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    value_checked: int = 0
    value_agreed: int = 0
    place_checked: int = 0
    place_agreed: int = 0
    date_checked: int = 0
    date_agreed: int = 0

    def add(self, other: Counts) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def scores(self) -> dict[str, float | int | None]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0

        def share(a: int, n: int) -> float | None:
            return round(a / n, 4) if n else None

        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "value_agreement": share(self.value_agreed, self.value_checked),
            "place_agreement": share(self.place_agreed, self.place_checked),
            "date_agreement": share(self.date_agreed, self.date_checked),
        }


@dataclass
class Error:
    kind: str  # "FP", "FN", "VALUE" or "ATTRIBUTION" (a matched figure given another place or period)
    type: str
    doc_id: str
    text: str
    context: str
    detail: str = ""


@dataclass
class Report:
    per_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    errors: list[Error] = field(default_factory=list)

    def scores(self) -> dict[str, dict[str, float | int | None]]:
        overall = Counts()
        for c in self.per_type.values():
            overall.add(c)
        out = {t: c.scores() for t, c in self.per_type.items()}
        out["overall"] = overall.scores()
        return out


def load_gold(path: str | Path) -> list[GoldDoc]:
    """Read a gold JSON Lines file; raise GoldError naming the line on a bad record."""
    docs = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise GoldError(f"{path}:{n}: not JSON ({err.msg})") from err
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not isinstance(rec.get("entities"), list):
                raise GoldError(f"{path}:{n}: a gold record needs `text` and `entities`")
            pub = None
            if rec.get("published"):
                try:
                    pub = date.fromisoformat(rec["published"])
                except ValueError as err:
                    raise GoldError(f"{path}:{n}: published is not an ISO date") from err
            docs.append(GoldDoc(str(rec.get("id", f"{Path(path).name}:{n}")), rec["text"], pub, rec["entities"]))
    return docs


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def _context(text: str, mention: str, nth: int, width: int = 15) -> str:
    squeezed = SPACE.sub("", text)
    pos = -1
    for _ in range(nth + 1):
        pos = squeezed.find(mention, pos + 1)
        if pos < 0:
            return mention
    return f"{squeezed[max(0, pos - width) : pos]}[{mention}]{squeezed[pos + len(mention) : pos + len(mention) + width]}"


def pair_mentions(
    gold: list[dict[str, Any]], pred: list[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None, int]]:
    """Gold and predicted mentions of one type paired as the guideline says: by text, each at most once.

    Yields (gold, predicted, n) for every gold mention (predicted None for a miss),
    then (None, predicted, n) for every predicted mention left over; n counts the
    earlier mentions with the same text, to find the right occurrence in context.
    """
    by_text: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in pred:
        by_text[p["text"]].append(p)
    seen: dict[str, int] = defaultdict(int)
    for g in gold:
        k = seen[g["text"]]
        seen[g["text"]] += 1
        yield g, (by_text[g["text"]].pop(0) if by_text[g["text"]] else None), k
    for left in by_text.values():
        for n, p in enumerate(left):
            yield None, p, n


def score_document(doc: GoldDoc, predicted: list[dict[str, Any]], report: Report) -> None:
    """Add one document's matches and errors to `report`."""
    for t in TYPES:
        gold = [g for g in doc.entities if g.get("type") == t]
        pred = [p for p in predicted if p.get("type") == t]
        c = report.per_type[t]
        c.gold += len(gold)
        c.predicted += len(pred)
        for g, p, k in pair_mentions(gold, pred):
            if g is None:
                report.errors.append(Error("FP", t, doc.id, p["text"], _context(doc.text, p["text"], k)))
                continue
            if p is None:
                report.errors.append(Error("FN", t, doc.id, g["text"], _context(doc.text, g["text"], k)))
                continue
            c.matched += 1
            fields = [f for f in VALUE_FIELDS[t] if f in g]
            if fields:
                c.value_checked += 1
                if all(_same(g[f], p.get(f)) for f in fields):
                    c.value_agreed += 1
                else:
                    diff = ", ".join(f"{f}: gold {g[f]!r} got {p.get(f)!r}" for f in fields if not _same(g[f], p.get(f)))
                    report.errors.append(Error("VALUE", t, doc.id, g["text"], _context(doc.text, g["text"], k), diff))
            if t == "FIGURE":
                context = _context(doc.text, g["text"], k)
                if g.get("place") is not None:
                    c.place_checked += 1
                    c.place_agreed += int(g["place"] == p.get("place"))
                    if g["place"] != p.get("place"):
                        detail = f"place: gold {g['place']!r} got {p.get('place')!r}"
                        report.errors.append(Error("ATTRIBUTION", t, doc.id, g["text"], context, detail))
                if isinstance(g.get("date"), dict):
                    c.date_checked += 1
                    gd, pd = g["date"], p.get("date") or {}
                    same = gd.get("start") == pd.get("start") and gd.get("end") == pd.get("end")
                    c.date_agreed += int(same)
                    if not same:
                        detail = f"date: gold {gd.get('start')}..{gd.get('end')} got {pd.get('start')}..{pd.get('end')}"
                        report.errors.append(Error("ATTRIBUTION", t, doc.id, g["text"], context, detail))


def evaluate(docs: Iterable[GoldDoc], run: Callable[[str, date | None], list[Entity]]) -> Report:
    """Run the extractor on every gold document and score it."""
    report = Report()
    for doc in docs:
        predicted = [e.gold_dict() for e in run(doc.text, doc.published)]
        score_document(doc, predicted, report)
    return report


def regressions(scores: dict[str, Any], baseline: dict[str, Any], tolerance: float) -> list[str]:
    """Every score that fell more than `tolerance` below the baseline, named."""
    out = []
    for t, base in baseline.items():
        if not isinstance(base, dict):
            continue
        for k, v in base.items():
            now = scores.get(t, {}).get(k)
            if k in ("gold", "predicted") or not isinstance(v, (int, float)):
                continue
            if now is None or now < v - tolerance:
                out.append(f"{t} {k}: {now if now is not None else 'missing'} < baseline {v} - {tolerance}")
    return out
