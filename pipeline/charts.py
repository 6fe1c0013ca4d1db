"""Static charts (SVG, made with matplotlib) for the HTML pages.

- figures per place on the hierarchy: each unit with the figures attributed to
  it and to the units under it, indented under its parent;
- mentions of each programme over time: the most named programmes by month of publication;
- precision, recall and F1 per type, for the accuracy report.

Text is drawn as paths, so a chart shows its Chinese labels wherever it is
opened; drawing them needs a CJK font on the machine that makes the chart
(Debian: fonts-noto-cjk). Without one the labels come out as boxes and a
warning says so.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",
    "AR PL UMing CN",
)
TYPE_COLOURS = {"FIGURE": "#f2b134", "PLACE": "#3cc0c0", "DATE": "#7fb8a8", "PROGRAMME": "#9b7fe6"}


@cache
def cjk_font() -> str | None:
    """The first CJK font matplotlib can use, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def _rc() -> dict[str, Any]:
    font = cjk_font()
    if font is None:
        warnings.warn("no CJK font found for the charts (install fonts-noto-cjk); Chinese labels will not show", stacklevel=3)
    return {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "svg.fonttype": "path",
        "svg.hashsalt": "zhnews",
        "axes.unicode_minus": False,
        "font.size": 9,
    }


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _empty(message: str) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(6, 0.8))
        fig.text(0.5, 0.5, message, ha="center", va="center", color="#666")
        return _svg(fig)


def place_tree(
    figures: Iterable[tuple[str | None, Sequence[str] | None]], names: Mapping[str, str], max_depth: int = 3, limit: int = 40
) -> list[tuple[str, str, int, int, int]]:
    """Rows (code, label, depth, own figures, figures at it or under it) in tree order, biggest first.

    `figures` gives each figure's place code and the codes above it (in any
    order: a division code's significant digits say how deep it is); units
    deeper than `max_depth` (0 = top) count towards their ancestors only.
    """
    own: Counter = Counter()
    total: Counter = Counter()
    parent: dict[str, str | None] = {}
    for code, ancestors in figures:
        if not code:
            continue
        above = sorted({a for a in (ancestors or []) if a and a != code}, key=lambda a: (len(a.rstrip("0")), a))
        chain = above + [code]
        for k, c in enumerate(chain):
            parent.setdefault(c, chain[k - 1] if k else None)
            total[c] += 1
        own[code] += 1
    children: dict[str | None, list[str]] = defaultdict(list)
    for c, p in parent.items():
        children[p if p in parent else None].append(c)
    rows: list[tuple[str, str, int, int, int]] = []

    def walk(p: str | None, depth: int) -> None:
        for c in sorted(children.get(p, []), key=lambda c: (-total[c], c)):
            if len(rows) >= limit:
                return
            rows.append((c, names.get(c) or c, depth, own[c], total[c]))
            if depth < max_depth:
                walk(c, depth + 1)

    walk(None, 0)
    return rows


def places_svg(figures: Iterable[tuple[str | None, Sequence[str] | None]], names: Mapping[str, str]) -> str:
    """Figures per place on the hierarchy: horizontal bars, indented by level."""
    rows = place_tree(list(figures), names)
    if not rows:
        return _empty("no figure has a place with a division code")
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7.5, 0.8 + 0.24 * len(rows)))
        ax = fig.add_subplot()
        y = list(range(len(rows)))[::-1]
        ax.barh(y, [r[4] for r in rows], color="#f6d58e", label="at it or under it")
        ax.barh(y, [r[3] for r in rows], color="#e39b17", label="attributed to it")
        # Labels left-aligned in a column of their own, indented by depth, so the hierarchy shows.
        from matplotlib.transforms import blended_transform_factory

        ax.set_yticks(y, [""] * len(rows))
        ax.tick_params(axis="y", length=0)
        labels = blended_transform_factory(fig.transFigure, ax.transData)
        for yy, r in zip(y, rows, strict=True):
            ax.text(0.01 + 0.025 * r[2], yy, ("└ " if r[2] else "") + r[1], transform=labels, ha="left", va="center", fontsize=8)
        fig.subplots_adjust(left=0.34, right=0.97)
        for yy, r in zip(y, rows, strict=True):
            ax.text(r[4], yy, f" {r[4]}", va="center", fontsize=7, color="#555")
        ax.set_xlabel("figures")
        ax.set_title("Figures per place, rolled up the division hierarchy", loc="left")
        ax.legend(loc="best", frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.08, y=0.01)
        return _svg(fig)


def programmes_svg(mentions: Iterable[tuple[str, date | str | None]], top: int = 15) -> str:
    """Mentions of the most named programmes by month of publication: one row per programme, dots sized by count."""
    counts: Counter = Counter()
    total: Counter = Counter()
    for name, published in mentions:
        if not name or not published:
            continue
        month = published.isoformat()[:7] if isinstance(published, date) else str(published)[:7]
        counts[(name, month)] += 1
        total[name] += 1
    if not counts:
        return _empty("no programme mentions with a publication date")
    names = [n for n, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    months = sorted({m for (n, m) in counts if n in names})
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(max(5.0, 2.2 + 0.9 * len(months)), 0.9 + 0.3 * len(names)))
        ax = fig.add_subplot()
        ys = {n: len(names) - 1 - k for k, n in enumerate(names)}
        xs = {m: k for k, m in enumerate(months)}
        pts = [(xs[m], ys[n], c) for (n, m), c in counts.items() if n in ys]
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=[40 + 40 * p[2] for p in pts], color="#9b7fe6", alpha=0.8)
        for x, yy, c in pts:
            ax.annotate(str(c), (x, yy), ha="center", va="center", fontsize=7, color="white")
        ax.set_yticks(list(ys.values()), [f"{n} ({total[n]})" for n in ys])
        ax.set_xticks(list(xs.values()), months, rotation=0)
        ax.set_xlim(-0.6, len(months) - 0.4)
        ax.set_ylim(-0.7, len(names) - 0.3)
        ax.set_xlabel("month of publication")
        ax.set_title(f"Mentions of the {len(names)} most named programmes over time", loc="left")
        ax.grid(axis="y", color="#eee")
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


def scores_svg(scores: Mapping[str, Mapping[str, Any]]) -> str:
    """Precision, recall and F1 per type (and overall) as grouped bars."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    types = list(scores)
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(7, 2.6))
        ax = fig.add_subplot()
        width = 0.26
        for k, (key, colour) in enumerate((("precision", "#4c78a8"), ("recall", "#f58518"), ("f1", "#54a24b"))):
            vals = [float(scores[t].get(key) or 0) for t in types]
            xs = [i + (k - 1) * width for i in range(len(types))]
            ax.bar(xs, vals, width, label={"f1": "F1"}.get(key, key), color=colour)
            for x, v in zip(xs, vals, strict=True):
                ax.text(x, v + 0.01, f"{v:.2f}", ha="center", va="bottom", fontsize=6)
        ax.set_xticks(range(len(types)), types)
        ax.set_ylim(0, 1.08)
        ax.legend(ncols=3, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title("Scores per type", loc="left", pad=8)
        return _svg(fig)
