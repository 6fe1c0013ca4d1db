"""PLACE extraction and resolution: gazetteer matches, filtered by context, resolved by chain and document.

Every surface form is found in one pass (the gazetteer's automaton); the
longest match wins at each position, so a chain `章贡区沙石镇火燃村` falls into
its units. A village name is accepted only in a chain under its township or
county, or when a unit above it is named elsewhere in the document: village
names repeat across China (9 `岭上村` in Jiangxi alone) and many are ordinary
words. An ambiguous name is resolved by its chain, then by the document's other
places; otherwise it is reported with its candidates, never guessed.
"""

from __future__ import annotations

import tomllib

import regex

from .entities import Entity
from .gazetteer import Gazetteer, Unit
from .rules import Rules

LEVEL_RANK = {
    "province": 0,
    "region": 0,
    "foreign": 0,
    "river": 0,
    "city": 1,
    "zone": 2,
    "county": 2,
    "township": 3,
    "village": 4,
}
# A place followed by these is a street or point of interest, not the place (`南康路`, `赣州大道`).
STREET_AFTER = regex.compile(r"^(?:路|大道|大街|街(?!道)|巷|弄|胡同|广场|小区|花园|公寓|大厦|美食街|景区|公园|站(?!在))")


class PlaceFinder:
    """Place filters from `rules/places/not_places.toml` over a loaded gazetteer."""

    def __init__(self, rules: Rules, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        with open(rules.root / "places" / "not_places.toml", "rb") as f:
            data = tomllib.load(f)
        self.not_places = set(data["words"]["words"])
        self.min_village = int(data["village"]["min_length"])

    def _matches(self, text: str, excluded: list[tuple[int, int]]) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Longest non-overlapping matches, left to right."""
        found = []
        for end, (surface, keys) in self.gaz.iter(text):
            start = end - len(surface) + 1
            found.append((start, end + 1, surface, keys))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        out, last = [], -1
        for s, e, surface, keys in found:
            if s < last or surface in self.not_places:
                continue
            if any(a < e and s < b for a, b in excluded):
                continue
            if STREET_AFTER.match(text[e : e + 3]):
                continue
            out.append((s, e, surface, keys))
            last = e
        return out

    def find(self, text: str, excluded: list[tuple[int, int]]) -> list[Entity]:
        """Every place of `text` (excluded spans are programme names and titles)."""
        matches = self._matches(text, excluded)
        # Units named unambiguously above village level form the document's context.
        context: set[str] = set()
        for _, _, surface, keys in matches:
            upper = [
                k for k in keys if self.gaz.units[k].level != "village" and not self._needs_context(surface, self.gaz.units[k])
            ]
            if len(upper) == 1:
                context.add(upper[0])
                context.update(self.gaz.ancestors(upper[0]))
        out: list[Entity] = []
        prev_key: str | None = None
        prev_end = -2
        for s, e, surface, keys in matches:
            chained = prev_key if s == prev_end else None
            key, candidates = self._resolve(keys, chained, context)
            if key is None and not candidates:
                prev_key, prev_end = None, e
                continue
            unit = self.gaz.units[key] if key else self.gaz.units[candidates[0]]
            if (unit.level == "village" and key is None) or (
                self._needs_context(surface, unit) and not (chained or self._parent_named(unit, context))
            ):
                prev_key, prev_end = None, e
                continue
            ent = Entity("PLACE", surface, s, e, name=unit.name, level=unit.level)
            if key:
                ent.parent = self.gaz.parent_name(key)
                ent.code = unit.code or None
                ent.ancestors = [c for c in (self.gaz.units[a].code for a in self.gaz.ancestors(key)) if c]
            else:
                ent.candidates = [self.gaz.units[c].code or c for c in candidates]
            out.append(ent)
            prev_key, prev_end = key, e
            if key:
                context.add(key)
        return out

    def _resolve(self, keys: tuple[str, ...], chained: str | None, context: set[str]) -> tuple[str | None, list[str]]:
        """One unit for a surface form, or (None, candidates) when the text cannot decide."""
        units: list[Unit] = [self.gaz.units[k] for k in keys]
        villages = [u for u in units if u.level == "village"]
        others = [u for u in units if u.level != "village"]
        if chained:
            under = [u for u in units if chained in self.gaz.ancestors(u.key)]
            if len(under) == 1:
                return under[0].key, []
            if under:
                units, villages, others = (
                    under,
                    [u for u in under if u.level == "village"],
                    [u for u in under if u.level != "village"],
                )
        if others:
            pool = others
        else:
            pool = [u for u in villages if len(u.name) >= self.min_village and set(self.gaz.ancestors(u.key)) & context]
            pool = [u for u in pool if self._village_supported(u, chained, context)]
            if not pool:
                return None, []
        if len(pool) == 1:
            return pool[0].key, []
        scored = sorted(pool, key=lambda u: (-self._support(u, context), LEVEL_RANK.get(u.level, 5)))
        best = scored[0]
        if self._support(best, context) > self._support(scored[1], context):
            return best.key, []
        top = [
            u
            for u in scored
            if LEVEL_RANK.get(u.level, 5) == LEVEL_RANK.get(best.level, 5)
            and self._support(u, context) == self._support(best, context)
        ]
        if len(top) == 1:
            return top[0].key, []
        return None, [u.key for u in top]

    def _needs_context(self, surface: str, unit: Unit) -> bool:
        """A county or township named by a short form (`章贡`, `和县`) needs its city or province nearby.

        Two-character short forms are often ordinary words or parts of them
        (`江山`, `惠民`, `和政` in `党和政府`); with a unit above them named in the
        same document they are places.
        """
        return unit.level in ("county", "township", "zone") and len(surface) <= 2

    def _parent_named(self, unit: Unit, context: set[str]) -> bool:
        """The unit directly above `unit` is named in the document."""
        return any(a in context for a in self.gaz.ancestors(unit.key)[:1])

    def _village_supported(self, u: Unit, chained: str | None, context: set[str]) -> bool:
        """A village needs its township or county in the chain or in the document."""
        anc = self.gaz.ancestors(u.key)
        return bool(chained and chained in anc) or any(
            a in context and self.gaz.units[a].level in ("township", "county") for a in anc
        )

    def _support(self, u: Unit, context: set[str]) -> int:
        """How specific the document's support for this unit is (deeper shared ancestor = more)."""
        best = 0
        for depth, a in enumerate(reversed(self.gaz.ancestors(u.key)), 1):
            if a in context:
                best = depth
        return best
