"""Answers from the place gazetteer's files without loading the place index.

`zhnews query` needs a few facts about places — the division codes a name may
mean (`--within 赣州市`), the canonical name of a division code (`query totals`)
— and must answer in a fraction of a second. Loading the whole index
(pipeline.gazetteer) takes half a second, so these read only the lines of
`rules/places/divisions.tsv` that they need, memory-mapped (31 MB, not copied),
plus the small hand-kept files; tests/test_query_within.py checks that they give
the index's answers.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable
from pathlib import Path

from .rules import RULES_DIR

PLACES_DIR = RULES_DIR / "places"
DIVISIONS = "divisions.tsv"
# The digits of a statistical code that a division of each level fixes: every unit under
# 赣州市 (360700000000) has a code starting 3607, and only those (tests/test_query_within.py
# checks it over the whole gazetteer).
CODE_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


def tsv_rows_holding(data: bytes | mmap.mmap, needle: str) -> list[dict[str, str]]:
    """The rows of a TSV file's bytes (pipeline.gazetteer's format) whose line contains `needle`, in file order."""
    header_at = 0
    while header_at < len(data) and data[header_at : header_at + 1] in (b"#", b"\n"):
        header_at = data.find(b"\n", header_at) + 1 or len(data)
    header_end = data.find(b"\n", header_at) % (len(data) + 1)
    header = data[header_at:header_end].decode("utf-8").split("\t")
    rows, pos, key = [], header_end + 1, needle.encode("utf-8")
    while (hit := data.find(key, pos)) >= 0:
        start, end = data.rfind(b"\n", 0, hit) + 1, data.find(b"\n", hit) % (len(data) + 1)
        line, pos = data[start:end].decode("utf-8").rstrip("\r"), end + 1
        if line and not line.startswith("#"):
            cells = line.split("\t")
            rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
    return rows


def place_units(name: str, root: Path = PLACES_DIR) -> list[tuple[str, str]]:
    """(level, code) of every unit that `name` names in the gazetteer files under `root`, in the gazetteer's order.

    The same answer as `load_gazetteer(root).surfaces[name]` (tests/test_query_within.py checks it),
    read from only the lines of divisions.tsv that hold the name and from the small hand-kept
    files: loading the whole index takes half a second, more than the query it serves.
    """
    if len(name) < 2:  # the gazetteer has no surface forms shorter than two characters
        return []
    div = root / DIVISIONS
    if not div.exists() or div.stat().st_size == 0:
        return _units_named(name, b"", root)
    with open(div, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:  # 31 MB, not copied
        return _units_named(name, data, root)


def _units_named(name: str, data: bytes | mmap.mmap, root: Path) -> list[tuple[str, str]]:
    """`_place_units` over the bytes of divisions.tsv: its rows are keyed by code, hand-kept rows by code or level:name."""
    from .gazetteer import HAND_FILES, _read_tsv

    divisions: dict[str, tuple[str, str] | None] = {}

    def division(code: str) -> tuple[str, str] | None:
        """The division keyed `code`, or None."""
        if code not in divisions:
            row = next((r for r in tsv_rows_holding(data, code) if r.get("code") == code), None)
            divisions[code] = (row["level"], code) if row else None
        return divisions[code]

    def hand_key(r: dict[str, str]) -> str:
        code = (r.get("code") or "").strip()
        return code if code and division(code) else f"{r['level']}:{r['name']}"

    named = [
        r for r in tsv_rows_holding(data, name) if r["name"] == name or name in filter(None, r.get("aliases", "").split("|"))
    ]
    keys = [r["code"] for r in named]
    units: dict[str, tuple[str, str] | None] = {r["code"]: (r["level"], r["code"]) for r in named}  # codes are unique
    divisions.update(units)
    hand = [r for f in HAND_FILES if (root / f).exists() for r in _read_tsv(root / f)]
    for i, r in enumerate(hand):
        aliases = [a.strip() for a in filter(None, (r.get("aliases") or "").split("|"))]
        if r["name"] != name and name not in aliases:
            continue
        key = hand_key(r)
        if key not in units and ":" in key:  # a hand-kept unit: the first row with its level:name key defines it
            first = next(h for h in hand[: i + 1] if f"{h['level']}:{h['name']}" == key and hand_key(h) == key)
            units[key] = (first["level"], (first.get("code") or "").strip())
        elif key not in units:  # a division named by a hand-kept row
            units[key] = division(key)
        keys.append(key)
    return [u for k in dict.fromkeys(keys) if (u := units[k])]


def units_within(name: str, root: Path = PLACES_DIR) -> list[tuple[str, str]]:
    """(level, code) of the units a name may mean (`赣州市`, `赣州`, `章贡区`); villages only when nothing else."""
    units = [(level, code) for level, code in place_units(name, root) if code]
    return [u for u in units if u[0] != "village"] or units


def codes_within(name: str, root: Path = PLACES_DIR) -> list[str]:
    """Division codes of the units a name may mean (see units_within)."""
    return [code for _, code in units_within(name, root)]


def names_of_codes(codes: Iterable[str], root: Path = PLACES_DIR) -> dict[str, str]:
    """The canonical names of division codes, found by binary search in divisions.tsv (its rows are sorted by code).

    A code the file does not hold is left out. `zhnews query totals` names the ≤ a few hundred
    places it returns this way instead of joining the places view (every PLACE mention).
    """
    div = root / DIVISIONS
    wanted = sorted(set(codes))
    if not wanted or not div.exists() or div.stat().st_size == 0:
        return {}
    with open(div, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        first = data.find(b"\n") + 1  # the header's end
        return {code: name for code in wanted if (name := _name_at(data, first, code.encode("ascii", "replace")))}


def _name_at(data: mmap.mmap, lo: int, code: bytes) -> str | None:
    """The name column of the row keyed `code`, by bisecting byte offsets between line starts."""
    hi = len(data)
    while lo < hi:
        mid = (lo + hi) // 2
        start = data.rfind(b"\n", lo, mid) + 1 or lo  # the start of the line holding `mid`
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        key = data[start : data.find(b"\t", start, end) % (end + 1)]
        if key == code:
            cells = data[start:end].decode("utf-8").split("\t")
            return cells[1] if len(cells) > 1 else None
        if key < code:
            lo = end + 1
        else:
            hi = start
    return None
