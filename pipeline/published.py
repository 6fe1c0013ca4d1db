"""Publication date of a document: given, from corpus metadata, or inferred from its text.

Relative dates (`今年以来`, `去年`) mean nothing without it, so it is never
silently today: when no source gives it, the latest full date the text states
is used and the row is marked as inferred.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import regex

FULL_DATE = regex.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
METADATA_NAMES = ("metadata.json",)


def infer_published(text: str) -> date | None:
    """The latest explicit full date (`2022年11月30日`) the text mentions, if any."""
    best = None
    for m in FULL_DATE.finditer(text):
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        best = d if best is None or d > best else best
    return best


def load_metadata(paths: list[str]) -> dict[str, date]:
    """Publication dates from `metadata.json` files in the input directories, keyed by file stem."""
    dates: dict[str, date] = {}
    for raw in paths:
        p = Path(raw)
        base = p if p.is_dir() else p.parent
        for d in [base, *base.parents][:3]:
            for name in METADATA_NAMES:
                meta = d / name
                if not meta.is_file():
                    continue
                try:
                    entries = json.loads(meta.read_text(encoding="utf-8"))
                except (OSError, json.JSONDecodeError):
                    continue
                for key, value in entries.items():
                    if isinstance(value, dict) and isinstance(value.get("published"), str):
                        try:
                            dates.setdefault(key, date.fromisoformat(value["published"]))
                        except ValueError:
                            continue
    return dates
