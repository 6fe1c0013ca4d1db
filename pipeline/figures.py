"""FIGURE extraction: find quantities with one compiled pattern, then resolve value, unit, qualifier.

Finding and resolving are separate: `FigureFinder.find` scans the text once;
`resolve` turns one match into value/max/unit/qualifier and can be tested on a
string alone (`parse_quantity("1.2万余次")`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from .entities import Entity
from .numbers import MULTIPLIERS, NumberError, approx_pair, parse_number
from .rules import Rules

AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
CN = r"[零〇一二两三四五六七八九十百千万亿]+"
CN_RE = regex.compile(CN)
VAGUE_RE = regex.compile(r"(?:数|几|上|成)(?:十|百|千|万|亿)|(?:十|百|千)几")
YEAR_RE = regex.compile(r"(?:19|20)\d\d")
METRIC_TAIL = regex.compile(r"[\p{Han}（）()A-Za-z]{1,12}")
CN_DECIMAL = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
VAGUE = r"(?:数|几|上|成)(?:十|百|千|万|亿)|(?:十|百|千)几"
MULT = r"万亿|千万|百万|万|亿|千|百"
RANGE_SEP = r"至|到|—|–|－|-|~|～"
# Characters before a numeral that make it part of a word, not a count (`统一`, `唯一`).
WORD_BEFORE = set("第统唯万之单均专")
# Chinese numerals ending in 万/亿 that are words, not counts (`千万不要`, `亿万人民`).
BARE_NOT_COUNTS = {"千万", "万万", "亿万", "百万", "十万", "千千万万"}
# Count units an article-like 一 goes with (`一项新课题`, `一名基层党员`).
ARTICLE_UNITS_KINDS = {"count"}
TIME_KINDS = {"duration", "age"}
# A short quotation without sentence punctuation is a label; numbers in it are not figures.
QUOTED_LABEL = regex.compile(r"“[^“”\n。！？，]{1,15}”|‘[^‘’\n。！？，]{1,15}’")


@dataclass(frozen=True)
class Quantity:
    """A resolved figure: what `parse_quantity` returns for one span."""

    value: float
    max: float | None
    unit: str | None
    qualifier: str | None
    kind: str | None


class FigureFinder:
    """Figure patterns compiled once from the unit and qualifier rule files."""

    def __init__(self, rules: Rules) -> None:
        self.unit_kind: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        for group in rules.units["unit"]:
            for w in group["words"]:
                self.unit_kind.setdefault(w, group["kind"])
                if "canonical" in group:
                    self.canonical[w] = group["canonical"]
        self.counted_nouns = set(rules.units["counted_nouns"]["words"])
        self.money_before: dict[str, str] = rules.units.get("money_before", {})
        self.leading: dict[str, str] = rules.qualifiers["leading"]
        self.trailing: dict[str, str] = rules.qualifiers["trailing"]
        self.stop_phrases = rules.not_figures["phrases"]["words"]
        labels = rules.not_figures["label_after"]["words"]
        self.label_after = regex.compile("|".join(regex.escape(w) for w in sorted(labels, key=len, reverse=True)))
        units = sorted(self.unit_kind, key=len, reverse=True)
        unit_alt = "|".join(regex.escape(u) for u in units)
        nouns = "|".join(sorted(self.counted_nouns, key=len, reverse=True))
        number = rf"(?:{AR}|{VAGUE}|{CN_DECIMAL})"
        # A unit that starts with a multiplier character (`千米`, `千克`) is the unit, not 千 + 米.
        mult_units = "|".join(regex.escape(u) for u in units if u[0] in "百千万亿")
        mult = rf"(?!(?:{mult_units}))(?:{MULT})" if mult_units else MULT
        self.pattern = regex.compile(
            rf"""
            (?P<pct_cn>百分之(?P<pct_num>{AR}|{CN_DECIMAL})(?:(?:{RANGE_SEP})百分之(?P<pct_num2>{AR}|{CN_DECIMAL}))?)
          | (?P<frac>(?P<fnum>\d+)/(?P<fden>\d+))
          | (?P<cfrac>(?P<cden>{AR}|{CN})分之(?P<cnum>{AR}|{CN}))
          | (?P<half>一半多?|半数)
          | (?P<big>(?P<bnum>{CN}|{AR})大(?P<bnoun>\p{{Han}}{{1,8}}?)(?=[，。、；：的和与及等“”（）\s\d]|成为|建设|项目|领域|$))
          | (?P<num>{number})(?P<more>多|余|几)?(?P<mult>{mult})?(?P<more2>多|余)?
            (?:(?P<sep>{RANGE_SEP})(?P<num2>{number})(?P<mult2>{mult})?)?
            (?:(?P<unit>{unit_alt})|(?P<noun>{nouns}))?
            (?P<trail>以上|以下|以内|之内|左右|上下|多|余)?
            """,
            regex.VERBOSE,
        )
        self.stop_pattern = regex.compile("|".join(regex.escape(p) for p in sorted(self.stop_phrases, key=len, reverse=True)))
        self.leading_pattern = regex.compile(
            "(?:" + "|".join(regex.escape(w) for w in sorted(self.leading, key=len, reverse=True)) + ")$"
        )

    def _unit(self, written: str | None) -> tuple[str | None, str | None]:
        if not written:
            return None, None
        return self.canonical.get(written, written), self.unit_kind.get(written, "count")

    def resolve(self, m: regex.Match[str]) -> Quantity | None:
        """Value, max, unit and trailing qualifier of one match; None if it is no figure.

        A numeral that cannot be read (`七十百`) is no figure: it is dropped, never guessed.
        """
        try:
            return self._resolve(m)
        except NumberError:
            return None

    def _resolve(self, m: regex.Match[str]) -> Quantity | None:
        g = m.groupdict()
        if g["pct_cn"]:
            lo = parse_number(g["pct_num"])
            hi = parse_number(g["pct_num2"]) if g["pct_num2"] else None
            return Quantity(lo, hi, "%", None, "percent")
        if g["frac"]:
            den = float(g["fden"])
            if den == 0 or float(g["fnum"]) > den:
                return None
            return Quantity(round(100 * float(g["fnum"]) / den, 4), None, "%", None, "percent")
        if g["cfrac"]:
            try:
                den, num = parse_number(g["cden"]), parse_number(g["cnum"])
            except NumberError:
                return None
            if den == 0 or num > den or den == 100:
                return None  # `百分之十` is handled as a percentage above
            return Quantity(round(100 * num / den, 2), None, "%", None, "percent")
        if g["half"]:
            return Quantity(50.0, None, "%", "more_than" if g["half"].endswith("多") else None, "percent")
        if g["big"]:
            try:
                return Quantity(parse_number(g["bnum"]), None, g["bnoun"], None, "count")
            except NumberError:
                return None
        num = g["num"]
        written_unit = g["unit"] or g["noun"]
        if g["noun"] and not CN_RE.fullmatch(num):
            return None  # `2省` is rare and ambiguous; counted nouns follow Chinese numerals
        pair = approx_pair(num) if CN_RE.fullmatch(num) else None
        try:
            if pair:
                lo, hi = pair
            else:
                lo, hi = parse_number(num), None
            if g["num2"]:
                hi = parse_number(g["num2"]) * (MULTIPLIERS[g["mult2"]] if g["mult2"] else 1.0)
                tail = g["num2"][-1]
                if not g["mult"] and tail in "万亿千百" and CN_RE.fullmatch(num) and num[-1] not in "万亿千百十":
                    lo *= MULTIPLIERS[tail]  # `两到三万`: 20000 to 30000
        except NumberError:
            return None
        mult = MULTIPLIERS[g["mult"]] if g["mult"] else 1.0
        if g["mult"] and not g["mult2"] and hi is not None:
            hi *= mult  # `两三千` / `5-10万`: the multiplier applies to both ends
        lo *= mult
        unit, kind = self._unit(written_unit)
        if written_unit in self.money_before and m.string.startswith(self.money_before[written_unit], m.end("unit")):
            unit, kind = "元", "money"
        if written_unit == "成":
            lo, hi, unit, kind = lo * 10, hi * 10 if hi is not None else None, "%", "percent"
        qualifier = None
        if g["more"] or g["more2"]:
            qualifier = "more_than"
        if g["trail"]:
            qualifier = self.trailing[g["trail"]] or None
        if VAGUE_RE.fullmatch(num):
            qualifier = "more_than"
        bare_cn_count = CN_RE.fullmatch(num) and num[-1] in "万亿" and len(num) >= 2 and num not in BARE_NOT_COUNTS
        if unit is None and not g["mult"] and kind is None and not bare_cn_count:
            return None
        return Quantity(lo, hi, unit, qualifier, kind)

    def find(self, text: str, excluded: list[tuple[int, int]]) -> list[Entity]:
        """Every figure of `text`, skipping spans in `excluded` (dates, programmes, titles).

        Fixed phrases (`四个意识`, `千斤重担`) and short quoted labels (`“三个80%”`,
        `“最后一公里”`) block any figure that overlaps them.
        """
        blocked = [(m.start(), m.end()) for m in self.stop_pattern.finditer(text)] if self.stop_phrases else []
        blocked += [m.span() for m in QUOTED_LABEL.finditer(text)]
        spans = SpanIndex(excluded + blocked)
        out: list[Entity] = []
        for m in self.pattern.finditer(text):
            s, e = m.span()
            if e - s == 0:
                continue
            if spans.overlaps(s, e):
                continue
            num = m.group("num") or m.group("bnum") or ""
            if s and text[s - 1] in WORD_BEFORE and (text[s - 1] == "第" or CN_RE.match(num)):
                continue  # `第3轮`, `统一`: ordinals and words, not counts
            if text[max(0, s - 2) : s] in ("星期", "礼拜") or (s and text[s - 1] == "每"):
                continue  # `星期五`; `每三台…`: the base of a rate, not a count
            unit_start = m.start("unit") if m.group("unit") else e
            if self.label_after.match(text, unit_start):
                continue  # `九年级`, `50周年`, `十四届一次会议`: labels and ordinals
            if m.group("unit") == "年" and (YEAR_RE.fullmatch(num) or num in ("百", "千", "万")):
                continue  # a year is a DATE; `千年古村`, `百年变局` are epithets
            if (
                s
                and text[s - 1].isdigit()
                or (e < len(text) and m.group("num") and text[e : e + 1] in "年月日号时点" and not m.group("unit"))
            ):
                continue
            q = self.resolve(m)
            if q is None:
                continue
            if num == "一" and not m.group("mult") and not m.group("num2") and q.kind in ARTICLE_UNITS_KINDS:
                if not self.leading_pattern.search(text[max(0, s - 3) : s]) and text[max(0, s - 1) : s] not in ("只", "跑"):
                    continue  # article-like 一: `一项新课题`
            if m.group("noun") and len(num) > 2:
                continue
            lead = self.leading_pattern.search(text[max(0, s - 3) : s])
            qualifier = q.qualifier
            if lead and qualifier is None:
                qualifier = self.leading[lead.group(0)] or None
            out.append(
                Entity(
                    "FIGURE",
                    text[s:e],
                    s,
                    e,
                    value=_tidy(q.value),
                    max=_tidy(q.max) if q.max is not None else None,
                    unit=q.unit,
                    qualifier=qualifier,
                    kind=q.kind,
                    metric=_metric(text, s, e, q),
                )
            )
        return out


class SpanIndex:
    """Spans to skip, merged and sorted once, so each candidate is checked by bisection, not against all."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, s: int, e: int) -> bool:
        """Whether [s, e) overlaps a span (touching ends do not count)."""
        i = bisect.bisect_right(self.starts, e - 1) - 1
        return i >= 0 and self.ends[i] > s


