"""Rows → text for the terminal (CJK-width aware), CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any


def width(s: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float):
        return f"{v:.0f}" if v.is_integer() and abs(v) < 1e15 else f"{v:g}"
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    if isinstance(v, (list, tuple)):
        return ",".join(_cell(x) for x in v)
    return str(v)


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (date, datetime)):
        return v.isoformat()[:10]
    if hasattr(v, "tolist"):
        return v.tolist()
    return v


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, max_cell: int = 40) -> str:
    """The rows as an aligned table, CSV or JSON (one object per row)."""
    if fmt == "json":
        return "\n".join(
            json.dumps({c: _json_value(v) for c, v in zip(columns, r, strict=True)}, ensure_ascii=False) for r in rows
        )
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        for r in rows:
            w.writerow([_cell(v) for v in r])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in r] for r in rows]
    cells = [[c if width(c) <= max_cell else _clip(c, max_cell) for c in r] for r in cells]
    widths = [max([width(c)] + [width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(_pad(c, widths[i]) for i, c in enumerate(columns)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - width(s))


def _clip(s: str, w: int) -> str:
    out, n = "", 0
    for ch in s:
        cw = width(ch)
        if n + cw > w - 1:
            break
        out += ch
        n += cw
    return out + "…"