def _tidy(v: float) -> float:
    """Round away float noise (`214.46 * 1e8`)."""
    return float(round(v, 6))


def _metric(text: str, s: int, e: int, q: Quantity) -> str | None:
    """What is counted: the noun phrase after a measure word, else the subject before the figure."""
    if q.kind == "count" and q.unit and len(q.unit) <= 2:
        tail = METRIC_TAIL.match(text[e : e + 12])
        if tail:
            words = tail.group(0)
            cut = min((words.find(c) for c in "的和与及等在是为" if words.find(c) > 0), default=len(words))
            phrase = words[:cut]
            if len(phrase) >= 2:
                return phrase
    head = text[max(0, s - 16) : s]
    head = regex.split(r"[，。、；：！？,;:\n“”]", head)[-1]
    head = regex.sub(
        r"(近|约|超过|超|逾|突破|不足|不到|达到|达|为|是|共|仅|有|了|高达|累计|总计|合计|增长|提高|下降|减少|增加)+$", "", head
    )
    return head[-8:] if len(head) >= 2 else None


def parse_quantity(text: str, rules: Rules | None = None) -> Quantity | None:
    """Resolve a figure written alone: `parse_quantity("1.2万余次")` → 12000 次, more_than."""
    from .rules import default_rules

    finder = FigureFinder(rules or default_rules())
    m = finder.pattern.fullmatch(text)
    return finder.resolve(m) if m else None
